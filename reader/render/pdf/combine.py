"""Bind several handout PDFs into one printable file with a table of contents and bookmarks."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader._version import __version__
from reader.errors import RenderError
from reader.options import Options
from reader.render.common import environment
from reader.render.pdf.document import check_cjk_font, quiet_logs, weasyprint_module


def combine_pdfs(pdfs: Sequence[tuple[str, Path]], options: Options) -> bytes:
    """One PDF: a contents page, then each (title, file) starting on a fresh page."""
    if not pdfs:
        raise RenderError("nothing to combine: no PDF handouts were made; check the failures above")
    pypdf = _pypdf()
    readers = []
    for _, path in pdfs:
        try:
            readers.append(pypdf.PdfReader(str(path)))
        except (OSError, pypdf.errors.PdfReadError) as exc:
            raise RenderError(
                f"{path}: can't be read for --combine ({exc}); convert it again"
            ) from None
    counts = [len(r.pages) for r in readers]
    titles = [title for title, _ in pdfs]
    # The contents page numbers depend on how long the contents are: render until stable.
    toc_pages = 1
    for _ in range(3):
        starts = _starts(counts, toc_pages)
        toc = _contents(titles, starts, options)
        length = len(pypdf.PdfReader(io.BytesIO(toc)).pages)
        if length == toc_pages:
            break
        toc_pages = length
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(toc)), import_outline=False)
    for title, reader, start in zip(titles, readers, starts, strict=True):
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=title, page_number=start - 1)
    # Each handout numbers its own pages ("2 / 8"); the book's pages are renumbered through
    # the whole book, so that they match the contents page. The handout's own number goes:
    # hidden under a patch, it would still be what a search, a copy or a screen reader finds.
    numbers = pypdf.PdfReader(io.BytesIO(_page_numbers(len(writer.pages), options)))
    for index, (page, overlay) in enumerate(zip(writer.pages, numbers.pages, strict=True)):
        if index >= toc_pages:
            _drop_footer_text(page, pypdf)
        page.merge_page(overlay)
    writer.add_metadata(
        {"/Title": options.title or "Handouts", "/Producer": f"reader {__version__}"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# The handouts' page number (print.css @bottom-center) stands in the middle of the 15 mm
# bottom margin; nothing else of a handout is drawn there.
_FOOTER_HEIGHT = 15 * 72 / 25.4
_FOOTER_SIDES = (0.3, 0.7)

Matrix = tuple[float, float, float, float, float, float]


def _drop_footer_text(page: Any, pypdf: Any) -> None:
    """Remove the text a handout page draws in its bottom margin's middle: its page number."""
    stream = pypdf.generic.ContentStream(page.get_contents(), page.pdf)
    width = float(page.mediabox.width)
    bottom = float(page.mediabox.bottom)
    kept: list[Any] = []
    block: list[Any] = []
    ctm: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    saved: list[Matrix] = []
    origin: tuple[float, float] | None = None
    for operands, operator in stream.operations:
        if operator == b"BT":
            block, origin = [(operands, operator)], None
            continue
        if block:
            block.append((operands, operator))
            if operator == b"Tm" and origin is None:
                origin = _apply(ctm, float(operands[4]), float(operands[5]))
            if operator == b"ET":
                low = origin is not None and origin[1] - bottom < _FOOTER_HEIGHT
                middle = origin is not None and (
                    _FOOTER_SIDES[0] * width < origin[0] < _FOOTER_SIDES[1] * width
                )
                if not (low and middle):
                    kept.extend(block)
                block = []
            continue
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q" and saved:
            ctm = saved.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        kept.append((operands, operator))
    kept.extend(block)
    if len(kept) != len(stream.operations):
        stream.operations = kept
        page.replace_contents(stream)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """The matrix product m × n of two PDF matrices (m applied first)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """A point of user space under the matrix m, in the page's coordinates."""
    a, b, c, d, e, f = m
    return (x * a + y * c + e, x * b + y * d + f)


def _starts(counts: Sequence[int], toc_pages: int) -> list[int]:
    """The 1-based page where each handout starts, after the contents."""
    starts, page = [], toc_pages + 1
    for count in counts:
        starts.append(page)
        page += count
    return starts


def _contents(titles: Sequence[str], starts: Sequence[int], options: Options) -> bytes:
    """The contents page(s) as PDF, drawn with the print stylesheet's fonts."""
    template = environment(options.template_dir).get_template("contents.html.j2")
    html = template.render(
        entries=list(zip(titles, starts, strict=True)), paper=options.paper, title=options.title
    )
    weasyprint = weasyprint_module()
    check_cjk_font()
    with quiet_logs():
        return bytes(weasyprint.HTML(string=html).write_pdf())


def _page_numbers(total: int, options: Options) -> bytes:
    """`total` pages, each blank but for "n / total" over the handouts' own page number."""
    template = environment(options.template_dir).get_template("page-numbers.html.j2")
    html = template.render(total=total, paper="letter" if options.paper == "letter" else "A4")
    with quiet_logs():
        return bytes(weasyprint_module().HTML(string=html).write_pdf())


def _pypdf() -> Any:
    """The pypdf module, or a RenderError saying how to install it."""
    try:
        import pypdf
    except ImportError:
        raise RenderError(
            "--combine needs pypdf: pip install 'reader[pdf]' (or pip install pypdf)"
        ) from None
    return pypdf
