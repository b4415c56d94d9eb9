"""The index page of a batch run: every handout with links to its files and books."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reader._version import __version__
from reader.options import Options
from reader.render.common import render_template

if TYPE_CHECKING:
    from reader.model import Handout


def to_index(handouts: Sequence[Handout], options: Options, books: Sequence[str] = ()) -> str:
    """The index page of a batch: a section per sub-folder, a row per handout with relative
    links to its files, and links to the combined `books` (paths relative to the index)."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for handout in handouts:
        folder = PurePosixPath(handout.name).parent.as_posix()
        shown = "standard input" if handout.source == "-" else Path(handout.source).name
        sections.setdefault("" if folder == "." else folder, []).append(
            {"handout": handout, "source": shown}
        )
    return render_template(
        "index.html.j2",
        options,
        title=options.title or "Handouts",
        count=len(handouts),
        sections=sorted(sections.items()),
        books=books,
        version=__version__,
    )
