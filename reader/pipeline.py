"""Pipeline: inputs → articles → annotation → translation → rendered files, in one direction."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from reader.annotate import Annotator
from reader.errors import InputError, ModelUnavailableError
from reader.model import AnnotatedArticle, Article, Paragraph
from reader.options import Options
from reader.source.blocks import SOURCE_SUFFIXES, Unlisted, parse, read_file, scan_sources
from reader.translate.checks import missed_terms

if TYPE_CHECKING:
    from reader.translate.cache import TranslationCache
from reader.translate.engine import Translation, Translator, translate_checked

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as work advances; stages: `annotate`, `translate`, `write`."""

STDIN = "-"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One input to convert and the output name (without suffix) it maps to."""

    path: Path | None
    """The file, or None for standard input."""
    name: PurePosixPath
    """Output name relative to the output folder, without suffix (sub-folders mirrored)."""

    part: int | None = None
    """Only this part of the source (a long article's parts are converted a few at a time,
    so memory stays bounded); None: all of it."""

    @property
    def label(self) -> str:
        """How the source is named in messages and in the sheet (bytes of a file name that
        are not UTF-8 written as `\\xff`)."""
        if self.path is None:
            return STDIN
        return os.fsencode(self.path).decode("utf-8", "backslashreplace")

    @property
    def shown(self) -> str:
        """How a sheet names the source: its path inside the input folder, or its file name.

        Never the absolute path: sheets are handed out, and the teacher's folders are theirs.
        """
        if self.path is None:
            return STDIN
        shown = (self.name.parent / self.path.name).as_posix()
        return os.fsencode(shown).decode("utf-8", "backslashreplace")

    @property
    def markdown(self) -> bool:
        """Whether the source is read as Markdown."""
        return self.path is not None and self.path.suffix.lower() in (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class Failure:
    """A source that could not be converted, and why."""

    source: str
    """The source's name as given."""
    message: str
    """The one-line reason (file, cause, fix)."""


@dataclass(frozen=True, slots=True)
class Handout:
    """One article's outputs, as an index of handouts lists them."""

    name: str
    """Output name relative to the output folder, without suffix."""
    source: str
    """The source it came from."""
    title: str
    """The article's title (or its file name)."""
    chars: int
    """Chinese characters in the article."""
    unique_chars: int
    """Distinct Chinese characters."""
    words: int
    """Distinct Chinese words."""
    files: tuple[str, ...]
    """Its output files, relative to the output folder."""
    levels: tuple[int, ...] = ()
    """Percent of distinct words at HSK 1-3, 4-6, 7-9, and in no HSK list (sums to ~100)."""
    untranslated: bool = False
    """Made without English because no translation model was available."""


@dataclass(frozen=True, slots=True)
class ConvertResult:
    """What a conversion wrote, skipped and failed, and the warnings a user should see."""

    outputs: tuple[Path, ...]
    """Files written, in order."""
    warnings: tuple[str, ...] = field(default=())
    """One-line warnings (e.g. no model available, sheet left untranslated)."""
    failures: tuple[Failure, ...] = field(default=())
    """Sources that failed; the others were converted."""
    skipped: tuple[str, ...] = field(default=())
    """Sources whose outputs were already up to date."""
    handouts: tuple[Handout, ...] = field(default=())
    """Every article now in the output folder from these inputs (converted or skipped)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage (annotate, translate, html, pdf …)."""
    untranslated: str = ""
    """Why some handouts have no English (no model, and how to get one); '' when none lack it."""


def collect_sources(inputs: Sequence[str | Path]) -> tuple[list[SourceRef], list[Unlisted]]:
    """Expand files, folders (recursively) and `-` into sources with distinct output names,
    and list what inside the folders can't be converted (unreadable, dangling, loops, pipes)."""
    refs: list[SourceRef] = []
    problems: list[Unlisted] = []
    for item in inputs:
        if str(item) == STDIN:
            refs.append(SourceRef(None, PurePosixPath("stdin")))
            continue
        path = Path(item)
        if path.is_dir():
            found, unlisted = scan_sources(path)
            problems.extend(unlisted)
            if not found:
                lost = [problem for problem in unlisted if problem.lost]
                if lost:
                    raise InputError(lost[0].message)
                raise InputError(
                    f"{path}: holds no {'/'.join(SOURCE_SUFFIXES)} files; "
                    "put articles in it or name files directly"
                )
            for file in found:
                relative = file.relative_to(path).with_suffix("")
                refs.append(SourceRef(file, _output_name(relative.as_posix())))
        elif path.is_file():
            refs.append(SourceRef(path, _output_name(path.stem)))
        elif path.exists():
            raise InputError(
                f"{path}: is not a regular file (a pipe, device or socket); save the article "
                "to a file, or pipe it into '-'"
            )
        else:
            raise InputError(f"{path}: no such file or folder; check the path")
    return _distinct(refs), problems


def _output_name(name: str) -> PurePosixPath:
    """An output name from a file name; bytes that are not UTF-8 become `%FF` (every output,
    the index and the manifest are UTF-8 text), and a name that would make a hidden file
    (`..txt`, `.notes.txt`) loses its leading dots."""
    name = re.sub(r"[\udc80-\udcff]", lambda m: f"%{ord(m[0]) - 0xDC00:02X}", name)
    folder, _, last = name.rpartition("/")
    last = last.lstrip(".") or "untitled"
    return PurePosixPath(folder) / last if folder else PurePosixPath(last)


def _distinct(refs: list[SourceRef]) -> list[SourceRef]:
    """Give every source its own output name: a.txt and a.md must not clobber each other."""
    counts: dict[PurePosixPath, int] = {}
    for ref in refs:
        counts[ref.name] = counts.get(ref.name, 0) + 1
    taken: set[PurePosixPath] = set()
    result = []
    for ref in refs:
        name = ref.name
        if counts[name] > 1 and ref.path is not None:
            name = name.with_name(f"{name.name}-{ref.path.suffix.lstrip('.').lower() or 'file'}")
        candidate, number = name, 2
        while candidate in taken:
            candidate = name.with_name(f"{name.name}-{number}")
            number += 1
        taken.add(candidate)
        result.append(dataclasses.replace(ref, name=candidate))
    return result


PART_CHARS = 200_000
"""Characters of an article annotated and rendered at a time: a longer one is split into
parts at paragraph ends (name-1, name-2 …), so memory doesn't grow with the input's size."""


def read_articles(ref: SourceRef, stdin: bytes | None = None) -> list[Article]:
    """Read and split one source into its articles (a very long one into parts)."""
    if ref.path is None:
        from reader.source.blocks import decode, has_chinese

        text = decode(stdin or b"", "standard input")
        looks_markdown = any(
            line.startswith(("# ", "## ", "```")) for line in text.splitlines()
        ) and has_chinese(text)
        return split_long(parse(text, STDIN, markdown=looks_markdown))
    articles = split_long(parse(read_file(ref.path), ref.label, markdown=ref.markdown))
    if ref.part is not None:
        articles = [a for a in articles if a.part == ref.part]
    return [dataclasses.replace(article, source=ref.shown) for article in articles]


def split_long(articles: Sequence[Article], limit: int | None = None) -> list[Article]:
    """Articles longer than `limit` (default `PART_CHARS`) characters split at paragraph ends
    into parts, numbered through the source; a single longer paragraph stays whole."""
    limit = PART_CHARS if limit is None else limit
    pieces: list[tuple[Article, tuple[Paragraph, ...]]] = []
    for article in articles:
        current: list[Paragraph] = []
        size = 0
        for paragraph in article.paragraphs:
            length = len(paragraph.marker) + sum(map(len, paragraph.sentences))
            if current and size + length > limit:
                pieces.append((article, tuple(current)))
                current, size = [], 0
            current.append(paragraph)
            size += length
        pieces.append((article, tuple(current)))
    if len(pieces) == len(articles):
        return list(articles)
    return [
        dataclasses.replace(article, paragraphs=paragraphs, part=number, parts=len(pieces))
        for number, (article, paragraphs) in enumerate(pieces, 1)
    ]


def annotate_all(
    articles: Sequence[Article], options: Options, progress: Progress | None = None
) -> list[AnnotatedArticle]:
    """Segment and read every article with one shared annotator."""
    annotator = Annotator(
        style=options.pinyin,
        cache_dir=options.cache_dir,
        tone_sandhi=options.tone_sandhi,
        overrides=options.pinyin_overrides,
        user_dict=options.user_dict,
    )
    result = []
    for number, article in enumerate(articles, start=1):
        result.append(annotator.annotate(article))
        if progress:
            progress("annotate", number, len(articles))
    return result


def translate_all(
    articles: Sequence[AnnotatedArticle],
    translator: Translator,
    options: Options,
    progress: Progress | None = None,
) -> list[AnnotatedArticle]:
    """Translate the sentences of all articles together in batches, then put them back.

    Translations come from the cache when `options.cache` allows; degenerate ones carry
    their `translation_flag`.
    """
    from reader.annotate import default_cache_dir
    from reader.script import script_of
    from reader.translate.cache import open_cache

    # an article in traditional characters is tagged as such for models that tell them apart
    scripts = [
        script_of([s.text for p in a.paragraphs if p.kind != "code" for s in p.sentences])
        for a in articles
    ]
    for_script = getattr(translator, "for_script", None)
    translators: dict[str, Translator] = {"Hans": translator}
    if callable(for_script) and "Hant" in scripts:
        translators["Hant"] = for_script("Hant")
    uses = [script if script in translators else "Hans" for script in scripts]
    wanted = {
        script: [
            sentence.text.strip()
            for article, use in zip(articles, uses, strict=True)
            if use == script
            for paragraph in article.paragraphs
            if paragraph.translatable
            for sentence in paragraph.sentences
        ]
        for script in translators
    }

    def report(done: int, total: int) -> None:
        if progress:
            progress("translate", done, total)

    cache = None
    # a translator without a cache key (a fake, a remote service) is never cached
    if options.cache and any(wanted.values()) and getattr(translator, "cache_key", None):
        cache = open_cache(options.cache_dir or default_cache_dir(os.environ))
    try:
        if callable(getattr(translator, "translate_groups", None)):
            made_by = _by_paragraph(articles, uses, translators, options, report, cache)
        else:
            made_by = {
                script: iter(
                    translate_checked(
                        translators[script],
                        texts,
                        batch_size=options.batch_size,
                        progress=report,
                        cache=cache,
                    )
                )
                for script, texts in wanted.items()
                if texts or script == "Hans"
            }
    finally:
        if cache is not None:
            cache.close()
    terms = _glossary(options)
    result = []
    for article, use in zip(articles, uses, strict=True):
        english = made_by[use]
        info = _info(translators[use])
        paragraphs = []
        for paragraph in article.paragraphs:
            if paragraph.translatable:
                sentences = []
                for sentence in paragraph.sentences:
                    made = next(english)
                    flag = made.flag
                    if flag is None and made.text and missed_terms(sentence.text, made.text, terms):
                        flag = "glossary"
                    sentences.append(
                        dataclasses.replace(sentence, translation=made.text, translation_flag=flag)
                    )
                paragraph = dataclasses.replace(paragraph, sentences=tuple(sentences))
            paragraphs.append(paragraph)
        result.append(
            dataclasses.replace(
                article,
                paragraphs=tuple(paragraphs),
                model=translator.name,
                model_info=dict(info) if isinstance(info, dict) else None,
                translation_status="translated",
            )
        )
    return result


def _by_paragraph(
    articles: Sequence[AnnotatedArticle],
    uses: Sequence[str],
    translators: dict[str, Translator],
    options: Options,
    report: Callable[[int, int], None],
    cache: TranslationCache | None,
) -> dict[str, Iterator[Translation]]:
    """Chat models: each paragraph at once, with the article's previous sentences as context."""
    from reader.translate.engine import translate_grouped

    made: dict[str, Iterator[Translation]] = {}
    for script, translator in translators.items():
        paragraphs: list[list[str]] = []
        contexts: list[list[str]] = []
        for article, use in zip(articles, uses, strict=True):
            if use != script:
                continue
            before: list[str] = []
            for paragraph in article.paragraphs:
                if paragraph.kind == "code":
                    continue
                texts = [s.text.strip() for s in paragraph.sentences]
                if paragraph.translatable:
                    paragraphs.append(texts)
                    contexts.append(before[-options.context :] if options.context else [])
                before.extend(t for t in texts if t)
        done = translate_grouped(
            translator, paragraphs, contexts, options.batch_size, report, cache
        )
        made[script] = iter([t for paragraph in done for t in paragraph])
    return made


def _glossary(options: Options) -> dict[str, str]:
    """The `--glossary` terms, or none."""
    from reader.translate.engine import load_glossary

    return load_glossary(options.glossary) if options.glossary is not None else {}


def _info(translator: Translator) -> object:
    """The translator's record of engine, precision and languages, if it can give one."""
    from reader.errors import ReaderError

    try:
        return getattr(translator, "info", None)
    except ReaderError:  # its model isn't there: nothing was translated by it anyway
        return None


def prepare_all(
    articles: Sequence[Article], options: Options, progress: Progress | None = None
) -> list[AnnotatedArticle]:
    """Annotate and gloss articles; with `options.cache`, earlier results come from the cache.

    A re-run of an article with the same settings reads its words from the annotation cache
    (see `reader.annotate.cache`) and loads no dictionary or model.
    """
    from reader.annotate.cache import cached_annotate

    total = len(articles)
    annotated: list[int] = []

    def fresh(missing: list[Article]) -> list[AnnotatedArticle]:
        hits = total - len(missing)
        annotated.append(len(missing))

        def report(stage: str, done: int, of: int) -> None:
            if progress:
                progress(stage, hits + done, total)

        return gloss_all(annotate_all(missing, options, report), options)

    result = cached_annotate(articles, options, fresh)
    if progress and total and not annotated:
        progress("annotate", total, total)
    return result


def needs_annotator(refs: Sequence[SourceRef], stdin: bytes | None, options: Options) -> bool:
    """Whether some article of these sources is not in the annotation cache."""
    from reader.annotate.cache import all_cached
    from reader.errors import ReaderError

    try:
        articles = [a for ref in refs for a in read_articles(ref, stdin)]
    except ReaderError:
        return True  # the worker reports it
    return not all_cached(articles, options)


def gloss_all(articles: Sequence[AnnotatedArticle], options: Options) -> list[AnnotatedArticle]:
    """Give every Chinese word its dictionary gloss and HSK level."""
    from reader.annotate.dictionary import Dictionary, gloss_article

    dictionary = Dictionary.shared(options.cache_dir)
    return [gloss_article(article, dictionary) for article in articles]


def build(
    articles: Sequence[Article],
    options: Options,
    translator: Translator | None = None,
    progress: Progress | None = None,
) -> tuple[list[AnnotatedArticle], list[str]]:
    """Annotate and (if asked) translate articles; returns them with any warnings."""
    annotated = prepare_all(articles, options, progress)
    if translator is None and options.translate and options.show_translation:
        translator = make_translator(options)
    return translate_stage(annotated, options, translator, progress)


def translate_stage(
    annotated: list[AnnotatedArticle],
    options: Options,
    translator: Translator | None,
    progress: Progress | None = None,
) -> tuple[list[AnnotatedArticle], list[str]]:
    """Translate annotated articles when asked; no model available → a warning (or error)."""
    if translator is None or not (options.translate and options.show_translation):
        return annotated, []
    try:
        return translate_all(annotated, translator, options, progress), []
    except ModelUnavailableError as exc:
        if options.strict:
            raise
        unavailable = [
            dataclasses.replace(a, model=translator.name, translation_status="unavailable")
            for a in annotated
        ]
        return unavailable, [f"{exc} — writing the sheet without translation"]


def make_translator(options: Options) -> Translator:
    """The translator the options ask for (engine, device, threads); loads on first use."""
    from reader.errors import UsageError
    from reader.translate.engine import TransformersTranslator, models_dir_for, parse_threads

    threads = parse_threads(options.threads)
    models_dir = models_dir_for(options.models_dir, os.environ)
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
        from reader.translate.chat import ChatTranslator

        return ChatTranslator(
            model=options.model,
            models_dir=models_dir,
            device=device,
            engine=engine,
            context=options.context,
            glossary=_glossary(options),
            threads=threads,
        )
    if engine == "ctranslate2":
        from reader.translate.ct2 import CTranslate2Translator

        return CTranslate2Translator(
            model=options.model,
            models_dir=models_dir,
            device=device,
            beams=options.beams,
            threads=threads,
            source_lang=options.source_lang,
            target_lang=options.target_lang,
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
    )


def choose_engine(options: Options, models_dir: Path) -> tuple[str, str]:
    """The fastest faithful engine for `--engine auto`, and the device it runs on.

    ctranslate2 int8 on CPU where it can run the model (several times faster than
    transformers fp32 there, with less memory: bench/translate.py); transformers on a GPU
    (fp16), with `--int8` (its own quantisation), or for architectures ctranslate2 lacks.
    """
    from reader.translate.engine import resolve_device

    device = resolve_device(options.device) if options.device == "auto" else options.device
    if device != "cpu" or options.int8:
        return "transformers", device
    from reader.translate.ct2 import runnable

    return ("ctranslate2" if runnable(options.model, models_dir) else "transformers"), device


def describe_translator(translator: Translator) -> str | None:
    """`translating with opus-mt-zh-en on ctranslate2 int8 (CPU)`; None if it can't say yet."""
    from reader.errors import ReaderError

    try:  # reads the model's config files: a missing model has its own warning later
        info = getattr(translator, "info", None)
    except ReaderError:
        return None
    if not isinstance(info, dict) or "engine" not in info:
        return None
    engine, precision = info["engine"], info.get("precision")
    device = str(getattr(translator, "device", "cpu"))
    shown = device.upper() if device in ("cpu", "cuda", "mps") else device
    name = translator.name
    if Path(name).expanduser().is_dir():
        name = Path(name).expanduser().resolve().name
    elif "/" in name:
        name = name.rsplit("/", 1)[1]
    return f"translating with {name} on {engine}{f' {precision}' if precision else ''} ({shown})"


def _is_chat(model: str, models_dir: Path) -> bool:
    """Whether `model` is a decoder-only model (from its config); False when it isn't there."""
    from reader.errors import ReaderError
    from reader.translate.engine import model_profile, resolve_model

    try:
        return model_profile(resolve_model(model, models_dir)).chat
    except ReaderError:  # reported when the translator is first used
        return False


def output_names(ref: SourceRef, articles: Sequence[AnnotatedArticle]) -> list[PurePosixPath]:
    """Output names for a source's articles: `name`, or `name-1`, `name-2` … for several."""
    return [
        ref.name if a.parts == 1 else ref.name.with_name(f"{ref.name.name}-{a.part}")
        for a in articles
    ]


def convert(
    inputs: Sequence[str | Path],
    options: Options,
    translator: Translator | None = None,
    stdin: bytes | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> ConvertResult:
    """Convert files, folders or `-` (stdin) into study sheets in `options.output_dir`."""
    from reader.batch.build import run

    return run(inputs, options, translator=translator, stdin=stdin, progress=progress, log=log)
