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

from reader.annotate.numbers import value
from reader.annotate.rules import COOKED, MIXED, SERVED
from reader.model import Word

# Everyday senses of HSK 1-4 words whose CC-CEDICT entry lists another first, chosen by
# lexicographers for the general everyday sense (never for one sentence).
_EVERYDAY = "everyday-senses.tsv"

CLASSIFIER = "classifier"
"""The wanted sense of a measure word after a number: any of its classifier senses."""

_CLASSIFIER_SENSE = re.compile(r"\bclassifier\b|\bmeasure word\b")
# Numbers and demonstratives that a measure word follows.
_COUNTING = frozenset("一二两三四五六七八九十百千万几多这那哪每半某各整0123456789")
# jieba's tags of what an adverb or a modal stands before: verbs, adjectives, other adverbs.
_HEADS = ("v", "a", "d")
# 吃了点东西: a verb's aspect particle.
_DONE = frozenset("了")
# Words of a sentence that gives a distance, and the tags of the places it is measured from.
_DISTANCES = frozenset("远近米里")
_PLACES = ("n", "r", "s")
_OF = frozenset("的")
# The most days a month has: a larger number before 号 is a size (三十八号).
_DAYS = 31
# What is worn, in sizes (三十八号的鞋).
_WORN = frozenset("鞋 衣 裤 裙 帽 衬衫 袜".split())
# What runs short: before 紧张 it is scarce, not nervous (供应紧张, 时间很紧张).
_SCARCE = frozenset(
    "供应 时间 资金 住房 房源 车票 粮食 物资 人手 经费 床位 门票 机票 座位 房间".split()
)
# How fast: after 开 (开快点), it is driving.
_SPEEDS = frozenset({"快", "慢", "快点", "慢点"})
# Where one is called to, or what it does (叫到, 叫来, 叫醒).
_CALLED_TO = frozenset({"到", "来", "去", "回", "醒", "进", "出", "起", "回来", "进来", "过来"})
# The last characters of words for vehicles (车, 飞机, 船, 地铁, 公交).
_VEHICLES = frozenset("车机船铁交")
# Degree words and 得 before a judgement (很不错, 打得不错).
_DEGREE = frozenset("很 挺 真 得 还 都 也 非常 特别 相当".split())
_NUMERALS = frozenset("一二两三四五六七八九十几半")
# What comes first when 再 is "then" (先…再…, 等…再…), what follows 连 "even", and negation.
_FIRST = frozenset("先 等 以后 之后".split())
_EVEN = frozenset("都也")
_NOT = frozenset("不没")
_DISCOUNT = frozenset("折")
_GROWING = frozenset("买 卖 种 洗 切 摘".split())
_LATE = frozenset("很 太 到 这么 那么 多".split())
_SCHOOLING = frozenset("学课班中")
_JUDGING = frozenset("不 很 得 都 也 挺 真".split())
_TOO = frozenset("太")
_INFIXED = frozenset("不得")
# What follows 好 "well" when something gets better (好起来, 好多了).
_BECOMING = frozenset("起来 起 过来 下去 多".split())
# Dishes ordered (点了两个菜, 点了一份饺子), and how their names end (一条鱼, 一碗汤).
_DISHES = frozenset("份 碗 盘 杯 瓶 壶 饺子 包子 咖啡 啤酒 饮料 外卖 披萨".split())
_DISH_ENDS = frozenset("菜汤饭面鱼肉鸡鸭茶酒粥")
# What is lit (点烟, 点灯).
_LIT = frozenset("烟 香烟 火 灯 蜡烛 油灯 火柴".split())
_ALL = frozenset({"都"})
# Whom a question is put to (你看行吗), and the verdicts asked for.
_ADDRESSED = frozenset("你 您 你们".split())
_VERDICTS = frozenset("行 怎么样 可以 好不好 行不行 合适 这样 如何".split())
# Times that 就 after them makes early (从小就, 很早就): already then.
_EARLY = frozenset("从小 小时候 很早 早早 早".split())
_ALREADY = frozenset("就 已 已经".split())
# Adjectives that say how something is to be done, before its verb (早点儿回家, 快走, 多吃).
_HOW_DONE = frozenset("早快多少慢")
_CHANGE = frozenset("钱 零")
_AMOUNTS = frozenset("分钟 小时 天 年 块 元 钱 公里 米".split())
_MONEY = frozenset("块 元 毛 钱 零".split())
_FUTURE = frozenset(
    """
    明天 明年 以后 将来 后天 下周 晚上 一会儿 待会儿 这个周末 今晚 预报 可能 也许 一定 肯定
    """.split()
)
# What stands before 会 "meeting" (明天的会, 开个会, 这次会).
_HELD = frozenset("的 个 次 场 开".split())
# More words of degree before what runs short (门票十分紧张).
_MORE_DEGREES = frozenset("十分 比较 有点儿 有些 越来越 更加".split())
# What 贵 "your" honours (贵公司, 贵姓, 贵校).
_HONOURED = frozenset("公司 姓 国 校 方 店 单位".split())
# What follows 十一 "National Day" (十一假期, 十一长假).
_HOLIDAYS = frozenset("假期 长假 黄金周 放假 期间".split())
# What 冲 rinses or flushes (冲水, 冲马桶, 冲澡).
_RINSED = frozenset("水马澡厕洗")
# What an 应用 "app" runs on or is got from.
_DEVICES = frozenset("手机 软件 下载 安装 平板 电脑 商店".split())
# Verbs after which 起来 says how a thing seems (看起来, 吃起来, 听起来).
_PERCEIVING = frozenset("看 听 闻 吃 喝 尝 摸 用 穿 说 读 玩 做 开".split())
# Verbs that 起来 after them says go up (站起来, 拿起来).
_RISING = frozenset("站坐爬跳抬举拿捡飞升扶立")
# Complements of 包 "to wrap" (包好, 包起来, 包住).
_WRAPPED = frozenset("好 起来 起 住 成 上".split())
# What 可 stresses (你可别…, 可要, 可真, 可不能).
_STRESSED = frozenset("别 要 真 不能 不 千万 得".split())
# 急得哭了: worried (得).
_OF_DEGREE = frozenset("得")
# Punctuation that ends a clause (not an opening quote or bracket: 对“为什么…”).
_CLAUSE_ENDS = frozenset("，。！？；：、,.!?;:…”’）)」』")
# Particles that close a clause.
_CLOSING = frozenset("了吗吧啊呢呀")
# Comparatives before 快 "quick" (更快, 越来越快).
_MORE = frozenset("更 越 最 比较 这么 那么 多么".split())
_WEATHER = frozenset("雨雪")
# What a concession opens with, anywhere before 也, and near it, in its clause.
_CONCEDING = frozenset("即使 无论 不管 哪怕 即便 就算".split())
_CONCEDING_NEAR = frozenset("半天 再 怎么".split())
_ONE_BIT = frozenset("一点儿 一点 一下 一句 一口 一个 一分钱".split())
_ANY = frozenset("谁 什么 哪儿 哪里 任何".split())
# Verbs of motion jieba tags locatives (想上个厕所, 想去).
_MOTIONS = frozenset("上 下 去 来 回 出 进".split())
_PHOTOS = frozenset("照片 相 相片 合影".split())
_DIRECTIONS = frozenset("前后左右东西南北上下里外")
# What a doctor or a shop writes out (开药, 开发票).
_WRITTEN_OUT = frozenset("药 药方 处方 发票 证明 收据 单子 病假条".split())
_BEING = frozenset("是 有 在".split())
# Degree words before 多 "many" (很多, 太多, 那么多).
_MANY = frozenset("很 太 好 这么 那么 非常 特别 相当 挺 真".split())
# 要多长时间, 要多少钱, 要多久: how much something takes.
_HOW_MUCH = frozenset("多长 多少 多久".split())
_HOW = frozenset("长 少 久".split())
# What 还 "still" stands before at a clause's start (，还在下雨, 还要等多久, 还得再写).
_STILL_BEFORE = frozenset("是 有 在 要 得 需要".split())
_ASPECTS = frozenset("了着过起")
# What 见 meets: 见一次面, 见过面, 见个面.
_MEETING = frozenset("见")
# 从…起, 自…起: starting from.
_FROM = frozenset("从自")
# Adverbs before 行 "all right" (就行, 也行, 不行).
_BEFORE_OK = frozenset("就也都才不还")
# What stands between 给 and the thing given (给我三十块): a person.
_RECEIVERS = ("r", "n")
# Words for units of time that 下 "next" and 上 "last" stand before (下周, 下个月, 下次).
_TIME_UNITS = frozenset("周次星月回学礼")
# People who have others do things (老师让我们背课文, 护士让我在外边等).
_ASKERS = frozenset("老师 妈妈 爸爸 医生 护士 老板 经理 父母 爷爷 奶奶 警察 领导".split())
# What is played (打篮球, 打牌).
_PLAYED = ("球", "牌")
# What is switched on and off.
_MACHINES = frozenset("灯 电视 空调 电脑 手机 电 火 暖气 风扇 音乐 收音机 电灯".split())
_MACHINE_ENDS = frozenset("灯机")
# What joins the items of a list before 等 "and so on".
_LISTING = frozenset("、 和 及 以及 或".split())
# Where one is taken to (送我到地铁站).
_REACHING = frozenset("到")


@dataclass(frozen=True, slots=True)
class Neighbours:
    """A word with its neighbours in its sentence."""

    word: Word
    before: Word | None
    after: Word | None
    sentence: str
    further: Word | None = None
    """The word after `after`."""
    rest: tuple[Word, ...] = ()
    """The words after this one in its sentence."""
    earlier: tuple[Word, ...] = ()
    """The words before this one in its sentence."""
    complement: bool = False
    """Whether the word is the complement of the verb before it, the two written as one word
    (系好, 走到: see `Word.parts`)."""

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


# What says a sum is spoken of, besides the sum itself.
_PRICES = frozenset("钱 价 买 卖 付 找 花 贵 便宜 元 毛 费 收 一共 多少 给".split())


def _priced(spot: Neighbours) -> bool:
    """Whether a sum is spoken of: not one after a verb or 了 (青了一块, 切一块) in a sentence
    that says nothing of a price or a payment (找了我一块, 这个一块)."""
    if spot.before is None or spot.before.text != "一" or len(spot.earlier) < 2:
        return True
    acted = spot.earlier[-2].text == "了" or spot.earlier[-2].pos[:1] == "v"
    return not acted or any(w in spot.sentence for w in _PRICES)


# Times that a verb goes on until (学到十一点, 聊到半夜), as segment._UNTIL_TIMES, which this
# module cannot import (segment → names → resources → dictionary → senses).
_UNTIL = frozenset("半夜 深夜 凌晨 天亮 加时赛".split())


def _until_time(spot: Neighbours) -> bool:
    """Whether 到 follows a verb and comes before a time it goes on until (学到十一点半)."""
    before, after = spot.before, spot.after
    if before is None or before.pos[:1] != "v" or after is None:
        return False
    clock = after.pos[:1] == "m" and spot.further is not None and spot.further.text in ("点", "号")
    return clock or after.text in _UNTIL


# What is clicked on a screen (点链接, 点“发送”, 点一下图标).
_CLICKED = frozenset("链接 按钮 图标 网址 网页 这里 下载 确定 发送 登录 注册".split())


def _clicked(spot: Neighbours) -> bool:
    """Whether 点 clicks: a quoted label right after it, or what a screen shows soon after."""
    after = spot.after
    if after is None or spot.counted():
        return False
    if not after.is_chinese and after.text.lstrip()[:1] in "“「":
        return True
    return any(w.text in _CLICKED for w in spot.rest[:6])


def _before_noun(spot: Neighbours) -> bool:
    after = spot.after
    return after is not None and after.pos[:1] == "n" and after.text[:1] != "钱"


def _after_noun(spot: Neighbours) -> bool:
    before = spot.before
    return before is not None and before.is_chinese and before.pos[:1] in ("n", "r", "s")


def _before_time(spot: Neighbours) -> bool:
    """Whether a unit of time follows (下周, 上次, 下个月; not 上个厕所)."""
    after, further = spot.after, spot.further
    if after is None:
        return False
    if after.text == "个":
        return further is not None and further.text[:1] in _TIME_UNITS
    return after.text[:1] in _TIME_UNITS


def _before_person_and_number(spot: Neighbours) -> bool:
    """Whether a person and then a number follow, with an aspect particle between (找了我
    五毛)."""
    rest = [w for w in spot.rest[:_BETWEEN_MOST] if w.text not in _ASPECTS]
    return len(rest) > 1 and rest[0].pos[:1] == "r" and rest[1].text[:1] in _NUMERALS


def _conceded(spot: Neighbours) -> bool:
    """也 after a concession: 即使, 无论, 不管, 哪怕 earlier in the sentence, or 半天, 再, 怎么
    earlier in its clause (想了半天也不会做, 再忙也得吃饭)."""
    earlier = [w.text for w in spot.earlier]
    clause = []
    for text in reversed(earlier):
        if text.strip()[:1] in _CLAUSE_ENDS:
            break
        clause.append(text)
    return any(t in _CONCEDING for t in earlier) or any(t in _CONCEDING_NEAR for t in clause)


def _stressed(spot: Neighbours) -> bool:
    """也 after one of something or a question word (一口也吃不下, 一点儿也不怕, 谁也不理, 什么也
    没买): the 也 of emphasis, "(not) even"."""
    earlier = spot.earlier[-4:]
    ones = any(w.text == "一" or w.text in _ONE_BIT for w in earlier)
    return ones or any(w.text in _ANY for w in earlier)


def _on_thing(spot: Neighbours) -> bool:
    """上 after a thing or a place, not a verb's aspect after a person (桌子上, 墙上; not
    他上了车)."""
    before, after, further = spot.before, spot.after, spot.further
    thing = before is not None and before.is_chinese and before.pos[:1] in ("n", "s")
    if not thing or before is None or before.pos[:2] == "nr":
        return False
    # 妈妈上了车: the verb, its object after the particle; 忘在出租车上了。: on.
    aspect = after is not None and after.text in _ASPECTS
    return not (aspect and further is not None and further.is_chinese)


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


def _clause(spot: Neighbours) -> str:
    """The clause of the sentence that holds the word's first use (快到了 in 天快黑了，…)."""
    at = spot.sentence.find(spot.word.text)
    if at < 0:
        return ""
    start = max(spot.sentence.rfind(c, 0, at) for c in _CLAUSE_ENDS) + 1
    ends = [i for c in _CLAUSE_ENDS if (i := spot.sentence.find(c, at)) >= 0]
    return spot.sentence[start : min(ends, default=len(spot.sentence))]


def _opens_clause(spot: Neighbours) -> bool:
    """Whether the word opens its clause: nothing Chinese stands before it."""
    return spot.before is None or not spot.before.is_chinese


def _almost(spot: Neighbours) -> bool:
    """快 before what is nearly so, in a clause that closes on 了 (天快黑了, 快十点了) or
    before 到 (快到终点的时候); not 跑得快了, 太快了."""
    after, before = spot.after, spot.before
    if after is None or not after.is_chinese or after.text in _CLOSING:
        return False
    if before is not None and before.text in (_DEGREE | _MORE) - _ALL:
        return False  # 跑得快了, 太快了; but 天都快黑了
    clause = _clause(spot).rstrip(" ")
    return clause.endswith("了") or after.text[:1] == "到"


def _fallen(spot: Neighbours) -> bool:
    """下 with rain or snow before it (雪下得很大, 这场雨下了三天): to fall."""
    before = spot.before
    return before is not None and before.text[-1:] in _WEATHER


def _weather_after(spot: Neighbours, kind: str) -> bool:
    """下 followed by an aspect particle and, later in its clause, rain or snow
    (下了一场大雪): the verb of 下雪, split apart."""
    after = spot.after
    if after is None or after.text not in _ASPECTS:
        return False
    clause = _clause(spot)
    return kind in clause[clause.find("下" + after.text) :]


def _modal(spot: Neighbours) -> bool:
    """Whether a verb follows, or 多, 少 and a verb (要多喝水, 要少吃糖)."""
    further = spot.further
    more = spot.after is not None and spot.after.text in ("多", "少")
    return spot.before_head() or (more and further is not None and further.pos[:1] == "v")


def _said(spot: Neighbours, words: frozenset[str]) -> bool:
    return any(w in spot.sentence for w in words)


def _short(spot: Neighbours) -> bool:
    """Whether what runs short stands right before, degree words aside (供应紧张, 时间很紧张,
    门票十分紧张)."""
    earlier = [w for w in spot.earlier if w.text not in _DEGREE | _MANY | _MORE_DEGREES]
    return bool(earlier) and earlier[-1].text in _SCARCE


def _past_days(before: Word | None) -> bool:
    """Whether a number stands before that no day of a month has (三十八号, 42号)."""
    if before is None:
        return False
    text = before.text
    number = int(text) if text.isascii() and text.isdigit() else value(text)
    return number is not None and number > _DAYS


def _closing_le(spot: Neighbours) -> bool:
    """Whether the sentence closes on 了 (要下雨了)."""
    return spot.sentence.rstrip("。！？!?.… ")[-1:] == "了"


def _object(spot: Neighbours) -> Word | None:
    """The word after this one, past an aspect particle (倒了一杯茶: 一)."""
    if spot.after is not None and spot.after.text in _ASPECTS:
        return spot.further
    return spot.after


def _object_tagged(spot: Neighbours, tags: tuple[str, ...]) -> bool:
    """Whether the word after this one, past an aspect particle, carries one of the tags."""
    thing = _object(spot)
    return thing is not None and thing.pos[:1] in tags


def _before_receiver(spot: Neighbours) -> bool:
    """Whether a person or a thing that receives the action follows (让我, 送孩子)."""
    return spot.after is not None and spot.after.pos[:1] in _RECEIVERS


def _complement(spot: Neighbours) -> bool:
    """Whether the word follows a verb and 不 or 得, as its result (睡不好觉, 卖得好)."""
    earlier = spot.earlier
    return len(earlier) > 1 and earlier[-1].text in _INFIXED and earlier[-2].pos[:1] == "v"


def _switched(spot: Neighbours) -> bool:
    """Whether a light or a machine is near (关灯, 把灯关了, 关电视)."""
    near = (*spot.earlier[-3:], *spot.rest[:2])
    return any(w.text in _MACHINES or w.text[-1:] in _MACHINE_ENDS for w in near)


def _listed(spot: Neighbours) -> bool:
    """Whether the word ends a list of nouns (北京、上海等城市, 服务等活动)."""
    before = spot.before
    listing = any(w.text in _LISTING for w in spot.earlier)
    return listing and before is not None and (before.pos[:1] == "n" or before.pos == "vn")


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
    "成": "one tenth",
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
    "想": (
        (
            lambda s: (
                s.before_head()
                or _before_any(s, _MOTIONS)
                or (s.after is not None and s.after.pos[:1] == "p")  # 想给朋友看看
            ),
            "to want",
        ),
    ),
    # 我们一块去: together (一块蛋糕 is cut in two, a number and its measure word).
    "一块": ((Neighbours.before_head, "together"),),
    # 一…就…: as soon as (一有空就打电话).
    "一": ((lambda s: s.before_head() and "就" in s.sentence, "as soon as"),),
    # 越…越…: the more … the more.
    "越": ((lambda s: s.sentence.count("越") > 1, "the more"),),
    # 下周, 下个月, 下次: next; 上 is read with its own entries.
    # 下雨, 下雪 (split apart as a verb and its object): to rain, to snow.
    "下": (
        (_before_time, "next"),
        # 下一班车, 下一站: next.
        (lambda s: s.after is not None and s.after.text == "一" and s.further is not None, "next"),
        (lambda s: s.after is not None and s.after.text[-1:] == "雨", f"{ANOTHER}下雨"),
        (lambda s: s.after is not None and s.after.text[-1:] == "雪", f"{ANOTHER}下雪"),
        (lambda s: s.after is not None and s.after.text[-1:] == "棋", f"{ANOTHER}下棋"),
        (
            lambda s: s.ends_clause() and any(w.text.endswith("棋") for w in s.earlier),
            f"{ANOTHER}下棋",
        ),
        (lambda s: _weather_after(s, "雨"), f"{ANOTHER}下雨"),
        (lambda s: _weather_after(s, "雪"), f"{ANOTHER}下雪"),
        (_fallen, f"{ANOTHER}降"),
    ),
    # 天快黑了, 快到了: almost, soon; 快来吃吧: quickly.
    "快": ((_almost, "almost|soon"),),
    # 可她一点儿也不怕 (opening a clause): but, as 可是.
    # 你可别…, 可要小心, 可真好: emphasis.
    "可": (
        (_opens_clause, f"{ANOTHER}可是"),
        (lambda s: _before_any(s, _STRESSED), "(particle used for emphasis) certainly"),
    ),
    # 见一次面, 见过面: face (not noodles).
    "面": ((lambda s: _earlier(s, _MEETING, "面") and "见" in _clause(s), "face"),),
    # 从七月一日起, 从下周起: starting from.
    "起": (
        (lambda s: _earlier(s, _FROM, "起") and s.after_chinese(), "starting from"),
        # 给孩子起名字, 名字是爷爷给我起的: to name.
        (lambda s: any("名" in w.text for w in (*s.earlier[-6:], *s.rest[:2])), f"{ANOTHER}起名"),
    ),
    # 想了半天也不会做, 再忙也得吃饭, 即使下雨也去: still; 一口也吃不下, 什么也没买: even
    # (Xiandai Hanyu Cidian's 也 ③ and ④, which CC-CEDICT's 也 lacks).
    "也": (
        # 再也不来了: (not) ever again, 也 stressing the negation
        (
            lambda s: s.before is not None and s.before.text == "再" and _before_any(s, _NOT),
            f"{ANOTHER}甚至",
        ),
        (_conceded, f"{ANOTHER}仍然"),
        (
            # 一口也吃不下: the negation in the verb's potential form counts too
            lambda s: _stressed(s) and any(_NOT & set(w.text) for w in s.rest[:2]),
            f"{ANOTHER}甚至",
        ),
    ),
    # 扫二维码, 扫一下码: to scan.
    "扫": ((lambda s: any(w.text.endswith("码") for w in s.rest[:3]), f"{ANOTHER}扫描"),),
    # 对我来说: as far as I am concerned (来讲 says the same).
    "来说": ((lambda _: True, f"{ANOTHER}来讲"),),
    # 钥匙就在门后面: just, precisely (there).
    "就": (
        # 早就在门口等着: already (as early as that), before the just of 就在这儿
        (lambda s: s.before is not None and s.before.text == "早", f"{ANOTHER}早就"),
        (lambda s: _before_any(s, _BEING), "just|precisely|exactly"),
        # 他一来就走了: as soon as.
        (lambda s: any(w.text == "一" for w in s.earlier[-4:]), "as soon as"),
        # 马上就要降落了, 明天就要交: just (what is to come soon), not "in that case".
        (lambda s: s.after is not None and s.after.text == "要", "just"),
        # 从小就喜欢, 十五岁就得了冠军: already (as early as that).
        (
            lambda s: (
                s.before is not None and (s.before.text in _EARLY or s.before.text.endswith("岁"))
            ),
            f"{ANOTHER}早就",
        ),
    ),
    # 早就知道了, 早已: long ago (not "early; morning"); 很早就起床 is early.
    "早": (
        (
            lambda s: (
                s.after is not None
                and s.after.text in _ALREADY
                and (s.before is None or s.before.text not in _DEGREE | _LATE)
            ),
            "long ago",
        ),
    ),
    # 连饭都没吃: even.
    "连": ((lambda s: _later(s, "连", _EVEN), "even"),),
    # 会弹钢琴，还会跳舞 (opening a clause, before a verb): also, in addition; elsewhere
    # still (身体还很好, 还没做完).
    "还": (
        (
            lambda s: (
                _opens_clause(s)
                and s.after is not None
                and s.after.pos[:1] in ("v", "p")
                and s.after.text not in _STILL_BEFORE
            ),
            "also|in addition",
        ),
    ),
    # 不明白, 明白了: to understand (jieba tags it a name).
    "明白": ((lambda s: _after_any(s, _NOT) or _before_any(s, _CLOSING), "to understand"),),
    # 三天前, 春节前: before, ago.
    # 考试前, 吃饭前: before (an event).
    "前": (
        (
            lambda s: s.before is not None and s.before.pos[:2] in ("m", "t", "q", "v", "vn"),
            "before|ago",
        ),
    ),
    # 往前走, 往左拐: towards.
    "往": (
        (
            lambda s: _preposition(s) or (s.after is not None and s.after.text[:1] in _DIRECTIONS),
            "towards|to",
        ),
    ),
    # 点外卖, 点菜: to order (food).
    "点": (
        # 点“发送”, 点这个链接: to click, what is clicked on a screen named or quoted after it.
        (_clicked, f"{ANOTHER}点击|to click"),
        (lambda s: s.after_verb() or _after_any(s, _DONE), f"{ANOTHER}一点儿"),
        # 点烟, 点了一支烟, 点灯: to light.
        (lambda s: any(w.text in _LIT for w in s.rest[:4]), "to light"),
        (lambda s: not s.counted() and _before_thing(s), "to order (food"),
        # 我点的是一份…: what one ordered.
        (
            lambda s: (
                _before_any(s, _OF)
                and any(w.text in _DISHES or w.text[-1:] in _DISH_ENDS for w in s.rest[1:8])
            ),
            "to order (food",
        ),
        # 点了一条鱼, 点了两个菜: past the aspect particle, a dish counted
        (
            lambda s: (
                _before_any(s, _DONE)
                and any(w.text in _DISHES or w.text[-1:] in _DISH_ENDS for w in s.rest[1:5])
            ),
            "to order (food",
        ),
    ),
    # 打篮球, 打球: to play.
    "打": (
        (
            lambda s: any(w is not None and w.text.endswith(_PLAYED) for w in (s.after, s.before)),
            "to play",
        ),
        # 比赛一直打到加时赛: a match played on; 篮球越打越好: the game played.
        (lambda s: any(w.text.endswith(("赛", *_PLAYED)) for w in s.earlier[-4:]), "to play"),
        # 打太极拳: to practise tai chi; 打拳: to do shadowboxing.
        (lambda s: s.after is not None and s.after.text.startswith("太极"), f"{ANOTHER}打太极"),
        (lambda s: s.after is not None and s.after.text.endswith("拳"), f"{ANOTHER}打拳"),
        # 打八折: to give a discount.
        (lambda s: _later(s, "打", _DISCOUNT), f"{ANOTHER}打折"),
        # 打电话, 连个电话都没打: to make a phone call.
        (lambda s: "电话" in _clause(s) + "".join(w.text for w in s.rest[:3]), f"{ANOTHER}打电话"),
    ),
    # 好冷啊: so (before an adjective, for exclamation).
    "好": (
        (lambda s: s.complement or (s.after_verb() and s.ends_clause()), "(verb complement"),
        (lambda s: s.after is not None and s.after.pos[:1] == "a", "exclamatory effect) so"),
        # 好几天: several, quite a few.
        (lambda s: s.after is not None and s.after.text[:1] == "几", f"{ANOTHER}好几"),
        # 很好相处, 不太好做: easy to.
        (
            lambda s: (
                _after_any(s, _JUDGING | _TOO)
                and not _complement(s)
                and not _before_any(s, _BECOMING)  # 都好起来了: getting well
                and s.after is not None
                # jieba tags some verbs adverbs (很好相处/d)
                and (s.after.pos[:1] == "v" or (s.after.pos[:1] == "d" and len(s.after.text) > 1))
            ),
            "(before a verb) easy to",
        ),
    ),
    # 关灯, 把灯关了, 关电视: to turn off; 开灯, 开空调: to turn on.
    "关": ((_switched, "to turn off"),),
    # 成了好朋友, 翻译成中文: to become, to turn into.
    "成": ((lambda s: _before_any(s, _DONE) or s.after_verb(), "to become|to turn into"),),
    # 社区服务等社会活动, 北京、上海等: and so on (ending a list).
    "等": ((_listed, "and so on"),),
    # 倒水, 倒杯茶: to pour (倒 dǎo "to fall" has no such sense); 我倒觉得…: contrary to what
    # one might expect.
    "倒": (
        (lambda s: _object_tagged(s, ("n", "q", "m")), "to pour"),
        (
            lambda s: (
                s.before is not None
                and s.before.pos[:1] in ("r", "n")
                and s.after is not None
                and s.after.pos[:1] in ("v", "d", "a")
            ),
            "contrary to what one might expect",
        ),
    ),
    # 先吃饭再去, 等水开了再放面: then (and not until then); 再忙也得吃饭: no matter how (再
    # before its word, then 也 or 都).
    "再": (
        # 再也不敢: (never) again
        (lambda s: s.after is not None and s.after.text == "也", "again"),
        (lambda s: _earlier(s, _FIRST, "再"), "then (after sth"),
        # 到了机场再发现: then (only when that is reached).
        (lambda s: _clause(s).startswith(("到了", "等到")), "then (after sth"),
        (
            lambda s: (
                s.after is not None
                and s.after.pos[:1] in ("a", "v")
                and s.further is not None
                and s.further.text in _EVEN
            ),
            "no matter how",
        ),
    ),
    # 犯错误, 犯了错: to make a mistake.
    "犯": ((lambda s: any(w.text[:1] == "错" for w in s.rest[:3]), "to make a mistake"),),
    # 戒烟, 把烟戒了: to give up (a habit).
    "戒": ((lambda _: True, "to give up or stop doing sth"),),
    # 他太太, 王先生和太太: wife (王太太 is Mrs. Wang).
    "太太": ((lambda s: s.before is not None and s.before.pos[:1] in ("r", "c", "u"), "wife"),),
    # 第三课, 这几课的生词: lesson.
    "课": (
        (lambda s: s.before is not None and (s.counted() or s.before.text[:1] == "第"), "lesson"),
    ),
    # 送我到地铁站, 送孩子去学校: to see (sb) off, to accompany.
    "送": (
        (
            lambda s: (
                _before_receiver(s)
                and s.further is not None
                and s.further.text[:1] in _MOTIONS | _REACHING
            ),
            "to see (sb) off|to accompany",
        ),
    ),
    # 新建了一个停车场, 建一座桥: to build.
    "建": ((lambda s: _object(s) is not None, "to build|to construct"),),
    # 你看行吗, 您看怎么样: to consider (what is put to you), not to see.
    "看": (
        (
            lambda s: _after_any(s, _ADDRESSED) and _before_any(s, _VERDICTS),
            "to consider|to feel (that)",
        ),
    ),
    # 剪头发: to cut with scissors.
    "剪": ((_verb, "to cut with scissors|to trim"),),
    # 小李: "young", the prefix of a familiar name; 比我小三岁: young(er).
    "小": (
        (_titled, "young"),
        (lambda s: any(w.text == "岁" for w in s.rest[:2]), "young"),
    ),
    # 睡不着, 睡得着: 着 zháo as a complement, succeeding in it.
    "着": ((lambda s: s.before is not None and s.before.text in ("不", "得"), "(after a verb)"),),
    # 花钱, 花了两个小时: to spend.
    "花": ((lambda s: s.after is not None and s.after.text[:1] in ("钱", "时", "了"), "to spend"),),
    # 三块钱, 三十五块: money; before a noun (一块蛋糕) it counts pieces, and one of them
    # where no price is spoken of is a piece or a patch (胳膊青了一块).
    "块": (
        (lambda s: s.counted() and not _before_noun(s) and _priced(s), "money"),
        (lambda s: s.counted() and not _before_noun(s), "piece"),
    ),
    # 吃点儿, 便宜点儿, 小心点儿: a little, as 一点儿 says; 点儿 is "o'clock" only after a
    # number, and a dot hardly ever.
    "点儿": ((lambda s: not s.counted(), f"{ANOTHER}一点儿"),),
    # 您给我三十: to give; 给您倒杯茶: for.
    "给": (
        # 还给我, 借给他: to (whom the verb's thing goes).
        (lambda s: s.before is not None and s.before.pos[:1] == "v", "to|for"),
        (_giving, "to give"),
    ),
    # 就行了, 行吗: all right.
    "行": ((lambda s: _after_any(s, _BEFORE_OK) or s.ends_clause(), "all right"),),
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
        (_before_receiver, "to invite|to treat"),
    ),
    # 找你五块, 找钱: to give change.
    # 找你五块, 找了我五毛: to give change (a person, then money).
    "找": (
        (
            lambda s: (
                _later(s, "找", _MONEY)
                and (_later(s, "找", _CHANGE) or _before_person_and_number(s))
            ),
            "to give change",
        ),
    ),
    # 明天会下雨: to be likely to.
    "会": (
        # 明天的会, 开个会: a meeting.
        (lambda s: s.before is not None and s.before.text in _HELD, "meeting"),
        (lambda s: s.before_word() and _said(s, _FUTURE), "to be likely to"),
        # 我会在家等你, 我会朝着目标努力: a preposition follows what will be, not a skill.
        (lambda s: s.after is not None and s.after.pos == "p", "to be likely to"),
        # 会游泳 (can), 会下雨 (will): both, for the learner to choose.
        (Neighbours.before_head, "can|to be likely to"),
    ),
    "把": ((_preposition, "(used to put the object before the verb"),),
    # 直跺脚, 直哭: on and on.
    "直": ((lambda s: s.after is not None and s.after.pos[:1] == "v", "(indicates continuing"),),
    # 该市, 该公司: the one just named.
    "该": ((lambda s: s.after is not None and s.after.pos[:1] == "n", "the above-mentioned|that"),),
    # 分给同事: to share out.
    "分": (
        (lambda s: s.after is not None and s.after.text[:1] == "给", "to distribute|to divide"),
    ),
    # 吃了不少苦, 吃苦: to bear hardships; 吃亏: to suffer a loss.
    "吃": (
        (lambda s: any(w.text == "苦" for w in s.rest[:4]), f"{ANOTHER}吃苦"),
        (lambda s: any(w.text == "亏" for w in s.rest[:4]), f"{ANOTHER}吃亏"),
    ),
    # 十一假期, 十一长假: National Day (1 October).
    "十一": ((lambda s: s.after is not None and s.after.text in _HOLIDAYS, "PRC National Day"),),
    # 冲水, 冲一下: to rinse, to flush.
    "冲": ((lambda s: s.after is not None and s.after.text[:1] in _RINSED, "to rinse|to flush"),),
    # 手机应用, 下载应用: an app.
    "应用": ((lambda s: _said(s, _DEVICES), "(computing) app"),),
    # 多了起来, 吃起来, 看起来: after a verb or an adjective, what begins or how it seems.
    "起来": (
        # 站起来, 拿起来: up.
        (
            lambda s: any(w.text[-1:] in _RISING for w in s.earlier[-2:] if w.text != "了"),
            f"{ANOTHER}起来|indicating an upward movement",
        ),
        # 看起来很普通, 吃起来却很香: how it seems, done so.
        (
            lambda s: (
                s.before is not None
                and s.before.text in _PERCEIVING
                and s.after is not None
                and (s.after.pos[:1] in ("a", "d") or s.after.text in ("像", "好像"))
            ),
            f"{ANOTHER}起来|expressing preliminary judgment",
        ),
        (
            lambda s: s.after_verb() or (s.before is not None and s.before.text == "了"),
            f"{ANOTHER}起来|(after a verb) indicating the beginning",
        ),
    ),
    # 调馅儿, 调味: to season, to blend.
    "调": (
        (lambda s: s.after is not None and s.after.text[:1] in MIXED, "to season (food)|to blend"),
    ),
    # 炒糊了, 烤糊: scorched.
    "糊": ((lambda s: s.before is not None and s.before.text[-1:] in COOKED, "scorched"),),
    # 生活过得很好, 过得怎么样: to live, to get along.
    "过": ((lambda s: s.after is not None and s.after.text == "得", "to live|to get along"),),
    # 通过阅读来缓解压力: by means of.
    "通过": (
        (
            lambda s: s.after is not None and s.after.pos[:1] in ("n", "v") and "来" in s.sentence,
            "by means of|through",
        ),
    ),
    # 急得哭了: worried, anxious.
    "急": ((lambda s: _before_any(s, _OF_DEGREE), "worried"),),
    "离": ((_distance, "(in giving distances) from"),),
    "比": (
        # 二比一: a score, a ratio.
        (lambda s: s.counted() and s.after is not None and s.after.pos[:1] == "m", "ratio"),
        (_preposition, "more {adj.} than"),
    ),
    "被": ((_preposition, "used to indicate passive voice"),),
    "向": ((_preposition, "towards"),),
    # The verbs' everyday senses before CC-CEDICT's first ones (带 "band", 干 "tree trunk").
    "带": ((_verb, "to carry|to take along|to bring"),),
    "干": ((lambda s: _verb(s) and s.word.reading[:1] != ("gan1",), "to do|to work"),),
    "回": ((_verb, "to go back|to return"),),
    # 让他去, 让我很感动: to let, to make (not "to yield").
    # 给老人让座, 让了座: to give up (a seat); 让我很感动, 让您久等了: to make sb (feel);
    # 老师让我们背课文: to have sb do sth; elsewhere to let or make sb do sth.
    "让": (
        (lambda s: any(w.text[:1] == "座" for w in s.rest[:2]), f"{ANOTHER}让座"),
        (
            lambda s: (
                _before_receiver(s)
                and s.further is not None
                and (s.further.pos[:1] == "a" or s.further.text in _DEGREE)
                and s.further.text[:1] not in _HOW_DONE  # 让我早点儿回家: have sb do sth
            ),
            "to make sb (feel",
        ),
        (
            lambda s: (
                # 妈妈总是让我…: the one who asks may stand a few words back
                any(w.pos[:2] == "nr" or w.text in _ASKERS for w in s.earlier[-3:])
                and _before_receiver(s)
            ),
            "to have sb do sth|to let sb do sth",
        ),
        (_before_receiver, "to let|to make"),
    ),
    # 多大, 多远: how; 四个多小时: … odd.
    "多": (
        # 大多了, 好多了: much (bigger, better).
        (
            lambda s: s.before is not None and s.before.pos[:1] == "a" and _before_any(s, _DONE),
            "much",
        ),
        (lambda s: s.after is not None and s.after.pos[:1] == "a", "how (to what extent)"),
        # 多吃蔬菜, 多听多说: more (CC-CEDICT's 多 has no such sense; 更加 is "more").
        (
            lambda s: (
                s.after is not None
                and s.after.pos[:1] == "v"
                and s.after.text not in _BEING
                and not _after_any(s, _MANY | _MORE | _NOT)
                and not s.counted()
            ),
            f"{ANOTHER}更加",
        ),
        (lambda s: s.before is not None and s.before.pos[:1] == "q", "(after a numeral)"),
    ),
    # 开车, 车开得很慢: to drive (CC-CEDICT: to operate).
    "开": (
        (_near_vehicle, "to operate|to run"),
        # 开快点, 开慢一点儿: how fast one drives.
        (lambda s: s.after is not None and s.after.text in _SPEEDS, "to drive|to operate"),
        # 水开了: to boil.
        (lambda s: s.before is not None and s.before.text[-1:] == "水", "to boil"),
        # 开药, 给我开了一些药, 开发票: to write out (a prescription, an invoice).
        (
            lambda s: any(w.text in _WRITTEN_OUT for w in s.rest[: _BETWEEN_MOST + 1]),
            "to write out",
        ),
    ),
    # 盛饭, 盛好了, 盛一碗: to ladle, to dish up (chéng), before what is served or how.
    "盛": ((lambda s: s.after is not None and s.after.text[:1] in SERVED, "to ladle|to fill"),),
    # 三十八号的鞋: a size, where what is worn is spoken of and no day of a month can be meant.
    # 大一号, 小一号: a size.
    "号": (
        (lambda s: _said(s, _WORN) and _past_days(s.before), "size"),
        (lambda s: any(w.text in ("大", "小") for w in s.earlier[-2:]), "size"),
    ),
    # 供应紧张, 时间很紧张: in short supply (not "nervous").
    "紧张": ((_short, "in short supply|scarce|tense"),),
    # 坐车, 坐飞机, 坐地铁: to take (a vehicle).
    "坐": ((lambda s: s.after is not None and s.after.text[-1:] in _VEHICLES, "to take (a bus"),),
    # 很不错, 打得不错: not bad.
    "不错": ((lambda s: _after_any(s, _DEGREE), "not bad|pretty good"),),
    # 只要半个小时, 要五分钟: to need (an amount).
    "要": (
        # 要五分钟, 要三十块: to take, to need (time, money); 要一杯茶: to want.
        (
            lambda s: (
                s.after is not None
                and (
                    (s.after.text[:1] in _NUMERALS and _later(s, "要", _AMOUNTS))
                    or s.after.text in _HOW_MUCH
                    or (s.after.text == "多" and s.further is not None and s.further.text in _HOW)
                )
            ),
            "to need",
        ),
        # 要下雨了, 快要到了: about to.
        (lambda s: s.before_head() and _closing_le(s), "about to|will"),
        # 明天要去上海, 考试的时候要认真: the modal (will, should) before wanting.
        (_modal, "will|should|to want"),
    ),
    "做": ((_verb, "to do|to make"),),
    # 我的包, 一个包: a bag, not "to wrap".
    "包": (
        (lambda s: s.before is not None and s.before.text[-1:] in ("的", "个", "只"), "bag"),
        # 包饺子, 包好 (the verb and its complement): to wrap.
        (lambda s: _verb(s) and _before_noun(s), "to wrap"),
        (lambda s: s.after is not None and s.after.text in _WRAPPED, "to wrap"),
    ),
    # 小狗在叫, 猫叫了: to shout, to call (an animal's cry), not "to be called".
    "叫": (
        (Neighbours.ends_clause, "to shout|to call"),
        # 叫到办公室, 叫醒, 被叫回来: to call (sb somewhere), to summon.
        (lambda s: s.after is not None and s.after.text in _CALLED_TO, "to call|to summon"),
    ),
    # 原来他只是太累了 (opening a clause, before who or what): as it turns out.
    "原来": (
        (
            lambda s: _opens_clause(s) and s.after is not None and s.after.pos[:1] in ("r", "n"),
            "as it turns out|originally",
        ),
    ),
    # 照了很多照片: to take (a photo), as 照相.
    "照": (
        (
            lambda s: any(w.text in _PHOTOS for w in s.rest[: _BETWEEN_MOST + 1]),
            f"{ANOTHER}照相",
        ),
    ),
    # 背课文, 背单词 (bèi): to learn by heart; 背 bēi "to carry" is another entry.
    "背": (
        (
            lambda s: (
                s.word.reading[:1] == ("bei4",)
                and s.after is not None
                and s.after.pos[:1] in ("n", "m", "r")
            ),  # 背这篇课文
            "to learn by heart",
        ),
    ),
    # 谁也不理, 别理他, 没人理我: to pay attention to (after a negation or before a person).
    "理": (
        (
            lambda s: (
                (s.before is not None and s.before.text in _NOT | {"别"})
                or (s.after is not None and s.after.pos[:1] == "r")
            ),
            "to pay attention to",
        ),
    ),
    # 总有一天: sooner or later (总会早早起床, habit: always).
    "总": (
        (
            lambda s: s.after is not None and s.after.text == "有" and "总有一天" in s.sentence,
            "eventually|sooner or later",
        ),
    ),
    # 学到十一点, 一直打到加时赛: until (a time), after the verb it completes.
    "到": ((_until_time, "until (a time)"),),
    # 一块儿干活儿: together, before what is done (jieba tags 干活儿 a noun).
    "一块儿": ((Neighbours.before_word, "together"),),
    # 在我看来, 依我看来: in my opinion (the phrase's sense, its words written apart).
    "看来": (
        (
            lambda s: [w.text for w in s.earlier[-2:]] in (["在", "我"], ["依", "我"]),
            f"{ANOTHER}在我看来",
        ),
    ),
    # 老王 Lǎo Wáng: the prefix of a familiar name (小李 "young", above).
    "老": ((_titled, "prefix used before the surname"),),
    # 特别好吃, 一般吃面包: especially, generally (before what they qualify).
    "特别": ((Neighbours.before_head, "especially"),),
    "一般": ((Neighbours.before_head, "generally"),),
    # 买菜, 卖了十几年菜, 种菜: vegetables (elsewhere 菜 is most often a dish).
    "菜": ((lambda s: _earlier(s, _GROWING, "菜"), "vegetable"),),
    # 很晚, 到很晚, 来晚了: late.
    "晚": ((lambda s: _after_any(s, _LATE) or s.after_verb(), "late"),),
    # 贵公司, 您贵姓: (honorific) your.
    "贵": ((lambda s: s.after is not None and s.after.text in _HONOURED, "(honorific) your"),),
    # 上学, 上初中, 上课: to attend.
    "上": (
        # 上个月, 上周, 上次: last, previous.
        (_before_time, "previous"),
        (
            lambda s: any(w.text[-1:] in _SCHOOLING or w.text == "年级" for w in s.rest[:4]),
            "to attend",
        ),
        (_on_thing, "(noun suffix) on"),
        # 上车, 上了飞机: to get onto.
        (
            lambda s: any(w is not None and w.text[-1:] in _VEHICLES for w in (s.after, s.further)),
            "to get onto",
        ),
    ),
    # 并不难, 并没有: (not) at all.
    "并": ((lambda s: s.after is not None and s.after.text[:1] in _NOT, "(not) at all"),),
    # 第一名, 第三名: place (among winners).
    "名": ((lambda s: s.before is not None and s.before.text[:1] == "第", "place (e.g. among"),),
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


# Separable verbs (离合词, which Xiandai Hanyu Cidian writes 帮//忙) of everyday text, and the
# verb-object phrases 打电话, 打球, 吃药: a verb and its object that an aspect particle, a number or
# a pronoun may stand between (帮了我一个大忙, 见过面, 点了点头); apart, the verb means what
# the whole does.
_SEPARABLE = frozenset(
    "帮忙 吵架 打架 放假 请假 见面 洗澡 睡觉 生气 生病 结婚 离婚 跑步 游泳 唱歌 跳舞 上课 "
    "下课 毕业 散步 聊天 照相 拍照 挂号 理发 打针 看病 排队 发烧 住院 出院 请客 吃亏 操心 "
    "伤心 放心 鞠躬 握手 道歉 加班 报名 点头 摇头 刷牙 起床 开会 上班 下班 上网 考试 过年 "
    "放学 退休 减肥 签字 录音 充电 抽烟 打电话 打球 吃药".split()
)
# Aspect particles that jieba joins to a one-character verb (吵过, 帮了).
_JOINED_ASPECTS = frozenset("了过着")
# Results and directions a verb reaches, or cannot (打不开, 听不懂, 看不见, 找不到); not 好 or
# 了, whose potential forms say more than the verb and result (说不好 "hard to say").
_RESULTS = frozenset("开通懂见清到完动起出进回住掉走")
# Objects of a separable verb that mean nothing apt alone (帮个忙: 忙 is not "busy").
_BOUND_OBJECTS = frozenset("忙架气")
# What may stand between a separable verb and its object: particles, numbers, measure words,
# pronouns, adjectives (洗了个澡, 帮了我一个大忙); at most this many words.
_BETWEEN = ("u", "m", "q", "r", "a")
_BETWEEN_MOST = 4


def _separated(spot: Neighbours) -> str:
    """The separable verb a one-character verb opens, its object a few words on (见过面
    → 见面), or "" when it opens none."""
    verb = spot.word.text
    if len(verb) != 1:
        return ""
    before = spot.word
    for word in spot.rest[: _BETWEEN_MOST + 1]:
        if verb + word.text in _SEPARABLE and before.pos[:1] != "m":
            return verb + word.text  # not 过了半年: a number counts the time, no object
        if verb + word.text[-1:] in _SEPARABLE and word.pos[:1] == "n" and len(word.text) > 1:
            return verb + word.text[-1]  # 放寒假, 上数学课: the object a kind of it
        if word.text in _SEPARABLE and word.text[0] == verb:
            return word.text  # 点了点头: the verb doubled
        if word.pos[:1] not in _BETWEEN and word.text not in _JOINED_ASPECTS:
            return ""
        before = word
    return ""


def _separable_object(spot: Neighbours) -> str:
    """The separable verb whose bound object the word is (帮了我一个大忙: 帮忙), or ""."""
    if spot.word.text not in _BOUND_OBJECTS:
        return ""
    for word in reversed(spot.earlier[-_BETWEEN_MOST - 1 :]):
        joined = word.text[-1:] in _JOINED_ASPECTS and len(word.text) == 2
        verb = word.text[:-1] if joined else word.text
        if verb + spot.word.text in _SEPARABLE:
            return verb + spot.word.text  # 吵过架: jieba's 吵过 is the verb and 过
        if word.pos[:1] not in _BETWEEN and word.text not in _JOINED_ASPECTS:
            return ""
    return ""


def _potential(spot: Neighbours) -> str:
    """The verb and its result that a potential complement holds apart (打不开: 打开 "to
    open", 听不懂: 听懂, 找不到: 找到), or ""."""
    after, further = spot.after, spot.further
    if len(spot.word.text) != 1 or after is None or further is None or after.text != "不":
        return ""
    return spot.word.text + further.text if further.text in _RESULTS else ""


def wanted_sense(spot: Neighbours) -> str:
    """The sense the word's neighbours call for, or "" when they call for none."""
    text = spot.word.text
    # A separable verb's object a few words on says more than any neighbour (上了三节课).
    separable = _separated(spot) or _separable_object(spot) or _potential(spot)
    if separable:
        return f"{ANOTHER}{separable}"
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


def fits_any(senses: Sequence[str], wanted: str) -> bool:
    """Whether any of the senses is the wanted one (for CLASSIFIER, a classifier sense)."""
    return any(_fits(part, wanted) for sense in senses for part in sense.split("; "))


def _fits(sense: str, wanted: str) -> bool:
    return bool(_CLASSIFIER_SENSE.search(sense)) if wanted == CLASSIFIER else wanted in sense
