"""Pinyin styles: a word's numbered reading written in tone marks, tone numbers or Zhuyin."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Sequence

from reader.model import PinyinStyle
from reader.text import ERHUA_SYLLABLE

# A syllable that opens with a, o or e takes an apostrophe after another one (xī'ān, nǚ'ér).
_VOWEL_START = re.compile(r"^[aoeāáǎàōóǒòēéěè]", re.IGNORECASE)


def syllables(
    reading: Sequence[str], style: PinyinStyle, apart: Collection[int] = ()
) -> tuple[str, ...]:
    """A numbered reading (see `Word.reading`) written syllable by syllable in a style.

    Tone marks and tone numbers put an apostrophe before a syllable after the first that
    opens with a, o or e (xī'ān), and capitalise the syllables the reading capitalises, each
    after the first set apart by a space (Lǐ Míng, Běijīng Dàxué), and the syllables `apart`
    lists too (dǎ diànhuà, see `Word.apart`); Zhuyin puts a space between syllables; style
    `none` writes every syllable empty. A character without a reading stays empty. Joined,
    the syllables are the word's pinyin as a sheet shows it.
    """
    if style == "none":
        return tuple("" for _ in reading)
    result: list[str] = []
    for i, numbered in enumerate(reading):
        if not numbered:
            result.append("")
            continue
        shown = _syllable(numbered.lower(), style)
        if style == "zhuyin":
            # Zhuyin has no capitals and is written syllable by syllable, not joined.
            result.append(" " + shown if i else shown)
        elif numbered[:1].isupper():
            result.append((" " if i else "") + shown[:1].upper() + shown[1:])
        elif i in apart:
            result.append(" " + shown)
        elif i and _VOWEL_START.match(shown):
            result.append("'" + shown)
        else:
            result.append(shown)
    return tuple(result)


def written(reading: Sequence[str], style: PinyinStyle, apart: Collection[int] = ()) -> str:
    """A numbered reading written in a style as one string (`Lǐ Míng`, `yin2hang2`, ``)."""
    return "".join(syllables(reading, style, apart))


@functools.lru_cache(maxsize=4096)
def _syllable(tone3: str, style: PinyinStyle) -> str:
    """One lower-case numbered syllable (`hang2`, erhua `r`) in marks, numbers or Zhuyin."""
    # Written here, not by pypinyin: a sheet rendered from the annotation cache imports none
    # of the annotation's libraries (pypinyin's dictionaries take a while to load).
    if tone3 == ERHUA_SYLLABLE:
        return "ㄦ" if style == "zhuyin" else tone3
    if style == "numbers":
        return tone3
    base, tone = (tone3[:-1], int(tone3[-1])) if tone3[-1:] in "12345" else (tone3, 5)
    base = base.replace("v", "ü")
    if style == "zhuyin":
        return _zhuyin(base) + _ZHUYIN_TONES[tone - 1]
    if tone == 5:
        return base
    at = _mark_at(base)
    return unicodedata.normalize("NFC", base[: at + 1] + _TONE_MARKS[tone - 1] + base[at + 1 :])


# Combining macron, acute, caron and grave: tones 1-4 (NFC makes ā, á, ǎ, à of them).
_TONE_MARKS = "\u0304\u0301\u030c\u0300"


def _mark_at(base: str) -> int:
    """Where a syllable's tone mark goes: on a, else o or e, else the last of i, u and ü
    (liù, guì), else on the nasal of an interjection (ń, ḿ)."""
    for vowel in "aoeê":
        if vowel in base:
            return base.index(vowel)
    for i in range(len(base) - 1, -1, -1):
        if base[i] in "iuü":
            return i
    return max(base.find("n"), base.find("m"), 0)


_ZHUYIN_TONES = ("", "ˊ", "ˇ", "ˋ", "˙")
_ZHUYIN_INITIALS = {
    **dict(zip("bpmfdtnlgkhjqxrzcs", "ㄅㄆㄇㄈㄉㄊㄋㄌㄍㄎㄏㄐㄑㄒㄖㄗㄘㄙ", strict=True)),
    "zh": "ㄓ",
    "ch": "ㄔ",
    "sh": "ㄕ",
}
_ZHUYIN_FINALS = dict(
    pair.split("=")
    for pair in """
    a=ㄚ o=ㄛ e=ㄜ ê=ㄝ ai=ㄞ ei=ㄟ ao=ㄠ ou=ㄡ an=ㄢ en=ㄣ ang=ㄤ eng=ㄥ ong=ㄨㄥ er=ㄦ
    i=ㄧ ia=ㄧㄚ io=ㄧㄛ ie=ㄧㄝ iai=ㄧㄞ iao=ㄧㄠ iu=ㄧㄡ iou=ㄧㄡ ian=ㄧㄢ in=ㄧㄣ iang=ㄧㄤ
    ing=ㄧㄥ iong=ㄩㄥ
    u=ㄨ ua=ㄨㄚ uo=ㄨㄛ uai=ㄨㄞ ui=ㄨㄟ uei=ㄨㄟ uan=ㄨㄢ un=ㄨㄣ uen=ㄨㄣ uang=ㄨㄤ ueng=ㄨㄥ
    uong=ㄨㄥ
    ü=ㄩ üe=ㄩㄝ üan=ㄩㄢ ün=ㄩㄣ
    """.split()
)
# y and w spell a final that has no initial (ya = ia, wu = u, yu = ü).
_Y_W = (("yu", "ü"), ("yi", "i"), ("y", "i"), ("wu", "u"), ("w", "u"))
# Interjections with a syllabic nasal (呣 m, 嗯 n and ng, 噷 hm, 哼 hng), as pypinyin spelt them.
_NASALS = {"m": "ㄇㄨ", "n": "ㄣ", "ng": "ㄋㄍ", "hm": "ㄏㄇ", "hng": "ㄏㄋㄍ"}


def _zhuyin(base: str) -> str:
    """A toneless syllable in Zhuyin (`zhong` ㄓㄨㄥ, `yue` ㄩㄝ, `shi` ㄕ); itself if unknown."""
    if base in _NASALS:
        return _NASALS[base]
    initial = next((i for i in ("zh", "ch", "sh") if base.startswith(i)), base[:1])
    if initial not in _ZHUYIN_INITIALS or initial == base:
        initial = ""
    final = base[len(initial) :]
    if not initial:
        final = next((v + final[len(y) :] for y, v in _Y_W if final.startswith(y)), final)
    elif initial in ("j", "q", "x") and final.startswith("u"):
        final = "ü" + final[1:]  # ju, que, xuan: the u is ü
    elif initial in ("zh", "ch", "sh", "r", "z", "c", "s") and final == "i":
        final = ""  # zhi, si: the initial alone
    if final and final not in _ZHUYIN_FINALS:
        return base
    return _ZHUYIN_INITIALS.get(initial, "") + _ZHUYIN_FINALS.get(final, "")
