"""Which files an article becomes: the writer for each format, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.model import AnnotatedArticle
from reader.options import Options
from reader.output import write_atomic
from reader.render.anki import to_anki
from reader.render.common import attribution, check_formats, handout_vocabulary
from reader.render.epub import to_epub
from reader.render.html import to_html
from reader.render.json import to_json
from reader.render.pdf.document import to_pdf
from reader.render.vocab import vocabulary

if TYPE_CHECKING:
    pass


def write(article: AnnotatedArticle, fmt: str, target: Path, options: Options) -> None:
    """Render one article in one format and write it atomically to `target`."""
    if fmt == "html":
        write_atomic(
            target,
            to_html(
                article,
                options,
                handout_vocabulary(article, options),
                attribution=attribution(article),
            ),
        )
    elif fmt == "json":
        write_atomic(target, to_json(article))
    elif fmt == "pdf":
        write_atomic(target, to_pdf(article, options))
    elif fmt == "epub":
        write_atomic(target, to_epub([article], options, [handout_vocabulary(article, options)]))
    elif fmt == "anki":
        write_atomic(target, to_anki(vocabulary(article, options.level), article.title))
    else:
        check_formats([fmt])
