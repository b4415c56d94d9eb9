"""Senses in context: which of a word's dictionary senses its neighbours call for.

CC-CEDICT lists a character's senses in no order a learner can use (别 "to leave" before
"don't", 点 "point" before "o'clock"). Each rule below names a context that Xiandai Hanyu
Cidian tells apart and the CC-CEDICT sense it calls for; the gloss puts that sense first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.model import Word

CLASSIFIER = "classifier"
"""The wanted sense of a measure word after a number: any of its classifier senses."""

_CLASSIFIER_SENSE = re.compile(r"\bclassifier\b|\bmeasure word\b")
# Numbers and demonstratives that a measure word follows.
_COUNTING = frozenset("一二两三四五六七八九十百千万几这那哪每半某各整0123456789")
# jieba's tags of what an adverb or a modal stands before: verbs, adjectives, other adverbs.
_HEADS = ("v", "a", "d")
# Words for units of time that 下 "next" and 上 "last" stand before (下周, 下个月, 下次).
_TIME_UNITS = frozenset("周次个星月回学")


@dataclass(frozen=True, slots=True)
class Neighbours:
    """A word with its neighbours in its sentence."""

    word: Word
    before: Word | None
    after: Word | None
    sentence: str

    def before_head(self) -> bool:
        """Whether the next word is a verb, an adjective or an adverb (别|担心, 先|走)."""
        after = self.after
        return after is not None and after.is_chinese and after.pos.startswith(_HEADS)

    def after_chinese(self) -> bool:
        """Whether a Chinese word stands before this one (吃完饭|后, not 后 opening a clause)."""
        return self.before is not None and self.before.is_chinese


# What a word says after a number where that is not its classifier sense (三点 o'clock,
# 三十多 "... odd", 五度 degrees, 三倍 -fold).
_COUNTED = {
    "点": "o'clock",
    "多": "(after a numeral)",
    "度": "degree (angles, temperature",
    "倍": "-fold",
}

# For each word, the contexts that call for one of its senses, in order: (context, sense).
_RULES: dict[str, tuple[tuple[Callable[[Neighbours], bool], str], ...]] = {
    # One-character adverbs whose adverb sense CC-CEDICT lists after others, before a verb
    # or an adjective (别担心, 先走, 八点才起床, 刚到, 挺贵); not 老, which jieba's tags would
    # make "always" in 老邻居.
    "别": ((Neighbours.before_head, "don't"),),
    "先": ((Neighbours.before_head, "first"),),
    "才": ((Neighbours.before_head, "then and only then"),),
    "刚": ((Neighbours.before_head, "just"),),
    "挺": ((Neighbours.before_head, "quite"),),
    "正": ((Neighbours.before_head, "just (at that time)"),),
    "光": ((Neighbours.before_head, "only"),),
    "白": ((Neighbours.before_head, "in vain"),),
    # 想 before a verb is wanting to do it (我想去), not thinking.
    "想": ((Neighbours.before_head, "to want"),),
    # 我们一块去: together (一块蛋糕 is cut in two, a number and its measure word).
    "一块": ((Neighbours.before_head, "together"),),
    # 一…就…: as soon as (一有空就打电话).
    "一": ((lambda s: s.before_head() and "就" in s.sentence, "as soon as"),),
    # 越…越…: the more … the more.
    "越": ((lambda s: s.sentence.count("越") > 1, "the more"),),
    # 下周, 下个月, 下次: next; 上 is read with its own entries.
    "下": ((lambda s: s.after is not None and s.after.text[:1] in _TIME_UNITS, "next"),),
    # 打篮球, 打球: to play.
    "打": ((lambda s: s.after is not None and s.after.text.endswith("球"), "to play"),),
    # 睡不着, 睡得着: 着 zháo as a complement, succeeding in it.
    "着": ((lambda s: s.before is not None and s.before.text in ("不", "得"), "(after a verb)"),),
    # 花钱, 花了两个小时: to spend.
    "花": ((lambda s: s.after is not None and s.after.text[:1] in ("钱", "时", "了"), "to spend"),),
    # 三块钱: money; before 钱 the measure word counts yuan.
    "块": ((lambda s: s.after is not None and s.after.text[:1] == "钱", "money"),),
    # 我的包, 一个包: a bag, not "to wrap".
    "包": ((lambda s: s.before is not None and s.before.text[-1:] in ("的", "个", "只"), "bag"),),
    # 背课文, 背单词 (bèi): to learn by heart; 背 bēi "to carry" is another entry.
    "背": ((lambda s: s.after is not None and s.after.pos.startswith("n"), "to learn by heart"),),
    # 下课后, 三天后: after.
    "后": ((Neighbours.after_chinese, "after"),),
    # 长 zhǎng before 得, 大, 高: to grow (her 长得很高); the entry read cháng has no such sense.
    "长": ((lambda s: s.after is not None and s.after.text[:1] in "得大高胖", "to grow"),),
}


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
    """The senses with the wanted one first (a measure word's classifier senses first)."""
    if not wanted:
        return senses

    def fits(sense: str) -> bool:
        return bool(_CLASSIFIER_SENSE.search(sense)) if wanted == CLASSIFIER else wanted in sense

    return (*(s for s in senses if fits(s)), *(s for s in senses if not fits(s)))
