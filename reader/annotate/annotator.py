"""Annotation stage: jieba words; readings from pypinyin, CC-CEDICT and a context model."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.annotate.names import (
    NOT_PROPER,
    PERSON,
    PROPER,
    capitalise,
    capitalise_at,
    is_surname,
    proper_noun,
    same_names,
    surname_reading,
    titled,
    works_titled,
)
from reader.annotate.orthography import erhua, join_erhua, join_plural, join_words, objects_apart
from reader.annotate.overrides import apply_overrides, load_overrides, load_user_dict
from reader.annotate.particles import (
    VERB_PARTICLES,
    aspect,
    particle,
    potential,
)
from reader.annotate.pieces import HAN_RUN, Piece
from reader.annotate.readings import (
    Phrase,
    default_reading,
    default_tone,
    neutral_in,
    polyphones,
    predict,
    same,
    vote,
)
from reader.annotate.resources import Resources
from reader.annotate.rules import LIGHT, RULES, Spot
from reader.annotate.sandhi import YI, apply_sandhi, dictionary_tones
from reader.annotate.segment import names_throughout, split_phrases
from reader.annotate.wordlists import basic_word, everyday_word
from reader.model import (
    AnnotatedArticle,
    AnnotatedParagraph,
    AnnotatedSentence,
    Article,
    PinyinStyle,
    Span,
    Word,
)
from reader.script import simplified, to_simplified
from reader.text import HAN_CHARS, MARKS, with_marks

if TYPE_CHECKING:
    from reader.annotate.polyphone import Guess

# What pypinyin gives back for a character it can't read: the character itself (a mark too).
_UNREAD = re.compile(f"[{HAN_CHARS}{MARKS}]")


@dataclass(frozen=True, slots=True)
class _Decisions:
    """A sentence's readings as they are decided, and what is known of each position."""

    readings: list[str | None]
    """Each character's reading so far (None: none decided)."""
    unsure: set[int] = field(default_factory=set)
    """Positions whose reading the model and the dictionaries disagree on."""
    keep: set[int] = field(default_factory=set)
    """Positions of a 一 that ends a word: its tone stays."""
    bridged: set[int] = field(default_factory=set)
    """Positions read from a dictionary word jieba split (长|得 zhǎngde)."""


def _fix_word(piece: Piece, fixed: Mapping[int, str], decided: _Decisions) -> None:
    """Put the readings that a word's tag and neighbours decide (particles, aspect suffixes,
    complements, surnames) in place."""
    for k, syllable in fixed.items():
        if piece.start + k in decided.bridged:
            continue  # a word the dictionaries hold says more than jieba's tag
        decided.readings[piece.start + k] = syllable
        decided.unsure.discard(piece.start + k)


def _apply_rules(spot: Spot, piece: Piece, decided: _Decisions) -> None:
    """Put the word rules' readings of the piece at `spot` in place."""
    for rule in RULES:
        for k, syllable in rule(spot).items():
            i = piece.start + k
            if syllable == LIGHT:
                known = decided.readings[i] or default_reading(piece.text[k])
                syllable = known[:-1] + LIGHT
            decided.readings[i] = syllable
            decided.unsure.discard(i)


class Annotator:
    """Segments and reads sentences; jieba, the context model and CC-CEDICT load on first use."""

    def __init__(
        self,
        style: PinyinStyle = "marks",
        cache_dir: Path | None = None,
        *,
        tone_sandhi: bool = False,
        overrides: Path | None = None,
        user_dict: Path | None = None,
    ) -> None:
        self.style: PinyinStyle = style
        self.cache_dir = cache_dir
        self.tone_sandhi = tone_sandhi
        # Read the user's files now, so a bad line stops the run before any work is done.
        self._overrides = load_overrides(overrides) if overrides else {}
        self._user_words = load_user_dict(user_dict) if user_dict else ()
        self._user_word_set = frozenset(
            form for e in self._user_words for form in (e.word, to_simplified(e.word))
        )
        self.resources = Resources(cache_dir, self._user_words)

    def words(self, sentence: str) -> tuple[Word, ...]:
        """Segment one sentence and read each word; the words join back to the sentence."""
        return self._read_all([sentence])[0]

    def _read_all(self, sentences: Sequence[str]) -> list[tuple[Word, ...]]:
        """Read sentences together, so that the context model runs over them in batches."""
        # jieba, pypinyin, CC-CEDICT's readings and the context model know simplified words
        # (臺灣的銀行 would be read character by character: 銀 yín 行 xíng).
        analysed = simplified(sentences) or sentences
        pieces = names_throughout(
            [self._segment(s) for s in analysed],
            is_surname,
            self.resources.known,
            self.resources.tokenizer().word_tag_tab.get,
        )
        model = self.resources.context_model()
        queries = [
            (sentence, [i for p in found if p.han for i in polyphones(model, p)])
            for sentence, found in zip(analysed, pieces, strict=True)
        ]
        guesses = predict(model, queries)
        return works_titled(
            [
                _as_written(
                    original,
                    self._read_sentence(
                        sentence, found, dict(zip(positions, guessed, strict=True)), original
                    ),
                )
                for original, (sentence, positions), found, guessed in zip(
                    sentences, queries, pieces, guesses, strict=True
                )
            ]
        )

    def _segment(self, sentence: str) -> list[Piece]:
        """jieba's words, with Latin text, numbers and punctuation kept as plain runs."""
        pieces: list[Piece] = []
        offset = 0
        tokens = ((str(t.word), str(t.flag)) for t in self.resources.tokenizer().cut(sentence))
        for text, flag in with_marks(tokens):
            for run in HAN_RUN.split(text):
                if not run:
                    continue
                if HAN_RUN.fullmatch(run):
                    pieces.append(Piece(run, flag, offset))
                elif pieces and not pieces[-1].han:
                    last = pieces[-1]
                    pieces[-1] = Piece(last.text + run, "x", last.start)
                else:
                    pieces.append(Piece(run, flag if run == text else "x", offset))
                offset += len(run)
        split = split_phrases(
            pieces,
            self.resources.known,
            self.resources.tokenizer().word_tag_tab.get,
            self._user_word_set,
            is_surname,
            everyday_word,
            basic_word,
            lambda word: bool(self.resources.proper_starts(word)),
            self.resources.action,
        )
        return join_erhua(split, self.resources)

    def _read_sentence(
        self,
        sentence: str,
        pieces: Sequence[Piece],
        guesses: Mapping[int, Guess],
        original: str | None = None,
    ) -> tuple[Word, ...]:
        """Decide every character's reading in its sentence, then build the words.

        `original` is the sentence as written when `sentence` is its simplified form.
        """
        decided = _Decisions([None] * len(sentence))
        pieces = titled(pieces)
        for index, piece in enumerate(pieces):
            if not piece.han:
                continue
            phrase, cedict = self._dictionaries(sentence, piece)
            self._read_characters(sentence, piece, phrase, cedict, guesses, decided)
            following = pieces[index + 1].text[:1] if index + 1 < len(pieces) else ""
            fixed = (
                particle(piece, following, sentence[piece.start - 1 : piece.start])
                | aspect(piece, phrase, cedict)
                | potential(sentence, piece)
                | surname_reading(piece, phrase, cedict)
            )
            _fix_word(piece, fixed, decided)
            # The word rules read a word from its neighbours, bridged or not (比往年少了).
            _apply_rules(Spot(sentence, pieces, index), piece, decided)
        readings, unsure = decided.readings, decided.unsure
        erhua(pieces, readings, self.resources)
        dictionary_tones(sentence, readings)
        pinned = apply_overrides(self._overrides, sentence, readings)
        if original is not None and original != sentence:
            pinned |= apply_overrides(
                self._overrides, original, readings
            )  # words written as in the text
        unsure -= pinned
        if self.tone_sandhi:
            keep = decided.keep | pinned
            apply_sandhi(sentence, readings, keep, lambda i: default_tone(sentence[i]))
        words = [
            self._word(p, readings, unsure) if p.han else Word(p.text, pos=p.pos)
            for p in join_plural(pieces)
        ]
        tags = self.resources.tokenizer().word_tag_tab
        words = objects_apart(
            words, lambda char: tags.get(char, "")[:1] == "v", self.resources.known
        )
        return tuple(join_words(words, self._user_word_set, self.resources.action))

    def _dictionaries(
        self, sentence: str, piece: Piece
    ) -> tuple[Phrase, tuple[tuple[str, ...] | None, ...]]:
        """pypinyin's phrase reading and CC-CEDICT's readings of a piece's characters.

        A piece split from a jieba word for the page (弄清楚 → 弄 清楚) is read by its own
        entries, and where none covers it, as the word was (弄 nòng, from 弄清楚): the split
        changes the spacing and the glosses, and loses no evidence for a reading.
        """
        own, own_cover = self.resources.phrase(piece.text), self.resources.cedict_cover(piece.text)
        if piece.source is None:
            return own, own_cover
        start, end = piece.source
        whole = sentence[start:end]
        phrase, cover = self.resources.phrase(whole), self.resources.cedict_cover(whole)
        at = range(piece.start - start, piece.start - start + len(piece.text))
        readings = tuple(
            phrase.readings[i] if phrase.covered[i] and not own.covered[k] else own.readings[k]
            for k, i in enumerate(at)
        )
        covered = tuple(phrase.covered[i] or own.covered[k] for k, i in enumerate(at))
        cedict = tuple(
            own_cover[k] if own_cover[k] is not None else cover[i] for k, i in enumerate(at)
        )
        return Phrase(readings, covered, own.ends), cedict

    def _read_characters(
        self,
        sentence: str,
        piece: Piece,
        phrase: Phrase,
        cedict: Sequence[tuple[str, ...] | None],
        guesses: Mapping[int, Guess],
        decided: _Decisions,
    ) -> None:
        """Each character of a word read from the dictionaries, and the model where it guessed."""
        for k, char in enumerate(piece.text):
            i = piece.start + k
            reading = phrase.readings[k]
            options = cedict[k]
            guess = guesses.get(i)
            if guess is not None:
                reading, options = self._vote(sentence, piece, k, phrase, options, guess, decided)
            if options and reading and neutral_in(options, reading):
                reading = reading[:-1] + "5"
            decided.readings[i] = reading
            if char == YI and self.resources.ends_word(piece.text, k, phrase):
                decided.keep.add(i)  # 统一, 第一, 之一, 统一战线: the end of a word, not a count

    def _vote(
        self,
        sentence: str,
        piece: Piece,
        k: int,
        phrase: Phrase,
        options: tuple[str, ...] | None,
        guess: Guess,
        decided: _Decisions,
    ) -> tuple[str, tuple[str, ...] | None]:
        """A guessed character's reading, the model's guess voted against the dictionaries
        (across a word boundary when no entry covers it); and CC-CEDICT's readings it used."""
        i = piece.start + k
        covering = phrase.readings[k] if phrase.covered[k] else None
        if covering is None and not options:
            covering, options = self.resources.across(sentence, i, piece)
            if covering is not None and sentence[i + 1 : i + 2] in VERB_PARTICLES:
                decided.bridged.add(i)
        # The model knows little of names; CEDICT lists many (华罗庚 Huà).
        person = piece.pos in PERSON
        reading, doubtful = vote(covering, options or (), guess, person)
        # A guess that lands on pypinyin's own reading has two sources behind it.
        if doubtful and not same(reading, phrase.readings[k]):
            decided.unsure.add(i)
        return reading, options

    def _word(self, piece: Piece, readings: Sequence[str | None], unsure: set[int]) -> Word:
        """One all-Han word with its decided reading, numbered, proper nouns capitalised."""
        word, flag = piece.text, piece.pos
        span = range(piece.start, piece.start + len(word))
        tone3 = [readings[i] or default_reading(word[i - piece.start]) for i in span]
        # A character no dictionary reads (a rare one, a mark) has no reading: never itself.
        tone3 = ["" if _UNREAD.search(s) or not s.rstrip("12345") else s for s in tone3]
        if piece.titled:
            # 王子铭 after 我叫: a Chinese name of three or four characters, surname apart.
            tone3 = capitalise(word, flag, tone3, split_name=len(word) > 2)
        elif flag in PROPER and len(word) >= 2 and word not in NOT_PROPER:
            tone3 = proper_noun(word, flag, tone3, self.resources, word in self._user_word_set)
        elif len(word) >= 2 and word not in NOT_PROPER:
            # A proper noun jieba tags otherwise (汉语 nz, 春节 t, 长江): CEDICT writes it.
            starts = self.resources.proper_starts(word)
            if starts:
                tone3 = capitalise_at(tone3, starts)
        return Word(
            text=word,
            reading=tuple(tone3),
            pos=flag,
            uncertain=any(i in unsure for i in span),
        )

    def annotate(self, article: Article) -> AnnotatedArticle:
        """Annotate every sentence of an article (code blocks and code spans pass through)."""
        plans = [
            [] if p.kind == "code" else _chunks(p.sentences, p.spans) for p in article.paragraphs
        ]
        prose = [text for plan in plans for chunks in plan for text, code in chunks if not code]
        read = iter(same_names(self._read_all(prose)))
        paragraphs = []
        for paragraph, plan in zip(article.paragraphs, plans, strict=True):
            if paragraph.kind == "code":
                sentences = tuple(
                    AnnotatedSentence(text=s, words=(Word(text=s, pos="code"),))
                    for s in paragraph.sentences
                )
            else:
                sentences = tuple(
                    AnnotatedSentence(
                        text=s,
                        words=tuple(
                            word
                            for text, code in chunks
                            for word in ((Word(text=text, pos="code"),) if code else next(read))
                        ),
                    )
                    for s, chunks in zip(paragraph.sentences, plan, strict=True)
                )
            paragraphs.append(
                AnnotatedParagraph(
                    kind=paragraph.kind,
                    sentences=sentences,
                    marker=paragraph.marker,
                    spans=paragraph.spans,
                )
            )
        return AnnotatedArticle(
            source=article.source,
            paragraphs=tuple(paragraphs),
            pinyin_style=self.style,
            part=article.part,
            parts=article.parts,
        )


def _chunks(sentences: Sequence[str], spans: Sequence[Span]) -> list[list[tuple[str, bool]]]:
    """Each sentence cut where inline markup starts or ends: (text, whether it is code).

    Words never cross the edge of emphasis, a link or code, so each piece is read on its own;
    a sentence without markup stays whole.
    """
    edges = sorted({edge for span in spans for edge in (span.start, span.end)})
    code = [(span.start, span.end) for span in spans if span.kind == "code"]
    result = []
    offset = 0
    for sentence in sentences:
        end = offset + len(sentence)
        cuts = [offset, *(e for e in edges if offset < e < end), end]
        result.append(
            [
                (
                    sentence[a - offset : b - offset],
                    any(start <= a and b <= stop for start, stop in code),
                )
                for a, b in itertools.pairwise(cuts)
                if b > a
            ]
        )
        offset = end
    return result


def _as_written(original: str, words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Words read from a sentence's simplified form, given back the characters as written."""
    if "".join(w.text for w in words) == original:
        return words
    result = []
    offset = 0
    for word in words:
        text = original[offset : offset + len(word.text)]
        if text != word.text:
            parts = _as_written(text, word.parts) if word.parts else ()
            word = replace(word, text=text, parts=parts)
        result.append(word)
        offset += len(word.text)
    return tuple(result)


def annotate(article: Article, style: PinyinStyle = "marks") -> AnnotatedArticle:
    """Annotate one article with a fresh annotator (see `Annotator` to reuse jieba's state)."""
    return Annotator(style=style).annotate(article)
