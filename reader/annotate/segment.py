"""Word splits: jieba's "words" that are free phrases become the dictionary words they hold.

jieba's dictionary and its HMM join phrases no dictionary lists (很漂亮, 太重, 姓张, 买到,
三只); reading, glossing and levelling them as one word gives a wrong reading (太重
tàichóng), a composed gloss and vocabulary lists of phrases. GB/T 16159 and the dictionaries
write them as words: 很 piàoliang, tài zhòng, xìng Zhāng, sān zhī.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from reader.annotate.pieces import Piece

# Numerals and demonstratives that stand before a measure word, and measure words that jieba
# joins to them (三只, 一场, 十年). GB/T 16159 writes a number and its measure word apart.
_NUMBERS = frozenset("一二两三四五六七八九十百千万几半")
_MEASURES = frozenset(
    "个只条张本件次天年岁位名口家种场双块把辆台部首棵朵匹头间层门封支杯瓶碗斤米元毛角号周趟遍"
    "顿届所座架片滴颗粒根份套篇幅首课分秒步站层楼盒袋包箱瓶顶件"
)
# Numeral words that are words of their own (一下 "a little", 一些, 一切, 一半 …).
_NUMBER_WORDS = frozenset(
    "一下 一些 一点 一会 一切 一半 一共 一致 一阵 一番 一样 一起 一道 一块".split()
)
# Tags of words jieba is sure of as units: idioms, set phrases, places and organisations.
_WHOLE = frozenset({"i", "l", "ns", "nt", "eng", "x"})
_PERSON = frozenset({"nr", "nrfg", "nrt"})
# A potential complement splits: 背不动 bēi bu dòng, 听得懂 (the dictionaries list the common ones).
_INFIXES = frozenset("不得")
# The plural suffix stays with its word (孩子们 háizimen).
_PLURAL = frozenset("们")
# A surname after 姓 is a name: 姓张 xìng Zhāng.
_SURNAME_VERBS = frozenset({"姓"})


def split_phrases(
    pieces: Sequence[Piece],
    known: Callable[[str], bool],
    tag: Callable[[str], str | None],
    kept: Collection[str],
    surname: Callable[[str], bool],
    free: Callable[[str], bool],
    basic: Callable[[str], bool],
) -> list[Piece]:
    """The pieces, with free phrases split into the words they hold.

    `known` says whether a dictionary lists a word, `tag` gives jieba's tag for a word of its
    dictionary, `kept` holds the user's own words (never split), `surname` whether a
    character is a surname, `free` whether a character is an everyday word on its own (很,
    太, 买); a phrase is split only into dictionary words and such characters, so a rare
    word no dictionary lists (朴拙) stays whole; a phrase of single characters only when
    each is `basic` (倒|杯|茶, 被|选|为, but 空包弹).
    """
    result: list[Piece] = []
    for piece in pieces:
        parts = _split(piece, known, kept, free, basic)
        if len(parts) == 1:
            result.append(piece)
            continue
        offset = piece.start
        for part in parts:
            found = tag(part) or ("m" if all(c in _NUMBERS for c in part) else piece.pos)
            result.append(Piece(part, found, offset))
            offset += len(part)
    return _name_after_xing(result, surname)


def _split(
    piece: Piece,
    known: Callable[[str], bool],
    kept: Collection[str],
    free: Callable[[str], bool],
    basic: Callable[[str], bool],
) -> list[str]:
    """The words a piece is made of: itself, unless it is a free phrase."""
    text = piece.text
    if not piece.han or len(text) < 2 or text in kept or piece.pos in _WHOLE:
        return [text]
    if all(c in _NUMBERS or c in "零〇百千万亿" for c in text):
        return [text]  # a number: 三十八
    if piece.pos[:1] == "m" and text not in _NUMBER_WORDS and not (text[0] == "半" and known(text)):
        numbers = len(text) - 1
        if text[-1] in _MEASURES and all(c in _NUMBERS for c in text[:numbers]):
            return [text[:numbers], text[-1]]
    if known(text) or _reduplicated(text) or text[-1] in _PLURAL:
        return [text]
    if piece.pos in _PERSON and not any(known(text[:n]) for n in range(2, len(text))):
        return [text]  # a name (李明): no common word stands at its start
    if len(text) == 3 and text[1] in _INFIXES and all(free(c) for c in text):
        return list(text)
    parts = _cut(text, known)
    if any(len(p) == 1 and not free(p) for p in parts):
        return [text]
    if len(text) > 2 and all(len(p) == 1 for p in parts) and not all(basic(p) for p in parts):
        return [text]  # 空包弹, 新地王: no dictionary word inside, rarer characters
    return parts


def _reduplicated(text: str) -> bool:
    """看看, 高高兴兴, 研究研究, 试一试: one word by GB/T 16159."""
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] == text[half:]:
        return True
    if len(text) == 4 and text[0] == text[1] and text[2] == text[3]:
        return True
    return len(text) == 3 and text[0] == text[2] and text[1] in "一了"


def _cut(text: str, known: Callable[[str], bool]) -> list[str]:
    """Fewest dictionary words (or single characters) that make up `text`; longer first."""
    best: list[list[str] | None] = [None] * (len(text) + 1)
    best[0] = []
    for end in range(1, len(text) + 1):
        for start in range(end):
            before = best[start]
            part = text[start:end]
            if before is None or (len(part) > 1 and not known(part)):
                continue
            candidate = [*before, part]
            current = best[end]
            if current is None or _rank(candidate) < _rank(current):
                best[end] = candidate
    found = best[len(text)]
    return found if found else [text]


def _rank(parts: Sequence[str]) -> tuple[int, list[int]]:
    """Fewer words first, then the longer word first (邻居|家, not 邻|居家)."""
    return len(parts), [-len(p) for p in parts]


def _name_after_xing(pieces: list[Piece], surname: Callable[[str], bool]) -> list[Piece]:
    """A surname after 姓 is a person's name (姓张 xìng Zhāng)."""
    for i in range(1, len(pieces)):
        if pieces[i - 1].text in _SURNAME_VERBS and pieces[i].han and surname(pieces[i].text):
            piece = pieces[i]
            pieces[i] = Piece(piece.text, "nr", piece.start, titled=True)
    return pieces
