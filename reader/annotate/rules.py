"""Word rules: readings that a word's neighbours decide, each a named function, run in order.

A rule looks at one piece of a sentence in its place (`Spot`) and returns the readings it
fixes, by offset in the piece. The annotator runs `RULES` in order over every Chinese piece
after the dictionaries and the context model have read it; a later rule's answer wins.

The everyday single-character polyphones are read here, not by the context model: it learnt
from Wikipedia (CPP), whose sampling over-represents rare readings, and reads everyday 为你
wéi, 没来 mò, 很难 nàn, 三只 zhǐ. Each rule encodes how Xiandai Hanyu Cidian tells the
readings apart (a measure word after a numeral, a verb before its object), not a sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reader.annotate.pieces import HAN_RUN, MEASURED, Piece

# Numerals, demonstratives and quantifiers before a measure word (三只 zhī, 这种 zhǒng).
_COUNTING = frozenset("一二两三四五六七八九十百千万几这那哪每半某各多整")
# Degree adverbs before an adjective (太重 zhòng, 很长 cháng, 真干 gān).
_DEGREE = frozenset("很太真好多最更非挺较蛮特超又极")
# Events that 场 counts as cháng (一场大雨, 一场病); games and shows are chǎng (一场比赛).
_CHANG_EVENTS = (
    "雨",
    "雪",
    "风",
    "病",
    "梦",
    "噩梦",
    "战争",
    "战斗",
    "灾",
    "灾难",
    "误会",
    "误解",
    "官司",
    "风波",
    "危机",
    "革命",
    "运动",
    "火",
    "大火",
    "大雨",
    "大雪",
    "大病",
    "暴雨",
    "虚惊",
    "空欢喜",
    "争吵",
    "恶战",
)
# Weather that 场 counts as cháng whatever comes before it in the word (秋雨, 暴风雪, 寒 in
# 一场秋雨一场寒).
_WEATHER = frozenset("雨雪风寒霜雾")
# Liquids and the like that 倒 pours (倒水 dào); 倒 alone before them is never dǎo.
_POURED = frozenset("水茶酒奶汤油咖饮垃")
# What 背 carries (bēi) and what it recites (bèi).
_CARRIED = (
    "包",
    "书包",
    "孩子",
    "起",
    "上",
    "着",
    "走",
    "行李",
    "背包",
    "不动",
    "得动",
    "回",
    "到",
)
_CARRIED_NOUNS = ("书包", "背包", "孩子", "行李", "包袱")
_RECITED = ("课文", "单词", "生词", "诗", "熟", "下来", "出来", "会", "书", "台词", "稿")
# Adverbs and verbs before the copula 为 wéi (原为, 均为, 改…为, 分为).
_COPULA_BEFORE = frozenset("原均即乃实皆亦分改转作成称选视定变译名贬降封召升")
# Verbs of naming and appointing before 为 wéi "as" (聘请为, 选举为, 誉为, 列为).
_NAMING = frozenset("请命评举誉奉尊聘推拜立列划选任称")
# What the adverb 倒 dào "rather, on the contrary" stands before.
_AFTER_RATHER = frozenset("是 觉得 不 也 挺 还 很 要 想 没 真 可以 好 也许 没有 不是".split())
_PERSONS = frozenset("你 我 他 她 您 他们 你们 她们 人家".split())
# What dries: 晾不干, 晒得干.
_DRYING = frozenset("晾晒吹擦烘")
# What asks whether a thing will do (行吗, 行不行): 行 xíng.
_ASKING = frozenset("吗 吧 啊 呀 不行 么".split())
# Measure words of thin things (一件薄外套, 一层薄雾).
_MEASURED_THIN = frozenset("件层张条床片本")
# Animals 只 counts (一只小猫, 像只兔子).
_ANIMALS = frozenset("猫狗鸟鸡鸭鹅羊兔虎熊猴鼠猪牛象狼")
# Characters that show a person in a clause (他们早就干了: someone does, not something dries).
_PEOPLE = frozenset("我你他她您谁人们")
_STAY = frozenset("了在着一会到几多过不半两三")
_STUFFED = frozenset("进满给到住了在上不得")
_SHORT = frozenset("一点得远了不钱的")
_PLAYED = ("钢琴", "吉他", "琴", "古筝", "了", "着", "得", "起", "一", "出", "奏")
_HIDDEN = frozenset("在起着了好到进住哪")
_NUMERAL = frozenset("0123456789０１２３４５６７８９一二两三四五六七八九十百千万零〇几半")


@dataclass(frozen=True, slots=True)
class Spot:
    """One piece of a sentence in its place, as a rule sees it."""

    sentence: str
    """The whole sentence (simplified characters)."""
    pieces: Sequence[Piece]
    """All pieces of the sentence, in order."""
    index: int
    """Which piece the rule is asked about."""

    @property
    def piece(self) -> Piece:
        """The piece itself."""
        return self.pieces[self.index]

    @property
    def previous(self) -> Piece | None:
        """The piece right before, if it is Chinese and nothing stands between."""
        if self.index == 0:
            return None
        found = self.pieces[self.index - 1]
        return found if found.han else None

    @property
    def following(self) -> Piece | None:
        """The piece right after, if it is Chinese."""
        if self.index + 1 >= len(self.pieces):
            return None
        found = self.pieces[self.index + 1]
        return found if found.han else None

    @property
    def before(self) -> str:
        """The character right before the piece ('' at the start)."""
        start = self.piece.start
        return self.sentence[start - 1 : start]

    @property
    def after(self) -> str:
        """The text of the next piece ('' at the end or before punctuation)."""
        found = self.following
        return found.text if found else ""

    def clause(self) -> str:
        """The sentence from the last punctuation mark up to the piece."""
        text = self.sentence[: self.piece.start]
        cut = max((i for i, c in enumerate(text) if not HAN_RUN.match(c)), default=-1)
        return text[cut + 1 :]


Rule = Callable[[Spot], Mapping[int, str]]
"""A word rule: the readings it fixes in the spot's piece, by offset; empty when it has none."""

LIGHT = "5"
"""A rule's answer for a syllable that keeps its reading, in the neutral tone (看看 kànkan)."""


def _tag(piece: Piece | None) -> str:
    """A piece's part-of-speech tag, '' when there is no piece."""
    return piece.pos if piece else ""


def _wei(spot: Spot) -> str | None:
    """为 wèi "for" before whom or what it is for (为你高兴, 为员工提供培训); wéi "to be, as"
    where no verb follows in its clause (面积为三百米, 被贬为淮阴侯, 以他为榜样)."""
    after = spot.after
    start = spot.piece.start
    if after[:1] == "所" or after == "人":
        return "wei2"  # 为…所 passive; 为人 "to conduct oneself"
    if after[:1] in _NUMERAL or spot.sentence[start + 1 : start + 2].isdigit():
        return "wei2"  # 面积为三百平方米
    previous = spot.previous
    if spot.before in _COPULA_BEFORE or spot.before in _NAMING or "以" in spot.clause():
        return "wei2"  # 原为, 均为, 聘请为顾问, 以他为榜样
    if spot.following is not None and spot.following.pos[:1] == "r":
        return "wei4"  # 为你高兴, 为我们加油
    if previous is None:
        return "wei4"  # a clause starts with 为 only as "for": 为庆祝国庆节，
    # 为 + its object (one or two words) + a verb: 为理想奋斗, 为员工提供培训. A verb right
    # after 为, or one whose clause goes on to 的, describes a noun: 为售票大厅, 为…属的动物.
    rest = spot.pieces[spot.index + 1 :]
    for distance, piece in enumerate(rest[:3], 1):
        if not piece.han:
            break
        if piece.pos.startswith("v") and distance > 1:
            after_verb = rest[distance].text if distance < len(rest) else ""
            return "wei2" if after_verb == "的" else "wei4"
    return "wei2"


def _zhi(spot: Spot) -> str | None:
    """只 zhī as a measure word after a numeral or demonstrative (三只猫) or before the animal
    it counts, 一 left out (像只小猫似的); else zhǐ "only"."""
    if spot.before in _COUNTING:
        return "zhi1"
    following = spot.following
    if following is not None and following.pos[:1] == "n" and following.text[-1:] in _ANIMALS:
        return "zhi1"
    return "zhi3"


def _zhong_heavy(spot: Spot) -> str | None:
    """重 zhòng "heavy" as an adjective; chóng "again" before a verb (重来, 重写)."""
    if spot.before in _DEGREE or spot.after[:1] in ("", "了", "的", "量", "要", "点"):
        return "zhong4"
    if _tag(spot.following) == "v":
        return "chong2"
    return "zhong4"


def _zhong_kind(spot: Spot) -> str | None:
    """种 zhǒng "kind" after a numeral, demonstrative or 个 (这种, 一个种) or ending a clause;
    zhòng "to plant" before what is planted (种树, 种着花)."""
    if spot.before in _COUNTING or spot.before in ("个", "新", "亚", "变", "品", "物"):
        return "zhong3"
    if (
        _tag(spot.previous) in ("m", "mq", "r")
        and spot.previous
        and spot.previous.text[-1:] in _COUNTING
    ):
        return "zhong3"
    rest = spot.sentence[spot.piece.start + 1 :]
    if not rest or not HAN_RUN.match(rest[:1]):
        return "zhong3"
    return "zhong4"


def _chang(spot: Spot) -> str | None:
    """场 after a numeral: cháng for rain, illness, war (一场大雨), chǎng for games and shows."""
    if spot.before not in _COUNTING:
        return None
    rest = spot.sentence[spot.piece.start + 1 :]
    weather = spot.after[-1:] in _WEATHER  # 一场秋雨, 一场暴风雪
    return "chang2" if rest.startswith(_CHANG_EVENTS) or weather else "chang3"


def _dao(spot: Spot) -> str | None:
    """倒 dào "to pour" before what it pours (倒水, 倒杯茶), and the adverb dào "rather"
    before what is said (我倒觉得, 这倒是); else the sentence decides (摔倒 dǎo)."""
    rest = spot.sentence[spot.piece.start + 1 : spot.piece.start + 4]
    if rest[:1] in _POURED or "杯" in rest or "水" in rest:
        return "dao4"
    if rest[:1] in ("进", "回", "掉", "满", "入") or spot.after == "出来":
        return "dao4"  # 倒回去, 倒进锅里, 倒掉: poured
    if rest[:1] in ("在", "下") and "把" not in spot.clause():
        return "dao3"  # 他倒在地上, 倒下: fallen (把水倒在杯子里: poured)
    return "dao4" if spot.after in _AFTER_RATHER else None


def _bei(spot: Spot) -> str | None:
    """背 bēi "to carry on the back" (背着书包, 背回家); bèi "to recite" (背课文)."""
    rest = spot.sentence[spot.piece.start + 1 :]
    if rest.startswith(_CARRIED) or any(n in rest[:8] for n in _CARRIED_NOUNS):
        return "bei1"
    if rest.startswith(_RECITED):
        return "bei4"
    return None


def _gan(spot: Spot) -> str | None:
    """干 gān "dry" (太干, 晾不干, 衣服干了。); gàn "to do" (干了十年, 干活)."""
    if spot.before in _DEGREE:
        return "gan1"
    start = spot.piece.start
    if spot.before in ("不", "得") and spot.sentence[start - 2 : start - 1] in _DRYING:
        return "gan1"
    rest = spot.sentence[start + 1 :]
    ends = (
        rest[:1] == ""
        or not HAN_RUN.match(rest[:1])
        or (rest[:1] == "了" and not HAN_RUN.match(rest[1:2] or "。"))
    )
    if _tag(spot.previous).startswith("n") and ends:
        return "gan1"
    if ends and _tag(spot.previous) == "d" and not _PEOPLE.intersection(spot.clause()):
        return "gan1"  # 衣服很快就干了: nobody in the clause to do anything
    return "gan4"


# What is given back (还钱, 还房贷, 还信用卡).
_RETURNED = frozenset("钱 书 债 清 贷 贷款 房贷 车贷 欠款 借款 款 账 信用卡".split())


def _huan(spot: Spot) -> str | None:
    """还 huán "to give back": before 给 or what is returned (还给我, 还钱), before a person
    at the end of a clause (马上还你。), at the end of a clause (下星期要还。); else hái."""
    after = spot.after
    if after[:1] == "给" or after in _RETURNED or "把" in spot.clause():
        return "huan2"  # 还给我, 还钱, 把书还了
    start = spot.piece.start
    rest = spot.sentence[start + 1 :]
    if not rest or not HAN_RUN.match(rest[:1]):
        return "huan2"
    if after in _PERSONS and not HAN_RUN.match(rest[len(after) : len(after) + 1] or "。"):
        return "huan2"
    return None


# Words of likelihood after which 得 is děi "will have to" (可能得加班), though jieba tags
# some of them verbs.
_MAYBE = frozenset("可能 也许 恐怕 大概 或许 肯定 一定".split())


def _of_degree(text: str) -> bool:
    """Whether a word after 得 opens a complement of degree (很好, 非常累, 不得了)."""
    return text[:1] in _DEGREE or text.startswith(("非常", "特别", "不"))


def _after_object(spot: Spot) -> bool:
    """Whether 得 follows a one-character verb and its object (看黑板得): a verb takes a
    complement with 得 only when repeated after its object (看书看得很累)."""
    at = spot.index
    verb = spot.pieces[at - 2] if at >= 2 else None
    following = spot.following
    return (
        verb is not None
        and len(verb.text) == 1
        and verb.pos[:1] == "v"
        and following is not None
        and following.pos[:1] in ("v", "p", "a", "d")
    )


def _dei(spot: Spot) -> str | None:
    """得 děi "must" before what must be done (我得走, ，得先去); dé "to get" before 了.

    After a verb or an adjective 得 links its complement (跑得快, 困得不得了, 睡得着): de.
    """
    previous, following = spot.previous, spot.following
    if following is None:
        return None
    if (previous is not None and previous.text in _MAYBE) or following.text == "多少":
        return "dei3"  # 可能得加班, 修一下得多少钱: must, will take
    if previous is not None and len(previous.text) == 2 and following.text == "有":
        return "dei3"  # 钓鱼得有耐心: a verb and its object, then what one must have
    if previous is not None and previous.pos[:1] in ("v", "a", "b", "z"):
        return "de5"  # 跑得快, 恢复得比以前快 (jieba may tag this 得 a verb)
    if previous is not None and previous.pos[:1] in ("n", "u", "f"):
        if _after_object(spot) and not _of_degree(following.text):
            return "dei3"  # 看黑板得戴眼镜: a verb's object, then what must be done
        # jieba tags many verbs and adjectives n (气得, 伤心得); 睡得着: de; but 病人得了: dé
        return "de5" if following.text[:1] not in ("了", "过") else "de2"
    if following.text[:1] in ("了", "过"):
        return "de2"  # 他得了第一名, 得过奖
    later = spot.pieces[spot.index + 2] if spot.index + 2 < len(spot.pieces) else None
    more = following.text in ("多", "少") and _tag(later)[:1] == "v"
    if previous is not None and previous.pos[:1] == "r" and more:
        return "dei3"  # 你得多穿点儿: must do more
    if _of_degree(following.text):
        return None  # 相处得很好: a complement of degree
    if previous is None and spot.before and HAN_RUN.match(spot.before):
        return None
    return "dei3"


def _guo(spot: Spot) -> str | None:
    """过 right after a verb is its aspect particle (吵过架, 去过): guo, light; not before 来
    or 去 (走过来), where it is the verb's direction, nor before 得 (生活过得好: to live).
    Opening a clause it is the verb guò (，过了半年), and after who does it or an adverb
    (他过了马路, 已经过了十点)."""
    previous, following = spot.previous, spot.following
    if previous is None or previous.pos[:1] in ("r", "d", "t") or previous.pos[:2] == "nr":
        return "guo4"
    if following is not None and following.text == "得":
        return "guo4"  # 生活过得很好: to live, a verb with its complement
    if previous.pos[:1] != "v" or previous.text[-1:] in ("过", "了"):
        return None
    if following is not None and following.text[:1] in ("来", "去"):
        return None
    return "guo5"


def _chang_long(spot: Spot) -> str | None:
    """长 zhǎng "to grow" before a result (长出, 长高); cháng "long" after a degree adverb."""
    if spot.after[:1] in ("出", "满", "起", "高", "胖", "大"):
        return "zhang3"
    if spot.before in _DEGREE:
        return "chang2"
    return None


def _hang(spot: Spot) -> str | None:
    """行 háng "row, line": a measure word (一行字) or a noun (终端的行里, 第三行, 行首);
    else xíng "to go, all right" (行不行, 不行)."""
    if spot.after in _ASKING:
        return "xing2"  # 过道的行吗: all right?
    if spot.before in _COUNTING and spot.before != "多":
        return "hang2"
    if spot.before in ("的", "第") or spot.after[:1] in ("里", "首", "尾", "末", "号"):
        return "hang2"
    return "xing2"


def _jiao_sleep(spot: Spot) -> str | None:
    """觉 jiào "a sleep" after a numeral or 睡 (睡一觉, 睡不着觉), or closing a clause where
    one sleeps (睡不好觉); else jué "to feel"."""
    if spot.before in _COUNTING or spot.before in ("午", "睡", "着"):
        return "jiao4"
    return "jiao4" if "睡" in spot.clause() and not spot.after else "jue2"


# What is done to hair (理发, 剪发, 洗发), and what may stand between the verb and 发 (理个发,
# 剪了一次发).
_HAIR_VERBS = frozenset("理剪洗染烫吹")
_HAIR_BETWEEN = "了过个一次下"
# Where what is sent goes (发给, 发到): 发 fā "to send".
_SENT_TO = frozenset("给到出往去来")


def _fa_hair(spot: Spot) -> str | None:
    """发 fà "hair" as the object of what is done to hair, apart from it (理个发, 剪了发);
    elsewhere left to the dictionaries and the context model (发 fā "to send")."""
    if spot.after[:1] in _SENT_TO:
        return None  # 照片洗了发给他: sent to him
    done = spot.clause().rstrip(_HAIR_BETWEEN)
    return "fa4" if done[-1:] in _HAIR_VERBS else None


def _kong(spot: Spot) -> str | None:
    """空 kòng "free time" after 有 or 没 (有空, 没空), and "vacant, unused" before a place
    to use (空房子, 空座位, 空格: Xiandai Hanyu Cidian's 空房, 空地); else kōng "empty"."""
    if spot.before in ("有", "没") or spot.after[:1] in ("房", "位", "座", "格", "床"):
        return "kong4"
    return "kong1"


def _shu(spot: Spot) -> str | None:
    """数 shǔ "to count" as a verb (数了数, 数一下, 把钱数了); else shù "number"."""
    after = spot.after
    if (
        after[:1] in ("了", "一", "数", "到", "完", "清", "着", "过", "得", "不")
        or "把" in spot.clause()
    ):
        return "shu3"
    start = spot.piece.start
    if spot.before in ("了", "一") and spot.sentence[start - 2 : start - 1] == "数":
        return "shu3"  # 数了数, 数一数
    if spot.before == "地" and _tag(spot.following)[:1] in ("n", "s", "r"):
        return "shu3"  # 一遍一遍地数窗外的雨滴: how it is done, then the verb and its object
    return None


# What 调 tiáo mixes (调馅儿, 调味, 调色: Xiandai Hanyu Cidian's 使配合得均匀合适); the
# glosses use it too.
MIXED = frozenset("馅味料酱汁色")
# Cooking that burns what it cooks: 糊 hú after it (炒糊, 烤糊了); the glosses use it too.
COOKED = frozenset("炒烧烤煮煎熬焖蒸")


def _tiao(spot: Spot) -> str | None:
    """调 tiáo "to adjust" in 把…调到/调成/调大 (把空调调到二十六度) and before how far (调高售价,
    调低温度), "to mix" before what it mixes (调馅儿); else the sentence decides."""
    if spot.after[:1] in ("大", "小", "高", "低") or spot.after[:1] in MIXED:
        return "tiao2"
    if "把" in spot.clause() and spot.after[:1] in ("到", "成", "好", "得"):
        return "tiao2"
    return None


# How long or how many rounds one goes around (转了半天, 转几圈).
_ROUNDS = ("半天", "一会", "一圈", "几圈", "圈", "一下午", "一上午", "一天", "来转去")


def _zhuan(spot: Spot) -> str | None:
    """转 zhuàn "to go round": doubled or tried (转转, 转一转), for a while or in rounds (转了
    半天, 转几圈), or spinning (房间都在转); else the sentence decides (往右转 zhuǎn)."""
    if isinstance(spot, _Shifted):
        return "zhuan4"  # 转转: the verb doubled
    start = spot.piece.start
    rest = spot.sentence[start + 1 :].removeprefix("了").removeprefix("一")
    if rest.startswith(("转", *_ROUNDS)) or spot.sentence[start - 2 : start] in ("转一", "转了"):
        return "zhuan4"
    if rest.startswith(("起来", "动", "个不停", "得很快")):
        return "zhuan4"  # 扇叶慢慢转起来: spinning
    if "绕" in spot.clause() or "围着" in spot.clause():
        return "zhuan4"  # 地球绕着太阳转: round what
    ends = not spot.after
    return "zhuan4" if ends and spot.sentence[start - 1 : start] == "在" else None


# What bleeds: 血 after these in its clause is the blood that flows (流了点儿血).
_BLEEDING = frozenset("流出吐淌")


def _xie(spot: Spot) -> str | None:
    """血 alone, the blood that flows, is xiě in speech (流了点儿血, 吐了一口血: Xiandai Hanyu
    Cidian); xuè in words (血液, 流血) and where blood is spoken of as a thing (检测了他的血)."""
    return "xie3" if any(c in _BLEEDING for c in spot.clause()) else "xue4"


def _di(spot: Spot) -> str | None:
    """地 dì "ground" before 里 (雪|地 里, cut from jieba's 雪地); else the particle's
    reading stands (高兴地 de; 地 上车 may be either)."""
    return "di4" if spot.after == "里" else None


def _lei(spot: Spot) -> str | None:
    """累 lèi "tired" alone (累得不想说话, 太累了); lěi "repeatedly" before a span or a count
    (累年, 累次) as in its words (累计, 积累)."""
    return "lei3" if spot.after[:1] in ("年", "月", "日", "次", "世", "代", "转") else "lei4"


def _shan(spot: Spot) -> str | None:
    """扇 shān "to fan" before what fans or what is fanned (扇扇子, 扇风); else the sentence
    decides (一扇门 shàn)."""
    return "shan1" if spot.after[:1] in ("扇", "风", "火", "了", "着") else None


def _lv(spot: Spot) -> str | None:
    """率 lǜ "rate" after what it measures (近视率, 下载率); shuài "to lead" after who leads
    and before whom (粟裕率新四军, 率机迎击)."""
    measured = _tag(spot.previous) in ("n", "v", "vn")
    leads = _tag(spot.following)[:1] in ("n", "m", "q")
    return "lü4" if measured and not leads else None


def _kan(spot: Spot) -> str | None:
    """看 kān "to look after" (看孩子, 看家, 看门); else kàn."""
    return "kan1" if spot.after in ("孩子", "家", "门", "店", "摊") else "kan4"


def _dai(spot: Spot) -> str | None:
    """待 dāi "to stay" before how long or where (待一会儿, 待在家, 待了一天); else dài."""
    return "dai1" if spot.after[:1] in _STAY else "dai4"


def _sai(spot: Spot) -> str | None:
    """塞 sāi "to stuff" before where or what (塞进箱子, 塞满); else the sentence decides."""
    return "sai1" if spot.after[:1] in _STUFFED else None


def _cha(spot: Spot) -> str | None:
    """差 chà "poor, short of" after a degree adverb or before an amount (很差, 差五分)."""
    after = spot.after
    if spot.before in _DEGREE or after[:1] in _NUMERAL or after[:1] in _SHORT:
        return "cha4"
    return None


def _tan(spot: Spot) -> str | None:
    """弹 tán "to play, to pluck" before an instrument or as a verb (弹钢琴, 会弹); else dàn."""
    rest = spot.sentence[spot.piece.start + 1 :]
    if rest.startswith(_PLAYED) or spot.before in ("会", "在", "要", "想", "能", "不", "来"):
        return "tan2"
    return None


def _cang(spot: Spot) -> str | None:
    """藏 cáng "to hide" as a verb (藏在哪儿, 藏起来); zàng "Tibet" is left to the sentence."""
    return "cang2" if spot.after[:1] in _HIDDEN or "把" in spot.clause() else None


def _bao(spot: Spot) -> str | None:
    """薄 báo "thin" as an adjective (很薄, 薄的); bó in words and names."""
    if spot.before in _DEGREE or spot.after[:1] in ("的", "了", "薄"):
        return "bao2"
    if len(spot.piece.text) == 1 and _tag(spot.previous) == "n":
        return "bao2"  # 皮薄肉嫩, 纸薄: what is thin, then 薄
    # 一件薄外套, 薄被子: a thin thing, after its measure word
    return "bao2" if spot.before in _MEASURED_THIN and _tag(spot.following)[:1] == "n" else None


def _han(spot: Spot) -> str | None:
    """汗 hàn "sweat" (出汗, 一身汗, 汗水); hán in 可汗 is left to the sentence."""
    if spot.before in ("出", "流", "满", "大", "冷", "身", "的", "擦") or spot.after[:1] in (
        "水",
        "流",
        "了",
        "都",
        "珠",
    ):
        return "han4"
    return None


def _zhao(spot: Spot) -> str | None:
    """着 zháo as a potential complement (睡不着, 找得着); else the particle zhe."""
    if spot.before in ("不", "得"):
        return "zhao2"
    start = spot.piece.start
    missed = spot.sentence[start - 2 : start - 1] == "没" and _tag(spot.previous)[:1] == "v"
    if missed and spot.after[:1] in _NUMERAL:
        return "zhao2"  # 没钓着一条: did not manage to catch one
    return None


def _ji(spot: Spot) -> str | None:
    """系 jì "to tie" (系好安全带, 系鞋带); else xì."""
    rest = spot.sentence[spot.piece.start + 1 :]
    if rest[:1] in ("好", "上", "紧", "着") or rest.startswith(("鞋带", "安全带", "领带", "围巾")):
        return "ji4"
    return None


def _liang(spot: Spot) -> str | None:
    """量 liáng "to measure" as a verb (量一下体温); else liàng "amount"."""
    after = spot.after
    if after == "了" or after in MEASURED or after[:1] == "一":
        return "liang2"
    if spot.previous is None and spot.following is not None:
        return "liang2"
    rest = spot.sentence[spot.piece.start + 1 : spot.piece.start + 6]
    if any(thing in rest for thing in MEASURED):
        return "liang2"  # 量两次血压: how often, then what is measured
    return None


def _zhong_hit(spot: Spot) -> str | None:
    """中 zhòng "to hit, to win" before 了 or 奖 (中了一台电脑); else zhōng."""
    return "zhong4" if spot.after[:1] in ("了", "奖", "过") else None


def _ying(spot: Spot) -> str | None:
    """应 yīng "should" before a verb, an adverb or a preposition (应追溯, 应及时, 应在); else
    the sentence decides."""
    following = spot.following
    return "ying1" if following is not None and following.pos[:1] in ("v", "d", "c", "p") else None


def _tiao_pick(spot: Spot) -> str | None:
    """挑 tiāo "to choose, to carry on a pole" as a verb on its own; tiǎo is in words (挑战)."""
    return "tiao1"


SERVED = frozenset("好满在进到了出饭汤粥菜水一两几半")
"""What 盛 chéng "to fill, to ladle" is followed by: how far (盛好, 盛满), where (盛在碗里), how
much (盛一碗) or what is served (盛饭, 盛汤)."""


def _cheng(spot: Spot) -> str | None:
    """盛 chéng "to fill, to serve (food)" before what is served or how (盛饭, 盛好了, 盛一碗);
    shèng "flourishing" lives in words (茂盛, 盛开) and after a degree adverb."""
    if spot.before in _DEGREE:
        return None
    return "cheng2" if spot.after[:1] in SERVED else None


def _fixed(reading: str) -> Callable[[Spot], str | None]:
    """A character that, as a word on its own, is nearly always read one way."""

    def rule(spot: Spot) -> str | None:
        return reading

    return rule


# One-character words and how they are read. Left to the dictionaries and the context model:
# characters whose readings share contexts (调 tiáo/diào, 处 chù/chǔ) but for the contexts
# that the rules name.
_SINGLE: Mapping[str, Callable[[Spot], str | None]] = {
    "为": _wei,
    "没": _fixed("mei2"),
    "难": _fixed("nan2"),
    "只": _zhi,
    "重": _zhong_heavy,
    "种": _zhong_kind,
    "要": _fixed("yao4"),
    "好": _fixed("hao3"),
    "少": _fixed("shao3"),
    "场": _chang,
    "倒": _dao,
    "背": _bei,
    "教": _fixed("jiao1"),
    "汗": _han,
    "干": _gan,
    "差": _cha,
    "还": _huan,
    "得": _dei,
    "长": _chang_long,
    "行": _hang,
    "觉": _jiao_sleep,
    "空": _kong,
    "发": _fa_hair,
    "给": _fixed("gei3"),
    "应": _ying,
    "薄": _bao,
    "弹": _tan,
    "塞": _sai,
    "数": _shu,
    "调": _tiao,
    "看": _kan,
    "待": _dai,
    "着": _zhao,
    "系": _ji,
    "量": _liang,
    "中": _zhong_hit,
    "谁": _fixed("shei2"),
    "挑": _tiao_pick,
    "更": _fixed("geng4"),
    "藏": _cang,
    # Alone, 脏 is "dirty" and 乐 "glad" (很脏, 他乐了); zàng and yuè are in words (心脏, 音乐).
    "脏": _fixed("zang1"),
    "过": _guo,
    "乐": _fixed("le4"),
    "盛": _cheng,
    "转": _zhuan,
    "血": _xie,
    "率": _lv,
    "地": _di,
    "累": _lei,
    # Alone 撒 is "to sprinkle, to scatter" (撒点儿葱花, 撒在地上); sā in words (撒谎).
    "撒": _fixed("sa3"),
    "扇": _shan,
    # Alone 说 is shuō; shuì "to persuade" is in 游说, which pypinyin finds across 导游|说.
    "说": _fixed("shuo1"),
    # Alone 糊 is hú, burnt or pasted (饭糊了, 糊墙); hù is in words (糊弄, 辣椒糊).
    "糊": _fixed("hu2"),
}


# Verbs whose reading the object decides, also when jieba joins them to an aspect particle
# (背着书包 bēizhe, 倒了水 dào).
_VERBS = frozenset("背倒种教数干还塞挑藏系量调盛")
# What jieba joins to such a verb: an aspect particle or a one-character complement.
_AFTER_VERB = frozenset("着了过进满到住给上出回起下走完好")


def everyday_polyphone(spot: Spot) -> Mapping[int, str]:
    """A one-character word read as its neighbours say (see `_SINGLE`)."""
    text = spot.piece.text
    rule = _SINGLE.get(text[0])
    if rule is None:
        return {}
    if len(text) == 1:
        reading = rule(spot)
        return {0: reading} if reading else {}
    if len(text) == 2 and text[0] == text[1]:
        reading = rule(_Shifted(spot))
        return {0: reading, 1: reading[:-1] + "5"} if reading else {}  # 教教 jiāojiao
    if len(text) == 3 and text[0] == text[2] and text[1] in "一了":
        reading = rule(_Apart(spot))
        return {0: reading, 2: reading} if reading else {}  # 数一数, 数了数
    if len(text) == 2 and text[0] in _VERBS and text[1] in _AFTER_VERB:
        reading = rule(_Apart(spot))
        return {0: reading} if reading else {}  # 背着书包, 塞进箱子
    return {}


class _Shifted(Spot):
    """A verb + particle piece seen as its verb: the text after it starts after the particle."""

    __slots__ = ()

    def __init__(self, spot: Spot) -> None:
        piece = spot.piece
        verb = Piece(piece.text[0], "v", piece.start)
        # The sentence with the particle taken out, so that the verb's object follows it.
        cut = spot.sentence[: piece.start + 1] + spot.sentence[piece.start + 2 :]
        pieces = [
            *spot.pieces[: spot.index],
            verb,
            *(Piece(p.text, p.pos, p.start - 1, p.titled) for p in spot.pieces[spot.index + 1 :]),
        ]
        super().__init__(cut, pieces, spot.index)


class _Apart(Spot):
    """A verb + particle or complement piece (背着, 塞进) seen as two words, the verb first."""

    __slots__ = ()

    def __init__(self, spot: Spot) -> None:
        piece = spot.piece
        first = Piece(piece.text[0], "v", piece.start)
        rest = Piece(piece.text[1:], "v", piece.start + 1)
        pieces = [*spot.pieces[: spot.index], first, rest, *spot.pieces[spot.index + 1 :]]
        super().__init__(spot.sentence, pieces, spot.index)


# Words read two ways by sense, the everyday one first (Xiandai Hanyu Cidian): 东西 dōngxi
# "thing" but dōngxī "east and west" beside 南北, 方, 向 …; 大夫 dàifu "doctor" but dàfū
# "senior official" in 士大夫; 多少 duōshao "how many" but duōshǎo "somewhat" before a verb.
_HETERONYMS: Mapping[str, tuple[str, str, Callable[[Spot], bool]]] = {
    "东西": (
        "dong1 xi5",
        "dong1 xi1",
        lambda s: (
            s.after[:1] in ("南", "方", "向", "部", "长", "宽", "走", "两")
            or s.before in ("从", "横", "贯", "向")
            or s.after.startswith(("两", "向", "方"))
        ),
    ),
    "大夫": ("dai4 fu5", "da4 fu1", lambda s: s.before in ("士", "卿", "上", "中", "下")),
    # 他们大都是学生: for the most part (dōu); a great city (dū) only before 市, 会.
    "大都": ("da4 dou1", "da4 du1", lambda s: s.after[:1] in ("市", "会")),
    "多少": (
        "duo1 shao5",
        "duo1 shao3",
        lambda s: s.after[:1] in ("有", "会", "也", "带", "还", "能", "可", "让", "受"),
    ),
    "故事": ("gu4 shi5", "gu4 shi5", lambda s: False),
    # 精神 jīngshén "spirit, mind"; jīngshen "vigour, lively" (没精神, 很精神).
    "精神": (
        "jing1 shen2",
        "jing1 shen5",
        lambda s: s.before in ("没", "有", "很", "真", "挺", "不"),
    ),
    # 卷子 juànzi "exam paper", juǎnzi "steamed roll" (蒸卷子, 吃卷子).
    "卷子": ("juan4 zi5", "juan3 zi5", lambda s: s.before in ("蒸", "吃", "葱", "油", "花")),
    # 琢磨 zuómo "to think over", zhuómó "to carve and polish" (jade, writing).
    "琢磨": ("zuo2 mo5", "zhuo2 mo2", lambda s: "玉" in s.sentence or "文章" in s.sentence),
    # 看好 kānhǎo "to look after" (看好孩子), kànhǎo "to think well of" (我看好他).
    "看好": (
        "kan4 hao3",
        "kan1 hao3",
        lambda s: s.after in ("孩子", "自己", "行李", "东西", "门", "家", "小孩", "包"),
    ),
    # 生意 shēngyi "business", shēngyì "vitality" (生意盎然); 公道 gōngdao "fair"; 分量
    # fènliang "weight, portion", fēnliàng a vector's component; 地道 dìdao "authentic",
    # dìdào "tunnel" (挖地道, 地道战).
    "生意": ("sheng1 yi5", "sheng1 yi4", lambda s: s.after.startswith("盎然")),
    "公道": ("gong1 dao5", "gong1 dao4", lambda s: s.before in ("主持", "讨")),
    "分量": (
        "fen4 liang5",
        "fen1 liang4",
        lambda s: s.before in ("的", "个") and "向" in s.clause(),
    ),
    "地道": (
        "di4 dao5",
        "di4 dao4",
        lambda s: s.before in ("挖", "条", "个") or s.after[:1] in ("战", "口", "里"),
    ),
    "地方": (
        "di4 fang5",
        "di4 fang1",
        lambda s: (
            s.after.startswith(("政府", "官员", "性", "财政", "经济", "特色", "戏", "法", "保护"))
            or s.before in ("中", "央")
        ),
    ),
}


# Words ending in 少 read shào: 老少 "old and young" (男女老少); else a final 少 is shǎo
# (减少, 越来越少, 至少).
_SHAO_AT_END = frozenset({"老少"})


def final_shao(spot: Spot) -> Mapping[int, str]:
    """少 ending a word is shǎo "few, less" (越来越少, 减少), except 老少 shào."""
    text = spot.piece.text
    if len(text) < 2 or text[-1] != "少" or any(text.endswith(w) for w in _SHAO_AT_END):
        return {}
    return {len(text) - 1: "shao3"}


# Words whose last syllable Xiandai Hanyu Cidian writes light (·) where CC-CEDICT gives a
# full tone: everyday words of HSK levels 1-5.
_LIGHT_LAST = frozenset(
    """
    打算 知道 告诉 衣服 头发 干净 结实 新鲜 喷嚏 出息 早上 晚上 月饼 大爷 认识 事情 意思
    客气 休息 舒服 明白 清楚 关系 豆腐 钥匙 眼睛 耳朵 脑袋 商量 暖和 凉快 热闹 麻烦 漂亮
    聪明 便宜 喜欢 时候 学生 先生 朋友 名字 窗户 月亮 太阳 味道 照顾 部分 合同 态度 任务
    消息 工夫 功夫 收拾 打扮 打听 招呼 吩咐 葡萄 萝卜 玻璃 姑娘 丈夫 媳妇 亲戚 家伙 队伍
    力气 脾气 运气 福气 买卖 相声 苍蝇 石头 木头 骨头 馒头 指头 枕头 舌头 念头 尾巴 嘴巴
    哑巴 云彩 规矩 讲究 困难 地道 厚道 糊涂 含糊 暗淡 比方 称呼 伺候 折腾 琢磨 嘱咐 应酬
    抱怨 街坊 见过
    """.split()
)
_NUMERALS = frozenset("一二两三四五六七八九十百千几半")
# Doubled adverbs of amount, full before a number (整整三天, 足足两个小时).
_WHOLE_AMOUNTS = frozenset({"整整", "足足", "满满"})
# Light words that stay light only alone: 大学生, 留学生, 小学生 are 大学 + 生, full.
_LIGHT_ALONE = frozenset({"学生"})
# Locatives whose suffix is light: 外面 wàimian, 前边 qiánbian, 里头 lǐtou.
_PLACES = frozenset("前后左右上下里外对东西南北")
_PLACE_SUFFIXES = frozenset("面边头")


def light_syllable(spot: Spot) -> Mapping[int, str]:
    """The light last syllable of an everyday word (打算 dǎsuan, 外面 wàimian) and the second
    syllable of a reduplicated one-syllable verb (看看 kànkan, 尝尝 chángchang)."""
    text, pos = spot.piece.text, spot.piece.pos
    last = text[-3:] if text[-3:] in _LIGHT_LAST else text[-2:]
    if last in _LIGHT_LAST and (text == last or last not in _LIGHT_ALONE):
        return {len(text) - 1: LIGHT}  # 打算, and 小姑娘 as 姑娘
    if len(text) == 2 and text[0] in _PLACES and text[1] in _PLACE_SUFFIXES:
        return {1: LIGHT}
    if len(text) == 2 and text[0] == text[1] and pos.startswith("v"):
        # An adjective doubled before 的 or 地 keeps its tone (满满的, 慢慢地), and so does an
        # adverb of amount before a number (整整三天); a verb doubled does not (试试三种方法).
        amount = text in _WHOLE_AMOUNTS and spot.after[:1] in _NUMERALS
        keeps = spot.after[:1] in ("的", "地", "得") or amount
        return {} if keeps else {1: LIGHT}
    return {}


def heteronym(spot: Spot) -> Mapping[int, str]:
    """A word read two ways by sense, read as the everyday sense unless its neighbours say not."""
    found = _HETERONYMS.get(spot.piece.text)
    if found is None:
        return {}
    everyday, other, is_other = found
    return dict(enumerate((other if is_other(spot) else everyday).split()))


# Characters read one way inside words whatever pypinyin's phrases say (流血 liúxuè, 血液:
# xiě is 血 alone in speech), but for the words listed with them.
_IN_WORDS = {"血": ("xue4", frozenset({"血淋淋", "血糊糊", "吐血", "咯血"}))}


# Characters read one way before what they name, in a word or not: 炸 zhá "to deep-fry"
# before food (炸鸡 zhájī, 炸薯条; 炸弹 zhà), 创 chuāng "wound" (创可贴, 创伤; 创造 chuàng).
_BEFORE = {
    "炸": ("zha2", frozenset("鸡鱼肉虾薯丸酱糕串饺")),
    "创": ("chuang1", frozenset("可伤口")),
    # 划 huá "to scratch, cut" before the wound (划伤, 划破), "to row" before the boat (划船,
    # 划龙舟); huà "to mark".
    "划": ("hua2", frozenset("伤破船舟桨艇龙")),
}


# Characters read one way after what they follow, in a word or not: 糊 hú "burnt" after
# cooking (炒糊, 烤糊了; 糊涂 hú, 糊弄 hù are in the dictionaries).
_AFTER = {"糊": ("hu2", COOKED)}


def in_words(spot: Spot) -> Mapping[int, str]:
    """The reading of a character inside a word of two or more (流血 liúxuè, see `_IN_WORDS`),
    before what it names (炸鸡 zhájī, see `_BEFORE`) or after what it follows (炒糊 chǎohú, see
    `_AFTER`), whatever pypinyin's phrases say."""
    text, start = spot.piece.text, spot.piece.start
    found = {}
    for k, char in enumerate(text):
        after = _AFTER.get(char)
        if after is not None and spot.sentence[start + k - 1 : start + k] in after[1]:
            found[k] = after[0]
        rule = _IN_WORDS.get(char)
        if rule is not None and len(text) > 1 and text not in rule[1]:
            found[k] = rule[0]
        before = _BEFORE.get(char)
        if before is not None and spot.sentence[start + k + 1 : start + k + 2] in before[1]:
            found[k] = before[0]
    return found


# Everyday words that both pypinyin's phrases and CC-CEDICT read otherwise than Xiandai Hanyu
# Cidian: 当天 dàngtiān "the same day", 马马虎虎 mǎmahūhū, 两边 liǎngbiān (not light).
_STANDARD_WORDS = {
    "当天": ("dang4", "tian1"),
    "马马虎虎": ("ma3", "ma5", "hu1", "hu1"),
    "两边": ("liang3", "bian1"),
}


def standard_word(spot: Spot) -> Mapping[int, str]:
    """A word read as Xiandai Hanyu Cidian writes it where the dictionaries disagree with it
    (see `_STANDARD_WORDS`)."""
    return dict(enumerate(_STANDARD_WORDS.get(spot.piece.text, ())))


RULES: tuple[Rule, ...] = (
    everyday_polyphone,
    final_shao,
    heteronym,
    light_syllable,
    in_words,
    standard_word,
)
"""The word rules, in the order they run."""
