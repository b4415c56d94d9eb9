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
    # the whole book, so that they match the contents page.
    numbers = pypdf.PdfReader(io.BytesIO(_page_numbers(len(writer.pages), options)))
    for page, overlay in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(overlay)
    writer.add_metadata(
        {"/Title": options.title or "Handouts", "/Producer": f"reader {__version__}"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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
