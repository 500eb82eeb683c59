"""Checks that a plan's numbers are what its text says.

Each statement carries ``source_quote``, the plan's own words. Two things are checked:
the quote occurs in the plan's text (ignoring whitespace, since the text breaks lines
mid-sentence), and the statement's value is one of the numbers the quote states, read
the way the plan writes them: 万 (10^4) and 亿 (10^8) multipliers, percentages, ratios
``a:b`` (recorded as the share a/(a+b) in percent), small Chinese numerals (一所, 五大),
and 不低于 "not lower than" (parity, a ratio of 1).
"""

from __future__ import annotations

import re
from decimal import Decimal

_WHITESPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿)?")
_RATIO = re.compile(r"(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)")
_MULTIPLIER = {None: Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PARITY_WORDS = ("不低于", "不少于")


def squash(text: str) -> str:
    """The text with all whitespace removed: the form in which quotes are compared."""
    return _WHITESPACE.sub("", text)


def quote_in_source(quote: str, source: str) -> bool:
    """True when ``quote`` occurs in ``source``, whitespace ignored on both sides."""
    return bool(squash(quote)) and squash(quote) in squash(source)


def stated_numbers(quote: str, unit: str | None = None) -> set[Decimal]:
    """Every value the quote can be read as stating, in base units (万 and 亿 written out)."""
    values: set[Decimal] = set()
    for digits, multiplier in _NUMBER.findall(quote):
        values.add(Decimal(digits) * _MULTIPLIER[multiplier or None])
    for left, right in _RATIO.findall(quote):
        a, b = Decimal(left), Decimal(right)
        if a + b:
            values.add(Decimal(100) * a / (a + b))
    for char in quote:
        if char in _CHINESE_DIGITS:
            values.add(Decimal(_CHINESE_DIGITS[char]))
    if unit == "ratio" and any(word in quote for word in _PARITY_WORDS):
        values.add(Decimal(1))
    return values


def value_is_stated(value: float, quote: str, unit: str | None = None) -> bool:
    """True when ``value`` equals (to 1e-9 relative) one of the numbers the quote states."""
    target = Decimal(repr(float(value)))
    return any(abs(target - n) <= abs(n) * Decimal("1e-9") for n in stated_numbers(quote, unit))
