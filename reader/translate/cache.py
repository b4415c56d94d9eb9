"""The translation cache: a SQLite file of (model key, sentence) → English, shared by runs."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.sqlite import SharedCache

CACHE_FILE = "translations.sqlite3"
"""Name of the cache file inside the cache folder."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    model TEXT NOT NULL,
    source TEXT NOT NULL,
    english TEXT NOT NULL,
    flag TEXT,
    stored REAL NOT NULL,
    PRIMARY KEY (model, source)
) WITHOUT ROWID
"""


@dataclass(frozen=True, slots=True)
class CachedTranslation:
    """A stored translation of one sentence."""

    text: str
    """The English."""
    flag: str | None = None
    """Why it looked degenerate when it was made (see `reader.translate.checks`), or None."""


class TranslationCache(SharedCache):
    """Finished translations keyed by model identity and source sentence."""

    _name = "translation cache"
    _instead = "translating without it"

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def get_many(self, model: str, sources: Iterable[str]) -> dict[str, CachedTranslation]:
        """The stored translations of those `sources` that `model` has translated before."""
        rows = self._select(
            "SELECT source, english, flag FROM translations "
            "WHERE model = ? AND source IN ({marks})",
            sources,
            _model_key(model),
        )
        return {str(s): CachedTranslation(str(english), flag) for s, english, flag in rows}

    def put_many(self, model: str, translations: Mapping[str, CachedTranslation]) -> None:
        """Store translations made by `model`, replacing older ones of the same sentences."""
        key = _model_key(model)
        now = time.time()
        self._insert(
            "INSERT OR REPLACE INTO translations "
            "(model, source, english, flag, stored) VALUES (?, ?, ?, ?, ?)",
            [(key, source, t.text, t.flag, now) for source, t in translations.items()],
        )


def _model_key(model: str) -> str:
    """A fixed-length stand-in for a model's long identity string."""
    return hashlib.sha256(model.encode("utf-8")).hexdigest()[:32]


def open_cache(folder: Path) -> TranslationCache | None:
    """The translation cache in `folder`, or None (logged) when it can't be opened."""
    return TranslationCache.open(folder / CACHE_FILE)
