"""The ctranslate2 backend (extra `reader[fast]`): a model converted once to int8, then run."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from reader.errors import ModelError
from reader.options import DEFAULT_MODEL
from reader.translate import (
    _FALLBACK_LIMIT,
    _NO_REPEAT_NGRAM,
    _SANE_LIMIT,
    _STRICT_BEAMS,
    _STRICT_NO_REPEAT,
    _STRICT_REPETITION_PENALTY,
    ThreadLayout,
    _quiet_transformers,
    _short,
    default_threads,
    generation_defaults,
    model_cache_key,
    model_fingerprint,
    resolve_model,
)

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'reader[fast]' (or pip install ctranslate2)"
"""How to get the optional ctranslate2 backend."""

MARKER = "reader-source.json"
"""File in a converted folder naming the model it was made from and that model's fingerprint."""


def _require() -> None:
    """Raise a ModelError with the install hint unless ctranslate2 is installed."""
    if importlib.util.find_spec("ctranslate2") is None:
        raise ModelError(
            f"the ctranslate2 engine needs the optional extra: {INSTALL_HINT}, "
            "or use --engine transformers"
        )


def _is_path(name: str, source: Path) -> bool:
    """Whether model `name` was given as a folder rather than a name in the store or hub."""
    try:
        return Path(name).expanduser().resolve() == source.resolve()
    except (OSError, RuntimeError):
        return False


def converted_folder(name: str, models_dir: Path, quantization: str = "int8") -> Path:
    """Where the ctranslate2 conversion of model `name` lives (or will): in `models_dir`.

    `org/model` → `models_dir/org/model-ct2-int8`, next to the downloaded model; a model
    given as a folder gets a name made of the folder's name and a hash of its path.
    """
    source = resolve_model(name, models_dir)
    if _is_path(name, source):
        where = hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:8]
        return models_dir / f"{source.resolve().name}-{where}-ct2-{quantization}"
    return models_dir / f"{name}-ct2-{quantization}"


def _marker(source: Path, quantization: str) -> dict[str, str]:
    """What a converted folder records about the model it was made from."""
    return {
        "source": str(source),
        "fingerprint": model_fingerprint(source),
        "quantization": quantization,
    }


def _is_current(target: Path, wanted: dict[str, str]) -> bool:
    """Whether `target` holds a finished conversion of the wanted model and quantisation."""
    try:
        recorded = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(recorded, dict)
        and recorded.get("fingerprint") == wanted["fingerprint"]
        and recorded.get("quantization") == wanted["quantization"]
        and (target / "model.bin").is_file()
    )


def convert_model(name: str, models_dir: Path, quantization: str = "int8") -> Path:
    """Convert model `name` for ctranslate2 unless already done; returns the converted folder.

    The conversion is redone when the original model's files change. Needs the extra
    `reader[fast]` (ctranslate2) and, for the conversion itself, torch and transformers.
    """
    _require()
    source = resolve_model(name, models_dir)
    target = converted_folder(name, models_dir, quantization)
    wanted = _marker(source, quantization)
    if _is_current(target, wanted):
        return target
    logger.info("converting %s for ctranslate2 (%s) into %s", name, quantization, target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # same parent folder, so the final rename is atomic and never crosses filesystems
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.convert-", dir=target.parent))
    except OSError as exc:
        raise ModelError(
            f"can't create '{target.parent}' for the converted model ({_short(exc)}): "
            "choose a writable --models-dir"
        ) from exc
    try:
        _convert(name, source, staging, quantization)
        (staging / MARKER).write_text(json.dumps(wanted, indent=2), encoding="utf-8")
        if _is_current(target, wanted):  # another process finished first
            return target
        _move_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _convert(name: str, source: Path, output: Path, quantization: str) -> None:
    """Run ctranslate2's transformers converter from `source` into `output`."""
    try:
        converters: Any = importlib.import_module("ctranslate2.converters")
        with _quiet_transformers():
            converter = converters.TransformersConverter(str(source))
            converter.convert(str(output), quantization=quantization, force=True)
    except ImportError as exc:
        raise ModelError(
            f"converting model '{name}' needs torch and transformers ({_short(exc)}): "
            "pip install torch transformers"
        ) from exc
    except (ValueError, KeyError, NotImplementedError, RuntimeError, OSError) as exc:
        raise ModelError(
            f"can't convert model '{name}' for ctranslate2 ({_short(exc)}): "
            "ctranslate2 supports Marian/opus-mt and other common seq2seq models; "
            "use --engine transformers for this one"
        ) from exc


def _move_into_place(staging: Path, target: Path) -> None:
    """Replace `target` (an outdated conversion, if any) with the finished `staging` folder."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    try:
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        staging.rename(target)
    except OSError as exc:
        if old.exists() and not target.exists():
            old.rename(target)
        raise ModelError(
            f"can't move the converted model into '{target}' ({_short(exc)}): "
            "check that the models folder is writable"
        ) from exc
    shutil.rmtree(old, ignore_errors=True)


def _resolve_device(device: str, ctranslate2: Any) -> str:
    """ctranslate2's device for `device`: auto becomes cuda when a GPU is visible, else cpu."""
    if device == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device.startswith("cuda") or device == "cpu":
        return device.split(":")[0]
    raise ModelError(
        f"the ctranslate2 engine can't run on device '{device}': "
        "use --device cpu or cuda, or --engine transformers"
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A converted model ready to run, with the original model's tokenizer."""

    path: Path
    """The original model's folder (tokenizer, generation settings)."""
    converted: Path
    """The ctranslate2 folder."""
    tokenizer: Any
    """The original model's transformers tokenizer."""
    translator: Any
    """The `ctranslate2.Translator`."""
    beams: int
    """Beam width: the one asked for, else the model's own."""
    max_input_tokens: int
    """The most tokens one input may have."""
    output_cap: int
    """The model's own bound on output length."""


class CTranslate2Translator:
    """A seq2seq model converted to ctranslate2 (int8) and run with it; converts on first use."""

    engine = "ctranslate2"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        models_dir: Path = Path("models"),
        device: str = "cpu",
        beams: int | None = None,
        threads: ThreadLayout | None = None,
        quantization: str = "int8",
    ) -> None:
        _require()
        self.name = model
        self.models_dir = models_dir
        self.device = device
        self.beams = beams
        self.threads = threads or default_threads()
        self.quantization = quantization
        self._loaded: _Loaded | None = None
        self._cache_key: str | None = None

    @property
    def workers(self) -> int:
        """Batches ctranslate2 runs at the same time (`inter_threads`)."""
        return self.threads.workers

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._loaded is not None

    def load(self) -> None:
        """Convert (if needed) and load the model now instead of on first use."""
        self._state()

    @property
    def cache_key(self) -> str:
        """What its translations depend on: model, its files, settings (doesn't load it)."""
        if self._cache_key is None:
            try:
                version = metadata.version("ctranslate2")
            except metadata.PackageNotFoundError:
                version = "unknown"
            self._cache_key = model_cache_key(
                f"{self.engine}-{version}",
                self.name,
                self.models_dir,
                self.beams,
                self.device,
                self.quantization,
            )
        return self._cache_key

    def _state(self) -> _Loaded:
        """The loaded model, converting and loading it on first call."""
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    def _load(self) -> _Loaded:
        """Convert the model if needed, then load the converted model and the tokenizer."""
        ctranslate2: Any = importlib.import_module("ctranslate2")

        source = resolve_model(self.name, self.models_dir)
        converted = convert_model(self.name, self.models_dir, self.quantization)
        device = _resolve_device(self.device, ctranslate2)
        compute = self.quantization if device == "cpu" else f"{self.quantization}_float16"
        try:
            from transformers import AutoTokenizer

            with _quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
        except ImportError as exc:
            raise ModelError(
                f"the ctranslate2 engine needs the model's tokenizer ({_short(exc)}): "
                "pip install transformers sentencepiece"
            ) from exc
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"can't load the tokenizer of '{source}' ({_short(exc)}): "
                f"run 'reader models download {self.name}' again or pick another --model"
            ) from exc
        try:
            translator = ctranslate2.Translator(
                str(converted),
                device=device,
                compute_type=compute,
                inter_threads=self.threads.workers,
                intra_threads=self.threads.intra,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"ctranslate2 can't load '{converted}' on {device} ({_short(exc)}): "
                "delete that folder to convert again, or use --engine transformers"
            ) from exc
        settings = generation_defaults(source)
        beams = self.beams or settings.get("num_beams") or 1
        positions = settings.get("max_position_embeddings")
        limits = [getattr(tokenizer, "model_max_length", None), positions]
        sane = [n for n in limits if isinstance(n, int) and 0 < n <= _SANE_LIMIT]
        cap = settings.get("max_length")
        if not isinstance(cap, int) or cap <= 0:
            cap = positions if isinstance(positions, int) and positions > 0 else _FALLBACK_LIMIT
        return _Loaded(
            path=source,
            converted=converted,
            tokenizer=tokenizer,
            translator=translator,
            beams=int(beams),
            max_input_tokens=min(sane) if sane else _FALLBACK_LIMIT,
            output_cap=int(cap),
        )

    @property
    def path(self) -> Path:
        """The original model's folder (loads the model)."""
        return self._state().path

    @property
    def max_input_tokens(self) -> int:
        """The most tokens (end-of-sentence included) one input may have (loads the model)."""
        return self._state().max_input_tokens

    def count_tokens(self, text: str) -> int:
        """How many tokens the model sees for `text`, end-of-sentence included."""
        encoded = self._state().tokenizer(text, add_special_tokens=True, truncation=False)
        return len(encoded["input_ids"])

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Translate texts, spread over the workers; never truncates input."""
        return self._translate(texts, strict=False)

    def translate_strict(self, texts: Sequence[str]) -> list[str]:
        """Translate again with settings that fight loops: 4+ beams, repetition penalties."""
        return self._translate(texts, strict=True)

    def _translate(self, texts: Sequence[str], strict: bool) -> list[str]:
        """One ctranslate2 call over `texts`, cut into one sub-batch per worker."""
        if not texts:
            return []
        state = self._state()
        tokenizer = state.tokenizer
        ids = tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        tokens = [tokenizer.convert_ids_to_tokens(row) for row in ids]
        # the same per-sentence bound as the transformers backend: batching can't change it
        limits = [min(2 * len(row) + 10, state.output_cap - 1) for row in tokens]
        options = self._decode_options(state, tokens, limits, strict)
        try:
            results = state.translator.translate_batch(tokens, **options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"translation model '{self.name}' failed in ctranslate2 ({_short(exc)}): "
                "try a smaller --batch-size, or --engine transformers"
            ) from exc
        hypotheses = self._hypotheses(results, limits)
        return [
            str(
                tokenizer.decode(tokenizer.convert_tokens_to_ids(h), skip_special_tokens=True)
            ).strip()
            for h in hypotheses
        ]

    def _hypotheses(self, results: Any, limits: Sequence[int]) -> list[list[str]]:
        """The best hypothesis of each result, cut to its sentence's own length bound."""
        return [
            list(result.hypotheses[0])[: limit - 1]
            for result, limit in zip(results, limits, strict=True)
        ]

    def _decode_options(
        self, state: _Loaded, tokens: Sequence[Sequence[str]], limits: Sequence[int], strict: bool
    ) -> dict[str, Any]:
        """Keyword arguments for `translate_batch`: beams, length bound, loop guards."""
        workers = max(1, min(self.workers, len(tokens)))
        options: dict[str, Any] = {
            "max_batch_size": -(-len(tokens) // workers),
            "max_decoding_length": max(limits),
            "beam_size": state.beams,
            "no_repeat_ngram_size": _NO_REPEAT_NGRAM,
            "return_scores": False,
        }
        if strict:
            options["beam_size"] = max(state.beams, _STRICT_BEAMS)
            options["no_repeat_ngram_size"] = _STRICT_NO_REPEAT
            options["repetition_penalty"] = _STRICT_REPETITION_PENALTY
        return options
