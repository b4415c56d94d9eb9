"""Batch conversion: sources in groups, up-to-date ones skipped, failures isolated, in parallel."""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import dataclasses
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reader._version import __version__
from reader.annotate import Annotator
from reader.errors import (
    InputError,
    ModelUnavailableError,
    OutputError,
    ReaderError,
    RenderError,
    UsageError,
)
from reader.model import AnnotatedArticle, ConvertResult, Failure, Handout
from reader.options import Options
from reader.output import sweep_partials, write_atomic
from reader.pipeline import Progress, needs_annotator, prepare_all, translate_stage
from reader.render import common as render
from reader.render.epub import to_epub
from reader.render.files import write
from reader.render.index import to_index
from reader.render.pdf.combine import combine_pdfs
from reader.render.pdf.document import RARE_FONT_HINT, undrawable
from reader.source.blocks import has_chinese
from reader.source.decode import read_source_bytes
from reader.source.discover import (
    PART_CHARS,
    STDIN,
    SourceRef,
    collect_sources,
    output_names,
    read_articles,
)
from reader.translate.protocol import Translator
from reader.translate.registry import make_translator
from reader.translate.store import models_dir_for, resolve_model

MANIFEST = ".reader-manifest.json"
"""File in the output folder recording what each output was made from."""

GROUP = 16
"""Sources annotated, translated and rendered together: bounds memory with many files."""

MANIFEST_EVERY = 5.0
"""Seconds between manifest saves in a long run (and once at its end): a kill loses at most
this much of the record, never an output, and a large manifest isn't rewritten per group."""

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

COMBINE_KINDS = {".pdf": "pdf", ".epub": "epub"}
"""What `--combine FILE` makes, by the file name's ending."""


@dataclass(frozen=True, slots=True)
class _Job:
    """One source to convert and the key of what its outputs would be made from."""

    ref: SourceRef
    key: str
    last: bool = True
    """Whether this is the source's last (or only) part: its record is written then."""


@dataclass(slots=True)
class _Run:
    """Book-keeping of one batch run (lives only inside `run`)."""

    handouts: dict[str, Handout] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    translation_off: bool = False
    """The model was missing: later groups are not offered to it again."""
    missing: str | None = None
    """Why the model can't be had now ('' when it can); looked up once, when first needed."""
    articles: dict[str, list[AnnotatedArticle]] = field(default_factory=dict)
    """Source → its translated articles, kept only when they are bound into one EPUB."""
    names: _Names | None = None
    """Every file the run writes, claimed before it is written."""

    def spent(self, stage: str, seconds: float) -> None:
        """Add time spent in a stage."""
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


@dataclass(slots=True)
class _Names:
    """Output files claimed by this run, so no two outputs (nor an output and an input) meet.

    Paths are compared resolved: `-o .` beside an input, or a symlinked folder, can't hide one.
    """

    inputs: set[Path]
    taken: set[Path] = field(default_factory=set)

    def claim_paths(self, paths: Sequence[Path]) -> None:
        """Reserve files that are written under fixed names (index, manifest, books)."""
        self.taken.update(_resolved(p) for p in paths)

    def free(self, paths: Sequence[Path]) -> bool:
        """Whether none of these files is claimed already (an input counts as claimed)."""
        return not any(_resolved(p) in self.taken for p in paths)

    def claim(self, name: PurePosixPath, options: Options) -> PurePosixPath:
        """The first of `name`, `name-2`, `name-3` … whose files (every copy) are all free.

        OutputError when one of `name`'s own files is an input: writing it would destroy
        the source.
        """
        files = [p for _, _, targets in _targets(name, options) for p in targets.values()]
        for path in files:
            if _resolved(path) in self.inputs:
                raise OutputError(
                    f"{path}: writing it would overwrite an input; "
                    "choose another output folder with -o"
                )
        candidate, number = name, 2
        while not self.free(files):
            candidate = name.with_name(f"{name.name}-{number}")
            files = [p for _, _, targets in _targets(candidate, options) for p in targets.values()]
            number += 1
        self.claim_paths(files)
        return candidate


def _resolved(path: Path) -> Path:
    """A path made absolute with symlinks followed, for comparing where files land."""
    return Path(os.path.realpath(path))


def _targets(name: PurePosixPath, options: Options) -> list[tuple[str, Options, dict[str, Path]]]:
    """Each copy of one handout: its options and the file it writes per format."""
    result = []
    for copy in options.copies:
        copy_options, suffix = render.copy_options(options, copy)
        targets = {
            fmt: options.output_dir / f"{name.as_posix()}{suffix}.{render.extension(fmt)}"
            for fmt in options.formats
            if copy == "teacher" or fmt in render.HANDOUT_FORMATS
        }
        result.append((copy, copy_options, targets))
    return result


def _book_paths(options: Options) -> list[Path]:
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


# Options that name a file (or a folder of templates) whose contents shape the output.
_FILE_OPTIONS = ("pinyin_overrides", "user_dict", "glossary", "template_dir")


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


def run(
    inputs: Sequence[str | Path],
    options: Options,
    translator: Translator | None = None,
    stdin: bytes | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> ConvertResult:
    """Convert every source; failures are collected (or raised with `fail_fast`)."""
    render.check_formats(options.formats)
    book = combine_kind(options.combine)
    if book == "pdf" and "pdf" not in options.formats:
        raise UsageError("--combine binds the PDFs: add pdf to --format (e.g. --format html,pdf)")
    refs, unlisted = collect_sources(inputs)
    lost = [problem for problem in unlisted if problem.lost]
    if lost and options.fail_fast:
        raise InputError(lost[0].message)
    if len(refs) == 1:
        # One source: its failure is the run's error, reported as such.
        options = dataclasses.replace(options, fail_fast=True)
    out = options.output_dir
    given = {_resolved(ref.path) for ref in refs if ref.path is not None}
    state = _Run(names=_Names(inputs=given, taken=set(given)))
    assert state.names is not None
    # What a folder holds but can't be read is reported, never skipped without a word.
    for problem in unlisted:
        if problem.lost:
            label = os.fsencode(problem.path).decode("utf-8", "backslashreplace")
            state.failures.append(Failure(source=label, message=problem.message))
        else:
            state.warnings.append(problem.message)
    batch = len(refs) > 1 or any(Path(str(i)).is_dir() for i in inputs if str(i) != STDIN)
    fixed = [out / MANIFEST, *_book_paths(options)] + ([out / "index.html"] if batch else [])
    for path in fixed:
        if _resolved(path) in given:
            raise UsageError(
                f"{path}: reader writes this file, and it is one of the inputs; "
                "choose another output folder with -o (or another --combine name)"
            )
    state.names.claim_paths(fixed)
    sweep_partials(
        [out, *(out / ref.name.parent for ref in refs), *(p.parent for p in _book_paths(options))]
    )
    manifest = _load_manifest(out)
    settings = settings_key(options)
    jobs: list[_Job] = []
    # An EPUB book is made from the annotated articles, so up-to-date sources are read again.
    reread: list[SourceRef] = []
    for ref in refs:
        try:
            key = _source_key(ref, stdin, settings)
        except ReaderError as exc:
            _fail(state, ref, exc, options)
            continue
        entry = manifest.get(ref.name.as_posix())
        if (
            not options.force
            and _up_to_date(entry, key, out, state.names)
            and not _model_now_there(entry, state, options)
        ):
            assert entry is not None
            state.skipped.append(ref.label)
            state.names.claim_paths(
                [out / f for item in entry["handouts"] for f in item.get("files", [])]
            )
            for item in entry["handouts"]:
                state.handouts[item["name"]] = Handout(
                    **{
                        **item,
                        "files": tuple(item["files"]),
                        "levels": tuple(item.get("levels", ())),
                        "untranslated": bool(item.get("untranslated", False)),
                    }
                )
            if log:
                log(f"up to date: {ref.label}")
            if book == "epub":
                reread.append(ref)
            continue
        jobs.append(_Job(ref, key))
    done = len(refs) - len(jobs)
    if progress:
        progress("files", done, len(refs))
    jobs = [part for job in jobs for part in _parts(job, state, options)]
    workers = _worker_count(options, len(jobs) + len(reread))
    sources = list(dict.fromkeys(dataclasses.replace(j.ref, part=None) for j in jobs))
    if workers > 1 and needs_annotator(sources + reread, stdin, options):
        # Load jieba's dictionary once here: forked workers inherit it instead of each
        # spending a second or two loading their own (not when all come from the cache).

        Annotator(cache_dir=options.cache_dir).words("中文")
    translator_box: list[Translator | None] = [translator]
    saved = -MANIFEST_EVERY
    with _pool(workers) as pool:
        groups = list(_groups(jobs, workers))
        # A long article's parts: its record says complete only when every part is.
        whole: dict[str, bool] = {}
        for number, group in enumerate(groups):
            finished = _convert_group(group, options, stdin, pool, state, translator_box)
            for job in group:
                if job.ref.part is not None:
                    label = job.ref.label
                    whole[label] = whole.get(label, True) and label in finished
                    if not job.last:
                        continue
                    if not whole[label]:
                        finished.pop(label, None)
                if job.ref.label in finished:
                    manifest[job.ref.name.as_posix()] = {
                        "source": job.ref.label,
                        "key": job.key if job.ref.path is not None else "",
                        "complete": finished[job.ref.label],
                        "handouts": [
                            {**asdict(h), "files": list(h.files), "levels": list(h.levels)}
                            for h in state.handouts.values()
                            if h.source == job.ref.label
                        ],
                    }
                done += 1
                if progress:
                    progress("files", done, len(refs))
                if log:
                    status = "failed" if job.ref.label not in finished else "done"
                    log(f"{status}: {job.ref.label}")
            if time.monotonic() - saved >= MANIFEST_EVERY or number == len(groups) - 1:
                _save_manifest(out, manifest)
                saved = time.monotonic()
        for start in range(0, len(reread), GROUP):
            again = reread[start : start + GROUP]
            for ref, items in _annotate_group(again, options, stdin, pool, state, translator_box):
                state.articles[ref.label] = items
    if batch:
        index = out / "index.html"
        handouts = sorted(state.handouts.values(), key=_order)
        write_atomic(index, to_index(handouts, options, _books(options, out)))
        state.outputs.append(index)
    if book == "pdf":
        _combine(state, options)
    elif book == "epub":
        _combine_epub(refs, state, options)
    untranslated = ""
    if any(h.untranslated for h in state.handouts.values()):
        untranslated = _model_missing(state, options) or "the translation model failed to load"
    return ConvertResult(
        outputs=tuple(state.outputs),
        warnings=tuple(state.warnings),
        failures=tuple(state.failures),
        skipped=tuple(state.skipped),
        handouts=tuple(sorted(state.handouts.values(), key=_order)),
        timings=dict(state.timings),
        untranslated=untranslated,
    )


def _parts(job: _Job, state: _Run, options: Options) -> list[_Job]:
    """A source as jobs: itself, or one job per part when it holds a long article (split by
    `PART_CHARS`), so no more than a few parts are in memory at a time."""
    path = job.ref.path
    try:
        # A UTF-8 Chinese character is 3 bytes: a smaller file can't hold a long article.
        small = path is None or path.stat().st_size <= PART_CHARS * 3
    except OSError:
        small = True  # reading it will say what is wrong
    if small:
        return [job]
    assert path is not None
    try:
        count = len(read_articles(job.ref))
    except ReaderError as exc:
        _fail(state, job.ref, exc, options)
        return []
    if count == 1:
        return [job]
    return [
        dataclasses.replace(job, ref=dataclasses.replace(job.ref, part=n), last=n == count)
        for n in range(1, count + 1)
    ]


def _groups(jobs: Sequence[_Job], workers: int) -> Iterator[list[_Job]]:
    """Jobs converted together: up to `GROUP` sources, but only `workers` parts of a long
    article at a time."""
    group: list[_Job] = []
    for job in jobs:
        limit = workers if job.ref.part is not None else GROUP
        if group and (
            len(group) >= limit or (group[-1].ref.part is None) != (job.ref.part is None)
        ):
            yield group
            group = []
        group.append(job)
    if group:
        yield group


def _order(handout: Handout) -> tuple[str, str]:
    """Handouts listed by output name."""
    return (handout.name, handout.source)


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


def _fail(state: _Run, ref: SourceRef, exc: ReaderError, options: Options) -> None:
    """Record a failed source, or stop the run when asked to fail fast."""
    if options.fail_fast:
        raise exc
    state.failures.append(Failure(source=ref.label, message=str(exc)))


def _source_key(ref: SourceRef, stdin: bytes | None, settings: str) -> str:
    """Hash of the source's bytes and the content options."""
    data = (stdin or b"") if ref.path is None else read_source_bytes(ref.path)
    return hashlib.sha256(data + settings.encode()).hexdigest()


def _up_to_date(entry: dict[str, Any] | None, key: str, out: Path, names: _Names) -> bool:
    """Whether an earlier run made complete outputs from the same source and options.

    Not when one of those files is now claimed by another output or is an input.
    """
    if not entry or entry.get("key") != key or not entry.get("complete"):
        return False
    files = [out / f for h in entry.get("handouts", []) for f in h.get("files", [])]
    return bool(files) and all(f.is_file() for f in files) and names.free(files)


def _model_now_there(entry: dict[str, Any] | None, state: _Run, options: Options) -> bool:
    """Whether a sheet made without English (no model then) can now have it: redo it then.

    Asked only for such sheets, so a run whose sheets all have English never looks for models.
    """
    if entry is None or not any(h.get("untranslated") for h in entry.get("handouts", [])):
        return False
    return _model_missing(state, options) == ""


def _model_missing(state: _Run, options: Options) -> str:
    """Why the options' translation model can't be found now, or '' when it can (memoised)."""
    if state.missing is None:
        try:
            resolve_model(options.model, models_dir_for(options.models_dir, os.environ))
            state.missing = ""
        except ModelUnavailableError as exc:
            state.missing = str(exc)
        except ReaderError:  # another fault (a file given as the model): converting reports it
            state.missing = ""
    return state.missing


def _load_manifest(out: Path) -> dict[str, Any]:
    """The output folder's manifest, or an empty one (a damaged manifest means redo all)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _save_manifest(out: Path, entries: dict[str, Any]) -> None:
    """Write the manifest atomically."""
    document = {"format": "reader.manifest", "version": 1, "entries": entries}
    write_atomic(out / MANIFEST, json.dumps(document, ensure_ascii=False, indent=1))


def _worker_count(options: Options, sources: int) -> int:
    """Processes to use: none for a single source, else --jobs (default: one per CPU)."""
    wanted = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    return max(1, min(wanted, sources)) if sources > 1 else 1


@contextmanager
def _pool(workers: int) -> Iterator[concurrent.futures.Executor | None]:
    """A process pool for annotation and rendering, or None to work inline."""
    if workers <= 1:
        yield None
        return
    # Workers start before the model loads (fork), and only run jieba, pypinyin and renderers.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        yield pool


_PARENT_CHECK = 0.5
"""Seconds between a worker's checks that the run it works for is still there."""


def _die_with_parent(parent: int) -> None:
    """Make a pool worker exit when the main process is gone (`kill -9` skips all clean-up).

    A daemon thread checks the parent's id: once the worker is re-parented it exits at once,
    leaving nothing half-written (outputs are written through temporary files).
    """
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


def _prepare(ref: SourceRef, stdin: bytes | None, options: Options) -> list[AnnotatedArticle]:
    """Read, split and annotate one source (runs in a worker)."""
    return prepare_all(read_articles(ref, stdin), options)


def _render(
    article: AnnotatedArticle, targets: dict[str, Path], options: Options
) -> dict[str, float]:
    """Render and write one article in every format; returns seconds per format (in a worker)."""
    seconds = {}
    for fmt, target in targets.items():
        started = time.perf_counter()
        write(article, fmt, target, options)
        seconds[fmt] = time.perf_counter() - started
    return seconds


def _warn_undrawable(ref: SourceRef, articles: Sequence[AnnotatedArticle], state: _Run) -> None:
    """Name the rare characters the PDF can't draw: no installed font has them."""
    text = "".join(p.text for article in articles for p in article.paragraphs)
    missing = undrawable(text)
    if missing:
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        state.warnings.append(
            f"{ref.label}: the PDF prints {shown}{more} as empty boxes: no installed font has "
            f"them; {RARE_FONT_HINT}"
        )


def _convert_group(
    group: Sequence[_Job],
    options: Options,
    stdin: bytes | None,
    pool: concurrent.futures.Executor | None,
    state: _Run,
    translator_box: list[Translator | None],
) -> dict[str, bool]:
    """Annotate, translate and render a group of sources; returns source → complete."""

    prepared = _annotate_group([j.ref for j in group], options, stdin, pool, state, translator_box)
    tasks: list[tuple[AnnotatedArticle, dict[str, Path], Options]] = []
    owners: list[str] = []
    complete: dict[str, bool] = {}
    assert state.names is not None
    for ref, mine in prepared:
        try:
            names = [state.names.claim(n, options) for n in output_names(ref, mine)]
        except ReaderError as exc:
            _fail(state, ref, exc, options)
            continue
        complete[ref.label] = True
        if "pdf" in options.formats:
            _warn_undrawable(ref, mine, state)
        if combine_kind(options.combine) == "epub":
            state.articles[ref.label] = mine
        for name, article in zip(names, mine, strict=True):
            files: list[str] = []
            for _, copy_options, targets in _targets(name, options):
                files.extend(p.relative_to(options.output_dir).as_posix() for p in targets.values())
                tasks.append((article, targets, copy_options))
                owners.append(ref.label)
            state.handouts[name.as_posix()] = _handout(
                name.as_posix(), ref.label, article, tuple(files)
            )
    started = time.perf_counter()
    for (_, targets, _), owner, result in zip(
        tasks, owners, _map(pool, _render, tasks, owners), strict=True
    ):
        if isinstance(result, ReaderError):
            if options.fail_fast:
                raise result
            state.failures.append(Failure(source=owner, message=str(result)))
            complete.pop(owner, None)
            state.handouts = {k: h for k, h in state.handouts.items() if h.source != owner}
        else:
            for fmt, seconds in result.items():
                state.spent(fmt, seconds)
            state.outputs.extend(targets.values())
    state.spent("render", time.perf_counter() - started)
    return complete


def _annotate_group(
    refs: Sequence[SourceRef],
    options: Options,
    stdin: bytes | None,
    pool: concurrent.futures.Executor | None,
    state: _Run,
    translator_box: list[Translator | None],
) -> list[tuple[SourceRef, list[AnnotatedArticle]]]:
    """Read, annotate (in the pool) and translate (together) a group of sources.

    A source that fails is recorded in `state` and left out of the result.
    """
    started = time.perf_counter()
    prepared: list[tuple[SourceRef, list[AnnotatedArticle]]] = []
    for ref, result in zip(
        refs,
        _map(pool, _prepare, [(r, stdin, options) for r in refs], [r.label for r in refs]),
        strict=True,
    ):
        if isinstance(result, ReaderError):
            _fail(state, ref, result, options)
        else:
            prepared.append((ref, result))
    state.spent("annotate", time.perf_counter() - started)

    started = time.perf_counter()
    articles = [a for _, items in prepared for a in items]
    if options.translate and options.show_translation and translator_box[0] is None:
        translator_box[0] = make_translator(options)
    translator = translator_box[0]
    if state.translation_off and translator is not None:
        # the model was missing for an earlier group: these go without English too
        translated = [
            dataclasses.replace(a, model=translator.name, translation_status="unavailable")
            for a in articles
        ]
    else:
        # its one warning, a missing model, is the run's `untranslated` reason instead
        translated, warnings = translate_stage(articles, options, translator)
        state.translation_off = bool(warnings)
    state.spent("translate", time.perf_counter() - started)

    result = []
    position = 0
    for ref, items in prepared:
        result.append((ref, translated[position : position + len(items)]))
        position += len(items)
    return result


def _map(
    pool: concurrent.futures.Executor | None,
    func: Callable[..., Any],
    calls: Sequence[tuple[Any, ...]],
    labels: Sequence[str],
) -> list[Any]:
    """Run calls in the pool (or inline), in order; a failure is returned as a ReaderError.

    Whatever one source raises (a bug included) is that source's failure, named by its
    label, and never stops the others.
    """
    if pool is None:
        results = []
        for args, label in zip(calls, labels, strict=True):
            try:
                results.append(func(*args))
            except Exception as exc:  # one source's failure, whatever it is
                results.append(_as_failure(exc, label))
        return results
    futures = [pool.submit(func, *args) for args in calls]
    results = []
    for future, label in zip(futures, labels, strict=True):
        try:
            results.append(future.result())
        except Exception as exc:  # one source's failure, whatever it is
            results.append(_as_failure(exc, label))
    return results


def _as_failure(exc: Exception, label: str) -> ReaderError:
    """A source's exception as the one-line error the summary lists."""
    if isinstance(exc, ReaderError):
        return exc
    if isinstance(exc, concurrent.futures.process.BrokenProcessPool):
        return ReaderError(
            f"{label}: a worker process died while converting it (out of memory?); "
            "run again with fewer --jobs"
        )
    return ReaderError(
        f"{label}: failed with an internal error ({type(exc).__name__}: {_shortened(str(exc))}); "
        "the other files were converted; please report this with the file"
    )


def _shortened(text: str, limit: int = 120) -> str:
    """A message cut to one short line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _handout(name: str, source: str, article: AnnotatedArticle, files: tuple[str, ...]) -> Handout:
    """What the index lists about one article."""
    chinese = [w for p in article.paragraphs for s in p.sentences for w in s.words if w.is_chinese]
    characters = "".join(w.text for w in chinese)
    distinct = {w.text: w.level for w in chinese}
    bands = [0, 0, 0, 0]
    for level in distinct.values():
        bands[3 if level is None else 0 if level <= 3 else 1 if level <= 6 else 2] += 1
    levels = tuple(round(100 * n / len(distinct)) for n in bands) if distinct else ()
    return Handout(
        name=name,
        source=source,
        title=article.title or Path(name).name,
        chars=sum(1 for ch in characters if has_chinese(ch)),
        unique_chars=len(set(characters)),
        words=len(distinct),
        files=files,
        levels=levels,
        untranslated=article.translation_status == "unavailable",
    )


def _books(options: Options, out: Path) -> list[str]:
    """The combined book files the index links to, relative to the output folder."""
    if options.combine is None:
        return []
    target = options.combine
    names = [target]
    if "student" in options.copies and target.suffix.lower() == ".epub":
        names.append(target.with_name(f"{target.stem}-student{target.suffix}"))
    try:
        return [
            os.path.relpath(name.resolve(), out.resolve()).replace(os.sep, "/") for name in names
        ]
    except ValueError:  # another drive (Windows): no relative link
        return []


def _combine(state: _Run, options: Options) -> None:
    """Bind every handout's PDF into one file with a table of contents."""
    assert options.combine is not None
    pdfs = [
        (h.title, options.output_dir / f)
        for h in sorted(state.handouts.values(), key=_order)
        for f in h.files
        if f.endswith(".pdf") and (options.output_dir / f).is_file()
    ]
    started = time.perf_counter()
    write_atomic(options.combine, combine_pdfs(pdfs, options))
    state.spent("combine", time.perf_counter() - started)
    state.outputs.append(options.combine)


def _combine_epub(refs: Sequence[SourceRef], state: _Run, options: Options) -> None:
    """Bind every article into one EPUB per copy: a chapter each, in the sources' order.

    The teacher copy goes to the `--combine` file, a student copy beside it with `-student`
    added to the name; the file's name (without `.epub`) is the book's title.
    """
    assert options.combine is not None
    failed = {f.source for f in state.failures}
    articles = [
        a for ref in refs if ref.label not in failed for a in state.articles.get(ref.label, ())
    ]
    if not articles:
        raise RenderError("nothing to combine: no article was converted; check the failures above")
    started = time.perf_counter()
    target = options.combine
    for copy in options.copies:
        copy_options, suffix = render.copy_options(options, copy)
        path = target.with_name(f"{target.stem}{suffix}{target.suffix}")
        name = options.title or target.stem
        title = name if copy == "teacher" else f"{name} (student copy)"
        vocab = [render.handout_vocabulary(a, copy_options) for a in articles]
        write_atomic(path, to_epub(articles, copy_options, vocab, title=title))
        state.outputs.append(path)
    state.spent("combine", time.perf_counter() - started)
