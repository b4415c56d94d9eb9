"""The local model store: where models live, finding and downloading one, and what a model is.

What a model is comes from its files without loading it: its fingerprint, family, language
codes and tokens, and generation defaults.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.errors import ModelError, ModelUnavailableError
from reader.script import Script

# Files a translation model needs; weights are fetched separately so that one format suffices.
# chat_template.jinja and *.tiktoken: chat models' templates and tokenizers (transformers 5).
_MODEL_FILES = ["*.json", "*.spm", "*.model", "*.txt", "*.jinja", "*.tiktoken"]
_SAFETENSORS = ["*.safetensors"]
# one file, or shards `pytorch_model-00001-of-00002.bin` (their index is a .json)
_PYTORCH_BIN = ["pytorch_model.bin", "pytorch_model-*.bin"]

# Files up to this size are hashed whole for a model's fingerprint; larger ones are stat()ed.
_HASHED_FILE_LIMIT = 4 * 1024 * 1024

DECODING_VERSION = 1
"""Bumped when reader's decoding rules change, so cached translations made under old ones miss."""


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


def short_error(exc: BaseException) -> str:
    """A one-line, bounded description of an exception, for error messages."""
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
            f"can't create the model folder '{target.parent}' ({short_error(exc)}): "
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
                f"({short_error(exc)}): check the model name"
            ) from exc
        except Exception as exc:  # network stacks raise many types; all mean the same here
            raise ModelError(
                f"can't download model '{name}' ({short_error(exc)}): "
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
            f"can't move the downloaded model into '{target}' ({short_error(exc)}): "
            "check that the models folder is writable"
        ) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    if profile.prefix:
        info["prefix"] = profile.prefix
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
            f"can't read the model folder '{folder}' ({short_error(exc)}): check its permissions"
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
    prefix: str = ""
    """Text put before every input: the task prefix of a T5-style model (`translate Chinese
    to English: `), from `--prefix` or the model's own config; '' for none."""

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
    prefix: str | None = None,
) -> ModelProfile:
    """The family and language codes of the model in `folder`, from its config files.

    Encoder-decoder or decoder-only comes from `config.is_encoder_decoder` (or the
    architecture's name where an old config leaves it out); the family from the tokenizer's
    class. `source_lang`/`target_lang` (`--source-lang`/`--target-lang`) win over reader's
    own codes; traditional text gets the family's traditional code where it has one. A T5
    model's task prefix is `prefix` (`--prefix`), else the zh→en one its config names.
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
    if prefix is None:
        prefix = task_prefix(config) if family == "t5" else ""
    if family in _LANGUAGES:
        simplified, traditional, english = _LANGUAGES[family]
        source = source_lang or (traditional if script == "Hant" else simplified)
        return ModelProfile(family, source, target_lang or english, prefix)
    return ModelProfile(family, source_lang, target_lang, prefix)


# The task names transformers' translation pipeline looks up in a config (`translation_xx_to_yy`).
_TASKS = ("translation_zh_to_en", "translation_zh-cn_to_en", "translation_cn_to_en")


def task_prefix(config: dict[str, Any]) -> str:
    """The zh→en task prefix a T5-style config names in `task_specific_params`, or ''."""
    params = config.get("task_specific_params")
    if not isinstance(params, dict):
        return ""
    for task in _TASKS:
        entry = params.get(task)
        if isinstance(entry, dict) and isinstance(entry.get("prefix"), str):
            return str(entry["prefix"])
    return ""


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
