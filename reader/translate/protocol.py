"""The Translator protocol and the optional abilities a backend may add, each checkable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from reader.script import Script


@runtime_checkable
class Translator(Protocol):
    """Anything that turns a batch of Chinese texts into English, one output per input.

    A backend may also have the abilities below; the shared helpers find them with
    `isinstance` and use them: a length limit (texts that would not fit are split), workers
    (it gets that many batches per call), a strict retry, a cache key, per-script views,
    paragraph translation, a record of what it is, a device.
    """

    name: str

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate each text; returns exactly one string per input, in order."""
        ...


@runtime_checkable
class LengthLimited(Protocol):
    """A translator with an input limit: texts longer than `max_input_tokens` are split."""

    @property
    def max_input_tokens(self) -> int:
        """The most tokens (end-of-sentence included) one input may have."""
        ...

    def count_tokens(self, text: str) -> int:
        """How many tokens the model sees for `text`, end-of-sentence included."""
        ...


@runtime_checkable
class Parallel(Protocol):
    """A translator that runs `workers` batches side by side: it gets that many per call."""

    @property
    def workers(self) -> int:
        """Batches run at the same time."""
        ...


@runtime_checkable
class StrictRetry(Protocol):
    """A translator with stricter settings, for retrying degenerate outputs."""

    def translate_strict(self, texts: Sequence[str]) -> list[str]:
        """Translate again with settings that fight loops; one string per input, in order."""
        ...


@runtime_checkable
class Cacheable(Protocol):
    """A translator with an identity in the translation cache, found without loading the model.

    A translator without one (or with an empty one) is never cached.
    """

    @property
    def cache_key(self) -> str:
        """What its translations depend on: model, its files, settings."""
        ...


@runtime_checkable
class ScriptAware(Protocol):
    """A translator with a view per script, for models that tell simplified from traditional."""

    def for_script(self, script: Script) -> Translator:
        """The same loaded model, tagging its input as Chinese in `script` where that matters."""
        ...


@runtime_checkable
class GroupTranslator(Translator, Protocol):
    """A translator of whole paragraphs with their context (chat models)."""

    def translate_groups(
        self, groups: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> list[list[str]]:
        """English for each (paragraph's sentences, context) pair, one line per sentence."""
        ...


@runtime_checkable
class Described(Protocol):
    """A translator that says what made its translations, for the JSON output."""

    @property
    def info(self) -> dict[str, str]:
        """Engine, precision, family and language codes (may read the model's config files)."""
        ...


@runtime_checkable
class OnDevice(Protocol):
    """A translator that runs on a named device."""

    device: str
    """`cpu`, `cuda`, `mps`, `auto` or a torch device string."""
