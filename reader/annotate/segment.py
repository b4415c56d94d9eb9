"""Word splits: jieba's "words" that are free phrases become the dictionary words they hold.

jieba's dictionary and its HMM join phrases no dictionary lists (很漂亮, 太重, 姓张, 买到,
三只); reading, glossing and levelling them as one word gives a wrong reading (太重
tàichóng), a composed gloss and vocabulary lists of phrases. GB/T 16159 and the dictionaries
write them as words: 很 piàoliang, tài zhòng, xìng Zhāng, sān zhī.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from itertools import takewhile

from reader.annotate.names import NOT_PROPER, PERSON, PROPER
from reader.annotate.pieces import MEASURED, Piece

# Numerals and demonstratives that stand before a measure word, and measure words that jieba
# joins to them (三只, 一场, 十年). GB/T 16159 writes a number and its measure word apart.
_NUMBERS = frozenset("一二两三四五六七八九十百千万几半")
_MEASURES = frozenset(
    "个只条张本件次天年岁位名口家种场双块把辆台部首棵朵匹头间层门封支杯瓶碗斤米元毛角号周趟遍"
    "顿届所座架片滴颗粒根份套篇幅首课分秒步站层楼盒袋包箱瓶顶件句倍度段节批群串束副声对代点阵款"
)
_DIGITS = _NUMBERS | frozenset("零〇百千万亿")
# Numeral words that are words of their own (一下 "a little", 一些, 一切, 一半 …).
_NUMBER_WORDS = frozenset(
    "一下 一些 一点 一会 一切 一半 一共 一致 一番 一样 一起 一道 一块 一度 十分 万分".split()
)
# 一块 and 一道 are "together" before a verb (我们一块去), a number and its measure word
# before a noun (一块蛋糕 yī kuài, 一道菜 yī dào).
_TOGETHER = frozenset({"一块", "一道"})
# Tags of words jieba is sure of as units: idioms, set phrases, places and organisations.
_WHOLE = frozenset({"i", "l", "ns", "nt", "eng", "x"})
_PERSON = frozenset({"nr", "nrfg", "nrt"})
# Particles no name ends in, which jieba runs into one (高高的 nrfg).
_NO_NAME_ENDS = frozenset("的地得了着")
# A potential complement splits: 背不动 bēi bu dòng, 听得懂 (the dictionaries list the common ones).
_INFIXES = frozenset("不得")
# Results and directions that a verb with 不 cannot reach (吃不下, 说不出, 找不到).
_REACHED = frozenset("下出到懂见清完动开起上来去了着住掉走通进回")
RESULTS = frozenset("完好到见懂住掉错成走倒翻死坏差光清透满饱醉哭累破断开上下来去进出回起")
"""One-syllable complements of result and direction, which follow their verb directly (做完,
走到, 带走); GB/T 16159 writes them joined to a one-syllable verb."""
# Such forms that mean more than the verb and its result.
_SET_POTENTIALS = frozenset(
    """
    犯不着 靠不住 想不开 吃不开 合不来 说不来 谈不来 下不来 吃不住 对不住 信不过 说不上 算不了
    瞧不起 看不上 谈不上 算不上 称不上 数不着 禁不住 经不起 了不得 过不去
    """.split()
)
# Demonstratives and 每 before a measure or time word (这种, 那天, 每天, 这位), and the
# pronouns they make that the dictionaries write whole (这个 zhège, 这些, 这样, 那么).
_POINTING = frozenset("这那哪每")
# 每 "every" stands apart from what it counts (GB/T 16159: měi gè, měi tiān); 每每 and 每当
# are words of their own.
_EVERY = "每"
_EVERY_WORDS = frozenset("每当")
_COUNTED = frozenset("种位天次年件本家条张只周月回遍顿场所座句首篇部台辆款份节双套段间门")
_PRONOUNS = frozenset(
    """
    这个 那个 哪个 这些 那些 哪些 这样 那样 这么 那么 这里 那里 哪里 这儿 那儿 哪儿 这会
    那会
    """.split()
)
# One-character verbs, modals and adjectives that 不 negates as a free phrase (不能, 不好);
# words such as 不错, 不用, 不过, 不行 mean more than their parts and stay whole.
_AFTER_BU = frozenset(
    "能会好到是想太去来吃喝看说做买走在敢肯愿该冷热大小多高远快慢贵累饿忙够懂怕知通理"
)
# Money, counted (五毛 wǔ máo, 两块): jieba's dictionary holds some sums as nouns.
_MONEY = frozenset("块毛元")
# Units of time that 半 counts as a number does (半小时 bàn xiǎoshí; 半天 "long" is a word).
_HALF_OF = frozenset({"小时", "分钟", "钟头"})
# Adverbs that jieba's dictionary joins to 有 (总有一天); 还有 "also", 只有 "only if" are words.
_HAVING = frozenset("总也都就才又")
# Aspect 着 after a verb is a word of its own (背 着, as 带 着); after these it is the result
# zháo (睡着 shuìzháo, 找着, 猜着).
_ZHAO_VERBS = frozenset("睡找猜")
# jieba's tags of one-character verbs it holds as nouns or bound forms (指 n, 穿 zg), and the
# words of 着 with such a first character that are no verb and its aspect (照着 "according
# to"; 原着, a variant of 原著).
_BOUND_VERB_TAGS = frozenset({"zg", "n", "q"})
_NOT_ASPECT = frozenset({"照着", "原着"})
# Prepositions of a point of view, before a personal pronoun (在我看来: zài wǒ kànlái).
_VIEWING = frozenset("在依据照对按从")
# Personal pronouns, which no word of a set phrase's is.
_PERSONAL = frozenset("我 你 您 他 她 它 我们 你们 他们 她们 咱们".split())
# The plural suffix stays with its word (孩子们 háizimen).
_PLURAL = frozenset("们")
# Numbers and demonstratives, after which a character is a measure word (三张, 这张).
_COUNTING_WORDS = frozenset("一二两三四五六七八九十百千万几这那哪每半0123456789")
# What jieba runs into a two-character name: 李华家 "Li Hua's home", 小明们, 王丽问 (asks).
_AFTER_NAME = frozenset("家们问说喊答讲")
_SAYING = _AFTER_NAME - frozenset("家们")
# jieba's tags for idioms and set phrases, which it also gives many free phrases.
_SET_PHRASES = frozenset({"i", "l"})
# Aspect particles after a one-character verb (别忘了).
_ASPECT = frozenset("了着过")
# Aspect particles that jieba runs in between a verb and its object (当过兵, 迷了路).
_OBJECT_ASPECTS = frozenset("过了")
# Two words that jieba's dictionary joins and GB/T 16159 writes apart: an adverb and the modal
# verb after it (就要走了 jiù yào zǒu le), two adverbs (再也不 zài yě bù, 早就), and 极 "extremely"
# after an adjective and the particle 了 (好极了 hǎojí le).
_TWO_WORDS = frozenset({"就要", "再也", "早就", "极了"})
# Where one is or goes, and home (在家, 回家): a preposition or verb and its place.
_GOING_HOME = frozenset("在家 回家 到家 离家".split())
# Directions one goes or faces (往前, 朝南), which jieba joins to 往 and 朝 (朝南 "ns").
_WAYS = frozenset("前后左右东南西北")
# 在 and the adverb CC-CEDICT runs into it (在一起 zài yīqǐ).
_AT_TOGETHER = frozenset({"在一起"})
# A surname after 姓 is a name: 姓张 xìng Zhāng.
_SURNAME_VERBS = frozenset({"姓"})
# One-character adverbs that jieba's dictionary runs into the word after them (别着急, 很高兴,
# 都知道); GB/T 16159 writes an adverb apart from its verb or adjective (bié zháojí).
_ADVERBS = frozenset("别很太最挺都也还就再又才更真")
# 只 "only" before a word of its own that no dictionary joins to it (只限 zhǐ xiàn).
_ONLY_ADVERBS = frozenset("只")
# Everyday actions done to a thing, which jieba and CC-CEDICT join to it as one "word" (看书,
# 吃药, 坐船, 付钱, 没电); GB/T 16159 writes a verb apart from its object (kàn shū).
_ACTIONS = frozenset("吃喝看买卖坐骑付订取缺没有找踢洗穿写读听唱煮借拿送寄换刷擦养种搬修")
# The everyday things they are done to (not 手, 头, 子, 气, 心: 拿手, 看头, 养子, 交心); jieba
# tags some of them verbs (树, 花).
THINGS = frozenset("书报信药酒茶水饭菜汤钱票船马球歌鞋脸脚衣碗油电猫狗牛羊猪鸡鱼花树车空")
# 给 and 在 after a verb, to whom or where it goes (还给他 huán gěi tā, 放在桌子上 fàng zài).
_TO = frozenset("给在")
# Such pairs that are words of their own meaning more than the two (洗钱 "to launder money",
# 没药 mòyào "myrrh", 吃水 "a ship's draught", 种猪 zhǒngzhū "a breeding pig", 补给 bǔjǐ
# "supplies").
_LEXICAL = frozenset(
    """
    听信 吃水 洗钱 没药 修水 取信 唱票 坐药 借酒 订书 种猪 种马 种牛 种鸡 种羊 种球 补给 有钱
    配给 进给 仰给 供给 自给
    """.split()
)
# Locatives GB/T 16159 writes apart from the noun before them (huāpén li, zhuō shang) where
# no dictionary lists the two as one word, as it does 心里, 路上, 晚上.
_LOCATIVES = frozenset("里上边")
# Words before a noun that jieba's dictionary joins to it as one person or time (老中医,
# 小姑娘, 本赛季, 上赛季).
_DESCRIBING = frozenset("老小本上下全")
_NAMED_PHRASES = frozenset({"l", "nt"})
_NAMING = frozenset("nbst")  # tags of nouns, noun modifiers, places and times
# A name of four or more syllables is written word by word (tiānqì yùbào, shēngrì kuàilè,
# GB/T 16159 6.1.1.2); shorter ones are one word (lǐfàdiàn).
_LONG_NAME = 4
# Common nouns that jieba's dictionary joins to a place as one name: the place's team, region
# or scenery (北京队, 中国女排, 华北地区, 苏州园林), written as the place and the noun.
_OF_A_PLACE = ("队", "女排", "男排", "女足", "男足", "地区", "园林", "山水")


def split_phrases(
    pieces: Sequence[Piece],
    known: Callable[[str], bool],
    tag: Callable[[str], str | None],
    kept: Collection[str],
    surname: Callable[[str], bool],
    free: Callable[[str], bool],
    basic: Callable[[str], bool],
    proper: Callable[[str], bool],
    action: Callable[[str], bool | None],
) -> list[Piece]:
    """The pieces, with free phrases split into the words they hold.

    `known` says whether a dictionary lists a word, `tag` gives jieba's tag for a word of its
    dictionary, `kept` holds the user's own words (never split), `surname` whether a
    character is a surname, `free` whether a character is an everyday word on its own (很,
    太, 买); a phrase is split only into dictionary words and such characters, so a rare
    word no dictionary lists (朴拙) stays whole; a phrase of single characters only when
    each is `basic` (倒|杯|茶, 被|选|为, but 空包弹). `proper` says whether CC-CEDICT writes
    a word as a proper noun (日本, 中华). `action` says whether CC-CEDICT names an action
    first for a word (学 "to learn"; None if it does not list it), for doubled verbs jieba
    tags as nouns.
    """

    # 小马 "colt" is a word CC-CEDICT defines; 小王 only a name (the HSK list holds it)
    def listed(word: str) -> bool:
        return action(word) is not None

    result: list[Piece] = []
    for piece in pieces:
        familiar = [] if piece.text in kept else _familiar(piece, surname, listed)
        if familiar:
            result.extend(familiar)
            continue
        parts = _split(piece, known, kept, free, basic, tag, surname, proper)
        if len(parts) == 1:
            result.append(piece)
            continue
        offset = piece.start
        # A number and its measure word keep their own readings (两个 liǎng gè, not pypinyin's
        # light ge); other parts are read as the word they were cut from.
        source = None if piece.pos[:1] == "m" else (piece.start, piece.start + len(piece.text))
        for index, part in enumerate(parts):
            found = tag(part) or ("m" if all(c in _NUMBERS for c in part) else piece.pos)
            after_number = index > 0 and _number(parts[index - 1])
            one_before = index == 1 and len(parts[0]) == 1 and piece.pos[:1] == "n"
            if after_number and part in _MEASURES:
                found = "q"  # 五|毛: a measure word, not the surname jieba's tag says
            elif (
                found[:1] == "u"
                and (index == 0 or after_number or one_before)
                and not _how_done(result)
            ):
                # A particle follows a word: 地 opening 地里, after 两 or after one character
                # of jieba's noun (新|地王, 雪|地) is the noun dì; but after 一遍一遍 it marks
                # how the verb is done (一遍一遍地|数).
                found = piece.pos if piece.pos[:1] != "u" else "n"
            elif found[:2] == "nr" and len(part) == 1:
                found = "n"  # 鸟|毛: one character cut from a word is no surname
            elif index == 0 and ((len(parts) == 2 and parts[1] in _TO) or _aspect_between(parts)):
                found = "v"  # 还|给, 当|过|兵: a verb (还 huán, not hái; 当 dāng, not a time)
            elif index == 0 and piece.pos[:1] == "v" and len(parts) == 2 and parts[1] in "来去":
                found = "v"  # 飞|来 of the verb 飞来: a verb, whatever jieba's tag of 飞 says
            # 不 cut from 吃不下 is read as 不 alone (chī bù xià), as in forms no dictionary
            # lists (睡 不 着), not light as inside CC-CEDICT's word.
            word = Piece(part, found, offset, source=None if part == "不" else source)
            result.extend(_familiar(word, surname, listed) or [word])  # 小王刚 → 小 王 刚
            offset += len(part)
    named = _familiar_names(_name_after_xing(_whole_names(result, surname), surname), surname)
    named = _as_for(_weekdays(_rejoined(_name_after_jiao(named, known))))
    named = _big_and_small(_common_places(_people_mostly(named, known)))
    named = _doubled_verbs(_times_of_day(named, free), known, tag, action)
    named = _bound_rejoined(named, known)
    for cut in (
        _correlative(named, known),
        _more_than,
        _one_incident(named),
        _all_of(free, action),
        _towards,
        _measured(known, tag),
        _only_then,
        _still_has,
        _really_is,
        _aspect_particle(tag),
        _one_piece,
        _only_takes,
        _ba_object(tag),
        _won_prize,
        _much_more,
        _superlative,
        _ten_points,
        _complement_marker,
        _verb_then_de(known),
        _flowed,
        _someones_words(named),
        _as_soon_as(named, tag),
        _newly_done(tag),
        _either_or,
        _which_way(tag),
        _once_then(named),
        _until(named),
    ):
        named = _split_where(named, cut)
    return named


def _how_done(pieces: Sequence[Piece]) -> bool:
    """Whether the pieces end in how something is done, which 地 marks: a counted word said
    twice (一遍一遍), a word doubled (慢慢), an adverb or an adjective."""
    texts = [p.text for p in pieces[-4:]]
    if len(texts) == 4 and texts[0] == texts[2] == "一" and texts[1] == texts[3]:
        return True
    last = pieces[-1] if pieces else None
    if last is None:
        return False
    doubled = _reduplicated(last.text)  # 慢慢, 高高兴兴
    described = last.pos in ("a", "ad") and len(last.text) > 1  # 高兴地; not 新|地王
    return doubled or described or last.pos in ("d", "z")


def _aspect_between(parts: Sequence[str]) -> bool:
    """Whether the parts are a verb, an aspect particle and the verb's object (当|过|兵)."""
    return len(parts) == 3 and parts[1] in _OBJECT_ASPECTS and len(parts[0]) == 1


def _split(
    piece: Piece,
    known: Callable[[str], bool],
    kept: Collection[str],
    free: Callable[[str], bool],
    basic: Callable[[str], bool],
    tag: Callable[[str], str | None],
    surname: Callable[[str], bool],
    proper: Callable[[str], bool],
) -> list[str]:
    """The words a piece is made of: itself, unless it is a free phrase."""
    text = piece.text
    if not piece.han or len(text) < 2 or text in kept:
        return [text]
    adverb = _adverb_first(text, known, free) or _transparent(text) or _pair(piece, known, tag)
    if adverb:
        return adverb
    between = (
        _one_between(text, known, free)
        or _cannot_reach(text, known, free, tag)
        or _no_name(piece, known, free, tag, proper)
        or _verb_and_result(piece, known, tag)
        or _verb_aspect(piece, tag, free)
        or _with_pronoun(piece, known, free)
        or _verb_thing(piece, known, free, tag)
        or _measuring(text)
    )
    if between:
        return between
    # jieba tags many free phrases as idioms or set phrases (每天晚上, 多喝水): trust the tag
    # for words a dictionary lists.
    if piece.pos in _WHOLE and (known(text) or piece.pos not in _SET_PHRASES):
        return [text]
    counted = _counted(piece, known)
    if counted:
        return counted
    if len(text) == 3 and text[0] == text[2] and text[1] in "一了" and free(text[0]):
        return list(text)  # 试一试 shì yi shì, 看了看: GB/T 16159 writes A一A apart
    if _reduplicated(text) or text[-1] in _PLURAL:
        return [text]
    if len(text) == 3 and text[0] == text[1] and known(text[1:]):
        return [text[:2], text[2]]  # 聊聊天 liáoliao tiān: the verb doubled, then its object
    if known(text):
        return _verb_object(text, free, tag) or _long_name(text, piece.pos, known, free)
    # A name (李明): no common word stands at its start; but an adverb and its word or a verb
    # and its object, with no surname first, are what jieba took for a name (太贵, 喝咖啡).
    if (
        piece.pos in _PERSON
        and not any(known(text[:n]) for n in range(2, len(text)))
        and not _phrase_not_name(_cut(text, known, free), free, tag, surname(text[0]))
    ):
        return [text]
    if len(text) == 3 and text[1] in _INFIXES and all(free(c) for c in text):
        return list(text)
    return _free_phrase(piece, known, free, basic)


def _measuring(text: str) -> list[str]:
    """量 liáng "to measure" and what it measures apart (量 体温, 量 体重), which CC-CEDICT
    lists as words and jieba tags as nouns or set phrases, or []."""
    return [text[0], text[1:]] if text[0] == "量" and text[1:] in MEASURED else []


def _verb_and_result(
    piece: Piece, known: Callable[[str], bool], tag: Callable[[str], str | None]
) -> list[str]:
    """A verb and its complement that no dictionary lists (盛好, 摆满) as its two words, or [];
    pinyin writes them as one again (`orthography.join_words`), each glossed on its own."""
    text = piece.text
    if len(text) != 2 or text[0] == text[1]:
        return []  # 走走: a verb doubled is one word
    verb = (tag(text[0]) or "")[:1] == "v"  # 笼上, 现出: jieba's verb is no verb alone
    if verb and piece.pos[:1] == "v" and text[1] in RESULTS and not known(text):
        return list(text)
    return []


def _no_name(
    piece: Piece,
    known: Callable[[str], bool],
    free: Callable[[str], bool],
    tag: Callable[[str], str | None],
    proper: Callable[[str], bool],
) -> list[str]:
    """Common words that jieba's dictionary joins, often tagged as a name, a place or a body,
    and no dictionary lists, apart, or []: a noun and the locative after it (花盆里 huāpén li,
    桌上), a word describing a common noun that names a person or a time (老中医 lǎo
    zhōngyī, 小姑娘, 本赛季; not a form of address, 老先生), and words of two characters or
    more with no proper noun among them (美术学院 měishù xuéyuàn, 全班同学, 新鲜空气); and the
    long set phrases and bodies that CC-CEDICT lists but no learners' list does, word by word
    as other long names (世界各地 shìjiè gèdì, 公共交通, 人民政府)."""
    text = piece.text
    if piece.pos in _PERSON and len(text) > 2 and text[-1] in _NO_NAME_ENDS:
        return [text[:-1], text[-1]]  # 高高的: jieba's name, the word doubled and 的
    if piece.pos in _NAMED_PHRASES and known(text) and not proper(text):
        parts = _long_name(text, "n", known, free)
        # a set phrase only of learners' words, a noun and what it names or does (世界各地,
        # 生日快乐); 无关紧要, 通俗易懂 are idioms, 好久不见, 欢迎光临 greetings: one word each
        named = (tag(parts[0]) or "")[:1] in _NAMING
        plain = piece.pos != "l" or (named and all(map(free, parts)))
        return parts if len(parts) > 1 and plain else []
    if known(text) or len(text) < 2:
        return []
    noun = text[:-1]
    noun_tag = tag(noun) or ""
    common = noun_tag[:1] == "n" and noun_tag not in PROPER and not proper(noun)
    if text[-1] in _LOCATIVES and common:  # not 陈里, a name
        return [noun, text[-1]] if known(noun) or free(noun) else []
    rest = text[1:]
    if (
        piece.pos[:2] == "nr"
        and len(text) == 3
        and text[0] in _DESCRIBING
        and text not in NOT_PROPER
    ):
        return [text[0], rest] if known(rest) and not proper(rest) else []
    if piece.pos in PROPER - PERSON:  # a place or a body
        for noun_of in _OF_A_PLACE:
            head = text.removesuffix(noun_of)
            if head != text and len(head) > 1 and proper(head):
                return [head, noun_of]  # 北京 队 Běijīng duì, 华北 地区: a place and its team
        parts = _long_name(text, "n", known, free)
        if len(parts) > 1 and not any(map(proper, parts)):
            return parts
        parts = _cut(text, known, free)
        done = (tag(parts[0]) or "")[:1] == "v" or parts[-1] == "时"
        if len(parts) > 1 and done and not proper(text):
            return parts  # 回城, 上车时: what is done and when, no place jieba's tag says
    return []


def _one_between(text: str, known: Callable[[str], bool], free: Callable[[str], bool]) -> list[str]:
    """一 and a measure word apart from their noun (一棵树 is a tree, whatever place jieba's
    tag says; 五棵松, 三里屯 are places), and a verb and its object with 一 or an aspect
    particle between (睡一觉 shuì yī jiào, 当过兵 dāng guo bīng, 迷了路), or []."""
    if len(text) == 3 and text[1] == "一" and free(text[0]) and known(text[0] + text[2]):
        return [] if known(text) else list(text)  # 进一步 "further" is a word
    done = len(text) == 3 and text[1] in _OBJECT_ASPECTS and text[2] not in "来去"
    if done and free(text[0]) and known(text[0] + text[2]):
        return list(text)
    doubled = text[2:] == text[1:2]  # 一天天, 一阵阵 "day by day", "gust after gust": whole
    one_of = text[:1] == "一" and text[1:2] in _MEASURES and not known(text) and not doubled
    if one_of and len(text) > 2 and (known(text[2:]) or free(text[2:])):
        return [text[0], text[1], text[2:]]
    return []


def _cannot_reach(
    text: str,
    known: Callable[[str], bool],
    free: Callable[[str], bool],
    tag: Callable[[str], str | None],
) -> list[str]:
    """A verb, 不 and the result it cannot reach, which CC-CEDICT lists and the learners'
    lists don't (吃不下 chī bu xià, 说不出, 听不懂), apart as the ones it lacks are (背不动), or
    []; those that mean more than the three (看不起, 对不起 in the lists; 靠不住, 想不开) whole."""
    if len(text) != 3 or text[1] != "不" or text[2] not in _REACHED or free(text):
        return []
    if not known(text):
        return []  # one the dictionaries lack is split as a free phrase is
    verb = (tag(text[0]) or "").startswith("v") and free(text[0])
    return list(text) if verb and text not in _SET_POTENTIALS else []


def _free_phrase(
    piece: Piece,
    known: Callable[[str], bool],
    free: Callable[[str], bool],
    basic: Callable[[str], bool],
) -> list[str]:
    """A word no dictionary lists, as the dictionary words it is made of; itself when those
    would be rare single characters or, for what jieba calls an idiom, not learners' words."""
    text = piece.text
    if len(text) == 2 and text[1] in _TO and known(text[0]):
        return [text[0], text[1]]  # 趴在 pā zài: a verb, then where (no learner's word)
    parts = _cut(text, known, free)
    if any(len(p) == 1 and not free(p) for p in parts):
        return [text]
    plain = _plainly_words(parts, free) or (piece.pos == "l" and _known_words(parts, known, free))
    if piece.pos in _SET_PHRASES and not plain:
        return [text]  # 在劫难逃: an idiom the dictionaries lack, not learners' words
    if len(text) > 2 and all(len(p) == 1 for p in parts) and not all(basic(p) for p in parts):
        return [text]  # 空包弹, 新地王: no dictionary word inside, rarer characters
    return [
        word
        for part in parts
        for word in (_transparent(part) or _number_measure(part, known) or [part])
    ]


def _counted(piece: Piece, known: Callable[[str], bool]) -> list[str]:
    """A number or an ordinal whole (三十八, 第二十五), a number or an ordinal and its measure
    word apart (三|只, 第一|次, 第二|天), or [] for anything else."""
    text = piece.text
    digits = text.removeprefix("第")
    if _number(digits):
        return [text]
    if len(text) > 1 and text[-1] in _MONEY and _number(text[:-1]) and text not in _NUMBER_WORDS:
        return [text[:-1], text[-1]]  # 五毛 wǔ máo, 两块: a sum, whatever tag jieba gives it
    if len(digits) < len(text) or piece.pos[:1] == "m":
        count = len(text) - len(text.lstrip("".join(_DIGITS)))
        counted = known(text[count:]) or _reduplicated(text[count:])  # 一 阵阵
        if 0 < count < len(text) - 1 and counted and not known(text):
            return [text[:count], text[count:]]  # 十|分钟, 二十|分钟: a number and its noun
        return _number_measure(text, known)
    return []


def _number_measure(text: str, known: Callable[[str], bool]) -> list[str]:
    """A number (or an ordinal) and the measure word after it apart, as GB/T 16159 writes
    them (三倍 sān bèi, 半个 bàn gè, 五毛 wǔ máo), or []; words such as 一些, 十分 "very" and
    半天 "a long time" stay whole."""
    digits = text.removeprefix("第")[:-1]
    if text in _NUMBER_WORDS or text[-1] not in _MEASURES or not digits:
        return []
    if not _number(digits):
        return []
    if text[0] == "半" and text[-1] not in "个年" and known(text):
        return []
    return [text[:-1], text[-1]]


def _phrase_not_name(
    parts: Sequence[str],
    free: Callable[[str], bool],
    tag: Callable[[str], str | None],
    surname: bool,
) -> bool:
    """Whether words that jieba tagged a name are a phrase: learners' words that make an
    adverb and its word (太贵) or a verb and its object (喝咖啡), with no surname first, or
    a one-character verb and a two-character thing even after a surname (戴眼镜, no given
    name being a common noun's whole); or a noun (冷风) and a one-character verb after it
    (吹), which no given name ends in."""
    tags = [(tag(p) or "")[:1] for p in parts]
    first, last = tags[0], tags[-1]
    three = sum(map(len, parts)) == 3 and len(parts[-1]) == 1
    if three and last == "v" and all(map(free, parts)) and tags[:-1] in (["n"], ["a", "n"]):
        return True  # 冷风|吹: cold wind blows
    if len(parts) == 2 and len(parts[1]) > 1 and tags == ["v", "n"] and all(map(free, parts)):
        return True  # 戴|眼镜: a verb that is also a surname, and a thing as its object
    if surname or len(parts) < 2 or not all(free(p) for p in parts):
        return False
    return first == "d" or (first == "v" and last == "n")


def _plainly_words(parts: Sequence[str], free: Callable[[str], bool]) -> bool:
    """Whether what jieba calls an idiom is plainly a phrase of words: learners' words all
    (多喝水, 每天晚上), or two dictionary words of two characters or more (深入基层)."""
    return all(free(p) for p in parts) or (len(parts) == 2 and all(len(p) > 1 for p in parts))


def _known_words(
    parts: Sequence[str], known: Callable[[str], bool], free: Callable[[str], bool]
) -> bool:
    """Whether a set phrase no dictionary lists is dictionary words and learners' characters
    (吃完饭: 吃完 fàn), not rare characters of an idiom (在劫难逃)."""
    return len(parts) > 1 and all(free(p) or (len(p) > 1 and known(p)) for p in parts)


def _transparent(text: str) -> list[str]:
    """Phrases CC-CEDICT lists as words that GB/T 16159 writes apart, or []: a demonstrative
    and its measure or time word (see `_pointing`), 每 and what it counts, and 不 before a
    one-character verb or adjective (不能 bù néng, 不好 bù hǎo, 不太好 bù tài hǎo)."""
    pointing = _pointing(text)
    if pointing:
        return pointing
    if len(text) in (2, 3) and text[0] == _EVERY and text[1] not in _EVERY_WORDS:
        return [text[0], text[1:]]  # 每隔 měi gé, 每周三 měi zhōusān
    if len(text) == 3 and text[:2] == "不太":
        return list(text)
    if len(text) == 3 and text[0] == "半" and text[1:] in _HALF_OF:
        return [text[0], text[1:]]  # 半小时 bàn xiǎoshí: a number and its noun
    if text in _TWO_WORDS or (len(text) == 2 and text[0] in _HAVING and text[1] == "有"):
        return [text[0], text[1]]  # 就要 jiù yào, 再也; 总有一天 zǒng yǒu (还有: `_still_has`)
    if len(text) == 2 and text[0] == "不" and text[1] in _AFTER_BU:
        return [text[0], text[1]]
    if len(text) == 3 and text[0] == text[2] and text[1] == "不":
        return list(text)  # 是不是 shì bù shì: a question, yes or no
    if len(text) == 2 and (text in _GOING_HOME or (text[0] in "往朝" and text[1] in _WAYS)):
        return [text[0], text[1]]  # 在家 zài jiā, 往前 wǎng qián, 朝南 cháo nán
    if text in _AT_TOGETHER:
        return [text[0], text[1:]]  # 住在一起: zài yīqǐ
    return []


def _pointing(text: str) -> list[str]:
    """A demonstrative, 上 or 下 apart from the measure or time word after it (这种 zhè
    zhǒng, 那天, 下个月 xià gè yuè, 下星期 xià xīngqī, 这时候 zhè shíhou), or []."""
    if len(text) == 2 and text[0] in _POINTING and text[1] in _COUNTED and text not in _PRONOUNS:
        return [text[0], text[1]]
    if len(text) == 3 and text[0] in "上下" and text[1] == "个" and text[2] in "月周":
        return list(text)
    if len(text) == 4 and text[:2] in ("上个", "下个") and text[2:] == "星期":
        return [text[0], text[1], text[2:]]
    if len(text) == 3 and text[0] in "上下" and text[1:] in ("星期", "周末"):
        return [text[0], text[1:]]  # 上星期, 上周末: last, and the week or its end
    if len(text) == 3 and text[0] in "这那" and text[1:] == "时候":
        return [text[0], text[1:]]
    return []


def _adverb_first(
    text: str, known: Callable[[str], bool], free: Callable[[str], bool]
) -> list[str]:
    """An adverb apart from the word after it, the whole no learner's word (别着急 → 别 着急,
    很高兴, 别忘了 → 别 忘 了), or []."""
    if len(text) == 3 and text[2] in "不没" and free(text[:2]) and not free(text):
        return [text[:2], text[2]]  # 从来不 cónglái bù, 好久没: the adverb, then the negation
    if len(text) == 2 and text[0] in _ONLY_ADVERBS and known(text[1]) and not known(text):
        return [text[0], text[1]]  # 只限 zhǐ xiàn: "only" and the word no dictionary joins to it
    if len(text) == 2 and text[0] in _ADVERBS and free(text[1]) and not known(text):
        return [text[0], text[1]]  # 太旧 tài jiù, 别吵: words jieba's dictionary joins
    if len(text) != 3 or text[0] not in _ADVERBS or free(text):
        return []
    if known(text[1:]):
        return [text[0], text[1:]]
    if free(text[1]) and text[2] in _ASPECT:
        return list(text)
    return []


def _verb_object(
    text: str, free: Callable[[str], bool], tag: Callable[[str], str | None]
) -> list[str]:
    """A verb and its object or its receiver that CC-CEDICT lists as one entry apart, as GB/T
    16159 writes them, or []: a one-character verb before a noun learners know on its own
    (买东西 mǎi dōngxi, 发脾气, 回老家, 量体温), an everyday action and an everyday thing (看书 kàn
    shū, 吃药, 种花: not 表哥, 卖力, 停课, whose first character is no action done to the
    second), a verb and 给 "to" or 在 "at" (还给 huán gěi, 放在 fàng zài); never a word of the
    learners' lists (打电话, 出租车, 睡觉, 交给, 现在)."""
    if len(text) not in (2, 3) or free(text) or not free(text[1:]):
        return []
    if len(text) == 2:
        things = text[0] in _ACTIONS and text[1] in THINGS
        given = text[1] in _TO and free(text[0])
        return [text[0], text[1]] if (things or given) and text not in _LEXICAL else []
    verb, noun = tag(text[0]) or "", tag(text[1:]) or ""
    return [text[0], text[1:]] if verb.startswith("v") and noun.startswith("n") else []


def _long_name(
    text: str, pos: str, known: Callable[[str], bool], free: Callable[[str], bool]
) -> list[str]:
    """A dictionary word as written: itself, or, for a long compound name no learner's list
    holds (天气预报, 生日快乐), the words of two or more characters it is made of."""
    if len(text) < _LONG_NAME or free(text) or pos[:1] in ("i", "l") or pos[:2] in ("nr", "ns"):
        return [text]
    parts = _cut(text, known, free, whole=False)
    if len(parts) > 1 and all(len(p) > 1 and known(p) for p in parts):
        return parts
    return [text]


# jieba's tags of a doubled word that may be a doubled verb (学学 n, 试试 vn, 闻闻 nr);
# not an adverb, numeral, measure word or adjective (常常, 个个, 红红).
_DOUBLED_TAGS = frozenset({"n", "nr", "nrt", "ns", "nz", "vn"})


def _doubled_verbs(
    pieces: list[Piece],
    known: Callable[[str], bool],
    tag: Callable[[str], str | None],
    action: Callable[[str], bool | None],
) -> list[Piece]:
    """A verb said twice that no dictionary lists, as one word tagged a verb: 学学 xuéxue,
    问问, 闻闻, which jieba tags nouns, and 量|量体温, which it cuts as 量 + its word 量体温
    (量量 体温); a doubled word a dictionary lists keeps its tag (天天, 星星); and a verb
    before the thing it names, which jieba cuts as the verb doubled (扇扇|子 → 扇 扇子)."""
    result: list[Piece] = []
    for piece in pieces:
        text = piece.text
        last = result[-1] if result else None
        rest = text[1:]
        if (
            last is not None
            and last.text == text[:1]
            and len(text) > 2
            and known(rest)
            and action(last.text)
            and piece.start == last.start + 1
        ):
            result[-1] = Piece(last.text * 2, tag(last.text * 2) or "v", last.start)
            result.append(Piece(rest, tag(rest) or piece.pos, piece.start + 1))
            continue
        if (
            last is not None
            and len(text) == 1
            and last.text == text
            and piece.source is not None
            and piece.source[0] == piece.start == last.start + 1
            and action(text)
        ):
            # 量|量 体温: the verb jieba cut off, then the one split from its word 量体温
            result[-1] = Piece(text * 2, tag(text * 2) or "v", last.start)
            continue
        doubled = last is not None and len(last.text) == 2 and last.text[0] == last.text[1]
        thing = last.text[1] + text if last is not None and doubled else ""
        if (
            last is not None
            and thing
            and text in ("子", "儿")
            and piece.start == last.start + 2
            and known(thing)
            and not known(last.text)
            and action(last.text[0])
        ):
            # 扇扇|子 of jieba: the verb, then the thing it names (扇 扇子 shān shànzi)
            result[-1] = Piece(last.text[0], "v", last.start)
            result.append(Piece(thing, tag(thing) or "n", last.start + 1))
            continue
        if (
            len(text) == 2
            and text[0] == text[1]
            and piece.pos in _DOUBLED_TAGS
            and not known(text)
            and action(text) is None
            and action(text[0])
        ):
            piece = replace(piece, pos="v")
        result.append(piece)
    return result


def _bound_rejoined(pieces: list[Piece], known: Callable[[str], bool]) -> list[Piece]:
    """A noun cut from the end of a jieba word, joined to a bound morpheme jieba left alone
    after it where the two make a dictionary word (动动脑|子 → 动动 脑子; 炒|出 汁 stays)."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        if (
            last is not None
            and len(last.text) == 1
            and last.pos[:1] == "n"
            and last.source is not None
            and len(piece.text) == 1
            and piece.pos == "ng"
            and piece.start == last.start + 1
            and known(last.text + piece.text)
        ):
            result[-1] = Piece(last.text + piece.text, "n", last.start)
            continue
        result.append(piece)
    return result


def _pair(
    piece: Piece, known: Callable[[str], bool], tag: Callable[[str], str | None]
) -> list[str]:
    """A word with 儿 that jieba took for a name, as the word and its 儿 (香味儿 → 香味 儿,
    which `join_erhua` joins again; 早点儿 "a bit earlier" is no name), or two doubled nouns,
    not one word doubled (爸爸妈妈 bàba māma, 哥哥姐姐; 高高兴兴 is one word), or a doubled
    adjective and 的 (短短的); else []."""
    text = piece.text
    named = piece.pos in _PERSON
    if named and len(text) > 2 and text[-1] == "儿" and known(text[:-1]) and not known(text):
        return [text[:-1], text[-1]]
    if len(text) == 3 and text[0] == text[1] and text[2] in "的地":
        return [text[:2], text[2]]  # 短短的: the adjective doubled, then 的
    if len(text) != 4 or text[0] != text[1] or text[2] != text[3]:
        return []
    halves = [text[:2], text[2:]]
    return halves if all(known(h) and (tag(h) or "")[:1] == "n" for h in halves) else []


def _reduplicated(text: str) -> bool:
    """看看, 高高兴兴, 研究研究: one word by GB/T 16159."""
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] == text[half:]:
        return True
    return len(text) == 4 and text[0] == text[1] and text[2] == text[3]


def _cut(
    text: str, known: Callable[[str], bool], free: Callable[[str], bool], *, whole: bool = True
) -> list[str]:
    """Fewest dictionary words (or single characters) that make up `text`, learners' words
    first, then longer first; `whole=False` leaves `text` itself out of the choice."""
    best: list[list[str] | None] = [None] * (len(text) + 1)
    best[0] = []
    for end in range(1, len(text) + 1):
        for start in range(end):
            before = best[start]
            part = text[start:end]
            if (
                before is None
                or (len(part) > 1 and not known(part) and not _number(part))
                or (part == text and not whole)
            ):
                continue
            candidate = [*before, part]
            current = best[end]
            if current is None or _rank(candidate, free) < _rank(current, free):
                best[end] = candidate
    found = best[len(text)]
    return found if found else [text]


def _number(text: str) -> bool:
    """Whether the text is a number written in characters (两千, 三十五)."""
    return all(c in _DIGITS for c in text)


def _rank(parts: Sequence[str], free: Callable[[str], bool]) -> tuple[int, int, list[int]]:
    """Fewer words first, then more of them learners' words (付|现金, not 付现|金), then the
    longer word first (邻居|家, not 邻|居家)."""
    return len(parts), -sum(map(free, parts)), [-len(p) for p in parts]


def _whole_names(pieces: list[Piece], surname: Callable[[str], bool]) -> list[Piece]:
    """A surname jieba cut off the given name it tagged as a name is joined to it (林|小雨 →
    林小雨 Lín Xiǎoyǔ); a name jieba ran into 家 or 们 gives them back (李华家 → 李华 家), and
    so does a relative's home jieba took for a name (姥姥家 → 姥姥 家)."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        before = result[-2] if len(result) > 1 else None
        # 张 is a measure word after a number (三张|大伟 is no name), a surname elsewhere
        counted = before is not None and before.text[-1:] in _COUNTING_WORDS
        if (
            last is not None
            and len(last.text) == 1
            and last.pos[:1] not in ("v", "m")
            and not (last.pos[:1] == "q" and counted)
            and surname(last.text)
            and piece.pos in _PERSON
            and 1 <= len(piece.text) <= 2
            and last.start + 1 == piece.start
        ):
            result[-1] = Piece(last.text + piece.text, "nr", last.start)
            continue
        text = piece.text
        if (
            last is not None
            and len(last.text) == 1
            and last.pos in _PERSON
            and surname(last.text)
            and len(text) == 2
            and text[1] in _SAYING
            and last.start + 1 == piece.start
        ):
            # 李|明说 of jieba ("to say plainly"): the name 李明, then what he does, 说
            result[-1] = Piece(last.text + text[0], "nr", last.start)
            result.append(Piece(text[1], "v", piece.start + 1))
            continue
        if _kin_home(piece):
            result.append(Piece(text[:2], "n", piece.start))
            result.append(Piece(text[2], "n", piece.start + 2))
            continue
        if piece.pos in _PERSON and len(text) == 3 and text[2] in _AFTER_NAME and surname(text[0]):
            result.append(Piece(text[:2], piece.pos, piece.start))
            # 李华家, 小明们; 王丽问: what the person then does
            result.append(Piece(text[2], "n" if text[2] in "家们" else "v", piece.start + 2))
            continue
        result.append(piece)
    return result


def _kin_home(piece: Piece) -> bool:
    """Whether jieba took a relative's home for a name (姥姥家 "ns": 姥姥 jiā, granny's home):
    a doubled kinship word (姥姥, 奶奶, 舅舅) and 家."""
    text = piece.text
    doubled = len(text) == 3 and text[0] == text[1] and text[2] == "家"
    return doubled and (piece.pos in _PERSON or piece.pos == "ns")


# Measure words that count places themselves (一座山城, 这座古镇): what follows is a common noun.
_PLACE_MEASURES = frozenset("座")


def _common_places(pieces: list[Piece]) -> list[Piece]:
    """A place word after a measure word that counts places (一座山城, 这座古镇) is a common
    noun, whatever place jieba's tag says (一座小镇: a small town, not a place named 小镇)."""
    result = list(pieces)
    for i in range(1, len(result)):
        piece = result[i]
        if result[i - 1].text in _PLACE_MEASURES and piece.pos in ("ns", "nt"):
            result[i] = replace(piece, pos="n")
    return result


def _name_after_xing(pieces: list[Piece], surname: Callable[[str], bool]) -> list[Piece]:
    """A surname after 姓 is a person's name (姓张 xìng Zhāng)."""
    for i in range(1, len(pieces)):
        if pieces[i - 1].text in _SURNAME_VERBS and pieces[i].han and surname(pieces[i].text):
            piece = pieces[i]
            pieces[i] = Piece(piece.text, "nr", piece.start, titled=True)
    return pieces


# A person who says what they or someone is called (我叫马克, 她的名字叫李华): what follows
# 叫 up to the punctuation is a name.
_CALLED = frozenset({"叫", "名叫"})
_PEOPLE = frozenset(
    """
    我 你 您 他 她 它 名字 女儿 儿子 孩子 妹妹 弟弟 哥哥 姐姐 妻子 丈夫 朋友 同学 小狗 小猫 狗 猫
    """.split()
)
_NAME_TAGS = ("n", "nr", "nz", "ns", "t")


def _name_after_jiao(pieces: list[Piece], known: Callable[[str], bool]) -> list[Piece]:
    """What a person or a pet is called, after 我叫, 名字叫 or 叫 opening a clause after a
    noun (一只小狗，叫旺财), is one name written as one (我叫马克 Mǎkè, 我叫王子铭 Wáng Zǐmíng)
    where jieba cut it or took it for a common word; a name jieba found (李华) keeps its own
    way."""
    result = list(pieces)
    for i in range(1, len(pieces) - 1):
        if pieces[i].text not in _CALLED:
            continue
        # 一只小狗，叫旺财: 叫 opening a clause after a noun names it, if the name is no word
        opening = not pieces[i - 1].han and i > 1 and pieces[i - 2].pos.startswith("n")
        if pieces[i - 1].text not in _PEOPLE and not opening:
            continue
        end = i + 1
        while end < len(pieces) and pieces[end].han and pieces[end].pos.startswith(_NAME_TAGS):
            end += 1
        shattered = end
        while (
            shattered < len(pieces)
            and len(pieces[shattered].text) == 1
            and pieces[shattered].han
            and pieces[shattered].pos.startswith(("n", "v", "a"))
        ):
            shattered += 1
        if shattered - i > 2 and not known("".join(p.text for p in pieces[i + 1 : shattered])):
            end = shattered  # a name no dictionary lists, cut into characters (旺|财)
        run = pieces[i + 1 : end]
        text = "".join(p.text for p in run)
        closed = end == len(pieces) or not pieces[end].han
        if not closed or not 2 <= len(text) <= 4:
            continue
        if len(run) == 1 and run[0].pos.startswith("nr") and not known(text):
            continue
        if opening and known(text):
            continue  # 他哭着，叫妈妈: calling someone
        result[i + 1 : end] = [Piece(text, "nr", run[0].start, titled=True)]
        return result  # one name a sentence: the indexes after it have moved
    return result


def names_throughout(
    sentences: list[list[Piece]],
    surname: Callable[[str], bool],
    known: Callable[[str], bool],
    tag: Callable[[str], str | None],
) -> list[list[Piece]]:
    """A name a document introduces (我叫王子铭, 小狗叫旺财, 大家叫他老陈) or jieba finds whole
    with its surname (王小明: 小明) is one name wherever it stands again, however jieba cuts it
    there (王子|铭很高, 旺|财, 小|明去, 老|陈说, 和晓雨, 陈带晓雨)."""
    titled = {p.text for pieces in sentences for p in pieces if p.titled and len(p.text) > 1}
    names = set(titled)
    full = {
        p.text
        for pieces in sentences
        for p in pieces
        if p.pos.startswith("nr") and len(p.text) == 3 and surname(p.text[0])
    }
    names |= {name[1:] for name in full}
    # a given name jieba found that no dictionary lists (晓雨, not 阿姨)
    names |= {
        p.text
        for pieces in sentences
        for p in pieces
        if p.pos.startswith("nr") and len(p.text) == 2 and not known(p.text)
    }
    familiar = {
        a.text + b.text
        for pieces in sentences
        for a, b in itertools.pairwise(pieces)
        if a.titled and b.titled and a.text in _FAMILIAR and len(b.text) == 1
    }
    if not names and not familiar:
        return sentences
    # 陈建国 … 老陈: a full name whose surname the document also uses familiarly is a name,
    # however common its given name is as a word (建国 "to found a state")
    surnames = {name[1:] for name in familiar}
    sentences = [
        [replace(p, titled=True) if p.text in full and p.text[0] in surnames else p for p in pieces]
        for pieces in sentences
    ]
    found = _Names(names, titled, familiar, full)
    return [_named(pieces, found, known, tag) for pieces in sentences]


@dataclass(frozen=True, slots=True)
class _Names:
    """The names of a document, by how it names them."""

    all: Collection[str]
    titled: Collection[str]
    """Introduced as names (我叫马克): written as one word, whatever jieba's tags."""
    familiar: Collection[str]
    """小 or 老 and a surname (老陈): two capitalised words."""
    full: Collection[str]
    """Surname and given name jieba found whole (陈建国), never cut for the given name."""


def _named(
    pieces: list[Piece],
    names: _Names,
    known: Callable[[str], bool],
    tag: Callable[[str], str | None],
) -> list[Piece]:
    """The pieces, cut where a name of the document stands and jieba cut across it: each
    piece cut is a name jieba made up (和晓雨 nr) or no dictionary's word (明去), or, after a
    familiar name, a word that its one-character rest makes (老|陈说 → 老陈 说)."""
    text = "".join(p.text for p in pieces)
    starts = {p.start: p for p in pieces}
    ends = {p.start + len(p.text) for p in pieces}
    chosen: list[tuple[int, int, str]] = []
    familiar = names.familiar
    for name in sorted({*names.all, *familiar}, key=len, reverse=True):
        at = text.find(name)
        while at >= 0:
            stop = at + len(name)
            free = all(b <= at or a >= stop for a, b, _ in chosen)
            if free and _may_cut(pieces, at, stop, name in familiar, names.full, known):
                chosen.append((at, stop, name))
            at = text.find(name, at + 1)
    if not chosen:
        return pieces
    cuts = set(starts) | ends | {a for a, _, _ in chosen} | {b for _, b, _ in chosen}
    cuts -= {c for a, b, _ in chosen for c in range(a + 1, b)}
    names_at = {a: name for a, _, name in chosen}
    result: list[Piece] = []
    bounds = sorted(cuts)
    for a, b in itertools.pairwise(bounds):
        piece = starts.get(a)
        found = names_at.get(a, "")
        if found in familiar:
            result.append(Piece(found[0], "a", a, titled=True))
            result.append(Piece(found[1:], "nr", a + 1, titled=True))
        elif found:
            result.append(Piece(found, "nr", a, titled=found in names.titled))
        elif piece is not None and piece.start + len(piece.text) == b:
            result.append(piece)  # a piece no name touches
        else:
            owner = next(p for p in pieces if p.start <= a < p.start + len(p.text))
            part = text[a:b]
            fallback = "n" if owner.pos in _PERSON else owner.pos
            result.append(Piece(part, tag(part) or fallback, a))
    return result


def _may_cut(
    pieces: Sequence[Piece],
    start: int,
    stop: int,
    familiar: bool,
    full: Collection[str],
    known: Callable[[str], bool],
) -> bool:
    """Whether a name standing from `start` to `stop` may cut the pieces across it; not a
    full name it is the given name of (陈建国 stays whole)."""
    crossed = [
        p
        for p in pieces
        if p.start < stop
        and p.start + len(p.text) > start
        and not (start <= p.start and p.start + len(p.text) <= stop)
    ]
    if not crossed:
        inside = [p for p in pieces if start <= p.start < stop]
        return len(inside) > 1 and not familiar  # 王子|铭: joined; 老|陈 stays two words
    for piece in crossed:
        end = piece.start + len(piece.text)
        if piece.text in full:
            return False
        if piece.pos in _PERSON or not known(piece.text):
            continue
        # 老|陈说: the familiar name's surname and one character after it
        if familiar and piece.start == stop - 1 and end - stop == 1:
            continue
        return False
    return True


# Particles after which a clause ends as it does at a mark (先和面吧).
_CLOSING = frozenset("了呢吧啊的")


def _ends_clause(after: Piece | None) -> bool:
    """Whether the piece after a pair closes its clause: none, a mark or a particle."""
    return after is None or not after.han or after.text in _CLOSING


# Words jieba cuts in two where the word after them shows they are one, with their tag: 有的
# "some" before a noun (有的人), 老是 "always" before a verb (老是迟到), 和面 huómiàn "to
# knead dough" ending a clause (在厨房和面; 面包和面条: "and"); else they stay apart.
_REJOINED: dict[tuple[str, str], tuple[str, Callable[[Piece | None], bool]]] = {
    ("有", "的"): ("r", lambda after: after is not None and after.pos.startswith("n")),
    ("老", "是"): ("d", lambda after: after is not None and after.pos.startswith(("v", "a", "d"))),
    ("和", "面"): ("v", _ends_clause),
}


def _rejoined(pieces: list[Piece]) -> list[Piece]:
    """The pieces, with the pairs of `_REJOINED` joined where the next piece calls for it."""
    result: list[Piece] = []
    i = 0
    while i < len(pieces):
        pair = (pieces[i].text, pieces[i + 1].text) if i + 1 < len(pieces) else None
        found = _REJOINED.get(pair) if pair else None
        after = pieces[i + 2] if i + 2 < len(pieces) else None
        if found and found[1](after):
            result.append(Piece("".join(pair or ()), found[0], pieces[i].start))
            i += 2
            continue
        result.append(pieces[i])
        i += 1
    return result


def _people_mostly(pieces: list[Piece], known: Callable[[str], bool]) -> list[Piece]:
    """人大 ("the National People's Congress") before 多, 都, 部分 that it cut from 大 is 人 and
    an adverb: 这里的人|大多是学生, 中国人|大都喜欢喝茶 (人 joins a word before it that
    makes a word with it)."""
    result: list[Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        following = pieces[i + 1] if i + 1 < len(pieces) else None
        mostly = "大" + following.text if following is not None else ""
        if (
            piece.text == "人大"
            and following is not None
            and known(mostly)
            and mostly[1] in "多都部"
        ):
            last = result[-1] if result else None
            if (
                last is not None
                and known(last.text + "人")
                and last.start + len(last.text) == piece.start
            ):
                result[-1] = Piece(last.text + "人", "n", last.start)
            else:
                result.append(Piece("人", "n", piece.start))
            result.append(Piece(mostly, "d", piece.start + 1))
            i += 2
            continue
        result.append(piece)
        i += 1
    return result


# What opens 对…来说 "as far as … is concerned".
_AS_FOR = frozenset({"对", "对于"})
_AS_FOR_REACH = 6


def _as_for(pieces: list[Piece]) -> list[Piece]:
    """来 and 说 closing 对…来说 (对我来说, 对很多年轻人来说) are one word, "as far as … is
    concerned", not "to come" and "to say"."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        clause = list(takewhile(lambda p: p.han, reversed(result[-_AS_FOR_REACH:-1])))
        if (
            last is not None
            and (last.text, piece.text) == ("来", "说")
            and last.start + 1 == piece.start
            and any(p.text in _AS_FOR for p in clause)  # not 对，我来说一下
        ):
            result[-1] = Piece("来说", "u", last.start)
            continue
        result.append(piece)
    return result


# Words for the week, and the numbers that name its days after them (周一, 星期天).
_WEEKS = ("周", "星期", "礼拜")
_WEEKDAYS = frozenset("一二三四五六日天")
_WEEK_POINTERS = frozenset("本上下这每")
_TIME_PREPOSITIONS = frozenset({"于", "在", "到", "从", "至", "自"})


def _weekdays(pieces: list[Piece]) -> list[Piece]:
    """A day of the week cut after its week word (下周|一, 上星期|五) is that day, apart from
    what points to its week: 下 周一 "next Monday", not 下周 "next week" and 一 "one"."""
    result: list[Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        day = pieces[i + 1] if i + 1 < len(pieces) else None
        week = next((w for w in _WEEKS if piece.text.endswith(w) and piece.text != w), "")
        joined = day is not None and day.start == piece.start + len(piece.text)
        if week and joined and day is not None and day.text in _WEEKDAYS:
            cut = len(piece.text) - len(week)
            head = piece.text[:cut]
            if len(head) > 1 and head[-1] in _WEEK_POINTERS:
                # 于本|周五 of jieba's 于本周: a preposition, then what points to the week
                before = "p" if head[:-1] in _TIME_PREPOSITIONS else "d"
                result.append(Piece(head[:-1], before, piece.start))
                result.append(Piece(head[-1], "r", piece.start + cut - 1))
            elif head:
                result.append(Piece(head, "f", piece.start))
            result.append(Piece(week + day.text, "t", piece.start + cut))
            i += 2
            continue
        result.append(piece)
        i += 1
    return result


# 小 and 老 before a surname make the name friends and colleagues use (小李, 老王).
_FAMILIAR = frozenset("小老")
# Words jieba's HMM runs into such a name (和小李, 跟老王): linking words, not surnames.
_LINKS = frozenset("和跟与对给向在被把让叫同及")


def _familiar(
    piece: Piece, surname: Callable[[str], bool], known: Callable[[str], bool]
) -> list[Piece]:
    """小 or 老 and a surname as two capitalised words, as GB/T 16159 writes them (老张 Lǎo
    Zhāng, 和小李 hé Xiǎo Lǐ); [] when the piece holds no such name."""
    text, start = piece.text, piece.start
    lead = 1 if len(text) == 3 and text[0] in _LINKS and piece.pos in _PERSON else 0
    if lead and text[1] in _FAMILIAR and not surname(text[-1]):
        # 和小红: the linking word and a given name (Xiǎohóng), not one name "Hé Xiǎohóng".
        link = Piece(text[0], "c" if text[0] in "和与及" else "p", start)
        return [link, Piece(text[1:], "nr", start + 1, titled=True)]
    if len(text) - lead != 2 or text[lead] not in _FAMILIAR or not surname(text[-1]):
        return []
    if not (piece.pos in _PERSON or (not known(text) and piece.pos[:1] in ("n", "t"))):
        return []
    parts = [Piece(text[0], "c", start)] if lead else []
    return [
        *parts,
        Piece(text[lead], "a", start + lead, titled=True),
        Piece(text[-1], "nr", start + lead + 1, titled=True),
    ]


def _familiar_names(pieces: list[Piece], surname: Callable[[str], bool]) -> list[Piece]:
    """小 or 老 that jieba cut off the surname after it: both capitalised (小周 Xiǎo Zhōu)."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        if (
            last is not None
            and last.text in _FAMILIAR
            and len(piece.text) == 1
            and piece.pos in _PERSON
            and surname(piece.text)
            and last.start + 1 == piece.start
        ):
            result[-1] = Piece(last.text, last.pos, last.start, titled=True)
            result.append(Piece(piece.text, "nr", piece.start, titled=True))
            continue
        result.append(piece)
    return result


# A cut of one piece in two that its neighbours call for: where, and the two parts' tags.
Cut = tuple[int, str, str]


def _split_where(
    pieces: list[Piece], cut: Callable[[Piece | None, Piece, Piece | None], Cut | None]
) -> list[Piece]:
    """The pieces, each cut in two where `cut`, given the piece before, the piece and the
    piece after, says so."""
    result: list[Piece] = []
    for index, piece in enumerate(pieces):
        last = result[-1] if result else None
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        found = cut(last, piece, following)
        if found is None:
            result.append(piece)
            continue
        at, first, second = found
        result.append(Piece(piece.text[:at], first, piece.start))
        result.append(Piece(piece.text[at:], second, piece.start + at))
    return result


def _correlative(
    pieces: list[Piece], known: Callable[[str], bool]
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """越…越… "the more … the more": a 越 that jieba ran into the word before it, even into a
    name (雨越|下|越大 → 雨 越 下 越 大), stands apart; words such as 超越, 卓越 stay whole."""
    twice = sum(p.text.count("越") for p in pieces) > 1

    def cut(_: Piece | None, piece: Piece, __: Piece | None) -> Cut | None:
        text = piece.text
        if twice and len(text) == 2 and text[1] == "越" and piece.han and not known(text):
            return (1, "n", "d")
        return None

    return cut


# Prepositions of direction and place that no given name ends in before a place or a thing
# (小黄狗朝|公园 jieba took for a name, Huáng Gǒucháo).
_TOWARDS = frozenset("朝向往从")


def _towards(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """A word jieba took for a three-character name that ends in a preposition before a place
    or a thing: the noun, then the preposition (黄狗|朝 公园)."""
    text = piece.text
    if (
        piece.pos in _PERSON
        and len(text) == 3
        and text[2] in _TOWARDS
        and following is not None
        and following.pos[:1] in ("n", "s", "r", "f")
    ):
        return (2, "n", "p")
    return None


# What 起 counts (一起交通事故, 一起案件): incidents, not what is done "together".
_INCIDENTS = ("事故", "案", "案件", "事件", "火灾", "车祸", "纠纷", "冲突")


def _one_incident(pieces: list[Piece]) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """一起 before an incident, in a word or after one that says which, is 一 and its measure
    word (一 起 交通 事故), not "together" (一起去)."""
    counted = {
        id(piece)
        for i, piece in enumerate(pieces)
        if piece.text == "一起"
        and any(p.text.endswith(_INCIDENTS) for p in pieces[i + 1 : i + 3] if p.han)
        and (i + 1 < len(pieces) and pieces[i + 1].pos[:1] == "n")
    }

    def cut(_: Piece | None, piece: Piece, __: Piece | None) -> Cut | None:
        return (1, "m", "q") if id(piece) in counted else None

    return cut


def _all_of(
    free: Callable[[str], bool], action: Callable[[str], bool | None]
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """A thing and 都 "all" before what they do, where jieba found a place (花都开了: the
    flowers have all opened, not Huadu; 成都 is no thing)."""

    def cut(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
        text = piece.text
        if (
            piece.pos in PROPER
            and len(text) == 2
            and text[1] == "都"
            and free(text[0])
            and action(text[0]) is False
            and following is not None
            and following.pos[:1] in ("v", "a", "d")
        ):
            return (1, "n", "d")
        return None

    return cut


def _more_than(last: Piece | None, piece: Piece, _: Piece | None) -> Cut | None:
    """多 after a number is "more than", apart from the measure word jieba joins it to (三十
    多|个, 二十多|年: sānshí duō gè)."""
    text = piece.text
    if (
        last is not None
        and len(text) == 2
        and text[0] == "多"
        and text[1] in _MEASURES
        and last.text[-1:] in _DIGITS
    ):
        return (1, "m", "q")
    return None


def _still_has(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """还有 before what there still is (还有票 hái yǒu piào, 还有一只猫): the adverb and the
    verb, as GB/T 16159 writes them; 还有 that opens a clause before a pause ("besides") is
    one word."""
    if piece.text == "还有" and following is not None and following.han:
        return (1, "d", "v")
    return None


def _really_is(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """真是 before what it says (真是一举两得 zhēn shì): "really" and the verb "to be"; 真是的
    and 真是 before a pause, a sigh of complaint, are one word."""
    if piece.text == "真是" and following is not None and following.han:
        return None if following.text[:1] in "的啊呀" else (1, "d", "v")
    return None


def _only_then(last: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """才能 before a verb is 才 "only then" and the modal 能 (明天才能去), not the noun 才能
    "talent" jieba's dictionary holds."""
    if (
        piece.text == "才能"
        and following is not None
        and following.pos[:1] in ("v", "d", "a", "p")  # 才能用, 才能把…: jieba tags 用, 把 p
        and (last.text[-1:] if last else "") not in ("的", "有")  # 他的才能, 很有才能: the noun
    ):
        return (1, "d", "v")
    return None


def _measured(
    known: Callable[[str], bool], tag: Callable[[str], str | None]
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """A measure word after a demonstrative or a number, apart from the noun jieba ran it into
    and took for a name (这|段时间 → 这 段 时间, 这|双鞋)."""

    def cut(last: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
        text = piece.text
        if (
            last is not None
            and (last.text in _POINTING or last.text in _NUMBERS)
            and len(text) > 1
            and text[0] in _MEASURES
            and piece.pos[:1] in ("n", "t", "v")
            and known(text[1:])
            and not known(text)
        ):
            return (1, "q", tag(text[1:]) or "n")
        return None

    return cut


def _aspect_particle(
    tag: Callable[[str], str | None],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """着 after a one-character verb is its aspect particle, not the first character of a word
    jieba found (提|着装|得 → 提 着 装 得): what follows it is a verb that takes 得 or 了; but
    是|着凉|了 is catching cold."""

    def cut(last: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
        if (
            last is not None
            and len(last.text) == 1
            and last.pos[:1] == "v"
            and last.text != "是"
            and len(piece.text) == 2
            and piece.text[0] == "着"
            and (tag(piece.text[1]) or "")[:1] == "v"
            and (following.text[:1] if following else "") in ("得", "了")
        ):
            return (1, "uz", "v")
        return None

    return cut


# 家 after a person is their home, 新 before a verb "newly": apart from the verb that jieba's
# dictionary joins them to (家养 "domestic", 新建 "new construction") when an aspect particle
# shows it is a verb (我家养了一只狗 wǒ jiā yǎng le, 新建了一个停车场 xīn jiàn le).
_WHOSE_HOME = frozenset("我 你 您 他 她 我们 你们 他们 她们 咱们".split())
_DONE = frozenset("了过")


def _newly_done(
    tag: Callable[[str], str | None],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """家 or 新 and a one-character verb after them, which jieba joined as a noun."""

    def cut(last: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
        text = piece.text
        if len(text) != 2 or piece.pos[:1] == "v" or following is None:
            return None
        if following.text not in _DONE or (tag(text[1]) or "")[:1] != "v":
            return None
        home = text[0] == "家" and last is not None and last.text in _WHOSE_HOME
        if home or text[0] == "新":
            return (1, "n" if home else "d", "v")
        return None

    return cut


def _won_prize(last: Piece | None, piece: Piece, _: Piece | None) -> Cut | None:
    """过奖 after 得, 获 or 拿 is the aspect particle 过 and 奖 "prize" (还得过奖呢: dé guo
    jiǎng), not "you flatter me"."""
    if piece.text == "过奖" and last is not None and last.text[-1:] in _WINNING:
        return (1, "ug", "n")
    return None


def _superlative(last: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """最 before a one-character adjective is a phrase, "most" and the adjective (最|高 气温,
    最|好 的 办法: zuì gāo), as GB/T 16159 writes it; 最好 and 最多, 最少 stay whole where
    they are adverbs (你最好别去 "had better", 最多三天 "at most"), and 最近, 最后, 最初 are
    words."""
    text = piece.text
    if len(text) != 2 or text[0] != "最" or text[1] not in _GRADED:
        return None
    nominal = following is None or following.pos[:1] in ("u", "n", "x", "y")
    if text in _ALSO_ADVERBS and not nominal:
        return None
    return (1, "d", "a")


def _much_more(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """大多, 好多 before 了 are an adjective and 多 "much more" (比以前大多了, 身体好多了:
    dà duō le), not "for the most part", "a lot"."""
    if piece.text in _MUCH and following is not None and following.text == "了":
        return (1, "a", "m")
    return None


def _as_soon_as(
    pieces: list[Piece], tag: Callable[[str], str | None]
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """一 and a one-character verb that jieba joined (一来 "firstly", 一看) before 就 a few
    words on is 一…就… "as soon as" (他一来就走了: yī lái … jiù)."""
    soon = {
        id(piece)
        for i, piece in enumerate(pieces)
        if any(p.text == "就" for p in pieces[i + 1 : i + 4])
    }

    def cut(_: Piece | None, piece: Piece, __: Piece | None) -> Cut | None:
        text = piece.text
        verb = len(text) == 2 and text[0] == "一" and (tag(text[1]) or "")[:1] == "v"
        return (1, "m", "v") if id(piece) in soon and verb else None

    return cut


def _one_piece(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """一块, 一道 are "together" before a verb (我们一块去), else a number and its measure word
    (一块蛋糕 yī kuài, 一道菜, 胳膊青了一块。)."""
    together = following is not None and following.han and following.pos[:1] in ("v", "d", "p")
    if piece.text in _TOGETHER and not together:
        return (1, "m", "q")
    return None


def _only_takes(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """只要 before a number is 只 "only" and 要 "to take" (走路只要五分钟: zhǐ yào), not the
    conjunction "so long as"."""
    if piece.text == "只要" and following is not None and following.text[:1] in _DIGITS:
        return (1, "d", "v")
    return None


# What 把 takes as its object before a verb, where jieba's dictionary joins the two into a
# word of another sense (把门 "to guard a gate", 把手 "handle").
_BA_OBJECTS = THINGS | frozenset("门手窗灯头嘴脚")


def _ba_object(
    tag: Callable[[str], str | None],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """把 and a one-character object before a verb are 把 and its object (把门关上, 把手洗
    干净: bǎ mén, bǎ shǒu), not 把门 "to guard a gate" nor 把手 "handle"; the verb is one
    by jieba's tag of the word or of its first character (关上, which jieba tags a place)."""

    def cut(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
        text = piece.text
        if len(text) != 2 or text[0] != "把" or text[1] not in _BA_OBJECTS or following is None:
            return None
        verb = following.pos[:1] == "v" or (tag(following.text[:1]) or "")[:1] == "v"
        return (1, "p", "n") if verb and following.han else None

    return cut


_MUCH = frozenset({"大多", "好多"})
# Verbs of winning before 过奖 (得过奖).
_WINNING = frozenset("得获拿")
# One-character adjectives that 最 grades (最高, 最大, 最好); not 近, 后, 初, 终, whose 最近,
# 最后, 最初, 最终 are words of their own.
_GRADED = frozenset("高低大小长短快慢好多少远早新老强弱贵冷热难美重轻深浅宽窄胖瘦")
_ALSO_ADVERBS = frozenset({"最好", "最多", "最少", "最早", "最快"})
# Verbs whose object is someone's words (听了朋友的话, 相信他的话): there 的话 is 的 and 话.
_HEEDING = frozenset("听 信 相信 记住 记得 照 按 按照 听从".split())


def _someones_words(
    pieces: list[Piece],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """的话 after a noun or a pronoun that a verb of heeding takes (听了朋友的话) is 的 and 话
    "words"; else it is the "if" that closes a condition (去杭州的话)."""
    heeded = {
        id(piece)
        for i, piece in enumerate(pieces)
        if piece.text == "的话" and any(p.text in _HEEDING for p in pieces[max(0, i - 4) : i])
    }

    def cut(last: Piece | None, piece: Piece, _: Piece | None) -> Cut | None:
        if id(piece) in heeded and last is not None and last.pos[:1] in ("n", "r"):
            return (1, "uj", "n")
        return None

    return cut


def _ten_points(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """十分 "very" stands before what it grades (十分高兴); elsewhere it is ten and the measure
    word 分 (考了十分: shí fēn)."""
    counted = following is None or following.pos[:1] in ("x", "u", "y", "n", "m", "q")
    if piece.text == "十分" and counted:
        return (1, "m", "q")
    return None


def _complement_marker(last: Piece | None, piece: Piece, _: Piece | None) -> Cut | None:
    """得 after a verb or an adjective marks what follows (紧张得|手都出汗: de), not the first
    character of a word jieba found (得手 "to succeed")."""
    if (
        last is not None
        and last.pos[:1] in ("a", "v")
        and len(piece.text) == 2
        and piece.text[0] == "得"
        and piece.han
    ):
        return (1, "ud", "n")
    return None


def _verb_then_de(
    known: Callable[[str], bool],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """A verb and 得 that jieba joined and no dictionary lists, before how it is done: the verb,
    then 得 marking it (剃得|短短的 → 剃 得: de, not dé)."""

    def cut(_: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
        text = piece.text
        if (
            len(text) == 2
            and text[1] == "得"
            and piece.pos[:1] == "v"
            and not known(text)
            and following is not None
            and following.pos[:1] in ("a", "d", "z")
        ):
            return (1, "v", "ud")
        return None

    return cut


def _flowed(last: Piece | None, piece: Piece, following: Piece | None) -> Cut | None:
    """上流 "upper class" of jieba after a body part and before 了 or 着 is on it, then the
    verb (腿上|流了血)."""
    if (
        piece.text == "上流"
        and last is not None
        and last.pos[:1] == "n"
        and following is not None
        and following.text[:1] in ("了", "着", "出")
    ):
        return (1, "f", "v")
    return None


def _verb_aspect(
    piece: Piece, tag: Callable[[str], str | None], free: Callable[[str], bool]
) -> list[str]:
    """A one-character verb and the aspect 着 that jieba's dictionary holds as one word (背着,
    有着; 指着, 穿着, whose verb jieba tags a noun or a bound form) apart, as it cuts 带 着, or
    []; a preposition of 着 (随着, 朝着, 照着) and a result zháo (睡着) stay whole."""
    text = piece.text
    if len(text) != 2 or text[1] != "着" or piece.pos != "v" or text[0] in _ZHAO_VERBS:
        return []
    verb = tag(text[0]) or ""
    bound = verb in _BOUND_VERB_TAGS and free(text[0]) and text not in _NOT_ASPECT
    return [text[0], text[1]] if verb[:1] == "v" or bound else []


def _big_and_small(pieces: list[Piece]) -> list[Piece]:
    """大包小包 "bags big and small" (jieba's cut: 大|包小包) as its four words, dà bāo xiǎo
    bāo: a thing, 小 or 大, the thing again, after 大 or 小."""
    result: list[Piece] = []
    for piece in pieces:
        text, start = piece.text, piece.start
        last = result[-1].text if result else ""
        if len(text) == 3 and text[0] == text[2] and text[1] in "大小" and last in "大小":
            result.extend(
                Piece(char, "a" if k == 1 else "n", start + k) for k, char in enumerate(text)
            )
            continue
        result.append(piece)
    return result


def _with_pronoun(
    piece: Piece, known: Callable[[str], bool], free: Callable[[str], bool]
) -> list[str]:
    """A preposition and a personal pronoun opening a set phrase, word by word (在我看来 zài
    wǒ kànlái, 依我看, 对我来说), or []: no dictionary's word, but what it lists for its
    meaning, as 我行我素, an idiom, is."""
    text = piece.text
    if len(text) < 3 or text[0] not in _VIEWING or free(text):
        return []
    if not any(text[1:].startswith(p) for p in _PERSONAL):
        return []
    # No word of the dictionaries' that runs the pronoun into its neighbour (在我看 "in my view").
    parts = _cut(text, lambda w: known(w) and not any(p in w for p in _PERSONAL), free, whole=False)
    return parts if all(free(p) or known(p) for p in parts) else []


def _verb_thing(
    piece: Piece,
    known: Callable[[str], bool],
    free: Callable[[str], bool],
    tag: Callable[[str], str | None],
) -> list[str]:
    """A learners' verb and a thing that jieba calls an idiom and no dictionary lists (堆雪人
    duī xuěrén) as the verb and its object, as GB/T 16159 writes them, or []."""
    text = piece.text
    if piece.pos != "i" or len(text) != 3 or known(text) or not free(text[0]):
        return []
    if known(text[:2]) or text[1] == text[0] or text[0] in "死破":
        return []  # 灭火|机: a thing named by what it does; 聊聊天; 死火山 "dead", not "to die"
    verb, thing = tag(text[0]), tag(text[1:]) or ""
    return [text[0], text[1:]] if verb == "v" and thing[:1] == "n" and known(text[1:]) else []


def _either_or(last: Piece | None, piece: Piece, _: Piece | None) -> Cut | None:
    """不 and a verb after the same verb ask yes or no (要不要 yào bù yào, 会不会): 不 stands
    apart, not jieba's 不要 "don't"."""
    text = piece.text
    if last is not None and len(text) == 2 and text[0] in "不没" and last.text == text[1]:
        return (1, "d", last.pos)
    return None


def _which_way(
    tag: Callable[[str], str | None],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """往右转 is 往 右 "to the right" and the verb 转, not 往 and CC-CEDICT's 右转 (向前进
    stays 向 前进 "to advance")."""

    def cut(last: Piece | None, piece: Piece, _: Piece | None) -> Cut | None:
        text = piece.text
        if last is None or last.text not in "往向朝" or len(text) != 2 or text[0] not in "左右":
            return None
        return (1, "f", "v") if (tag(text[1]) or "")[:1] == "v" else None

    return cut


def _once_then(
    pieces: list[Piece],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """一 and a verb, then 就是 and how long (一坐就是一下午, 一等就是三个小时): 一 and the
    verb apart (not jieba's 一等 "first class"), 就 "then" and 是, not the word 就是."""

    def counted(i: int) -> bool:
        return i + 1 < len(pieces) and pieces[i + 1].text[:1] in _DIGITS

    once: set[int] = set()
    for i, piece in enumerate(pieces[1:], 1):
        if piece.text != "就是" or not counted(i):
            continue
        verb = pieces[i - 1]
        if len(verb.text) == 2 and verb.text[0] == "一":
            once.update((id(verb), id(piece)))
        elif len(verb.text) == 1 and i >= 2 and pieces[i - 2].text == "一":
            once.add(id(piece))

    def cut(_: Piece | None, piece: Piece, __: Piece | None) -> Cut | None:
        if id(piece) not in once:
            return None
        return (1, "d", "v") if piece.text == "就是" else (1, "m", "v")

    return cut


# Times of day that jieba cuts into the verb before them (赶早|上 of 赶早上六点的航班).
_TIMES_OF_DAY = frozenset("早上 晚上 上午 下午 中午".split())


def _times_of_day(pieces: list[Piece], free: Callable[[str], bool]) -> list[Piece]:
    """A learners' verb and a time of day that jieba cut as a word and a character (赶早|上)
    as the verb and the time (赶 早上): the verb's word, no learners' one, is the lesser cut."""
    result: list[Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        after = pieces[i + 1] if i + 1 < len(pieces) else None
        text = piece.text
        if (
            after is not None
            and len(text) == 2
            and len(after.text) == 1
            and text[1] + after.text in _TIMES_OF_DAY
            and free(text[0])
            and not free(text)
        ):
            result.append(Piece(text[0], "v", piece.start))
            result.append(Piece(text[1] + after.text, "t", piece.start + 1))
            i += 2
            continue
        result.append(piece)
        i += 1
    return result


# Times that a verb goes on until, after 到 (聊到半夜, 打到加时赛), besides clock times
# (学到十一点); not 明天 or 晚上, which one thinks or speaks of too (一想到明天).
_UNTIL_TIMES = frozenset("半夜 深夜 凌晨 天亮 加时赛".split())
# Words of 到 that reach a thing or a topic, not a time (达到, 得到, 感到, 想到明天).
_REACHING_THINGS = frozenset("达得受感遇想提谈说讲")


def _until(
    pieces: list[Piece],
) -> Callable[[Piece | None, Piece, Piece | None], Cut | None]:
    """A verb and 到 that jieba's dictionary joins (学到 "to learn"), before a time: the verb
    and 到 "until" (学到十一点 xué dào, as 聊到半夜), made one word of parts again by
    `orthography.join_words`."""
    timed = set()
    for i, piece in enumerate(pieces[:-1]):
        text, after = piece.text, pieces[i + 1]
        further = pieces[i + 2].text if i + 2 < len(pieces) else ""
        if len(text) != 2 or text[1] != "到" or text[0] in _REACHING_THINGS or piece.pos[:1] != "v":
            continue
        clock = after.text[:1] in _DIGITS and further in ("点", "号")
        if clock or after.text in _UNTIL_TIMES:
            timed.add(id(piece))

    def cut(_: Piece | None, piece: Piece, __: Piece | None) -> Cut | None:
        return (1, "v", "v") if id(piece) in timed else None

    return cut
