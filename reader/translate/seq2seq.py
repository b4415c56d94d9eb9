"""What the seq2seq engines share: the base class, loop guards, length limits, library quieting."""

from __future__ import annotations

import copy
import importlib
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from reader.script import Script
from reader.translate.device import ThreadLayout, default_threads
from reader.translate.store import (
    ModelProfile,
    model_cache_key,
    model_profile,
    resolve_model,
    translator_info,
)

# Anything above this is a tokenizer's "no limit" sentinel, not a real limit.
_SANE_LIMIT = 100_000
_FALLBACK_LIMIT = 512

NO_REPEAT_NGRAM = 4
"""The n-gram size no output may repeat, for models that set no loop guard of their own."""
# The retry of a degenerate translation: wider beams, stricter loop guards.
STRICT_BEAMS = 4
"""The fewest beams a strict retry searches with."""
STRICT_NO_REPEAT = 3
"""The n-gram size a strict retry's output may not repeat."""
STRICT_REPETITION_PENALTY = 1.2
"""The repetition penalty of a strict retry."""


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' warnings and progress bars inside the block, then restore them."""
    from huggingface_hub.utils.tqdm import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )

    # Any: transformers' logging helpers are untyped
    hf_logging: Any = importlib.import_module("transformers.utils.logging")
    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hub_bars_off = are_progress_bars_disabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
        # transformers toggles the hub's bars too: put them back as they were
        if hub_bars_off:
            disable_progress_bars()
        else:
            enable_progress_bars()


@contextmanager
def torch_threads(torch: Any, threads: int | None) -> Iterator[None]:
    """Run the block with `threads` intra-op threads, then restore the caller's setting."""
    if threads is None:
        yield
        return
    before = torch.get_num_threads()
    if before != threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        if before != threads:
            torch.set_num_threads(before)


class Slot:
    """The loaded model, shared by a translator and its views (`for_script`)."""

    def __init__(self) -> None:
        self.value: Any = None


def retag(ids: Any, old: int | None, new: int | None) -> Any:
    """Input ids with source language token `old` replaced by `new` (a traditional-text view)."""
    if old is None or new is None or old == new:
        return ids
    return ids.masked_fill(ids == old, new)


class PerRowLength:
    """A logits processor that ends each row at its own length, so batching can't change it."""

    def __init__(self, limits: Any, eos_token_id: int) -> None:
        self.limits = limits
        self.eos_token_id = eos_token_id

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        """Force end-of-sentence for rows whose output has reached their length limit."""
        beams = input_ids.shape[0] // self.limits.shape[0]
        done = self.limits.repeat_interleave(beams) <= input_ids.shape[1]
        if not bool(done.any()):
            return scores
        scores = scores.clone()
        scores[done] = float("-inf")
        scores[done, self.eos_token_id] = 0.0
        return scores


class NoRepeatNGram:
    """Bans any token that would repeat an n-gram of the row's output so far.

    The same rule as transformers' `no_repeat_ngram_size`, in tensor operations: that one
    loops in Python over every row and step and doubled the cost of beam search here.
    """

    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        """Set the score of every banned token to minus infinity."""
        length = input_ids.shape[1]
        if length < self.size:
            return scores
        windows = input_ids.unfold(1, self.size, 1)
        prefix = input_ids[:, length - self.size + 1 :]
        match = (windows[:, :, :-1] == prefix[:, None, :]).all(dim=2)
        if not bool(match.any()):
            return scores
        rows, starts = match.nonzero(as_tuple=True)
        scores = scores.clone()
        scores[rows, windows[rows, starts, -1]] = float("-inf")
        return scores


def input_limit(*candidates: object) -> int:
    """The most tokens one input may have: the smallest sane limit among `candidates`.

    The candidates are the tokenizer's `model_max_length` and the model's
    `max_position_embeddings`, either of which may be missing or a "no limit" sentinel.
    """
    sane = [n for n in candidates if isinstance(n, int) and 0 < n <= _SANE_LIMIT]
    return min(sane) if sane else _FALLBACK_LIMIT


def output_limit(max_length: object, positions: object) -> int:
    """The model's own bound on output length: its `max_length`, else its positions."""
    if isinstance(max_length, int) and max_length > 0:
        return int(max_length)
    return int(positions) if isinstance(positions, int) and positions > 0 else _FALLBACK_LIMIT


class LoadedModel(Protocol):
    """What every loaded seq2seq model holds: the folder it came from and its tokenizer."""

    @property
    def path(self) -> Path:
        """The original model's folder (tokenizer, generation settings)."""
        ...

    @property
    def tokenizer(self) -> Any:
        """The model's transformers tokenizer."""
        ...


LoadedT = TypeVar("LoadedT", bound=LoadedModel)
_Model = TypeVar("_Model", bound="LanguageModel[Any]")


class LanguageModel(ABC, Generic[LoadedT]):
    """What the seq2seq engines share: a model's family and language codes per script, its
    cache key, loading on first use, and the translate calls; an engine loads and decodes."""

    engine: str
    """The engine's name in records and messages."""

    def __init__(
        self,
        model: str,
        models_dir: Path,
        device: str,
        beams: int | None,
        threads: ThreadLayout | None,
        source_lang: str | None,
        target_lang: str | None,
        script: Script,
        prefix: str | None = None,
    ) -> None:
        self.name = model
        self.models_dir = models_dir
        self.device = device
        self.beams = beams
        self.threads = threads or default_threads()
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.prefix = prefix
        self.script: Script = script
        self._slot = Slot()
        self._cache_key: str | None = None
        self._profile: ModelProfile | None = None

    def for_script(self: _Model, script: Script) -> _Model:
        """The same loaded model, tagging its input as Chinese in `script` where that matters."""
        view = copy.copy(self)
        view.script = script
        view._cache_key = None
        view._profile = None
        return view

    @property
    def profile(self) -> ModelProfile:
        """The model's family and language codes (reads its config files, doesn't load it)."""
        if self._profile is None:
            folder = resolve_model(self.name, self.models_dir)
            self._profile = model_profile(
                folder, self.script, self.source_lang, self.target_lang, self.prefix
            )
        return self._profile

    @property
    @abstractmethod
    def precision(self) -> str:
        """The number format the weights run in."""

    @property
    def info(self) -> dict[str, str]:
        """What made its translations: engine, precision, family and language codes."""
        return translator_info(self.engine, self.precision, self.profile)

    @property
    def workers(self) -> int:
        """Batches run at the same time (worker threads, or ctranslate2's `inter_threads`)."""
        return self.threads.workers

    def cache_engine(self) -> str:
        """The engine as the cache key names it (with a version where outputs depend on it)."""
        return self.engine

    @abstractmethod
    def weights_setting(self) -> str:
        """How the weights are stored or quantised, for the cache key."""

    @property
    def cache_key(self) -> str:
        """What its translations depend on: model, its files, settings (doesn't load it)."""
        if self._cache_key is None:
            profile = self.profile
            setting = f"{self.weights_setting()}|{profile.family}|langs={profile.codes}"
            if profile.prefix:
                setting += f"|prefix={profile.prefix}"
            self._cache_key = model_cache_key(
                self.cache_engine(), self.name, self.models_dir, self.beams, self.device, setting
            )
        return self._cache_key

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._slot.value is not None

    def load(self) -> None:
        """Load (converting first where the engine needs it) the model now, not on first use."""
        self._state()

    @property
    def path(self) -> Path:
        """The original model's folder (loads the model)."""
        return self._state().path

    def _state(self) -> LoadedT:
        """The loaded model, loading it on first call."""
        if self._slot.value is None:
            self._slot.value = self._load()
        loaded: LoadedT = self._slot.value
        return loaded

    @abstractmethod
    def _load(self) -> LoadedT:
        """Find the model and load it with the engine."""

    def count_tokens(self, text: str) -> int:
        """How many tokens the model sees for `text`, end-of-sentence included."""
        encoded = self._state().tokenizer(
            self.profile.prefix + text, add_special_tokens=True, truncation=False
        )
        return len(encoded["input_ids"])

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate a batch of texts with the model's settings; never truncates input."""
        return self._translate(self._prefixed(texts), strict=False)

    def translate_strict(self, texts: Sequence[str]) -> list[str]:
        """Translate again with settings that fight loops: 4+ beams, repetition penalties."""
        return self._translate(self._prefixed(texts), strict=True)

    def _prefixed(self, texts: Sequence[str]) -> list[str]:
        """The texts as the model takes them: after its task prefix, if it has one."""
        prefix = self.profile.prefix
        return [prefix + text for text in texts]

    @abstractmethod
    def _translate(self, texts: Sequence[str], strict: bool) -> list[str]:
        """Translate `texts` with the model's settings, or the strict ones."""
