"""Capitals: names, surnames and forms of address, proper nouns written as GB/T 16159 asks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from reader.annotate.pieces import Piece
from reader.model import Word

if TYPE_CHECKING:
    from reader.annotate.readings import Phrase
    from reader.annotate.resources import Resources

# How polyphonic surnames are read in a person's name (GB/T 16159 and the standard surname
# lists); the common-word reading of each differs (曾经 céng, 单位 dān, 仇恨 chóu …). Left out:
# surnames read two ways (盖 Gài/Gě, 隗 Kuí/Wěi, 燕 Yān/Yàn) and ones jieba mistakes in place
# names (莘庄 Xīnzhuāng).
SURNAME_READINGS: Mapping[str, tuple[str, ...]] = {
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


# Characters of transliterated foreign names that Chinese given names don't use.
TRANSLITERATION = frozenset("尔斯姆夫拉特茨")


# jieba tags for proper nouns: person, place, organisation.
PROPER = frozenset({"nr", "nrfg", "nrt", "ns", "nt"})


PERSON = frozenset({"nr", "nrfg", "nrt"})


# Common words that jieba's dictionary tags as places (新鲜, 长大, 城市 ns …), from a review of its
# most frequent two-character `ns` entries, and forms of address it tags as people (老先生 nr).
NOT_PROPER = frozenset(
    """
    城市 东西 平原 外国 爱国 东北 南北 西北 西南 东南 英雄 朝廷 太阳 哥哥 海洋 太庙 湖泊 大桥 高原
    上市 建国 中南 美丽 山区 江湖 大街 王国 开国 城镇 大都 京城 阿哥 南路 庆典
    深度 山脉 回国 治安 大国 新鲜 古城 海峡 河口 冰川 长度 山水 长大 莫非 普及 商城 内河 古典 阴阳
    江山 高山 大海 山坡 河谷 上马 太平 福利 日志 云集 青春 山河 神圣 新建 中断 河水 都城 关联 海湾
    广义 湖水 大圣 上山 江水 南门 北门 西门 新城 海关 大洋 山峰 内城 石桥 下山 上台 山寨 西洋 契约
    二哥 白马 入口 入市 路桥 金牙 都市 中兴 广布 诸国 重镇 大山 故城 千古 城堡 中道 深山 江河 伦理
    泉水 渡江 城垣 大河 大湖 大江 治国 中和 天黑 法典 池塘 天桥 远东 加盟 登山 密封 上门 黄沙 立马
    海滨 湖区 沿河 中路 江中 山口 山洞 重阳 北洋 莲蓬 黄连 南极 朝阳 安宁 青城 新河 天河 中洲 三中
    四中 长河 明白 阳光 文明 智慧 道德 武功 小姐 和尚 卫星 雷达 荣誉 王朝 陆军 太后 山城 古镇
    老先生 老太太 老大爷 老大妈 老同志 老大夫 老师傅 大师傅 大将军 士大夫 太夫人 少夫人 尊夫人
    诸位先生 千金小姐 空中小姐 公关小姐 官太太 正月 腊月
    """.split()
) | frozenset(  # days of the week, which CC-CEDICT capitalises as English does (周六 Saturday)
    p + d for p in ("周", "星期", "礼拜") for d in "一二三四五六日天"
)


COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门
    """.split()
)


# Forms of address that follow a bare surname: 曾老师 Zēng lǎoshī, 单先生 Shàn xiānsheng. jieba
# leaves such a surname a word of its own and tags it by its common use (曾 d "once").
# Surnames left out of this rule are more often words in front of a noun (向老师问好 "to the
# teacher", 连老师都 "even the teacher", 他任老师多年 "served as a teacher") or the body a
# title belongs to (党书记 "party secretary", 区委员, 师部长).
NOT_BEFORE_TITLE = frozenset("过应任都查向于时连全常尚管边齐成党区师")


# Words that stand before a person and that jieba joins to a surname which follows them
# (和解 "reconcile" in 和解女士, 请仇 in 请仇教授).
BEFORE_PERSON = frozenset("和与跟同及或请向给对找问让叫被把由替帮陪谢")


TITLES = frozenset(
    """
    先生 女士 小姐 太太 夫人 老师 教授 同学 同志 师傅 医生 大夫 博士 院士 律师 记者 老板 经理
    主任 书记 校长 院长 局长 部长 厅长 处长 科长 所长 市长 省长 县长 区长 镇长 村长 总统 总理
    主席 委员 阿姨 大爷 大妈 大叔 大婶 警官 教练 队长 班长 将军 奶奶 爷爷 叔叔 伯伯 婶婶 大哥 大姐
    二哥 三哥 二姐 三姐 大嫂 二嫂 三嫂 嫂子 大娘 大伯 二叔 三叔 四叔 老太太 老先生 老爷 少爷
    护士 司机 掌柜 老板娘 举人 秀才 秘书 助理 工程师 总经理 董事长 导演 厂长 组长 店长 总裁
    """.split()
)


SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝"
)


def titled(pieces: Sequence[Piece]) -> list[Piece]:
    """The pieces, with a surname before a form of address marked as a name (曾老师, 王先生).

    jieba joins some such pairs into one word (王先生 nr); they are split, as GB/T 16159
    writes them (Wáng xiānsheng). So is a surname jieba joined to the word before it (和解女士).
    """
    result: list[Piece] = []
    for i, piece in enumerate(pieces):
        text = piece.text
        for size in (2, 1):
            surname, title = text[:size], text[size:]
            if title in TITLES and is_surname(surname):
                result.append(Piece(surname, "nr", piece.start, titled=True))
                result.append(Piece(title, "n", piece.start + size))
                break
        else:
            following = pieces[i + 1].text if i + 1 < len(pieces) else ""
            if following in TITLES and is_surname(text):
                piece = Piece(text, "nr", piece.start, titled=True)
            elif (
                following in TITLES
                and text[:1] in BEFORE_PERSON
                and is_surname(text[1:])
                and text[0] != text[1:]  # 谢谢阿姨 is thanks, not 谢 + Mrs 谢
            ):
                result.append(Piece(text[:1], "c" if text[0] in "和与及或" else "p", piece.start))
                piece = Piece(text[1:], "nr", piece.start + 1, titled=True)
            result.append(piece)
    return result


def is_surname(text: str) -> bool:
    """Whether a one- or two-character word is a surname that can stand before a title."""
    if len(text) == 2:
        return text in COMPOUND_SURNAMES
    known = text in SURNAMES or text in SURNAME_READINGS
    return len(text) == 1 and known and text not in NOT_BEFORE_TITLE


def capitalise_at(syllables: Sequence[str], starts: Sequence[bool]) -> list[str]:
    """Capitalise the numbered syllables that start a word of a proper noun (`Bei3`, `Da4`)."""
    result = list(syllables)
    for i, start in enumerate(starts):
        if start and i < len(result):
            result[i] = result[i][:1].upper() + result[i][1:]
    return result


def capitalise(word: str, flag: str, syllables: list[str], split_name: bool) -> list[str]:
    """Capitalise a proper noun; a Chinese name's given name too, a word of its own (Lǐ Míng)."""
    result = list(syllables)
    result[0] = result[0][:1].upper() + result[0][1:]
    compound = word[:2] in COMPOUND_SURNAMES and len(word) > 2
    if (
        split_name
        and flag in PERSON
        and 2 <= len(word) <= 4
        and len(result) == len(word)
        and (compound or word[0] in SURNAMES)
    ):
        split = 2 if compound else 1
        if split < len(result):
            result[split] = result[split][:1].upper() + result[split][1:]
    return result


def same_names(sentences: list[tuple[Word, ...]]) -> list[tuple[Word, ...]]:
    """A name written as a name once in a document is written so everywhere in it.

    jieba finds 华老栓 (Huà Lǎoshuān) in one sentence and leaves 老栓 a common word in the
    next; a person's given name after a one-character surname counts as their name too.
    """
    names: dict[str, tuple[str, ...]] = {}
    for words in sentences:
        for word in words:
            if word.pos not in PERSON or len(word.text) < 2 or len(word.reading) != len(word.text):
                continue
            if not word.reading[0][:1].isupper():
                continue
            names.setdefault(word.text, word.reading)
            given = word.reading[1:]
            if len(word.text) == 3 and given[0][:1].isupper():
                names.setdefault(word.text[1:], given)
    if not names:
        return sentences
    result = []
    for words in sentences:
        fixed = []
        for word in words:
            known = names.get(word.text)
            if known is not None and not word.reading[0][:1].isupper():
                word = replace(word, reading=known, pos="nr")
            fixed.append(word)
        result.append(tuple(fixed))
    return result


# Words a title writes small inside it, as English titles do: particles, prepositions,
# conjunctions (《我的父亲》 Wǒ de Fùqīn).
_SMALL_IN_TITLES = ("u", "p", "c", "y", "e")


def works_titled(sentences: list[tuple[Word, ...]]) -> list[tuple[Word, ...]]:
    """The words of a work's title in 《》 capitalised, as GB/T 16159 writes a proper noun
    word by word (《茶馆》 Cháguǎn, 《人民日报》 Rénmín Rìbào); its first word always."""
    result = []
    for words in sentences:
        inside, first = False, False
        fixed = []
        for word in words:
            if not word.reading:
                for mark in word.text:
                    if mark == "《":
                        inside, first = True, True
                    elif mark == "》":
                        inside = False
            elif inside and (first or not word.pos.startswith(_SMALL_IN_TITLES)):
                word = _capitalised(word)
                first = False
            else:
                first = False
            fixed.append(word)
        result.append(tuple(fixed))
    return result


def _capitalised(word: Word) -> Word:
    """The word with its first syllable capitalised, and its first part's."""
    reading = (word.reading[0][:1].upper() + word.reading[0][1:], *word.reading[1:])
    parts = word.parts
    if parts and parts[0].reading:
        parts = (_capitalised(parts[0]), *parts[1:])
    return replace(word, reading=reading, parts=parts)


def surname_reading(
    piece: Piece, phrase: Phrase, cedict: Sequence[tuple[str, ...] | None]
) -> dict[int, str]:
    """The surname's reading at the start of a person's name (曾 Zēng, 单 Shàn)."""
    if piece.titled:
        return dict(enumerate(SURNAME_READINGS.get(piece.text, ())))
    # jieba tags dictionary words (柏林, 朴素) and foreign names (朴茨茅斯) as people too:
    # a word the dictionaries know keeps their reading, and a Chinese name is 2-3
    # characters (4 with a two-character surname).
    if piece.pos not in PERSON or any(phrase.covered) or any(cedict):
        return {}
    for size in (2, 1):
        reading = SURNAME_READINGS.get(piece.text[:size])
        if not reading or not size + 1 <= len(piece.text) <= size + 2:
            continue
        # Transliterated foreign names (朗缪尔, 柏培拉) use characters Chinese given names
        # don't.
        if any(c in TRANSLITERATION for c in piece.text[size:]):
            return {}
        return dict(enumerate(reading))
    return {}


def proper_noun(
    word: str, flag: str, syllables: list[str], resources: Resources, user: bool
) -> list[str]:
    """A word jieba tags as a name, place or organisation, capitalised if it is a proper noun.

    `user`: the word is one of the user's own words, which CC-CEDICT's spelling doesn't decide.
    """
    starts = None if user else resources.proper_starts(word)
    if starts is not None:
        return capitalise_at(syllables, starts) if starts else syllables
    # jieba's FREQ also lists every prefix of its words, with frequency 0 (李明 of 李明星).
    in_dictionary = resources.tokenizer().tokenizer.FREQ.get(word, 0) > 0 and not user
    # jieba's dictionary tags many common two-character words as names or organisations
    # (阿姨, 师傅 nr; 中人 nt): trust those tags only for words it found itself or longer
    # ones, and split a name it found itself or a three-character one (袁崇焕 Yuán Chónghuàn).
    if in_dictionary and len(word) == 2 and flag != "ns":
        return syllables
    if in_dictionary and len(word) == 3 and resources.proper_starts(word[1:]) == ():
        return syllables  # 古建筑 nr: a common word after a surname character
    if flag[:2] in _PLACES_AND_BODIES and len(word) >= _COMPOUND_NAME:
        starts = compound_starts(word, resources)
        if starts is not None:
            # 北京市政府 Běijīng Shìzhèngfǔ; 美术学院, 全班同学: common words jieba took for one
            return capitalise_at(syllables, starts)
    split = not in_dictionary or (len(word) == 3 and flag != "nrt")
    return capitalise(word, flag, syllables, split_name=split)


# Places and organisations (ns, nt) that CC-CEDICT lacks, from this length on, are written
# word by word, each word capitalised (亚洲冬季运动会 Yàzhōu Dōngjì Yùndònghuì).
_PLACES_AND_BODIES = ("ns", "nt")
_COMPOUND_NAME = 4
_LONGEST_PART = 6


def compound_starts(word: str, resources: Resources) -> tuple[bool, ...] | None:
    """Where the words of a proper noun CC-CEDICT lacks start, cut into the fewest words it
    lists: each word capitalised, a proper noun inside as CC-CEDICT writes it (北京市 of
    北京市政府); all False where no word inside is a proper noun (美术学院, 全班同学: common
    words that jieba's tag takes for a name); None where no such cut covers it."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_PART), end - 1):
            before, part = best[start], word[start:end]
            if before is None or part == word or not resources.known(part):
                continue
            if best[end] is None or len(before) + 1 < len(best[end] or ()):
                best[end] = [*before, part]
    parts = best[len(word)]
    if not parts:
        return None
    inner = [resources.proper_starts(part) for part in parts]
    if not any(inner):
        return tuple(False for _ in word)
    starts: list[bool] = []
    for part, found in zip(parts, inner, strict=True):
        starts.extend(found or (True, *([False] * (len(part) - 1))))
    return tuple(starts)
