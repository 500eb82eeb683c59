"""Which characters a chart can draw: the chart fonts' files and character maps.

Charts draw with ``[CJK_FAMILY, "DejaVu Sans"]`` (:mod:`fuxin_analysis.present.fonts` registers them with matplotlib):
matplotlib takes each character from the first font of the list that has it. The CJK font is Noto Sans CJK SC as the
``mplfonts`` package (MIT) ships it (SIL Open Font License), located without importing mplfonts; a system Noto Sans
CJK (Debian's fonts-noto-cjk) is used if mplfonts is absent. :func:`glyph_problem` tells, before anything is drawn,
whether a text has a character neither font has (read from the fonts' character maps with fontTools, only for
characters outside :data:`FAST_RANGES`), so that a plan with such a name is refused when it is loaded (in this, the
data layer) rather than when a notebook draws it.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import cache
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
_MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
_SYSTEM_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
_DEJAVU_FILE = ("mpl-data", "fonts", "ttf", "DejaVuSans.ttf")
#: Ranges of codepoints (inclusive) that the chart fonts draw entirely: a test checks every codepoint of them
#: against the fonts' character maps. Text made of them (and newlines) is checked without reading the fonts.
#: CJK ideographs stop at U+9FA5 (Unicode 1.1): mplfonts' Noto Sans CJK SC lacks U+9FD1–U+9FFF.
FAST_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00AC),  # Latin-1 punctuation and signs (not U+00AD, the invisible soft hyphen)
    (0x00AE, 0x017F),  # the rest of Latin-1 Supplement, Latin Extended-A
    (0x2010, 0x2027),  # dashes, quotation marks, bullet, ellipsis
    (0x2030, 0x205E),  # per mille, primes, other punctuation
    (0x2190, 0x22FF),  # arrows, mathematical operators
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x4E00, 0x9FA5),  # CJK unified ideographs
    (0xFF01, 0xFF5E),  # fullwidth forms
)
_FAST_TEXT = re.compile(r"[\n" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in FAST_RANGES) + "]*")
#: Unicode categories refused even where a font maps them: control and format characters (zero-width space and
#: joiners, direction marks, soft hyphen) and line/paragraph separators draw nothing visible, or a box.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
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


def dejavu_font_path() -> Path:
    """The file of DejaVu Sans, the second chart font, as matplotlib ships it (located without importing it)."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(folder).joinpath(*_DEJAVU_FILE)
        if candidate.is_file():
            return candidate
    raise FontNotFoundError("DejaVu Sans not found in matplotlib's fonts: install the project's dependencies")


def _font_codepoints(path: Path) -> set[int]:
    """The codepoints of a font file's character map (for a collection, the face named ``CJK_FAMILY``)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        faces = TTCollection(str(path), lazy=True).fonts
        font = next((f for f in faces if f["name"].getDebugName(1) == CJK_FAMILY), faces[0])
    else:
        font = TTFont(str(path), lazy=True)
    return set(font.getBestCmap())


@cache
def chart_codepoints() -> frozenset[int]:
    """Every codepoint one of the chart fonts has (read once, ~0.1 s; only when a text leaves ``FAST_RANGES``)."""
    return frozenset(_font_codepoints(cjk_font_path()) | _font_codepoints(dejavu_font_path()))


def undrawable(text: str) -> str | None:
    """The first character of ``text`` a chart cannot show: one neither chart font has, or an invisible control
    or format character (newlines excepted); None if there is none."""
    if _FAST_TEXT.fullmatch(text):
        return None
    for ch in text:
        if ch == "\n" or _FAST_TEXT.fullmatch(ch):
            continue
        if unicodedata.category(ch) in INVISIBLE_CATEGORIES or ord(ch) not in chart_codepoints():
            return ch
    return None


def glyph_problem(text: str) -> str | None:
    """Why ``text`` cannot be drawn in a chart, naming the character (for an error message); None if it can."""
    ch = undrawable(text)
    if ch is None:
        return None
    code = f"U+{ord(ch):04X}"
    if unicodedata.category(ch) in INVISIBLE_CATEGORIES:
        name = unicodedata.name(ch, "a control character")
        return f"the character {code} ({name}) is a control or format character, which charts do not show: remove it"
    return f"the chart font cannot draw the character '{ch}' ({code})"
