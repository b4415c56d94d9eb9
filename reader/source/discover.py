"""Which sources a run converts, the output names they map to, and their articles read in parts."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from reader.errors import InputError
from reader.model import AnnotatedArticle, Article, Paragraph
from reader.source.blocks import (
    SOURCE_SUFFIXES,
    Unlisted,
    decode,
    has_chinese,
    parse,
    read_file,
    scan_sources,
)

if TYPE_CHECKING:
    pass


STDIN = "-"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One input to convert and the output name (without suffix) it maps to."""

    path: Path | None
    """The file, or None for standard input."""
    name: PurePosixPath
    """Output name relative to the output folder, without suffix (sub-folders mirrored)."""

    part: int | None = None
    """Only this part of the source (a long article's parts are converted a few at a time,
    so memory stays bounded); None: all of it."""

    @property
    def label(self) -> str:
        """How the source is named in messages and in the sheet (bytes of a file name that
        are not UTF-8 written as `\\xff`)."""
        if self.path is None:
            return STDIN
        return os.fsencode(self.path).decode("utf-8", "backslashreplace")

    @property
    def shown(self) -> str:
        """How a sheet names the source: its path inside the input folder, or its file name.

        Never the absolute path: sheets are handed out, and the teacher's folders are theirs.
        """
        if self.path is None:
            return STDIN
        shown = (self.name.parent / self.path.name).as_posix()
        return os.fsencode(shown).decode("utf-8", "backslashreplace")

    @property
    def markdown(self) -> bool:
        """Whether the source is read as Markdown."""
        return self.path is not None and self.path.suffix.lower() in (".md", ".markdown")


def collect_sources(inputs: Sequence[str | Path]) -> tuple[list[SourceRef], list[Unlisted]]:
    """Expand files, folders (recursively) and `-` into sources with distinct output names,
    and list what inside the folders can't be converted (unreadable, dangling, loops, pipes)."""
    refs: list[SourceRef] = []
    problems: list[Unlisted] = []
    for item in inputs:
        if str(item) == STDIN:
            refs.append(SourceRef(None, PurePosixPath("stdin")))
            continue
        path = Path(item)
        if path.is_dir():
            found, unlisted = scan_sources(path)
            problems.extend(unlisted)
            if not found:
                lost = [problem for problem in unlisted if problem.lost]
                if lost:
                    raise InputError(lost[0].message)
                raise InputError(
                    f"{path}: holds no {'/'.join(SOURCE_SUFFIXES)} files; "
                    "put articles in it or name files directly"
                )
            for file in found:
                relative = file.relative_to(path).with_suffix("")
                refs.append(SourceRef(file, _output_name(relative.as_posix())))
        elif path.is_file():
            refs.append(SourceRef(path, _output_name(path.stem)))
        elif path.exists():
            raise InputError(
                f"{path}: is not a regular file (a pipe, device or socket); save the article "
                "to a file, or pipe it into '-'"
            )
        else:
            raise InputError(f"{path}: no such file or folder; check the path")
    return _distinct(refs), problems


def _output_name(name: str) -> PurePosixPath:
    """An output name from a file name; bytes that are not UTF-8 become `%FF` (every output,
    the index and the manifest are UTF-8 text), and a name that would make a hidden file
    (`..txt`, `.notes.txt`) loses its leading dots."""
    name = re.sub(r"[\udc80-\udcff]", lambda m: f"%{ord(m[0]) - 0xDC00:02X}", name)
    folder, _, last = name.rpartition("/")
    last = last.lstrip(".") or "untitled"
    return PurePosixPath(folder) / last if folder else PurePosixPath(last)


def _distinct(refs: list[SourceRef]) -> list[SourceRef]:
    """Give every source its own output name: a.txt and a.md must not clobber each other."""
    counts: dict[PurePosixPath, int] = {}
    for ref in refs:
        counts[ref.name] = counts.get(ref.name, 0) + 1
    taken: set[PurePosixPath] = set()
    result = []
    for ref in refs:
        name = ref.name
        if counts[name] > 1 and ref.path is not None:
            name = name.with_name(f"{name.name}-{ref.path.suffix.lstrip('.').lower() or 'file'}")
        candidate, number = name, 2
        while candidate in taken:
            candidate = name.with_name(f"{name.name}-{number}")
            number += 1
        taken.add(candidate)
        result.append(dataclasses.replace(ref, name=candidate))
    return result


PART_CHARS = 200_000
"""Characters of an article annotated and rendered at a time: a longer one is split into
parts at paragraph ends (name-1, name-2 …), so memory doesn't grow with the input's size."""


def read_articles(ref: SourceRef, stdin: bytes | None = None) -> list[Article]:
    """Read and split one source into its articles (a very long one into parts)."""
    if ref.path is None:
        text = decode(stdin or b"", "standard input")
        looks_markdown = any(
            line.startswith(("# ", "## ", "```")) for line in text.splitlines()
        ) and has_chinese(text)
        return split_long(parse(text, STDIN, markdown=looks_markdown))
    articles = split_long(parse(read_file(ref.path), ref.label, markdown=ref.markdown))
    if ref.part is not None:
        articles = [a for a in articles if a.part == ref.part]
    return [dataclasses.replace(article, source=ref.shown) for article in articles]


def split_long(articles: Sequence[Article], limit: int | None = None) -> list[Article]:
    """Articles longer than `limit` (default `PART_CHARS`) characters split at paragraph ends
    into parts, numbered through the source; a single longer paragraph stays whole."""
    limit = PART_CHARS if limit is None else limit
    pieces: list[tuple[Article, tuple[Paragraph, ...]]] = []
    for article in articles:
        current: list[Paragraph] = []
        size = 0
        for paragraph in article.paragraphs:
            length = len(paragraph.marker) + sum(map(len, paragraph.sentences))
            if current and size + length > limit:
                pieces.append((article, tuple(current)))
                current, size = [], 0
            current.append(paragraph)
            size += length
        pieces.append((article, tuple(current)))
    if len(pieces) == len(articles):
        return list(articles)
    return [
        dataclasses.replace(article, paragraphs=paragraphs, part=number, parts=len(pieces))
        for number, (article, paragraphs) in enumerate(pieces, 1)
    ]


def output_names(ref: SourceRef, articles: Sequence[AnnotatedArticle]) -> list[PurePosixPath]:
    """Output names for a source's articles: `name`, or `name-1`, `name-2` … for several."""
    return [
        ref.name if a.parts == 1 else ref.name.with_name(f"{ref.name.name}-{a.part}")
        for a in articles
    ]
