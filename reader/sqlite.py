"""Shared SQLite plumbing for reader's caches: connections, WAL, damaged files set aside."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

# SQLite's default limit on parameters per statement is 999 before 3.32.
_CHUNK = 500
# Seconds a writer waits for another process's transaction before giving up.
_BUSY_TIMEOUT = 30.0

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items (SQLite limits parameters per statement)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(connection: sqlite3.Connection, statement: str, rows: Sequence[Any]) -> None:
    """Run an INSERT for every row, in short transactions; sqlite3.Error goes to the caller."""
    for chunk in chunks(rows):
        # BEGIN IMMEDIATE takes the write lock up front, so a busy database makes this wait
        # (busy timeout) instead of failing half-way through
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(statement, chunk)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


Cache = TypeVar("Cache", bound="SharedCache")


class SharedCache:
    """A cache file several processes share; an SQLite error switches it off, never fatal.

    The file is in WAL mode, writers wait for each other (busy timeout) and every write is one
    short INSERT OR REPLACE transaction. After an error (disk full, locked too long, the file
    gone) the cache finds nothing and stores nothing for the rest of the run.
    """

    _name = "cache"
    """What the log calls it."""
    _instead = "going on without it"
    """What the run does once it is switched off."""
    _level = logging.WARNING

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = connect(path, schema)
        self._inode = _inode(path)

    @classmethod
    def open(cls: type[Cache], path: Path) -> Cache | None:
        """The cache at `path`, or None (logged) when it can't be opened.

        A damaged file (not a database, malformed, undecodable) is moved aside with one
        warning and a fresh cache is started in its place.
        """
        log = logging.getLogger(cls.__module__)
        for attempt in range(2):
            inode = _inode(path)
            try:
                return cls(path)  # type: ignore[call-arg]
            except Exception as exc:  # any failure of the cache layer is never fatal
                if attempt == 0 and damaged(exc) and set_aside(path, inode, cls._name, exc):
                    continue
                log.log(
                    cls._level,
                    "can't open the %s %s (%s); %s",
                    cls._name,
                    path,
                    exc,
                    cls._instead,
                )
                return None
        return None

    @property
    def active(self) -> bool:
        """Whether the cache is still in use (it switches itself off after an error)."""
        return self._connection is not None

    def _failed(self, doing: str, exc: Exception) -> None:
        """Switch the cache off after an error; the run goes on without it.

        A damaged file is moved aside (one warning), so the next run starts a fresh one.
        """
        self.close()
        if damaged(exc) and set_aside(self.path, self._inode, self._name, exc):
            return
        log = logging.getLogger(type(self).__module__)
        message = "%s %s: %s failed (%s); %s"
        log.log(self._level, message, self._name, self.path, doing, exc, self._instead)

    def _select(self, statement: str, keys: Iterable[str], *before: Any) -> list[Any]:
        """Rows of `statement` for all keys, asked in chunks; none once the cache has failed.

        `{marks}` in the statement stands for a chunk's placeholders; `before` holds the
        parameters ahead of them.
        """
        connection = self._connection
        if connection is None:
            return []
        wanted = list(dict.fromkeys(keys))
        found: list[Any] = []
        try:
            for chunk in chunks(wanted):
                marks = ",".join("?" * len(chunk))
                found.extend(connection.execute(statement.format(marks=marks), (*before, *chunk)))
        except Exception as exc:  # any failure of the cache layer is never fatal
            self._failed("reading", exc)
            return []
        return found

    def _insert(self, statement: str, rows: Sequence[Any]) -> None:
        """Store rows in one short transaction; nothing once the cache fails."""
        connection = self._connection
        if connection is None or not rows:
            return
        try:
            insert_rows(connection, statement, rows)
        except Exception as exc:  # any failure of the cache layer is never fatal
            self._failed("writing", exc)

    def close(self) -> None:
        """Close the file; later reads find nothing and writes are dropped."""
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def __enter__(self: Cache) -> Cache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating if needed) a cache file shared by processes, and its table (`schema`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # autocommit mode: transactions are opened explicitly and kept short
    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT * 1000)}")
        _use_wal(connection)
        # WAL with NORMAL sync can lose the last transactions on power loss, never corrupt
        connection.execute("PRAGMA synchronous = NORMAL")
        # a write lock up front: a plain CREATE reads first, and in WAL mode a reader
        # whose snapshot went stale (another process created the table) fails at once
        # instead of waiting
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(schema)
        connection.execute("COMMIT")
    except BaseException:
        connection.close()
        raise
    return connection


def damaged(exc: BaseException) -> bool:
    """Whether an error says the file itself is damaged, not busy, full or gone.

    SQLite reports a file that is not a database, or a malformed one, as DatabaseError;
    a locked or full one as OperationalError. Anything else from reading it (an undecodable
    text, a wrong type) is damage too.
    """
    if isinstance(exc, sqlite3.OperationalError):
        return False
    return isinstance(exc, (sqlite3.DatabaseError, ValueError, TypeError))


def _inode(path: Path) -> tuple[int, int] | None:
    """The file's identity (device, inode), or None when there is none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def set_aside(path: Path, inode: tuple[int, int] | None, what: str, exc: BaseException) -> bool:
    """Rename a damaged cache file (with its WAL and shared-memory files) out of the way.

    Only when it is still the file that failed (another process may have set it aside and
    started a new one already). Logs one warning; False when nothing was moved.
    """
    if inode is None or _inode(path) != inode:
        return False
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}-{os.getpid()}")
    try:
        os.replace(path, aside)
    except OSError:
        return False
    for extra in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.replace(f"{path}{extra}", f"{aside}{extra}")
    logger.warning(
        "the %s %s is damaged (%s); moved it to %s and started a new one", what, path, exc, aside
    )
    return True


def _use_wal(connection: sqlite3.Connection) -> None:
    """Put the database in WAL mode (it stays so), waiting out other processes doing the same."""
    deadline = time.monotonic() + _BUSY_TIMEOUT
    pause = 0.005
    while True:
        try:
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                # this pragma fails at once, without the busy timeout, while another
                # connection opens the same new file: hence the loop
                connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
