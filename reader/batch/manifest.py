"""The up-to-date manifest: what each output was made from, so an unchanged source is skipped."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reader._version import __version__
from reader.batch.names import Names
from reader.model import Handout
from reader.options import Options
from reader.output import write_atomic
from reader.source.decode import read_source_bytes
from reader.source.discover import SourceRef

MANIFEST = ".reader-manifest.json"
"""File in the output folder recording what each output was made from."""

# Options that don't change what an output contains (`title` names only the index and the
# combined book, which are made afresh every run).
_NOT_CONTENT = {
    "output_dir",
    "force",
    "fail_fast",
    "jobs",
    "combine",
    "cache",
    "cache_dir",
    "title",
}

# Options that name a file (or a folder of templates) whose contents shape the output.
_FILE_OPTIONS = ("pinyin_overrides", "user_dict", "glossary", "template_dir")


def settings_key(options: Options) -> str:
    """A fingerprint of the options that shape an output's content."""
    relevant = {k: str(v) for k, v in asdict(options).items() if k not in _NOT_CONTENT}
    relevant["reader"] = __version__
    # A file an option names counts by its contents: a fixed reading in the overrides file
    # must redo the sheets, though the file's name is the same.
    for name in _FILE_OPTIONS:
        path = getattr(options, name)
        if path is not None:
            relevant[f"{name} contents"] = _contents_digest(Path(path))
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def _contents_digest(path: Path) -> str:
    """Hash of a file's bytes, or of every file in a folder (names and bytes); '' if unreadable."""
    digest = hashlib.sha256()
    try:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(path).as_posix().encode() if file != path else b"")
            digest.update(file.read_bytes())
    except OSError:
        return ""
    return digest.hexdigest()


def source_key(ref: SourceRef, stdin: bytes | None, settings: str) -> str:
    """Hash of the source's bytes and the content options."""
    data = (stdin or b"") if ref.path is None else read_source_bytes(ref.path)
    return hashlib.sha256(data + settings.encode()).hexdigest()


def load(out: Path) -> dict[str, Any]:
    """The output folder's manifest, or an empty one (a damaged manifest means redo all)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def save(out: Path, entries: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    document = {"format": "reader.manifest", "version": 1, "entries": entries}
    write_atomic(out / MANIFEST, json.dumps(document, ensure_ascii=False, indent=1))


def record(ref: SourceRef, key: str, complete: bool, handouts: Iterable[Handout]) -> dict[str, Any]:
    """A source's entry: its key (none for standard input), whether complete, its handouts."""
    return {
        "source": ref.label,
        "key": key if ref.path is not None else "",
        "complete": complete,
        "handouts": [
            {**asdict(h), "files": list(h.files), "levels": list(h.levels)}
            for h in handouts
            if h.source == ref.label
        ],
    }


def files(entry: dict[str, Any], out: Path) -> list[Path]:
    """The output files an entry records."""
    return [out / f for h in entry.get("handouts", []) for f in h.get("files", [])]


def handouts(entry: dict[str, Any]) -> list[Handout]:
    """The handouts an entry records, as the index lists them."""
    return [
        Handout(
            **{
                **item,
                "files": tuple(item["files"]),
                "levels": tuple(item.get("levels", ())),
                "untranslated": bool(item.get("untranslated", False)),
            }
        )
        for item in entry["handouts"]
    ]


def up_to_date(entry: dict[str, Any] | None, key: str, out: Path, names: Names) -> bool:
    """Whether an earlier run made complete outputs from the same source and options.

    Not when one of those files is now claimed by another output or is an input.
    """
    if not entry or entry.get("key") != key or not entry.get("complete"):
        return False
    made = files(entry, out)
    return bool(made) and all(f.is_file() for f in made) and names.free(made)


def model_now_there(entry: dict[str, Any] | None, model_missing: Callable[[], str]) -> bool:
    """Whether a sheet made without English (no model then) can now have it: redo it then.

    Asked only for such sheets, so a run whose sheets all have English never looks for models.
    """
    if entry is None or not any(h.get("untranslated") for h in entry.get("handouts", [])):
        return False
    return model_missing() == ""
