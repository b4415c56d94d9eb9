"""Decoder-only chat models as translators: a translation-only prompt, greedy, no thinking."""

from __future__ import annotations

import copy
import importlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import ModelError
from reader.script import Script
from reader.translate.ct2 import convert_model
from reader.translate.device import resolve_ct2_device, resolve_device
from reader.translate.seq2seq import Slot, quiet_transformers
from reader.translate.store import (
    ModelProfile,
    model_cache_key,
    model_profile,
    resolve_model,
    short_error,
    translator_info,
)

logger = logging.getLogger(__name__)

PROMPT_VERSION = 1
"""Bumped when the prompt changes, so translations made with the old one miss the cache."""

SYSTEM = (
    "You are a professional translator from Chinese into English. Reply with the English "
    "translation only: no explanations, notes, greetings or Chinese."
)

# New tokens allowed per Chinese character (English runs 1-2 tokens a character), plus room.
_TOKENS_PER_CHAR = 4
_TOKEN_SLACK = 24
_MAX_NEW_TOKENS = 2048

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)
_NUMBERED = re.compile(r"^\s*(\d+)\s*[.)、:：]\s*(.*?)\s*$")


def strip_thinking(text: str) -> str:
    """The answer without `<think>…</think>` blocks (an unclosed one runs to the end)."""
    return _THINK.sub("", text).strip()


def glossary_lines(text: str, glossary: Mapping[str, str]) -> list[str]:
    """`term = English` for each glossary term found in `text`, longest terms first."""
    found = [term for term in glossary if term and term in text]
    return [f"{term} = {glossary[term]}" for term in sorted(found, key=len, reverse=True)]


def numbered_prompt(
    sentences: Sequence[str], context: Sequence[str], glossary: Mapping[str, str]
) -> str:
    """The user message asking for one English line per numbered Chinese sentence."""
    parts = []
    if context:
        parts.append("Earlier text, for context only (do not translate it):\n" + "".join(context))
    terms = glossary_lines("".join(sentences), glossary)
    if terms:
        parts.append("Translate these terms exactly so:\n" + "\n".join(terms))
    if len(sentences) == 1:
        parts.append("Translate into English:\n" + sentences[0])
    else:
        numbered = "\n".join(f"{n}. {s}" for n, s in enumerate(sentences, start=1))
        parts.append(
            "Translate each numbered Chinese sentence into one English sentence. Reply with "
            f"exactly {len(sentences)} lines, numbered the same way, and nothing else:\n" + numbered
        )
    return "\n\n".join(parts)


def parse_numbered(text: str, count: int) -> list[str] | None:
    """The English of `count` numbered lines, 1 to count in order, or None if it isn't that."""
    answer = strip_thinking(text)
    if count == 1:
        lines = [line for line in answer.splitlines() if line.strip()]
        if not lines:
            return None
        match = _NUMBERED.match(lines[0])
        return [match.group(2) if match and match.group(1) == "1" else " ".join(lines).strip()]
    found: list[str] = []
    for line in answer.splitlines():
        if not line.strip():
            continue
        match = _NUMBERED.match(line)
        if match is None or int(match.group(1)) != len(found) + 1:
            return None
        found.append(match.group(2))
    return found if len(found) == count and all(found) else None


def new_token_limit(text: str) -> int:
    """The most new tokens a translation of `text` may take."""
    return min(_TOKENS_PER_CHAR * len(text) + _TOKEN_SLACK, _MAX_NEW_TOKENS)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A loaded chat model and tokenizer."""

    tokenizer: Any
    """The transformers tokenizer, padding on the left."""
    model: Any
    """The causal LM (transformers) or the `ctranslate2.Generator`."""
    torch: Any
    """The torch module (transformers engine), else None."""
    device: str
    """The device it runs on."""
    eos: tuple[int, ...]
    """Token ids that end an answer."""


class ChatTranslator:
    """A decoder-only chat model prompted to translate, run with transformers or ctranslate2."""

    def __init__(
        self,
        model: str,
        models_dir: Path = Path("models"),
        device: str = "cpu",
        engine: str = "transformers",
        glossary: Mapping[str, str] | None = None,
        context: int = 0,
        quantization: str = "int8",
        threads: Any = None,
    ) -> None:
        self.name = model
        self.models_dir = models_dir
        self.device = device
        self.engine = engine
        self.glossary = dict(glossary or {})
        self.context = context
        self.quantization = quantization
        self.threads = threads
        self.workers = 1
        self.script: Script = "Hans"
        self._slot = Slot()
        self._cache_key: str | None = None

    def for_script(self, script: Script) -> ChatTranslator:
        """The same model; a chat prompt reads either script, so only the record changes."""
        view = copy.copy(self)
        view.script = script
        return view

    @property
    def profile(self) -> ModelProfile:
        """The model's family (`chat`)."""
        return model_profile(resolve_model(self.name, self.models_dir), self.script)

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._slot.value is not None

    def load(self) -> None:
        """Load the model now instead of on first use."""
        self._state()

    @property
    def precision(self) -> str:
        """fp32 on CPU, fp16 on CUDA (transformers); ctranslate2's quantisation."""
        if self.engine == "ctranslate2":
            return self.quantization if self.device == "cpu" else f"{self.quantization}_float16"
        return "fp16" if self.device.startswith("cuda") else "fp32"

    @property
    def info(self) -> dict[str, str]:
        """What made its translations: engine, precision, family, prompt version."""
        info = translator_info(self.engine, self.precision, self.profile)
        info["prompt"] = str(PROMPT_VERSION)
        return info

    @property
    def cache_key(self) -> str:
        """Model, files, engine, prompt version, context and glossary (doesn't load it)."""
        if self._cache_key is None:
            terms = "".join(f"{k}={v};" for k, v in sorted(self.glossary.items()))
            setting = f"chat|prompt={PROMPT_VERSION}|context={self.context}|glossary={terms}"
            engine = self.engine
            if engine == "ctranslate2":
                setting += f"|{self.quantization}"
            self._cache_key = model_cache_key(
                engine, self.name, self.models_dir, None, self.device, setting
            )
        return self._cache_key

    def _state(self) -> _Loaded:
        """The loaded model, loading it on first call."""
        if self._slot.value is None:
            self._slot.value = self._load()
        loaded: _Loaded = self._slot.value
        return loaded

    def _load(self) -> _Loaded:
        """Load the tokenizer and the model (converting it for ctranslate2 if needed)."""
        path = resolve_model(self.name, self.models_dir)
        try:
            from transformers import AutoTokenizer
        except ImportError as exc:
            raise ModelError(
                f"chat models need transformers ({short_error(exc)}): pip install transformers"
            ) from exc
        try:
            with quiet_transformers():
                tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"can't load the tokenizer of '{path}' ({short_error(exc)}): "
                f"run 'reader models download {self.name}' again or pick another --model"
            ) from exc
        if not getattr(tokenizer, "chat_template", None):
            raise ModelError(
                f"model '{self.name}' is a decoder-only model without a chat template: "
                "pick an instruction-tuned (chat) model or a seq2seq translation model"
            )
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        if self.engine == "ctranslate2":
            return self._load_ct2(path, tokenizer)
        return self._load_transformers(path, tokenizer)

    def _load_transformers(self, path: Path, tokenizer: Any) -> _Loaded:
        """The causal LM in eval mode on the device (fp16 on CUDA)."""
        import torch
        from transformers import AutoModelForCausalLM

        device = resolve_device(self.device)
        try:
            with quiet_transformers():
                model: Any = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
            model.eval()
            model.to(device)
            if device.startswith("cuda"):
                model.half()
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelError(
                f"can't load chat model from '{path}' ({short_error(exc)}): "
                f"run 'reader models download {self.name}' again or pick another --model"
            ) from exc
        return _Loaded(tokenizer, model, torch, device, _stop_ids(tokenizer, model))

    def _load_ct2(self, path: Path, tokenizer: Any) -> _Loaded:
        """The model converted for ctranslate2 and loaded as a `Generator`."""
        ctranslate2: Any = importlib.import_module("ctranslate2")
        converted = convert_model(self.name, self.models_dir, self.quantization)
        device = resolve_ct2_device(self.device, ctranslate2)
        compute = self.quantization if device == "cpu" else f"{self.quantization}_float16"
        try:
            generator = ctranslate2.Generator(str(converted), device=device, compute_type=compute)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"ctranslate2 can't load '{converted}' on {device} ({short_error(exc)}): "
                "delete that folder to convert again, or use --engine transformers"
            ) from exc
        return _Loaded(tokenizer, generator, None, device, _stop_ids(tokenizer, None))

    def _prompt(self, user: str) -> str:
        """The chat-templated prompt for one user message, thinking turned off."""
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
        # enable_thinking reaches templates that know it (Qwen3); the others ignore it
        text = self._state().tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True, enable_thinking=False
        )
        return str(text)

    def complete(self, users: Sequence[str], limits: Sequence[int]) -> list[str]:
        """The model's greedy answers to user messages, each at most its limit of new tokens."""
        if not users:
            return []
        state = self._state()
        prompts = [self._prompt(user) for user in users]
        try:
            if self.engine == "ctranslate2":
                return _complete_ct2(state, prompts, limits)
            return _complete_transformers(state, prompts, limits)
        except (RuntimeError, ValueError, IndexError) as exc:
            raise ModelError(
                f"chat model '{self.name}' failed ({short_error(exc)}): "
                "try --device cpu, a smaller --batch-size, or --no-translate"
            ) from exc

    def translate_groups(
        self, groups: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> list[list[str]]:
        """English for each (paragraph's sentences, context) pair, one line per sentence.

        A paragraph goes in as numbered sentences; where the answer doesn't come back as
        that many numbered lines, its sentences are translated one by one.
        """
        users = [numbered_prompt(s, c, self.glossary) for s, c in groups]
        answers = self.complete(users, [new_token_limit("".join(s)) for s, _c in groups])
        result: list[list[str] | None] = [
            parse_numbered(answer, len(sentences))
            for answer, (sentences, _c) in zip(answers, groups, strict=True)
        ]
        single: list[tuple[int, int, str, list[str]]] = []
        for number, ((sentences, context), parsed) in enumerate(zip(groups, result, strict=True)):
            if parsed is None:
                logger.debug("paragraph %d: no numbered answer, sentence by sentence", number)
                for index, sentence in enumerate(sentences):
                    before = [*context, *sentences[:index]][-self.context :] if self.context else []
                    single.append((number, index, sentence, before))
        if single:
            users = [numbered_prompt([s], before, self.glossary) for _n, _i, s, before in single]
            again = self.complete(users, [new_token_limit(s) for _n, _i, s, _b in single])
            fixed: dict[int, list[str]] = {}
            for (number, _index, _s, _b), answer in zip(single, again, strict=True):
                fixed.setdefault(number, []).append(_one(answer))
            result = [fixed.get(n, r) if r is None else r for n, r in enumerate(result)]
        return [r if r is not None else [] for r in result]

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        """Each text translated on its own (no context)."""
        answers = self.complete(
            [numbered_prompt([t], [], self.glossary) for t in texts],
            [new_token_limit(t) for t in texts],
        )
        return [_one(answer) for answer in answers]

    def translate_strict(self, texts: Sequence[str]) -> list[str]:
        """The retry of a degenerate answer: the sentence alone, greedy again."""
        return self.translate_batch(texts)


def _complete_transformers(
    state: _Loaded, prompts: Sequence[str], limits: Sequence[int]
) -> list[str]:
    """One greedy `generate` call (left-padded batch); the model's sampling settings unused."""
    # Any: GenerationConfig's constructor is untyped
    generation: Any = importlib.import_module("transformers").GenerationConfig
    encoded = state.tokenizer(
        list(prompts), return_tensors="pt", padding=True, add_special_tokens=False
    ).to(state.device)
    # a config of our own: greedy, new tokens only, whatever generation_config.json says
    config = generation(
        do_sample=False,
        num_beams=1,
        max_new_tokens=max(limits),
        eos_token_id=list(state.eos),
        pad_token_id=state.tokenizer.pad_token_id,
    )
    with quiet_transformers(), state.torch.inference_mode():
        output = state.model.generate(**encoded, generation_config=config)
    start = encoded["input_ids"].shape[1]
    answers = []
    for row, limit in zip(output[:, start:].tolist(), limits, strict=True):
        kept = []
        for token in row[:limit]:
            if token in state.eos:
                break
            kept.append(token)
        answers.append(str(state.tokenizer.decode(kept, skip_special_tokens=True)))
    return answers


def _complete_ct2(state: _Loaded, prompts: Sequence[str], limits: Sequence[int]) -> list[str]:
    """One greedy `generate_batch` call of the ctranslate2 Generator."""
    tokenizer = state.tokenizer
    tokens = [
        tokenizer.convert_ids_to_tokens(tokenizer(p, add_special_tokens=False)["input_ids"])
        for p in prompts
    ]
    results = state.model.generate_batch(
        tokens,
        max_length=max(limits),
        sampling_topk=1,
        beam_size=1,
        include_prompt_in_result=False,
        end_token=[tokenizer.convert_ids_to_tokens(i) for i in state.eos],
    )
    return [
        str(tokenizer.decode(list(r.sequences_ids[0])[:limit], skip_special_tokens=True))
        for r, limit in zip(results, limits, strict=True)
    ]


def _one(answer: str) -> str:
    """The English of a one-sentence answer: thinking stripped, a `1.` numbering dropped."""
    parsed = parse_numbered(answer, 1)
    return parsed[0] if parsed else strip_thinking(answer)


def _stop_ids(tokenizer: Any, model: Any) -> tuple[int, ...]:
    """Token ids that end an answer: the model's end tokens and the tokenizer's."""
    ids: list[int] = []
    configured = None if model is None else model.generation_config.eos_token_id
    for value in (configured, tokenizer.eos_token_id):
        if isinstance(value, int):
            ids.append(value)
        elif isinstance(value, list):
            ids.extend(v for v in value if isinstance(v, int))
    for token in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>"):
        found = tokenizer.convert_tokens_to_ids(token)
        if isinstance(found, int) and found != tokenizer.unk_token_id:
            ids.append(found)
    return tuple(dict.fromkeys(ids))
