"""Tests for the translation cache: hits and misses, its key, lazy loading, concurrent writers."""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.options import Options
from reader.translate.cache import CACHE_FILE, CachedTranslation, TranslationCache, open_cache
from reader.translate.hf import TransformersTranslator
from reader.translate.run import Translation, translate_checked

# the tiny models run on one thread (see conftest.py)
pytestmark = pytest.mark.usefixtures("one_torch_thread")

SENTENCES = ["我今天早上七点起床。", "北京是中国的首都。", "你好！", "请你把窗户打开。"]


class Keyed:
    """A fake translator with a cache key; records what reaches the model."""

    name = "keyed"

    def __init__(self, key: str = "keyed-model|v1", loops: Sequence[str] = ()) -> None:
        self.cache_key = key
        self.loops = set(loops)
        self.batches: list[list[str]] = []

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return [
            "again and again and again and again" if text in self.loops else f"EN({len(text)})"
            for text in texts
        ]

    @property
    def received(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[TranslationCache]:
    opened = open_cache(tmp_path / "cache")
    assert opened is not None
    yield opened
    opened.close()


def test_second_run_is_all_hits_and_makes_no_model_call(cache: TranslationCache) -> None:
    first = Keyed(loops=["你好！"])
    made = translate_checked(first, SENTENCES, cache=cache)
    assert sorted(first.received) == sorted([*SENTENCES, "你好！"])  # one retry of the loop
    assert made[2].flag == "repetition"

    second = Keyed(loops=["你好！"])
    assert translate_checked(second, SENTENCES, cache=cache) == made
    assert second.batches == []


def test_only_missing_sentences_reach_the_model(cache: TranslationCache) -> None:
    translate_checked(Keyed(), SENTENCES[:2], cache=cache)
    later = Keyed()
    out = translate_checked(later, SENTENCES, cache=cache)
    assert sorted(later.received) == sorted(SENTENCES[2:])
    assert [t.text for t in out] == [f"EN({len(s)})" for s in SENTENCES]


def test_a_different_model_key_misses(cache: TranslationCache) -> None:
    translate_checked(Keyed("model-a"), SENTENCES, cache=cache)
    other = Keyed("model-b")
    translate_checked(other, SENTENCES, cache=cache)
    assert sorted(other.received) == sorted(SENTENCES)


def test_a_translator_without_a_key_is_never_cached(cache: TranslationCache) -> None:
    class Anonymous(Keyed):
        cache_key = None  # type: ignore[assignment]

        def __init__(self) -> None:
            self.loops = set()
            self.batches = []

    translate_checked(Anonymous(), SENTENCES, cache=cache)
    again = Anonymous()
    translate_checked(again, SENTENCES, cache=cache)
    assert sorted(again.received) == sorted(SENTENCES)


def test_progress_starts_from_the_cached_sentences(cache: TranslationCache) -> None:
    translate_checked(Keyed(), SENTENCES[:3], cache=cache)
    seen: list[tuple[int, int]] = []
    translate_checked(Keyed(), SENTENCES, cache=cache, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (3, 4)
    assert seen[-1] == (4, 4)


def test_cache_round_trip_keeps_flags(cache: TranslationCache) -> None:
    cache.put_many(
        "m", {"一": CachedTranslation("one"), "二": CachedTranslation("二", "untranslated")}
    )
    cache.put_many("m", {"一": CachedTranslation("One.")})  # replaces
    assert cache.get_many("m", ["一", "二", "三"]) == {
        "一": CachedTranslation("One."),
        "二": CachedTranslation("二", "untranslated"),
    }
    assert cache.get_many("other", ["一"]) == {}


def test_many_sentences_in_one_lookup(cache: TranslationCache) -> None:
    many = {f"句子{i}": CachedTranslation(f"sentence {i}") for i in range(2500)}
    cache.put_many("m", many)
    assert cache.get_many("m", list(many)) == many


def test_a_damaged_cache_file_is_set_aside_and_a_new_one_started(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="reader"):
        cache = open_cache(tmp_path)
    assert cache is not None and cache.active
    cache.put_many("m", {"一": CachedTranslation("one")})
    assert cache.get_many("m", ["一"]) == {"一": CachedTranslation("one")}
    cache.close()
    (aside,) = tmp_path.glob(f"{CACHE_FILE}.broken-*")
    assert aside.read_bytes() == b"this is not a database" * 100
    assert [r.getMessage() for r in caplog.records] == [
        f"the translation cache {tmp_path / CACHE_FILE} is damaged (file is not a database); "
        f"moved it to {aside} and started a new one"
    ]


def test_unusable_cache_folder_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert open_cache(blocker / "sub") is None


def test_a_cache_that_fails_later_switches_itself_off(cache: TranslationCache) -> None:
    assert cache._connection is not None
    cache._connection.close()  # as if the file went away under us
    assert cache.get_many("m", ["一"]) == {}
    assert not cache.active
    cache.put_many("m", {"一": CachedTranslation("one")})  # dropped, no error
    out = translate_checked(Keyed(), ["一。"], cache=cache)
    assert out == [Translation("EN(2)")]


# --- the real backend: key and lazy loading --------------------------------------------------


def test_key_follows_model_files_and_settings(tiny_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, copy)
    base = TransformersTranslator(str(copy))
    key = base.cache_key
    assert not base.loaded  # the key comes from the files, not the loaded model
    assert TransformersTranslator(str(copy)).cache_key == key
    assert TransformersTranslator(str(copy), beams=2).cache_key != key
    assert TransformersTranslator(str(copy), int8=True).cache_key != key
    assert TransformersTranslator(str(tiny_model_dir)).cache_key != key  # another name

    config = json.loads((copy / "config.json").read_text())
    config["dropout"] = 0.25  # a re-downloaded, different model
    (copy / "config.json").write_text(json.dumps(config))
    assert TransformersTranslator(str(copy)).cache_key != key


def test_fully_cached_run_does_not_load_the_model(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.batch.build import run as convert

    source = tmp_path / "article.txt"
    source.write_text(
        "春天的市场\n\n今天早上市场里人很多。大家都在买新鲜的水果。\n", encoding="utf-8"
    )
    options = Options(
        model=str(tiny_model_dir),
        engine="transformers",
        cache_dir=tmp_path / "cache",
        output_dir=tmp_path / "out",
        formats=("json",),
        strict=True,
    )
    convert([source], options)
    first = json.loads((tmp_path / "out" / "article.json").read_text(encoding="utf-8"))
    assert (tmp_path / "cache" / CACHE_FILE).is_file()

    def no_loading(self: TransformersTranslator) -> None:
        raise AssertionError("the model was loaded though every sentence is cached")

    monkeypatch.setattr(TransformersTranslator, "_load", no_loading)
    again = Options(
        model=str(tiny_model_dir),
        engine="transformers",
        cache_dir=tmp_path / "cache",
        output_dir=tmp_path / "again",
        formats=("json",),
        strict=True,
    )
    convert([source], again)
    second = json.loads((tmp_path / "again" / "article.json").read_text(encoding="utf-8"))
    assert second["paragraphs"] == first["paragraphs"]

    # with the cache off, the model is needed again
    with pytest.raises(AssertionError, match="loaded"):
        convert([source], dataclasses.replace(again, cache=False, output_dir=tmp_path / "third"))


# --- several processes at once -------------------------------------------------------------


def _writer(folder: str, worker: int, rounds: int, start: Any) -> None:
    """Write and read back entries, many short transactions, alongside other processes."""
    start.wait(timeout=60)  # all open the file and write at the same moment
    cache = open_cache(Path(folder))
    assert cache is not None
    with cache:
        for step in range(rounds):
            batch = {
                f"worker {worker} sentence {step}.{i}": CachedTranslation(f"w{worker} {step}.{i}")
                for i in range(20)
            }
            cache.put_many("shared-model", batch)
            # everyone also overwrites a few shared sentences
            cache.put_many(
                "shared-model", {f"shared {i}": CachedTranslation(f"w{worker}") for i in range(5)}
            )
            assert cache.get_many("shared-model", batch) == batch
            assert cache.active


WRITERS = 6


def test_concurrent_writers_do_not_corrupt_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    context = multiprocessing.get_context("spawn")
    # all open a file that doesn't exist yet at once: the racy moment (turning on WAL)
    start = context.Barrier(WRITERS)
    workers = [
        context.Process(target=_writer, args=(str(folder), n, 25, start)) for n in range(WRITERS)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0] * WRITERS

    connection = sqlite3.connect(folder / CACHE_FILE)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        (count,) = connection.execute("SELECT COUNT(*) FROM translations").fetchone()
    finally:
        connection.close()
    assert count == WRITERS * 25 * 20 + 5


def _opener(folder: str, start: Any) -> None:
    """Open a (new) cache at the same moment as the others and write to it."""
    start.wait(timeout=60)
    cache = open_cache(Path(folder))
    assert cache is not None
    with cache:
        cache.put_many("m", {folder: CachedTranslation("x")})
        assert cache.active


def test_many_processes_opening_a_new_cache_at_once(tmp_path: Path) -> None:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # import this module once in the server, not in every process (it is slow)
        context.set_forkserver_preload([_opener.__module__])
    for trial in range(6):
        folder = tmp_path / f"cache-{trial}"
        start = context.Barrier(8)
        openers = [context.Process(target=_opener, args=(str(folder), start)) for _ in range(8)]
        for process in openers:
            process.start()
        for process in openers:
            process.join(timeout=60)
        assert [process.exitcode for process in openers] == [0] * 8, f"trial {trial}"
