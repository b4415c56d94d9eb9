"""The argument parser of `reader`: one function per sub-command, option values checked."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn, get_args

from reader._version import __version__
from reader.errors import UsageError
from reader.model import PinyinStyle
from reader.options import DEFAULT_MODEL, FORMATS, Engine, Layout, Paper

PINYIN_STYLES = get_args(PinyinStyle)
"""What `--pinyin` accepts."""


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

    _add_convert(commands)
    _add_serve(commands)
    _add_models(commands)
    return parser


def _add_convert(commands: Any) -> None:
    """The `reader convert` sub-command."""
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
        choices=get_args(Paper),
        type=str.lower,
        default="a4",
        help="PDF paper size (default: a4)",
    )
    convert.add_argument(
        "--layout",
        choices=get_args(Layout),
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
        choices=get_args(Engine),
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
        "--prefix",
        default=None,
        metavar="TEXT",
        help="text put before every input, the task prefix of a T5 model, e.g. 'translate "
        "Chinese to English: ' (default: the one the model's config names, if any)",
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


def _add_models(commands: Any) -> None:
    """The `reader models download|convert|list` sub-commands."""
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
