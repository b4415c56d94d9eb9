"""A text file of several titled pieces (poems, short essays): a heading per piece in every output."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from reader.model import AnnotatedArticle
from reader.options import Options
from reader.pipeline import build
from reader.render.epub import to_epub
from reader.render.html import to_html
from reader.render.pdf import document as pdf
from reader.source.blocks import parse
from tests.fakes import FakeTranslator
from tests.test_source import POEMS

LATER = ["春晓", "登鹳雀楼"]
AUTHORS = ["孟浩然", "唐 · 王之涣"]


@pytest.fixture(scope="module")
def poems() -> AnnotatedArticle:
    built, _ = build(parse(POEMS, "tang.txt"), Options(), FakeTranslator())
    return built[0]


def chinese(markup: str) -> str:
    """The Chinese of some markup: readings, fallbacks and tags dropped."""
    markup = re.sub(r"<rt>.*?</rt>|<rp>.*?</rp>", "", markup, flags=re.S)
    return re.sub(r"<[^>]+>|\s", "", markup)


def test_html_has_a_heading_per_piece(poems: AnnotatedArticle) -> None:
    html = to_html(poems, Options())
    main = html[html.index("<main") : html.index("</main>")]
    assert [chinese(h) for h in re.findall(r"<h1\b.*?</h1>", main, flags=re.S)] == ["静夜思"]
    headings = [chinese(h) for h in re.findall(r"<h2\b.*?</h2>", main, flags=re.S)]
    assert headings == [t.replace(" ", "") for t in LATER]


def test_epub_has_a_heading_per_piece(poems: AnnotatedArticle) -> None:
    with zipfile.ZipFile(io.BytesIO(to_epub([poems], Options()))) as book:
        chapter = book.read("OEBPS/chapter-001.xhtml").decode("utf-8")
    headings = [chinese(h) for h in re.findall(r"<h2\b.*?</h2>", chapter, flags=re.S)]
    assert headings == LATER
    metas = re.findall(r'<p class="zh meta">(.*?)</p>', chapter, flags=re.S)
    assert [chinese(m) for m in metas] == ["李白", *(a.replace(" ", "") for a in AUTHORS)]


def test_print_has_a_heading_per_piece(poems: AnnotatedArticle) -> None:
    html = pdf.print_html(poems, Options())
    body = html[html.index("<body") :]
    assert len(re.findall(r"<h2\b", body)) == len(LATER)
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("poppler-utils is not installed")
    done = subprocess.run(
        [tool, "-", "-"], input=pdf.to_pdf(poems, Options()), capture_output=True, check=True
    )
    printed = done.stdout.decode("utf-8")
    lines = [re.sub(r"\s", "", line) for line in printed.splitlines()]
    for title in LATER:
        assert title in lines, title  # a line of its own, not run into the poem before
