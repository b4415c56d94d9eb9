"""Source stage: read and decode bytes, then split text into articles, paragraphs and sentences."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from reader.errors import InputError
from reader.model import Article, Paragraph, ParagraphKind
from reader.source.markdown import markdown_blocks
from reader.text import HAN

SOURCE_SUFFIXES = (".txt", ".md", ".markdown")
"""File name endings that a folder search picks up."""

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

# Frequent characters (simplified and traditional forms) used to tell a right decoding from
# mojibake: legacy encodings decode each other's bytes without error, but into rare characters.
_COMMON = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她"
    "本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问"
    "很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次"
    "度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活更别打女变四神总何电"
    "数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马"
    "科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万"
    "取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议"
    "這個們來為國時說會對過後裡麼經現當沒動還進點學發樣產種實長開問關從體頭見話機聽處無與萬東車書"
    "電門義氣業覺認讓識導帶師術親聲錢愛邊應該將們嗎麼還說話"
)


def decode(data: bytes, name: str) -> str:
    """Decode a source's bytes, detecting UTF-8/16/32 (BOM), UTF-16 without BOM, GB18030/GBK, Big5.

    A guess must look like Chinese (mostly common characters), however short the text: an
    undecidable file is refused, never turned into mojibake.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), name)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte offset {exc.start}); re-save it as UTF-8"
                ) from None
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    wide = _utf16_candidates(data)
    if b"\x00" in data:
        # NUL bytes: UTF-16 text (its ASCII half) or a binary file, not GB18030 or Big5
        if wide and wide[0][0] >= _PLAUSIBLE:
            return _check_text(wide[0][2], name)
        raise InputError(f"{name}: looks like a binary file, not text; give a .txt or .md file")
    stray = _stray_utf8(data)
    if stray:
        shown = ", ".join(f"0x{data[i]:02X} at byte offset {i}" for i in stray[:3])
        more = f" and {len(stray) - 3} more" if len(stray) > 3 else ""
        raise InputError(
            f"{name}: is UTF-8 except for {len(stray)} invalid byte(s) ({shown}{more}); "
            "fix or delete them in an editor, or re-save the file as UTF-8"
        )
    candidates = list(wide)
    for encoding in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), encoding, text))
    if candidates:
        score, _, text = max(candidates, key=lambda c: c[0])
        if score >= _PLAUSIBLE:
            return _check_text(text, name)
    raise InputError(
        f"{name}: can't tell its text encoding (not UTF-8 from byte offset {first_bad} on, "
        "nor UTF-16, GB18030/GBK or Big5 Chinese); re-save it as UTF-8"
    )


_PLAUSIBLE = 0.15
"""Share of common characters above which a legacy decoding is taken to be right."""


def _utf16_candidates(data: bytes) -> list[tuple[float, str, str]]:
    """UTF-16 decodings without a byte-order mark (LE, BE), best first, with their scores."""
    if len(data) % 2:
        return []
    found = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        found.append((_plausibility(text), encoding, text))
    return sorted(found, key=lambda c: c[0], reverse=True)


def _stray_utf8(data: bytes) -> list[int]:
    """Offsets of the bytes that keep otherwise valid UTF-8 from decoding; [] if it isn't UTF-8.

    UTF-8 it is when its multi-byte characters outnumber the bad bytes many times over: a
    GB18030 or Big5 file breaks UTF-8 on almost every Chinese character.
    """
    bad: list[int] = []
    multibyte = 0
    position = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    while position < len(data):
        try:
            text = decoder.decode(data[position:], final=True)
        except UnicodeDecodeError as exc:
            good = data[position : position + exc.start].decode("utf-8")
            multibyte += sum(1 for ch in good if ord(ch) > 0x7F)
            bad.extend(range(position + exc.start, position + exc.end))
            position += exc.end
            decoder.reset()
            continue
        multibyte += sum(1 for ch in text if ord(ch) > 0x7F)
        break
    return bad if bad and multibyte >= 3 * len(bad) else []


def _plausibility(text: str) -> float:
    """Share of Han characters that are common ones: high for a right decoding."""
    han = HAN.findall(text)
    if not han:
        return 0.0
    return sum(1 for ch in han if ch in _COMMON) / len(han)


def _check_text(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file in disguise)."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):
        raise InputError(f"{name}: looks like a binary file, not text; give a .txt or .md file")
    return text


def read_file(path: Path) -> str:
    """Read and decode one source file; errors name the file and the fix."""
    return decode(read_source_bytes(path), str(path))


def read_source_bytes(path: Path) -> bytes:
    """A source file's bytes; errors name the file and the fix."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a file, or the folder itself") from None
    except PermissionError:
        raise InputError(
            f"{path}: permission denied; make it readable (chmod u+r '{path}') or run as its owner"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: can't be read ({exc.strerror or exc}); check the file") from None


@dataclass(frozen=True, slots=True)
class Unlisted:
    """Something inside an input folder that is not converted, and why."""

    path: Path
    """The entry, as found under the input folder."""
    message: str
    """One line: what it is and how to fix it."""
    lost: bool
    """True when articles may be missing because of it (a source's name, a folder)."""


def find_sources(folder: Path) -> list[Path]:
    """List a folder's source files (recursively, sorted), skipping hidden ones."""
    return scan_sources(folder)[0]


def scan_sources(folder: Path) -> tuple[list[Path], list[Unlisted]]:
    """List a folder's source files (recursively, sorted, hidden ones skipped) and what in it
    can't be converted: unreadable sub-folders, dangling links, link loops, pipes and devices.

    Linked folders are followed, except one that leads back to a folder above it.
    """
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; check the path")
    found: list[Path] = []
    problems: list[Unlisted] = []

    def visit(directory: Path, above: frozenset[tuple[int, int]]) -> None:
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            if directory == folder:
                raise InputError(_unlistable(directory, exc)) from None
            problems.append(Unlisted(directory, _unlistable(directory, exc), lost=True))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            source_like = path.suffix.lower() in SOURCE_SUFFIXES
            try:
                info = os.stat(path)
            except OSError as exc:
                if entry.is_symlink():
                    problems.append(Unlisted(path, _broken_link(path, exc), lost=source_like))
                elif source_like:
                    message = f"{path}: can't be read ({exc.strerror or exc}); check the file"
                    problems.append(Unlisted(path, message, lost=True))
                continue
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in above:
                    message = (
                        f"{path}: a link back to the folder {os.readlink(path)!r} above it, "
                        "not followed (its articles are converted from where they are)"
                    )
                    problems.append(Unlisted(path, message, lost=False))
                    continue
                visit(path, above | {key})
            elif source_like and stat.S_ISREG(info.st_mode):
                found.append(path)
            elif source_like:
                message = (
                    f"{path}: is not a regular file (a pipe, device or socket), not read; "
                    "save the article to a file, or pipe it into '-'"
                )
                problems.append(Unlisted(path, message, lost=True))

    top = folder.stat()
    visit(folder, frozenset({(top.st_dev, top.st_ino)}))
    return sorted(found), problems


def _unlistable(folder: Path, exc: OSError) -> str:
    """The one-line message for a folder that can't be listed."""
    if isinstance(exc, PermissionError):
        return (
            f"{folder}: permission denied, so the articles in this folder were not converted; "
            f"make it readable (chmod u+rx '{folder}') or run as its owner"
        )
    return f"{folder}: can't be listed ({exc.strerror or exc}); check the folder"


def _broken_link(path: Path, exc: OSError) -> str:
    """The one-line message for a symbolic link that leads nowhere or in a circle."""
    if exc.errno == errno.ELOOP:
        return f"{path}: a symbolic link loop (it leads back to itself), not read; fix or remove it"
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return (
        f"{path}: a symbolic link to {target!r}, which does not exist, not read; fix or remove it"
    )


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
