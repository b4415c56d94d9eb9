"""Fitting text to a translator: splitting at clause punctuation to its input limit, batching."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from reader.translate.protocol import LengthLimited, Parallel, Translator

# Tokens kept free below the model's input limit when splitting, for tokenizer quirks.
_SPLIT_MARGIN = 4
# A batch of long sentences holds fewer: its count x longest length stays within what
# batch-size sentences of this many characters make.
_BATCH_CHARS_PER_TEXT = 64

# Clause boundaries, strongest first; the punctuation stays with the clause before it.
_BREAKS = (
    re.compile(r"(?<=[。！？!?])"),
    re.compile(r"(?<=[；;：:])"),
    re.compile(r"(?<=[，,、])"),
)


def _split_at(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` after each match of `pattern`, dropping empty parts."""
    return [part for part in pattern.split(text) if part]


def _cut_by_length(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut `text` into the longest prefixes that fit, preferring a space near the end."""
    pieces: list[str] = []
    rest = text
    while rest:
        if fits(rest):
            pieces.append(rest)
            break
        low, high = 1, len(rest) - 1  # a single character is kept even if it doesn't fit
        while low < high:
            middle = (low + high + 1) // 2
            if fits(rest[:middle]):
                low = middle
            else:
                high = middle - 1
        cut = low
        space = rest.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def split_to_fit(text: str, fits: Callable[[str], bool], level: int = 0) -> list[str]:
    """Split `text` into consecutive pieces that fit, at the strongest punctuation possible."""
    if fits(text):
        return [text]
    if level >= len(_BREAKS):
        return _cut_by_length(text, fits)
    pieces: list[str] = []
    current = ""
    for part in _split_at(text, _BREAKS[level]):
        if current and fits(current + part):
            current += part
            continue
        if current:
            pieces.extend(split_to_fit(current, fits, level + 1))
        current = part
    if current:
        pieces.extend(split_to_fit(current, fits, level + 1))
    return pieces


def fitter(translator: Translator) -> Callable[[str], bool] | None:
    """A test for "this text fits the translator's input limit", if it declares one."""
    if not isinstance(translator, LengthLimited):
        return None
    count = translator.count_tokens
    limit = translator.max_input_tokens
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        return None
    budget = limit - _SPLIT_MARGIN if limit > 2 * _SPLIT_MARGIN else limit

    def fits(text: str) -> bool:
        return int(count(text)) <= budget

    return fits


def workers_of(translator: Translator) -> int:
    """How many batches the translator runs at once (it then gets that many per call)."""
    workers = translator.workers if isinstance(translator, Parallel) else 1
    return workers if isinstance(workers, int) and workers > 0 else 1


def batches(texts: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Consecutive batches of length-sorted `texts`: `size` texts, fewer when they are long.

    A batch's padded size (count x longest) stays within what `size` texts of
    `_BATCH_CHARS_PER_TEXT` characters make: long sentences come in smaller batches, so
    peak memory (beam search copies its cache every step) doesn't grow with them.
    """
    budget = size * _BATCH_CHARS_PER_TEXT
    start = 0
    while start < len(texts):
        end = start + 1
        while (
            end < len(texts)
            and end - start < size
            and (end - start + 1) * len(texts[end]) <= budget
        ):
            end += 1
        yield texts[start:end]
        start = end
