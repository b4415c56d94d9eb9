"""Shared text helpers: what counts as a Han character, defined once for every stage."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003347f"
"""Han characters as a regex class body: the CJK Unified Ideographs, Extension A, the
compatibility ideographs and the supplementary planes' Extensions B to J (to U+3347F, Extension
H at U+31350-U+323AF included) with the compatibility supplement."""

MARKS = (
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a"
    "\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef"
)
"""Combining marks and variation selectors (a regex class body): they belong to the
character before them, so a word keeps them inside its ruby."""

HAN = re.compile(f"[{HAN_CHARS}]")
"""One Han character."""

HAN_RUN = re.compile(f"((?:[{HAN_CHARS}][{MARKS}]*)+)")
"""A run of Han characters, each with the marks and variation selectors that follow it
(captured, so `HAN_RUN.split` keeps the runs)."""

_ONLY_MARKS = re.compile(f"[{MARKS}]+")


def with_marks(tokens: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(text, tag) tokens with a token of only combining marks joined to the one before it.

    A segmenter cuts a variation selector or combining mark off as a token of its own; it
    belongs to the character before it.
    """
    held: tuple[str, str] | None = None
    for text, tag in tokens:
        if held is not None and _ONLY_MARKS.fullmatch(text):
            held = (held[0] + text, held[1])
            continue
        if held is not None:
            yield held
        held = (text, tag)
    if held is not None:
        yield held


# Punctuation that must not start a line (kept with what comes before) or end one (kept with
# what follows): the usual Chinese line-breaking (kinsoku) sets, full- and half-width.
CLOSING = frozenset("，。、；：？！…—～·”’」』）》〉】〕］｝〗〙,.;:?!)]}%")

OPENING = frozenset("“‘「『（《〈【〔［｛〖〘([{")

ERHUA_SYLLABLE = "r"
"""How erhua (儿 as a suffix) is read: `r`, joined to the syllable before it (哪儿 nǎr)."""

PLURAL = "们"
"""The plural suffix of nouns for people, written joined to its noun (háizimen)."""
