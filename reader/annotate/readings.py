"""Readings: pypinyin's and CC-CEDICT's phrases against the context model, and syllable helpers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.annotate.pieces import Piece

if TYPE_CHECKING:
    from reader.annotate.polyphone import ContextModel, Guess


TONE_NUMBER = re.compile(r"([1-5])$")


# The context model decides a polyphone alone only where no dictionary covers it. Two
# dictionaries that agree always win (g2pM reads 了解 lejiě and 为什么 wéishénme, sure of it);
# against one dictionary the model must be this sure (g2pM is over-confident: measured on the
# CPP dev split, pypinyin's and CC-CEDICT's phrase readings are right more often).
OVERRULE_ONE = 0.995


# Below this probability a reading the model chose is flagged for review (on the CPP dev
# split the model is right about two times in three below it, 99 % above).
UNSURE = 0.9


# Sentences per model call.
BATCH = 32


@dataclass(frozen=True, slots=True)
class Phrase:
    """pypinyin's reading of a word, and which of its characters a phrase entry covers."""

    readings: tuple[str, ...]
    covered: tuple[bool, ...]
    ends: frozenset[int]
    """Offsets of the last character of each multi-character dictionary phrase in the word."""


def polyphones(model: ContextModel, piece: Piece) -> list[int]:
    """Sentence positions of the characters in a word that the context model should read."""
    return [piece.start + k for k, char in enumerate(piece.text) if model.is_polyphone(char)]


def predict(model: ContextModel, queries: Sequence[tuple[str, Sequence[int]]]) -> list[list[Guess]]:
    """Run the model over sentences in batches of similar length (padding costs time)."""
    result: list[list[Guess]] = [[] for _ in queries]
    wanted = sorted((i for i, (_, p) in enumerate(queries) if p), key=lambda i: len(queries[i][0]))
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        for i, guessed in zip(batch, model.predict([queries[i] for i in batch]), strict=True):
            result[i] = guessed
    return result


def vote(
    phrase: str | None, cedict: Sequence[str], guess: Guess, firm: bool = False
) -> tuple[str, bool]:
    """A polyphone's reading from the two dictionaries and the model; and whether it's unsure.

    `phrase` is pypinyin's phrase reading (None if no phrase covers the character), `cedict`
    CC-CEDICT's readings of it (empty if no entry covers it). Readings that differ only in
    a neutral tone don't conflict: the model has no neutral-tone classes for most characters.
    `firm` keeps a single dictionary's reading however sure the model is.
    """
    model, sure = guess.reading, guess.probability
    if len(cedict) > 1:
        # CEDICT reads the word two ways (厚薄 hòubó, hòubáo).
        if phrase and same(phrase, model):
            return phrase, False  # 工夫 gōngfu: the model has no neutral tone for 夫
        # pypinyin reads it as one of CEDICT's readings: a dictionary reading like any other,
        # which the model overrules only when it is as sure as it must be against one.
        backed = phrase if phrase and any(same(phrase, o) for o in cedict) else None
        if backed and sure <= OVERRULE_ONE:
            return backed, False
        for option in cedict:
            if same(option, model):
                return option, backed is not None or sure < UNSURE
        return phrase or cedict[0], True
    if phrase and cedict:
        if same(cedict[0], phrase):
            return phrase, False  # the dictionaries agree
        return model, sure < UNSURE  # they don't: the sentence decides
    known = phrase or (cedict[0] if cedict else None)
    if known:
        if same(known, model) or sure <= OVERRULE_ONE or firm:
            return known, False
        return model, True  # the model overrules a dictionary: worth a look
    # The model alone. It learnt from Wikipedia (CPP), where 塞 is sài and 为 the copula wéi,
    # and is as sure of 塞进 sài as of 要塞: whatever its probability, a reading that is not
    # the character's usual one (the caller checks) has nothing else behind it.
    return model, True


def same(a: str, b: str) -> bool:
    """Whether two numbered syllables are one reading, or differ only by a neutral tone."""
    return a == b or (a[:-1] == b[:-1] and "5" in (a[-1], b[-1]))


def neutral_in(options: Sequence[str], reading: str) -> bool:
    """Whether CC-CEDICT reads this syllable only in the neutral tone (朋友 péngyou)."""
    return all(o.endswith("5") and o[:-1] == reading[:-1] for o in options)


def default_reading(char: str) -> str:
    """A character's most common reading, numbered (for characters outside any word)."""
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True)
    return str(found[0]) if found and TONE_NUMBER.search(found[0]) else "5"


def default_tone(char: str) -> int:
    """The full tone of a character read alone (a neutral tone's underlying tone)."""
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)
    return tone(str(found[0])) if found else 5


def tone(tone3: str) -> int:
    """The tone number of a numbered syllable (5 for neutral)."""
    match = TONE_NUMBER.search(tone3)
    return int(match.group(1)) if match else 5
