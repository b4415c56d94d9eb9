"""Output names: every file a run writes is claimed before it is written, so none meet."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reader.errors import OutputError, UsageError
from reader.options import Options
from reader.render import common as render

COMBINE_KINDS = {".pdf": "pdf", ".epub": "epub"}
"""What `--combine FILE` makes, by the file name's ending."""


@dataclass(slots=True)
class Names:
    """Output files claimed by this run, so no two outputs (nor an output and an input) meet.

    Paths are compared resolved: `-o .` beside an input, or a symlinked folder, can't hide one.
    """

    inputs: set[Path]
    taken: set[Path] = field(default_factory=set)

    def claim_paths(self, paths: Sequence[Path]) -> None:
        """Reserve files that are written under fixed names (index, manifest, books)."""
        self.taken.update(resolved(p) for p in paths)

    def free(self, paths: Sequence[Path]) -> bool:
        """Whether none of these files is claimed already (an input counts as claimed)."""
        return not any(resolved(p) in self.taken for p in paths)

    def claim(self, name: PurePosixPath, options: Options) -> PurePosixPath:
        """The first of `name`, `name-2`, `name-3` … whose files (every copy) are all free.

        OutputError when one of `name`'s own files is an input: writing it would destroy
        the source.
        """
        files = [p for _, _, paths in targets(name, options) for p in paths.values()]
        for path in files:
            if resolved(path) in self.inputs:
                raise OutputError(
                    f"{path}: writing it would overwrite an input; "
                    "choose another output folder with -o"
                )
        candidate, number = name, 2
        while not self.free(files):
            candidate = name.with_name(f"{name.name}-{number}")
            files = [p for _, _, paths in targets(candidate, options) for p in paths.values()]
            number += 1
        self.claim_paths(files)
        return candidate


def resolved(path: Path) -> Path:
    """A path made absolute with symlinks followed, for comparing where files land."""
    return Path(os.path.realpath(path))


def targets(name: PurePosixPath, options: Options) -> list[tuple[str, Options, dict[str, Path]]]:
    """Each copy of one handout: its options and the file it writes per format."""
    result = []
    for copy in options.copies:
        copy_options, suffix = render.copy_options(options, copy)
        files = {
            fmt: options.output_dir / f"{name.as_posix()}{suffix}.{render.extension(fmt)}"
            for fmt in options.formats
            if copy == "teacher" or fmt in render.HANDOUT_FORMATS
        }
        result.append((copy, copy_options, files))
    return result


def book_paths(options: Options) -> list[Path]:
    """The files `--combine` writes: the book, and its student copy for an EPUB."""
    target = options.combine
    if target is None:
        return []
    if combine_kind(target) == "pdf":
        return [target]
    return [
        target.with_name(f"{target.stem}{render.copy_options(options, copy)[1]}{target.suffix}")
        for copy in options.copies
    ]


def combine_kind(path: Path | None) -> str | None:
    """What `--combine FILE` binds, by its ending: `pdf`, `epub`, or None without the option."""
    if path is None:
        return None
    kind = COMBINE_KINDS.get(path.suffix.lower())
    if kind is None:
        ending = f"'{path.suffix}'" if path.suffix else "no extension"
        raise UsageError(
            f"--combine {path.name}: can't make a file with {ending}; end its name in "
            ".pdf (one printable PDF) or .epub (one e-book), e.g. --combine book.epub"
        )
    return kind
