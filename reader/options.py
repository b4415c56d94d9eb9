"""The one frozen set of options shared by the Python API and the command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reader.model import PinyinStyle

Paper = Literal["a4", "letter"]
"""Paper size for PDF output."""

Layout = Literal["side", "stacked"]
"""English beside each paragraph, or under it."""

Engine = Literal["auto", "transformers", "ctranslate2"]
"""Translation backends; `auto` picks ctranslate2 on CPU where it runs the model."""

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-zh-en"
"""The translation model used unless another is asked for."""

FORMATS = ("html", "json", "pdf", "epub", "anki")
"""Output formats reader can write."""


def xdg_folder(environ: Mapping[str, str], variable: str, fallback: str) -> Path:
    """reader's folder under `$VARIABLE` (e.g. XDG_CACHE_HOME), else under `~/FALLBACK`.

    A relative value is ignored, as the XDG Base Directory spec says: it would put the
    folder wherever the command happens to run.
    """
    base = environ.get(variable, "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), fallback)
    return Path(base) / "reader"


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """Where reader keeps its caches: $XDG_CACHE_HOME/reader or ~/.cache/reader."""
    return xdg_folder(environ, "XDG_CACHE_HOME", ".cache")


MODELS_DIR_ENV = "READER_MODELS_DIR"
"""Environment variable naming the local model store."""


def models_dir_for(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """The local model store: `explicit`, else `$READER_MODELS_DIR`, else `./models`."""
    if explicit is not None:
        return explicit
    from_env = environ.get(MODELS_DIR_ENV, "").strip()
    return Path(from_env).expanduser() if from_env else Path("models")


@dataclass(frozen=True, slots=True)
class Options:
    """Everything a conversion depends on; the CLI builds one from its arguments."""

    formats: tuple[str, ...] = ("html",)
    """Which outputs to write, from `FORMATS`."""
    output_dir: Path = Path("output")
    """Folder the outputs go to (created if missing)."""
    translate: bool = True
    """Whether to translate at all; False gives a pinyin-only sheet."""
    model: str = DEFAULT_MODEL
    """Hugging Face name or local folder of a seq2seq zh→en model."""
    models_dir: Path | None = None
    """Local model store; None means $READER_MODELS_DIR or ./models."""
    strict: bool = False
    """Fail instead of producing an untranslated sheet when no model is available."""
    pinyin: PinyinStyle = "marks"
    """How readings are written."""
    batch_size: int = 8
    """Sentences per model call."""
    beams: int | None = None
    """Beam width; None keeps the model's own generation setting."""
    device: str = "cpu"
    """Device for the model: auto, cpu, cuda or mps."""
    cache_dir: Path | None = None
    """Where reader keeps caches (jieba's, dictionary, translations, annotations); None means the
    user's cache folder."""
    template_dir: Path | None = None
    """A folder of templates that override the shipped ones."""
    paper: Paper = "a4"
    """Paper size of PDF output."""
    layout: Layout = "side"
    """Where the English goes: beside each paragraph, or stacked under it."""
    tone_colors: bool = False
    """Colour each syllable by its tone (HTML and PDF)."""
    show_pinyin: bool = True
    """Show readings; False gives a student copy for self-test."""
    show_translation: bool = True
    """Show the English; False gives a student copy for self-test."""
    tone_sandhi: bool = False
    """Write 一 and 不 with their tone changes (default: dictionary tones, as textbooks do)."""
    pinyin_overrides: Path | None = None
    """A TOML or TSV file of word → reading that wins over every other reading."""
    user_dict: Path | None = None
    """A jieba user dictionary (keeps names and terms whole)."""
    show_uncertain: bool = False
    """Mark readings the context model was unsure of in the HTML."""
    engine: Engine = "auto"
    """Translation backend: `auto` is ctranslate2 int8 on CPU where it can run the model, else
    transformers (fp16 on CUDA)."""
    source_lang: str | None = None
    """The model's code for the source language (e.g. `zho_Hans`); None: reader's own mapping."""
    target_lang: str | None = None
    """The model's code for English (e.g. `eng_Latn`); None: reader's own mapping."""
    prefix: str | None = None
    """Text put before every input of a seq2seq model, the task prefix a T5 model was trained
    with (`translate Chinese to English: `); None: the zh→en prefix its config names, if any."""
    glossary: Path | None = None
    """A TOML or TSV file of term → English: chat models are told the terms, every engine's
    output is checked for them (a miss is flagged `glossary`)."""
    context: int = 0
    """Chat models: how many earlier source sentences of the article go with each paragraph."""
    int8: bool = False
    """Dynamic int8 quantisation of the transformers model on CPU."""
    threads: str | None = None
    """Thread layout `WORKERSxINTRA` (e.g. `2x1`) or a count; None picks the fastest measured."""
    copies: tuple[str, ...] = ("teacher",)
    """Which copies to write: `teacher` (everything) and/or `student` (no pinyin, no English)."""
    vocabulary_list: bool = False
    """Add the article's vocabulary list (always with `level`; student copies set it)."""
    level: int | None = None
    """Readings and glosses only on words above this HSK level (the rest stays clean)."""
    force: bool = False
    """Redo outputs even when they are up to date."""
    fail_fast: bool = False
    """Stop at the first source that fails instead of reporting it and going on."""
    jobs: int | None = None
    """Processes for annotation and rendering; None means one per CPU."""
    combine: Path | None = None
    """Also bind every article into this one file: `.pdf` (the PDFs, with a table of contents)
    or `.epub` (one e-book, a chapter per article)."""
    title: str | None = None
    """The title of the combined book and the index page; None: the CLI's default (the input
    folder's name), else the book file's name."""
    cache: bool = True
    """Keep translations and annotations in SQLite caches (in `cache_dir`): re-runs make no
    model call and load no dictionary."""

    @property
    def cache_folder(self) -> Path:
        """Where the caches go: `cache_dir`, else $XDG_CACHE_HOME/reader or ~/.cache/reader."""
        return self.cache_dir or default_cache_dir(os.environ)

    @property
    def models_folder(self) -> Path:
        """The local model store: `models_dir`, else $READER_MODELS_DIR, else ./models."""
        return models_dir_for(self.models_dir, os.environ)
