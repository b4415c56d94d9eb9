"""Handouts as given out: no teacher's paths, a book titled and numbered right, the index."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_batch import EXAMPLE, run

pypdf = pytest.importorskip("pypdf", reason="pypdf (reader[pdf]) is not installed")


def lesson(number: int, paragraphs: int) -> str:
    """An article long enough to take several pages when `paragraphs` is large."""
    body = EXAMPLE.split("\n", 2)[2].strip()
    return f"第{number}课\n\n" + "\n\n".join([body] * paragraphs) + f"\n\n这是第{number}篇。\n"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A class folder (one sub-folder) converted to HTML, PDF, JSON and a combined book."""
    root = tmp_path_factory.mktemp("teacher")
    source = root / "home" / "secret-name" / "Spring class"
    (source / "week2").mkdir(parents=True)
    (source / "one.txt").write_text(lesson(1, 6), encoding="utf-8")
    (source / "week2" / "two.txt").write_text(lesson(2, 2), encoding="utf-8")
    out = root / "out"
    code, err = run(
        [
            "convert",
            str(source),
            "-o",
            str(out),
            "-f",
            "html,pdf,json",
            "--combine",
            str(out / "book.pdf"),
            "-j",
            "1",
        ]
    )
    assert code == 0, err
    return source, out


def pdf_text(path: Path) -> list[str]:
    """The text of each page, as poppler extracts it."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("poppler-utils is not installed")
    done = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def test_sheets_name_the_source_inside_the_input_folder(converted: tuple[Path, Path]) -> None:
    _, out = converted
    for name, shown in (("one", "one.txt"), ("week2/two", "week2/two.txt")):
        html = (out / f"{name}.html").read_text(encoding="utf-8")
        assert f'<span class="source">{shown}</span>' in html
        assert "secret-name" not in html
        assert json.loads((out / f"{name}.json").read_text("utf-8"))["source"] == shown
        assert "secret-name" not in "".join(pdf_text(out / f"{name}.pdf"))
        assert shown in pdf_text(out / f"{name}.pdf")[0]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "secret-name" not in index


def test_index_has_a_title_sections_and_the_book(converted: tuple[Path, Path]) -> None:
    _, out = converted
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Spring class</title>" in index  # the input folder's name
    assert "<h2>week2</h2>" in index
    assert '<a href="book.pdf">book.pdf</a>' in index
    assert "@media (max-width: 46rem)" in index


def test_book_pages_are_numbered_through_and_match_the_contents(
    converted: tuple[Path, Path],
) -> None:
    _, out = converted
    book = out / "book.pdf"
    pages = pdf_text(book)
    total = len(pages)
    assert total == 1 + sum(
        len(pypdf.PdfReader(str(out / f)).pages) for f in ("one.pdf", "week2/two.pdf")
    )
    # The book's numbers are drawn last on each page, and they are the only ones: the
    # handout's own "1 / 2" is gone from the text a search or a screen reader finds.
    for number, page in enumerate(pypdf.PdfReader(str(book)).pages, start=1):
        text = page.extract_text()
        assert text.rstrip().endswith(f"{number} / {total}"), number
        assert re.findall(r"\b\d+ ?/ ?\d+\b", text) == [f"{number} / {total}"], text[-80:]
    # The contents page names each article with the book page it starts on.
    contents = pages[0]
    assert "Spring class" in contents
    starts = {title: int(page) for title, page in re.findall(r"(第\d课)\s+(\d+)", contents)}
    assert sorted(starts) == ["第1课", "第2课"]
    for title, page in starts.items():
        head = re.sub(r"\s+", "", pages[page - 1][:400])
        assert title in head, (title, page)
    assert pypdf.PdfReader(str(book)).metadata["/Title"] == "Spring class"


def test_old_page_numbers_are_covered(converted: tuple[Path, Path]) -> None:
    """Each handout's own "n / N" is hidden under the book's number: the footer strip of a
    book page looks like the footer the book's numbers alone would draw."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("poppler-utils is not installed")
    _, out = converted
    from reader.options import Options
    from reader.render.pdf.combine import _page_numbers

    total = len(pypdf.PdfReader(str(out / "book.pdf")).pages)
    (out / "numbers.pdf").write_bytes(_page_numbers(total, Options()))
    crops = []
    for name in ("book.pdf", "numbers.pdf"):
        # A4 at 72 dpi is 595 x 842 px; the patch is the middle 40 % of the bottom 15 mm.
        subprocess.run(
            [
                tool,
                "-r",
                "72",
                "-f",
                "3",
                "-l",
                "3",
                "-x",
                "200",
                "-y",
                "805",
                "-W",
                "195",
                "-H",
                "35",
                "-gray",
                "-singlefile",
                str(out / name),
                str(out / name[:-4]),
            ],
            check=True,
        )
        crops.append((out / f"{name[:-4]}.pgm").read_bytes())
    assert crops[0] == crops[1]
