"""The worker pool: processes for annotation and rendering, one source's failure its own."""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from reader.errors import ReaderError
from reader.options import Options


def worker_count(options: Options, sources: int) -> int:
    """Processes to use: none for a single source, else --jobs (default: one per CPU)."""
    wanted = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    return max(1, min(wanted, sources)) if sources > 1 else 1


@contextmanager
def worker_pool(workers: int) -> Iterator[concurrent.futures.Executor | None]:
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


def map_isolated(
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
