"""Translation: the Translator protocol, the transformers backend, model lookup and batching."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from reader.errors import ModelError, ModelUnavailableError
from reader.options import DEFAULT_MODEL

logger = logging.getLogger(__name__)

MODELS_DIR_ENV = "READER_MODELS_DIR"
"""Environment variable naming the local model store."""

# Files a translation model needs; weights are fetched separately so that one format suffices.
_MODEL_FILES = ["*.json", "*.spm", "*.model", "*.txt"]
_SAFETENSORS = ["*.safetensors"]
_PYTORCH_BIN = ["pytorch_model.bin"]

# Tokens kept free below the model's input limit when splitting, for tokenizer quirks.
_SPLIT_MARGIN = 4
# Anything above this is a tokenizer's "no limit" sentinel, not a real limit.
_SANE_LIMIT = 100_000
_FALLBACK_LIMIT = 512
_NO_REPEAT_NGRAM = 4

# Clause boundaries, strongest first; the punctuation stays with the clause before it.
_BREAKS = (
    re.compile(r"(?<=[。！？!?])"),
    re.compile(r"(?<=[；;：:])"),
    re.compile(r"(?<=[，,、])"),
)


class Translator(Protocol):
    """Anything that turns a batch of Chinese texts into English, one output per input.

    A backend may also offer `count_tokens(text) -> int` and `max_input_tokens: int`;
    `translate_sentences` then splits texts that would not fit.
    """

    name: str

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate each text; returns exactly one string per input, in order."""
        ...


def models_dir_for(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """The local model store: `explicit`, else `$READER_MODELS_DIR`, else `./models`."""
    if explicit is not None:
        return explicit
    from_env = environ.get(MODELS_DIR_ENV, "").strip()
    return Path(from_env).expanduser() if from_env else Path("models")


def _looks_like_path(name: str) -> bool:
    """Whether `name` is meant as a folder rather than a hub id like `org/name`."""
    if name.startswith((".", "/", "~")) or name.endswith(("/", os.sep)) or Path(name).is_absolute():
        return True
    if os.altsep and os.altsep != "/" and os.altsep in name:
        return True
    if os.sep != "/" and os.sep in name:
        return True
    # hub ids have at most one slash
    return name.count("/") > 1


def _checked_folder(folder: Path) -> Path:
    """Return `folder` if it holds a model configuration, else raise ModelError."""
    if not (folder / "config.json").is_file():
        raise ModelError(
            f"model folder '{folder}' has no config.json: "
            "point --model at a complete transformers model folder"
        )
    return folder


def _cached_snapshot(name: str) -> Path | None:
    """The Hugging Face cache folder holding `name`, or None; never touches the network."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    try:
        found = try_to_load_from_cache(name, "config.json")
    except ValueError:  # not a valid repo id (HFValidationError)
        return None
    if isinstance(found, str):
        return Path(found).parent
    return None


def resolve_model(name: str, models_dir: Path) -> Path:
    """Find the local folder of model `name`: a path, the local store, or the HF cache."""
    try:
        as_path = Path(name).expanduser()
    except RuntimeError:  # `~user` with no such user
        as_path = Path(name)
    if as_path.is_dir():
        return _checked_folder(as_path)
    if as_path.exists():
        raise ModelError(f"model path '{name}' is a file, not a folder: pass the model's folder")
    if _looks_like_path(name):
        raise ModelError(f"model folder '{name}' does not exist: check the path given to --model")
    stored = models_dir / name
    if (stored / "config.json").is_file():
        return stored
    cached = _cached_snapshot(name)
    if cached is not None:
        return cached
    raise ModelUnavailableError(
        f"translation model '{name}' is not available offline: "
        f"run 'reader models download {name}' (needs internet) "
        "or pass --model PATH to a local model folder"
    )


def _short(exc: BaseException) -> str:
    """A one-line, bounded description of an exception."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _fetch(name: str, folder: Path) -> None:
    """Download the files of `name` into `folder`, safetensors weights if the repo has them."""
    from huggingface_hub import snapshot_download

    snapshot_download(repo_id=name, local_dir=folder, allow_patterns=_MODEL_FILES + _SAFETENSORS)
    if not any(folder.glob("*.safetensors")):
        snapshot_download(repo_id=name, local_dir=folder, allow_patterns=_PYTORCH_BIN)


def download_model(name: str, models_dir: Path) -> Path:
    """Download hub model `name` into `models_dir/name` and return that folder."""
    try:
        from huggingface_hub.errors import (
            GatedRepoError,
            HFValidationError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )
    except ImportError as exc:
        raise ModelError(
            "downloading models needs huggingface_hub: pip install huggingface_hub"
        ) from exc

    target = models_dir / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Same parent folder, so the final rename is atomic and never crosses filesystems.
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.download-", dir=target.parent))
    except OSError as exc:
        raise ModelError(
            f"can't create the model folder '{target.parent}' ({_short(exc)}): "
            "choose a writable --models-dir"
        ) from exc
    try:
        try:
            _fetch(name, staging)
        except GatedRepoError as exc:
            raise ModelError(
                f"can't download model '{name}': it is gated on the Hugging Face hub; "
                "accept its terms on huggingface.co and log in with 'hf auth login'"
            ) from exc
        except (RepositoryNotFoundError, RevisionNotFoundError, HFValidationError) as exc:
            raise ModelError(
                f"can't download model '{name}': no such model on the Hugging Face hub "
                f"({_short(exc)}): check the model name"
            ) from exc
        except Exception as exc:  # network stacks raise many types; all mean the same here
            raise ModelError(
                f"can't download model '{name}' ({_short(exc)}): "
                "check your internet connection and the model name"
            ) from exc
        if not (staging / "config.json").is_file() or not (
            any(staging.glob("*.safetensors")) or (staging / "pytorch_model.bin").is_file()
        ):
            raise ModelError(
                f"model '{name}' on the Hugging Face hub has no config.json or weights: "
                "check the model name (it must be a transformers translation model)"
            )
        _replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _replace(staging: Path, target: Path) -> None:
    """Move the complete download `staging` to `target`, replacing an older copy."""
    old: Path | None = None
    try:
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
    except OSError as exc:
        if old is not None and not target.exists():
            old.rename(target)
        raise ModelError(
            f"can't move the downloaded model into '{target}' ({_short(exc)}): "
            "check that the models folder is writable"
        ) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' warnings and progress bars inside the block, then restore them."""
    import importlib

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


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A loaded tokenizer and model with the torch module that runs them."""

    path: Path
    """The folder they were loaded from."""
    tokenizer: Any
    """The model's tokenizer (a transformers tokenizer)."""
    model: Any
    """The seq2seq model, in eval mode on the translator's device."""
    torch: Any
    """The torch module, imported on load."""


class _PerRowLength:
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


class TransformersTranslator:
    """A Marian/opus-mt (or any seq2seq) model run locally with transformers."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        models_dir: Path = Path("models"),
        device: str = "cpu",
        beams: int | None = None,
    ) -> None:
        self.name = model
        self.models_dir = models_dir
        self.device = device
        self.beams = beams
        self._loaded: _Loaded | None = None

    def load(self) -> None:
        """Load the tokenizer and model now instead of on first use."""
        self._state()

    @property
    def path(self) -> Path:
        """The folder the model is loaded from (loads it)."""
        return self._state().path

    def _state(self) -> _Loaded:
        """The loaded model, loading it on first call."""
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def _load(self) -> _Loaded:
        """Resolve the model folder and load tokenizer and model from it, offline."""
        path = resolve_model(self.name, self.models_dir)
        try:
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        except ImportError as exc:
            missing = exc.name or "torch/transformers"
            raise ModelError(
                f"translation needs torch, transformers and sentencepiece ({missing} is missing): "
                "pip install torch transformers sentencepiece, or use --no-translate"
            ) from exc
        logger.debug("loading translation model %s from %s", self.name, path)
        try:
            with _quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
                model = AutoModelForSeq2SeqLM.from_pretrained(path, local_files_only=True)
        except ImportError as exc:  # e.g. sentencepiece, needed by the Marian tokenizer
            raise ModelError(
                f"loading model '{self.name}' needs a missing package ({_short(exc)}): "
                "pip install sentencepiece transformers"
            ) from exc
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(
                f"can't load translation model from '{path}' ({_short(exc)}): "
                f"the folder is incomplete or not a translation model; "
                f"run 'reader models download {self.name}' again or pick another --model"
            ) from exc
        try:
            model.to(self.device)
        except (RuntimeError, ValueError, AssertionError) as exc:
            raise ModelError(
                f"can't run the translation model on device '{self.device}' ({_short(exc)}): "
                "use --device cpu"
            ) from exc
        model.eval()
        return _Loaded(path, tokenizer, model, torch)

    @property
    def max_input_tokens(self) -> int:
        """The most tokens (end-of-sentence included) one input may have (loads the model)."""
        state = self._state()
        limits = [
            getattr(state.tokenizer, "model_max_length", None),
            getattr(state.model.config, "max_position_embeddings", None),
        ]
        sane = [n for n in limits if isinstance(n, int) and 0 < n <= _SANE_LIMIT]
        return min(sane) if sane else _FALLBACK_LIMIT

    def count_tokens(self, text: str) -> int:
        """How many tokens the model sees for `text`, end-of-sentence included."""
        encoded = self._state().tokenizer(text, add_special_tokens=True, truncation=False)
        return len(encoded["input_ids"])

    def _output_cap(self) -> int:
        """The model's own bound on output length."""
        state = self._state()
        cap = state.model.generation_config.max_length
        if not isinstance(cap, int) or cap <= 0:
            cap = getattr(state.model.config, "max_position_embeddings", None) or _FALLBACK_LIMIT
        return int(cap)

    def _eos_token_id(self) -> int | None:
        """The model's end-of-sentence token id, if it has one."""
        state = self._state()
        eos = state.model.generation_config.eos_token_id
        if isinstance(eos, list):
            eos = eos[0] if eos else None
        if eos is None:
            eos = state.tokenizer.eos_token_id
        return eos if isinstance(eos, int) else None

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate a batch of texts with one `generate` call; never truncates input."""
        if not texts:
            return []
        state = self._state()
        torch = state.torch
        from transformers import LogitsProcessorList

        try:
            with _quiet_transformers():
                encoded = state.tokenizer(
                    list(texts), return_tensors="pt", padding=True, truncation=False
                ).to(self.device)
                # A looping output stops at twice its own input's length (plus a little):
                # a bound per sentence, not per batch, so batching never changes a result.
                lengths = encoded["attention_mask"].sum(dim=1)
                # a row forced to stop at length L ends with EOS at L + 1: stay within the cap
                limits = (2 * lengths + 10).clamp(max=self._output_cap() - 1)
                options: dict[str, Any] = {
                    # for encoder-decoder models max_length bounds the decoder side only, so it
                    # does the job of max_new_tokens, which would clash (and warn) with the
                    # max_length in the model's generation config
                    "max_length": int(limits.max()) + 1,
                }
                eos = self._eos_token_id()
                if eos is not None:
                    options["logits_processor"] = LogitsProcessorList([_PerRowLength(limits, eos)])
                if not state.model.generation_config.no_repeat_ngram_size:
                    options["no_repeat_ngram_size"] = _NO_REPEAT_NGRAM
                if self.beams is not None:
                    options["num_beams"] = self.beams
                with torch.inference_mode():
                    output = state.model.generate(**encoded, **options)
                decoded = state.tokenizer.batch_decode(output, skip_special_tokens=True)
        except (RuntimeError, ValueError, IndexError) as exc:
            raise ModelError(
                f"translation model '{self.name}' failed ({_short(exc)}): "
                "try --device cpu, a smaller --batch-size, or --no-translate"
            ) from exc
        return [str(text).strip() for text in decoded]


def _split_at(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` after each match of `pattern`, dropping empty parts."""
    return [part for part in pattern.split(text) if part]


def _cut_by_length(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut `text` into the longest prefixes that fit, preferring a space near the end."""
    pieces: list[str] = []
    rest = text
    while rest:
        if fits(rest):
            pieces.append(rest)
            break
        low, high = 1, len(rest) - 1  # a single character is kept even if it doesn't fit
        while low < high:
            middle = (low + high + 1) // 2
            if fits(rest[:middle]):
                low = middle
            else:
                high = middle - 1
        cut = low
        space = rest.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space + 1
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def _split_to_fit(text: str, fits: Callable[[str], bool], level: int = 0) -> list[str]:
    """Split `text` into consecutive pieces that fit, at the strongest punctuation possible."""
    if fits(text):
        return [text]
    if level >= len(_BREAKS):
        return _cut_by_length(text, fits)
    pieces: list[str] = []
    current = ""
    for part in _split_at(text, _BREAKS[level]):
        if current and fits(current + part):
            current += part
            continue
        if current:
            pieces.extend(_split_to_fit(current, fits, level + 1))
        current = part
    if current:
        pieces.extend(_split_to_fit(current, fits, level + 1))
    return pieces


def _fitter(translator: Translator) -> Callable[[str], bool] | None:
    """A test for "this text fits the translator's input limit", if it declares one."""
    count = getattr(translator, "count_tokens", None)
    if not callable(count):
        return None
    limit = getattr(translator, "max_input_tokens", None)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        return None
    budget = limit - _SPLIT_MARGIN if limit > 2 * _SPLIT_MARGIN else limit

    def fits(text: str) -> bool:
        return int(count(text)) <= budget

    return fits


def translate_sentences(
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Translate sentences in batches; returns one English string per input, in order.

    Identical sentences are translated once; sentences longer than the translator's input
    limit are split at clause punctuation and their pieces' English joined with a space.
    `progress(done, total)` is called after each batch, counting distinct texts sent.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    keys = [sentence.strip() for sentence in sentences]
    unique = list(dict.fromkeys(key for key in keys if key))
    fits = _fitter(translator)

    pieces_of: dict[str, list[str]] = {}
    for sentence in unique:
        pieces = _split_to_fit(sentence, fits) if fits is not None else [sentence]
        stripped = [piece.strip() for piece in pieces]
        pieces_of[sentence] = [piece for piece in stripped if piece]
        if len(pieces_of[sentence]) > 1:
            logger.debug("split a %d-character sentence into %d pieces", len(sentence), len(pieces))

    # similar lengths in one batch keep padding (wasted compute) small
    texts = sorted(dict.fromkeys(p for ps in pieces_of.values() for p in ps), key=len)
    english: dict[str, str] = {}
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        result = translator.translate_batch(batch)
        if len(result) != len(batch):
            raise ModelError(
                f"translator '{translator.name}' returned {len(result)} translations "
                f"for {len(batch)} sentences: the backend is broken"
            )
        english.update(zip(batch, result, strict=True))
        if progress is not None:
            progress(start + len(batch), len(texts))

    joined = {
        sentence: " ".join(e for e in (english[p].strip() for p in pieces) if e)
        for sentence, pieces in pieces_of.items()
    }
    return [joined[key] if key else "" for key in keys]
