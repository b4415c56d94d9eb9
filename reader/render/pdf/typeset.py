"""Print typesetting: words measured with Pango and set into lines of pinyin over characters."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reader.errors import RenderError
from reader.text import CLOSING, OPENING


class Measure(Protocol):
    """Text widths in CSS px at a font size in CSS px (the print stylesheet's CJK family)."""

    def __call__(self, text: str, size: float) -> float:
        """The width of `text` on its own."""
        ...

    def positions(self, text: str, size: float, indices: Sequence[int]) -> dict[int, float]:
        """Where each character index of `text` starts (`len(text)`: its end), in context."""
        ...


# Fixed-width spaces, widest first: em, en, three-, four-, six-per-em, thin, narrow no-break,
# hair. WeasyPrint never collapses or stretches them, so a run of them moves the next word to
# a position computed here, inside one text run per printed line (one run per line instead
# of boxes per word is what makes a long sheet lay out in seconds).
SPACERS = "\u2003\u2002\u2004\u2005\u2006\u2009\u202f\u200a"
"""The spacing characters a set line uses between words, widest first."""

READING_SCALE = 0.55
"""Pinyin font size as a share of the characters' size."""

GAP = 0.2
"""Space between two words, in ems of the characters' size."""

TOLERANCE = 0.25
"""How far (px) a word may sit from its computed place: fewer spacing characters within it."""


# Plain text breaks after spaces and around each CJK character and punctuation mark; a Latin
# word or a number stays whole (unless it is wider than a line).
_SINGLE = re.escape("".join(sorted(CLOSING | OPENING)))
_PIECE = re.compile(rf"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef{_SINGLE}]+\s*|\s+|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Piece:
    """One unbreakable item for line setting: a word with its reading, or plain text."""

    text: str
    """The characters as printed: opening punctuation, the word, closing punctuation."""
    syllables: tuple[tuple[str, int], ...] = ()
    """The reading's syllables with their tones (1-5); empty for plain text."""
    start: int = 0
    """Where the word itself starts in `text` (after opening punctuation)."""
    end: int = 0
    """Where the word itself ends in `text` (before closing punctuation)."""
    shown: bool = True
    """Whether the reading is printed (`--level N` leaves known words bare)."""

    @property
    def reading(self) -> str:
        """The whole reading, syllables joined."""
        return "".join(syllable for syllable, _ in self.syllables)


@dataclass(frozen=True, slots=True)
class Placed:
    """Where one word's characters and reading sit on a set line, as string offsets."""

    hanzi: tuple[int, int]
    """Start and end of the word's characters in `Line.hanzi`."""
    pinyin: tuple[int, int]
    """Start and end of its reading in `Line.pinyin_text` (empty when not shown)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line: a line of readings over a line of characters, spaced to match."""

    hanzi: str
    """The characters, words separated by spacing characters."""
    pinyin: tuple[tuple[str, int], ...]
    """The reading line as runs of text with a tone (0 where no tone colour applies)."""
    words: tuple[Placed, ...]
    """Each word with a reading, in order."""
    width: float
    """The line's width in CSS px as measured (the widest of its two lines)."""

    @property
    def pinyin_text(self) -> str:
        """The reading line as plain text."""
        return "".join(text for text, _ in self.pinyin)


@dataclass(frozen=True, slots=True)
class _Widths:
    """How wide one piece's parts print, in px."""

    text: float
    """The whole piece, punctuation included."""
    before: float
    """Opening punctuation before the word."""
    word: float
    """The word itself."""
    reading: float
    """Its reading (0 when none is printed)."""

    def box(self) -> tuple[float, float, float]:
        """The piece's box width and where its characters and its reading start in it."""
        if self.reading <= 0:
            return self.text, 0.0, 0.0
        # The reading is centred on the word itself, not on glued punctuation; the box grows
        # to whichever of the two sticks out further on each side.
        reading_x = self.before + (self.word - self.reading) / 2
        left = min(0.0, reading_x)
        right = max(self.text, reading_x + self.reading)
        return right - left, -left, reading_x - left


def pieces(
    items: Sequence[tuple[str, tuple[tuple[str, int], ...], bool]],
) -> list[Piece]:
    """Pieces for line setting from (text, syllables, shown) items; punctuation glued."""
    result: list[Piece] = []
    lead = ""
    glue = False  # whether closing punctuation may still join the last piece
    for text, syllables, shown in items:
        if syllables:
            result.append(Piece(lead + text, syllables, len(lead), len(lead) + len(text), shown))
            lead, glue = "", True
            continue
        for part in _PIECE.findall(text):
            if part in OPENING:
                lead += part
                glue = False
            elif part[0] in CLOSING and glue and not lead and result:
                last = result[-1]
                result[-1] = Piece(
                    last.text + part, last.syllables, last.start, last.end, last.shown
                )
                glue = part[-1] in CLOSING and not part[-1].isspace()
            else:
                if part.isspace():
                    part = " "  # a set line is preformatted: a newline would break it
                result.append(Piece(lead + part))
                lead, glue = "", not part[-1].isspace()
    if lead:
        result.append(Piece(lead))
    return result


def set_lines(
    items: Sequence[Piece],
    measure: Measure,
    size: float,
    width: float,
    *,
    readings: bool = True,
    lead_width: float = 0.0,
) -> tuple[Line, ...]:
    """Break pieces into lines no wider than `width` px, readings centred over their words.

    `size` is the characters' font size in px; `lead_width` is room taken on the first line
    (a list marker). Lines break only between pieces; a piece wider than a line gets a line
    of its own and, if plain text, is cut by characters.
    """
    small = size * READING_SCALE
    gap = size * GAP
    lines: list[list[Piece]] = []
    current: list[Piece] = []
    x = lead_width
    alone: dict[Piece, _Widths] = {}  # each piece measured once
    for piece in _fitted(items, measure, size, width, readings, alone):
        box = alone[piece].box()[0]
        start = x + (gap if current and _spaced(current[-1], piece) else 0.0)
        if current and start + box > width:
            lines.append(current)
            current, x, start = [], 0.0, 0.0
            if piece.text.isspace():
                continue  # a space at a line break is the break
        current.append(piece)
        x = start + box
    if current:
        lines.append(current)
    spacers = (_Spacer(measure, size), _Spacer(measure, small))
    result: list[Line] = []
    number = 0
    while number < len(lines):
        indent = lead_width if number == 0 else 0.0
        line = _line(
            lines[number], [alone[p] for p in lines[number]], measure, size, indent, spacers
        )
        if line.width > width and len(lines[number]) > 1:
            # Text in context came out wider than measured alone: the last piece moves on.
            moved = lines[number].pop()
            if number + 1 == len(lines):
                lines.append([])
            lines[number + 1].insert(0, moved)
            continue
        result.append(line)
        number += 1
    return tuple(result)


def tone_layers(line: Line, measure: Measure, size: float) -> tuple[tuple[int, str], ...]:
    """The reading line split by tone into layers that print on top of each other.

    Each layer holds one tone's syllables, each run spaced to where it sits in the whole
    line, so a printer draws five plain runs per line instead of a coloured box per
    syllable. `size` is the characters' size in px.
    """
    small = size * READING_SCALE
    spacer = _Spacer(measure, small)
    text = line.pinyin_text
    bounds, at = [], 0
    for run, tone in line.pinyin:
        bounds.append((at, at + len(run), tone))
        at += len(run)
    x = measure.positions(
        text, small, sorted({i for start, end, _ in bounds for i in (start, end)})
    )
    layers: dict[int, tuple[list[str], float]] = {}
    for start, end, tone in bounds:
        run = text[start:end]
        lead = len(run) - len(run.lstrip(SPACERS))
        if tone == 0 or lead == len(run):
            continue
        # start where the run's first syllable does, not its leading spacing
        begin = x[start] + (measure.positions(run, small, [lead])[lead] if lead else 0.0)
        parts, reached = layers.get(tone, ([], 0.0))
        spacing, used = spacer(begin - reached)
        parts.append(spacing + run[lead:])
        layers[tone] = (parts, reached + used + x[end] - begin)
    return tuple((tone, "".join(parts)) for tone, (parts, _) in sorted(layers.items()))


def _spaced(before: Piece, after: Piece) -> bool:
    """Whether a word gap separates two pieces (plain text runs straight on)."""
    return bool(before.syllables or after.syllables)


def _widths(piece: Piece, measure: Measure, size: float, small: float, readings: bool) -> _Widths:
    """A piece's widths measured on their own."""
    shown = bool(piece.syllables) and readings and piece.shown
    return _Widths(
        text=measure(piece.text, size),
        before=measure(piece.text[: piece.start], size) if piece.start else 0.0,
        word=measure(piece.text[piece.start : piece.end], size),
        reading=measure(piece.reading, small) if shown else 0.0,
    )


def _fitted(
    items: Sequence[Piece],
    measure: Measure,
    size: float,
    width: float,
    readings: bool,
    alone: dict[Piece, _Widths],
) -> list[Piece]:
    """The pieces, any wider than a line cut into pieces that fit, each measured in `alone`.

    Plain text is cut between characters (after a slash, dot or hyphen where there is one
    late enough); a word (a long name, a user-dictionary entry)
    into its characters, each with its own syllable, when it has one per character.
    """
    result: list[Piece] = []
    small = size * READING_SCALE
    for piece in items:
        if piece not in alone:
            alone[piece] = _widths(piece, measure, size, small, readings)
        if alone[piece].box()[0] <= width:
            result.append(piece)
        elif piece.syllables and len(piece.syllables) == piece.end - piece.start:
            result.extend(_characters(piece))
        elif piece.syllables:
            result.append(piece)  # rather too wide than torn from its reading
        else:
            result.extend(_cut_text(piece.text, measure, size, width))
    for piece in result:
        if piece not in alone:
            alone[piece] = _widths(piece, measure, size, small, readings)
    return result


def _characters(piece: Piece) -> list[Piece]:
    """A word cut into its characters, each with its own syllable; text around the word
    stays with its first and last character."""
    result: list[Piece] = []
    last = piece.end - 1
    for at in range(piece.start, piece.end):
        text = piece.text[: at + 1] if at == piece.start else piece.text[at : at + 1]
        if at == last:
            text += piece.text[piece.end :]
        lead = at if at == piece.start else 0
        syllable = (piece.syllables[at - piece.start],)
        result.append(Piece(text, syllable, lead, lead + 1, piece.shown))
    return result


def _cut_text(text: str, measure: Measure, size: float, width: float) -> list[Piece]:
    """Plain text cut into pieces no wider than `width`, between characters."""
    result: list[Piece] = []
    part = ""
    for char in text:
        if part and measure(part + char, size) > width:
            # a path or an address reads best cut after a slash, dot or hyphen
            cut = max(part.rfind(mark) for mark in "/.-_?&=:")
            cut = cut + 1 if cut >= len(part) // 2 else len(part)
            result.append(Piece(part[:cut]))
            part = part[cut:]
        part += char
    if part:
        result.append(Piece(part))
    return result


def _line(
    items: Sequence[Piece],
    alone: Sequence[_Widths],
    measure: Measure,
    size: float,
    indent: float,
    spacers: tuple[_Spacer, _Spacer],
) -> Line:
    """Spell out one line: spacing runs put each word and reading at its computed place.

    Text shapes differently in context (an em dash or a quote takes the width of the script
    around it), so the line is measured as a whole, the widths found there replace the
    isolated ones, and the spacing is worked out again until every piece sits where planned.
    """
    small = size * READING_SCALE
    gap = size * GAP
    widths = list(alone)
    line = Line("", (), (), 0.0)
    for _ in range(4):
        planned = _plan(items, widths, gap, indent)
        line, marks = _spell(items, widths, planned, spacers, indent)
        hanzi_x = measure.positions(line.hanzi, size, sorted({i for m in marks for i in m[:4]}))
        pinyin_x = measure.positions(
            line.pinyin_text, small, sorted({i for m in marks for i in m[4:]})
        )
        actual = [
            _Widths(
                text=hanzi_x[end] - hanzi_x[start],
                before=hanzi_x[word] - hanzi_x[start],
                word=hanzi_x[word_end] - hanzi_x[word],
                reading=pinyin_x[py_end] - pinyin_x[py_start] if old.reading else 0.0,
            )
            for (start, word, word_end, end, py_start, py_end), old in zip(
                marks, widths, strict=True
            )
        ]
        # Text shaped in context may come out wider or narrower than alone: plan again
        # with the widths found in the line until they hold still.
        changed = max(
            (
                max(
                    abs(new.text - old.text),
                    abs(new.before - old.before),
                    abs(new.word - old.word),
                    abs(new.reading - old.reading),
                )
                for new, old in zip(actual, widths, strict=True)
            ),
            default=0.0,
        )
        if changed <= 0.05:
            break
        widths = actual
    return line


def _plan(
    items: Sequence[Piece], widths: Sequence[_Widths], gap: float, indent: float
) -> list[tuple[float, float]]:
    """Where each piece's characters and reading start on the line, in px."""
    planned: list[tuple[float, float]] = []
    x = indent
    for number, (piece, width) in enumerate(zip(items, widths, strict=True)):
        box, hanzi_x, pinyin_x = width.box()
        start = x + (gap if number and _spaced(items[number - 1], piece) else 0.0)
        planned.append((start + hanzi_x, start + pinyin_x))
        x = start + box
    return planned


def _spell(
    items: Sequence[Piece],
    widths: Sequence[_Widths],
    planned: Sequence[tuple[float, float]],
    spacers: tuple[_Spacer, _Spacer],
    indent: float,
) -> tuple[Line, list[tuple[int, int, int, int, int, int]]]:
    """The line's two strings for a plan, and each piece's string offsets.

    Offsets per piece: characters start, word start, word end, characters end, reading
    start, reading end.
    """
    hanzi: list[str] = []
    runs: list[tuple[str, int]] = []
    words: list[Placed] = []
    marks: list[tuple[int, int, int, int, int, int]] = []
    hanzi_at, pinyin_at = indent, 0.0  # where the next text starts, in px (a marker leads)
    hanzi_end = pinyin_end = 0  # and in characters
    for piece, width, (hanzi_x, pinyin_x) in zip(items, widths, planned, strict=True):
        spacing, used = spacers[0](hanzi_x - hanzi_at)
        hanzi.append(spacing + piece.text)
        start = hanzi_end + len(spacing)
        hanzi_end = start + len(piece.text)
        # Spacing comes in steps: where the characters really start moves the reading too.
        pinyin_x += hanzi_at + used - hanzi_x
        hanzi_at += used + width.text
        word = (start + piece.start, start + piece.end)
        at = pinyin_end
        if width.reading:
            spacing, used = spacers[1](pinyin_x - pinyin_at)
            # spacing is invisible, so it joins the run before it whatever that run's colour
            runs.append((spacing, runs[-1][1] if runs else 0))
            runs.extend(piece.syllables)
            at = pinyin_end + len(spacing)
            pinyin_end = at + len(piece.reading)
            pinyin_at += used + width.reading
        if piece.syllables:
            words.append(Placed(word, (at, pinyin_end)))
        marks.append((start, *word, hanzi_end, at, pinyin_end))
    line = Line(
        hanzi="".join(hanzi),
        pinyin=_merged(runs),
        words=tuple(words),
        width=max(hanzi_at, pinyin_at),
    )
    return line, marks


def _merged(runs: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Adjacent runs of the same tone joined (fewer boxes to lay out)."""
    merged: list[tuple[str, int]] = []
    for text, tone in runs:
        if not text:
            continue
        if merged and merged[-1][1] == tone:
            merged[-1] = (merged[-1][0] + text, tone)
        else:
            merged.append((text, tone))
    return tuple(merged)


class _Spacer:
    """Spacing characters for a distance, at one font size."""

    def __init__(self, measure: Measure, size: float) -> None:
        """Measure the spacing characters and look up the best spacing for every distance."""
        widths = tuple(measure(char, size) for char in SPACERS)
        self._em = widths[0]
        self._table = _spacing_table(widths)

    def __call__(self, distance: float) -> tuple[str, float]:
        """Spacing within `TOLERANCE` px of `distance` where it can be, in few characters."""
        if distance <= 0 or self._em <= 0:
            return "", 0.0
        whole = max(0, int(distance // self._em) - 1)
        spacing, width = self._table[round((distance - whole * self._em) / _STEP)]
        return SPACERS[0] * whole + spacing, whole * self._em + width


_STEP = 0.05
"""Resolution (px) of the spacing look-up table."""


@functools.lru_cache(maxsize=64)
def _spacing_table(widths: tuple[float, ...]) -> list[tuple[str, float]]:
    """The best spacing for each distance from 0 to two ems, in steps of `_STEP` px.

    Best: within `TOLERANCE` px of the distance if any mix of up to five spacing characters
    gets there, and then the one with fewest characters; else the closest.
    """
    mixes: dict[float, str] = {0.0: ""}
    for count in range(1, 6):
        for mix in itertools.combinations_with_replacement(
            zip(SPACERS, widths, strict=True), count
        ):
            # the first mix found for a width has the fewest characters
            mixes.setdefault(round(sum(width for _, width in mix), 3), "".join(c for c, _ in mix))
    ordered = sorted(mixes)
    table: list[tuple[str, float]] = []
    for step in range(int(2 * widths[0] / _STEP) + 2):
        distance = step * _STEP
        low = bisect.bisect_left(ordered, distance - TOLERANCE)
        high = bisect.bisect_right(ordered, distance + TOLERANCE)
        near = bisect.bisect_left(ordered, distance)
        candidates = set(range(low, high)) | ({near - 1, near} & set(range(len(ordered))))
        best = min(
            candidates,
            key=lambda i: (max(abs(distance - ordered[i]), TOLERANCE), len(mixes[ordered[i]])),
        )
        table.append((mixes[ordered[best]], ordered[best]))
    return table


class PangoMeasure:
    """Text widths from Pango with WeasyPrint's own font map: the numbers its layout will use."""

    def __init__(self, families: Sequence[str], language: str = "zh-CN") -> None:
        """Set up a Pango layout for `families` (CSS family names, in order)."""
        try:
            from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, gobject, pango
            from weasyprint.text.fonts import FontConfiguration

            self._index_to_pos = _index_to_pos(ffi)
        except (ImportError, OSError, AttributeError) as exc:
            raise RenderError(
                f"this WeasyPrint can't measure text for print layout ({exc}); "
                "pip install 'weasyprint>=70,<71'"
            ) from None
        self._ffi, self._pango = ffi, pango
        self._from_units, self._to_units = FROM_UNITS, TO_UNITS
        self._fonts = FontConfiguration()  # keeps the font map alive
        context = ffi.gc(
            pango.pango_font_map_create_context(self._fonts.font_map), gobject.g_object_unref
        )
        # WeasyPrint lays text out unrounded, in the document's language: do the same.
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_language(
            context, pango.pango_language_from_string(language.encode())
        )
        self._layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self._layout, False)
        self._context = context
        self._family = ",".join(families).encode()
        self._descriptions: dict[float, Any] = {}
        self._size: float | None = None
        self._rect = ffi.new("PangoRectangle *")
        self._widths: dict[tuple[str, float], float] = {}

    def __call__(self, text: str, size: float) -> float:
        """The width of `text` at `size` px."""
        key = (text, size)
        found = self._widths.get(key)
        if found is not None:
            return found
        if not text:
            return 0.0
        pango, ffi = self._pango, self._ffi
        if size != self._size:
            pango.pango_layout_set_font_description(self._layout, self._description(size))
            self._size = size
        data = text.encode()
        pango.pango_layout_set_text(self._layout, data, len(data))
        line = pango.pango_layout_get_line_readonly(self._layout, 0)
        pango.pango_layout_line_get_extents(line, ffi.NULL, self._rect)
        width = float(self._rect.width * self._from_units)
        self._widths[key] = width
        return width

    def positions(self, text: str, size: float, indices: Sequence[int]) -> dict[int, float]:
        """Where each character index of `text` starts (`len(text)`: its end), in context."""
        pango = self._pango
        if size != self._size:
            pango.pango_layout_set_font_description(self._layout, self._description(size))
            self._size = size
        data = text.encode()
        pango.pango_layout_set_text(self._layout, data, len(data))
        found: dict[int, float] = {}
        offset, done = 0, 0  # byte offset of character `done`
        for index in sorted(set(indices)):
            offset += len(text[done:index].encode())
            done = index
            self._index_to_pos(self._layout, offset, self._rect)
            found[index] = float(self._rect.x * self._from_units)
        return found

    def _description(self, size: float) -> Any:
        """A font description like the one WeasyPrint builds for the stylesheet's text."""
        found = self._descriptions.get(size)
        if found is None:
            pango, ffi = self._pango, self._ffi
            found = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
            pango.pango_font_description_set_family(found, self._family)
            pango.pango_font_description_set_weight(found, 400)
            pango.pango_font_description_set_absolute_size(found, int(size * self._to_units))
            self._descriptions[size] = found
        return found


def _index_to_pos(ffi: Any) -> Any:
    """Pango's pango_layout_index_to_pos, which WeasyPrint's bindings leave out."""
    import cffi

    own = cffi.FFI()
    own.include(ffi)  # share WeasyPrint's Pango types, so its layouts can be passed in
    own.cdef("void pango_layout_index_to_pos (PangoLayout *, int, PangoRectangle *);")
    failure: OSError | None = None
    # the names WeasyPrint itself tries, for Linux, macOS and Windows builds of Pango
    for name in (
        "libpango-1.0.so.0",
        "libpango-1.0-0",
        "pango-1.0-0",
        "pango-1.0",
        "libpango-1.0.dylib",
        "libpango-1.0-0.dll",
    ):
        try:
            return own.dlopen(name).pango_layout_index_to_pos
        except OSError as exc:
            failure = exc
    raise failure or OSError("no Pango library")
