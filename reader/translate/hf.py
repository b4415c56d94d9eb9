"""The transformers backend: a Marian/opus-mt (or any seq2seq) model run locally with torch."""

from __future__ import annotations

import importlib
import logging
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import ModelError
from reader.options import DEFAULT_MODEL
from reader.script import Script
from reader.translate.device import ThreadLayout, resolve_device
from reader.translate.seq2seq import (
    NO_REPEAT_NGRAM,
    STRICT_BEAMS,
    STRICT_NO_REPEAT,
    STRICT_REPETITION_PENALTY,
    LanguageModel,
    NoRepeatNGram,
    PerRowLength,
    input_limit,
    output_limit,
    quiet_transformers,
    retag,
    torch_threads,
)
from reader.translate.store import (
    check_languages,
    language_ids,
    language_token,
    resolve_model,
    short_error,
)

logger = logging.getLogger(__name__)


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


class TransformersTranslator(LanguageModel[_Loaded]):
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
        prefix: str | None = None,
    ) -> None:
        super().__init__(
            model, models_dir, device, beams, threads, source_lang, target_lang, script, prefix
        )
        self.int8 = int8

    @property
    def precision(self) -> str:
        """The number format the weights run in: fp32, int8 (CPU) or fp16 (CUDA)."""
        device = self.device if self._slot.value is None else self._slot.value.device
        if str(device).startswith("cuda"):
            return "fp16"
        return "int8" if self.int8 and device == "cpu" else "fp32"

    def weights_setting(self) -> str:
        """Whether the weights are quantised to int8, for the cache key."""
        return f"int8={int(self.int8)}"

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
            with quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
                source_id, target_id = check_languages(profile, tokenizer, self.name)
                model = AutoModelForSeq2SeqLM.from_pretrained(path, local_files_only=True)
        except ImportError as exc:  # e.g. sentencepiece, needed by the Marian tokenizer
            raise ModelError(
                f"loading model '{self.name}' needs a missing package ({short_error(exc)}): "
                "pip install sentencepiece transformers"
            ) from exc
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(
                f"can't load translation model from '{path}' ({short_error(exc)}): "
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
                f"can't run the translation model on device '{device}' ({short_error(exc)}): "
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
                f"can't quantise model '{self.name}' to int8 ({short_error(exc)}): "
                "this torch build lacks dynamic quantisation; run without --int8"
            ) from exc

    @property
    def max_input_tokens(self) -> int:
        """The most tokens (end-of-sentence included) one input may have (loads the model)."""
        state = self._state()
        return input_limit(
            getattr(state.tokenizer, "model_max_length", None),
            getattr(state.model.config, "max_position_embeddings", None),
        )

    def _output_cap(self) -> int:
        """The model's own bound on output length."""
        state = self._state()
        return output_limit(
            state.model.generation_config.max_length,
            getattr(state.model.config, "max_position_embeddings", None),
        )

    def _eos_token_id(self) -> int | None:
        """The model's end-of-sentence token id, if it has one."""
        state = self._state()
        eos = state.model.generation_config.eos_token_id
        if isinstance(eos, list):
            eos = eos[0] if eos else None
        if eos is None:
            eos = state.tokenizer.eos_token_id
        return eos if isinstance(eos, int) else None

    def _translate(self, texts: Sequence[str], strict: bool) -> list[str]:
        """Split the batch over the workers, run them, and put the results back in order."""
        if not texts:
            return []
        state = self._state()
        workers = min(self.workers, len(texts)) if state.device == "cpu" else 1
        try:
            with quiet_transformers(), torch_threads(state.torch, self._intra(state)):
                if workers == 1:
                    return self._generate(state, texts, strict)
                size = -(-len(texts) // workers)
                parts = [texts[start : start + size] for start in range(0, len(texts), size)]
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    done = pool.map(lambda part: self._generate(state, part, strict), parts)
                    return [text for part in done for text in part]
        except (RuntimeError, ValueError, IndexError) as exc:
            raise ModelError(
                f"translation model '{self.name}' failed ({short_error(exc)}): "
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
            processors.append(PerRowLength(limits, eos))
        config = state.model.generation_config
        own = config.no_repeat_ngram_size or 0
        if strict:
            processors.append(NoRepeatNGram(min(own, STRICT_NO_REPEAT) or STRICT_NO_REPEAT))
            options["no_repeat_ngram_size"] = 0
            options["repetition_penalty"] = STRICT_REPETITION_PENALTY
            options["num_beams"] = max(self.beams or config.num_beams or 1, STRICT_BEAMS)
        else:
            if not own:
                processors.append(NoRepeatNGram(NO_REPEAT_NGRAM))
            if self.beams is not None:
                options["num_beams"] = self.beams
        options["logits_processor"] = LogitsProcessorList(processors)
        return options
