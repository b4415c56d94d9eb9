"""Tables for segmentation and readings: jieba words, pypinyin in word context, styles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.annotate import Annotator
from reader.pinyin import syllables, written
from reader.source.blocks import parse


def reading(annotator: Annotator, sentence: str, word: str) -> str:
    """The reading given to `word` inside `sentence` (the word must be segmented whole)."""
    for item in annotator.words(sentence):
        if item.text == word:
            return written(item.reading, annotator.style)
    raise AssertionError(f"{word!r} not segmented as a word in {sentence!r}")


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("我去银行取钱。", "银行", "yínháng"),
        ("他住在重庆市。", "重庆市", "Chóngqìngshì"),
        ("孩子长大了。", "长大", "zhǎngdà"),
        ("我了解这个问题。", "了解", "liǎojiě"),
        ("我觉得很好。", "觉得", "juéde"),
        ("他讲得很清楚。", "得", "de"),
        ("对重大问题讲得实、讲得清。", "得", "de"),
        ("这本书让学习变得有意思。", "变得", "biànde"),
        ("他取得了好成绩。", "取得", "qǔdé"),
        ("他们说了很多话。", "了", "le"),
        ("我的书。", "的", "de"),
        ("慢慢地走。", "地", "de"),
        ("他们去过北京。", "北京", "Běijīng"),
        ("他们去过西安。", "西安", "Xī'ān"),
        ("行业协会开会了。", "行业", "hángyè"),
        ("这是处理器。", "处理器", "chǔlǐqì"),
        ("院长赵笑蕾说。", "赵笑蕾", "Zhào Xiàolěi"),
        # Proper nouns CC-CEDICT lists are written as it splits them (GB/T 16159).
        ("毛泽东是湖南人。", "毛泽东", "Máo Zédōng"),
        ("李白和杜甫都是诗人。", "李白", "Lǐ Bái"),
        ("鲁迅写了很多小说。", "鲁迅", "Lǔ Xùn"),
        ("诸葛亮很聪明。", "诸葛亮", "Zhūgě Liàng"),
        ("他在北京大学读书。", "北京大学", "Běijīng Dàxué"),
        # Names jieba's dictionary knows and CC-CEDICT doesn't: surname and given name apart.
        ("袁崇焕守住了宁远。", "袁崇焕", "Yuán Chónghuàn"),
        # Common words that jieba's dictionary tags as names stay common words.
        ("我买了胡萝卜。", "胡萝卜", "húluóbo"),
        ("地里种着西瓜。", "西瓜", "xīguā"),
        ("黄金周去看古建筑。", "古建筑", "gǔjiànzhù"),
        ("黄金周去看古建筑。", "黄金周", "huángjīnzhōu"),
        ("我们从百年奋斗中汲取智慧。", "智慧", "zhìhuì"),
    ],
)
def test_word_readings(annotator: Annotator, sentence: str, word: str, expected: str) -> None:
    assert reading(annotator, sentence, word) == expected


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        ("我去银行取钱。", ["我", "去", "银行", "取", "钱", "。"]),
        ("运行 rustup update 命令", ["运行", " rustup update ", "命令"]),
        ("5月19日，山西太原", ["5", "月", "19", "日", "，", "山西太原"]),
        ("访问https://example.com/a_b吧", ["访问", "https://example.com/a_b", "吧"]),
    ],
)
def test_segmentation_keeps_latin_runs_whole(
    annotator: Annotator, sentence: str, words: list[str]
) -> None:
    result = annotator.words(sentence)
    assert [w.text for w in result] == words
    assert "".join(w.text for w in result) == sentence
    for w in result:
        assert bool(written(w.reading, annotator.style)) == any(
            "\u4e00" <= c <= "\u9fff" for c in w.text
        )


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("marks", "yínháng"),
        ("numbers", "yin2hang2"),
        ("zhuyin", "ㄧㄣˊ ㄏㄤˊ"),
        ("none", ""),
    ],
)
def test_pinyin_styles(style: str, expected: str, tmp_path: Path) -> None:
    annotator = Annotator(style=style, cache_dir=tmp_path)  # type: ignore[arg-type]
    words = annotator.words("银行")
    assert words[0].reading == ("yin2", "hang2")
    assert written(words[0].reading, annotator.style) == expected
    assert words[0].tones == (2, 2)
    assert "".join(syllables(words[0].reading, annotator.style)) == expected


def test_neutral_tone_number(tmp_path: Path) -> None:
    (word,) = Annotator(style="numbers", cache_dir=tmp_path).words("觉得")
    assert written(word.reading, "numbers") == "jue2de5"
    assert word.tones == (2, 5)


def test_article_annotation_keeps_text_and_skips_code(annotator: Annotator) -> None:
    (article,) = parse("## 标题\n\n第一句。第二句。\n\n```\n代码 = 1\n```\n", "a.md", markdown=True)
    annotated = annotator.annotate(article)
    for src, out in zip(article.paragraphs, annotated.paragraphs, strict=True):
        assert src.text == out.text
        assert src.kind == out.kind
    code = annotated.paragraphs[-1]
    assert code.kind == "code"
    assert not code.translatable
    assert all(not w.reading for s in code.sentences for w in s.words)


def test_jieba_stays_quiet_and_caches_in_our_folder(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    work = tmp_path / "work"
    work.mkdir()
    script = (
        "from pathlib import Path; from reader.annotate import Annotator; "
        "from reader.pinyin import written; "
        f"print(written(Annotator(cache_dir=Path({str(cache)!r})).words('银行')[0].reading, 'marks'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=work, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "yínháng"
    assert done.stderr == ""
    assert list(work.iterdir()) == []
    assert any(cache.iterdir())


INVARIANT_TEXT = (
    "我觉得一个朋友不是坏人。重庆市的银行行长曾国藩说：“好！”他们去过西安，一月一日回来。"
)


@pytest.mark.parametrize("sandhi", [False, True])
@pytest.mark.parametrize("style", ["marks", "numbers", "zhuyin", "none"])
def test_word_invariants_in_every_style(style: str, sandhi: bool, tmp_path: Path) -> None:
    annotator = Annotator(style=style, cache_dir=tmp_path, tone_sandhi=sandhi)  # type: ignore[arg-type]
    words = annotator.words(INVARIANT_TEXT)
    assert "".join(w.text for w in words) == INVARIANT_TEXT
    for w in words:
        shown = syllables(w.reading, annotator.style)
        if not any("\u4e00" <= c <= "\u9fff" for c in w.text):
            assert w.reading == shown == () and w.tones == ()
            continue
        assert len(w.reading) == len(shown) == len(w.tones) == len(w.text)
        assert all(1 <= t <= 5 for t in w.tones)
        assert [int(s[-1]) for s in w.reading] == list(w.tones)
        if style == "numbers":
            assert [int(s.strip("' ")[-1]) for s in shown] == list(w.tones)
        if style == "none":
            assert written(w.reading, annotator.style) == ""


def test_pipeline_passes_the_reading_options(tmp_path: Path) -> None:
    from reader.options import Options
    from reader.pipeline import annotate_all

    overrides = tmp_path / "readings.tsv"
    overrides.write_text("银行\tyín xíng\n", encoding="utf-8")
    user_dict = tmp_path / "names.txt"
    user_dict.write_text("杨澜浩 10 nr\n", encoding="utf-8")
    (article,) = parse("杨澜浩说，一个银行。", "a.txt")
    options = Options(
        cache_dir=tmp_path,
        tone_sandhi=True,
        pinyin_overrides=overrides,
        user_dict=user_dict,
    )
    (annotated,) = annotate_all([article], options)
    words = {
        w.text: written(w.reading, "marks")
        for p in annotated.paragraphs
        for s in p.sentences
        for w in s.words
    }
    assert words["杨澜浩"] == "Yáng Lánhào"
    assert (words["一"], words["个"]) == ("yí", "gè")  # a numeral and its measure word apart
    assert words["银行"] == "yínxíng"
