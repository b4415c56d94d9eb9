"""PDF render stage: an annotated article to a print-ready study sheet through WeasyPrint."""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reader import __version__
from reader.errors import RenderError
from reader.model import AnnotatedArticle, AnnotatedParagraph, Word
from reader.options import Options

PRINT_TEMPLATE = "print.html.j2"
"""The print template, looked up like the HTML one (a --template-dir copy wins)."""

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "PingFang SC",
    "Hiragino Sans GB",
    "Songti SC",
    "Microsoft YaHei",
    "SimSun",
    "WenQuanYi Micro Hei",
)
"""Font families the print stylesheet names for Chinese, in order of preference."""

FONT_HINT = (
    "install fonts-noto-cjk (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; "
    "Fedora: sudo dnf install google-noto-sans-cjk-fonts; "
    "macOS and Windows ship PingFang SC / Microsoft YaHei)"
)

# Punctuation that must not start a line (glued to the word before) or end one (glued to the
# word after); the usual Chinese line-breaking (kinsoku) sets, full- and half-width.
_CLOSING = frozenset("，。、；：？！…—～·”’」』）》〉】〕］｝〗〙,.;:?!)]}%")
_OPENING = frozenset("“‘「『（《〈【〔［｛〖〘([{")

_QUIET_LOGGERS = ("weasyprint", "fontTools")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of a printed paragraph: a word with its reading, or a run of plain text."""

    text: str
    """The word's characters, or the plain text."""
    syllables: tuple[tuple[str, int], ...] = ()
    """Each syllable of the reading with its tone (1-5); empty for plain text."""
    lead: str = ""
    """Opening punctuation kept on the same line as the word."""
    tail: str = ""
    """Closing punctuation kept on the same line as the word."""

    @property
    def reading(self) -> str:
        """The whole reading, syllables joined."""
        return "".join(syllable for syllable, _ in self.syllables)


def chunks(paragraph: AnnotatedParagraph) -> tuple[Chunk, ...]:
    """Split a paragraph into words with readings and plain-text runs, punctuation glued."""
    words = [word for sentence in paragraph.sentences for word in sentence.words]
    result: list[Chunk] = []
    lead = ""
    glue = False  # whether closing punctuation may still join the last word
    for word in words:
        if word.is_chinese:
            result.append(Chunk(word.text, _syllables(word), lead=lead))
            lead, glue = "", True
            continue
        for char in word.text:
            if char in _OPENING:
                lead += char
                glue = False
            elif char in _CLOSING and glue and not lead:
                last = result[-1]
                result[-1] = Chunk(last.text, last.syllables, last.lead, last.tail + char)
            else:
                _append_text(result, lead + char)
                lead, glue = "", False
    if lead:
        _append_text(result, lead)
    return tuple(result)


def _syllables(word: Word) -> tuple[tuple[str, int], ...]:
    """A word's syllables paired with their tones."""
    return tuple(zip(word.syllables, word.tones, strict=False))


def _append_text(result: list[Chunk], text: str) -> None:
    """Add plain text, merged into the previous run when that is plain text too."""
    if result and not result[-1].syllables:
        result[-1] = Chunk(result[-1].text + text)
    else:
        result.append(Chunk(text))


def print_html(article: AnnotatedArticle, options: Options) -> str:
    """The print template rendered to HTML for WeasyPrint (autoescaped, like the HTML sheet)."""
    from reader.render import attribution, handout_vocabulary, render_template, source_name

    english = options.show_translation and article.translation_status == "translated"
    pinyin = options.show_pinyin and article.pinyin_style != "none"
    vocabulary = handout_vocabulary(article, options)
    return render_template(
        PRINT_TEMPLATE,
        options,
        article=article,
        title=article.title or source_name(article.source),
        source=article.source if article.source != "-" else "standard input",
        version=__version__,
        paper="letter" if options.paper == "letter" else "A4",
        side=english and options.layout == "side",
        english=english,
        pinyin=pinyin,
        tone_colors=options.tone_colors and pinyin,
        rows=[_row(p) for p in article.paragraphs if p.kind != "title"],
        title_row=next((_row(p) for p in article.paragraphs if p.kind == "title"), None),
        vocabulary=vocabulary,
        level=options.level,
        # the sheet shows CC-CEDICT's glosses only in the vocabulary list
        attribution=attribution(article) if vocabulary else "",
    )


def _row(paragraph: AnnotatedParagraph) -> dict[str, Any]:
    """What the print template needs of one paragraph."""
    return {
        "kind": paragraph.kind,
        "marker": paragraph.marker,
        "text": paragraph.text,
        "chunks": chunks(paragraph) if paragraph.kind != "code" else (),
        "translation": paragraph.translation,
        "translatable": paragraph.translatable,
    }


@functools.lru_cache(maxsize=1)
def _cjk_font_families() -> tuple[str, ...]:
    """Installed font families that cover Chinese, as fontconfig lists them."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            listed = subprocess.run(
                [fc_list, ":lang=zh", "family"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return _matched_families()
        names = {name.strip() for line in listed.splitlines() for name in line.split(",")}
        return tuple(sorted(name for name in names if name))
    return _matched_families()


def _matched_families() -> tuple[str, ...]:
    """The named CJK families that fontconfig (through WeasyPrint's binding) really has."""
    try:
        from weasyprint.text.ffi import ffi, fontconfig
    except (ImportError, OSError):
        # Without fontconfig there is nothing to ask; WeasyPrint will say what is missing.
        return CJK_FAMILIES
    found = []
    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        for family in CJK_FAMILIES:
            pattern = fontconfig.FcPatternCreate()
            fontconfig.FcPatternAddString(pattern, b"family", family.encode())
            fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
            fontconfig.FcDefaultSubstitute(pattern)
            result = ffi.new("FcResult *")
            match = fontconfig.FcFontMatch(config, pattern, result)
            fontconfig.FcPatternDestroy(pattern)
            if match == ffi.NULL:
                continue
            name = ffi.new("FcChar8 **")
            matched = fontconfig.FcPatternGetString(match, b"family", 0, name) == 0
            if matched and ffi.string(name[0]).decode(errors="replace") == family:
                found.append(family)
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcConfigDestroy(config)
    return tuple(found)


def check_cjk_font() -> str:
    """Return an installed font family for Chinese, or raise RenderError naming the fix."""
    families = _cjk_font_families()
    if not families:
        raise RenderError(
            f"no CJK font found: {FONT_HINT}, then convert again "
            "(without one the PDF would show blank boxes instead of Chinese)"
        )
    preferred = [family for family in CJK_FAMILIES if family in families]
    return preferred[0] if preferred else families[0]


@contextmanager
def quiet_logs(level: int = logging.ERROR) -> Iterator[None]:
    """Raise WeasyPrint's and fontTools' logger levels for a while, then restore them."""
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(level, logger.getEffectiveLevel()))
    try:
        yield
    finally:
        for logger, old in zip(loggers, saved, strict=True):
            logger.setLevel(old)


def weasyprint_module() -> Any:
    """The weasyprint module, or a RenderError saying how to install what is missing."""
    try:
        import weasyprint
    except ImportError as exc:
        raise RenderError(
            f"PDF output needs WeasyPrint ({_one_line(exc)}): "
            "pip install 'reader[pdf]' (or pip install weasyprint)"
        ) from None
    except OSError as exc:
        raise RenderError(
            f"WeasyPrint can't load a system library ({_one_line(exc)}): install Pango "
            "(Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
            "macOS: brew install pango)"
        ) from None
    return weasyprint


def _one_line(exc: BaseException) -> str:
    """An exception's message squeezed onto one line."""
    return " ".join(str(exc).split()) or type(exc).__name__


def render_document(article: AnnotatedArticle, options: Options) -> Any:
    """Lay out the print sheet with WeasyPrint and return its `Document` (pages, boxes)."""
    html = print_html(article, options)
    weasyprint = weasyprint_module()
    check_cjk_font()
    with quiet_logs():
        return weasyprint.HTML(string=html).render()


def to_pdf(article: AnnotatedArticle, options: Options) -> bytes:
    """The print-ready study sheet as PDF bytes (CJK fonts embedded and subsetted)."""
    document = render_document(article, options)
    with quiet_logs():
        data = document.write_pdf()
    return bytes(data)
