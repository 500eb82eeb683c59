"""A font that covers Chinese, registered with matplotlib explicitly.

matplotlib's default font (DejaVu Sans) has no CJK glyphs: Chinese labels would print as boxes.
The project depends on the ``mplfonts`` package (MIT), which ships Noto Sans CJK SC (SIL Open Font
License) as a file; it is located without importing mplfonts and added to matplotlib's font
manager. A system Noto Sans CJK (Debian's fonts-noto-cjk) is used if mplfonts is absent.
"""

from __future__ import annotations

import importlib.util
import warnings
from functools import cache
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
_MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
_SYSTEM_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
#: matplotlib's warning for a character the font lacks; made an error so that no chart ships with boxes.
MISSING_GLYPH_MESSAGE = r"(?s).*Glyph .* missing from font"


class FontNotFoundError(RuntimeError):
    """No CJK font could be found."""


def cjk_font_path() -> Path:
    """The file of the CJK font: the one shipped by mplfonts, else a system Noto Sans CJK."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / "fonts" / _MPLFONTS_FILE
            if candidate.is_file():
                return candidate
    for name in _SYSTEM_CANDIDATES:
        if Path(name).is_file():
            return Path(name)
    raise FontNotFoundError(
        "no CJK font found: install the project's dependencies (pip install -e .) or Debian's fonts-noto-cjk"
    )


@cache
def _add_font_file() -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(cjk_font_path()))


def register_cjk_font() -> str:
    """Add the CJK font to matplotlib (once) and make it the first sans-serif face; return its family name.

    Call it again after anything that resets matplotlib's settings (a style sheet, ``seaborn.set_theme``).
    """
    from matplotlib import rcParams

    _add_font_file()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [CJK_FAMILY, "DejaVu Sans"]
    return CJK_FAMILY


def missing_glyphs_are_errors() -> None:
    """Turn matplotlib's missing-glyph warning into an exception (for the session that calls it)."""
    warnings.filterwarnings("error", message=MISSING_GLYPH_MESSAGE, category=UserWarning)
