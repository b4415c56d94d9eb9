"""Spotting degenerate machine translations: loops, runaway length, Chinese copied through,
another language, chat models' chatter and thinking."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from reader.text import HAN

Flag = Literal["repetition", "too-long", "untranslated", "wrong-language", "chatter"]
"""Why a translation looks degenerate."""

_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")
_WORD = re.compile(r"\w+")
# What a chat model says around a translation instead of only giving it: a lead-in that
# names the translation and ends in a colon ("Here is the translation:", "Sure, the English
# translation is:"), an "as an AI" aside, or thinking tags.
_CHATTER = re.compile(
    r"^(\W*\w+\s*[!.,]\s*)?[^.!?\n]{0,60}\btranslat\w*[^.!?\n]{0,30}:|\bas an ai\b",
    re.IGNORECASE,
)
_THINK = re.compile(r"<\s*/?\s*think\s*>", re.IGNORECASE)
# What no translation may carry onto a sheet: C0 and C1 controls (XHTML, and so EPUB, can't
# even hold most of them), the replacement character a byte-level tokenizer leaves for an
# incomplete character, lone surrogates, and line breaks inside one sentence's English.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")
_BREAKS = re.compile(r"\s*[\t\n\r\u2028\u2029]\s*")

# English runs about 3 letters per Chinese character; a model only passes 5 (plus slack for
# short sentences) when it rambles on to its length limit.
_CHARS_PER_SOURCE_CHAR = 5
_LENGTH_SLACK = 30
# A Han character says about as much as this many Latin letters (English runs 3 or so).
_HAN_WEIGHT = 2
# Longest repeating unit looked for, in words and in characters.
_MAX_WORD_PERIOD = 8
_MAX_CHAR_PERIOD = 12
# A loop of single characters or short units must cover this much to count.
_MIN_CHAR_LOOP = 16
# Below this share of distinct words a long output is going round in circles.
_MIN_DISTINCT_SHARE = 0.3
_MIN_WORDS_FOR_SHARE = 16


def tidy(english: str) -> str:
    """A model's English made fit for a sheet: no control characters, one line, trimmed."""
    return _BREAKS.sub(" ", _UNPRINTABLE.sub("", english)).strip()


def diagnose(source: str, english: str) -> Flag | None:
    """Why `english` looks like a degenerate translation of `source`, or None if it looks fine."""
    text = english.strip()
    if not text:
        return None
    if _untranslated(source, text):
        return "untranslated"
    if _wrong_script(text):
        return "wrong-language"
    # a source that speaks of translating (翻译) may well be translated so
    if _THINK.search(text) or ("译" not in source and _CHATTER.search(text)):
        return "chatter"
    if _repeats(text):
        return "repetition"
    if _too_long(source, text):
        return "too-long"
    return None


def _visible(text: str) -> int:
    """Characters other than whitespace."""
    return sum(1 for char in text if not char.isspace())


def _untranslated(source: str, english: str) -> bool:
    """Whether the output is mostly Han characters though the source had some to translate."""
    han = len(HAN.findall(english))
    if not han or not HAN.search(source):
        return False
    return _HAN_WEIGHT * han > len(_LATIN_OR_DIGIT.findall(english))


def _wrong_script(english: str) -> bool:
    """Whether most letters are neither Latin nor Han: Cyrillic, Arabic, Greek, kana, Hangul …

    A multilingual model without its target language forced writes another language; one
    in a Latin script slips through, one in any other script is caught here.
    """
    letters = [char for char in english if char.isalpha() and not HAN.match(char)]
    if not letters:
        return False
    latin = sum(1 for char in letters if _LATIN_OR_DIGIT.match(char))
    return 2 * latin < len(letters)


def _too_long(source: str, english: str) -> bool:
    """Whether the output is far longer than any translation of the source could be."""
    return _visible(english) > _CHARS_PER_SOURCE_CHAR * _visible(source) + _LENGTH_SLACK


def _repeats(english: str) -> bool:
    """Whether the output loops: a word sequence or a character run repeating back to back."""
    words = [word.lower() for word in _WORD.findall(english)]
    for period in range(1, _MAX_WORD_PERIOD + 1):
        # "very very very" is English; four of one word, or three of a longer unit, is a loop
        needed = 3 if period == 1 else 2 * period
        run = 0
        for position in range(len(words) - period):
            run = run + 1 if words[position] == words[position + period] else 0
            if run >= needed:
                return True
    if len(words) >= _MIN_WORDS_FOR_SHARE and len(set(words)) < _MIN_DISTINCT_SHARE * len(words):
        return True
    squeezed = "".join(english.split())
    for period in range(1, _MAX_CHAR_PERIOD + 1):
        needed = max(3 * period, _MIN_CHAR_LOOP - period)
        run = 0
        for position in range(len(squeezed) - period):
            same = squeezed[position] == squeezed[position + period]
            run = run + 1 if same and squeezed[position].isalnum() else 0
            if run >= needed:
                return True
    return False


def missed_terms(source: str, english: str, glossary: Mapping[str, str]) -> list[str]:
    """Glossary terms in `source` whose English is missing from `english` (case ignored)."""
    found = english.casefold()
    return [
        term
        for term, wanted in glossary.items()
        if term and term in source and wanted.casefold() not in found
    ]
