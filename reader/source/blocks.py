"""Source stage: decoded text split into articles, paragraphs and sentences (titles, poems)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from reader.errors import InputError
from reader.model import Article, Paragraph, ParagraphKind
from reader.source.markdown import markdown_blocks
from reader.text import HAN

# Characters that end a Chinese sentence, and the closers that stay with it.
_FINAL = "。！？｡!?"
_CLOSERS = "”’」』）)》〉】〕］]\"'"
_ELLIPSIS = "…⋯"
_PARAGRAPH_FINAL = _FINAL + _ELLIPSIS + _CLOSERS + "．.；;：:"

_CLOSE = re.escape(_CLOSERS)
_SENTENCE_END = re.compile(
    rf"(?:[。！？｡]+|[!?]+(?=[\s{_CLOSE}]|$|[^\x00-\x7f])|[{_ELLIPSIS}]+(?=[{_CLOSE}]))"
    rf"[{_CLOSE}]*\s*"
)
_CONTINUATION_MARK = re.compile(
    r"^[（(]\s*(?:上接|接|承)第?\s*[0-9０-９一二三四五六七八九十百]+\s*(?:版|页|頁)\s*[）)]$"
)

_TITLE_MAX = 50
_META_MAX = 60
_META_LINES = 3
_REFLOW_MIN = 16


def normalise(text: str) -> str:
    """Unify line ends and drop a stray BOM; characters of the text are kept as they are."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a paragraph into sentences; closing quotes and brackets stay with their sentence."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end > start and text[start:end].strip():
            sentences.append(text[start:end])
            start = end
    if start < len(text):
        rest = text[start:]
        if sentences and not rest.strip():
            sentences[-1] += rest
        else:
            sentences.append(rest)
    return tuple(sentences)


def has_chinese(text: str) -> bool:
    """Whether the text holds at least one Han character."""
    return HAN.search(text) is not None


def parse(text: str, source: str, *, markdown: bool = False) -> list[Article]:
    """Split decoded text into articles; raise InputError when it holds no text at all."""
    text = normalise(text)
    if not text.strip():
        raise InputError(f"{source}: is empty; give a file that holds the article's text")
    blocks = markdown_blocks(text, split_sentences) if markdown else list(_text_blocks(text))
    groups: list[list[Paragraph]] = [[]]
    for block in blocks:
        if block.kind == "meta" and _CONTINUATION_MARK.match(block.text.strip()) and groups[-1]:
            groups.append([])
        groups[-1].append(block)
    groups = [g for g in groups if g]
    if not groups:
        raise InputError(f"{source}: holds no text (only markup); give a file with the article")
    if markdown and groups[0][0].kind == "heading":
        # A Markdown file that opens with a heading of any level names itself by it.
        groups[0][0] = replace(groups[0][0], kind="title")
    articles = []
    for number, group in enumerate(groups, start=1):
        paragraphs = group if markdown else _reflow(_title_and_meta(group))
        articles.append(
            Article(source=source, paragraphs=tuple(paragraphs), part=number, parts=len(groups))
        )
    return articles


def _para(kind: ParagraphKind, text: str, marker: str = "") -> Paragraph:
    """Build a paragraph, splitting prose into sentences."""
    sentences = (text,) if kind == "code" else split_sentences(text)
    return Paragraph(kind=kind, sentences=sentences or (text,), marker=marker)


def _text_blocks(text: str) -> Iterator[Paragraph]:
    """Plain text: every non-empty line is a block (reflow rejoins broken ones later)."""
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        kind: ParagraphKind = "meta" if _CONTINUATION_MARK.match(stripped) else "text"
        yield _para(kind, stripped)


def _title_and_meta(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Mark a first short unpunctuated line as the title and short lines after it as meta."""
    result = list(paragraphs)
    start = 0
    while start < len(result) and result[start].kind == "meta":
        start += 1
    if start >= len(result) or not _is_heading_like(result[start].text, _TITLE_MAX):
        _later_pieces(result, start)
        return result
    result[start] = Paragraph("title", result[start].sentences)
    index = start + 1
    while (
        index < len(result)
        and index <= start + _META_LINES
        and result[index].kind == "text"
        and _meta_like(result[index].text)
        and index + 1 < len(result)
    ):
        result[index] = Paragraph("meta", result[index].sentences)
        index += 1
    _later_pieces(result, index)
    return result


def _later_pieces(result: list[Paragraph], start: int) -> None:
    """Mark the titles (headings) and author lines (meta) of the pieces after the first, in place.

    A file of poems or short essays repeats the first piece's shape: a short title line,
    up to `_META_LINES` short lines (author, source), then the text. Such a title follows a
    finished paragraph and is followed by text; a longer run of short lines (a list, a poem
    written without punctuation) is left as it is.
    """
    position = start
    while position < len(result):
        end = position
        while end < len(result) and _short_line(result[end]):
            end += 1
        if (
            end > position
            and end - position <= 1 + _META_LINES
            and end < len(result)
            and result[end].kind == "text"
            and _piece_title(result[position].text)
            and (position == 0 or not _breaks_mid_sentence(result[position - 1].text))
            and all(_meta_like(p.text) for p in result[position + 1 : end])
        ):
            result[position] = Paragraph("heading", result[position].sentences)
            for meta in range(position + 1, end):
                result[meta] = Paragraph("meta", result[meta].sentences)
        position = max(end, position + 1)


def _short_line(paragraph: Paragraph) -> bool:
    """A plain line short and unpunctuated enough to be a title or an author line."""
    return (
        paragraph.kind == "text"
        and _is_heading_like(paragraph.text, _META_MAX)
        and not _breaks_mid_sentence(paragraph.text)
    )


def _piece_title(text: str) -> bool:
    """A line that can title a piece: short, with words in it, no sentence ending inside."""
    return (
        _is_heading_like(text, _TITLE_MAX)
        and any(ch.isalpha() for ch in text)
        and not any(ch in text for ch in "。！？!?")
    )


def _meta_like(text: str) -> bool:
    """A subtitle or byline: short, without the punctuation of a sentence."""
    return _is_heading_like(text, _META_MAX) and not any(ch in text for ch in "，。；")


def _is_heading_like(text: str, limit: int) -> bool:
    """A short line that does not end like a sentence."""
    text = text.strip()
    return 0 < len(text) <= limit and text[-1] not in _PARAGRAPH_FINAL + "，、,"


def _reflow(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Rejoin body paragraphs that a page break split in the middle of a sentence."""
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.kind == "text"
            and paragraph.kind == "text"
            and _breaks_mid_sentence(previous.text)
            and _continues_sentence(paragraph.text)
        ):
            result[-1] = _para("text", previous.text + paragraph.text)
        else:
            result.append(paragraph)
    return result


def _breaks_mid_sentence(text: str) -> bool:
    """A prose paragraph whose last sentence is unfinished."""
    text = text.rstrip()
    if not text or text[-1] in _PARAGRAPH_FINAL:
        return False
    if text[-1] in "，、,—–-":
        return True
    # A short line without punctuation is a subheading, not a broken paragraph.
    return len(text) >= _REFLOW_MIN and any(ch in text for ch in "，。、；：！？,")


def _continues_sentence(text: str) -> bool:
    """A paragraph that starts inside a sentence (not with a quote, bracket or list marker)."""
    text = text.lstrip()
    if not text:
        return False
    first = text[0]
    return bool(HAN.match(first)) or first in "，。、；：！？…”’」』）" or first.isalnum()
