"""Atomic file writing and output naming: an interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reader.errors import OutputError


def sweep_partials(folder: Path) -> None:
    """Remove temporary files a killed run left behind (a SIGKILL skips all clean-up)."""
    if folder.is_dir():
        for leftover in folder.rglob(".*.part"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file through a temporary sibling and a rename, so readers see all or nothing."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(
            f"{path.parent}: can't write output there ({exc.strerror or exc}); "
            "choose another folder with -o"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path}: can't write output ({exc.strerror or exc}); "
                "check free space and permissions, or choose another folder with -o"
            ) from None
        raise
