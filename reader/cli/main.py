"""Command line: `reader convert …`, `reader models …`; errors become one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from reader._version import __version__
from reader.batch.build import run as convert
from reader.errors import ReaderError, UsageError
from reader.options import DEFAULT_MODEL, FORMATS, Options
from reader.source.discover import STDIN
from reader.translate.ct2 import convert_model
from reader.translate.registry import describe_translator, make_translator
from reader.translate.store import download_model, model_profile, models_dir_for

if TYPE_CHECKING:
    from reader.model import ConvertResult
    from reader.translate.protocol import Translator

PINYIN_STYLES = ("marks", "numbers", "zhuyin", "none")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _formats(value: str) -> tuple[str, ...]:
    """Parse `--format html,json`."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format '{','.join(unknown) or value}'; choose from {', '.join(FORMATS)}"
        )
    return formats


def _pinyin_style(value: str) -> str:
    """Parse `--pinyin STYLE`."""
    if value not in PINYIN_STYLES:
        raise argparse.ArgumentTypeError(
            f"unknown pinyin style '{value}'; choose from {', '.join(PINYIN_STYLES)}"
        )
    return value


def _copies(value: str) -> tuple[str, ...]:
    """Parse `--copies teacher,student`."""
    copies = tuple(dict.fromkeys(c.strip().lower() for c in value.split(",") if c.strip()))
    if not copies or any(c not in ("teacher", "student") for c in copies):
        raise argparse.ArgumentTypeError(f"unknown copy '{value}'; choose from teacher, student")
    return copies


def _level(value: str) -> int:
    """Parse `--level N` (an HSK 3.0 level)."""
    if value not in {str(n) for n in range(1, 8)}:
        raise argparse.ArgumentTypeError(f"expected an HSK level 1-7, got '{value}'")
    return int(value)


def _positive(value: str) -> int:
    """Parse a positive integer option."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got '{value}'")
    return number


def _count(value: str) -> int:
    """Parse a whole number option that may be 0."""
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got '{value}'")
    return int(value)


def _template_folder(value: str) -> Path:
    """Parse `--template-dir DIR`: a folder that exists (else every sheet would fall back to
    the shipped templates without a word)."""
    folder = Path(value)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "no such folder"
        raise argparse.ArgumentTypeError(
            f"'{value}': {what}; give a folder of templates (copy reader's templates/ to start)"
        )
    return folder


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = _Parser(
        prog="reader",
        description="Chinese articles in, bilingual study sheets out: pinyin above every word, "
        "English beside every paragraph.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    convert = commands.add_parser(
        "convert",
        help="convert articles into study sheets",
        description="Convert Chinese articles (.txt/.md files, folders of them, or - for "
        "standard input) into side-by-side study sheets.",
    )
    convert.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder, or - for stdin")
    convert.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("output"),
        metavar="DIR",
        help="output folder (default: output/)",
    )
    convert.add_argument(
        "-f",
        "--format",
        dest="formats",
        type=_formats,
        default=("html",),
        metavar="LIST",
        help=f"comma-separated output formats: {', '.join(FORMATS)} (default: html)",
    )
    convert.add_argument(
        "--pinyin",
        type=_pinyin_style,
        default="marks",
        metavar="STYLE",
        help="how readings are written: tone marks (default), tone numbers, zhuyin, or none",
    )
    convert.add_argument(
        "--no-translate", action="store_true", help="pinyin-only sheet; no model needed"
    )
    convert.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        metavar="NAME_OR_PATH",
        help=f"seq2seq zh→en model: hub name or local folder (default: {DEFAULT_MODEL})",
    )
    convert.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="local model store (default: $READER_MODELS_DIR or ./models)",
    )
    convert.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1) instead of writing an untranslated sheet when no model is available",
    )
    convert.add_argument(
        "--batch-size", type=_positive, default=8, metavar="N", help="sentences per model call"
    )
    convert.add_argument(
        "--beams",
        type=_positive,
        default=None,
        metavar="N",
        help="beam width (default: the model's own setting)",
    )
    convert.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda", "mps"),
        default="cpu",
        help="where the model runs (default: cpu; auto picks cuda or mps when present)",
    )
    convert.add_argument(
        "--template-dir",
        type=_template_folder,
        default=None,
        metavar="DIR",
        help="folder of templates overriding the shipped ones",
    )
    convert.add_argument(
        "--paper",
        choices=("a4", "letter"),
        type=str.lower,
        default="a4",
        help="PDF paper size (default: a4)",
    )
    convert.add_argument(
        "--layout",
        choices=("side", "stacked"),
        type=str.lower,
        default="side",
        help="PDF: English beside each paragraph (default) or stacked under it",
    )
    convert.add_argument(
        "--tone-colors", action="store_true", help="colour each pinyin syllable by its tone"
    )
    convert.add_argument(
        "--no-pinyin", action="store_true", help="leave out the pinyin (student copy for self-test)"
    )
    convert.add_argument(
        "--no-translation",
        action="store_true",
        help="leave out the English (student copy for self-test)",
    )
    convert.add_argument(
        "--tone-sandhi",
        action="store_true",
        help="write the tone changes of 一 and 不 (default: dictionary tones)",
    )
    convert.add_argument(
        "--pinyin-overrides",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML or TSV file of word → reading that wins over reader's own readings",
    )
    convert.add_argument(
        "--user-dict",
        type=Path,
        default=None,
        metavar="FILE",
        help="jieba user dictionary (one word per line: word [freq] [tag])",
    )
    convert.add_argument(
        "--show-uncertain",
        action="store_true",
        help="mark readings the context model was unsure of (HTML)",
    )
    convert.add_argument(
        "--engine",
        choices=("auto", "transformers", "ctranslate2"),
        default="auto",
        help="translation backend (default: auto, ctranslate2 int8 on CPU where it runs the "
        "model, else transformers; fp16 on CUDA)",
    )
    convert.add_argument(
        "--source-lang",
        default=None,
        metavar="CODE",
        help="the model's code for Chinese, e.g. zho_Hans (default: from the tokenizer's family)",
    )
    convert.add_argument(
        "--target-lang",
        default=None,
        metavar="CODE",
        help="the model's code for English, e.g. eng_Latn (default: from the tokenizer's family)",
    )
    convert.add_argument(
        "--glossary",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML or TSV file of term → English: kept in every translation, misses flagged",
    )
    convert.add_argument(
        "--context",
        type=_count,
        default=0,
        metavar="N",
        help="chat models: give the model the previous N sentences of the article (default: 0)",
    )
    convert.add_argument(
        "--int8", action="store_true", help="dynamic int8 quantisation of the model on CPU"
    )
    convert.add_argument(
        "--threads",
        default=None,
        metavar="N|WxT",
        help="threads, or workers x intra-op threads (default: fastest measured layout)",
    )
    convert.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where caches go (default: $XDG_CACHE_HOME/reader or ~/.cache/reader)",
    )
    convert.add_argument(
        "--no-cache",
        action="store_true",
        help="don't read or write the caches of translations and annotations",
    )
    convert.add_argument(
        "--copies",
        type=_copies,
        default=("teacher",),
        metavar="LIST",
        help="teacher (everything) and/or student (no pinyin, no English, vocabulary list), "
        "e.g. --copies teacher,student",
    )
    convert.add_argument(
        "--level",
        type=_level,
        default=None,
        metavar="N",
        help="pinyin and glosses only on words above HSK level N (1-6; 7 for 7-9)",
    )
    convert.add_argument(
        "--force", action="store_true", help="redo outputs even when they are up to date"
    )
    convert.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first source that fails (default: report it, do the rest)",
    )
    convert.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="processes for annotation and rendering (default: one per CPU)",
    )
    convert.add_argument(
        "--combine",
        type=Path,
        default=None,
        metavar="FILE.pdf|FILE.epub",
        help="also bind every article into one file: FILE.pdf binds the PDFs behind a contents "
        "page (needs pdf in --format); FILE.epub makes one e-book, a chapter per article",
    )
    convert.add_argument(
        "--title",
        default=None,
        metavar="TEXT",
        help="title of the combined book and the index page (default: the input folder's name)",
    )
    talk = convert.add_mutually_exclusive_group()
    talk.add_argument(
        "-q", "--quiet", action="store_true", help="no progress messages and no summary"
    )
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="a line per file (done, up to date, wrote …); the default off a terminal",
    )

    _add_serve(commands)

    models = commands.add_parser("models", help="manage local translation models")
    model_commands = models.add_subparsers(
        dest="models_command", metavar="ACTION", parser_class=_Parser
    )
    download = model_commands.add_parser(
        "download", help="download a model into the local model store (needs internet)"
    )
    download.add_argument(
        "name", nargs="?", default=DEFAULT_MODEL, help=f"(default: {DEFAULT_MODEL})"
    )
    download.add_argument("--models-dir", type=Path, default=None, metavar="DIR")
    converting = model_commands.add_parser(
        "convert", help="convert a stored model for the ctranslate2 engine (int8) ahead of time"
    )
    converting.add_argument(
        "name", nargs="?", default=DEFAULT_MODEL, help=f"(default: {DEFAULT_MODEL})"
    )
    converting.add_argument("--models-dir", type=Path, default=None, metavar="DIR")
    listing = model_commands.add_parser("list", help="list models in the local model store")
    listing.add_argument("--models-dir", type=Path, default=None, metavar="DIR")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    translator: Translator | None = None,
    stdin: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line; returns the exit code (the translator is injectable for tests)."""
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    previous = _interrupt_on_sigterm()
    # the library logs what a user should know (a damaged cache set aside): one line each
    handler = logging.StreamHandler(err)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("reader: warning: %(message)s"))
    library = logging.getLogger("reader")
    library.addHandler(handler)
    try:
        args = parser.parse_args(argv)
        if args.command == "convert":
            return _convert(args, translator, stdin, err)
        if args.command == "models":
            return _models(args, err)
        if args.command == "serve":
            return _serve(args, translator, err)
        parser.print_help(err)
        return 2
    except ReaderError as exc:
        print(f"reader: error: {exc}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "reader: interrupted; finished files are complete, nothing half-written "
            "(run again to resume)",
            file=err,
        )
        return 130
    finally:
        library.removeHandler(handler)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt_on_sigterm() -> Any:
    """Make `kill` behave like Ctrl-C, so temporary files are cleaned up on the way out."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding application)
        return None


def _convert(
    args: argparse.Namespace, translator: Translator | None, stdin: IO[bytes] | None, err: IO[str]
) -> int:
    """`reader convert`."""
    options = Options(
        formats=args.formats,
        output_dir=args.output,
        translate=not args.no_translate,
        model=args.model,
        models_dir=args.models_dir,
        strict=args.strict,
        pinyin=args.pinyin,
        batch_size=args.batch_size,
        beams=args.beams,
        device=args.device,
        template_dir=args.template_dir,
        paper=args.paper,
        layout=args.layout,
        tone_colors=args.tone_colors,
        show_pinyin=not args.no_pinyin,
        show_translation=not args.no_translation,
        tone_sandhi=args.tone_sandhi,
        pinyin_overrides=args.pinyin_overrides,
        user_dict=args.user_dict,
        show_uncertain=args.show_uncertain,
        engine=args.engine,
        source_lang=args.source_lang,
        target_lang=args.target_lang,
        glossary=args.glossary,
        context=args.context,
        int8=args.int8,
        threads=args.threads,
        cache_dir=args.cache_dir,
        cache=not args.no_cache,
        copies=args.copies,
        level=args.level,
        force=args.force,
        fail_fast=args.fail_fast,
        jobs=args.jobs,
        combine=args.combine,
        title=args.title or _default_title(args.inputs),
    )
    data = None
    if STDIN in args.inputs:
        if args.inputs.count(STDIN) > 1:
            raise UsageError("'-' (standard input) can be given only once")
        source = stdin or (sys.stdin.buffer if sys.stdin is not None else None)
        if source is None:
            raise UsageError("'-' reads standard input, but it is closed; pipe the article in")
        try:
            data = source.read()
        except OSError as exc:
            raise UsageError(
                f"'-': can't read standard input ({exc.strerror or exc}); pipe the article in"
            ) from None
    if translator is None and options.translate and options.show_translation:
        translator = make_translator(options)
        line = describe_translator(translator)
        if line and not args.quiet:
            print(line, file=err)
    progress = None if args.quiet else _Progress(err)
    # On a terminal the progress bar and the summary say it; in a log (CI, cron), or with -v,
    # one line per file does too.
    per_file = not args.quiet and (args.verbose or not err.isatty())

    def log(line: str) -> None:
        if progress:
            progress.close()  # the line goes above the progress bar, not into it
        print(line, file=err)

    try:
        result = convert(
            args.inputs,
            options,
            translator=translator,
            stdin=data,
            progress=progress,
            log=log if per_file else None,
        )
    finally:
        if progress:
            progress.close()
    for warning in result.warnings:
        print(f"reader: warning: {warning}", file=err)
    if per_file:
        for path in result.outputs:
            print(f"wrote {path}", file=err)
    if result.failures:
        total = len(result.failures) + len({h.source for h in result.handouts})
        print(f"reader: {len(result.failures)} of {total} sources failed:", file=err)
        for failure in result.failures:
            print(f"  {failure.message}", file=err)
    if not args.quiet:
        print(summary(result, options.output_dir), file=err)
    return 1 if result.failures else 0


def summary(result: ConvertResult, output_dir: Path) -> str:
    """The run's last line: `12 converted, 30 up to date, 1 failed, 12 without translation (why)`.

    Counted in sources (files, or standard input); parts that are 0 are left out, except
    `converted`.
    """
    skipped = set(result.skipped)
    converted = {h.source for h in result.handouts} - skipped
    untranslated = {h.source for h in result.handouts if h.untranslated}
    parts = [f"{len(converted)} converted"]
    if skipped:
        parts.append(f"{len(skipped)} up to date (--force redoes them)")
    if result.failures:
        parts.append(f"{len(result.failures)} failed")
    if untranslated:
        reason = result.untranslated or "no translation model"
        parts.append(f"{len(untranslated)} without translation ({reason})")
    return f"{', '.join(parts)}; sheets in {output_dir.as_posix().rstrip('/')}/"


class _Throughput:
    """Units per second over the last `WINDOW` seconds of completed work, for an ETA.

    Time before the first unit completes (loading the model, the first group's annotation)
    is start-up, not throughput, so measuring starts there. A new round of the same stage
    (the next group's sentences) keeps the last rate until it has measured its own.
    """

    WINDOW = 30.0

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self.base: tuple[float, int] | None = None
        self.last_rate: float | None = None

    def add(self, now: float, done: int) -> None:
        """Record that `done` units are complete at time `now`."""
        latest = self.samples[-1][1] if self.samples else self.base[1] if self.base else 0
        if self.base is not None and done < latest:
            self.last_rate = self.rate() or self.last_rate
            self.base, self.samples = None, []
        if self.base is None:
            self.base = (now, done)
            return
        if not self.samples:
            if done > self.base[1]:
                self.samples = [(now, done)]  # the first completion: measuring starts here
            return
        if now - self.samples[-1][0] < 1e-3:
            self.samples[-1] = (self.samples[-1][0], done)  # a burst of reports at one moment
        else:
            self.samples.append((now, done))
        # keep one sample at least WINDOW old, so the window spans whole bursts of work
        while len(self.samples) > 2 and now - self.samples[1][0] >= self.WINDOW:
            del self.samples[0]

    def rate(self) -> float | None:
        """Units per second, or None before anything was measured."""
        if len(self.samples) >= 2:
            (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
            if t1 > t0 and d1 > d0:
                return (d1 - d0) / (t1 - t0)
        return self.last_rate


class _Progress:
    """A one-line progress display on a terminal; silent when stderr is a file or pipe.

    Translation (sentences) and a batch (files) get a bar, their rate and the time left,
    measured on the work done so far (see `_Throughput`).
    """

    _BAR = 24

    def __init__(self, stream: IO[str]) -> None:
        import time

        self.stream = stream
        self.tty = stream.isatty()
        self.dirty = False
        self.clock = time.monotonic
        self.rates: dict[str, _Throughput] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "write":
            self.close()
            return
        if not self.tty:
            return
        now = self.clock()
        rate = self.rates.setdefault(stage, _Throughput())
        rate.add(now, done)
        units = {"translate": "sentences", "files": "files"}
        line = (
            self._bar(stage, units[stage], done, total, rate.rate())
            if stage in units
            else f"{stage}: {done}/{total}"
        )
        self.stream.write(f"\r{line}\033[K")
        self.stream.flush()
        self.dirty = True

    def _bar(self, stage: str, unit: str, done: int, total: int, rate: float | None) -> str:
        """`translate [#####-----] 40/120 sentences  3.1/s  ETA 0:26`."""
        share = done / total if total > 0 else 1.0
        filled = min(self._BAR, int(share * self._BAR))
        line = f"{stage} [{'#' * filled}{'-' * (self._BAR - filled)}] {done}/{total} {unit}"
        if rate:
            line += f"  {rate:.1f}/s  ETA {_clock_time((total - done) / rate)}"
        return line

    def close(self) -> None:
        """End the progress line."""
        if self.dirty:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.dirty = False


def _default_title(inputs: list[str]) -> str | None:
    """The one input folder's name, as the book's and the index's title; else None."""
    folders = [Path(item) for item in inputs if item != "-" and Path(item).is_dir()]
    if len(folders) != 1:
        return None
    name = folders[0].resolve().name
    return name or None


def _clock_time(seconds: float) -> str:
    """Seconds as `m:ss`, or `h:mm:ss` from an hour on."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _models(args: argparse.Namespace, err: IO[str]) -> int:
    """`reader models download|list`."""
    if args.models_command is None:
        raise UsageError(
            "say what to do with models: 'download', 'convert' or 'list' "
            "(see 'reader models --help')"
        )
    folder = models_dir_for(args.models_dir, os.environ)
    if args.models_command == "download":
        print(f"downloading {args.name} into {folder} …", file=err)
        path = download_model(args.name, folder)
        print(f"saved {args.name} to {path}", file=err)
        return 0
    if args.models_command == "convert":
        path = convert_model(args.name, folder)
        print(f"converted {args.name} to {path}", file=err)
        return 0
    if args.models_command == "list":
        found = sorted(p.parent for p in folder.glob("**/config.json"))
        for path in found:
            name = path.relative_to(folder).as_posix()
            # ctranslate2 conversions (made by 'reader models convert') keep a model.bin
            if (path / "model.bin").is_file():
                print(f"{name}  (ctranslate2 conversion)")
                continue
            profile = model_profile(path)
            languages = "by prompt" if profile.chat else profile.codes
            if languages == "-":
                languages = "as trained"
            print(
                f"{name}  family: {profile.family}; languages: {languages}; "
                "engines: transformers, ctranslate2"
            )
        if not found:
            print(f"no models in {folder}; run 'reader models download'", file=err)
        return 0
    raise UsageError(
        "say what to do with models: 'download', 'convert' or 'list' (see 'reader models --help')"
    )


def _add_serve(commands: Any) -> None:
    """The `reader serve` sub-command."""
    serve = commands.add_parser(
        "serve",
        help="a local web app: make, read and correct sheets in the browser",
        description="Run reader as a web app on this machine: paste or upload articles, read "
        "and download the sheets, correct readings and word splits by clicking them.",
    )
    serve.add_argument(
        "--port", type=int, default=8765, metavar="N", help="port (default: 8765; 0 = any free)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only); any other "
        "address needs --token or gets a generated one",
    )
    serve.add_argument(
        "--token", default=None, metavar="SECRET", help="secret every visitor must give once"
    )
    serve.add_argument("--open", action="store_true", help="open the page in the browser")
    serve.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("output"),
        metavar="DIR",
        help="where sheets are kept and listed from (default: output/)",
    )
    serve.add_argument(
        "--fixes-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of your corrections, readings.tsv and words.txt (default: "
        "$READER_CONFIG_DIR, else $XDG_CONFIG_HOME/reader or ~/.config/reader)",
    )
    serve.add_argument(
        "--no-translate", action="store_true", help="pinyin-only sheets; no model is loaded"
    )
    serve.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME_OR_PATH")
    serve.add_argument("--models-dir", type=Path, default=None, metavar="DIR")
    serve.add_argument(
        "--device", choices=("auto", "cpu", "cuda", "mps"), default="cpu", help="(default: cpu)"
    )
    serve.add_argument("--cache-dir", type=Path, default=None, metavar="DIR")
    serve.add_argument("--template-dir", type=_template_folder, default=None, metavar="DIR")


def _serve(args: argparse.Namespace, translator: Translator | None, err: IO[str]) -> int:
    """`reader serve`."""
    import importlib.util

    from reader.serve import serve
    from reader.serve.app import ServeConfig
    from reader.serve.fixes import default_fixes_dir

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: choose a port from 1 to 65535 (or 0 for any)")
    folder = models_dir_for(args.models_dir, os.environ)
    stored = tuple(
        sorted(
            p.parent.relative_to(folder).as_posix()
            for p in folder.glob("**/config.json")
            if not (p.parent / "model.bin").is_file()
        )
    )
    engines: tuple[str, ...] = ("auto", "transformers")
    if importlib.util.find_spec("ctranslate2") is not None:
        engines += ("ctranslate2",)
    config = ServeConfig(
        output_dir=args.output,
        fixes_dir=args.fixes_dir or default_fixes_dir(os.environ),
        options=Options(
            translate=not args.no_translate,
            model=args.model,
            models_dir=args.models_dir,
            device=args.device,
            cache_dir=args.cache_dir,
            template_dir=args.template_dir,
        ),
        token=args.token,
        models=stored,
        engines=engines,
    )
    return serve(config, args.host, args.port, err, open_browser=args.open, translator=translator)
