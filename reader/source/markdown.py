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
        # Raw inline HTML has no handler: tags are dropped (their text arrives as text
        # tokens) and comments vanish.
        handler = _INLINE_HANDLERS.get(token.type)
        if handler is not None:
            handler(token, target)
    # A link whose target is not kept is text only; empty spans are dropped.
    target.spans = [s for s in target.spans if s.kind != "link" or s.href]


def _text(token: Any, target: _Inline) -> None:
    """Plain text as it is."""
    target.add(token.content)


def _line_break(token: Any, target: _Inline) -> None:
    """A line break: a space, except between wide characters (Chinese runs on), unless hard."""
    rest = target.text
    if (rest and not _WIDE.match(rest[-1])) or token.type == "hardbreak":
        target.add(" ")


def _code(token: Any, target: _Inline) -> None:
    """Inline code, marked as such."""
    target.mark(token.content, "code")


def _emphasis_open(kind: SpanKind, token: Any, target: _Inline) -> None:
    """The start of emphasis, strong emphasis or strikethrough."""
    target.start(kind)


def _emphasis_close(kind: SpanKind, token: Any, target: _Inline) -> None:
    """The end of emphasis, strong emphasis or strikethrough."""
    target.end(kind)


def _link_open(token: Any, target: _Inline) -> None:
    """The start of a link, kept live only when its target is safe."""
    href = safe_href(str(token.attrs.get("href", "")))
    target.start("link", href)


def _link_close(token: Any, target: _Inline) -> None:
    """The end of a link."""
    target.end("link")


def _image(token: Any, target: _Inline) -> None:
    """An image: its alternative text, marked."""
    alt = _Inline()
    _inline(token.children or [], alt)
    target.mark(alt.text, "image")


def _footnote_ref(token: Any, target: _Inline) -> None:
    """A footnote reference: its number in brackets."""
    target.mark(f"[{token.meta.get('label', token.meta.get('id', 0) + 1)}]", "note")


_INLINE_HANDLERS: dict[str, Callable[[Any, _Inline], None]] = {
    "text": _text,
    "softbreak": _line_break,
    "hardbreak": _line_break,
    "code_inline": _code,
    **{f"{tag}_open": functools.partial(_emphasis_open, kind) for tag, kind in _EMPHASIS.items()},
    **{f"{tag}_close": functools.partial(_emphasis_close, kind) for tag, kind in _EMPHASIS.items()},
    "link_open": _link_open,
    "link_close": _link_close,
    "image": _image,
    "footnote_ref": _footnote_ref,
}
"""What each inline token type adds to the paragraph; other types add nothing."""


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
    blocks = _Blocks(split)
    for token in _parser().parse(text):
        handler = _BLOCK_HANDLERS.get(token.type)
        if handler is not None:
            handler(blocks, token)
    return blocks.result


@dataclass
class _Blocks:
    """The paragraphs read so far, and where the reading is: lists, quotes, heading, row."""

    split: Callable[[str], tuple[str, ...]]
    result: list[Paragraph] = field(default_factory=list)
    lists: list[dict[str, Any]] = field(default_factory=list)
    quotes: int = 0
    pending_marker: str = ""
    heading: str | None = None
    row: list[_Inline] | None = None

    def prose(self, kind: ParagraphKind, inline: _Inline, marker: str) -> None:
        """Add a paragraph of inline text (spans moved past its leading space); blank: none."""
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
        self.result.append(
            Paragraph(
                kind, self.split(stripped) or (stripped,), marker=marker, spans=_sorted(spans)
            )
        )

    def marker_now(self) -> str:
        """The marker of the paragraph that starts now: quote levels, then a pending one."""
        lead = "> " * self.quotes
        marker, self.pending_marker = self.pending_marker, ""
        return lead + marker

    def list_open(self, token: Any) -> None:
        """A bullet or numbered list starts (numbers from its first one)."""
        start = int(token.attrs.get("start", 1) or 1)
        self.lists.append({"ordered": token.type == "ordered_list_open", "number": start})

    def list_close(self, token: Any) -> None:
        """A list ends."""
        self.lists.pop()

    def list_item_open(self, token: Any) -> None:
        """A list item starts: its bullet or number, indented by depth, marks its paragraph."""
        depth = len(self.lists) - 1
        current = self.lists[-1]
        if current["ordered"]:
            label = f"{token.info or current['number']}{token.markup or '.'}"
            current["number"] += 1
        else:
            label = _BULLETS[depth % len(_BULLETS)]
        self.pending_marker = "  " * depth + label + " "

    def blockquote_open(self, token: Any) -> None:
        """A quote starts."""
        self.quotes += 1

    def blockquote_close(self, token: Any) -> None:
        """A quote ends."""
        self.quotes -= 1

    def footnote_open(self, token: Any) -> None:
        """A footnote starts: its number marks its paragraph."""
        self.pending_marker = f"[{token.meta.get('label', token.meta.get('id', 0) + 1)}] "

    def heading_open(self, token: Any) -> None:
        """A heading starts: its `#`s mark its paragraph."""
        self.heading = token.markup + " "

    def tr_open(self, token: Any) -> None:
        """A table row starts."""
        self.row = []

    def tr_close(self, token: Any) -> None:
        """A table row ends: its cells, joined by a bar, make one paragraph."""
        if self.row is None:
            return
        joined = _Inline()
        for number, cell in enumerate(self.row):
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
        self.prose("text", joined, self.marker_now())
        self.row = None

    def inline(self, token: Any) -> None:
        """Inline text: a table cell, a heading's text or a paragraph."""
        inline = _Inline()
        _inline(token.children or [], inline)
        if self.row is not None:
            self.row.append(inline)
        elif self.heading is not None:
            self.prose("heading", inline, "> " * self.quotes + self.heading)
            self.heading = None
        else:
            self.prose("text", inline, self.marker_now())

    def code(self, token: Any) -> None:
        """A fenced or indented code block, kept as one unsplit paragraph."""
        body = token.content[:-1] if token.content.endswith("\n") else token.content
        fence = f"{token.markup}{token.info}".strip() if token.type == "fence" else "    "
        self.result.append(Paragraph("code", (body,), marker=fence))
        self.pending_marker = ""

    def hr(self, token: Any) -> None:
        """A thematic break."""
        self.result.append(Paragraph("code", (token.markup,), marker="---"))

    def html_block(self, token: Any) -> None:
        """Raw HTML: its visible text only, if any."""
        shown = html_text(token.content)
        if shown:
            inline = _Inline()
            inline.add(shown)
            self.prose("text", inline, self.marker_now())


_BLOCK_HANDLERS: dict[str, Callable[[_Blocks, Any], None]] = {
    "bullet_list_open": _Blocks.list_open,
    "ordered_list_open": _Blocks.list_open,
    "bullet_list_close": _Blocks.list_close,
    "ordered_list_close": _Blocks.list_close,
    "list_item_open": _Blocks.list_item_open,
    "blockquote_open": _Blocks.blockquote_open,
    "blockquote_close": _Blocks.blockquote_close,
    "footnote_open": _Blocks.footnote_open,
    "heading_open": _Blocks.heading_open,
    "tr_open": _Blocks.tr_open,
    "tr_close": _Blocks.tr_close,
    "inline": _Blocks.inline,
    "fence": _Blocks.code,
    "code_block": _Blocks.code,
    "hr": _Blocks.hr,
    "html_block": _Blocks.html_block,
}
"""What each block token type does; other types (closings of paragraphs, items, headings,
cells …) do nothing."""
