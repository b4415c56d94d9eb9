"""Render stage: an annotated article to HTML (Jinja2, autoescaped) or JSON, written atomically."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from reader import __version__
from reader.errors import RenderError, UsageError
from reader.model import AnnotatedArticle, AnnotatedParagraph, Word
from reader.options import FORMATS, Options
from reader.output import write_atomic

JSON_FORMAT = "reader.article"
"""Name of the JSON document format; `version` below changes when its shape does."""
JSON_VERSION = 1


def check_formats(formats: Sequence[str]) -> None:
    """Refuse an unknown output format before any work is done."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(
                f"unknown format '{fmt}'; choose from {', '.join(FORMATS)} "
                "(e.g. --format html,json)"
            )
    if not formats:
        raise UsageError(f"no output format given; choose from {', '.join(FORMATS)}")


def template_dirs(template_dir: Path | None = None) -> list[Path]:
    """Folders templates are loaded from: the user's override first, then the shipped ones."""
    dirs = [template_dir] if template_dir else []
    shipped = resources.files("reader").joinpath("templates")
    if shipped.is_dir():
        dirs.append(Path(str(shipped)))
    # A source checkout (or editable install) keeps them beside the package.
    checkout = Path(__file__).resolve().parent.parent / "templates"
    if checkout.is_dir():
        dirs.append(checkout)
    return dirs


@functools.lru_cache(maxsize=4)
def _environment(template_dir: Path | None) -> Any:
    """A Jinja2 environment with autoescaping on for every template."""
    import jinja2

    dirs = template_dirs(template_dir)
    if not dirs:
        raise RenderError("reader's templates are missing; reinstall reader")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["syllables"] = syllables
    return env


def syllables(word: Word) -> list[tuple[str, int]]:
    """A word's reading as (syllable, tone) pairs, for tone colouring."""
    return list(zip(word.syllables, word.tones, strict=False))


def to_html(article: AnnotatedArticle, options: Options) -> str:
    """The side-by-side study sheet as one self-contained HTML page."""
    import jinja2

    try:
        template = _environment(options.template_dir).get_template("sheet.html.j2")
        return str(
            template.render(
                article=article,
                title=article.title or _stem(article.source),
                version=__version__,
                show_english=options.show_translation and article.translation_status != "disabled",
                show_pinyin=options.show_pinyin and article.pinyin_style != "none",
                tone_colors=options.tone_colors,
                show_uncertain=options.show_uncertain,
                rows=[_row(p) for p in article.paragraphs],
            )
        )
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template '{exc.name}' not found in "
            f"{', '.join(map(str, template_dirs(options.template_dir)))}; "
            "copy it from reader's templates/ into your --template-dir"
        ) from None
    except jinja2.TemplateError as exc:
        raise RenderError(
            f"template error: {exc}; fix the template or drop --template-dir"
        ) from None


def _stem(source: str) -> str:
    """A readable name for an untitled article."""
    return "standard input" if source == "-" else Path(source).stem


def _row(paragraph: AnnotatedParagraph) -> dict[str, Any]:
    """What the template needs of one paragraph."""
    return {
        "kind": paragraph.kind,
        "marker": paragraph.marker,
        "paragraph": paragraph,
        "translatable": paragraph.translatable,
    }


def to_json(article: AnnotatedArticle) -> str:
    """The annotated article as JSON: the document model, for other tools to build on."""
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "reader_version": __version__,
        "source": article.source,
        "part": article.part,
        "parts": article.parts,
        "title": article.title,
        "pinyin_style": article.pinyin_style,
        "model": article.model,
        "translation_status": article.translation_status,
        "paragraphs": [
            {
                "kind": p.kind,
                "marker": p.marker,
                "text": p.text,
                "translation": p.translation,
                "sentences": [
                    {
                        "text": s.text,
                        "translation": s.translation,
                        **({"translation_flag": s.translation_flag} if s.translation_flag else {}),
                        "words": [_word(w) for w in s.words],
                    }
                    for s in p.sentences
                ],
            }
            for p in article.paragraphs
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _word(word: Word) -> dict[str, Any]:
    """One word in JSON; readings only for Chinese words."""
    entry: dict[str, Any] = {"text": word.text, "pinyin": word.pinyin}
    if word.is_chinese:
        entry["syllables"] = list(word.syllables)
        entry["tones"] = list(word.tones)
    if word.pos:
        entry["pos"] = word.pos
    if word.uncertain:
        entry["uncertain"] = True
    return entry


def write(article: AnnotatedArticle, fmt: str, target: Path, options: Options) -> None:
    """Render one article in one format and write it atomically to `target`."""
    if fmt == "html":
        write_atomic(target, to_html(article, options))
    elif fmt == "json":
        write_atomic(target, to_json(article))
    elif fmt == "pdf":
        from reader.pdf import to_pdf

        write_atomic(target, to_pdf(article, options))
    else:
        check_formats([fmt])
