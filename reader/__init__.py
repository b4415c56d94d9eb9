"""reader: Chinese articles in, bilingual study sheets (pinyin + English) out."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from reader._version import __version__
from reader.errors import ReaderError
from reader.options import Options

if TYPE_CHECKING:
    from reader.model import ConvertResult
    from reader.translate.protocol import Translator

# The library logs to "reader" and leaves handlers to the application.
logging.getLogger("reader").addHandler(logging.NullHandler())

__all__ = ["Options", "ReaderError", "__version__", "convert_file", "convert_folder"]


def convert_file(
    path: str | Path, options: Options | None = None, translator: Translator | None = None
) -> ConvertResult:
    """Convert one article file into study sheets in `options.output_dir`."""
    from reader.batch.build import run as convert

    return convert([path], options or Options(), translator=translator)


def convert_folder(
    folder: str | Path, options: Options | None = None, translator: Translator | None = None
) -> ConvertResult:
    """Convert every .txt/.md file under a folder, mirroring its sub-folders in the output."""
    from reader.batch.build import run as convert

    return convert([folder], options or Options(), translator=translator)
