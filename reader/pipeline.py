"""The stages for one set of documents: read → annotate → gloss → translate, one way only."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from reader.annotate import Annotator
from reader.errors import ModelUnavailableError
from reader.model import AnnotatedArticle, Article
from reader.options import Options
from reader.translate.checks import missed_terms

if TYPE_CHECKING:
    from reader.translate.cache import TranslationCache
from reader.annotate.cache import all_cached, cached_annotate
from reader.annotate.dictionary import Dictionary, gloss_article
from reader.errors import ReaderError
from reader.script import script_of
from reader.source.discover import (
    SourceRef,
    read_articles,
)
from reader.translate.cache import open_cache
from reader.translate.protocol import Described, GroupTranslator, ScriptAware, Translator
from reader.translate.registry import (
    glossary_of,
    make_translator,
)
from reader.translate.run import (
    Translation,
    cache_key_of,
    translate_checked,
    translate_grouped,
)

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as work advances; stages: `annotate`, `translate`, `write`."""


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
    # an article in traditional characters is tagged as such for models that tell them apart
    scripts = [
        script_of([s.text for p in a.paragraphs if p.kind != "code" for s in p.sentences])
        for a in articles
    ]
    translators: dict[str, Translator] = {"Hans": translator}
    if isinstance(translator, ScriptAware) and "Hant" in scripts:
        translators["Hant"] = translator.for_script("Hant")
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
    if options.cache and any(wanted.values()) and cache_key_of(translator) is not None:
        cache = open_cache(options.cache_folder)
    try:
        if isinstance(translator, GroupTranslator):
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
    terms = glossary_of(options)
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
    made: dict[str, Iterator[Translation]] = {}
    for script, translator in translators.items():
        assert isinstance(translator, GroupTranslator)  # a chat model's script view is one too
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


def _info(translator: Translator) -> object:
    """The translator's record of engine, precision and languages, if it can give one."""
    try:
        return translator.info if isinstance(translator, Described) else None
    except ReaderError:  # its model isn't there: nothing was translated by it anyway
        return None


def prepare_all(
    articles: Sequence[Article], options: Options, progress: Progress | None = None
) -> list[AnnotatedArticle]:
    """Annotate and gloss articles; with `options.cache`, earlier results come from the cache.

    A re-run of an article with the same settings reads its words from the annotation cache
    (see `reader.annotate.cache`) and loads no dictionary or model.
    """
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
    try:
        articles = [a for ref in refs for a in read_articles(ref, stdin)]
    except ReaderError:
        return True  # the worker reports it
    return not all_cached(articles, options)


def gloss_all(articles: Sequence[AnnotatedArticle], options: Options) -> list[AnnotatedArticle]:
    """Give every Chinese word its dictionary gloss and HSK level."""
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
