"""Orthography: erhua joined to the syllable before it, 们 to its noun, as GB/T 16159 writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reader.annotate.pieces import Piece
from reader.annotate.wordlists import everyday_word
from reader.text import ERHUA_SYLLABLE, PLURAL

if TYPE_CHECKING:
    from reader.annotate.resources import Resources

ERHUA = "儿"
"""The erhua character."""
# jieba's tags of the words 们 joins: common nouns and pronouns, not names (小明 men).
_PLURAL_HOSTS = frozenset({"n", "r", "ng", "nz"})


def join_erhua(pieces: list[Piece], resources: Resources) -> list[Piece]:
    """A 儿 that jieba cut off its word joins it again where it is erhua (画画|儿, 早点|儿)."""

    def is_erhua(word: Piece) -> bool:
        entry = resources.cedict().reading(word.text[-1] + ERHUA)
        if entry is None:
            return _everyday_stem(word.text)  # 这块|儿, 那条|儿: CC-CEDICT lacks 块儿
        return entry[-1] == ("er5",)

    return _joined(pieces, ERHUA, is_erhua)


def erhua(pieces: Sequence[Piece], readings: list[str | None], resources: Resources) -> None:
    """儿 as a suffix is written r, joined to the syllable before it: 哪儿 nǎr, 玩儿 wánr.

    Where CC-CEDICT reads the word's 儿 as erhua (er5), or lacks the word but knows the
    word without its 儿 (小孩儿); 女儿 nǚ'ér, 婴儿, 健儿 keep a syllable of their own.
    """
    for piece in pieces:
        text = piece.text
        if not piece.han or len(text) < 2 or text[-1] != ERHUA:
            continue
        last = resources.cedict_cover(text)[-1]
        stem = text[:-1]
        if last is None:
            tail = resources.cedict().reading(text[-2:])
            if tail is not None and tail[-1] != ("er5",):
                continue  # 小女儿: the word before is 女儿 nǚ'ér
            if not (_everyday_stem(stem) or (len(stem) > 1 and resources.known(stem))):
                continue  # 叶儿, 金爪儿: names CEDICT lacks
        elif last != ("er5",):
            continue
        readings[piece.start + len(text) - 1] = ERHUA_SYLLABLE


# Numerals, before which 儿 is "son" (一儿一女), not erhua.
_NUMERALS = frozenset("一二两三四五六七八九十几")


def _everyday_stem(stem: str) -> bool:
    """Whether a character that CC-CEDICT lists with no 儿 after it takes erhua all the same:
    an everyday word of one character (块儿 kuàir, 门儿, 杯儿), not a numeral. A word with 儿
    as a syllable of its own is in CC-CEDICT (女儿 nǚ'ér, 婴儿, 孤儿)."""
    return len(stem) == 1 and stem not in _NUMERALS and everyday_word(stem)


def join_plural(pieces: Sequence[Piece]) -> list[Piece]:
    """A 们 that jieba cut off its noun joins it again (孩子|们 → 孩子们 háizimen), once each
    character has its reading: the reading of the noun stays the one read on its own."""
    return _joined(
        pieces, PLURAL, lambda word: word.pos in _PLURAL_HOSTS and not word.text.endswith(PLURAL)
    )


def _joined(pieces: Sequence[Piece], suffix: str, takes: Callable[[Piece], bool]) -> list[Piece]:
    """The pieces, each `suffix` piece joined to the Chinese word right before it if `takes`
    says that word takes it."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        if (
            piece.text == suffix
            and last is not None
            and last.han
            and last.start + len(last.text) == piece.start
            and takes(last)
        ):
            result[-1] = Piece(last.text + suffix, last.pos, last.start, last.titled)
            continue
        result.append(piece)
    return result
