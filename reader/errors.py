"""The one exception hierarchy: each message names the file, the cause and the fix."""

from __future__ import annotations


class ReaderError(Exception):
    """Root of every error reader raises on purpose; its message is one line for the user."""

    exit_code = 1


class InputError(ReaderError):
    """A source can't be read: missing, unreadable, undecodable, binary or empty."""


class OutputError(ReaderError):
    """An output can't be written: folder not writable, disk full."""


class ModelError(ReaderError):
    """A translation model can't be found, loaded or run."""


class ModelUnavailableError(ModelError):
    """The model is neither stored locally nor in the Hugging Face cache (and we are offline)."""


class RenderError(ReaderError):
    """A document can't be rendered: missing template, missing font or system library."""


class UsageError(ReaderError):
    """The command line asks for something that does not exist (unknown option or format)."""

    exit_code = 2
