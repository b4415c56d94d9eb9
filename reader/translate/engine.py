"""Translation: Translator protocol, transformers backend, model lookup, batching, checks."""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from reader.errors import InputError, ModelError, ModelUnavailableError, UsageError
from reader.options import DEFAULT_MODEL
from reader.translate.cache import CachedTranslation
from reader.translate.checks import diagnose

if TYPE_CHECKING:
    from reader.translate.cache import TranslationCache

logger = logging.getLogger(__name__)

MODELS_DIR_ENV = "READER_MODELS_DIR"
"""Environment variable naming the local model store."""

# Files a translation model needs; weights are fetched separately so that one format suffices.
# chat_template.jinja and *.tiktoken: chat models' templates and tokenizers (transformers 5).
_MODEL_FILES = ["*.json", "*.spm", "*.model", "*.txt", "*.jinja", "*.tiktoken"]
_SAFETENSORS = ["*.safetensors"]
# one file, or shards `pytorch_model-00001-of-00002.bin` (their index is a .json)
_PYTORCH_BIN = ["pytorch_model.bin", "pytorch_model-*.bin"]

# Tokens kept free below the model's input limit when splitting, for tokenizer quirks.
_SPLIT_MARGIN = 4
# Anything above this is a tokenizer's "no limit" sentinel, not a real limit.
_SANE_LIMIT = 100_000
_FALLBACK_LIMIT = 512
_NO_REPEAT_NGRAM = 4
# The retry of a degenerate translation: wider beams, stricter loop guards.
_STRICT_BEAMS = 4
_STRICT_NO_REPEAT = 3
_STRICT_REPETITION_PENALTY = 1.2
# Files up to this size are hashed whole for a model's fingerprint; larger ones are stat()ed.
_HASHED_FILE_LIMIT = 4 * 1024 * 1024
# Parallel workers by default at most (each holds its own activations).
_MAX_WORKERS = 4
# A batch of long sentences holds fewer: its count x longest length stays within what
# batch-size sentences of this many characters make.
_BATCH_CHARS_PER_TEXT = 64
# Model calls per chunk of sentences that is checked, retried and cached in one go.
_CALLS_PER_CHUNK = 4

DECODING_VERSION = 1
"""Bumped when reader's decoding rules change, so cached translations made under old ones miss."""

# Clause boundaries, strongest first; the punctuation stays with the clause before it.
_BREAKS = (
    re.compile(r"(?<=[。！？!?])"),
    re.compile(r"(?<=[；;：:])"),
    re.compile(r"(?<=[，,、])"),
)


class Translator(Protocol):
    """Anything that turns a batch of Chinese texts into English, one output per input.

    A backend may also offer, and the shared helpers then use:
    `count_tokens(text) -> int` and `max_input_tokens: int` (texts that would not fit are
    split); `workers: int` (it gets that many batches per call, to run side by side);
    `translate_strict(texts) -> list[str]` (stricter settings, for retrying degenerate
    outputs); `cache_key: str` (its identity in the translation cache, found without loading
    the model; a translator without one is never cached).
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
            any(staging.glob("*.safetensors")) or any(staging.glob("pytorch_model*.bin"))
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
class ThreadLayout:
    """How a backend spreads work over CPU cores: parallel workers, each with its own threads."""

    workers: int
    """Batches translated at the same time."""
    intra: int
    """Threads each worker's matrix operations use."""


def parse_threads(spec: str | None) -> ThreadLayout | None:
    """Parse `--threads`: a count `N` (N workers of one thread) or `WxT`; None stays None."""
    if spec is None or not spec.strip():
        return None
    text = spec.strip().lower().replace("×", "x")
    parts = text.split("x")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (1, 2) or any(n < 1 for n in numbers):
        raise UsageError(
            f"threads '{spec}' is neither a count like 2 nor workers x threads like 2x1: "
            "fix the --threads value"
        )
    # one intra-op thread per worker measured fastest: a plain count means that many workers
    return ThreadLayout(numbers[0], numbers[1] if len(numbers) == 2 else 1)


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_threads() -> ThreadLayout:
    """The CPU layout that measured fastest (bench/translate.py): a worker per core, 1 thread each.

    On 2-core VMs two intra-op threads per worker made both backends 2-3 times slower, and
    two workers beat one. More than `_MAX_WORKERS` workers mostly add memory.
    """
    return ThreadLayout(min(available_cores(), _MAX_WORKERS), 1)


def resolve_device(device: str) -> str:
    """The torch device to run on: `auto` becomes cuda if present, else mps, else cpu."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def model_cache_key(
    engine: str, name: str, models_dir: Path, beams: int | None, device: str, setting: str
) -> str:
    """A model's identity in the translation cache: engine, model, its files and the settings."""
    return "|".join(
        [
            f"reader-mt/{DECODING_VERSION}",
            engine,
            name,
            model_fingerprint(resolve_model(name, models_dir)),
            f"beams={beams or 'model'}",
            setting,
            f"device={device}",
        ]
    )


def translator_info(engine: str, precision: str, profile: ModelProfile) -> dict[str, str]:
    """A translator's record for the JSON output: engine, precision, family, language codes."""
    info = {"engine": engine, "precision": precision, "family": profile.family}
    if profile.source_lang:
        info["source_lang"] = profile.source_lang
    if profile.target_lang:
        info["target_lang"] = profile.target_lang
    return info


def model_fingerprint(folder: Path) -> str:
    """A short hash that changes when the model in `folder` changes (files, sizes, configs).

    Small files (configs, vocabularies) are hashed whole; large ones (weights) by size and
    modification time, so a re-downloaded or retrained model gets a new fingerprint.
    """
    digest = hashlib.sha256()
    try:
        files = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file())
        for file in files:
            stat = file.stat()
            digest.update(file.name.encode("utf-8") + b"\0")
            if stat.st_size <= _HASHED_FILE_LIMIT:
                digest.update(hashlib.sha256(file.read_bytes()).digest())
            else:
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    except OSError as exc:
        raise ModelError(
            f"can't read the model folder '{folder}' ({_short(exc)}): check its permissions"
        ) from exc
    return digest.hexdigest()[:16]


def generation_defaults(folder: Path) -> dict[str, Any]:
    """The model's own generation settings (generation_config.json, else config.json)."""
    merged: dict[str, Any] = {}
    for name in ("config.json", "generation_config.json"):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            merged.update(data)
    return merged


Script = Literal["Hans", "Hant"]
"""Simplified or traditional characters (ISO 15924), as reader.script decides per article."""

# family: (code for simplified Chinese, for traditional, for English), as each tokenizer spells them
_LANGUAGES: dict[str, tuple[str, str, str]] = {
    "nllb": ("zho_Hans", "zho_Hant", "eng_Latn"),
    "m2m100": ("zh", "zh", "en"),
    "mbart50": ("zh_CN", "zh_CN", "en_XX"),
}
_TOKENIZER_FAMILIES = {
    "NllbTokenizer": "nllb",
    "NllbTokenizerFast": "nllb",
    "M2M100Tokenizer": "m2m100",
    "MBart50Tokenizer": "mbart50",
    "MBart50TokenizerFast": "mbart50",
    "MarianTokenizer": "marian",
    "T5Tokenizer": "t5",
    "T5TokenizerFast": "t5",
}
_MODEL_TYPE_FAMILIES = {"marian": "marian", "t5": "t5", "mt5": "t5", "umt5": "t5"}


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """What a model is, read from its configuration files without loading it."""

    family: str
    """`marian`, `nllb`, `m2m100`, `mbart50`, `t5`, `chat` (decoder-only) or `seq2seq`."""
    source_lang: str | None = None
    """The source language code the tokenizer tags input with, if the model has such codes."""
    target_lang: str | None = None
    """The target language code forced as the first output token, if any."""

    @property
    def chat(self) -> bool:
        """Whether the model is a decoder-only (chat) model, prompted rather than fed text."""
        return self.family == "chat"

    @property
    def codes(self) -> str:
        """The language codes for the cache key and messages: `zho_Hans>eng_Latn` or `-`."""
        if self.source_lang is None and self.target_lang is None:
            return "-"
        return f"{self.source_lang or '-'}>{self.target_lang or '-'}"


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object from `path`, or an empty one if missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def model_profile(
    folder: Path,
    script: Script = "Hans",
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> ModelProfile:
    """The family and language codes of the model in `folder`, from its config files.

    Encoder-decoder or decoder-only comes from `config.is_encoder_decoder` (or the
    architecture's name where an old config leaves it out); the family from the tokenizer's
    class. `source_lang`/`target_lang` (`--source-lang`/`--target-lang`) win over reader's
    own codes; traditional text gets the family's traditional code where it has one.
    """
    config = _read_json(folder / "config.json")
    tokenizer = _read_json(folder / "tokenizer_config.json")
    encoder_decoder = config.get("is_encoder_decoder")
    if not isinstance(encoder_decoder, bool):
        architectures = config.get("architectures") or []
        encoder_decoder = not any(str(a).endswith("ForCausalLM") for a in architectures)
    if not encoder_decoder:
        return ModelProfile("chat", source_lang, target_lang)
    tokenizer_class = str(tokenizer.get("tokenizer_class") or config.get("tokenizer_class") or "")
    family = (
        _TOKENIZER_FAMILIES.get(tokenizer_class)
        or _MODEL_TYPE_FAMILIES.get(str(config.get("model_type", "")))
        or "seq2seq"
    )
    if family in _LANGUAGES:
        simplified, traditional, english = _LANGUAGES[family]
        source = source_lang or (traditional if script == "Hant" else simplified)
        return ModelProfile(family, source, target_lang or english)
    return ModelProfile(family, source_lang, target_lang)


def language_token(family: str, code: str) -> str:
    """The vocabulary token of language `code`: M2M100 writes `zh` as `__zh__`."""
    if family == "m2m100" and not code.startswith("__"):
        return f"__{code}__"
    return code


def language_ids(tokenizer: Any, target_id: int | None) -> frozenset[int]:
    """Language tokens to drop from output: some tokenizers (M2M100) don't count them special."""
    if target_id is None:
        return frozenset()
    codes = getattr(tokenizer, "lang_token_to_id", None)
    return frozenset([target_id, *(codes.values() if isinstance(codes, dict) else ())])


def check_languages(
    profile: ModelProfile, tokenizer: Any, name: str
) -> tuple[int | None, int | None]:
    """The token ids of the profile's source and target codes; refuses codes the model lacks.

    A tokenizer with language codes of its own (`src_lang`) that reader has no mapping for
    is refused too: it would silently translate into whatever language it defaults to.
    """
    if profile.chat:
        return None, None
    if profile.source_lang is None and profile.target_lang is None:
        if getattr(tokenizer, "src_lang", None) is not None:
            raise ModelError(
                f"model '{name}' ({type(tokenizer).__name__}) uses language codes reader has no "
                "mapping for: give its codes for Chinese and English with --source-lang and "
                "--target-lang"
            )
        return None, None
    unknown = tokenizer.unk_token_id
    ids: list[int | None] = []
    for code, option in (
        (profile.source_lang, "--source-lang"),
        (profile.target_lang, "--target-lang"),
    ):
        if code is None:
            ids.append(None)
            continue
        token = language_token(profile.family, code)
        found = tokenizer.convert_tokens_to_ids(token)
        if not isinstance(found, int) or found == unknown:
            raise ModelError(
                f"model '{name}' has no language token '{token}': set {option} to a language "
                "code of its tokenizer"
            )
        ids.append(found)
    if profile.source_lang is not None and hasattr(tokenizer, "src_lang"):
        # the tokenizer tags every input with its source language from now on
        tokenizer.src_lang = profile.source_lang
    return ids[0], ids[1]


@contextmanager
def _torch_threads(torch: Any, threads: int | None) -> Iterator[None]:
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
    device: str
    """The device the model runs on (`auto` resolved)."""
    source_id: int | None = None
    """The source language token the tokenizer tags input with, if the model has one."""
    target_id: int | None = None
    """The target language token forced as the first output token, if the model has one."""


class Slot:
    """The loaded model, shared by a translator and its views (`for_script`)."""

    def __init__(self) -> None:
        self.value: Any = None


def retag(ids: Any, old: int | None, new: int | None) -> Any:
    """Input ids with source language token `old` replaced by `new` (a traditional-text view)."""
    if old is None or new is None or old == new:
        return ids
    return ids.masked_fill(ids == old, new)


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


class _NoRepeatNGram:
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


_Model = TypeVar("_Model", bound="LanguageModel")


class LanguageModel:
    """What the seq2seq engines share: a model's family and language codes, per script."""

    name: str
    models_dir: Path
    script: Script
    source_lang: str | None
    target_lang: str | None
    _cache_key: str | None
    _profile: ModelProfile | None

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
            self._profile = model_profile(folder, self.script, self.source_lang, self.target_lang)
        return self._profile


class TransformersTranslator(LanguageModel):
    """A Marian/opus-mt (or any seq2seq) model run locally with transformers."""

    engine = "transformers"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        models_dir: Path = Path("models"),
        device: str = "cpu",
        beams: int | None = None,
        int8: bool = False,
        threads: ThreadLayout | None = None,
        source_lang: str | None = None,
        target_lang: str | None = None,
        script: Script = "Hans",
    ) -> None:
        self.name = model
        self.models_dir = models_dir
        self.device = device
        self.beams = beams
        self.int8 = int8
        self.threads = threads or default_threads()
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.script: Script = script
        self._slot = Slot()
        self._cache_key: str | None = None
        self._profile: ModelProfile | None = None

    @property
    def precision(self) -> str:
        """The number format the weights run in: fp32, int8 (CPU) or fp16 (CUDA)."""
        device = self.device if self._slot.value is None else self._slot.value.device
        if str(device).startswith("cuda"):
            return "fp16"
        return "int8" if self.int8 and device == "cpu" else "fp32"

    @property
    def info(self) -> dict[str, str]:
        """What made its translations: engine, precision, family and language codes."""
        return translator_info(self.engine, self.precision, self.profile)

    @property
    def workers(self) -> int:
        """Batches run at the same time (each in its own thread)."""
        return self.threads.workers

    def load(self) -> None:
        """Load the tokenizer and model now instead of on first use."""
        self._state()

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._slot.value is not None

    @property
    def path(self) -> Path:
        """The folder the model is loaded from (loads it)."""
        return self._state().path

    @property
    def cache_key(self) -> str:
        """What its translations depend on: model, its files, settings (doesn't load it)."""
        if self._cache_key is None:
            profile = self.profile
            setting = f"int8={int(self.int8)}|{profile.family}|langs={profile.codes}"
            self._cache_key = model_cache_key(
                self.engine, self.name, self.models_dir, self.beams, self.device, setting
            )
        return self._cache_key

    def _state(self) -> _Loaded:
        """The loaded model, loading it on first call."""
        if self._slot.value is None:
            self._slot.value = self._load()
        loaded: _Loaded = self._slot.value
        return loaded

    def _source_id(self, state: _Loaded) -> int | None:
        """This view's source language token (traditional Chinese may differ from the load's)."""
        if state.source_id is None or self.profile.source_lang is None:
            return state.source_id
        token = language_token(self.profile.family, self.profile.source_lang)
        found = state.tokenizer.convert_tokens_to_ids(token)
        return found if isinstance(found, int) else state.source_id

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
        device = resolve_device(self.device)
        logger.debug("loading translation model %s from %s on %s", self.name, path, device)
        profile = self.profile
        try:
            with _quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
                source_id, target_id = check_languages(profile, tokenizer, self.name)
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
        model.eval()
        try:
            model.to(device)
            if device.startswith("cuda"):
                model.half()
        except (RuntimeError, ValueError, AssertionError) as exc:
            raise ModelError(
                f"can't run the translation model on device '{device}' ({_short(exc)}): "
                "use --device cpu"
            ) from exc
        if self.int8:
            if device == "cpu":
                model = self._quantized(torch, model)
            else:
                logger.info("int8 is for CPU; the model runs in %s precision on %s", "fp16", device)
        return _Loaded(path, tokenizer, model, torch, device, source_id, target_id)

    def _quantized(self, torch: Any, model: Any) -> Any:
        """The model with its Linear layers dynamically quantised to int8."""
        try:
            with warnings.catch_warnings():
                # torch.ao.quantization announces its move to torchao
                warnings.simplefilter("ignore")
                quantization = importlib.import_module("torch.ao.quantization")
                return quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
                )
        except (ImportError, RuntimeError) as exc:
            raise ModelError(
                f"can't quantise model '{self.name}' to int8 ({_short(exc)}): "
                "this torch build lacks dynamic quantisation; run without --int8"
            ) from exc

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
        """Translate a batch of texts with the model's settings; never truncates input."""
        return self._translate(texts, strict=False)

    def translate_strict(self, texts: Sequence[str]) -> list[str]:
        """Translate again with settings that fight loops: 4+ beams, repetition penalties."""
        return self._translate(texts, strict=True)

    def _translate(self, texts: Sequence[str], strict: bool) -> list[str]:
        """Split the batch over the workers, run them, and put the results back in order."""
        if not texts:
            return []
        state = self._state()
        workers = min(self.workers, len(texts)) if state.device == "cpu" else 1
        try:
            with _quiet_transformers(), _torch_threads(state.torch, self._intra(state)):
                if workers == 1:
                    return self._generate(state, texts, strict)
                size = -(-len(texts) // workers)
                parts = [texts[start : start + size] for start in range(0, len(texts), size)]
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    done = pool.map(lambda part: self._generate(state, part, strict), parts)
                    return [text for part in done for text in part]
        except (RuntimeError, ValueError, IndexError) as exc:
            raise ModelError(
                f"translation model '{self.name}' failed ({_short(exc)}): "
                "try --device cpu, a smaller --batch-size, or --no-translate"
            ) from exc

    def _intra(self, state: _Loaded) -> int | None:
        """Intra-op threads to use, or None to leave torch's setting alone (GPU)."""
        return self.threads.intra if state.device == "cpu" else None

    def _generate(self, state: _Loaded, texts: Sequence[str], strict: bool) -> list[str]:
        """One `generate` call over `texts`."""
        torch = state.torch
        intra = self._intra(state)
        if intra is not None and torch.get_num_threads() != intra:
            # a worker thread starts with the default thread count, not the caller's
            torch.set_num_threads(intra)
        encoded = state.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=False)
        encoded["input_ids"] = retag(encoded["input_ids"], state.source_id, self._source_id(state))
        encoded = encoded.to(state.device)
        options = self._generate_options(state, encoded, strict)
        with torch.inference_mode():
            output = state.model.generate(**encoded, **options)
        skip = language_ids(state.tokenizer, state.target_id)
        rows = [[i for i in row if i not in skip] for row in output.tolist()]
        decoded = state.tokenizer.batch_decode(rows, skip_special_tokens=True)
        return [str(text).strip() for text in decoded]

    def _generate_options(self, state: _Loaded, encoded: Any, strict: bool) -> dict[str, Any]:
        """Keyword arguments for `generate`: length bounds, loop guards, beams."""
        from transformers import LogitsProcessorList

        # A looping output stops at twice its own input's length (plus a little):
        # a bound per sentence, not per batch, so batching never changes a result.
        lengths = encoded["attention_mask"].sum(dim=1)
        # a row forced to stop at length L ends with EOS at L + 1: stay within the cap
        limits = (2 * lengths + 10).clamp(max=self._output_cap() - 1)
        processors: list[Any] = []
        options: dict[str, Any] = {
            # for encoder-decoder models max_length bounds the decoder side only, so it
            # does the job of max_new_tokens, which would clash (and warn) with the
            # max_length in the model's generation config
            "max_length": int(limits.max()) + 1,
        }
        if state.target_id is not None:
            options["forced_bos_token_id"] = state.target_id
        eos = self._eos_token_id()
        if eos is not None:
            processors.append(_PerRowLength(limits, eos))
        config = state.model.generation_config
        own = config.no_repeat_ngram_size or 0
        if strict:
            processors.append(_NoRepeatNGram(min(own, _STRICT_NO_REPEAT) or _STRICT_NO_REPEAT))
            options["no_repeat_ngram_size"] = 0
            options["repetition_penalty"] = _STRICT_REPETITION_PENALTY
            options["num_beams"] = max(self.beams or config.num_beams or 1, _STRICT_BEAMS)
        else:
            if not own:
                processors.append(_NoRepeatNGram(_NO_REPEAT_NGRAM))
            if self.beams is not None:
                options["num_beams"] = self.beams
        options["logits_processor"] = LogitsProcessorList(processors)
        return options


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


def _workers(translator: Translator) -> int:
    """How many batches the translator runs at once (it then gets that many per call)."""
    workers = getattr(translator, "workers", 1)
    return workers if isinstance(workers, int) and workers > 0 else 1


def _batches(texts: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Consecutive batches of length-sorted `texts`: `size` texts, fewer when they are long.

    A batch's padded size (count x longest) stays within what `size` texts of
    `_BATCH_CHARS_PER_TEXT` characters make: long sentences come in smaller batches, so
    peak memory (beam search copies its cache every step) doesn't grow with them.
    """
    budget = size * _BATCH_CHARS_PER_TEXT
    start = 0
    while start < len(texts):
        end = start + 1
        while (
            end < len(texts)
            and end - start < size
            and (end - start + 1) * len(texts[end]) <= budget
        ):
            end += 1
        yield texts[start:end]
        start = end


def translate_sentences(
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Translate sentences in batches; returns one English string per input, in order.

    Identical sentences are translated once; sentences longer than the translator's input
    limit are split at clause punctuation and their pieces' English joined with a space.
    A translator with `workers` > 1 gets that many batches per call, to run side by side.
    `progress(done, total)` is called after each call, counting distinct texts sent.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    keys = [sentence.strip() for sentence in sentences]
    unique = list(dict.fromkeys(key for key in keys if key))
    fits = _fitter(translator) if unique else None

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
    for batch in _batches(texts, batch_size * _workers(translator)):
        result = translator.translate_batch(batch)
        if len(result) != len(batch):
            raise ModelError(
                f"translator '{translator.name}' returned {len(result)} translations "
                f"for {len(batch)} sentences: the backend is broken"
            )
        english.update(zip(batch, result, strict=True))
        if progress is not None:
            progress(len(english), len(texts))

    joined = {
        sentence: " ".join(e for e in (english[p].strip() for p in pieces) if e)
        for sentence, pieces in pieces_of.items()
    }
    return [joined[key] if key else "" for key in keys]


@dataclass(frozen=True, slots=True)
class Translation:
    """One sentence's English and, when it looks degenerate, why."""

    text: str
    """The English (empty for an empty source)."""
    flag: str | None = None
    """`repetition`, `too-long` or `untranslated` when still degenerate after a retry."""


class _Strict:
    """A translator seen through its stricter settings, for retrying degenerate outputs."""

    def __init__(self, inner: Translator) -> None:
        self.inner = inner
        self.name = inner.name

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate with `translate_strict` when the backend has it, else plainly again."""
        strict = getattr(self.inner, "translate_strict", None)
        result = strict(texts) if callable(strict) else self.inner.translate_batch(texts)
        return list(result)

    def __getattr__(self, name: str) -> Any:
        # count_tokens, max_input_tokens and workers are the inner translator's
        return getattr(self.inner, name)


def _cache_key(translator: Translator) -> str | None:
    """The translator's identity for the cache, or None if it can't vouch for one."""
    key = getattr(translator, "cache_key", None)
    return key if isinstance(key, str) and key else None


def _checked(
    translator: Translator,
    sources: Sequence[str],
    batch_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Translation]:
    """Translate `sources`, retry the degenerate ones once more strictly, flag what stays bad."""
    english = translate_sentences(translator, sources, batch_size, progress)
    result = {
        source: Translation(text, diagnose(source, text))
        for source, text in zip(sources, english, strict=True)
    }
    bad = [source for source in sources if result[source].flag]
    if bad:
        logger.debug("retrying %d degenerate translations with stricter settings", len(bad))
        again = translate_sentences(_Strict(translator), bad, batch_size)
        for source, text in zip(bad, again, strict=True):
            result[source] = Translation(text, diagnose(source, text))
    return result


def _scaled(
    progress: Callable[[int, int], None], base: int, size: int, total: int
) -> Callable[[int, int], None]:
    """Turn a chunk's progress in texts sent into the run's progress in sentences."""

    def report(sent: int, of: int) -> None:
        progress(base + size * sent // max(of, 1), total)

    return report


def translate_checked(
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
    cache: TranslationCache | None = None,
) -> list[Translation]:
    """Translate sentences like `translate_sentences`, with a cache and degenerate-output checks.

    Sentences found in `cache` (under the translator's `cache_key`) make no model call; when
    all are cached the model is not even loaded. A translation that loops, runs far too long
    or copies the Chinese is retried once with stricter settings, and flagged if still bad.
    `progress(done, total)` counts distinct sentences, cached ones included.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    keys = [sentence.strip() for sentence in sentences]
    unique = list(dict.fromkeys(key for key in keys if key))
    done: dict[str, Translation] = {}
    model = _cache_key(translator) if cache is not None and unique else None
    if cache is not None and model is not None:
        for source, hit in cache.get_many(model, unique).items():
            done[source] = Translation(hit.text, hit.flag)
        logger.debug("translation cache: %d of %d sentences found", len(done), len(unique))
    total = len(unique)
    if progress is not None and total:
        progress(len(done), total)

    # in length order, a chunk at a time: finished chunks are cached even if the run stops
    missing = sorted((source for source in unique if source not in done), key=len)
    step = batch_size * _workers(translator) * _CALLS_PER_CHUNK
    for start in range(0, len(missing), step):
        chunk = missing[start : start + step]
        report = None if progress is None else _scaled(progress, len(done), len(chunk), total)
        made = _checked(translator, chunk, batch_size, report)
        done.update(made)
        if cache is not None and model is not None:
            cache.put_many(model, {s: CachedTranslation(t.text, t.flag) for s, t in made.items()})
        if progress is not None:
            progress(len(done), total)
    return [done[key] if key else Translation("") for key in keys]


def translate_grouped(
    translator: Any,
    paragraphs: Sequence[Sequence[str]],
    contexts: Sequence[Sequence[str]],
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
    cache: TranslationCache | None = None,
) -> list[list[Translation]]:
    """Translate whole paragraphs with a translator that has `translate_groups` (chat models).

    Each paragraph goes in with its context (the source sentences before it), and comes back
    one English sentence per sentence; cached sentences are not sent again, a paragraph whose
    sentences are all cached not at all. Degenerate sentences are retried once on their own.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    unique = list(dict.fromkeys(s.strip() for p in paragraphs for s in p if s.strip()))
    done: dict[str, Translation] = {}
    model = _cache_key(translator) if cache is not None and unique else None
    if cache is not None and model is not None:
        for source, hit in cache.get_many(model, unique).items():
            done[source] = Translation(hit.text, hit.flag)
    total = len(unique)
    if progress is not None and total:
        progress(len(done), total)
    todo = [
        number
        for number, paragraph in enumerate(paragraphs)
        if any(s.strip() and s.strip() not in done for s in paragraph)
    ]
    for start in range(0, len(todo), batch_size):
        groups = [
            ([s.strip() for s in paragraphs[n] if s.strip()], list(contexts[n]))
            for n in todo[start : start + batch_size]
        ]
        answers = translator.translate_groups(groups)
        made: dict[str, Translation] = {}
        for (sentences, _context), english in zip(groups, answers, strict=True):
            if len(english) != len(sentences):
                raise ModelError(
                    f"translator '{translator.name}' returned {len(english)} translations "
                    f"for {len(sentences)} sentences: the backend is broken"
                )
            for source, text in zip(sentences, english, strict=True):
                made.setdefault(source, Translation(text.strip(), diagnose(source, text)))
        bad = [source for source, made_one in made.items() if made_one.flag]
        if bad:
            again = _Strict(translator).translate_batch(bad)
            for source, text in zip(bad, again, strict=True):
                made[source] = Translation(text.strip(), diagnose(source, text))
        done.update(made)
        if cache is not None and model is not None:
            cache.put_many(model, {s: CachedTranslation(t.text, t.flag) for s, t in made.items()})
        if progress is not None:
            progress(len(done), total)
    return [
        [done[s.strip()] if s.strip() else Translation("") for s in paragraph]
        for paragraph in paragraphs
    ]


def load_glossary(path: Path) -> dict[str, str]:
    """Term → English from `--glossary FILE`: TOML (`"思政课" = "…"`) or `term<TAB>English`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            f"{path}: can't read the glossary ({_short(exc)}); check the path"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: the glossary is not UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from None
    glossary: dict[str, str] = {}
    if path.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli as tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(
                f'{path}: not valid TOML ({exc}); write one `"term" = "English"` a line'
            ) from None
        for term, english in data.items():
            if not isinstance(english, str) or not english.strip():
                raise InputError(
                    f'{path}: the English of "{term}" is not a string; write `"{term}" = "English"`'
                )
            glossary[term.strip()] = english.strip()
        return glossary
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        parts = [part.strip() for part in content.split("\t")]
        if len(parts) != 2 or not all(parts):
            raise InputError(
                f"{path}:{number}: expected `term<TAB>English`, got '{content[:40]}'; "
                "separate the term and its English with one tab"
            )
        glossary[parts[0]] = parts[1]
    return glossary
