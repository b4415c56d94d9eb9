"""The ctranslate2 backend: a model converted once to int8 (cached beside it), then run."""

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

from reader.errors import ModelError, ReaderError
from reader.options import DEFAULT_MODEL
from reader.script import Script
from reader.translate.device import ThreadLayout, resolve_ct2_device
from reader.translate.seq2seq import (
    NO_REPEAT_NGRAM,
    STRICT_BEAMS,
    STRICT_NO_REPEAT,
    STRICT_REPETITION_PENALTY,
    LanguageModel,
    input_limit,
    output_limit,
    quiet_transformers,
)
from reader.translate.store import (
    check_languages,
    generation_defaults,
    language_ids,
    language_token,
    model_fingerprint,
    resolve_model,
    short_error,
)

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install ctranslate2 (a dependency of reader; reinstall it)"
"""How to get the ctranslate2 backend back where it is missing."""

MARKER = "reader-source.json"
"""File in a converted folder naming the model it was made from and that model's fingerprint."""


def _require() -> None:
    """Raise a ModelError with the install hint unless ctranslate2 is installed."""
    if importlib.util.find_spec("ctranslate2") is None:
        raise ModelError(
            f"the ctranslate2 engine needs ctranslate2, which is not installed: {INSTALL_HINT}, "
            "or use --engine transformers"
        )


# config.json `model_type`s that ctranslate2's transformers converter handles, among the
# families reader translates with (the tests check each against the converter's own registry)
SUPPORTED_MODEL_TYPES = frozenset(
    {
        "marian",
        "m2m_100",  # M2M100 and NLLB-200
        "mbart",
        "bart",
        "pegasus",
        "t5",
        "mt5",
        "umt5",
        "qwen2",
        "qwen3",
        "llama",
        "mistral",  # Seed-X
        "gemma",
        "gemma2",
        "gemma3_text",
        "phi",
        "phi3",
    }
)


def runnable(name: str, models_dir: Path, quantization: str = "int8") -> bool:
    """Whether ctranslate2 can run model `name` here: installed, its architecture converts, and
    the conversion is already made or the models folder takes one. Reads config files only."""
    if importlib.util.find_spec("ctranslate2") is None:
        return False
    try:
        source = resolve_model(name, models_dir)
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        if not isinstance(config, dict) or config.get("model_type") not in SUPPORTED_MODEL_TYPES:
            return False
        target = converted_folder(name, models_dir, quantization)
        if _is_current(target, _marker(source, quantization)):
            return True
    except (ReaderError, OSError, ValueError):
        return False  # a missing or broken model is reported by the engine that loads it
    return _writable(target.parent)


def _writable(folder: Path) -> bool:
    """Whether `folder`, or the nearest folder above it that exists, can take new files."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
    return False


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

    The conversion is redone when the original model's files change (the converted folder
    records the original's fingerprint). Needs ctranslate2, torch and transformers.
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
            f"can't create '{target.parent}' for the converted model ({short_error(exc)}): "
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


# Settings ctranslate2's Bart-family converter reads that configs saved by transformers 5
# leave out (the architecture fixes them): mBART normalises before each block.
_CONFIG_DEFAULTS: dict[str, dict[str, Any]] = {
    "mbart": {"normalize_before": True, "normalize_embedding": True},
    "bart": {"normalize_before": False, "normalize_embedding": True},
}


def _converter(converters: Any, source: Path) -> Any:
    """ctranslate2's transformers converter, filling in settings newer configs leave out."""

    class Converter(converters.TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, path, **kwargs)
            for key, value in _CONFIG_DEFAULTS.get(model.config.model_type, {}).items():
                if not hasattr(model.config, key):
                    setattr(model.config, key, value)
            return model

        def load_tokenizer(self, tokenizer_class: Any, path: str, **kwargs: Any) -> Any:
            return _V4Tokenizer(super().load_tokenizer(tokenizer_class, path, **kwargs))

    return Converter(str(source))


class _V4Tokenizer:
    """A transformers 5 tokenizer as ctranslate2's converters read it.

    They look for language tokens under `special_tokens_map["additional_special_tokens"]`,
    which transformers 5 moved to `extra_special_tokens`: without them an M2M100 vocabulary
    comes out short of its language tokens and the conversion fails.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __len__(self) -> int:
        return len(self._inner)

    @property
    def bos_token(self) -> Any:
        """The start token; mBART-50's transformers 5 tokenizer names it only as `cls_token`."""
        return self._inner.bos_token or self._inner.cls_token

    @property
    def special_tokens_map(self) -> dict[str, Any]:
        """The named special tokens plus the extra ones, in id order."""
        mapping = dict(self._inner.special_tokens_map)
        extra = [str(t) for t in getattr(self._inner, "extra_special_tokens", None) or []]
        codes = getattr(self._inner, "lang_token_to_id", None)
        if isinstance(codes, dict):
            extra += list(codes)
        ids = {token: self._inner.convert_tokens_to_ids(token) for token in dict.fromkeys(extra)}
        mapping["additional_special_tokens"] = sorted(ids, key=lambda token: ids[token])
        return mapping


def _convert(name: str, source: Path, output: Path, quantization: str) -> None:
    """Run ctranslate2's transformers converter from `source` into `output`."""
    try:
        converters: Any = importlib.import_module("ctranslate2.converters")
        with quiet_transformers():
            _converter(converters, source).convert(
                str(output), quantization=quantization, force=True
            )
    except ImportError as exc:
        raise ModelError(
            f"converting model '{name}' needs torch and transformers ({short_error(exc)}): "
            "pip install torch transformers"
        ) from exc
    except Exception as exc:  # the converters raise anything from AttributeError to OSError
        raise ModelError(
            f"can't convert model '{name}' for ctranslate2 ({short_error(exc)}): "
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
            f"can't move the converted model into '{target}' ({short_error(exc)}): "
            "check that the models folder is writable"
        ) from exc
    shutil.rmtree(old, ignore_errors=True)


def _token(tokenizer: Any, token_id: int | None) -> str | None:
    """The vocabulary string of `token_id`, or None."""
    return None if token_id is None else str(tokenizer.convert_ids_to_tokens(token_id))


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
    compute: str = "int8"
    """ctranslate2's compute type."""
    source_token: str | None = None
    """The source language token the tokenizer tags input with, if the model has one."""
    target_token: str | None = None
    """The target language token given as the output's prefix, if the model has one."""


class CTranslate2Translator(LanguageModel[_Loaded]):
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
        source_lang: str | None = None,
        target_lang: str | None = None,
        script: Script = "Hans",
        prefix: str | None = None,
    ) -> None:
        _require()
        super().__init__(
            model, models_dir, device, beams, threads, source_lang, target_lang, script, prefix
        )
        self.quantization = quantization

    @property
    def precision(self) -> str:
        """ctranslate2's compute type: int8 on CPU, int8 weights with fp16 on CUDA."""
        if self._slot.value is not None:
            compute: str = self._slot.value.compute
            return compute
        device = self.device
        if device == "auto":
            device = resolve_ct2_device(device, importlib.import_module("ctranslate2"))
        return self.quantization if device == "cpu" else f"{self.quantization}_float16"

    def cache_engine(self) -> str:
        """The engine with ctranslate2's version: another version may decode differently."""
        try:
            version = metadata.version("ctranslate2")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return f"{self.engine}-{version}"

    def weights_setting(self) -> str:
        """The quantisation of the converted weights, for the cache key."""
        return self.quantization

    def _load(self) -> _Loaded:
        """Convert the model if needed, then load the converted model and the tokenizer."""
        ctranslate2: Any = importlib.import_module("ctranslate2")

        source = resolve_model(self.name, self.models_dir)
        profile = self.profile
        try:
            from transformers import AutoTokenizer

            with quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
        except ImportError as exc:
            raise ModelError(
                f"the ctranslate2 engine needs the model's tokenizer ({short_error(exc)}): "
                "pip install transformers sentencepiece"
            ) from exc
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"can't load the tokenizer of '{source}' ({short_error(exc)}): "
                f"run 'reader models download {self.name}' again or pick another --model"
            ) from exc
        # refused before converting: a wrong language code costs no conversion
        source_id, target_id = check_languages(profile, tokenizer, self.name)
        converted = convert_model(self.name, self.models_dir, self.quantization)
        device = resolve_ct2_device(self.device, ctranslate2)
        compute = self.quantization if device == "cpu" else f"{self.quantization}_float16"
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
                f"ctranslate2 can't load '{converted}' on {device} ({short_error(exc)}): "
                "delete that folder to convert again, or use --engine transformers"
            ) from exc
        settings = generation_defaults(source)
        beams = self.beams or settings.get("num_beams") or 1
        positions = settings.get("max_position_embeddings")
        return _Loaded(
            path=source,
            converted=converted,
            tokenizer=tokenizer,
            translator=translator,
            beams=int(beams),
            max_input_tokens=input_limit(getattr(tokenizer, "model_max_length", None), positions),
            output_cap=output_limit(settings.get("max_length"), positions),
            source_token=_token(tokenizer, source_id),
            target_token=_token(tokenizer, target_id),
            compute=compute,
        )

    @property
    def max_input_tokens(self) -> int:
        """The most tokens (end-of-sentence included) one input may have (loads the model)."""
        return self._state().max_input_tokens

    def _translate(self, texts: Sequence[str], strict: bool) -> list[str]:
        """One ctranslate2 call over `texts`, cut into one sub-batch per worker."""
        if not texts:
            return []
        state = self._state()
        tokenizer = state.tokenizer
        ids = tokenizer(list(texts), add_special_tokens=True, truncation=False)["input_ids"]
        tokens = [tokenizer.convert_ids_to_tokens(row) for row in ids]
        own = self._source_token(state)
        if own != state.source_token:
            tokens = [[own if t == state.source_token else t for t in row] for row in tokens]
        # the same per-sentence bound as the transformers backend: batching can't change it
        limits = [min(2 * len(row) + 10, state.output_cap - 1) for row in tokens]
        options = self._decode_options(state, tokens, limits, strict)
        try:
            results = state.translator.translate_batch(tokens, **options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"translation model '{self.name}' failed in ctranslate2 ({short_error(exc)}): "
                "try a smaller --batch-size, or --engine transformers"
            ) from exc
        hypotheses = self._hypotheses(results, limits)
        target = state.target_token
        skip = language_ids(
            tokenizer, None if target is None else tokenizer.convert_tokens_to_ids(target)
        )
        # the forced prefix comes back as the first token of every hypothesis
        rows = [
            [i for i in tokenizer.convert_tokens_to_ids(h) if i not in skip] for h in hypotheses
        ]
        return [str(tokenizer.decode(row, skip_special_tokens=True)).strip() for row in rows]

    def _source_token(self, state: _Loaded) -> str | None:
        """This view's source language token (traditional Chinese may differ from the load's)."""
        if state.source_token is None or self.profile.source_lang is None:
            return state.source_token
        return language_token(self.profile.family, self.profile.source_lang)

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
            "no_repeat_ngram_size": NO_REPEAT_NGRAM,
            "return_scores": False,
        }
        if state.target_token is not None:
            options["target_prefix"] = [[state.target_token]] * len(tokens)
        if strict:
            options["beam_size"] = max(state.beams, STRICT_BEAMS)
            options["no_repeat_ngram_size"] = STRICT_NO_REPEAT
            options["repetition_penalty"] = STRICT_REPETITION_PENALTY
        return options
