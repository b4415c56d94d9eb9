"""Numbers written in characters (三十五, 两千五, 第二十五), read as values and said in English."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_SECTIONS = {"万": 10_000, "亿": 100_000_000}
_ORDINAL = "第"
# From here on, an English number is followed by its figures (35,000).
_FIGURES_FROM = 10_000


def value(text: str) -> int | None:
    """The value of a number written in characters (三十五 35, 一百零五 105, 两千五 2,500,
    三万五 35,000, 二〇二六 2026), or None when the text is no such number (十几, 一半)."""
    if not text or any(c not in _DIGITS and c not in _UNITS and c not in _SECTIONS for c in text):
        return None
    if text[0] not in _DIGITS and text[0] != "十":
        return None  # 万, 千万: no number
    if all(c in _DIGITS for c in text):
        if len(text) == 1:
            return _DIGITS[text]
        if len(text) == 2 and not {"零", "〇"} & set(text):
            return None  # 三四天 three or four (see `english`), 三五天 a few days: not 34, 35
        # Digit by digit, as years and numbers of rooms are written (二〇二六, 一九九八).
        return int("".join(str(_DIGITS[c]) for c in text))
    if _approximate(text) is not None:
        return None  # 十一二, 三四十: eleven or twelve, thirty or forty (see `english`)
    total = section = digit = 0
    last_unit = 0
    zero = False
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
            zero = zero or digit == 0
        elif char in _UNITS:
            unit = _UNITS[char]
            # 十五 is fifteen: 十 opening a number stands for 一十.
            section += (digit or (1 if unit == 10 and not section and not digit else 0)) * unit
            digit, last_unit = 0, unit
        else:
            section = (section + digit) * _SECTIONS[char]
            total += section
            section = digit = 0
            last_unit = _SECTIONS[char]
    if digit and not zero and last_unit >= 100 and text[-2] in _UNITS | _SECTIONS:
        # 两千五 is 2,500 and 三万五 35,000: a last digit right after a unit counts the unit
        # below it (一百零五, with its 零, is 105).
        digit *= last_unit // 10
    return total + section + digit


def english(text: str) -> str | None:
    """A number or an ordinal written in characters, said in English (三十五 thirty-five,
    第二十五 twenty-fifth, 三万五千 thirty-five thousand (35,000), 三四 three or four, 一九九八
    1998); None for anything else."""
    from num2words import num2words  # only where a gloss needs it

    ordinal = text.startswith(_ORDINAL)
    number = value(text.removeprefix(_ORDINAL))
    if number is None:
        either = _approximate(text)
        if either is None:
            return None
        low, high = (value(t) for t in either)
        if low is None or high is None:
            return None
        return f"{num2words(low)} or {num2words(high)}"

    digits = text.removeprefix(_ORDINAL)
    if len(digits) > 1 and all(c in _DIGITS for c in digits):
        return "".join(str(_DIGITS[c]) for c in digits)  # 一九九八 (a year, a room): 1998
    said: str = num2words(number, to="ordinal" if ordinal else "cardinal")
    if number >= _FIGURES_FROM and not ordinal:
        said = f"{said} ({number:,})"
    return said


def _approximate(text: str) -> tuple[str, str] | None:
    """The two numbers that neighbouring digits name (一两 一 or 两, 十一二 十一 or 十二, 三四十
    三十 or 四十); None where no two digits in a row differ by one, or where the text is
    all digits and longer than two (一九九八, read digit by digit)."""
    if len(text) > 2 and all(c in _DIGITS for c in text):
        return None
    pairs = [
        i
        for i in range(len(text) - 1)
        if text[i] in _DIGITS
        and text[i + 1] in _DIGITS
        and _DIGITS[text[i]]
        and _DIGITS[text[i + 1]] == _DIGITS[text[i]] + 1
    ]
    if len(pairs) != 1:
        return None
    at = pairs[0]
    return text[:at] + text[at] + text[at + 2 :], text[:at] + text[at + 1] + text[at + 2 :]
