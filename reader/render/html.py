"""The HTML study sheet: words with pinyin above, English beside, popups and self-test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader._version import __version__
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
)
from reader.options import Options
from reader.render.common import above_level, article_script, render_template, source_name

if TYPE_CHECKING:
    pass


def to_html(
    article: AnnotatedArticle,
    options: Options,
    vocabulary: Sequence[Any] | None = None,
    attribution: str = "",
) -> str:
    """The side-by-side study sheet as one self-contained HTML page."""
    return render_template(
        "sheet.html.j2",
        options,
        article=article,
        title=article.title or source_name(article.source),
        version=__version__,
        show_english=options.show_translation and article.translation_status != "disabled",
        show_pinyin=options.show_pinyin and article.pinyin_style != "none",
        style=article.pinyin_style,
        tone_colors=options.tone_colors,
        show_uncertain=options.show_uncertain,
        annotated=lambda w: above_level(w, options.level),
        level=options.level,
        vocabulary=vocabulary or [],
        attribution=attribution,
        rows=[_row(p) for p in article.paragraphs],
        script=article_script(article),
    )


def _row(paragraph: AnnotatedParagraph) -> dict[str, Any]:
    """What the template needs of one paragraph."""
    return {
        "kind": paragraph.kind,
        "marker": paragraph.marker,
        "paragraph": paragraph,
        "translatable": paragraph.translatable,
    }
