"""Batch conversion: sources in groups, up-to-date ones skipped, failures isolated, in parallel.

`run` reads as the script of one run: collect the sources, reserve the files it writes, skip
the up-to-date, convert the rest in groups, write the index and the book, return the result.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.annotate import Annotator
from reader.batch import manifest
from reader.batch.names import Names, book_paths, combine_kind, resolved, targets
from reader.batch.pool import map_isolated, worker_count, worker_pool
from reader.errors import InputError, ModelUnavailableError, ReaderError, RenderError, UsageError
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
from reader.source.discover import (
    PART_CHARS,
    STDIN,
    SourceRef,
    Unlisted,
    collect_sources,
    output_names,
    read_articles,
)
from reader.translate.protocol import Translator
from reader.translate.registry import make_translator
from reader.translate.store import resolve_model

GROUP = 16
"""Sources annotated, translated and rendered together: bounds memory with many files."""

MANIFEST_EVERY = 5.0
"""Seconds between manifest saves in a long run (and once at its end): a kill loses at most
this much of the record, never an output, and a large manifest isn't rewritten per group."""


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

    names: Names
    """Every file the run writes, claimed before it is written."""
    translator: Translator | None
    """The translator given, else made when the first group needs one."""
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

    def spent(self, stage: str, seconds: float) -> None:
        """Add time spent in a stage."""
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


@dataclass(slots=True)
class _Tally:
    """Sources finished so far, reported as each one finishes."""

    done: int
    total: int
    progress: Progress | None
    log: Callable[[str], None] | None

    def finished(self, label: str, ok: bool) -> None:
        """Count a finished source: the progress bar moves, the log says how it went."""
        self.done += 1
        if self.progress:
            self.progress("files", self.done, self.total)
        if self.log:
            self.log(f"{'done' if ok else 'failed'}: {label}")


def run(
    inputs: Sequence[str | Path],
    options: Options,
    translator: Translator | None = None,
    stdin: bytes | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> ConvertResult:
    """Convert every source; failures are collected (or raised with `fail_fast`)."""
    book = _book_kind(options)
    refs, unlisted = collect_sources(inputs)
    options = _failing_options(refs, unlisted, options)
    given = {resolved(ref.path) for ref in refs if ref.path is not None}
    state = _Run(names=Names(inputs=given, taken=set(given)), translator=translator)
    _report_unlisted(unlisted, state)
    batch = len(refs) > 1 or any(Path(str(i)).is_dir() for i in inputs if str(i) != STDIN)
    _reserve_fixed_files(batch, state.names, options)
    _sweep_leftovers(refs, options)
    records = manifest.load(options.output_dir)
    jobs, reread = _skip_up_to_date(refs, records, stdin, state, options, log)
    tally = _Tally(done=len(refs) - len(jobs), total=len(refs), progress=progress, log=log)
    if progress:
        progress("files", tally.done, tally.total)
    jobs = [part for job in jobs for part in _parts(job, state, options)]
    workers = worker_count(options, len(jobs) + len(reread))
    if workers > 1:
        _load_dictionary_once(jobs, reread, stdin, options)
    with worker_pool(workers) as pool:
        _convert_in_groups(jobs, workers, records, tally, pool, state, options, stdin)
        _read_again(reread, pool, state, options, stdin)
    if batch:
        _write_index(state, options)
    if book == "pdf":
        _combine(state, options)
    elif book == "epub":
        _combine_epub(refs, state, options)
    return _result(state, options)


def _book_kind(options: Options) -> str | None:
    """Check the formats and `--combine`; the kind of book to bind, if any."""
    render.check_formats(options.formats)
    book = combine_kind(options.combine)
    if book == "pdf" and "pdf" not in options.formats:
        raise UsageError("--combine binds the PDFs: add pdf to --format (e.g. --format html,pdf)")
    return book


def _failing_options(
    refs: Sequence[SourceRef], unlisted: Sequence[Unlisted], options: Options
) -> Options:
    """Stop at a lost input with `fail_fast`; a single source fails the run by itself."""
    lost = [problem for problem in unlisted if problem.lost]
    if lost and options.fail_fast:
        raise InputError(lost[0].message)
    if len(refs) == 1:
        # One source: its failure is the run's error, reported as such.
        return dataclasses.replace(options, fail_fast=True)
    return options


def _report_unlisted(unlisted: Sequence[Unlisted], state: _Run) -> None:
    """What a folder holds but can't be read is reported, never skipped without a word."""
    for problem in unlisted:
        if problem.lost:
            label = os.fsencode(problem.path).decode("utf-8", "backslashreplace")
            state.failures.append(Failure(source=label, message=problem.message))
        else:
            state.warnings.append(problem.message)


def _reserve_fixed_files(batch: bool, names: Names, options: Options) -> None:
    """Claim the manifest, the book and (for a batch) the index; none of them may be an input."""
    out = options.output_dir
    index = [out / "index.html"] if batch else []
    fixed = [out / manifest.MANIFEST, *book_paths(options), *index]
    for path in fixed:
        if resolved(path) in names.inputs:
            raise UsageError(
                f"{path}: reader writes this file, and it is one of the inputs; "
                "choose another output folder with -o (or another --combine name)"
            )
    names.claim_paths(fixed)


def _sweep_leftovers(refs: Sequence[SourceRef], options: Options) -> None:
    """Remove the temporary files a killed run left where this one writes."""
    out = options.output_dir
    sweep_partials(
        [out, *(out / ref.name.parent for ref in refs), *(p.parent for p in book_paths(options))]
    )


def _skip_up_to_date(
    refs: Sequence[SourceRef],
    records: dict[str, Any],
    stdin: bytes | None,
    state: _Run,
    options: Options,
    log: Callable[[str], None] | None,
) -> tuple[list[_Job], list[SourceRef]]:
    """The sources to convert, and the up-to-date ones an EPUB book needs read again.

    An up-to-date source is counted as skipped, its files claimed and its handouts listed.
    """
    settings = manifest.settings_key(options)
    jobs: list[_Job] = []
    # An EPUB book is made from the annotated articles, so up-to-date sources are read again.
    reread: list[SourceRef] = []
    for ref in refs:
        try:
            key = manifest.source_key(ref, stdin, settings)
        except ReaderError as exc:
            _fail(state, ref, exc, options)
            continue
        entry = records.get(ref.name.as_posix())
        if (
            options.force
            or not manifest.up_to_date(entry, key, options.output_dir, state.names)
            or manifest.model_now_there(entry, lambda: _model_missing(state, options))
        ):
            jobs.append(_Job(ref, key))
            continue
        assert entry is not None
        state.skipped.append(ref.label)
        state.names.claim_paths(manifest.files(entry, options.output_dir))
        for handout in manifest.handouts(entry):
            state.handouts[handout.name] = handout
        if log:
            log(f"up to date: {ref.label}")
        if combine_kind(options.combine) == "epub":
            reread.append(ref)
    return jobs, reread


def _load_dictionary_once(
    jobs: Sequence[_Job], reread: Sequence[SourceRef], stdin: bytes | None, options: Options
) -> None:
    """Load jieba's dictionary here, before the workers fork, when any source needs it.

    Forked workers inherit it instead of each spending a second or two loading their own
    (not when all come from the cache).
    """
    sources = list(dict.fromkeys(dataclasses.replace(j.ref, part=None) for j in jobs))
    if needs_annotator(sources + list(reread), stdin, options):
        Annotator(cache_dir=options.cache_dir).words("中文")


def _convert_in_groups(
    jobs: Sequence[_Job],
    workers: int,
    records: dict[str, Any],
    tally: _Tally,
    pool: concurrent.futures.Executor | None,
    state: _Run,
    options: Options,
    stdin: bytes | None,
) -> None:
    """Convert the jobs a group at a time, recording each finished source in the manifest."""
    groups = list(_groups(jobs, workers))
    # A long article's parts: its record says complete only when every part is.
    whole: dict[str, bool] = {}
    saved = -MANIFEST_EVERY
    for number, group in enumerate(groups):
        finished = _convert_group(group, options, stdin, pool, state)
        for job in group:
            if _record(job, finished, whole, records, state):
                tally.finished(job.ref.label, job.ref.label in finished)
        if time.monotonic() - saved >= MANIFEST_EVERY or number == len(groups) - 1:
            manifest.save(options.output_dir, records)
            saved = time.monotonic()


def _record(
    job: _Job,
    finished: dict[str, bool],
    whole: dict[str, bool],
    records: dict[str, Any],
    state: _Run,
) -> bool:
    """Record a source the job finished in the manifest; False for a part before its last.

    A source with a failed part leaves `finished`: it has no record and counts as failed.
    """
    label = job.ref.label
    if job.ref.part is not None:
        whole[label] = whole.get(label, True) and label in finished
        if not job.last:
            return False
        if not whole[label]:
            finished.pop(label, None)
    if label in finished:
        records[job.ref.name.as_posix()] = manifest.record(
            job.ref, job.key, finished[label], state.handouts.values()
        )
    return True


def _read_again(
    refs: Sequence[SourceRef],
    pool: concurrent.futures.Executor | None,
    state: _Run,
    options: Options,
    stdin: bytes | None,
) -> None:
    """Annotate and translate the up-to-date sources again, for the EPUB book only."""
    for start in range(0, len(refs), GROUP):
        again = refs[start : start + GROUP]
        for ref, items in _annotate_group(again, options, stdin, pool, state):
            state.articles[ref.label] = items


def _write_index(state: _Run, options: Options) -> None:
    """The output folder's index page, listing every handout (a batch only)."""
    index = options.output_dir / "index.html"
    handouts = sorted(state.handouts.values(), key=_order)
    write_atomic(index, to_index(handouts, options, _books(options, options.output_dir)))
    state.outputs.append(index)


def _result(state: _Run, options: Options) -> ConvertResult:
    """What the run made, skipped and failed, and why some sheets have no English."""
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


def _fail(state: _Run, ref: SourceRef, exc: ReaderError, options: Options) -> None:
    """Record a failed source, or stop the run when asked to fail fast."""
    if options.fail_fast:
        raise exc
    state.failures.append(Failure(source=ref.label, message=str(exc)))


def _model_missing(state: _Run, options: Options) -> str:
    """Why the options' translation model can't be found now, or '' when it can (memoised)."""
    if state.missing is None:
        try:
            resolve_model(options.model, options.models_folder)
            state.missing = ""
        except ModelUnavailableError as exc:
            state.missing = str(exc)
        except ReaderError:  # another fault (a file given as the model): converting reports it
            state.missing = ""
    return state.missing


def _prepare(ref: SourceRef, stdin: bytes | None, options: Options) -> list[AnnotatedArticle]:
    """Read, split and annotate one source (runs in a worker)."""
    return prepare_all(read_articles(ref, stdin), options)


def _render(
    article: AnnotatedArticle, paths: dict[str, Path], options: Options
) -> dict[str, float]:
    """Render and write one article in every format; returns seconds per format (in a worker)."""
    seconds = {}
    for fmt, target in paths.items():
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
) -> dict[str, bool]:
    """Annotate, translate and render a group of sources; returns source → complete."""
    prepared = _annotate_group([j.ref for j in group], options, stdin, pool, state)
    tasks: list[tuple[AnnotatedArticle, dict[str, Path], Options]] = []
    owners: list[str] = []
    complete: dict[str, bool] = {}
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
            for _, copy_options, paths in targets(name, options):
                files.extend(p.relative_to(options.output_dir).as_posix() for p in paths.values())
                tasks.append((article, paths, copy_options))
                owners.append(ref.label)
            state.handouts[name.as_posix()] = _handout(
                name.as_posix(), ref.label, article, tuple(files)
            )
    started = time.perf_counter()
    for (_, paths, _), owner, result in zip(
        tasks, owners, map_isolated(pool, _render, tasks, owners), strict=True
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
            state.outputs.extend(paths.values())
    state.spent("render", time.perf_counter() - started)
    return complete


def _annotate_group(
    refs: Sequence[SourceRef],
    options: Options,
    stdin: bytes | None,
    pool: concurrent.futures.Executor | None,
    state: _Run,
) -> list[tuple[SourceRef, list[AnnotatedArticle]]]:
    """Read, annotate (in the pool) and translate (together) a group of sources.

    A source that fails is recorded in `state` and left out of the result.
    """
    started = time.perf_counter()
    prepared: list[tuple[SourceRef, list[AnnotatedArticle]]] = []
    for ref, result in zip(
        refs,
        map_isolated(pool, _prepare, [(r, stdin, options) for r in refs], [r.label for r in refs]),
        strict=True,
    ):
        if isinstance(result, ReaderError):
            _fail(state, ref, result, options)
        else:
            prepared.append((ref, result))
    state.spent("annotate", time.perf_counter() - started)

    started = time.perf_counter()
    articles = [a for _, items in prepared for a in items]
    if options.translate and options.show_translation and state.translator is None:
        state.translator = make_translator(options)
    translator = state.translator
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


def _handout(name: str, source: str, article: AnnotatedArticle, files: tuple[str, ...]) -> Handout:
    """What the index lists about one article."""
    chinese = [
        entry
        for p in article.paragraphs
        for s in p.sentences
        for w in s.words
        for entry in w.entries
        if entry.is_chinese
    ]
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
