"""The document model: frozen dataclasses passed from one pipeline stage to the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ParagraphKind = Literal["title", "meta", "heading", "text", "code"]
"""What a block is: the title, a subtitle/byline line, a heading (Markdown, or a later piece's
title in plain text), prose, or code."""

PinyinStyle = Literal["marks", "numbers", "zhuyin", "none"]
"""How readings are written: tone marks, tone numbers, Zhuyin (Bopomofo), or not at all."""

TranslationStatus = Literal["translated", "disabled", "unavailable"]
"""Whether an article was translated, translation was turned off, or no model was available."""


SpanKind = Literal["em", "strong", "strike", "code", "link", "image", "note"]
"""Inline markup: emphasis, strong, struck out, code, a live link, an image's alt text, a
footnote reference."""


@dataclass(frozen=True, slots=True)
class Span:
    """Inline markup over a stretch of a paragraph's text (from Markdown)."""

    start: int
    """Offset of its first character in the paragraph's text."""
    end: int
    """Offset just past its last character."""
    kind: SpanKind
    """What the markup is; `code` text gets neither reading nor gloss."""
    href: str = ""
    """A link's target (only http, https, mailto and relative ones are kept); else empty."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of an article as it comes out of the source stage."""

    kind: ParagraphKind
    """What the block is; `code` blocks are never annotated nor translated."""
    sentences: tuple[str, ...]
    """The block's text split into sentences; joined they give the block's text exactly."""
    marker: str = ""
    """Markup that stands before the text and passes through unchanged (e.g. `## `, `- `)."""
    spans: tuple[Span, ...] = ()
    """Inline markup over the text, outermost first; words never cross a span's edge."""

    @property
    def text(self) -> str:
        """The block's whole text, without its marker."""
        return "".join(self.sentences)


@dataclass(frozen=True, slots=True)
class Article:
    """One article read from a source: its blocks in order."""

    source: str
    """Name of the file it came from (`-` for standard input)."""
    paragraphs: tuple[Paragraph, ...]
    """Title, subtitle lines and body blocks, in reading order."""
    part: int = 1
    """1-based position of the article in its source (a file may hold several)."""
    parts: int = 1
    """How many articles the source holds."""

    @property
    def title(self) -> str:
        """The article's title, or an empty string when it has none."""
        for paragraph in self.paragraphs:
            if paragraph.kind == "title":
                return paragraph.text
        return ""


@dataclass(frozen=True, slots=True)
class Word:
    """One segmented word with its reading.

    The reading is stored numbered, whatever the pinyin style: renderers write it in the
    article's style with `reader.pinyin.syllables`.
    """

    text: str
    """The word as it stands in the source."""
    reading: tuple[str, ...] = ()
    """The reading in numbered pinyin, one syllable per character (`yin2`, `hang2`; 5 for the
    neutral tone, `r` for erhua, ü as `ü`); empty for non-Chinese text. A character with no
    known reading (a rare one, a combining mark or variation selector) has an empty syllable.
    A capital marks a syllable that starts a word of a proper noun (`Li3`, `Ming2`;
    `Bei3`, `jing1`, `Da4`, `xue2`): written capitalised and, after the first, apart."""
    pos: str = ""
    """jieba's part-of-speech tag (`nr` person, `ns` place, `x` punctuation …)."""
    uncertain: bool = False
    """Whether the reading is a guess worth a teacher's review (the context model was unsure)."""
    gloss: str = ""
    """A short English definition matching the reading (CC-CEDICT), or empty."""
    level: int | None = None
    """HSK 3.0 level: 1-6, or 7 for the 7-9 band; None when the word is not in the list."""
    parts: tuple[Word, ...] = ()
    """The dictionary words of a word that pinyin writes as one but no dictionary lists: a
    one-syllable verb and its one-syllable complement (买到 mǎidào = 买 + 到, 系好), a noun
    and the kind it names (水果店 = 水果 + 店). Each part has its own reading, gloss and
    level; the vocabulary lists and levels count the parts. Empty for any other word."""
    apart: tuple[int, ...] = ()
    """Syllables (by index, after the first) that pinyin writes apart from the syllable before,
    in a phrase kept as one word for its meaning: a verb and its object that the word lists
    hold as one item (打电话 dǎ diànhuà "to make a phone call", 没关系 méi guānxi)."""

    @property
    def entries(self) -> tuple[Word, ...]:
        """The dictionary words this word stands for: its parts, or the word itself."""
        return self.parts or (self,)

    @property
    def tones(self) -> tuple[int, ...]:
        """Tone of each syllable: 1-4, 5 neutral (erhua too), 0 for a character with no reading."""
        return tuple((int(s[-1]) if s[-1] in "12345" else 5) if s else 0 for s in self.reading)

    @property
    def is_chinese(self) -> bool:
        """Whether the word carries a reading."""
        return bool(self.reading)


@dataclass(frozen=True, slots=True)
class AnnotatedSentence:
    """A sentence with its words and, once translated, its English."""

    text: str
    """The sentence exactly as in the source."""
    words: tuple[Word, ...]
    """Its words; joined they give `text` exactly."""
    translation: str | None = None
    """The English sentence, or None when there is none."""
    translation_flag: str | None = None
    """Why the translation looks degenerate (e.g. `repetition`, `untranslated`), or None."""


@dataclass(frozen=True, slots=True)
class AnnotatedParagraph:
    """A block with its annotated sentences."""

    kind: ParagraphKind
    """What the block is (see `Paragraph.kind`)."""
    sentences: tuple[AnnotatedSentence, ...]
    """The block's sentences in order."""
    marker: str = ""
    """Markup that stands before the text and passes through unchanged."""
    spans: tuple[Span, ...] = ()
    """Inline markup over the text (see `Paragraph.spans`)."""

    @property
    def text(self) -> str:
        """The block's whole text, without its marker."""
        return "".join(s.text for s in self.sentences)

    @property
    def translation(self) -> str | None:
        """The block's English: its sentences' translations joined, or None if none."""
        parts = [s.translation for s in self.sentences if s.translation]
        return " ".join(parts) if parts else None

    @property
    def translatable(self) -> bool:
        """Whether the block is one that gets a translation (not code, has Chinese)."""
        return self.kind != "code" and any(w.is_chinese for s in self.sentences for w in s.words)


@dataclass(frozen=True, slots=True)
class AnnotatedArticle:
    """An article with words, readings and translations: what the renderers draw."""

    source: str
    """Name of the file it came from (`-` for standard input)."""
    paragraphs: tuple[AnnotatedParagraph, ...]
    """Title, subtitle lines and body blocks, in reading order."""
    pinyin_style: PinyinStyle = "marks"
    """How the renderers write the words' readings (they are stored numbered)."""
    model: str | None = None
    """Name of the translation model used, or None."""
    model_info: dict[str, str] | None = None
    """What made the translations: engine, precision, family, source and target codes."""
    translation_status: TranslationStatus = "disabled"
    """Whether translations are present, and if not, why."""
    part: int = 1
    """1-based position of the article in its source."""
    parts: int = 1
    """How many articles the source holds."""

    @property
    def title(self) -> str:
        """The article's title, or an empty string when it has none."""
        for paragraph in self.paragraphs:
            if paragraph.kind == "title":
                return paragraph.text
        return ""


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
