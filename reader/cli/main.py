"""Command line: `reader convert …`, `reader models …`; errors become one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from reader.batch.build import run as convert
from reader.cli.models import run_models
from reader.cli.parser import build_parser
from reader.cli.progress import ProgressDisplay, summary
from reader.errors import ReaderError, UsageError
from reader.model import ConvertResult
from reader.options import Options, models_dir_for
from reader.source.discover import STDIN
from reader.translate.protocol import Translator
from reader.translate.registry import describe_translator, make_translator


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
            return run_models(args, err)
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
    options = _options(args)
    data = _standard_input(args.inputs, stdin)
    if translator is None and options.translate and options.show_translation:
        translator = _announced_translator(options, args.quiet, err)
    progress = None if args.quiet else ProgressDisplay(err)
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
    _report(result, options, args.quiet, per_file, err)
    return 1 if result.failures else 0


def _options(args: argparse.Namespace) -> Options:
    """The options `reader convert` was given."""
    return Options(
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
        prefix=args.prefix,
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


def _standard_input(inputs: list[str], stdin: IO[bytes] | None) -> bytes | None:
    """The article piped in when `-` is among the inputs, else None."""
    data = None
    if STDIN in inputs:
        if inputs.count(STDIN) > 1:
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
    return data


def _announced_translator(options: Options, quiet: bool, err: IO[str]) -> Translator:
    """The options' translator, its one-line description shown unless quiet."""
    translator = make_translator(options)
    line = describe_translator(translator)
    if line and not quiet:
        print(line, file=err)
    return translator


def _report(
    result: ConvertResult, options: Options, quiet: bool, per_file: bool, err: IO[str]
) -> None:
    """After the run: its warnings, the files written (per file), the failures, the summary."""
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
    if not quiet:
        print(summary(result, options.output_dir), file=err)


def _default_title(inputs: list[str]) -> str | None:
    """The one input folder's name, as the book's and the index's title; else None."""
    folders = [Path(item) for item in inputs if item != "-" and Path(item).is_dir()]
    if len(folders) != 1:
        return None
    name = folders[0].resolve().name
    return name or None


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
