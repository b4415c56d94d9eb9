"""Readings a learner can trust: polyphones, particles, neutral tones, surnames, 一/不, overrides."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.annotate import Annotator
from reader.annotate.lexicon import Lexicon
from reader.annotate.overrides import load_overrides, load_user_dict
from reader.annotate.polyphone import ContextModel, Guess
from reader.annotate.readings import vote as _vote
from reader.annotate.sandhi import apply_sandhi, dictionary_tones
from reader.errors import InputError
from reader.model import Article, Paragraph
from reader.pinyin import syllables, written

ROOT = Path(__file__).resolve().parents[1]
CPP_DEV = ROOT.parent / "shared" / "bench" / "cpp-dev"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def plain(cache: Path) -> Annotator:
    return Annotator(cache_dir=cache)


@pytest.fixture(scope="module")
def spoken(cache: Path) -> Annotator:
    return Annotator(cache_dir=cache, tone_sandhi=True)


def reading(annotator: Annotator, sentence: str, word: str) -> str:
    """The reading given to `word` inside `sentence` (the word must be segmented whole)."""
    for item in annotator.words(sentence):
        if item.text == word:
            return written(item.reading, annotator.style)
    raise AssertionError(f"{word!r} not segmented as a word in {sentence!r}")


def syllable(annotator: Annotator, sentence: str, index: int) -> str:
    """The reading of the character at `index` of `sentence`, lower case, without apostrophe."""
    offset = 0
    for item in annotator.words(sentence):
        if offset <= index < offset + len(item.text):
            shown = syllables(item.reading, annotator.style)
            return shown[index - offset].strip().lstrip("'").lower()
        offset += len(item.text)
    raise AssertionError(f"no word covers {index} in {sentence!r}")


# Polyphones read from whole words and sentences. Several are ones the context model alone
# gets wrong with near certainty (了解 lejiě, 为什么 wéi, 充分 fēn): the dictionaries must win.
@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("我去银行取钱。", "银行", "yínháng"),
        ("我们银行的行长。", "行长", "hángzhǎng"),
        ("他住在重庆市。", "重庆市", "Chóngqìngshì"),
        ("孩子长大了。", "长大", "zhǎngdà"),
        ("这条路很长。", "长", "cháng"),
        ("他是我们的校长。", "校长", "xiàozhǎng"),
        ("我了解这个问题。", "了解", "liǎojiě"),
        ("帮助大众全面了解党史。", "了解", "liǎojiě"),
        ("为什么不去？", "为什么", "wèishénme"),
        ("基层百姓充分感受党史学习热潮。", "充分", "chōngfèn"),
        # a phrase no dictionary lists is read as the words it holds (GB/T 16159)
        ("行业协会开会了。", "行业", "hángyè"),
        ("这是处理器。", "处理器", "chǔlǐqì"),
        ("他取得了好成绩。", "取得", "qǔdé"),
        ("他着急了。", "着急", "zháojí"),
        ("孩子睡着了。", "睡着", "shuìzháo"),
        ("他们都来了。", "都", "dōu"),
        ("他还没来。", "还", "hái"),
        ("我们从百年奋斗中汲取智慧。", "智慧", "zhìhuì"),
    ],
)
def test_polyphones(plain: Annotator, sentence: str, word: str, expected: str) -> None:
    assert reading(plain, sentence, word) == expected


@pytest.mark.parametrize(
    ("sentence", "index", "expected"),
    [
        # 场 in 一场 + an event is chǎng (pypinyin's phrase entry says cháng, as for rain).
        ("一场以提升教学质量为主题的学术研讨会如期举行。", 1, "chǎng"),
        # 行 in 命令行 is a line of text.
        ("所有需要输入到终端的命令行都以美元符号开头。", 12, "háng"),
        # A verb CC-CEDICT lists with its particle, split by jieba (长|得), keeps the word's
        # reading over jieba's tag (长 a: cháng) and the context model.
        ("她长得很漂亮。", 1, "zhǎng"),
        ("孩子长得很快。", 2, "zhǎng"),
        ("他落得一场空。", 1, "luò"),
        # The same character before other words is still read by the sentence.
        ("这件衣服太长了。", 5, "cháng"),
    ],
)
def test_polyphones_by_context(plain: Annotator, sentence: str, index: int, expected: str) -> None:
    assert syllable(plain, sentence, index) == expected


@pytest.mark.parametrize(
    ("sentence", "index", "expected"),
    [
        ("他讲得很清楚。", 2, "de"),
        ("对重大问题讲得实、讲得清。", 6, "de"),
        ("对重大问题讲得实、讲得清。", 10, "de"),
        ("这本书让学习变得有意思。", 7, "de"),
        ("学有所得。", 3, "dé"),  # a verb at the end, not a particle
        ("他们说了很多话。", 3, "le"),
        ("我的书。", 1, "de"),
        ("慢慢地走。", 2, "de"),
        ("他看着我。", 2, "zhe"),
        ("我去过北京。", 2, "guo"),
        ("我看过这本书。", 2, "guo"),
        ("他经过这里。", 2, "guò"),  # 经过 is a word, not verb + particle
        ("他靠着墙。", 2, "zhe"),
        ("我还抱过你咧！", 5, "lie"),  # a modal particle, whatever jieba's tag
        ("俺还有手艺做哩！", 6, "li"),
        ("你快去吧。", 3, "ba"),
        ("他在百度贴吧发帖。", 5, "bā"),  # 贴吧 tiēbā: not a particle
        ("有女友的多重签名哦。", 8, "o"),
        ("你要小心哦！", 4, "o"),
        ("哦，我记得了。", 0, "ò"),  # an interjection, not a particle
        ("我看不了这么多书。", 3, "liǎo"),
        ("这种苦他受不了。", 6, "liǎo"),
    ],
)
def test_particles(plain: Annotator, sentence: str, index: int, expected: str) -> None:
    assert syllable(plain, sentence, index) == expected


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        ("我觉得很好。", "觉得", "juéde"),
        ("我认识他。", "认识", "rènshi"),
        ("妈妈回来了。", "妈妈", "māma"),
        ("我们的朋友很多。", "朋友", "péngyou"),
        ("我喜欢你。", "喜欢", "xǐhuan"),
        ("卖豆腐的师傅。", "豆腐", "dòufu"),
        ("市场里很热闹。", "热闹", "rènao"),
        ("你休息吧。", "休息", "xiūxi"),
        ("先生，请坐。", "先生", "xiānsheng"),
        # Full tones stay full where the dictionary writes them.
        ("他取得了成绩。", "成绩", "chéngjì"),
        ("你好，我很好。", "你好", "nǐhǎo"),
    ],
)
def test_neutral_tones(plain: Annotator, sentence: str, word: str, expected: str) -> None:
    assert reading(plain, sentence, word) == expected


@pytest.mark.parametrize(
    ("sentence", "name", "surname"),
    [
        ("曾国藩是晚清重臣。", "曾国藩", "zēng"),
        ("他叫单田芳，是评书艺术家。", "单田芳", "shàn"),
        ("仇英是明代画家。", "仇英", "qiú"),
        ("朴槿惠访问中国。", "朴槿惠", "piáo"),
        ("解缙是明朝学者。", "解缙", "xiè"),
        ("华罗庚是数学家。", "华罗庚", "huà"),
        ("任弼时同志的革命精神永垂不朽。", "任弼时", "rén"),
    ],
)
def test_surnames(plain: Annotator, sentence: str, name: str, surname: str) -> None:
    (word,) = [w for w in plain.words(sentence) if w.text == name]
    assert syllables(word.reading, plain.style)[0].lower() == surname


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # A bare surname before a form of address is read and written as a surname.
        ("曾老师来了。", [("曾", "Zēng"), ("老师", "lǎoshī")]),
        ("单先生和解女士都到了。", [("单", "Shàn"), ("解", "Xiè"), ("女士", "nǚshì")]),
        ("我们请仇教授讲课。", [("仇", "Qiú"), ("教授", "jiàoshòu")]),
        ("朴先生是韩国人。", [("朴", "Piáo")]),
        ("欧阳老师也来了。", [("欧阳", "Ōuyáng"), ("老师", "lǎoshī")]),
        # jieba joins 王先生 into one word; it is written as two (GB/T 16159).
        ("王先生说他去过重庆。", [("王", "Wáng"), ("先生", "xiānsheng")]),
        # A word in front of a noun, not a surname.
        ("我们向老师问好。", [("向", "xiàng"), ("老师", "lǎoshī")]),
        ("连老师都笑了。", [("连", "lián")]),
        ("党书记讲话了。", [("党", "dǎng"), ("书记", "shūji")]),
        ("他曾先后三次访问北京。", [("曾", "céng")]),
        # Forms of address jieba tags as names are common words.
        ("那位老先生笑了。", [("老先生", "lǎoxiānsheng")]),
    ],
)
def test_surnames_before_titles(
    plain: Annotator, sentence: str, words: list[tuple[str, str]]
) -> None:
    assert_words(plain, sentence, words)


def assert_words(annotator: Annotator, sentence: str, words: list[tuple[str, str]]) -> None:
    """Each (word, reading) is a word of the sentence, read so; the words join back to it."""
    read = annotator.words(sentence)
    assert "".join(w.text for w in read) == sentence
    found = {w.text: written(w.reading, annotator.style) for w in read}
    for text, pinyin in words:
        assert found.get(text) == pinyin, (text, found)


@pytest.mark.parametrize(
    ("sentence", "index", "expected"),
    [
        ("他曾经来过这里。", 1, "céng"),
        ("单位里的人都来了。", 0, "dān"),
        ("他心里充满仇恨。", 5, "chóu"),
        ("他生活朴素。", 3, "pǔ"),
        ("问题解决了。", 2, "jiě"),
        ("死后其头颅被送至柏林。", 8, "bó"),  # a place jieba tags as a person
    ],
)
def test_surname_characters_elsewhere(
    plain: Annotator, sentence: str, index: int, expected: str
) -> None:
    assert syllable(plain, sentence, index) == expected


ONE_AND_NOT = (
    "一个，一次，一件，一位，一样，一定，一天，一年，一起，一般。不到，不是，不会，不好，不来。"
)
# (index in ONE_AND_NOT, dictionary tone, spoken tone): 一 → yí before a 4th tone, yì before
# the others; 不 → bú before a 4th tone. pypinyin's phrase dictionary writes some of these
# words with the change (一个 yí, 不到 bú) and some without: both must come out the same.
ONE_AND_NOT_EXPECTED = [
    (0, "yī", "yí"),
    (3, "yī", "yí"),
    (6, "yī", "yí"),
    (9, "yī", "yí"),
    (12, "yī", "yí"),
    (15, "yī", "yí"),
    (18, "yī", "yì"),
    (21, "yī", "yì"),
    (24, "yī", "yì"),
    (27, "yī", "yì"),
    (30, "bù", "bú"),
    (33, "bù", "bú"),
    (36, "bù", "bú"),
    (39, "bù", "bù"),
    (42, "bù", "bù"),
]


@pytest.mark.parametrize(("index", "dictionary", "spoken_tone"), ONE_AND_NOT_EXPECTED)
def test_one_and_not(
    plain: Annotator, spoken: Annotator, index: int, dictionary: str, spoken_tone: str
) -> None:
    assert ONE_AND_NOT[index] in "一不"
    assert syllable(plain, ONE_AND_NOT, index) == dictionary
    assert syllable(spoken, ONE_AND_NOT, index) == spoken_tone


@pytest.mark.parametrize(
    ("sentence", "index", "dictionary", "spoken_tone"),
    [
        ("我们要进一步努力。", 4, "yī", "yí"),  # inside a dictionary phrase (jìn yí bù)
        ("这是唯一的办法。", 3, "yī", "yī"),  # the end of a word
        ("第一次来。", 1, "yī", "yī"),  # ordinal
        ("他有十一个苹果。", 3, "yī", "yī"),  # a number read out
        ("一九四九年。", 0, "yī", "yī"),
        ("一月一日是元旦。", 0, "yī", "yī"),  # a date
        ("一月一日是元旦。", 2, "yī", "yī"),
        ("他们坚持统一战线。", 5, "yī", "yī"),  # 统一 inside a longer word
        ("我有一百个。", 2, "yī", "yì"),
        ("我不。", 1, "bù", "bù"),  # last before punctuation
        ("对不起。", 1, "bu", "bu"),  # a neutral tone stays neutral
        ("你好。", 0, "nǐ", "nǐ"),  # third-tone sandhi is not written
    ],
)
def test_tone_changes_in_context(
    plain: Annotator,
    spoken: Annotator,
    sentence: str,
    index: int,
    dictionary: str,
    spoken_tone: str,
) -> None:
    assert syllable(plain, sentence, index) == dictionary
    assert syllable(spoken, sentence, index) == spoken_tone


def test_same_word_same_context_same_reading(plain: Annotator, spoken: Annotator) -> None:
    sentences = ("我买了一个苹果。", "他说了一个故事。", "一个人也没有。", "重庆市很大。")
    article = Article(
        source="t",
        paragraphs=tuple(Paragraph(kind="text", sentences=(s,)) for s in sentences * 3),
    )
    for annotator in (plain, spoken):
        annotated = annotator.annotate(article)
        read = [p.sentences[0].words for p in annotated.paragraphs]
        # Each sentence reads the same wherever it stands and however it is batched.
        for i, sentence in enumerate(sentences):
            assert read[i] == read[i + len(sentences)] == read[i + 2 * len(sentences)]
            assert read[i] == annotator.words(sentence)
        ones = {w.reading for words in read for w in words if w.text == "一"}
        assert len(ones) == 1


def test_sandhi_functions_directly() -> None:
    text = "一个不是一"
    readings: list[str | None] = ["yi2", "ge4", "bu2", "shi4", "yi4"]
    dictionary_tones(text, readings)
    assert readings == ["yi1", "ge4", "bu4", "shi4", "yi1"]
    apply_sandhi(text, readings, keep=(), underlying_tone=lambda i: 4)
    assert readings == ["yi2", "ge4", "bu2", "shi4", "yi1"]


@pytest.mark.parametrize(
    ("phrase", "cedict", "model", "sure", "expected", "unsure"),
    [
        ("liao3", ("liao3",), "le5", 1.0, "liao3", False),  # two dictionaries agree: they win
        ("zhang3", (), "chang2", 0.9, "zhang3", False),  # one dictionary, model not sure
        ("zhang3", (), "chang2", 0.999, "chang2", True),  # one dictionary, model sure
        ("fu5", (), "fu1", 1.0, "fu5", False),  # a neutral tone is not a conflict
        (None, ("kong1", "kong4"), "kong4", 0.95, "kong4", False),  # CEDICT lists both
        ("kong4", ("kong1", "kong4"), "kong1", 0.95, "kong4", False),  # pypinyin backs one
        ("kong4", ("kong1", "kong4"), "kong1", 0.999, "kong1", True),  # the model is sure
        ("pian2", ("bian4", "pian2"), "pian2", 0.6, "pian2", False),  # pypinyin backs it
        (None, ("bian4", "pian2"), "pian2", 0.6, "pian2", True),  # nothing backs it
        ("jue2", ("jiao3",), "jiao3", 0.6, "jiao3", True),  # dictionaries disagree
        # The model alone is always worth a look; the annotator flags it only where it
        # differs from the character's usual reading (see test_model_alone_flags_rare_readings).
        (None, (), "de2", 0.5, "de2", True),
        (None, (), "de2", 0.99, "de2", True),
    ],
)
def test_vote(
    phrase: str | None,
    cedict: tuple[str, ...],
    model: str,
    sure: float,
    expected: str,
    unsure: bool,
) -> None:
    assert _vote(phrase, cedict, Guess(model, sure)) == (expected, unsure)


def test_names_keep_their_dictionary_reading() -> None:
    assert _vote(None, ("hua4",), Guess("hua2", 1.0), firm=True) == ("hua4", False)


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # Traditional text is segmented and read in simplified characters, shown as written.
        ("臺灣的銀行業很發達。", [("臺灣", "Táiwān"), ("銀行業", "yínhángyè"), ("發達", "fādá")]),
        ("我們覺得這個問題很重要。", [("覺得", "juéde"), ("問題", "wèntí")]),
        ("曾國藩是晚清重臣。", [("曾國藩", "Zēng Guófān")]),
        ("他們去了重慶。", [("重慶", "Chóngqìng")]),
        # Simplified text keeps its own characters, even ones the converter would change.
        ("蒜薹炒肉很好吃。", [("蒜薹", "suàntái")]),
    ],
)
def test_traditional_characters(
    plain: Annotator, sentence: str, words: list[tuple[str, str]]
) -> None:
    assert_words(plain, sentence, words)


def test_overrides_and_user_words_in_traditional_text(tmp_path: Path, cache: Path) -> None:
    overrides = write(tmp_path, "readings.toml", '"銀行" = "yin2 xing2"\n"问题" = "wen4 ti5"\n')
    user = write(tmp_path, "user.txt", "楊瀾浩 10 nr\n")
    annotator = Annotator(cache_dir=cache, overrides=overrides, user_dict=user)
    sentence = "楊瀾浩說銀行的問題很多。"
    found = {w.text: written(w.reading, annotator.style) for w in annotator.words(sentence)}
    assert found["楊瀾浩"] == "Yáng Lánhào"  # the user's word, written in either script
    assert found["銀行"] == "yínxíng"  # an override written as the text is
    assert found["問題"] == "wènti"  # an override written in simplified characters


class _UnsureModel:
    """A context model that reads every 处 one way with the given probability."""

    def __init__(self, reading: str, probability: float) -> None:
        self.reading = reading
        self.probability = probability

    def is_polyphone(self, char: str) -> bool:
        return char == "处"

    def predict(self, queries: object) -> list[list[Guess]]:
        return [[Guess(self.reading, self.probability) for _ in p] for _, p in queries]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("reading", "probability", "flagged"),
    [
        # The model alone reads 处 against its usual reading (chù): worth a look, however
        # sure it is (g2pM is as sure of 塞进 sài as of 要塞).
        ("chu3", 0.55, True),
        ("chu3", 0.99, True),
        # The model alone lands on the usual reading: nothing to check.
        ("chu4", 0.55, False),
    ],
)
def test_uncertain_flag(cache: Path, reading: str, probability: float, flagged: bool) -> None:
    annotator = Annotator(cache_dir=cache, style="numbers")
    annotator.resources._model = _UnsureModel(reading, probability)  # type: ignore[assignment]
    words = {w.text: w for w in annotator.words("他处。")}
    assert written(words["处"].reading, annotator.style) == reading
    assert words["处"].uncertain is flagged
    assert not words["他"].uncertain


def test_context_model_matches_g2pm() -> None:
    """Our batched numpy inference gives g2pM's own answers, and batches don't change them."""
    from g2pM import G2pM

    reference = G2pM()
    model = ContextModel.load()
    sentences = ["他住在重庆市。", "我们去银行取钱，行不行？", "这条路很长，孩子长大了。"]
    queries = [(s, [i for i, c in enumerate(s) if model.is_polyphone(c)]) for s in sentences]
    together = model.predict(queries)
    for (sentence, positions), guesses in zip(queries, together, strict=True):
        alone = model.predict([(sentence, positions)])[0]
        assert [g.reading for g in guesses] == [g.reading for g in alone]
        assert [g.probability for g in guesses] == pytest.approx(
            [g.probability for g in alone], abs=1e-5
        )
        expected = reference(sentence, char_split=True)
        for position, guess in zip(positions, guesses, strict=True):
            assert 0.0 < guess.probability <= 1.0
            assert guess.reading in model.readings(sentence[position])
            assert guess.reading == expected[position].replace("u:", "ü")


def test_lexicon_reads_cedict() -> None:
    lexicon = Lexicon.load()
    assert len(lexicon) > 50_000
    assert lexicon.reading("朋友") == (("peng2",), ("you5",))
    assert lexicon.reading("不存在的词语") is None


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


OVERRIDES_TOML = """
# word = reading
"重庆" = "zhòng qìng"
"银行" = "yin2 xing2"
"绿" = "lv4"
"一个" = "yí gè"
"""
OVERRIDES_TSV = "# word<TAB>reading\n重庆\tzhòng qìng\n银行\tyin2 xing2\n绿\tlu:4\n一个\tyí gè\n"


@pytest.mark.parametrize(("name", "text"), [("o.toml", OVERRIDES_TOML), ("o.tsv", OVERRIDES_TSV)])
def test_overrides_win(tmp_path: Path, cache: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)
    assert load_overrides(path)["银行"] == ("yin2", "xing2")
    annotator = Annotator(cache_dir=cache, overrides=path)
    assert syllable(annotator, "他住在重庆市。", 3) == "zhòng"  # inside a longer word
    assert reading(annotator, "我去银行取钱。", "银行") == "yínxíng"
    assert syllable(annotator, "绿树成荫。", 0) == "lǜ"
    # Overrides win over tone normalisation and sandhi too.
    assert syllable(annotator, "我买了一个苹果。", 3) == "yí"
    numbers = Annotator(style="numbers", cache_dir=cache, overrides=path)
    assert reading(numbers, "我去银行取钱。", "银行") == "yin2xing2"


@pytest.mark.parametrize(
    ("name", "text", "where", "hint"),
    [
        ("bad.toml", '"银行" = "yin2 hang9"\n', ":1:", "not a pinyin syllable"),
        ("bad.toml", '"银行" = "xx9 hang2"\n', ":1:", "not a pinyin syllable"),
        ("bad.toml", '\n"银行" = "yin2"\n', ":2:", "one syllable per character"),
        ("bad.toml", '"银行" = 2\n', ":1:", "must be a string"),
        ("bad.toml", '# ok\n"银行" = "yin2 hang2\n', ":2:", "not valid TOML"),
        ("bad.toml", '"bank" = "yin2"\n', ":1:", "not a Chinese word"),
        ("bad.tsv", "银行 yin2 hang2\n", ":1:", "one tab"),
        ("bad.tsv", "# ok\n银行\tyín háng\n重庆\tchóng qìng xx\n", ":3:", "one syllable"),
    ],
)
def test_bad_override_files(tmp_path: Path, name: str, text: str, where: str, hint: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as error:
        Annotator(overrides=path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert where in message
    assert hint in message
    assert "\n" not in message


def test_missing_files_name_the_file(tmp_path: Path) -> None:
    for option in ("overrides", "user_dict"):
        with pytest.raises(InputError, match=r"missing\.txt: no such .* file; check the path"):
            Annotator(**{option: tmp_path / "missing.txt"})  # type: ignore[arg-type]


def test_user_dict_keeps_names_whole_and_stays_private(tmp_path: Path, cache: Path) -> None:
    sentence = "来自中国人民大学的杨澜浩表示，回望历史。"
    path = write(tmp_path, "user.txt", "# names\n杨澜浩 10 nr\n回望历史\n")
    assert load_user_dict(path)[0].tag == "nr"
    mine = Annotator(cache_dir=cache, user_dict=path)
    words = [w.text for w in mine.words(sentence)]
    assert "杨澜浩" in words and "回望历史" in words
    assert reading(mine, sentence, "杨澜浩") == "Yáng Lánhào"
    # Another annotator in the same process still uses jieba's own dictionary.
    assert "杨澜浩" not in [w.text for w in Annotator(cache_dir=cache).words(sentence)]


@pytest.mark.parametrize(
    ("text", "hint"),
    [("杨澜浩 10 nr extra\n", "one `word [freq] [tag]` a line"), ("杨澜浩 0 nr\n", "positive")],
)
def test_bad_user_dict(tmp_path: Path, text: str, hint: str) -> None:
    path = write(tmp_path, "user.txt", text)
    with pytest.raises(InputError) as error:
        Annotator(user_dict=path)
    assert str(error.value).startswith(f"{path}:1:")
    assert hint in str(error.value)


LAST_LINE = re.compile(r"^accuracy (\d+\.\d\d) % \((\d+)/(\d+)\)$")


def run_bench(*args: str, script: str = "pinyin_cpp.py") -> list[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return done.stdout.strip().splitlines()


def test_bench_scores_a_tiny_split(tmp_path: Path) -> None:
    # Two readings the annotator must get right and one deliberately wrong gold label.
    write(tmp_path, "dev.sent", "我去银▁行▁取钱。\n孩子▁长▁大了。\n孩子▁长▁大了。\n")
    write(tmp_path, "dev.lb", "hang2\nzhang3\nchang2\n")
    match = LAST_LINE.match(run_bench("--data", str(tmp_path))[-1])
    assert match and match.groups() == ("66.67", "2", "3")


@pytest.mark.skipif(not CPP_DEV.is_dir(), reason="needs ../shared/bench/cpp-dev")
def test_bench_runs_on_cpp_dev() -> None:
    lines = run_bench("--data", str(CPP_DEV), "--limit", "50")
    match = LAST_LINE.match(lines[-1])
    assert match, lines
    accuracy, right, total = float(match[1]), int(match[2]), int(match[3])
    assert total == 50
    assert accuracy == pytest.approx(100 * right / total, abs=0.01)
    assert accuracy >= 90.0


def test_everyday_bench_scores_its_set(tmp_path: Path) -> None:
    # A set of two: one reading reader gets right, one deliberately wrong gold label.
    path = write(
        tmp_path, "set.tsv", "# comment\n我去银行取钱。\t3\thang2\n我去银行取钱。\t3\txing2\n"
    )
    lines = run_bench("--data", str(path), script="pinyin_everyday.py")
    match = LAST_LINE.match(lines[-1])
    assert match and match.groups() == ("50.00", "1", "2"), lines
    assert lines[-2] == "pypinyin 50.00 % (1/2)"
    assert lines[0].startswith("miss\t我去银行取钱。\t行\txing2\treader hang2")


def test_everyday_bench_runs_on_its_own_set() -> None:
    lines = run_bench(script="pinyin_everyday.py")
    match = LAST_LINE.match(lines[-1])
    assert match, lines
    assert int(match[3]) >= 90  # the whole set was read
    assert float(match[1]) >= 75.0
