"""`reader models download|convert|list`: the local model store from the command line."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from reader.errors import UsageError
from reader.options import models_dir_for
from reader.translate.ct2 import convert_model
from reader.translate.store import download_model, model_profile

_SAY_WHAT = (
    "say what to do with models: 'download', 'convert' or 'list' (see 'reader models --help')"
)


def run_models(args: argparse.Namespace, err: IO[str]) -> int:
    """`reader models download|convert|list`; returns the exit code."""
    action = _ACTIONS.get(args.models_command)
    if action is None:
        raise UsageError(_SAY_WHAT)
    return action(args, models_dir_for(args.models_dir, os.environ), err)


def _download(args: argparse.Namespace, folder: Path, err: IO[str]) -> int:
    """`reader models download NAME`: fetch a model into the store."""
    print(f"downloading {args.name} into {folder} …", file=err)
    path = download_model(args.name, folder)
    print(f"saved {args.name} to {path}", file=err)
    return 0


def _convert(args: argparse.Namespace, folder: Path, err: IO[str]) -> int:
    """`reader models convert NAME`: a stored model converted for the ctranslate2 engine."""
    path = convert_model(args.name, folder)
    print(f"converted {args.name} to {path}", file=err)
    return 0


def _list(args: argparse.Namespace, folder: Path, err: IO[str]) -> int:
    """`reader models list`: each stored model with its family and language codes."""
    found = sorted(p.parent for p in folder.glob("**/config.json"))
    for path in found:
        print(_listing(path, folder))
    if not found:
        print(f"no models in {folder}; run 'reader models download'", file=err)
    return 0


def _listing(path: Path, folder: Path) -> str:
    """One stored model's line in `reader models list`."""
    name = path.relative_to(folder).as_posix()
    # ctranslate2 conversions (made by 'reader models convert') keep a model.bin
    if (path / "model.bin").is_file():
        return f"{name}  (ctranslate2 conversion)"
    profile = model_profile(path)
    languages = "by prompt" if profile.chat else profile.codes
    if languages == "-":
        languages = "as trained"
    return (
        f"{name}  family: {profile.family}; languages: {languages}; "
        "engines: transformers, ctranslate2"
    )


_ACTIONS: dict[str | None, Callable[[argparse.Namespace, Path, IO[str]], int]] = {
    "download": _download,
    "convert": _convert,
    "list": _list,
}
