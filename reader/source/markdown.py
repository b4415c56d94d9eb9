"""Markdown sources: CommonMark blocks and inline markup (markdown-it-py) as paragraphs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from reader.model import Paragraph, ParagraphKind, Span, SpanKind
from reader.text import HAN_CHARS

_WIDE = re.compile(rf"[\u2e80-\u9fff\ufe30-\ufe4f\uff00-\uffef{HAN_CHARS}]")
_BULLETS = "•◦▪"
_SAFE_SCHEMES = ("http", "https", "mailto")
_CELL_GAP = " │ "
_EMPHASIS: dict[str, SpanKind] = {"em": "em", "strong": "strong", "s": "strike"}


def safe_href(href: str) -> str:
    """The link target when it is http, https, mailto or relative; else empty (not live)."""
    target = href.strip()
    if not target or any(ord(ch) < 32 for ch in target):
        return ""
    try:
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        return ""
    if scheme in _SAFE_SCHEMES:
        return target
    # A relative target has no scheme, and no "x:" before its first slash either.
    if not scheme and ":" not in target.split("/", 1)[0]:
        return target
    return ""


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """CommonMark with tables, strikethrough and footnotes; raw HTML kept as tokens."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
    # Every link is parsed as one, so that one the sheet won't keep live (safe_href) shows its
    # text, not its Markdown source.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


@dataclass
class _Inline:
    """A paragraph's visible text being built, with its markup spans."""

    text: str = ""
    spans: list[Span] = field(default_factory=list)
    open: list[tuple[int, SpanKind, str]] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.text += text

    def start(self, kind: SpanKind, href: str = "") -> None:
        self.open.append((len(self.text), kind, href))

    def end(self, kind: SpanKind) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            start, open_kind, href = self.open[index]
            if open_kind == kind:
                del self.open[index]
                if len(self.text) > start:
                    self.spans.append(Span(start, len(self.text), kind, href))
                return

    def mark(self, text: str, kind: SpanKind) -> None:
        if text:
            self.spans.append(Span(len(self.text), len(self.text) + len(text), kind))
            self.text += text


class _TextOnly(HTMLParser):
    """The text of an HTML fragment: tags, comments, scripts and styles dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(fragment: str) -> str:
    """The visible text of raw HTML, whitespace runs joined (tags and comments dropped)."""
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _inline(children: Sequence[Any], target: _Inline) -> None:
    """Visible text and spans of an inline token list."""
    for token in children:
        kind = token.type
        if kind == "text":
            target.add(token.content)
        elif kind in ("softbreak", "hardbreak"):
            rest = target.text
            if (rest and not _WIDE.match(rest[-1])) or kind == "hardbreak":
                target.add(" ")
        elif kind == "code_inline":
            target.mark(token.content, "code")
        elif kind.endswith("_open") and kind[:-5] in _EMPHASIS:
            target.start(_EMPHASIS[kind[:-5]])
        elif kind.endswith("_close") and kind[:-6] in _EMPHASIS:
            target.end(_EMPHASIS[kind[:-6]])
        elif kind == "link_open":
            href = safe_href(str(token.attrs.get("href", "")))
            target.start("link", href)
        elif kind == "link_close":
            target.end("link")
        elif kind == "image":
            alt = _Inline()
            _inline(token.children or [], alt)
            target.mark(alt.text, "image")
        elif kind == "footnote_ref":
            target.mark(f"[{token.meta.get('label', token.meta.get('id', 0) + 1)}]", "note")
        elif kind == "html_inline":
            # Tags are dropped (their text arrives as text tokens); comments vanish.
            continue
    # A link whose target is not kept is text only; empty spans are dropped.
    target.spans = [s for s in target.spans if s.kind != "link" or s.href]


def _sorted(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Spans outermost first: by start, then the longer one."""
    return tuple(sorted(spans, key=lambda s: (s.start, -s.end)))


def markdown_blocks(text: str, split: Callable[[str], tuple[str, ...]]) -> list[Paragraph]:
    """Markdown's blocks as paragraphs (`split` cuts prose into sentences).

    Headings, paragraphs, list items (with a bullet or number as their marker), quotes
    (marker `> `), table rows (cells joined by a bar), footnotes (marker `[n]`) and code
    blocks. Raw HTML blocks give their text only; comments and reference definitions give
    nothing.
    """
    tokens = _parser().parse(text)
    result: list[Paragraph] = []
    lists: list[dict[str, Any]] = []
    quotes = 0
    pending_marker = ""
    heading: str | None = None
    row: list[_Inline] | None = None

    def prose(kind: ParagraphKind, inline: _Inline, marker: str) -> None:
        body = inline.text
        stripped = body.strip()
        if not stripped:
            return
        lead = len(body) - len(body.lstrip())
        spans = [
            Span(max(s.start - lead, 0), min(s.end - lead, len(stripped)), s.kind, s.href)
            for s in inline.spans
        ]
        spans = [s for s in spans if s.end > s.start]
        result.append(
            Paragraph(kind, split(stripped) or (stripped,), marker=marker, spans=_sorted(spans))
        )

    def marker_now() -> str:
        nonlocal pending_marker
        lead = "> " * quotes
        marker, pending_marker = pending_marker, ""
        return lead + marker

    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1)
            lists.append({"ordered": kind == "ordered_list_open", "number": start})
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            depth = len(lists) - 1
            current = lists[-1]
            if current["ordered"]:
                label = f"{token.info or current['number']}{token.markup or '.'}"
                current["number"] += 1
            else:
                label = _BULLETS[depth % len(_BULLETS)]
            pending_marker = "  " * depth + label + " "
        elif kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        elif kind == "footnote_open":
            pending_marker = f"[{token.meta.get('label', token.meta.get('id', 0) + 1)}] "
        elif kind == "heading_open":
            heading = token.markup + " "
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            joined = _Inline()
            for number, cell in enumerate(row):
                if number:
                    joined.add(_CELL_GAP)
                offset = len(joined.text)
                joined.add(cell.text.strip())
                lead = len(cell.text) - len(cell.text.lstrip())
                joined.spans.extend(
                    Span(s.start - lead + offset, s.end - lead + offset, s.kind, s.href)
                    for s in cell.spans
                    if s.end - lead + offset <= len(joined.text)
                )
            prose("text", joined, marker_now())
            row = None
        elif kind == "inline":
            inline = _Inline()
            _inline(token.children or [], inline)
            if row is not None:
                row.append(inline)
            elif heading is not None:
                prose("heading", inline, "> " * quotes + heading)
                heading = None
            else:
                prose("text", inline, marker_now())
        elif kind in ("fence", "code_block"):
            body = token.content[:-1] if token.content.endswith("\n") else token.content
            fence = f"{token.markup}{token.info}".strip() if kind == "fence" else "    "
            result.append(Paragraph("code", (body,), marker=fence))
            pending_marker = ""
        elif kind == "hr":
            result.append(Paragraph("code", (token.markup,), marker="---"))
        elif kind == "html_block":
            shown = html_text(token.content)
            if shown:
                inline = _Inline()
                inline.add(shown)
                prose("text", inline, marker_now())
    return result
