"""PDF sheets: glyphs really drawn, fonts embedded, text recoverable, pinyin boxes laid out right."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.errors import RenderError
from reader.model import AnnotatedArticle
from reader.options import Options
from reader.pinyin import written
from reader.pipeline import build
from reader.render.pdf import document as pdf
from reader.render.pdf.typeset import READING_SCALE, SPACERS, Line, PangoMeasure
from reader.source.blocks import parse
from reader.source.decode import read_file
from reader.text import CLOSING, OPENING
from tests.fakes import FakeTranslator

pytest.importorskip("weasyprint")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "spring-market.txt"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
NEWS = SAMPLES / "news-party-book.txt"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
EN_MARKER = re.compile(r"\[EN\s+sentence\s+of\s+\d+\s+characters\]")
A4 = (595.28, 841.89)  # pt
LETTER = (612.0, 792.0)
PT = 4 / 3  # WeasyPrint's boxes measure in CSS px
TOLERANCE = 1 * PT


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} not installed (Debian/Ubuntu: apt-get install poppler-utils)")
    return path


def article_from(path: Path, **options: Any) -> AnnotatedArticle:
    built, warnings = build(parse(read_file(path), str(path)), Options(**options), FakeTranslator())
    assert warnings == []
    return built[0]


@pytest.fixture(scope="module")
def spring() -> AnnotatedArticle:
    return article_from(EXAMPLE)


@pytest.fixture(scope="module")
def news() -> AnnotatedArticle:
    if not NEWS.is_file():
        pytest.skip(f"sample articles not found at {SAMPLES} (they live beside the project)")
    return article_from(NEWS)


@pytest.fixture(scope="module", params=["spring", "news"])
def sample(request: pytest.FixtureRequest) -> AnnotatedArticle:
    article: AnnotatedArticle = request.getfixturevalue(request.param)
    return article


@pytest.fixture(scope="module")
def sample_pdf(sample: AnnotatedArticle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("pdf") / "sheet.pdf"
    target.write_bytes(pdf.to_pdf(sample, Options()))
    return target


@pytest.fixture(scope="module")
def sample_document(sample: AnnotatedArticle) -> Any:
    return pdf.render_document(sample, Options())


def grey_pixels(pdf_file: Path, page: int = 1) -> list[int]:
    """Page `page` rasterised at 50 dpi as 8-bit grey values (PGM is simple to read)."""
    out = subprocess.run(
        [poppler("pdftoppm"), "-gray", "-r", "50", "-f", str(page), "-l", str(page), str(pdf_file)],
        capture_output=True,
        check=True,
    ).stdout
    magic, width, height, maxval, pixels = re.split(rb"\s+", out, maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    data = pixels[: int(width) * int(height)]
    assert len(data) == int(width) * int(height)
    return list(data)


def pdf_text(pdf_file: Path, page_height: float) -> str:
    """The PDF's text in drawing order, running headers and footers cropped off every page."""
    crop = ["-x", "0", "-y", "45", "-W", "2000", "-H", str(int(page_height - 90))]
    return subprocess.run(
        [poppler("pdftotext"), "-raw", *crop, str(pdf_file), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def letters(text: str) -> str:
    """Latin letters (pinyin with its tone marks) only, in order."""
    return "".join(
        c for c in unicodedata.normalize("NFC", text).lower() if c.isalpha() and c < "\u3000"
    )


def boxes(box: Any) -> Iterator[Any]:
    """A box and all its descendants."""
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def has_class(box: Any, name: str) -> bool:
    """Whether a box was made for an element of class `name`."""
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split()


def classed(root: Any, name: str) -> list[Any]:
    """Boxes under a page (or box) made for elements of class `name`, first fragment of each."""
    found: list[Any] = []
    for box in boxes(getattr(root, "_page_box", root)):
        if has_class(box, name) and (not found or found[-1].element is not box.element):
            found.append(box)
    return found


def text_extent(box: Any) -> tuple[float, float, float, float]:
    """Left, right, top, bottom of the text drawn inside a box."""
    texts = [b for b in boxes(box) if type(b).__name__ == "TextBox"]
    assert texts, f"no text in {box}"
    return (
        min(t.position_x for t in texts),
        max(t.position_x + t.width for t in texts),
        min(t.position_y for t in texts),
        max(t.position_y + t.height for t in texts),
    )


def test_page_one_draws_glyphs(sample_pdf: Path) -> None:
    pixels = grey_pixels(sample_pdf)
    ink = sum(1 for p in pixels if p < 200) / len(pixels)
    # Dropped glyphs leave (almost) white paper; a page of solid blocks has far too much ink.
    assert 0.02 < ink < 0.3, f"non-white share {ink:.3f}"


def test_cjk_font_is_embedded_as_subset(sample_pdf: Path) -> None:
    listing = subprocess.run(
        [poppler("pdffonts"), str(sample_pdf)], capture_output=True, check=True, text=True
    ).stdout
    cjk = [line.split() for line in listing.splitlines() if "CJK" in line]
    assert cjk, listing
    for fields in cjk:
        assert "Noto-Sans-CJK" in fields[0] or "Noto" in fields[0], listing
        # Columns from the right: object ID, gen, uni, sub, emb.
        assert fields[-5:-2] == ["yes", "yes", "yes"], listing


def test_text_comes_back_in_order(sample: AnnotatedArticle, sample_pdf: Path) -> None:
    text = pdf_text(sample_pdf, A4[1])
    expected = HAN.findall("".join(p.text for p in sample.paragraphs))
    assert HAN.findall(text) == expected


def test_pinyin_comes_back_in_order(spring: AnnotatedArticle, tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    target.write_bytes(pdf.to_pdf(spring, Options()))
    text = pdf_text(target, A4[1])
    text = EN_MARKER.sub("", text)
    text = "\n".join(line for line in text.splitlines() if "spring-market.txt" not in line)
    readings = [
        written(w.reading, spring.pinyin_style)
        for p in spring.paragraphs
        for s in p.sentences
        for w in s.words
    ]
    assert letters(text) == letters("".join(readings))


def set_lines(article: AnnotatedArticle, options: Options) -> list[Line]:
    """Every set line of a sheet in printing order: the title's, then each paragraph's."""
    title_row, rows = pdf.sheet_rows(article, options)
    return [line for row in ([title_row] if title_row else []) + rows for line in row["lines"]]


def line_boxes(document: Any, name: str) -> list[Any]:
    """The text boxes of the set lines' `name` parts (pl or hl), in order, markers left out."""
    found = []
    for page in document.pages:
        for part in classed(page, name):
            found.extend(
                b
                for b in boxes(part)
                if type(b).__name__ == "TextBox" and b.element is part.element
            )
    return found


def placed_words(
    article: AnnotatedArticle, document: Any
) -> Iterator[tuple[int, float, float, float, float, float, float]]:
    """Each word's reading and characters as drawn: left, right and centre of each, in px.

    The lines' text comes from the laid-out document; positions inside a line come from
    Pango laying out the whole line with the same set-up, which the first assertions below
    prove equal to WeasyPrint's own widths.
    """
    lines = set_lines(article, Options())
    readings, characters = line_boxes(document, "pl"), line_boxes(document, "hl")
    assert len(readings) == len(characters) == len(lines) > 5
    measure = PangoMeasure((*pdf.CJK_FAMILIES, "sans-serif"))
    for number, (line, reading, chars) in enumerate(zip(lines, readings, characters, strict=True)):
        assert chars.text == line.hanzi and reading.text == (line.pinyin_text or "\u00a0")
        size, small = chars.style["font_size"], reading.style["font_size"]
        assert measure(chars.text, size) == pytest.approx(chars.width, abs=0.05)
        assert measure(reading.text, small) == pytest.approx(reading.width, abs=0.05)
        # Ink, not boxes: the readings' descenders stay above the characters' tops (CJK
        # glyphs rise about 0.88 em above the baseline, Latin descenders drop about 0.25 em).
        py_ink_bottom = reading.position_y + reading.baseline + 0.25 * small
        hz_ink_top = chars.position_y + chars.baseline - 0.88 * size
        assert py_ink_bottom <= hz_ink_top, "readings not above their characters"
        for word in line.words:
            if word.pinyin[0] == word.pinyin[1]:
                continue
            hz_at = measure.positions(line.hanzi, size, word.hanzi)
            py_at = measure.positions(line.pinyin_text, small, word.pinyin)
            hz = [chars.position_x + hz_at[i] for i in word.hanzi]
            py = [reading.position_x + py_at[i] for i in word.pinyin]
            yield number, py[0], py[1], sum(py) / 2, hz[0], hz[1], sum(hz) / 2


def test_pinyin_sits_centred_over_its_word(sample: AnnotatedArticle, sample_document: Any) -> None:
    words = 0
    for _, _, _, py_centre, _, _, hz_centre in placed_words(sample, sample_document):
        assert abs(py_centre - hz_centre) <= TOLERANCE, (
            f"reading off centre by {py_centre - hz_centre:.2f}px"
        )
        words += 1
    assert words > 50


def test_readings_never_overlap(sample: AnnotatedArticle, sample_document: Any) -> None:
    previous = (-1, 0.0)
    pairs = 0
    for line, py_left, py_right, *_ in placed_words(sample, sample_document):
        if line == previous[0]:
            assert py_left >= previous[1] + 1, f"two readings touch on set line {line}"
            pairs += 1
        previous = (line, py_right)
    assert pairs > 50


def test_set_lines_stay_inside_their_column(sample_document: Any) -> None:
    for page in sample_document.pages:
        for cell in boxes(page._page_box):
            if type(cell).__name__ != "TableCellBox" or not classed(cell, "hl"):
                continue
            right = cell.content_box_x() + cell.width
            for line in classed(cell, "ln"):
                for text in (b for b in boxes(line) if type(b).__name__ == "TextBox"):
                    assert text.position_x + text.width <= right + 0.01, text.text


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(
    sample: AnnotatedArticle,
) -> None:
    _, rows = pdf.sheet_rows(sample, Options())
    checked = 0
    for row in rows:
        for number, line in enumerate(row["lines"]):
            text = line.hanzi.strip(SPACERS + " ")
            # a paragraph may open with "……" or "——"
            assert number == 0 or text[:1] not in CLOSING, line.hanzi
            assert text[-1:] not in OPENING, line.hanzi
            checked += 1
    assert checked > 10


def test_side_by_side_rows_line_up(spring: AnnotatedArticle) -> None:
    page = pdf.render_document(spring, Options()).pages[0]
    english = classed(page, "en")
    chinese = [box for box in classed(page, "zh") if box.element.tag == "p"]
    assert len(english) >= len(chinese) > 3
    for zh, en in zip(chinese, english[-len(chinese) :], strict=True):
        assert en.position_x >= zh.position_x + zh.width - TOLERANCE  # right of it
        assert abs(en.position_y - zh.position_y) < 20  # same row


def test_stacked_puts_english_under_each_paragraph(spring: AnnotatedArticle) -> None:
    page = pdf.render_document(spring, Options(layout="stacked")).pages[0]
    rows = [box for box in classed(page, "row") if has_class(box, "text")]
    assert len(rows) > 3
    for row in rows:
        (zh,) = classed(row, "zh")
        (en,) = classed(row, "en")
        assert en.border_box_y() >= zh.border_box_y() + zh.border_height() - TOLERANCE


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_paper_size(spring: AnnotatedArticle, paper: str, size: tuple[float, float]) -> None:
    page = pdf.render_document(spring, Options(paper=paper)).pages[0]  # type: ignore[arg-type]
    assert page.width / PT == pytest.approx(size[0], abs=0.5)
    assert page.height / PT == pytest.approx(size[1], abs=0.5)


def test_student_copy_without_pinyin(spring: AnnotatedArticle, tmp_path: Path) -> None:
    options = Options(show_pinyin=False, show_translation=False)
    assert 'class="pl"' not in pdf.print_html(spring, options)
    target = tmp_path / "student.pdf"
    target.write_bytes(pdf.to_pdf(spring, options))
    text = pdf_text(target, A4[1])
    assert HAN.findall(text) == HAN.findall("".join(p.text for p in spring.paragraphs))
    assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text)
    assert "[EN sentence" not in text


def test_no_english_uses_the_full_width(spring: AnnotatedArticle) -> None:
    html = pdf.print_html(spring, Options(show_translation=False))
    assert "<table" not in html and 'class="en' not in html
    page = pdf.render_document(spring, Options(show_translation=False)).pages[0]
    widest = max(box.width for box in classed(page, "zh"))
    assert widest > 0.9 * (page.width - 2 * 42 * PT)


def test_tone_colours_layer_every_syllable_in_place(spring: AnnotatedArticle) -> None:
    options = Options(tone_colors=True)
    title_row, rows = pdf.sheet_rows(spring, options)
    rows = ([title_row] if title_row else []) + rows
    measure = PangoMeasure((*pdf.CJK_FAMILIES, "sans-serif"))
    syllables = 0
    for row in rows:
        small = pdf.SIZES_PT.get(row["kind"], pdf.SIZES_PT["text"]) * pdf.PT * READING_SCALE
        for line, layers in zip(row["lines"], row["layers"], strict=True):
            full = line.pinyin_text
            inked = [i for i, c in enumerate(full) if c not in SPACERS]
            tone_of = {}
            at = 0
            for text, tone in line.pinyin:
                tone_of.update((i, tone) for i in range(at, at + len(text)))
                at += len(text)
            where = measure.positions(full, small, inked)
            for tone, layer in layers:
                mine = [i for i in inked if tone_of[i] == tone]
                drawn = [i for i, c in enumerate(layer) if c not in SPACERS]
                assert [layer[i] for i in drawn] == [full[i] for i in mine]
                drawn_at = measure.positions(layer, small, drawn)
                for i, j in zip(mine, drawn, strict=True):
                    assert drawn_at[j] == pytest.approx(where[i], abs=0.5)
                syllables += len(mine)
            assert {tone for tone, _ in layers} == {tone_of[i] for i in inked}
    expected = sum(
        len(written(w.reading, spring.pinyin_style, w.apart))
        for p in spring.paragraphs
        for s in p.sentences
        for w in s.words
    )
    assert syllables == expected
    html = pdf.print_html(spring, options)
    assert re.search(r'<span class="tl t[1-5]">', html)
    assert all(f".t{tone} {{ color:" in html for tone in range(1, 6))


def test_punctuation_is_glued_to_its_word(spring: AnnotatedArticle) -> None:
    for paragraph in spring.paragraphs:
        pieces = pdf.paragraph_pieces(paragraph, spring.pinyin_style)
        assert "".join(p.text for p in pieces) == paragraph.text
        for piece in pieces:
            if piece.syllables:
                word = piece.text[piece.start : piece.end]
                assert piece.text[0] not in CLOSING and piece.text[-1] not in OPENING
                assert piece.reading == next(
                    written(w.reading, spring.pinyin_style, w.apart)
                    for s in paragraph.sentences
                    for w in s.words
                    if w.text == word
                )


def test_missing_cjk_font_is_one_clear_error(
    spring: AnnotatedArticle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "_cjk_font_families", lambda: ())
    with pytest.raises(RenderError) as info:
        pdf.to_pdf(spring, Options())
    message = str(info.value)
    assert message.startswith("no CJK font found: install fonts-noto-cjk")
    assert "sudo apt-get install fonts-noto-cjk" in message and "\n" not in message


def test_cjk_font_is_found_here() -> None:
    family = pdf.check_cjk_font()
    assert family in pdf._cjk_font_families()


def test_template_dir_overrides_the_print_template(
    spring: AnnotatedArticle, tmp_path: Path
) -> None:
    (tmp_path / "print.html.j2").write_text("<p>{{ title }} custom</p>", encoding="utf-8")
    assert pdf.print_html(spring, Options(template_dir=tmp_path)) == f"<p>{spring.title} custom</p>"


def test_print_html_escapes_text_but_not_its_css(tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("标题\n\n他说<b>你好</b> & “再见”。", encoding="utf-8")
    html = pdf.print_html(article_from(source), Options())
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp;" in html
    assert '"Noto Sans CJK SC"' in html  # quotes inside the stylesheet must survive autoescape


def test_logging_levels_are_restored() -> None:
    import logging

    logger = logging.getLogger("weasyprint")
    before = logger.level
    logger.setLevel(logging.INFO)
    try:
        with pdf.quiet_logs():
            assert not logger.isEnabledFor(logging.WARNING)
        assert logger.level == logging.INFO
    finally:
        logger.setLevel(before)


def test_import_does_not_load_weasyprint() -> None:
    code = "import sys, reader.render.pdf.document; print('weasyprint' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "False"


def test_bookmarks_carry_the_headings_text_without_pinyin(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    source = tmp_path / "lesson.md"
    source.write_text("# 第一课\n\n我们学习汉语。\n\n## 生词\n\n朋友很好。\n", encoding="utf-8")
    built, _ = build(
        parse(read_file(source), str(source), markdown=True), Options(), FakeTranslator()
    )
    target = tmp_path / "lesson.pdf"
    target.write_bytes(pdf.to_pdf(built[0], Options()))
    titles = []
    for item in pypdf.PdfReader(str(target)).outline:
        titles.extend(i.title for i in (item if isinstance(item, list) else [item]))
    assert titles == ["第一课", "生词"]
