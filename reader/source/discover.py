"""Sources a run converts (folders searched), their output names, and their articles in parts."""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reader.errors import InputError
from reader.model import AnnotatedArticle, Article, Paragraph
from reader.source.blocks import has_chinese, parse
from reader.source.decode import decode, read_file

STDIN = "-"

SOURCE_SUFFIXES = (".txt", ".md", ".markdown")
"""File name endings that a folder search picks up."""


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
    top = folder.stat()
    _visit(folder, folder, frozenset({(top.st_dev, top.st_ino)}), found, problems)
    return sorted(found), problems


def _visit(
    folder: Path,
    directory: Path,
    above: frozenset[tuple[int, int]],
    found: list[Path],
    problems: list[Unlisted],
) -> None:
    """Add the sources under `directory` (inside the input `folder`) to `found`, and what
    can't be converted to `problems`; `above` holds the folders it sits in (device, inode)."""
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
        info = _stat(entry, path, problems)
        if info is None:
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in above:
                problems.append(Unlisted(path, _link_back(path), lost=False))
                continue
            _visit(folder, path, above | {key}, found, problems)
        elif _source_like(path):
            if stat.S_ISREG(info.st_mode):
                found.append(path)
            else:
                problems.append(Unlisted(path, _not_regular(path), lost=True))


def _source_like(path: Path) -> bool:
    """Whether the name ends like a source file's."""
    return path.suffix.lower() in SOURCE_SUFFIXES


def _stat(entry: os.DirEntry[str], path: Path, problems: list[Unlisted]) -> os.stat_result | None:
    """What the entry is, links followed; None (and a problem noted) when that can't be told."""
    try:
        return os.stat(path)
    except OSError as exc:
        if entry.is_symlink():
            problems.append(Unlisted(path, _broken_link(path, exc), lost=_source_like(path)))
        elif _source_like(path):
            message = f"{path}: can't be read ({exc.strerror or exc}); check the file"
            problems.append(Unlisted(path, message, lost=True))
        return None


def _link_back(path: Path) -> str:
    """The one-line message for a linked folder that leads back to a folder above it."""
    return (
        f"{path}: a link back to the folder {os.readlink(path)!r} above it, "
        "not followed (its articles are converted from where they are)"
    )


def _not_regular(path: Path) -> str:
    """The one-line message for a source's name on a pipe, device or socket."""
    return (
        f"{path}: is not a regular file (a pipe, device or socket), not read; "
        "save the article to a file, or pipe it into '-'"
    )


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
