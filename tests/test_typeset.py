"""Print line setting: breaks, spacing and centring, with a fake font (no WeasyPrint needed)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reader.render.pdf.typeset import SPACERS, Line, Piece, pieces, set_lines
from reader.text import CLOSING, OPENING

# Spacing characters in ems, as Noto Sans CJK draws them.
SPACE_EMS = dict(zip(SPACERS, (1.0, 0.5, 1 / 3, 0.25, 1 / 6, 0.2, 0.112, 0.0625), strict=True))


class FakeFont:
    """Han characters one em, Latin half an em; a dash takes a full em only beside Han text."""

    def __init__(self) -> None:
        self.calls = 0

    def _advance(self, char: str, size: float, han_context: bool) -> float:
        if char in SPACE_EMS:
            return SPACE_EMS[char] * size
        if char == "—":
            return size if han_context else 0.8 * size
        return size if ord(char) >= 0x2E80 else 0.5 * size

    def __call__(self, text: str, size: float) -> float:
        self.calls += 1
        han = any("\u4e00" <= c <= "\u9fff" for c in text)
        return sum(self._advance(c, size, han) for c in text)

    def positions(self, text: str, size: float, indices: Sequence[int]) -> dict[int, float]:
        han = any("\u4e00" <= c <= "\u9fff" for c in text)
        return {i: sum(self._advance(c, size, han) for c in text[:i]) for i in indices}


SIZE = 20.0


def word(
    text: str, *syllables: str, shown: bool = True
) -> tuple[str, tuple[tuple[str, int], ...], bool]:
    return (text, tuple((s, 1) for s in syllables), shown)


def plain(text: str) -> tuple[str, tuple[tuple[str, int], ...], bool]:
    return (text, (), True)


PARAGRAPH = [
    plain("——"),
    word("我们", "wǒ", "men"),
    word("学习", "xué", "xí"),
    plain("“"),
    word("中文", "zhōng", "wén"),
    plain("”。"),
    word("一", "yī"),
    word("双", "shuāng"),
    word("筷子", "kuài", "zi"),
    plain("，"),
    plain(" Python 3.12 "),
    word("很", "hěn"),
    word("方便", "fāng", "biàn"),
    plain("！"),
] * 4


def unspaced(line: Line) -> str:
    return "".join(c for c in line.hanzi if c not in SPACERS)


def centres(line: Line, font: FakeFont) -> list[tuple[float, float, float, float]]:
    """Each shown word: reading left, right, and the reading's and characters' centres."""
    result = []
    hz = font.positions(line.hanzi, SIZE, [i for w in line.words for i in w.hanzi])
    py = font.positions(line.pinyin_text, SIZE * 0.55, [i for w in line.words for i in w.pinyin])
    for placed in line.words:
        if placed.pinyin[0] == placed.pinyin[1]:
            continue
        left, right = (py[i] for i in placed.pinyin)
        centre = sum(hz[i] for i in placed.hanzi) / 2
        result.append((left, right, (left + right) / 2, centre))
    return result


@pytest.mark.parametrize("width", [120.0, 200.0, 333.0, 600.0])
def test_every_character_kept_in_order_within_the_width(width: float) -> None:
    font = FakeFont()
    items = pieces(PARAGRAPH)
    lines = set_lines(items, font, SIZE, width)
    assert len(lines) > 1
    text = "".join(unspaced(line) for line in lines)
    # Only a space where a line breaks may go.
    assert text.replace(" ", "") == "".join(p.text for p in items).replace(" ", "")
    for line in lines:
        assert line.width <= width + 1e-6
        assert font.positions(line.hanzi, SIZE, [len(line.hanzi)])[len(line.hanzi)] <= width


def test_readings_are_centred_and_apart_even_when_context_changes_widths() -> None:
    font = FakeFont()
    lines = set_lines(pieces(PARAGRAPH), font, SIZE, 260.0)
    placed = 0
    for line in lines:
        previous_right = None
        for left, right, reading_centre, word_centre in centres(line, font):
            # The dash measures 16 px alone but 20 px in a line of Han: planned alone, it
            # would push every reading after it off centre by 4 px.
            assert reading_centre == pytest.approx(word_centre, abs=0.3)
            if previous_right is not None:
                assert left >= previous_right + SIZE * 0.2 - 0.3
            previous_right = right
            placed += 1
    assert placed == sum(1 for w in PARAGRAPH if w[1])


def test_lines_do_not_start_with_closing_or_end_with_opening_punctuation() -> None:
    font = FakeFont()
    for width in range(60, 400, 7):
        for number, line in enumerate(set_lines(pieces(PARAGRAPH), font, SIZE, float(width))):
            text = unspaced(line).strip()
            assert number == 0 or text[:1] not in CLOSING, (width, line.hanzi)
            assert text[-1:] not in OPENING, (width, line.hanzi)


def test_punctuation_glues_to_the_word_beside_it() -> None:
    result = pieces([word("说", "shuō"), plain("：“"), word("好", "hǎo"), plain("”。")])
    assert [p.text for p in result] == ["说：", "“好”。"]
    second = result[1]
    assert second.text[second.start : second.end] == "好" and second.reading == "hǎo"


def test_hidden_readings_keep_their_place_but_print_nothing() -> None:
    font = FakeFont()
    items = pieces([word("我", "wǒ", shown=False), word("喜欢", "xǐ", "huan")])
    (line,) = set_lines(items, font, SIZE, 500.0)
    assert "wǒ" not in line.pinyin_text and "xǐhuan" in line.pinyin_text
    assert [p.pinyin[0] == p.pinyin[1] for p in line.words] == [True, False]
    (no_readings,) = set_lines(items, font, SIZE, 500.0, readings=False)
    assert no_readings.pinyin_text == ""


def test_plain_text_wider_than_a_line_is_cut() -> None:
    font = FakeFont()
    lines = set_lines(pieces([plain("x" * 50)]), font, SIZE, 100.0)
    assert [unspaced(line) for line in lines] == ["x" * 10] * 5


def test_a_marker_indents_only_the_first_line() -> None:
    font = FakeFont()
    lines = set_lines(pieces(PARAGRAPH), font, SIZE, 200.0, lead_width=30.0)
    assert lines[0].width <= 200.0
    first_reading_left = centres(lines[0], font)[0][0]
    # The reading line has no marker in it: its first reading starts after the indent.
    assert first_reading_left >= 30.0 - 0.3


def test_tone_runs_cover_the_reading_in_order() -> None:
    font = FakeFont()
    items = pieces(
        [
            ("我们", (("wǒ", 3), ("men", 5)), True),
            ("学习", (("xué", 2), ("xí", 2)), True),
        ]
    )
    (line,) = set_lines(items, font, SIZE, 500.0)
    coloured = [(c, tone) for text, tone in line.pinyin for c in text if c not in SPACERS]
    assert coloured == [
        (c, t) for s, t in (("wǒ", 3), ("men", 5), ("xué", 2), ("xí", 2)) for c in s
    ]
    # the two second-tone syllables share one run
    assert sum(1 for _, tone in line.pinyin if tone == 2) == 1


def test_piece_text_round_trips() -> None:
    items = pieces(PARAGRAPH)
    assert all(isinstance(p, Piece) for p in items)
    assert "".join(p.text for p in items) == "".join(text for text, _, _ in PARAGRAPH)


def test_a_word_wider_than_a_line_splits_into_its_characters() -> None:
    font = FakeFont()
    name = "".join(chr(0x4E00 + i) for i in range(12))
    items = pieces([plain("（"), (name, tuple((f"s{i}", 1) for i in range(12)), True), plain("）")])
    lines = set_lines(items, font, SIZE, 100.0)
    assert len(lines) > 2
    assert "".join(unspaced(line) for line in lines) == f"（{name}）"
    for line in lines:
        assert line.width <= 100.0
        for *_, reading_centre, word_centre in centres(line, font):
            assert reading_centre == pytest.approx(word_centre, abs=0.3)
    readings = [c for line in lines for c in line.pinyin_text if c not in SPACERS]
    assert "".join(readings) == "".join(f"s{i}" for i in range(12))


def test_a_long_address_is_cut_after_slashes() -> None:
    font = FakeFont()
    address = "https://github.com/rust-lang/book/blob/main/src/ch01-01-installation.md"
    lines = set_lines(pieces([plain(address)]), font, SIZE, 200.0)
    texts = [unspaced(line) for line in lines]
    assert "".join(texts) == address and len(texts) > 2
    assert all(text[-1] in "/.-_?&=:" for text in texts[:-1]), texts
