"""Numbers written in characters: their values, and their glosses in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotate import Annotator
from reader.annotate.numbers import english, value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十五", 15),
        ("二十", 20),
        ("三十八", 38),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百一", 110),  # a last digit after a unit counts the unit below it
        ("两千五", 2500),
        ("三万五", 35_000),
        ("三万五千", 35_000),
        ("一千零一十", 1010),
        ("十万", 100_000),
        ("一亿五千万", 150_000_000),
        ("二〇二六", 2026),
        ("零", 0),
        ("万", None),
        ("十几", None),
        ("一半", None),
        ("三四", None),  # three or four, not thirty-four
        ("十一二", None),  # eleven or twelve, not twelve
        ("三五", None),  # a few
    ],
)
def test_value(text: str, expected: int | None) -> None:
    assert value(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三十五", "thirty-five"),
        ("第二十五", "twenty-fifth"),
        ("第九", "ninth"),
        ("三万五千", "thirty-five thousand (35,000)"),
        ("三四", "three or four"),
        ("十一二", "eleven or twelve"),
        ("三四十", "thirty or forty"),
        ("一百二三十", "one hundred and twenty or one hundred and thirty"),
        ("一九九八", "1998"),
        ("十几", None),
        ("第", None),
    ],
)
def test_english(text: str, expected: str | None) -> None:
    assert english(text) == expected


def test_numbers_are_glossed_in_english_and_left_out_of_vocabulary(tmp_path: Path) -> None:
    from reader.annotate.dictionary import Dictionary, gloss_article
    from reader.model import Article, Paragraph
    from reader.render.vocab import vocabulary

    sentence = "他今年三十五岁，是第二十五个来的。"
    article = Article(source="t", paragraphs=(Paragraph(kind="text", sentences=(sentence,)),))
    glossed = gloss_article(Annotator(cache_dir=tmp_path).annotate(article), Dictionary(tmp_path))
    gloss = {w.text: w.gloss for w in glossed.paragraphs[0].sentences[0].words}
    assert gloss["三十五"] == "thirty-five"
    assert gloss["第二十五"] == "twenty-fifth"
    listed = {item.text for item in vocabulary(glossed)}
    assert "岁" in listed or "今年" in listed
    assert not {"三十五", "第二十五"} & listed
