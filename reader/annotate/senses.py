"""Senses in context: which of a word's dictionary senses its neighbours call for.

CC-CEDICT lists a character's senses in no order a learner can use (别 "to leave" before
"don't", 点 "point" before "o'clock"). Each rule below names a context that Xiandai Hanyu
Cidian tells apart and the CC-CEDICT sense it calls for; the gloss puts that sense first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from reader.model import Word

# Everyday senses of HSK 1-4 words whose CC-CEDICT entry lists another first, chosen by
# lexicographers for the general everyday sense (never for one sentence).
_EVERYDAY = "everyday-senses.tsv"

CLASSIFIER = "classifier"
"""The wanted sense of a measure word after a number: any of its classifier senses."""

_CLASSIFIER_SENSE = re.compile(r"\bclassifier\b|\bmeasure word\b")
# Numbers and demonstratives that a measure word follows.
_COUNTING = frozenset("一二两三四五六七八九十百千万几这那哪每半某各整0123456789")
# jieba's tags of what an adverb or a modal stands before: verbs, adjectives, other adverbs.
_HEADS = ("v", "a", "d")
# 吃了点东西: a verb's aspect particle.
_DONE = frozenset("了")
# Words of a sentence that gives a distance, and the tags of the places it is measured from.
_DISTANCES = frozenset("远近米里")
_PLACES = ("n", "r", "s")
_OF = frozenset("的")
# The last characters of words for vehicles (车, 飞机, 船, 地铁, 公交).
_VEHICLES = frozenset("车机船铁交")
# Degree words and 得 before a judgement (很不错, 打得不错).
_DEGREE = frozenset("很 挺 真 得 还 都 也 非常 特别 相当".split())
_NUMERALS = frozenset("一二两三四五六七八九十几半")
# What comes first when 再 is "then" (先…再…, 等…再…), what follows 连 "even", and negation.
_FIRST = frozenset("先等")
_EVEN = frozenset("都也")
_NOT = frozenset("不没")
_DISCOUNT = frozenset("折")
_GROWING = frozenset("买 卖 种 洗 切 摘".split())
_LATE = frozenset("很 太 到 这么 那么 多".split())
_SCHOOLING = frozenset("学课班中")
_JUDGING = frozenset("不 很 得 都 也 挺 真".split())
_CHANGE = frozenset("钱 零")
_AMOUNTS = frozenset("分钟 小时 天 年 块 元 钱 公里 米".split())
_MONEY = frozenset("块 元 毛 钱 零".split())
_FUTURE = frozenset("明天 明年 以后 将来 后天 下周 晚上 一会儿 待会儿".split())
# Punctuation that ends a clause (not an opening quote or bracket: 对“为什么…”).
_CLAUSE_ENDS = frozenset("，。！？；：、,.!?;:…”’）)」』")
# Particles that close a clause.
_CLOSING = frozenset("了吗吧啊呢呀")
# Adverbs before 行 "all right" (就行, 也行, 不行).
_BEFORE_OK = frozenset("就也都才不还")
# What stands between 给 and the thing given (给我三十块): a person.
_RECEIVERS = ("r", "n")
# Words for units of time that 下 "next" and 上 "last" stand before (下周, 下个月, 下次).
_TIME_UNITS = frozenset("周次个星月回学")


@dataclass(frozen=True, slots=True)
class Neighbours:
    """A word with its neighbours in its sentence."""

    word: Word
    before: Word | None
    after: Word | None
    sentence: str
    further: Word | None = None
    """The word after `after`."""

    def before_head(self) -> bool:
        """Whether the next word is a verb, an adjective or an adverb (别|担心, 先|走)."""
        after = self.after
        return after is not None and after.is_chinese and after.pos.startswith(_HEADS)

    def before_word(self) -> bool:
        """Whether a word that is not a particle follows (别|误会, 先|跑步: jieba's tags
        call many verbs nouns, and 别, 先 stand alone only as adverbs)."""
        after = self.after
        return after is not None and after.is_chinese and after.pos[:1] not in ("u", "y")

    def after_verb(self) -> bool:
        """Whether a verb or an adjective stands before this word (吃点儿, 便宜点儿)."""
        before = self.before
        return before is not None and before.pos[:1] in ("v", "a")

    def counted(self) -> bool:
        """Whether a number or a demonstrative stands before this word."""
        return self.before is not None and self.before.text[-1:] in _COUNTING

    def ends_clause(self) -> bool:
        """Whether nothing but a sentence particle or punctuation follows (就行了, 行吗)."""
        after = self.after
        if after is None or after.text in _CLOSING:
            return True
        return not after.is_chinese and after.text.lstrip()[:1] in _CLAUSE_ENDS

    def after_chinese(self) -> bool:
        """Whether a Chinese word stands before this one (吃完饭|后, not 后 opening a clause)."""
        return self.before is not None and self.before.is_chinese


ANOTHER = "="
"""Marks a wanted sense that is another word's gloss (点儿 after a verb: 一点儿)."""


def _before_noun(spot: Neighbours) -> bool:
    after = spot.after
    return after is not None and after.pos[:1] == "n" and after.text[:1] != "钱"


def _after_noun(spot: Neighbours) -> bool:
    before = spot.before
    return before is not None and before.is_chinese and before.pos[:1] in ("n", "r", "s")


def _before_thing(spot: Neighbours) -> bool:
    """Whether a noun follows, or a word jieba tags a verb but may be a thing (外卖)."""
    after = spot.after
    return after is not None and after.is_chinese and after.pos[:1] in ("n", "v")


def _after_any(spot: Neighbours, words: frozenset[str]) -> bool:
    return spot.before is not None and spot.before.text in words


def _before_any(spot: Neighbours, words: frozenset[str]) -> bool:
    return spot.after is not None and spot.after.text in words


def _earlier(spot: Neighbours, marks: frozenset[str], word: str) -> bool:
    """Whether one of the marks stands in the sentence before the word's first use."""
    at = spot.sentence.find(word)
    return any(0 <= spot.sentence.find(m) < at for m in marks)


def _later(spot: Neighbours, word: str, marks: frozenset[str]) -> bool:
    """Whether one of the marks stands in the sentence after the word's first use."""
    at = spot.sentence.find(word)
    return at >= 0 and any(m in spot.sentence[at + len(word) :] for m in marks)


def _said(spot: Neighbours, words: frozenset[str]) -> bool:
    return any(w in spot.sentence for w in words)


def _closing_le(spot: Neighbours) -> bool:
    """Whether the sentence closes on 了 (要下雨了)."""
    return spot.sentence.rstrip("。！？!?.… ")[-1:] == "了"


def _verb(spot: Neighbours) -> bool:
    return spot.word.pos[:1] == "v"


def _titled(spot: Neighbours) -> bool:
    """Whether the word is written with a capital: part of a name (老|王 Lǎo Wáng)."""
    return any(syllable[:1].isupper() for syllable in spot.word.reading)


def _near_vehicle(spot: Neighbours) -> bool:
    """Whether a vehicle stands right before or after the word (车开得很慢, 开汽车)."""
    return any(w is not None and w.text[-1:] in _VEHICLES for w in (spot.before, spot.after))


def _preposition(spot: Neighbours) -> bool:
    return spot.word.pos == "p"


def _distance(spot: Neighbours) -> bool:
    """离 before a place in a sentence of distances (我家离学校很远)."""
    after = spot.after
    near = any(c in spot.sentence for c in _DISTANCES)
    return _preposition(spot) or (near and after is not None and after.pos[:1] in _PLACES)


def _giving(spot: Neighbours) -> bool:
    """给 before a person and then what is given, not a verb (给我三十, 给了他三块)."""
    after, further = spot.after, spot.further
    if after is not None and after.text == "了":
        return True
    if after is None or after.pos[:1] not in _RECEIVERS:
        return False
    return further is None or not further.is_chinese or further.pos[:1] in ("m", "n", "q")


# What a word says after a number where that is not its classifier sense (三点 o'clock,
# 三十多 "... odd", 五度 degrees, 三倍 -fold).
_COUNTED = {
    "点": "o'clock",
    "号": "day of a month",
    "双": "pair",
    "分": "a point (in sports or games)|minute",
    "折": "tenth (in price)|discount",
    "多": "(after a numeral)",
    "度": "degree (angles, temperature",
    "倍": "-fold",
}

# For each word, the contexts that call for one of its senses, in order: (context, sense).
_RULES: dict[str, tuple[tuple[Callable[[Neighbours], bool], str], ...]] = {
    # One-character adverbs whose adverb sense CC-CEDICT lists after others, before a verb
    # or an adjective (别担心, 先走, 八点才起床, 刚到, 挺贵); not 老, which jieba's tags would
    # make "always" in 老邻居.
    "别": ((Neighbours.before_word, "don't"),),
    "先": ((Neighbours.before_word, "first"),),
    "才": ((Neighbours.before_head, "then and only then"),),
    "刚": ((Neighbours.before_head, "just"),),
    "太": ((Neighbours.before_head, "too (much)|very"),),
    "挺": ((Neighbours.before_head, "quite"),),
    "正": ((Neighbours.before_head, "just (at that time)"),),
    "光": ((Neighbours.before_head, "only"),),
    "白": ((Neighbours.before_head, "in vain"),),
    # 想 before a verb is wanting to do it (我想去), not thinking.
    "想": ((Neighbours.before_head, "to want"),),
    # 我们一块去: together (一块蛋糕 is cut in two, a number and its measure word).
    "一块": ((Neighbours.before_head, "together"),),
    "一块儿": ((Neighbours.before_head, "together"),),
    # 一…就…: as soon as (一有空就打电话).
    "一": ((lambda s: s.before_head() and "就" in s.sentence, "as soon as"),),
    # 越…越…: the more … the more.
    "越": ((lambda s: s.sentence.count("越") > 1, "the more"),),
    # 下周, 下个月, 下次: next; 上 is read with its own entries.
    # 下雨, 下雪 (split apart as a verb and its object): to rain, to snow.
    "下": (
        (lambda s: s.after is not None and s.after.text[:1] in _TIME_UNITS, "next"),
        (lambda s: s.after is not None and s.after.text[-1:] == "雨", f"{ANOTHER}下雨"),
        (lambda s: s.after is not None and s.after.text[-1:] == "雪", f"{ANOTHER}下雪"),
        (lambda s: s.after is not None and s.after.text[-1:] == "棋", f"{ANOTHER}下棋"),
    ),
    # 先吃饭再去, 等水开了再放面: then (and not until then).
    "再": ((lambda s: _earlier(s, _FIRST, "再"), "then (after sth"),),
    # 连饭都没吃: even.
    "连": ((lambda s: _later(s, "连", _EVEN), "even"),),
    # 不明白, 明白了: to understand (jieba tags it a name).
    "明白": ((lambda s: _after_any(s, _NOT) or _before_any(s, _CLOSING), "to understand"),),
    # 三天前, 春节前: before, ago.
    "前": ((lambda s: s.before is not None and s.before.pos[:1] in ("m", "t", "q"), "before|ago"),),
    # 点外卖, 点菜: to order (food).
    "点": (
        (lambda s: s.after_verb() or _after_any(s, _DONE), f"{ANOTHER}一点儿"),
        (lambda s: not s.counted() and _before_thing(s), "to order (food"),
    ),
    # 打篮球, 打球: to play.
    "打": (
        (
            lambda s: any(w is not None and w.text.endswith("球") for w in (s.after, s.before)),
            "to play",
        ),
        # 打八折: to give a discount.
        (lambda s: _later(s, "打", _DISCOUNT), f"{ANOTHER}打折"),
    ),
    # 好冷啊: so (before an adjective, for exclamation).
    "好": (
        (lambda s: s.after_verb() and s.ends_clause(), "(verb complement"),
        (lambda s: s.after is not None and s.after.pos[:1] == "a", "exclamatory effect) so"),
    ),
    # 睡不着, 睡得着: 着 zháo as a complement, succeeding in it.
    "着": ((lambda s: s.before is not None and s.before.text in ("不", "得"), "(after a verb)"),),
    # 花钱, 花了两个小时: to spend.
    "花": ((lambda s: s.after is not None and s.after.text[:1] in ("钱", "时", "了"), "to spend"),),
    # 三块钱, 三十五块: money; before a noun (一块蛋糕) it counts pieces.
    "块": ((lambda s: s.counted() and not _before_noun(s), "money"),),
    # 吃点儿, 便宜点儿, 小心点儿: a little, as 一点儿 says; 点儿 is "o'clock" only after a
    # number, and a dot hardly ever.
    "点儿": ((lambda s: not s.counted(), f"{ANOTHER}一点儿"),),
    # 您给我三十: to give; 给您倒杯茶: for.
    "给": ((_giving, "to give"),),
    # 就行了, 行吗: all right.
    "行": ((lambda s: _after_any(s, _BEFORE_OK) or s.ends_clause(), "all right"),),
    # 倒水, 倒杯茶: to pour (倒 dǎo "to fall" has no such sense).
    "倒": ((lambda s: s.after is not None and s.after.pos[:1] in ("n", "q", "m"), "to pour"),),
    # Prepositions, where jieba tags them so: the preposition's sense, not the verb's.
    "在": (
        (Neighbours.before_head, "(used before a verb"),
        (_preposition, "to be (located) at"),
    ),
    "跟": ((_preposition, "with"),),
    "对": (
        # 说得对, 不对, 对吗: right, correct.
        (lambda s: _after_any(s, _JUDGING) or s.ends_clause(), "right; correct"),
        (_preposition, "towards|for|concerning"),
    ),
    # 请坐, 请你介绍一下 (opening a clause): please; 我请你吃饭: to invite, to treat.
    "请": (
        (
            lambda s: (
                s.before is None
                or not s.before.is_chinese
                or (s.after is not None and s.after.pos[:1] in ("v", "p"))
            ),
            "please (do sth)",
        ),
        (lambda s: s.after is not None and s.after.pos[:1] in _RECEIVERS, "to invite|to treat"),
    ),
    # 找你五块, 找钱: to give change.
    "找": ((lambda s: _later(s, "找", _CHANGE) and _later(s, "找", _MONEY), "to give change"),),
    # 明天会下雨: to be likely to.
    "会": ((lambda s: s.before_head() and _said(s, _FUTURE), "to be likely to"),),
    "把": ((_preposition, "(used to put the object before the verb"),),
    "离": ((_distance, "(in giving distances) from"),),
    "比": ((_preposition, "more {adj.} than"),),
    "被": ((_preposition, "used to indicate passive voice"),),
    "向": ((_preposition, "towards"),),
    # The verbs' everyday senses before CC-CEDICT's first ones (带 "band", 干 "tree trunk").
    "带": ((_verb, "to carry|to take along|to bring"),),
    "干": ((_verb, "to do|to work"),),
    "回": ((_verb, "to go back|to return"),),
    # 让他去, 让我很感动: to let, to make (not "to yield").
    "让": ((lambda s: s.after is not None and s.after.pos[:1] in _RECEIVERS, "to let|to make"),),
    # 多大, 多远: how; 四个多小时: … odd.
    "多": (
        (lambda s: s.after is not None and s.after.pos[:1] == "a", "how (to what extent)"),
        (lambda s: s.before is not None and s.before.pos[:1] == "q", "(after a numeral)"),
    ),
    # 开车, 车开得很慢: to drive (CC-CEDICT: to operate).
    "开": ((_near_vehicle, "to operate|to run"),),
    # 坐车, 坐飞机, 坐地铁: to take (a vehicle).
    "坐": ((lambda s: s.after is not None and s.after.text[-1:] in _VEHICLES, "to take (a bus"),),
    # 很不错, 打得不错: not bad.
    "不错": ((lambda s: _after_any(s, _DEGREE), "not bad|pretty good"),),
    # 只要半个小时, 要五分钟: to need (an amount).
    "要": (
        # 要五分钟, 要三十块: to take, to need (time, money); 要一杯茶: to want.
        (
            lambda s: (
                s.after is not None and s.after.text[:1] in _NUMERALS and _later(s, "要", _AMOUNTS)
            ),
            "to need",
        ),
        # 要下雨了, 快要到了: about to.
        (lambda s: s.before_head() and _closing_le(s), "about to|will"),
    ),
    "做": ((_verb, "to do|to make"),),
    # 我的包, 一个包: a bag, not "to wrap".
    "包": ((lambda s: s.before is not None and s.before.text[-1:] in ("的", "个", "只"), "bag"),),
    # 背课文, 背单词 (bèi): to learn by heart; 背 bēi "to carry" is another entry.
    "背": ((lambda s: s.after is not None and s.after.pos.startswith("n"), "to learn by heart"),),
    # 老王 Lǎo Wáng: the prefix of a familiar name; 小李: "young".
    "老": ((_titled, "prefix used before the surname"),),
    "小": ((_titled, "young"),),
    # 特别好吃, 一般吃面包: especially, generally (before what they qualify).
    "特别": ((Neighbours.before_head, "especially"),),
    "一般": ((Neighbours.before_head, "generally"),),
    # 买菜, 卖了十几年菜, 种菜: vegetables (elsewhere 菜 is most often a dish).
    "菜": ((lambda s: _earlier(s, _GROWING, "菜"), "vegetable"),),
    # 很晚, 到很晚: late.
    "晚": ((lambda s: _after_any(s, _LATE), "late"),),
    # 上学, 上初中, 上课: to attend.
    "上": (
        (lambda s: s.after is not None and s.after.text[-1:] in _SCHOOLING, "to attend"),
        (_after_noun, "(noun suffix) on"),
    ),
    # 办一个新的。, 是去年来的。: the 的 that makes a noun or closes a statement, not "of".
    "的": (
        (
            lambda s: s.ends_clause() and "是" in s.sentence,
            "(used at the end of a declarative sentence|(used to form a nominal expression)",
        ),
        (Neighbours.ends_clause, "(used to form a nominal expression)"),
    ),
    # 你喝茶还是喝咖啡？: or, in a question.
    "还是": ((lambda s: "？" in s.sentence or "?" in s.sentence, "or"),),
    # 朋友的话: what someone said.
    "话": ((lambda s: _after_any(s, _OF), "what sb said|words"),),
    # 地里, 桌子上: inside, on (a locative after its noun).
    "里": ((_after_noun, "inside"),),
    # 下课后, 三天后: after.
    "后": ((Neighbours.after_chinese, "after"),),
    # 长 zhǎng before 得, 大, 高: to grow (her 长得很高); the entry read cháng has no such sense.
    "长": ((lambda s: s.after is not None and s.after.text[:1] in "得大高胖", "to grow"),),
}


@functools.cache
def _everyday() -> dict[tuple[str, tuple[str, ...]], str]:
    """`everyday-senses.tsv`: word, numbered reading and the senses to show first."""
    table: dict[tuple[str, tuple[str, ...]], str] = {}
    text = resources.files(__package__).joinpath(_EVERYDAY).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, reading, lead = line.split("\t")
            table[(word, tuple(reading.split()))] = lead
    return table


def everyday_sense(word: str, reading: Sequence[str]) -> str:
    """The senses of a word read one way that everyday text uses most, to show first where
    CC-CEDICT lists an older or rarer one first (店 "shop", 热 "hot"); "" for most words."""
    return _everyday().get((word, tuple(s.lower() for s in reading)), "")


def wanted_sense(spot: Neighbours) -> str:
    """The sense the word's neighbours call for, or "" when they call for none."""
    text = spot.word.text
    for context, sense in _RULES.get(text, ()):
        if context(spot):
            return sense
    before = spot.before
    if len(text) == 1 and before is not None and before.text[-1:] in _COUNTING:
        return _COUNTED.get(text, CLASSIFIER)
    return ""


def in_use(senses: Sequence[str], wanted: str) -> Sequence[str]:
    """The senses with the wanted ones first (a measure word's classifier senses first);
    `wanted` may name several, `|` between them, in the order they are to come. A wanted
    sense inside a group (`to want; to need; to ask for`) comes out of it to the front."""
    if not wanted:
        return senses
    parts = [[p for p in sense.split("; ") if p] for sense in senses]
    first: list[str] = []
    for one in wanted.split("|"):
        found = [p for group in parts for p in group if _fits(p, one) and p not in first]
        exact = [p for p in found if p == one]
        first.extend(dict.fromkeys([*exact, *found]))
    rest = ["; ".join(p for p in group if p not in first) for group in parts]
    return (*first, *(r for r in rest if r))


def _fits(sense: str, wanted: str) -> bool:
    return bool(_CLASSIFIER_SENSE.search(sense)) if wanted == CLASSIFIER else wanted in sense
