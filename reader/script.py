"""Which script a text is written in, and its simplified form for analysis (OpenCC t2s)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

from reader.errors import ModelError
from reader.text import HAN

Script = Literal["Hans", "Hant"]
"""ISO 15924 code of the characters a text is written in: simplified or traditional."""

# A text is traditional when at least this share of its Chinese characters changes in
# conversion. Measured on the sample articles converted to traditional: 27-38 % of a whole
# article, 12 % in its least traditional paragraph; simplified text changes under 2 % (the odd
# 於 or 乾 of a classical quotation, which stays as written).
TRADITIONAL_SHARE = 0.1


@cache
def _converter() -> Any:
    """OpenCC's traditional-to-simplified converter, loaded on first use."""
    try:
        import opencc
    except ImportError:
        raise ModelError(
            "the converter for traditional characters is not installed; run `pip install opencc`"
        ) from None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """The text in simplified characters, character for character (its length kept)."""
    converter = _converter()
    simple = str(converter.convert(text))
    if len(simple) == len(text):
        return simple
    # A phrase rule changed the length: convert character by character instead.
    return "".join(_one(c, str(converter.convert(c))) for c in text)


def simplified(sentences: Sequence[str]) -> list[str] | None:
    """The sentences in simplified characters if they are traditional text, else None."""
    han = sum(len(HAN.findall(s)) for s in sentences)
    if not han:
        return None
    result = [to_simplified(s) for s in sentences]
    pairs = zip(sentences, result, strict=True)
    changed = sum(a != b for s, t in pairs for a, b in zip(s, t, strict=True))
    return result if changed >= TRADITIONAL_SHARE * han else None


def script_of(sentences: Sequence[str]) -> Script:
    """The script of a text: traditional if reader reads it through its simplified form."""
    return "Hant" if simplified(sentences) is not None else "Hans"


def _one(char: str, converted: str) -> str:
    """A character's conversion if it is one character, else the character itself."""
    return converted if len(converted) == 1 else char
