"""A font that covers Chinese, registered with matplotlib explicitly.

matplotlib's default font (DejaVu Sans) has no CJK glyphs: Chinese labels would print as boxes. The font file (Noto
Sans CJK SC, shipped by ``mplfonts``) and the check of which characters it can draw are in
:mod:`fuxin_analysis.data.glyphs`; this module adds the font to matplotlib's font manager, makes it the first
sans-serif face, and turns a missing glyph into an error.
"""

from __future__ import annotations

import warnings
from functools import cache

from ..data.glyphs import CJK_FAMILY, cjk_font_path

#: matplotlib's warning for a character the font lacks; made an error so that no chart ships with boxes.
MISSING_GLYPH_MESSAGE = r"(?s).*Glyph .* missing from font"


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
