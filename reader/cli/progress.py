"""What a run shows while it works and when it ends: the progress line, its ETA, the summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO

from reader.model import ConvertResult


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


class ProgressDisplay:
    """A one-line progress display on a terminal; silent when stderr is a file or pipe.

    Translation (sentences) and a batch (files) get a bar, their rate and the time left,
    measured on the work done so far (see `_Throughput`).
    """

    _BAR = 24

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.dirty = False
        self.clock = time.monotonic
        self.rates: dict[str, _Throughput] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show that `stage` has done `done` of `total` units (`write` ends the line)."""
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


def _clock_time(seconds: float) -> str:
    """Seconds as `m:ss`, or `h:mm:ss` from an hour on."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


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
