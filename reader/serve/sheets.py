"""The web app's sheets: sources and records in the output folder, made through the pipeline."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reader.errors import InputError
from reader.options import FORMATS, Options
from reader.output import write_atomic
from reader.pipeline import Progress, prepare_all, translate_stage
from reader.render import common as render
from reader.render.files import write
from reader.source.blocks import parse
from reader.source.discover import SourceRef, output_names
from reader.translate.protocol import Translator

STORE = ".reader-serve"
"""Folder inside the output folder holding each sheet's source text and record."""

LABELS = {"html": "HTML", "pdf": "PDF", "epub": "EPUB", "anki": "Anki TSV", "json": "JSON"}
"""How each format is named on a download link."""

_UNSAFE = re.compile(r"[^\w-]+")
_NAME = re.compile(r"^[\w-]{1,80}$")


@dataclass(frozen=True, slots=True)
class Settings:
    """The options a user picks in the form; the rest comes from the server's own settings."""

    pinyin: str = "marks"
    """Reading style: marks, numbers, zhuyin or none."""
    level: int | None = None
    """Readings only above this HSK level."""
    layout: str = "side"
    """PDF layout: side or stacked."""
    paper: str = "a4"
    """PDF paper: a4 or letter."""
    tone_colors: bool = False
    """Colour syllables by tone."""
    tone_sandhi: bool = False
    """Write the tone changes of 一 and 不."""
    show_uncertain: bool = False
    """Underline readings worth a check."""
    translate: bool = True
    """Translate into English."""
    student: bool = False
    """Also make a student copy."""
    formats: tuple[str, ...] = ("html",)
    """Formats to write."""
    model: str = ""
    """Translation model ('' = the server's default)."""
    engine: str = "auto"
    """Translation engine (`auto`: ctranslate2 on CPU where it runs the model)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return {**dataclasses.asdict(self), "formats": list(self.formats)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Settings:
        """Read back what `to_json` wrote (unknown keys ignored)."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "formats" in values:
            values["formats"] = tuple(f for f in values["formats"] if f in FORMATS)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Sheet:
    """One article's outputs as the web app lists them."""

    name: str
    """Output name (no suffix); also its address in the app."""
    record: str
    """The source record it was made from."""
    title: str
    """The article's title."""
    source: str
    """The file name it came from, or 'pasted text'."""
    created: float
    """When it was first made (seconds since the epoch)."""
    files: tuple[tuple[str, str], ...]
    """(format, file relative to the output folder), teacher copy first."""
    warnings: tuple[str, ...] = ()
    """Warnings of its last making (e.g. no translation model)."""


def safe_stem(label: str, fallback: str) -> str:
    """A file-name stem from a user's file name or title: letters, digits, '-' and '_' only."""
    base = label.replace("\\", "/").rsplit("/", 1)[-1]
    if "." in base.lstrip("."):
        base = base.rsplit(".", 1)[0]
    stem = _UNSAFE.sub("-", base).strip("-_")[:40].strip("-_")
    return stem or fallback


def is_name(name: str) -> bool:
    """Whether a string can be a sheet's name at all (checked before any look-up)."""
    return bool(_NAME.fullmatch(name))


class SheetStore:
    """Sheets in one output folder: sources and records in `.reader-serve/`, outputs beside."""

    def __init__(self, output_dir: Path) -> None:
        self.out = output_dir
        self.store = output_dir / STORE
        self._lock = threading.Lock()

    def add_source(self, label: str, text: str, markdown: bool, settings: Settings) -> str:
        """Keep a new source and its settings; returns its record name (unique in the folder)."""
        fallback = "pasted" if label == "pasted text" else "sheet"
        if label == "pasted text":
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")
            stem = safe_stem(first[:20], fallback)
        else:
            stem = safe_stem(label, fallback)
        with self._lock:
            name, number = stem, 2
            while self._taken(name):
                name = f"{stem}-{number}"
                number += 1
            record = {
                "name": name,
                "label": label,
                "markdown": markdown,
                "created": time.time(),
                "settings": settings.to_json(),
                "sheets": [],
                "warnings": [],
            }
            write_atomic(self.store / f"{name}.src", text)
            self._write_record(name, record)
        return name

    def _taken(self, stem: str) -> bool:
        """Whether a name is used by a record or by any output file already in the folder."""
        if (self.store / f"{stem}.json").exists():
            return True
        return any(self.out.glob(f"{stem}.*")) or any(self.out.glob(f"{stem}-*.*"))

    def make(
        self,
        record_name: str,
        base: Options,
        translator: Translator | None,
        progress: Progress | None = None,
    ) -> tuple[list[str], list[str]]:
        """Annotate, translate and render one source's articles; returns (sheet names, warnings)."""
        record = self._record(record_name)
        settings = Settings.from_json(record["settings"])
        options = options_for(settings, base)
        try:
            text = (self.store / f"{record_name}.src").read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"{record['label']}: its source text is gone from {self.store} "
                f"({exc.strerror or exc}); convert it again"
            ) from None
        articles = parse(text, record["label"], markdown=bool(record["markdown"]))
        annotated = prepare_all(articles, options, progress)
        translated, warnings = translate_stage(annotated, options, translator, progress)
        names = output_names(SourceRef(None, PurePosixPath(record_name)), translated)
        targets: list[tuple[Any, str, Path, Options]] = []
        sheets: list[dict[str, Any]] = []
        for name, article in zip(names, translated, strict=True):
            files: list[list[str]] = []
            for copy in options.copies:
                copy_options, suffix = render.copy_options(options, copy)
                for fmt in options.formats:
                    if copy == "teacher" or fmt in render.HANDOUT_FORMATS:
                        relative = f"{name.as_posix()}{suffix}.{render.extension(fmt)}"
                        targets.append((article, fmt, self.out / relative, copy_options))
                        files.append([fmt, relative])
            sheets.append({"name": name.as_posix(), "title": article.title, "files": files})
        for number, (article, fmt, target, copy_options) in enumerate(targets, start=1):
            if progress:
                progress("write", number - 1, len(targets))
            write(article, fmt, target, copy_options)
        if progress:
            progress("write", len(targets), len(targets))
        with self._lock:
            old = {f for s in record["sheets"] for _, f in s["files"]}
            new = {f for s in sheets for _, f in s["files"]}
            for stale in old - new:
                with contextlib.suppress(OSError):
                    (self.out / stale).unlink()
            record["sheets"], record["warnings"] = sheets, warnings
            self._write_record(record_name, record)
        return [s["name"] for s in sheets], warnings

    def sheets(self) -> list[Sheet]:
        """Every sheet whose page exists, newest first."""
        found = []
        for path in self.store.glob("*.json") if self.store.is_dir() else ():
            try:
                record = self._record(path.stem)
            except InputError:
                continue
            for item in record["sheets"]:
                files = tuple((fmt, f) for fmt, f in item["files"] if (self.out / f).is_file())
                if not files:
                    continue
                found.append(
                    Sheet(
                        name=item["name"],
                        record=path.stem,
                        title=item["title"] or item["name"],
                        source=record["label"],
                        created=float(record["created"]),
                        files=files,
                        warnings=tuple(record.get("warnings", ())),
                    )
                )
        return sorted(found, key=lambda s: (-s.created, s.name))

    def get(self, name: str) -> Sheet | None:
        """The sheet of that name, or None."""
        if not is_name(name):
            return None
        return next((s for s in self.sheets() if s.name == name), None)

    def settings(self, record_name: str) -> Settings:
        """The settings a source was converted with."""
        return Settings.from_json(self._record(record_name)["settings"])

    def delete(self, sheet: Sheet) -> None:
        """Remove a sheet's files; the source goes too once none of its sheets is left."""
        with self._lock:
            for _, relative in sheet.files:
                with contextlib.suppress(OSError):
                    (self.out / relative).unlink()
            record = self._record(sheet.record)
            record["sheets"] = [s for s in record["sheets"] if s["name"] != sheet.name]
            if record["sheets"]:
                self._write_record(sheet.record, record)
            else:
                for leftover in (f"{sheet.record}.json", f"{sheet.record}.src"):
                    with contextlib.suppress(OSError):
                        (self.store / leftover).unlink()

    def _record(self, name: str) -> dict[str, Any]:
        path = self.store / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(f"{path}: missing or damaged; convert the text again") from None
        if not isinstance(data, dict) or not isinstance(data.get("sheets"), list):
            raise InputError(f"{path}: damaged; convert the text again")
        return data

    def _write_record(self, name: str, record: dict[str, Any]) -> None:
        write_atomic(self.store / f"{name}.json", json.dumps(record, ensure_ascii=False, indent=1))


def options_for(settings: Settings, base: Options) -> Options:
    """The pipeline's options for a sheet: the user's picks over the server's own settings."""
    formats = tuple(dict.fromkeys(("html", *settings.formats)))
    return dataclasses.replace(
        base,
        formats=formats,
        pinyin=settings.pinyin,  # type: ignore[arg-type]
        level=settings.level,
        layout=settings.layout,  # type: ignore[arg-type]
        paper=settings.paper,  # type: ignore[arg-type]
        tone_colors=settings.tone_colors,
        tone_sandhi=settings.tone_sandhi,
        show_uncertain=settings.show_uncertain,
        translate=base.translate and settings.translate,
        copies=("teacher", "student") if settings.student else ("teacher",),
        model=settings.model or base.model,
        engine=settings.engine,  # type: ignore[arg-type]
    )
