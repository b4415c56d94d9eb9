"""Orthography: erhua, 们 and words joined or written apart as GB/T 16159 writes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from reader.annotate.names import PERSON
from reader.annotate.pieces import Piece
from reader.annotate.segment import RESULTS, THINGS
from reader.annotate.wordlists import everyday_word
from reader.model import Word
from reader.text import ERHUA_SYLLABLE, HAN, PLURAL

if TYPE_CHECKING:
    from reader.annotate.resources import Resources

ERHUA = "儿"
"""The erhua character."""
# jieba's tags of the words 们 joins: common nouns and pronouns, not names (小明 men).
_PLURAL_HOSTS = frozenset({"n", "r", "ng", "nz"})


def join_erhua(pieces: list[Piece], resources: Resources) -> list[Piece]:
    """A 儿 that jieba cut off its word joins it again where it is erhua (画画|儿, 早点|儿)."""

    def is_erhua(word: Piece) -> bool:
        entry = resources.cedict().reading(word.text[-1] + ERHUA)
        if entry is None:
            # 这块|儿, 那条|儿, and a noun ending in one (纸条|儿): CC-CEDICT lacks 块儿, 条儿
            if len(word.text) == 1:
                return _everyday_stem(word.text)
            return _everyday_stem(word.text[-1]) and word.pos[:1] == "n"
        return entry[-1] == ("er5",)

    return _joined(pieces, ERHUA, is_erhua)


def erhua(pieces: Sequence[Piece], readings: list[str | None], resources: Resources) -> None:
    """儿 as a suffix is written r, joined to the syllable before it: 哪儿 nǎr, 玩儿 wánr.

    Where CC-CEDICT reads the word's 儿 as erhua (er5), or lacks the word but knows the
    word without its 儿 (小孩儿); 女儿 nǚ'ér, 婴儿, 健儿 keep a syllable of their own.
    """
    for piece in pieces:
        text = piece.text
        if not piece.han or len(text) < 2 or text[-1] != ERHUA:
            continue
        last = resources.cedict_cover(text)[-1]
        stem = text[:-1]
        if last is None:
            tail = resources.cedict().reading(text[-2:])
            if tail is not None and tail[-1] != ("er5",):
                continue  # 小女儿: the word before is 女儿 nǚ'ér
            if not (_everyday_stem(stem) or (len(stem) > 1 and resources.known(stem))):
                continue  # 叶儿, 金爪儿: names CEDICT lacks
        elif last != ("er5",):
            continue
        readings[piece.start + len(text) - 1] = ERHUA_SYLLABLE


# Numerals, before which 儿 is "son" (一儿一女), not erhua.
_NUMERALS = frozenset("一二两三四五六七八九十几")


def _everyday_stem(stem: str) -> bool:
    """Whether a character that CC-CEDICT lists with no 儿 after it takes erhua all the same:
    an everyday word of one character (块儿 kuàir, 门儿, 杯儿), not a numeral. A word with 儿
    as a syllable of its own is in CC-CEDICT (女儿 nǚ'ér, 婴儿, 孤儿)."""
    return len(stem) == 1 and stem not in _NUMERALS and everyday_word(stem)


def join_plural(pieces: Sequence[Piece]) -> list[Piece]:
    """A 们 that jieba cut off its noun joins it again (孩子|们 → 孩子们 háizimen), once each
    character has its reading: the reading of the noun stays the one read on its own."""
    return _joined(
        pieces, PLURAL, lambda word: word.pos in _PLURAL_HOSTS and not word.text.endswith(PLURAL)
    )


def _joined(pieces: Sequence[Piece], suffix: str, takes: Callable[[Piece], bool]) -> list[Piece]:
    """The pieces, each `suffix` piece joined to the Chinese word right before it if `takes`
    says that word takes it."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        if (
            piece.text == suffix
            and last is not None
            and last.han
            and last.start + len(last.text) == piece.start
            and takes(last)
        ):
            result[-1] = Piece(last.text + suffix, last.pos, last.start, last.titled)
            continue
        result.append(piece)
    return result


# GB/T 16159 joins a one-syllable verb and its one-syllable complement (做完 zuòwán, 走到,
# 带走: `segment.RESULTS`) and writes longer ones apart (打扫 干净, 走 进来).
# An adjective says how far a change went (长高了, 开快点, 变小。) before 了, "a bit" or the
# clause's end; before a noun it may describe the noun (买 大房子).
_DEGREES = frozenset("高低大小长短快慢早晚多少对干胖瘦")
_DEGREE_AFTER = ("了", "点", "些", "一点", "一些", "一点儿", "点儿")
# Verbs that set how high or loud a thing is, whose adjective after them says how far,
# before the thing too (调高售价 tiáogāo shòujià).
_ADJUSTING = frozenset("调")
# Verbs that take another verb, not a complement (要去, 想回, 是对的, 请进, 没见),
# negations, and an adverb that jieba tags as an adjective (全对).
_NOT_HOSTS = frozenset("是有在要会能想得可该敢肯愿需应让使像请没不别了全往向朝")
# Adjectives that stand before a verb or adjective as adverbs (快到了 "almost", 新开了
# "newly", 好走 "easy to walk", 不大高 "not very"); with 多 they compare (快多了, 大多了).
_ADVERBIAL = frozenset("快新早晚慢多少先刚老常难好大")
# Prepositions that a verb may follow directly: the passive 被 (被调到上海).
_PASSIVE = frozenset("被给叫让")
# 下周, 上个月, 上万: 上 and 下 that open what follows, not a complement.
_OPENING = frozenset("周个星次回半月年午万千百边面层")
_HOST_TAGS = frozenset({"v", "vg", "vi", "a", "ag"})
# jieba's tags of a one-character verb it takes for a noun or a bound form (省 n, 传 n, 钓 zg):
# a verb where a dictionary names an action first for it, before a complement of result or
# direction (not of degree: 信息 量 大).
_ACTING_TAGS = frozenset("nz")
_NOT_BEFORE_ACTING = frozenset("qmaub")
# A verb that jieba tags as a preposition (用 p), which takes a complement all the same (用完).
_VERB_AS_PREPOSITION = frozenset({"用", "按"})


def join_words(
    words: Sequence[Word],
    user_words: frozenset[str] = frozenset(),
    acts: Callable[[str], bool | None] = lambda _: False,
) -> list[Word]:
    """Two dictionary words that pinyin writes as one (GB/T 16159) made one word, with the
    two as its parts: a one-syllable verb and its one-syllable complement (买到 mǎidào, 系好
    jìhǎo), a noun and the one-syllable noun of the kind of shop, team or food it names
    (水果店 shuǐguǒdiàn, 篮球队, 薄荷茶), 小 or 老 and a surname (小周 Xiǎo Zhōu, a name).

    The parts keep their own readings, glosses and levels: a vocabulary list holds 买 and 到,
    not 买到. A verb's object (打 电话), a modal verb's verb (要 去), 了 and 着 as aspect, a
    potential form (吃 不 下, as the everyday gold set writes it) and a complement of degree
    after 得 (跑 得 快) stay apart, and so does a pair that the user's dictionary splits.
    `acts` says whether a dictionary names an action first for a character: a verb that
    jieba tags as something else (省 n, 按 p) takes its complement all the same (省下 shěngxià).
    """
    result: list[Word] = []
    i = 0
    while i < len(words):
        pair = tuple(words[i : i + 2])
        familiar = len(pair) == 2 and _familiar(pair)
        if (
            len(pair) == 2
            and pair[0].text + pair[1].text not in user_words
            and (familiar or _with_complement(words, i, acts) or _with_kind(words, i))
        ):
            result.append(
                Word(
                    text="".join(p.text for p in pair),
                    reading=tuple(s for p in pair for s in p.reading),
                    pos=pair[1].pos if familiar else pair[0].pos,
                    uncertain=any(p.uncertain for p in pair),
                    parts=pair,
                )
            )
            i += 2
        else:
            result.append(words[i])
            i += 1
    return result


# One-syllable nouns that name the kind of a shop, a team, a place, a dish or a ticket after
# the noun that says which (水果店, 篮球队, 无线网, 家乡菜, 红烧鱼, 纸质书, 火车票): GB/T 16159
# joins a name of one concept of three syllables (xǐyījī); no dictionary lists most of them.
_KINDS = frozenset("店馆站队网厂室院楼场课费证卡票茶菜药汤面酒书线鱼饭局组键柜")
_COMMON_NOUNS = frozenset({"n", "nz", "vn"})
# One-syllable nouns of a rate or an amount after what is done (近视率, 下载量, 阅读量), and
# of a person after what they do (收银员, 快递员, 面试官): joined as the kinds are.
_RATES = frozenset("率量")
_DOERS = frozenset("员官")
_DOINGS = frozenset({"n", "nz", "v", "vn"})


def _familiar(pair: Sequence[Word]) -> bool:
    """Whether two words are 小 or 老 and the surname they make a name of (小周 Xiǎo Zhōu, 老王):
    one name, written as GB/T 16159 writes it, two capitalised syllables."""
    lead, name = pair
    capitals = all(_one_syllable(w) and w.reading[0][:1].isupper() for w in pair)
    return capitals and lead.text in "小老" and name.pos in PERSON


def _with_kind(words: Sequence[Word], i: int) -> bool:
    """Whether the word at `i` is a common noun and the next the kind it names (水果 店), or
    what is done and its rate or doer (下载 量, 收银 员)."""
    noun, kind = words[i], words[i + 1]
    if len(noun.text) != 2 or len(noun.reading) != 2 or not _one_syllable(kind):
        return False
    if not all(noun.reading) or noun.reading[0][:1].isupper():
        return False  # a name, even one jieba tags a common noun
    counted = [w.pos[:1] for w in words[max(0, i - 2) : i]]
    if counted[-1:] == ["m"] or counted == ["m", "a"]:
        return False  # 一桌子 菜, 一大桌子 菜: the noun counts the dish
    if kind.text in _RATES:
        return noun.pos in ("v", "vn")  # 下载量; not 妈妈 量 (体温), a verb
    if kind.text in _DOERS:
        return noun.pos in _DOINGS
    return noun.pos in _COMMON_NOUNS and kind.text in _KINDS and kind.pos[:1] == "n"


def _with_complement(words: Sequence[Word], i: int, acts: Callable[[str], bool | None]) -> bool:
    """Whether the word at `i` is a one-syllable verb and the next one its complement."""
    verb = words[i]
    if not _one_syllable(verb) or verb.text in _NOT_HOSTS:
        return False
    extremely = words[i + 1].text == "极" and len(words) > i + 2 and words[i + 2].text == "了"
    if extremely and verb.reading[0][:1].islower():
        return True  # 好极了 hǎojí le, 美极了 (jieba's 美 "America"): how good, then 了
    # ... and only where it stands as a predicate: after a word that is no measure word,
    # number, adjective or particle (这场 雨 下了, 小 包 回家 are nouns and what they do)
    acting = (
        verb.pos[:1] in _ACTING_TAGS
        and i > 0
        and bool(words[i - 1].reading)
        and words[i - 1].pos[:1] not in _NOT_BEFORE_ACTING
        and words[i + 1].text in RESULTS
        and words[i + 1].text not in _DEGREES
        and bool(acts(verb.text))
    )
    if verb.pos not in _HOST_TAGS and verb.text not in _VERB_AS_PREPOSITION and not acting:
        return False
    if not _one_syllable(words[i + 1]):
        return False
    complement = words[i + 1]
    before = words[i - 1] if i else None
    after = words[i + 2].text if i + 2 < len(words) else ""
    if complement.text == verb.text:
        return False  # 走走, 看看: a verb doubled
    if before is not None and before.pos == "p" and before.text not in _PASSIVE:
        return False  # 在 树上, 从 旧 到 新: the object of a preposition, not a verb
    if complement.text in "上下" and verb.text in THINGS:
        return False  # 树上, 车上: a thing and where on it, though jieba tags 树 a verb
    again = i >= 2 and words[i - 2].text == verb.text
    if complement.text in "来去" and (after == verb.text or again):
        return False  # 游来游去: a verb with 来, then again with 去
    return _takes(verb, complement, after)


def _takes(verb: Word, complement: Word, after: str) -> bool:
    """Whether `complement` is a complement of `verb`, judged by the word `after` it too."""
    text = complement.text
    if after.startswith("得"):
        return False  # 花开得好, 做完得: a complement of degree follows the verb itself
    adverb = verb.text in _ADVERBIAL
    if text in _DEGREES and verb.text in _ADJUSTING:
        return True  # 调高 售价: how far it is set, whatever follows
    if text in _DEGREES and (after in _DEGREE_AFTER or not _chinese(after)):
        return not adverb or text == "多"  # 长高了, 开快点, 好多了; not 不大高
    if text not in RESULTS or (verb.pos[:1] == "a" and adverb):
        return False
    if text == "着" and complement.reading[:1] != ("zhao2",):
        return False  # 看着 kànzhe is aspect, 睡着 shuìzháo a result
    if text in "上下" and after[:1] in _OPENING:
        return False  # 说 下周一, 分析了 上万
    if verb.text in "来去":
        return text == "成"  # 来 住, 去 买: two verbs; 没去成 a result
    return True


def _chinese(text: str) -> bool:
    """Whether a word's text starts with a Chinese character (not punctuation, not empty)."""
    return bool(text) and HAN.match(text) is not None


def _one_syllable(word: Word) -> bool:
    """Whether a word is one Chinese character with its reading."""
    return len(word.text) == 1 and len(word.reading) == 1 and bool(word.reading[0])


# jieba's tags of a phrase of a verb and its object that its dictionary holds as one word
# (打电话 l, 打喷嚏 v), not of a name of one concept (停车场 n).
_PHRASE_TAGS = frozenset({"v", "l"})
# 不 and 得 inside make a potential form (看不起, 来得及), 一 a verb tried (看一看).
_NOT_OBJECTS = frozenset("不得一")
# 有 and 无 make words of their objects (有意思 yǒuyìsi, 有时候, 无所谓).
_MAKING_WORDS = frozenset("有无")
# What a verb's direction is, written apart from it too but no object (站 起来, 走 过去).
_DIRECTIONS = frozenset(
    "起来 出来 过去 下去 上来 进来 回来 下来 出去 进去 回去 过来 上去 开来".split()
)


def objects_apart(
    words: Sequence[Word], is_verb: Callable[[str], bool], is_word: Callable[[str], bool]
) -> list[Word]:
    """A phrase of a one-syllable verb and a two-syllable object that the word lists hold as
    one item keeps its meaning as one word, its pinyin written as GB/T 16159 writes a verb
    and its object, apart: 打电话 dǎ diànhuà, 没关系 méi guānxi, 添麻烦 tiān máfan."""
    return [
        replace(word, apart=(1,)) if _verb_and_object(word, is_verb, is_word) else word
        for word in words
    ]


def _verb_and_object(
    word: Word, is_verb: Callable[[str], bool], is_word: Callable[[str], bool]
) -> bool:
    """Whether a word is a one-syllable verb and its two-syllable object (打 电话)."""
    text = word.text
    if len(text) != 3 or len(word.reading) != 3 or word.parts or word.apart:
        return False
    if word.pos not in _PHRASE_TAGS or not all(word.reading):
        return False
    if any(s[:1].isupper() for s in word.reading) or text[0] in _MAKING_WORDS:
        return False
    if text[1] in _NOT_OBJECTS or text[1:] in _DIRECTIONS or text[2] == ERHUA:
        return False
    return is_verb(text[0]) and is_word(text[1:])
