"""Many sources to many sheets: the up-to-date manifest and the worker pool."""

from reader.batch.build import run

__all__ = ["run"]
