"""Numbered readings written in each pinyin style, and words that keep them whatever the style."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.annotate import Annotator
from reader.model import Article, Paragraph, PinyinStyle, Word
from reader.pinyin import syllables, written

STYLES: tuple[PinyinStyle, ...] = ("marks", "numbers", "zhuyin", "none")


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        # marks, numbers, zhuyin, none: syllable by syllable
        (("yin2", "hang2"), [("yín", "háng"), ("yin2", "hang2"), ("ㄧㄣˊ", " ㄏㄤˊ"), ("", "")]),
        # a person's name: capitals, the given name apart; Zhuyin has no capitals
        (("Li3", "Ming2"), [("Lǐ", " Míng"), ("Li3", " Ming2"), ("ㄌㄧˇ", " ㄇㄧㄥˊ"), ("", "")]),
        # an apostrophe before a syllable opening with a, o or e
        (("Xi1", "an1"), [("Xī", "'ān"), ("Xi1", "'an1"), ("ㄒㄧ", " ㄢ"), ("", "")]),
        (("nü3", "er2"), [("nǚ", "'ér"), ("nü3", "'er2"), ("ㄋㄩˇ", " ㄦˊ"), ("", "")]),
        # no apostrophe where a capital starts a word of its own
        (("Li3", "An1"), [("Lǐ", " Ān"), ("Li3", " An1"), ("ㄌㄧˇ", " ㄢ"), ("", "")]),
        # erhua joins the syllable before it
        (("na3", "r"), [("nǎ", "r"), ("na3", "r"), ("ㄋㄚˇ", " ㄦ"), ("", "")]),
        # the neutral tone
        (("de5",), [("de",), ("de5",), ("ㄉㄜ˙",), ("",)]),
        # a character without a reading stays empty
        (("ge3", ""), [("gě", ""), ("ge3", ""), ("ㄍㄜˇ", ""), ("", "")]),
    ],
)
def test_syllables_in_every_style(
    reading: tuple[str, ...], expected: list[tuple[str, ...]]
) -> None:
    for style, shown in zip(STYLES, expected, strict=True):
        assert syllables(reading, style) == shown, style
        assert written(reading, style) == "".join(shown)


def test_proper_noun_words_are_written_apart() -> None:
    reading = ("Bei3", "jing1", "Da4", "xue2")
    assert written(reading, "marks") == "Běijīng Dàxué"
    assert written(reading, "numbers") == "Bei3jing1 Da4xue2"
    assert written(reading, "zhuyin") == "ㄅㄟˇ ㄐㄧㄥ ㄉㄚˋ ㄒㄩㄝˊ"
    assert written(("Xi1", "an1"), "marks") == "Xī'ān"
    assert written(("xi1", "an1"), "marks") == "xī'ān"
    assert written(("lü4",), "marks") == "lǜ"


def test_syllables_listed_apart_are_written_apart() -> None:
    reading = ("da3", "dian4", "hua4")
    assert written(reading, "marks", apart=(1,)) == "dǎ diànhuà"
    assert written(reading, "numbers", apart=(1,)) == "da3 dian4hua4"
    assert written(reading, "marks") == "dǎdiànhuà"
    assert written(("mei2", "an1", "quan2"), "marks", apart=(1,)) == "méi ānquán"


# Where pypinyin, which wrote the styles before, is no model: it leaves the digit in a few
# syllabic nasals it has no marked letter for (n1 stays `n1`), and spells a neutral-tone m or n
# unlike its other tones (ㄋ˙ beside ㄣˊ). None of these readings is in its dictionary but n5.
_NOT_LIKE_PYPINYIN = {"hm3", "hng1", "m3", "n1", "ng1", "m5", "n5"}


def test_every_syllable_is_written_as_pypinyin_writes_it() -> None:
    from pypinyin import Style
    from pypinyin.contrib.tone_convert import to_tone, to_tone3
    from pypinyin.pinyin_dict import pinyin_dict
    from pypinyin.style import convert

    marked = {s for value in pinyin_dict.values() for s in value.split(",")}
    numbered = {str(to_tone3(s, neutral_tone_with_five=True, v_to_u=True)) for s in marked}
    bases = {s.rstrip("12345") for s in numbered}
    assert len(bases) > 400
    for tone3 in sorted(f"{base}{tone}" for base in bases for tone in "12345"):
        if tone3 in _NOT_LIKE_PYPINYIN:
            continue
        marks = str(to_tone(tone3))
        assert written((tone3,), "marks") == marks, tone3
        assert written((tone3,), "zhuyin") == str(convert(marks, Style.BOPOMOFO, True)), tone3
        assert written((tone3,), "numbers") == tone3


def test_tones_come_from_the_reading() -> None:
    assert Word("哪儿", ("na3", "r")).tones == (3, 5)
    assert Word("朋友", ("peng2", "you5")).tones == (2, 5)
    assert Word("葛\U000e0100", ("ge3", "")).tones == (3, 0)
    assert Word("，", pos="x").tones == ()
    assert not Word("，", pos="x").is_chinese


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("style", STYLES)
def test_words_keep_their_numbered_reading_in_every_style(style: PinyinStyle, cache: Path) -> None:
    article = Article("a.txt", (Paragraph("text", ("李明在银行工作，哪儿都不去。",)),))
    annotated = Annotator(style=style, cache_dir=cache).annotate(article)
    assert annotated.pinyin_style == style
    words = {w.text: w for s in annotated.paragraphs[0].sentences for w in s.words}
    assert words["银行"].reading == ("yin2", "hang2")
    assert words["李明"].reading == ("Li3", "Ming2")
    assert words["哪儿"].reading == ("na3", "r")
    assert words["，"].reading == ()
    assert (
        written(words["李明"].reading, style)
        == {
            "marks": "Lǐ Míng",
            "numbers": "Li3 Ming2",
            "zhuyin": "ㄌㄧˇ ㄇㄧㄥˊ",
            "none": "",
        }[style]
    )


def test_style_none_still_has_readings(cache: Path) -> None:
    (word,) = [w for w in Annotator(style="none", cache_dir=cache).words("银行") if w.is_chinese]
    assert word.reading == ("yin2", "hang2")
    assert word.tones == (2, 2)
    assert written(word.reading, "none") == ""
