"""PDF render stage: an annotated article to a print-ready study sheet through WeasyPrint."""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reader._version import __version__
from reader.errors import RenderError
from reader.model import AnnotatedArticle, AnnotatedParagraph, PinyinStyle
from reader.options import Options
from reader.render.common import (
    above_level,
    attribution,
    handout_vocabulary,
    render_template,
    source_name,
    syllables,
)
from reader.render.pdf.typeset import (
    GAP,
    READING_SCALE,
    Line,
    PangoMeasure,
    Piece,
    pieces,
    set_lines,
    tone_layers,
)
from reader.text import HAN

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
    "BabelStone Han",
)
"""Font families the print stylesheet names for Chinese, in order of preference (the last,
Debian's fonts-babelstone-han, draws the rare characters of Extensions B to H the others lack)."""

RARE_FONT_HINT = (
    "install a font that has them, e.g. BabelStone Han "
    "(Debian/Ubuntu: sudo apt-get install fonts-babelstone-han)"
)
"""How to get a font for the CJK extensions."""

_COMMON_HAN_END = 0x9FEF
"""Han characters up to here (and the compatibility ones) are in every CJK font listed."""

FONT_HINT = (
    "install fonts-noto-cjk (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; "
    "Fedora: sudo dnf install google-noto-sans-cjk-fonts; "
    "macOS and Windows ship PingFang SC / Microsoft YaHei)"
)

PT = 4 / 3
"""CSS px per point (WeasyPrint measures boxes in CSS px)."""

PAPER_MM = {"A4": 210.0, "letter": 215.9}
"""Paper widths in millimetres."""

MARGIN_MM = 15.0
"""Left and right page margins in millimetres."""

ZH_SHARE = 62
"""Per cent of the width the Chinese column takes when English sits beside it."""

SIZES_PT = {"title": 20.0, "heading": 15.0, "meta": 11.0, "text": 13.0, "marker": 9.0}
"""Character sizes in points by paragraph kind (and for list markers)."""

_QUIET_LOGGERS = ("weasyprint", "fontTools")


def print_html(article: AnnotatedArticle, options: Options) -> str:
    """The print template rendered to HTML for WeasyPrint (autoescaped, like the HTML sheet)."""
    from markupsafe import Markup

    english, pinyin = _aids(article, options)
    side = english and options.layout == "side"
    paper = _paper(options)
    vocabulary = handout_vocabulary(article, options)
    title_row, rows = sheet_rows(article, options)
    return render_template(
        PRINT_TEMPLATE,
        options,
        article=article,
        title=article.title or source_name(article.source),
        source=article.source if article.source != "-" else "standard input",
        version=__version__,
        paper=paper,
        margin=MARGIN_MM,
        zh_share=ZH_SHARE,
        sizes=SIZES_PT,
        reading_scale=READING_SCALE,
        gap=GAP,
        cjk_families=Markup(", ".join(f'"{name}"' for name in CJK_FAMILIES)),
        side=side,
        english=english,
        pinyin=pinyin,
        tone_colors=options.tone_colors and pinyin,
        rows=rows,
        title_row=title_row,
        vocabulary=vocabulary,
        level=options.level,
        # the sheet shows CC-CEDICT's glosses only in the vocabulary list
        attribution=attribution(article) if vocabulary else "",
    )


def sheet_rows(
    article: AnnotatedArticle, options: Options
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The title row and the other rows the print template shows, lines set when readings show."""
    # Lines are set here, not by WeasyPrint: each printed line becomes one run of readings
    # and one of characters (see reader.render.pdf.typeset), which lays out many times faster than a
    # box per word. Without readings WeasyPrint's own line breaking does as well.
    english, pinyin = _aids(article, options)
    measure = PangoMeasure((*CJK_FAMILIES, "sans-serif")) if pinyin else None
    full = (PAPER_MM[_paper(options)] - 2 * MARGIN_MM) / 25.4 * 96
    column = full * ZH_SHARE / 100 if english and options.layout == "side" else full
    style = article.pinyin_style
    rows = [
        _row(p, style, options, measure, column) for p in article.paragraphs if p.kind != "title"
    ]
    title_row = next(
        (_row(p, style, options, measure, full) for p in article.paragraphs if p.kind == "title"),
        None,
    )
    return title_row, rows


def _aids(article: AnnotatedArticle, options: Options) -> tuple[bool, bool]:
    """Whether the sheet prints English, and whether it prints readings."""
    english = options.show_translation and article.translation_status == "translated"
    return english, options.show_pinyin and article.pinyin_style != "none"


def _paper(options: Options) -> str:
    """The CSS page size name of the chosen paper."""
    return "letter" if options.paper == "letter" else "A4"


def paragraph_pieces(
    paragraph: AnnotatedParagraph, style: PinyinStyle, level: int | None = None
) -> list[Piece]:
    """A paragraph's words as line-setting pieces, readings in `style` (none up to `level`)."""
    return pieces(
        [
            (
                word.text,
                tuple(syllables(word, style)) if word.is_chinese else (),
                above_level(word, level),
            )
            for sentence in paragraph.sentences
            for word in sentence.words
        ]
    )


def _row(
    paragraph: AnnotatedParagraph,
    style: PinyinStyle,
    options: Options,
    measure: PangoMeasure | None,
    width: float,
) -> dict[str, Any]:
    """What the print template needs of one paragraph, its lines set when readings show."""
    marker = _marker(paragraph)
    lines: tuple[Line, ...] = ()
    size = SIZES_PT.get(paragraph.kind, SIZES_PT["text"]) * PT
    if measure is not None and paragraph.kind != "code":
        lines = set_lines(
            paragraph_pieces(paragraph, style, options.level),
            measure,
            size,
            width - 1,  # rounding slack: a set line must never spill into the next column
            lead_width=measure(marker, SIZES_PT["marker"] * PT) if marker else 0.0,
        )
    layers = []
    if measure is not None and options.tone_colors:
        layers = [tone_layers(line, measure, size) for line in lines]
    return {
        "kind": paragraph.kind,
        "marker": marker,
        "layers": layers,
        "text": paragraph.text,
        "lines": lines,
        "translation": paragraph.translation,
        "translatable": paragraph.translatable,
    }


def _marker(paragraph: AnnotatedParagraph) -> str:
    """The list marker printed before a paragraph, with its space ("" for none)."""
    if paragraph.marker and paragraph.kind not in ("heading", "title", "code"):
        return paragraph.marker + " "
    return ""


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


def undrawable(text: str) -> list[str]:
    """The rare Han characters of `text` that no installed font draws (they'd print as boxes).

    Only characters beyond the common blocks are asked about, each once, through fontconfig
    (`fc-list`); without it nothing can be told and nothing is reported.
    """
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    rare = sorted({c for c in text if HAN.match(c) and ord(c) > _COMMON_HAN_END and not _compat(c)})
    return [c for c in rare if not _drawn(fc_list, c)]


def _compat(char: str) -> bool:
    """A CJK compatibility ideograph of the basic plane (every CJK font has them)."""
    return 0xF900 <= ord(char) <= 0xFAFF


@functools.lru_cache(maxsize=4096)
def _drawn(fc_list: str, char: str) -> bool:
    """Whether some installed font has a glyph for this character."""
    try:
        listed = subprocess.run(
            [fc_list, f":charset={ord(char):x}", "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return True
    return bool(listed.strip())


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
