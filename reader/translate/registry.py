"""Which translator a run uses: engine chosen from the model and device, made once, described."""

from __future__ import annotations

from pathlib import Path

from reader.errors import ReaderError, UsageError
from reader.options import Options
from reader.translate.chat import ChatTranslator
from reader.translate.ct2 import CTranslate2Translator, runnable
from reader.translate.device import parse_threads, resolve_device
from reader.translate.hf import TransformersTranslator
from reader.translate.protocol import Described, OnDevice, Translator
from reader.translate.run import load_glossary
from reader.translate.store import model_profile, resolve_model


def make_translator(options: Options) -> Translator:
    """The translator the options ask for (engine, device, threads); loads on first use."""
    threads = parse_threads(options.threads)
    models_dir = options.models_folder
    if options.engine not in ("auto", "transformers", "ctranslate2"):
        raise UsageError(
            f"unknown translation engine '{options.engine}': "
            "choose auto, transformers or ctranslate2"
        )
    engine: str = options.engine
    device = options.device
    if engine == "auto":
        engine, device = choose_engine(options, models_dir)
    if _is_chat(options.model, models_dir):
        return ChatTranslator(
            model=options.model,
            models_dir=models_dir,
            device=device,
            engine=engine,
            context=options.context,
            glossary=glossary_of(options),
            threads=threads,
        )
    if engine == "ctranslate2":
        return CTranslate2Translator(
            model=options.model,
            models_dir=models_dir,
            device=device,
            beams=options.beams,
            threads=threads,
            source_lang=options.source_lang,
            target_lang=options.target_lang,
            prefix=options.prefix,
        )
    return TransformersTranslator(
        model=options.model,
        models_dir=models_dir,
        device=device,
        beams=options.beams,
        int8=options.int8,
        threads=threads,
        source_lang=options.source_lang,
        target_lang=options.target_lang,
        prefix=options.prefix,
    )


def choose_engine(options: Options, models_dir: Path) -> tuple[str, str]:
    """The fastest faithful engine for `--engine auto`, and the device it runs on.

    ctranslate2 int8 on CPU where it can run the model (several times faster than
    transformers fp32 there, with less memory: bench/translate.py); transformers on a GPU
    (fp16), with `--int8` (its own quantisation), or for architectures ctranslate2 lacks.
    """
    device = resolve_device(options.device) if options.device == "auto" else options.device
    if device != "cpu" or options.int8:
        return "transformers", device

    return ("ctranslate2" if runnable(options.model, models_dir) else "transformers"), device


def describe_translator(translator: Translator) -> str | None:
    """`translating with opus-mt-zh-en on ctranslate2 int8 (CPU)`; None if it can't say yet."""
    try:  # reads the model's config files: a missing model has its own warning later
        info = translator.info if isinstance(translator, Described) else None
    except ReaderError:
        return None
    if not isinstance(info, dict) or "engine" not in info:
        return None
    engine, precision = info["engine"], info.get("precision")
    device = str(translator.device) if isinstance(translator, OnDevice) else "cpu"
    shown = device.upper() if device in ("cpu", "cuda", "mps") else device
    name = translator.name
    if Path(name).expanduser().is_dir():
        name = Path(name).expanduser().resolve().name
    elif "/" in name:
        name = name.rsplit("/", 1)[1]
    return f"translating with {name} on {engine}{f' {precision}' if precision else ''} ({shown})"


def _is_chat(model: str, models_dir: Path) -> bool:
    """Whether `model` is a decoder-only model (from its config); False when it isn't there."""
    try:
        return model_profile(resolve_model(model, models_dir)).chat
    except ReaderError:  # reported when the translator is first used
        return False


def glossary_of(options: Options) -> dict[str, str]:
    """The `--glossary` terms, or none."""
    return load_glossary(options.glossary) if options.glossary is not None else {}
