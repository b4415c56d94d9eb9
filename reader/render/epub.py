"""EPUB 3 output: one chapter per article, pinyin as ruby, English under each paragraph."""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader._version import __version__
from reader.errors import RenderError
from reader.model import AnnotatedArticle
from reader.options import Options
from reader.render.common import ATTRIBUTION, article_script, environment, source_name
from reader.render.vocab import VocabItem, level_label

MEDIA_TYPE = "application/epub+zip"
"""The EPUB media type, stored as the archive's first file."""

_FOLDER = "OEBPS"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.timezone.utc)
# A fixed namespace makes the book's identifier a function of its content alone.
_NAMESPACE = uuid.UUID("9b1c3f0e-5d4a-4e7b-8f2a-6c0d1e2f3a4b")


def to_epub(
    articles: Sequence[AnnotatedArticle],
    options: Options,
    vocab: Sequence[Sequence[VocabItem]] | None = None,
    *,
    title: str | None = None,
    modified: datetime.datetime | None = None,
) -> bytes:
    """The articles as one EPUB 3 book; the same input gives the same bytes.

    `vocab`, one list per article, is printed at the end of each chapter; when any list holds
    CC-CEDICT definitions, its attribution is printed once, at the end of the last chapter
    (and in the package's `dc:rights`). `title` defaults to the first article's title;
    `modified` (the book's `dcterms:modified`) defaults to a fixed date, for reproducible
    output: pass the sources' time to date the book (a naive time counts as UTC).
    """
    if not articles:
        raise ValueError("to_epub needs at least one article")
    if vocab is not None and len(vocab) != len(articles):
        raise ValueError(f"vocab holds {len(vocab)} lists for {len(articles)} articles")
    env = environment(options.template_dir, xml=True)
    lists: Sequence[Sequence[VocabItem]] = vocab or [() for _ in articles]
    glossed = any(item.definition for items in lists for item in items)
    attribution = ATTRIBUTION if glossed else ""
    book_title = title or _book_title(articles)

    chapters = []
    scripts = [article_script(article) for article in articles]
    # The book is in traditional characters only when every chapter is.
    book_script = "Hant" if all(s == "Hant" for s in scripts) else "Hans"
    for number, (article, items) in enumerate(zip(articles, lists, strict=True), start=1):
        chapter_title = article.title or source_name(article.source)
        show_english = options.show_translation and article.translation_status == "translated"
        body = _render(
            env,
            "chapter.xhtml.j2",
            article=article,
            title=chapter_title,
            has_title=bool(article.title),
            show_pinyin=options.show_pinyin and article.pinyin_style != "none",
            style=article.pinyin_style,
            show_english=show_english,
            tone_colors=options.tone_colors,
            vocab=[_vocab_row(item) for item in items],
            # Once per book, where a reader finishes it, not after every chapter.
            attribution=attribution if number == len(articles) else "",
            source=source_name(article.source)
            if article.source == "-"
            else Path(article.source).name,
            version=__version__,
            script=scripts[number - 1],
        )
        chapters.append(
            {
                "id": f"c{number:03d}",
                "href": f"chapter-{number:03d}.xhtml",
                "title": chapter_title,
                "body": body,
            }
        )

    digest = hashlib.sha256()
    for chapter in chapters:
        digest.update(chapter["body"].encode("utf-8"))
    identifier = f"urn:uuid:{uuid.uuid5(_NAMESPACE, digest.hexdigest())}"
    package = _render(
        env,
        "package.opf.j2",
        script=book_script,
        identifier=identifier,
        title=book_title,
        attribution=attribution,
        modified=_timestamp(modified),
        chapters=chapters,
        version=__version__,
    )
    files = [
        (
            "META-INF/container.xml",
            _render(env, "container.xml.j2", package_path=_path("content.opf")),
        ),
        (_path("content.opf"), package),
        (
            _path("nav.xhtml"),
            _render(env, "nav.xhtml.j2", title=book_title, chapters=chapters, script=book_script),
        ),
        (_path("style.css"), _render(env, "style.css")),
        *((_path(c["href"]), c["body"]) for c in chapters),
    ]
    return _zip(files)


def _path(name: str) -> str:
    """A file's path inside the archive."""
    return f"{_FOLDER}/{name}"


def _zip(files: Sequence[tuple[str, str]]) -> bytes:
    """The archive: `mimetype` first and stored, then the rest compressed, all dated alike."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("mimetype", zipfile.ZIP_STORED), MEDIA_TYPE)
        for name, text in files:
            archive.writestr(_entry(name, zipfile.ZIP_DEFLATED), text.encode("utf-8"))
    return buffer.getvalue()


def _entry(name: str, compression: int) -> zipfile.ZipInfo:
    """A zip entry with fixed date and permissions, so equal books are equal bytes."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _timestamp(moment: datetime.datetime | None) -> str:
    """`dcterms:modified` as EPUB wants it: UTC, to the second, with a `Z`."""
    moment = moment or _EPOCH
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _book_title(articles: Sequence[AnnotatedArticle]) -> str:
    """The first article's title, and how many more the book holds."""
    first = articles[0].title or source_name(articles[0].source)
    more = len(articles) - 1
    return first if not more else f"{first} (+{more} more)"


def _vocab_row(item: VocabItem) -> dict[str, str]:
    """What the chapter template shows of one vocabulary entry."""
    return {
        "text": item.text,
        "pinyin": item.pinyin,
        "definition": item.definition,
        "level": level_label(item.level),
    }


def _render(env: Any, name: str, **context: Any) -> str:
    """Render one of the `epub/` templates; a missing or broken one is a RenderError."""
    import jinja2

    try:
        return str(env.get_template(f"epub/{name}").render(**context))
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"EPUB template '{exc.name}' not found; copy reader's templates/epub/ "
            "into your --template-dir or drop it"
        ) from None
    except jinja2.TemplateError as exc:
        raise RenderError(
            f"EPUB template error: {exc}; fix the template or drop --template-dir"
        ) from None
