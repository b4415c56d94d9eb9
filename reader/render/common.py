"""What every renderer shares: the Jinja environment, filters, word layout, copies, credits."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader import pinyin
from reader.errors import RenderError, UsageError
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    PinyinStyle,
    Span,
    Word,
)
from reader.options import FORMATS, Options
from reader.render.vocab import vocabulary
from reader.script import Script, script_of
from reader.text import CLOSING, OPENING

if TYPE_CHECKING:
    from markupsafe import Markup


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
    if template_dir and not template_dir.is_dir():
        raise UsageError(
            f"--template-dir {template_dir}: no such folder; give a folder of templates "
            "(copy reader's templates/ to start)"
        )
    dirs = [template_dir] if template_dir else []
    shipped = resources.files("reader").joinpath("templates")
    if shipped.is_dir():
        dirs.append(Path(str(shipped)))
    # A source checkout (or editable install) keeps them beside the package.
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if checkout.is_dir():
        dirs.append(checkout)
    return dirs


# Characters XML 1.0 can't hold (EPUB is XHTML): dropped from every value printed there.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> Any:
    """Drop characters XML can't hold from a value a template prints."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return _NOT_XML.sub("", value)
    return value


@functools.lru_cache(maxsize=8)
def environment(template_dir: Path | None, xml: bool = False) -> Any:
    """A Jinja2 environment with autoescaping on for every template (`xml`: for XHTML)."""
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
        keep_trailing_newline=xml,
        finalize=_xml_text if xml else None,
    )
    env.globals["written"] = written
    env.globals["syllables"] = syllables
    env.globals["tip"] = tip
    env.globals["layout"] = layout
    env.globals["open_tag"] = open_tag
    env.globals["close_tag"] = close_tag
    return env


def written(word: Word, style: PinyinStyle) -> str:
    """A word's reading as the sheet shows it in a pinyin style (empty for style `none`)."""
    return pinyin.written(word.reading, style, word.apart)


def tip(word: Word, style: PinyinStyle) -> str:
    """What a word's popup says: reading, then meaning and HSK level when known; for a word
    made of dictionary words (买到), each part's reading, meaning and level in turn."""
    lines = [f"{word.text} {written(word, style)}".strip()]
    if word.parts:
        for part in word.parts:
            detail = _detail(part)
            lines.append(f"{part.text} {written(part, style)}{' ' + detail if detail else ''}")
    elif detail := _detail(word):
        lines.append(detail)
    return "\n".join(lines)


def _detail(word: Word) -> str:
    """A word's meaning and HSK level, as a popup writes them (`to buy · HSK 1`)."""
    detail = word.gloss
    if word.level:
        band = "HSK 7–9" if word.level >= 7 else f"HSK {word.level}"
        detail = f"{detail} · {band}" if detail else band
    return detail


def syllables(word: Word, style: PinyinStyle) -> list[tuple[str, int]]:
    """A word's reading in a pinyin style as (syllable, tone) pairs, for tone colouring."""
    return list(zip(pinyin.syllables(word.reading, style, word.apart), word.tones, strict=True))


def above_level(word: Word, level: int | None) -> bool:
    """Whether a word gets its reading shown under `--level N` (known words above N do; a word
    made of dictionary words does when one of them does)."""
    return level is None or any(w.level is None or w.level > level for w in word.entries)


def render_template(name: str, options: Options, **context: Any) -> str:
    """Render one of the (possibly user-overridden) templates; failures are RenderErrors."""
    import jinja2

    try:
        return str(environment(options.template_dir).get_template(name).render(**context))
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


def article_script(article: AnnotatedArticle) -> Script:
    """Whether the article is written in simplified (`Hans`) or traditional (`Hant`) characters."""
    # The same sentences the annotator judged (code blocks aside), so both agree.
    return script_of([s.text for p in article.paragraphs if p.kind != "code" for s in p.sentences])


def source_name(source: str) -> str:
    """A readable name for an untitled article."""
    return "standard input" if source == "-" else Path(source).stem


def may_break(previous: Word | None, word: Word) -> bool:
    """Whether a line may break between two words (never before closing punctuation).

    Browsers find no break opportunity between two ruby words, so the sheets mark every
    place where Chinese may wrap: between any two words, except before closing punctuation
    or after opening punctuation (the usual kinsoku rules).
    """
    if previous is None or not previous.text or not word.text:
        return False
    if not previous.is_chinese and not word.is_chinese:
        return False
    return word.text[0] not in CLOSING and previous.text[-1] not in OPENING


@dataclasses.dataclass(frozen=True, slots=True)
class Placed:
    """One word as a template writes it: markup to close and open before it, a line break."""

    word: Word
    """The word."""
    wrap: bool
    """Whether a line may break before it."""
    close: tuple[Span, ...] = ()
    """Inline markup that ends before it, innermost first."""
    open: tuple[Span, ...] = ()
    """Inline markup that starts with it, outermost first."""


def layout(paragraph: AnnotatedParagraph) -> list[tuple[list[Placed], tuple[Span, ...]]]:
    """For each sentence: its words placed, and the markup still open at its end."""
    result = []
    previous: Word | None = None
    offset = 0
    for sentence in paragraph.sentences:
        placed = []
        active: tuple[Span, ...] = ()
        for word in sentence.words:
            now = tuple(s for s in paragraph.spans if s.start <= offset < s.end)
            same = 0
            while same < min(len(active), len(now)) and active[same] == now[same]:
                same += 1
            placed.append(
                Placed(
                    word,
                    may_break(previous, word),
                    close=tuple(reversed(active[same:])),
                    open=now[same:],
                )
            )
            active = now
            previous = word
            offset += len(word.text)
        result.append((placed, tuple(reversed(active))))
    return result


_TAGS = {"em": "em", "strong": "strong", "strike": "s", "code": "code", "note": "sup"}


def open_tag(span: Span) -> Markup:
    """The HTML start tag of inline markup (a link only with a kept target)."""
    from markupsafe import Markup

    if span.kind == "link":
        return Markup('<a href="{}">').format(span.href) if span.href else Markup("<span>")
    if span.kind == "image":
        return Markup('<span class="alt">')
    return Markup(f"<{_TAGS[span.kind]}>")


def close_tag(span: Span) -> Markup:
    """The HTML end tag matching `open_tag`."""
    from markupsafe import Markup

    if span.kind == "link":
        return Markup("</a>") if span.href else Markup("</span>")
    if span.kind == "image":
        return Markup("</span>")
    return Markup(f"</{_TAGS[span.kind]}>")


HANDOUT_FORMATS = ("html", "pdf", "epub")
"""Formats a student copy is made in (the data formats stay teacher-only)."""


def extension(fmt: str) -> str:
    """The file name ending of a format."""
    return "anki.tsv" if fmt == "anki" else fmt


def copy_options(options: Options, copy: str) -> tuple[Options, str]:
    """The options and file-name suffix of a teacher or student copy."""
    if copy == "student":
        student = dataclasses.replace(
            options, show_pinyin=False, show_translation=False, vocabulary_list=True
        )
        return student, "-student"
    return options, ""


def handout_vocabulary(article: AnnotatedArticle, options: Options) -> list[Any]:
    """The vocabulary list a handout carries: with `--level N`, and in student copies."""
    if options.level is None and not options.vocabulary_list:
        return []
    return vocabulary(article, above_level=options.level)


def attribution(article: AnnotatedArticle) -> str:
    """CC-CEDICT's licence line when any word carries one of its glosses, else nothing."""
    glossed = any(w.gloss for p in article.paragraphs for s in p.sentences for w in s.words)
    return ATTRIBUTION if glossed else ""


ATTRIBUTION = (
    "Word definitions from CC-CEDICT (https://cc-cedict.org/wiki/), "
    "by MDBG and the CC-CEDICT contributors, based on CEDICT by Paul Andrew Denisowski; "
    "shortened by reader. Licensed under Creative Commons Attribution-ShareAlike 4.0 "
    "International (https://creativecommons.org/licenses/by-sa/4.0/)."
)
"""The attribution CC-CEDICT's licence asks of every output that shows its glosses."""
