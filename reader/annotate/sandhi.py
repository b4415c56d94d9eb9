"""Tone changes of 一 and 不: back to dictionary tones, or written as spoken (yí gè, bú shì)."""

from __future__ import annotations

from collections.abc import Callable, Collection, MutableSequence

YI = "一"
BU = "不"
# Next to another numeral 一 is a digit being read out or counted (十一, 一九四九, 一二三).
_NUMERALS = frozenset("〇零一二三四五六七八九十")
# 一 after or before these is an ordinal or a date (第一, 五月一日, 一月, 一号): it keeps its
# first tone.
_ORDINAL_BEFORE = frozenset("第月")
_ORDINAL_NEXT = frozenset("月号")


def dictionary_tones(text: str, readings: MutableSequence[str | None]) -> None:
    """Undo the tone changes pypinyin's phrase dictionary writes into some words (一个 yí)."""
    for i, char in enumerate(text):
        reading = readings[i]
        if reading is None:
            continue
        if char == YI and reading in ("yi2", "yi4"):
            readings[i] = "yi1"
        elif char == BU and reading == "bu2":
            readings[i] = "bu4"


def apply_sandhi(
    text: str,
    readings: MutableSequence[str | None],
    keep: Collection[int],
    underlying_tone: Callable[[int], int],
) -> None:
    """Write 一 and 不 as spoken before the next syllable; `keep` lists positions left alone.

    `readings` holds a numbered syllable for each Han character of `text` (None elsewhere), in
    dictionary tones; `underlying_tone(i)` gives the full tone of a neutral-tone syllable at i.
    """
    for i, char in enumerate(text):
        if i in keep or char not in (YI, BU):
            continue
        if readings[i] not in ("yi1", "bu4"):
            continue  # a neutral tone (看一看, 对不起) or an override
        following = readings[i + 1] if i + 1 < len(text) else None
        if following is None or not following[-1:].isdigit():
            continue  # last before punctuation or the end (or an unknown character)
        tone = int(following[-1])
        if tone == 5:
            tone = underlying_tone(i + 1)
        if char == BU:
            readings[i] = "bu2" if tone == 4 else "bu4"
            continue
        previous = text[i - 1] if i > 0 else ""
        if (
            previous in _ORDINAL_BEFORE
            or previous in _NUMERALS
            or text[i + 1] in _NUMERALS
            or text[i + 1] in _ORDINAL_NEXT
        ):
            continue
        readings[i] = "yi2" if tone == 4 else "yi4"
