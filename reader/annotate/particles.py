"""Particles and suffixes that jieba's tags and the neighbouring words decide (得 de, 了 liǎo)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from reader.annotate.pieces import HAN_RUN, Piece

if TYPE_CHECKING:
    from reader.annotate.readings import Phrase

    pass


# Single-character words whose reading jieba's part-of-speech tag decides: particles (得 ud →
# de, not dé) and adverbs (都 d → dōu, not dū; 还 d → hái, not huán), where the context model
# slips on very common words. A structural particle always has a word after it: 等地， and
# 学有所得。 are a noun and a verb.
BY_TAG: Mapping[tuple[str, str], str] = {
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


NEEDS_FOLLOWER = frozenset({"得", "地"})


# Particles after a verb, which jieba splits off words that CC-CEDICT holds (长得, 落得, 舍得).
VERB_PARTICLES = frozenset("得着了过")


# Aspect particles after a verb or preposition, the noun suffix 子 (by jieba's tag's first letter).
SUFFIXES = {
    ("过", "v"): "guo5",
    ("着", "v"): "zhe5",
    ("着", "p"): "zhe5",
    ("子", "n"): "zi5",
}


# Modal particles end a clause and are read in the neutral tone: 吧 ba, 啦 la, 呢 ne, 哦 o
# (签名哦。; an interjection stands first: 哦，我记得了).
MODAL = {
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


def particle(piece: Piece, following: str, previous: str) -> dict[int, str]:
    """The reading of a particle or adverb that jieba's tag decides (see `BY_TAG`)."""
    reading = BY_TAG.get((piece.text, piece.pos))
    if reading is None and HAN_RUN.match(previous) and not HAN_RUN.match(following):
        # Whatever jieba's tag (it says v for 玩去咧……): after a word, before punctuation. Not
        # 20哩 (miles), 啦啦操, 贴吧.
        reading = MODAL.get(piece.text)
    if reading is None:
        return {}
    if piece.text in NEEDS_FOLLOWER and not HAN_RUN.match(following):
        return {}
    return {0: reading}


def aspect(
    piece: Piece, phrase: Phrase, cedict: Sequence[tuple[str, ...] | None]
) -> dict[int, str]:
    """A suffix that jieba joined to its word: 去过 qùguo, 靠着 kàozhe, 壶子 húzi.

    Words in which 过, 着 or 子 is part of the meaning (经过 jīngguò, 睡着 shuìzháo, 原子
    yuánzǐ) are in the dictionaries; a word + suffix pair is only in jieba's.
    """
    text = piece.text
    if len(text) != 2 or phrase.covered[1] or cedict[1]:
        return {}
    reading = SUFFIXES.get((text[1], piece.pos[:1]))
    return {1: reading} if reading else {}


# What follows 不 in a potential complement kept as one word (受不了, 来不及, 看不起): a
# result or a direction, not the second half of a question (是不是) or of 前不久, 要不然.
_COMPLEMENTS = frozenset("了起及上下来去到见懂清着住得开通动过出完准拢倒尽透中惯消")


def potential(sentence: str, piece: Piece) -> dict[int, str]:
    """Potential complements, not particles: 了 after 不 (or 不得) is liǎo (受不了, 不得了); 着
    inside a word after 不 or 得 is zháo (找不着, 用不着, 睡得着); 不 inside such a word is
    light, as Xiandai Hanyu Cidian writes every one (受不了 shòubuliǎo, 赶不上, 瞧不起)."""
    text = piece.text
    found: dict[int, str] = {}
    if len(text) == 3 and text[1] == "不" and text[2] in _COMPLEMENTS and text[0] != text[2]:
        found[1] = "bu5"
    for k, char in enumerate(text):
        i = piece.start + k
        if i == 0:
            continue
        if char == "了" and (sentence[i - 1] == "不" or sentence[max(0, i - 2) : i] == "不得"):
            found[k] = "liao3"
        elif char == "着" and k > 0 and sentence[i - 1] in "不得":
            found[k] = "zhao2"
    return found
