"""Translating sentences with any Translator: batched, split to fit, checked, retried, cached."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import InputError, ModelError
from reader.translate.cache import CachedTranslation
from reader.translate.checks import diagnose, tidy
from reader.translate.chunking import batches, fitter, split_to_fit, workers_of
from reader.translate.protocol import Cacheable, GroupTranslator, StrictRetry, Translator
from reader.translate.store import short_error

if TYPE_CHECKING:
    from reader.translate.cache import TranslationCache

logger = logging.getLogger(__name__)

# Model calls per chunk of sentences that is checked, retried and cached in one go.
_CALLS_PER_CHUNK = 4


def translate_sentences(
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Translate sentences in batches; returns one English string per input, in order.

    Identical sentences are translated once; sentences longer than the translator's input
    limit are split at clause punctuation and their pieces' English joined with a space.
    A translator with `workers` > 1 gets that many batches per call, to run side by side.
    `progress(done, total)` is called after each call, counting distinct texts sent.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    return _translate_pieces(
        translator, sentences, batch_size, progress, translator.translate_batch
    )


def _translate_pieces(
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    translate: Callable[[Sequence[str]], list[str]],
) -> list[str]:
    """`translate_sentences` with `translate` as the model call (plain or strict)."""
    keys = [sentence.strip() for sentence in sentences]
    unique = list(dict.fromkeys(key for key in keys if key))
    fits = fitter(translator) if unique else None

    pieces_of: dict[str, list[str]] = {}
    for sentence in unique:
        pieces = split_to_fit(sentence, fits) if fits is not None else [sentence]
        stripped = [piece.strip() for piece in pieces]
        pieces_of[sentence] = [piece for piece in stripped if piece]
        if len(pieces_of[sentence]) > 1:
            logger.debug("split a %d-character sentence into %d pieces", len(sentence), len(pieces))

    # similar lengths in one batch keep padding (wasted compute) small
    texts = sorted(dict.fromkeys(p for ps in pieces_of.values() for p in ps), key=len)
    english: dict[str, str] = {}
    for batch in batches(texts, batch_size * workers_of(translator)):
        result = translate(batch)
        if len(result) != len(batch):
            raise ModelError(
                f"translator '{translator.name}' returned {len(result)} translations "
                f"for {len(batch)} sentences: the backend is broken"
            )
        english.update(zip(batch, result, strict=True))
        if progress is not None:
            progress(len(english), len(texts))

    joined = {
        sentence: " ".join(e for e in (english[p].strip() for p in pieces) if e)
        for sentence, pieces in pieces_of.items()
    }
    return [joined[key] if key else "" for key in keys]


@dataclass(frozen=True, slots=True)
class Translation:
    """One sentence's English and, when it looks degenerate, why."""

    text: str
    """The English (empty for an empty source)."""
    flag: str | None = None
    """`repetition`, `too-long` or `untranslated` when still degenerate after a retry."""


def _strict_batch(translator: Translator, texts: Sequence[str]) -> list[str]:
    """Translate with `translate_strict` when the backend has it, else plainly again."""
    if isinstance(translator, StrictRetry):
        return list(translator.translate_strict(texts))
    return list(translator.translate_batch(texts))


def cache_key_of(translator: Translator) -> str | None:
    """The translator's identity for the cache, or None if it can't vouch for one."""
    key = translator.cache_key if isinstance(translator, Cacheable) else None
    return key if isinstance(key, str) and key else None


def _checked(
    translator: Translator,
    sources: Sequence[str],
    batch_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Translation]:
    """Translate `sources`, retry the degenerate ones once more strictly, flag what stays bad."""
    english = [
        tidy(text) for text in translate_sentences(translator, sources, batch_size, progress)
    ]
    result = {
        source: Translation(text, diagnose(source, text))
        for source, text in zip(sources, english, strict=True)
    }
    bad = [source for source in sources if result[source].flag]
    if bad:
        logger.debug("retrying %d degenerate translations with stricter settings", len(bad))
        again = _translate_pieces(
            translator, bad, batch_size, None, lambda texts: _strict_batch(translator, texts)
        )
        for source, text in zip(bad, map(tidy, again), strict=True):
            result[source] = Translation(text, diagnose(source, text))
    return result


def _scaled(
    progress: Callable[[int, int], None], base: int, size: int, total: int
) -> Callable[[int, int], None]:
    """Turn a chunk's progress in texts sent into the run's progress in sentences."""

    def report(sent: int, of: int) -> None:
        progress(base + size * sent // max(of, 1), total)

    return report


def translate_checked(
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
    cache: TranslationCache | None = None,
) -> list[Translation]:
    """Translate sentences like `translate_sentences`, with a cache and degenerate-output checks.

    Sentences found in `cache` (under the translator's `cache_key`) make no model call; when
    all are cached the model is not even loaded. A translation that loops, runs far too long
    or copies the Chinese is retried once with stricter settings, and flagged if still bad.
    `progress(done, total)` counts distinct sentences, cached ones included.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    keys = [sentence.strip() for sentence in sentences]
    unique = list(dict.fromkeys(key for key in keys if key))
    done: dict[str, Translation] = {}
    model = cache_key_of(translator) if cache is not None and unique else None
    if cache is not None and model is not None:
        for source, hit in cache.get_many(model, unique).items():
            done[source] = Translation(tidy(hit.text), hit.flag)
        logger.debug("translation cache: %d of %d sentences found", len(done), len(unique))
    total = len(unique)
    if progress is not None and total:
        progress(len(done), total)

    # in length order, a chunk at a time: finished chunks are cached even if the run stops
    missing = sorted((source for source in unique if source not in done), key=len)
    step = batch_size * workers_of(translator) * _CALLS_PER_CHUNK
    for start in range(0, len(missing), step):
        chunk = missing[start : start + step]
        report = None if progress is None else _scaled(progress, len(done), len(chunk), total)
        made = _checked(translator, chunk, batch_size, report)
        done.update(made)
        if cache is not None and model is not None:
            cache.put_many(model, {s: CachedTranslation(t.text, t.flag) for s, t in made.items()})
        if progress is not None:
            progress(len(done), total)
    return [done[key] if key else Translation("") for key in keys]


def translate_grouped(
    translator: GroupTranslator,
    paragraphs: Sequence[Sequence[str]],
    contexts: Sequence[Sequence[str]],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
    cache: TranslationCache | None = None,
) -> list[list[Translation]]:
    """Translate whole paragraphs with a translator that has `translate_groups` (chat models).

    Each paragraph goes in with its context (the source sentences before it), and comes back
    one English sentence per sentence; cached sentences are not sent again, a paragraph whose
    sentences are all cached not at all. Degenerate sentences are retried once on their own.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    unique = list(dict.fromkeys(s.strip() for p in paragraphs for s in p if s.strip()))
    done: dict[str, Translation] = {}
    model = cache_key_of(translator) if cache is not None and unique else None
    if cache is not None and model is not None:
        for source, hit in cache.get_many(model, unique).items():
            done[source] = Translation(tidy(hit.text), hit.flag)
    total = len(unique)
    if progress is not None and total:
        progress(len(done), total)
    todo = [
        number
        for number, paragraph in enumerate(paragraphs)
        if any(s.strip() and s.strip() not in done for s in paragraph)
    ]
    for start in range(0, len(todo), batch_size):
        groups = [
            ([s.strip() for s in paragraphs[n] if s.strip()], list(contexts[n]))
            for n in todo[start : start + batch_size]
        ]
        made = _translate_paragraphs(translator, groups)
        done.update(made)
        if cache is not None and model is not None:
            cache.put_many(model, {s: CachedTranslation(t.text, t.flag) for s, t in made.items()})
        if progress is not None:
            progress(len(done), total)
    return [
        [done[s.strip()] if s.strip() else Translation("") for s in paragraph]
        for paragraph in paragraphs
    ]


def _translate_paragraphs(
    translator: GroupTranslator, groups: Sequence[tuple[list[str], list[str]]]
) -> dict[str, Translation]:
    """One `translate_groups` call, each sentence checked; degenerate ones retried on their own."""
    answers = translator.translate_groups(groups)
    made: dict[str, Translation] = {}
    for (sentences, _context), english in zip(groups, answers, strict=True):
        if len(english) != len(sentences):
            raise ModelError(
                f"translator '{translator.name}' returned {len(english)} translations "
                f"for {len(sentences)} sentences: the backend is broken"
            )
        for source, text in zip(sentences, map(tidy, english), strict=True):
            made.setdefault(source, Translation(text, diagnose(source, text)))
    bad = [source for source, made_one in made.items() if made_one.flag]
    if bad:
        again = _strict_batch(translator, bad)
        for source, text in zip(bad, map(tidy, again), strict=True):
            made[source] = Translation(text, diagnose(source, text))
    return made


def load_glossary(path: Path) -> dict[str, str]:
    """Term → English from `--glossary FILE`: TOML (`"思政课" = "…"`) or `term<TAB>English`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            f"{path}: can't read the glossary ({short_error(exc)}); check the path"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: the glossary is not UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from None
    glossary: dict[str, str] = {}
    if path.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli as tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(
                f'{path}: not valid TOML ({exc}); write one `"term" = "English"` a line'
            ) from None
        for term, english in data.items():
            if not isinstance(english, str) or not english.strip():
                raise InputError(
                    f'{path}: the English of "{term}" is not a string; write `"{term}" = "English"`'
                )
            glossary[term.strip()] = english.strip()
        return glossary
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        parts = [part.strip() for part in content.split("\t")]
        if len(parts) != 2 or not all(parts):
            raise InputError(
                f"{path}:{number}: expected `term<TAB>English`, got '{content[:40]}'; "
                "separate the term and its English with one tab"
            )
        glossary[parts[0]] = parts[1]
    return glossary
