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

from reader import pdf
from reader.errors import RenderError
from reader.model import AnnotatedArticle
from reader.options import Options
from reader.pipeline import build
from reader.source import parse, read_file
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
    readings = [w.pinyin for p in spring.paragraphs for s in p.sentences for w in s.words]
    assert letters(text) == letters("".join(readings))


def test_pinyin_sits_centred_over_its_word(sample_document: Any) -> None:
    words = 0
    for page in sample_document.pages:
        for word in classed(page, "w"):
            reading, chars = word.children
            assert "py" in reading.element.get("class") and "hz" in chars.element.get("class")
            py_bottom = reading.border_box_y() + reading.border_height()
            assert py_bottom <= chars.border_box_y() + TOLERANCE, "reading not above its word"
            py_left, py_right, _, _ = text_extent(reading)
            hz_left, hz_right, _, _ = text_extent(chars)
            centre_offset = (py_left + py_right) / 2 - (hz_left + hz_right) / 2
            assert abs(centre_offset) <= TOLERANCE, f"reading off centre by {centre_offset:.2f}px"
            words += 1
    assert words > 50


def test_readings_never_overlap(sample_document: Any) -> None:
    for number, page in enumerate(sample_document.pages, start=1):
        extents = sorted(text_extent(box) for box in classed(page, "py"))
        assert extents
        for i, (left, right, top, bottom) in enumerate(extents):
            for other in extents[i + 1 :]:
                if other[0] >= right:
                    break  # sorted by left edge: nothing further can overlap this one
                overlap_y = min(bottom, other[3]) - max(top, other[2])
                overlap_x = min(right, other[1]) - max(left, other[0])
                assert overlap_x <= 0.1 or overlap_y <= 0.1, f"readings overlap on page {number}"


def test_no_line_starts_with_closing_punctuation(sample_document: Any) -> None:
    lines = 0
    for page in sample_document.pages:
        for paragraph in classed(page, "zh"):
            for line in paragraph.children[1:]:  # a paragraph may start with "……"
                first = line
                while getattr(first, "children", None) and not has_class(first, "w"):
                    first = first.children[0]
                if type(first).__name__ == "TextBox":
                    assert first.text.lstrip()[:1] not in set("，。、；：？！”’）》…"), first.text
                lines += 1
    assert lines > 5


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
    assert 'class="py"' not in pdf.print_html(spring, options)
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


def test_tone_colours_wrap_every_syllable(spring: AnnotatedArticle) -> None:
    html = pdf.print_html(spring, Options(tone_colors=True))
    syllables = sum(
        len(w.syllables) for p in spring.paragraphs for s in p.sentences for w in s.words
    )
    assert len(re.findall(r'<span class="t[1-5]">', html)) == syllables
    css = (ROOT / "templates" / "print.css").read_text(encoding="utf-8")
    assert all(f".t{tone} {{ color:" in css for tone in range(1, 6))


def test_punctuation_is_glued_to_its_word(spring: AnnotatedArticle) -> None:
    for paragraph in spring.paragraphs:
        chunks = pdf.chunks(paragraph)
        assert "".join(c.lead + c.text + c.tail for c in chunks) == paragraph.text
        for chunk in chunks:
            if chunk.syllables:
                assert chunk.text[0] not in "，。、；：？！”’）》"
                assert chunk.reading == next(
                    w.pinyin for s in paragraph.sentences for w in s.words if w.text == chunk.text
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
    code = "import sys, reader.pdf; print('weasyprint' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "False"
