"""Atomic file writing and output naming: an interrupted run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from reader.errors import OutputError

# `.NAME.reader-PID-RANDOM.part`: reader's own temporary files, named after the process
# writing them, so a sweep can tell a dead run's leftovers from a live run's and the user's.
_PARTIAL = re.compile(r"^\..+\.reader-(\d+)-[a-z0-9_]{8}\.part$")
_STALE_AFTER = 24 * 3600.0
"""Seconds after which a temporary file is stale whoever made it (a process on another host)."""


def sweep_partials(folders: Iterable[Path]) -> None:
    """Remove temporary files a killed run left in these folders (a SIGKILL skips clean-up).

    Only reader's own temporaries go, and only once the process that wrote one is gone (or a
    day has passed): another run's files in progress and the user's files stay. Sub-folders
    are not searched.
    """
    now = time.time()
    for folder in dict.fromkeys(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            found = _PARTIAL.match(entry.name)
            if not found:
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                old = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_AFTER
                if old or not _alive(int(found.group(1))):
                    os.unlink(entry.path)
            except OSError:
                continue


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or no way to tell
        return True
    return True


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file through a temporary sibling and a rename, so readers see all or nothing."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.reader-{os.getpid()}-", suffix=".part", dir=path.parent
        )
    except PermissionError:
        # The fix is on the nearest folder that exists (the one a new sub-folder goes in).
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        raise OutputError(
            f"{path.parent}: can't write output there (permission denied); make "
            f"'{folder}' writable (chmod u+w '{folder}') or choose another folder with -o"
        ) from None
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
