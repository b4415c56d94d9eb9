"""Annotation stage: jieba segments sentences into words, pypinyin gives each word's reading."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    AnnotatedSentence,
    Article,
    PinyinStyle,
    Word,
)

_HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
_TONE_NUMBER = re.compile(r"([1-5])$")
_VOWEL_START = re.compile(r"^[aoeāáǎàōóǒòēéěè]", re.IGNORECASE)

# Single-character function words whose reading jieba's tag decides (得 ud → de, not dé).
_PARTICLES: Mapping[tuple[str, str], str] = {
    ("得", "ud"): "de5",
    ("的", "uj"): "de5",
    ("地", "uv"): "de5",
    ("了", "ul"): "le5",
    ("着", "uz"): "zhe5",
    ("过", "ug"): "guo5",
}

# Verb + 得 compounds that pypinyin's phrase dictionary reads with a full tone (变得 biàndé):
# in them 得 is the neutral-tone complement marker.
_WORD_READINGS: Mapping[str, tuple[str, ...]] = {
    word: (reading, "de5")
    for word, reading in {
        "变得": "bian4",
        "显得": "xian3",
        "记得": "ji4",
        "懂得": "dong3",
        "使得": "shi3",
        "值得": "zhi2",
        "晓得": "xiao3",
        "舍得": "she3",
        "免得": "mian3",
        "省得": "sheng3",
        "认得": "ren4",
        "觉得": "jue2",
        "落得": "luo4",
        "弄得": "nong4",
        "搞得": "gao3",
    }.items()
}

# jieba tags for proper nouns: person, place, organisation.
_PROPER = frozenset({"nr", "nrfg", "nrt", "ns", "nt"})
_PERSON = frozenset({"nr", "nrfg", "nrt"})
# Common words that jieba's dictionary tags as places (新鲜, 长大, 城市 ns …), from a review of its
# most frequent two-character `ns` entries.
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
    """.split()
)
_COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门
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


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """Where reader keeps its caches: $XDG_CACHE_HOME/reader or ~/.cache/reader."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reader"


@contextmanager
def _quiet_jieba() -> Iterator[None]:
    """Hold back jieba's 'Building prefix dict' chatter, which it logs straight to stderr."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class Annotator:
    """Segments and reads sentences; jieba's dictionary loads on first use."""

    def __init__(self, style: PinyinStyle = "marks", cache_dir: Path | None = None) -> None:
        self.style: PinyinStyle = style
        self.cache_dir = cache_dir
        self._pos: Any = None

    def _tokenizer(self) -> Any:
        """The jieba POS tokenizer, built once; its cache file goes to our cache folder."""
        if self._pos is None:
            # Importing jieba.posseg already builds a POS tokenizer over jieba's default
            # dictionary (a second one costs another second); its cache file goes to our folder.
            import jieba.posseg

            pos = jieba.posseg.dt
            with _quiet_jieba():
                if not pos.tokenizer.initialized:
                    pos.tokenizer.tmp_dir = str(self._writable_cache_dir())
                    pos.tokenizer.initialize()
                self._pos = pos
        return self._pos

    def _writable_cache_dir(self) -> Path:
        """The cache folder if it can be created, else the system temp folder."""
        folder = self.cache_dir or default_cache_dir(os.environ)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            pass
        return Path(tempfile.gettempdir())

    def words(self, sentence: str) -> tuple[Word, ...]:
        """Segment one sentence and read each word; the words join back to the sentence."""
        pieces: list[Word] = []
        for token in self._tokenizer().cut(sentence):
            text, flag = str(token.word), str(token.flag)
            for run in _HAN_RUN.split(text):
                if not run:
                    continue
                if _HAN_RUN.fullmatch(run):
                    pieces.append(self._read(run, flag))
                elif pieces and not pieces[-1].is_chinese:
                    # Latin text, numbers and punctuation stay one plain run.
                    pieces[-1] = Word(text=pieces[-1].text + run, pinyin="", pos="x")
                else:
                    pieces.append(Word(text=run, pinyin="", pos=flag if run == text else "x"))
        return tuple(pieces)

    def _read(self, word: str, flag: str) -> Word:
        """The reading of one all-Han word, in context of the whole word."""
        from pypinyin import Style, lazy_pinyin

        particle = _PARTICLES.get((word, flag))
        fixed = [particle] if particle else _WORD_READINGS.get(word)
        tone3 = (
            list(fixed)
            if fixed
            else lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True)
        )
        tones = tuple(_tone(s) for s in tone3)
        syllables = [self._display(s) for s in tone3]
        if self.style in ("marks", "numbers"):
            for i in range(1, len(syllables)):
                if _VOWEL_START.match(syllables[i]):
                    syllables[i] = "'" + syllables[i]
            if flag in _PROPER and len(word) >= 2 and word not in _NOT_PROPER:
                in_dictionary = word in self._tokenizer().tokenizer.FREQ
                # jieba's dictionary tags many common two-character words as names or
                # organisations (阿姨, 师傅 nr; 中人 nt): trust those tags only for words it
                # found itself or longer ones.
                if not (in_dictionary and len(word) == 2 and flag != "ns"):
                    syllables = _capitalise(word, flag, syllables, split_name=not in_dictionary)
        elif self.style == "zhuyin":
            # Zhuyin is written syllable by syllable, not joined.
            syllables = [s if i == 0 else " " + s for i, s in enumerate(syllables)]
        if self.style == "none":
            syllables = ["" for _ in syllables]
        return Word(
            text=word,
            pinyin="".join(syllables),
            syllables=tuple(syllables),
            tones=tones,
            pos=flag,
        )

    def _display(self, tone3: str) -> str:
        """One numbered syllable in the chosen style."""
        from pypinyin import Style
        from pypinyin.contrib.tone_convert import to_tone
        from pypinyin.style import convert

        if self.style == "numbers":
            return tone3
        marked = str(to_tone(tone3))
        if self.style == "zhuyin":
            return str(convert(marked, Style.BOPOMOFO, True))
        return marked

    def annotate(self, article: Article) -> AnnotatedArticle:
        """Annotate every sentence of an article (code blocks pass through untouched)."""
        paragraphs = []
        for paragraph in article.paragraphs:
            if paragraph.kind == "code":
                sentences = tuple(
                    AnnotatedSentence(text=s, words=(Word(text=s, pinyin="", pos="code"),))
                    for s in paragraph.sentences
                )
            else:
                sentences = tuple(
                    AnnotatedSentence(text=s, words=self.words(s)) for s in paragraph.sentences
                )
            paragraphs.append(
                AnnotatedParagraph(
                    kind=paragraph.kind, sentences=sentences, marker=paragraph.marker
                )
            )
        return AnnotatedArticle(
            source=article.source,
            paragraphs=tuple(paragraphs),
            pinyin_style=self.style,
            part=article.part,
            parts=article.parts,
        )


def _tone(tone3: str) -> int:
    """The tone number of a numbered syllable (5 for neutral)."""
    match = _TONE_NUMBER.search(tone3)
    return int(match.group(1)) if match else 5


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
