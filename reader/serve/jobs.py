"""One worker thread runs the web app's jobs in turn: a second Convert waits in the queue."""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reader.errors import ReaderError

logger = logging.getLogger("reader")

Report = Callable[[str, int, int], None]
"""Progress callback: (stage, done, total), as the pipeline calls it."""

Work = Callable[[Report], tuple[list[str], list[str]]]
"""A job's body: given a progress callback, returns (sheet names made, warnings)."""

INTERNAL = (
    "internal error: {cause}; the terminal running 'reader serve' shows the details "
    "(please report it)"
)

_KEEP = 200
"""Finished jobs remembered (for their status page); older ones are forgotten."""


@dataclass
class Job:
    """A job's state as the status page shows it (changed only under the worker's lock)."""

    id: str
    kind: str
    label: str
    state: str = "queued"
    stage: str = ""
    done: int = 0
    total: int = 0
    step: str = ""
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.time)

    def snapshot(self) -> dict[str, Any]:
        """A copy for JSON."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "state": self.state,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "step": self.step,
            "message": self.message,
            "warnings": list(self.warnings),
            "sheets": list(self.sheets),
        }


class Worker:
    """Runs submitted jobs one at a time, in submission order, on a daemon thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Job, Work] | None] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="reader-worker", daemon=True)
        self._thread.start()

    def submit(self, kind: str, label: str, work: Work) -> str:
        """Queue a job; returns its id."""
        job = Job(id=secrets.token_hex(8), kind=kind, label=label)
        with self._lock:
            self._jobs[job.id] = job
            self._order.append(job.id)
            for old in self._order[:-_KEEP]:
                if self._jobs[old].state in ("done", "failed"):
                    del self._jobs[old]
            self._order = [i for i in self._order if i in self._jobs]
        self._queue.put((job, work))
        return job.id

    def status(self, job_id: str) -> dict[str, Any] | None:
        """A job's state, with how many jobs wait before it; None if unknown."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            found = job.snapshot()
            if job.state == "queued":
                ahead = self._order[: self._order.index(job_id)]
                found["ahead"] = sum(
                    1 for i in ahead if self._jobs[i].state in ("queued", "running")
                )
            return found

    def active(self) -> list[dict[str, Any]]:
        """Jobs queued or running, oldest first."""
        with self._lock:
            return [
                self._jobs[i].snapshot()
                for i in self._order
                if self._jobs[i].state in ("queued", "running")
            ]

    def close(self, timeout: float = 5.0) -> None:
        """Stop after the running job (queued ones are dropped)."""
        self._queue.put(None)
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, work = item
            with self._lock:
                job.state = "running"

            def report(stage: str, done: int, total: int, job: Job = job) -> None:
                with self._lock:
                    if stage.startswith("step:"):
                        job.step = stage[len("step:") :]
                    else:
                        job.stage, job.done, job.total = stage, done, total

            try:
                sheets, warnings = work(report)
            except ReaderError as exc:
                self._finish(job, "failed", message=str(exc))
            except Exception as exc:
                # The page gets one line; the traceback goes to the terminal.
                logger.exception("job %s (%s) failed", job.id, job.label)
                cause = type(exc).__name__
                self._finish(job, "failed", message=INTERNAL.format(cause=cause))
            else:
                self._finish(job, "done", sheets=sheets, warnings=warnings)

    def _finish(
        self,
        job: Job,
        state: str,
        message: str = "",
        sheets: list[str] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        with self._lock:
            job.state, job.message = state, message
            job.sheets = sheets or []
            job.warnings = warnings or []
