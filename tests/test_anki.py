"""The Anki export: headers Anki 2.1.55+ reads, one record per word, fields kept whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reader.annotate.dictionary import Dictionary, gloss_article
from reader.options import Options
from reader.pipeline import build
from reader.render.anki import COLUMNS, to_anki
from reader.render.common import ATTRIBUTION
from reader.render.vocab import VocabItem, vocabulary
from reader.source.blocks import parse
from tests.fakes import FakeTranslator


def _item(**changes: object) -> VocabItem:
    fields: dict[str, object] = {
        "text": "银行",
        "pinyin": "yínháng",
        "definition": "bank",
        "level": 2,
        "count": 1,
        "sentence": "他在银行工作。",
        "translation": "He works at a bank.",
    }
    fields.update(changes)
    return VocabItem(**fields)  # type: ignore[arg-type]


def _split(text: str) -> tuple[list[str], list[list[str]]]:
    """Header lines, and the records read the way Anki's CSV reader reads them."""
    lines = text.split("\n")
    assert lines[-1] == ""
    headers = [line for line in lines if line.startswith("#")]
    body = "\n".join(lines[len(headers) :])
    # The header block is contiguous, at the top: Anki reads meta lines only there.
    assert lines[: len(headers)] == headers
    records = list(csv.reader(io.StringIO(body), delimiter="\t", quotechar='"', strict=True))
    return headers, records


def test_headers_and_columns() -> None:
    headers, records = _split(to_anki([_item(), _item(text="工作")], "Bank news"))
    assert headers[0] == "#separator:tab"
    assert "#html:false" in headers
    columns = next(h for h in headers if h.startswith("#columns:"))
    assert columns.removeprefix("#columns:").split("\t") == list(COLUMNS)
    assert headers.index("#separator:tab") < headers.index(columns)
    tags_column = next(h for h in headers if h.startswith("#tags column:"))
    assert COLUMNS[int(tags_column.split(":")[1]) - 1] == "Tags"
    assert len(records) == 2
    assert all(len(r) == len(COLUMNS) for r in records)
    word, pinyin, definition, level, example, translation, tags = records[0]
    assert (word, pinyin, definition, level) == ("银行", "yínháng", "bank", "2")
    assert (example, translation) == ("他在银行工作。", "He works at a bank.")
    assert tags.split() == ["reader", "source::Bank_news", "HSK::2"]


def test_comments_are_not_taken_for_settings() -> None:
    headers, _ = _split(to_anki([_item()], "Title: with a colon"))
    known = ("separator", "html", "tags", "columns", "notetype", "deck")
    for line in headers:
        if line.startswith("# "):
            key = line[1:].split(":", 1)[0].strip().lower()
            assert key not in known and not key.endswith(" column"), line


def test_attribution_only_with_definitions() -> None:
    with_glosses = to_anki([_item()], "t")
    assert "# " + ATTRIBUTION in with_glosses.split("\n")
    assert ATTRIBUTION not in to_anki([_item(definition="")], "t")


def test_fields_are_kept_whole() -> None:
    tricky = _item(
        text="#银行",
        definition='bank; "the" bank\tof\nChina',
        sentence="第一行\r\n第二行\u2028第三行",
        translation=None,
        level=7,
    )
    _, records = _split(to_anki([tricky, _item()], "Two  words\there"))
    assert len(records) == 2
    word, _, definition, level, example, translation, tags = records[0]
    assert word == "#银行"
    assert definition == 'bank; "the" bank of China'
    assert example == "第一行 第二行 第三行"
    assert translation == ""
    assert level == "7-9"
    assert tags.split() == ["reader", "source::Two_words_here", "HSK::7-9"]


def test_an_unlisted_word_has_no_level_tag() -> None:
    _, records = _split(to_anki([_item(level=None)], ""))
    assert records[0][3] == ""
    assert records[0][6] == "reader"


def _shared_cache(factory: pytest.TempPathFactory) -> Path:
    """One dictionary cache for the whole test session: the tables are built once."""
    folder = factory.getbasetemp() / "dictionary-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def real_items(tmp_path_factory: pytest.TempPathFactory) -> list[VocabItem]:
    articles, _ = build(parse("他在银行工作。行长来了！", "a.txt"), Options(), FakeTranslator())
    glossed = gloss_article(articles[0], Dictionary(_shared_cache(tmp_path_factory)))
    return vocabulary(glossed, None)


def test_a_real_vocabulary_round_trips(real_items: list[VocabItem]) -> None:
    _, records = _split(to_anki(real_items, "银行"))
    assert [r[0] for r in records] == [i.text for i in real_items]
    assert [r[2] for r in records] == [i.definition for i in real_items]
    assert [r[4] for r in records] == [i.sentence for i in real_items]
