"""Vocabulary lists: which words, in what order, how often, above which level."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotate.dictionary import Dictionary, gloss_article
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    AnnotatedSentence,
    PinyinStyle,
    Word,
)
from reader.options import Options
from reader.pinyin import written
from reader.pipeline import build
from reader.render.vocab import VocabItem, level_label, vocabulary
from reader.source.blocks import parse
from tests.fakes import FakeTranslator

TEXT = "银行里的人\n\n他在银行工作了三十五年。他说：“银行很大吗？”\n\n我们一起走吧。行长来了！"


def _shared_cache(factory: pytest.TempPathFactory) -> Path:
    """One dictionary cache for the whole test session: the tables are built once."""
    folder = factory.getbasetemp() / "dictionary-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> AnnotatedArticle:
    articles, _ = build(parse(TEXT, "a.txt"), Options(), FakeTranslator())
    dictionary = Dictionary(_shared_cache(tmp_path_factory))
    return gloss_article(articles[0], dictionary)


def _words(article: AnnotatedArticle) -> list[tuple[Word, AnnotatedSentence]]:
    return [(w, s) for p in article.paragraphs for s in p.sentences for w in s.words]


def test_distinct_words_in_order_of_first_appearance(article: AnnotatedArticle) -> None:
    items = vocabulary(article, None)
    texts = [item.text for item in items]
    assert len(texts) == len(set(texts))  # no word here is read two ways
    seen = [w.text for w, _ in _words(article)]
    positions = [seen.index(t) for t in texts]
    assert positions == sorted(positions)
    assert texts[0] == "银行"


def test_counts_sentences_and_translations(article: AnnotatedArticle) -> None:
    items = {item.text: item for item in vocabulary(article, None)}
    bank = items["银行"]
    assert bank.count == 3
    assert bank.sentence == "银行里的人"
    title = article.paragraphs[0].sentences[0]
    assert bank.translation == title.translation is not None
    walk = items["走"]
    assert walk.count == 1
    assert walk.sentence == "我们一起走吧。"
    reading = next(w.reading for w, _ in _words(article) if w.text == "走")
    assert walk.pinyin == written(reading, article.pinyin_style) == "zǒu"
    assert "bank" in bank.definition
    assert bank.level == 2


def test_punctuation_numbers_and_particles_are_left_out(article: AnnotatedArticle) -> None:
    texts = {item.text for item in vocabulary(article, None)}
    particles = {w.text for w, _ in _words(article) if len(w.text) == 1 and w.pos[:1] in "uye"}
    assert {"的", "了", "吗", "吧"} <= particles
    assert not texts & particles
    assert not texts & {"。", "，", "：", "“", "”", "？", "！"}
    assert not any(t[0] in "一二三四五六七八九十" for t in texts if t != "一起")
    assert "一起" in texts  # a numeral by jieba's tag, but a listed word
    assert "在" in texts  # prepositions are vocabulary


def test_level_filter(article: AnnotatedArticle) -> None:
    every = vocabulary(article, None)
    above_one = vocabulary(article, 1)
    above_two = vocabulary(article, 2)
    assert [i.text for i in above_one] == [i.text for i in every if i.level != 1]
    assert "银行" in {i.text for i in above_one}
    assert "银行" not in {i.text for i in above_two}
    assert "他" not in {i.text for i in above_one}
    # A word the HSK list lacks counts as hard.
    unlisted = [i for i in every if i.level is None]
    assert unlisted and all(i in above_two for i in unlisted)
    assert vocabulary(article, 7) == unlisted


@pytest.mark.parametrize(
    ("style", "xing", "hang"),
    [("marks", "xíng", "háng"), ("numbers", "xing2", "hang2"), ("none", "", "")],
)
def test_one_word_read_two_ways_is_two_entries(style: PinyinStyle, xing: str, hang: str) -> None:
    walk = Word("行", ("xing2",), "v", gloss="to walk", level=1)
    row = Word("行", ("hang2",), "q", gloss="row", level=1)
    full_stop = Word("。", pos="x")
    sentences = (
        AnnotatedSentence("行。", (walk, full_stop), "OK."),
        AnnotatedSentence("行行。", (row, walk, full_stop), "Row, walk."),
    )
    article = AnnotatedArticle("a.txt", (AnnotatedParagraph("text", sentences),), style)
    # Both read in the second tone: without pinyin shown, the readings still tell them apart.
    assert vocabulary(article) == [
        VocabItem("行", xing, "to walk", 1, 2, "行。", "OK."),
        VocabItem("行", hang, "row", 1, 1, "行行。", "Row, walk."),
    ]


def test_level_labels() -> None:
    assert [level_label(n) for n in (None, 1, 6, 7)] == ["", "1", "6", "7-9"]
