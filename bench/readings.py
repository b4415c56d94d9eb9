"""Benchmark the word layer on the texts learners read: reader beside plain pypinyin.

Sets, each printed when present:
- gold: `bench/data/everyday-gold.jsonl`, everyday sentences written for reader, every word
  segmented as GB/T 16159 and a dictionary would, with its standard reading (Xiandai Hanyu
  Cidian: neutral tones, erhua as -r, dictionary tones for 一/不) and, for content words, the
  English sense that fits; written blind (from the sentences and the standard only), its
  word boundaries audited blind against GB/T 16159-2012 (`bench/data/AUDIT.md`).
- heldout: `bench/data/everyday-heldout.jsonl`, 120 more such sentences, written the same
  way after the rules were made; judge changes on gold, confirm them here.
- fresh: `bench/data/everyday-fresh.jsonl`, 120 sentences by a third writer who saw neither
  reader nor the other sets (2026-12-07), first run before any change made for it. Its
  neutral tones follow its own reading of Xiandai Hanyu Cidian (a syllable printed light but
  with a tone mark keeps the tone: dǎsuàn, qǐlái; 里 after a noun light, as GB/T's "hé li"),
  so compare its readings with neutral tones as full (`bench/data/AUDIT.md`).
- fresh2: `bench/data/everyday-fresh2.jsonl`, 100 sentences by a fourth writer (dialogues, a
  family story, learner news, a diary, notices), first run before any change made for it.
- fresh3: `bench/data/everyday-fresh3.jsonl`, 100 sentences by a fifth writer (HSK 1-2
  statements, a story of two classmates, health advice, messages, culture and travel).
- silver: the `hsk-sentences-audio` package (`pip install -e '.[bench]'`), 4,354 graded
  sentences whose pinyin is machine-made and about 1-2 % wrong: a second opinion, not truth;
  where it and the two systems disagreed, a hand audit (`bench/data/silver-audit.tsv`,
  sentences named by hash) gives the standard reading.
- cpp: CPP's dev split (../shared/bench/cpp-dev), one marked polyphone per sentence.
- samples: the sample articles (../shared/samples), with no gold: where the two differ.

For each: reading accuracy on every syllable and on polyphones (strict, and with a neutral
tone against a full one counted right), defects per 1,000 words by kind (wrong reading,
neutral tone, erhua, capitals, word split, gloss sense), the characters that reader gets
wrong more often than pypinyin, and the run time. pypinyin's column is `lazy_pinyin` over
the whole sentence; its word split is jieba's plain `cut`; it has no glosses nor capitals.

A word split is counted where a gold word is not one of the system's words. Where reader's
words and a gold set's differed, a blind judge ruled on each place by GB/T 16159-2012 and
Xiandai Hanyu Cidian's headwords (`bench/data/split-audit.tsv`): where the judge found for
the other form, that form counts right (and the gold set's a split); where the standard does
not decide ("open"), either form is right and is counted apart, as "split (standard
undecided)", so that the split figure counts what the standard decides.

A gloss is first compared by keywords with the gold sense; the ones that check flags were
judged by hand (`bench/data/gloss-audit.tsv`: most say it in other words, "mama; mommy" for
"mum"). The gloss figure counts the flags judged wrong and those not judged yet (a gloss that
changed since); the line below it gives the keyword check's own count.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.annotate import Annotator  # noqa: E402
from reader.annotate.dictionary import Dictionary, gloss_article  # noqa: E402
from reader.model import Article, Paragraph, Word  # noqa: E402
from reader.text import HAN  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "everyday-gold.jsonl"
# Where reader, pypinyin and the silver pinyin disagreed, the reading judged by hand from
# Xiandai Hanyu Cidian (218 positions; 一/不 sandhi, a convention, left as the silver has it).
SILVER_AUDIT = GOLD.parent / "silver-audit.tsv"
HELDOUT = Path(__file__).resolve().parent / "data" / "everyday-heldout.jsonl"
FRESH = Path(__file__).resolve().parent / "data" / "everyday-fresh.jsonl"
FRESH2 = Path(__file__).resolve().parent / "data" / "everyday-fresh2.jsonl"
FRESH3 = Path(__file__).resolve().parent / "data" / "everyday-fresh3.jsonl"
# Every gloss the keyword check flags on the gold sets, judged by hand (see the file's head):
# the gloss figure counts those judged wrong and those not judged yet.
GLOSS_AUDIT = GOLD.parent / "gloss-audit.tsv"
RIGHT_IN_OTHER_WORDS = frozenset({"first", "later", "gold"})
# Every place where reader's words and a gold set's still differed, judged blind by the
# standard (GB/T 16159-2012, Xiandai Hanyu Cidian's headwords): for the gold side, for the
# other, or "open" where the standard does not decide (both written forms right) or "name"
# (a personal name whole or in its parts, which the capitals figure judges).
SPLIT_AUDIT = GOLD.parent / "split-audit.tsv"
# Where the judge found for the other form, the gold set keeps its own and the bench counts
# the other form right (and the gold set's a split).
OPEN_VERDICTS = frozenset({"open", "name"})
SHARED = ROOT.parent / "shared"
SYLLABLE = re.compile(r"([A-Za-zÜüv:]+[1-5])|(r)(?![a-z])")
KINDS = ("reading", "neutral", "erhua", "capital", "split", "open split", "gloss")
LABELS = {"split": "split (as the standard decides)", "open split": "split (standard undecided)"}
STOP = frozenset(
    "to a an the of be sb sth one's oneself name surname (name) in on at for and or with "
    "as by is are was (of) used also".split()
)
CHUNK = 256
EXAMPLES = 12


@dataclass(frozen=True)
class Gold:
    """One gold word: its text, syllables (one per character; erhua `r`), capitals and sense."""

    text: str
    syllables: tuple[str, ...]
    capitals: tuple[bool, ...]
    sense: str


@dataclass(frozen=True)
class Sentence:
    """A sentence with its gold words (empty when only per-character readings are known)."""

    text: str
    words: tuple[Gold, ...] = ()
    readings: tuple[str, ...] = ()
    """Per-character gold readings where no words are given (silver), '' for non-Han."""


@dataclass
class Tally:
    """What one system got right and wrong on one set."""

    syllables: int = 0
    right: int = 0
    lenient: int = 0
    poly: int = 0
    poly_right: int = 0
    poly_lenient: int = 0
    words: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    wrong_chars: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    keep: int = 12
    glossed: int = 0
    """Gold words with a sense that reader's words matched, so their glosses were compared."""
    flags: Counter[str] = field(default_factory=Counter)
    """Glosses the keyword check flagged, by the hand audit's verdict ('' not judged)."""

    def note(self, kind: str, example: str) -> None:
        """Count one defect and keep a few examples of it."""
        self.defects[kind] += 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < self.keep:
            shown.append(example)


def parse_reading(pinyin: str, text: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Numbered syllables (one per Han character) and which start with a capital."""
    syllables: list[str] = []
    capitals: list[bool] = []
    for match in SYLLABLE.finditer(pinyin.replace("'", " ")):
        s = match.group(0)
        syllables.append(s.lower().replace("v", "ü").replace("u:", "ü"))
        capitals.append(s[:1].isupper())
    han = len(HAN.findall(text))
    if len(syllables) != han:
        raise ValueError(f"{text!r}: {pinyin!r} has {len(syllables)} syllables for {han}")
    return tuple(syllables), tuple(capitals)


def _syllable(numbered: str) -> str:
    """A numbered syllable as the gold set writes it: ü for v and u:, erhua r5 as r."""
    s = numbered.lower().replace("v", "ü").replace("u:", "ü")
    return "r" if s == "r5" else s


def load_gold(path: Path) -> list[Sentence]:
    """The gold set: one JSON object a line (see the module docstring)."""
    sentences = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        words = []
        for text, pinyin, sense in item["words"]:
            if not HAN.search(text):
                continue
            syllables, capitals = parse_reading(pinyin, text)
            words.append(Gold(text, syllables, capitals, sense))
        if "".join(w[0] for w in item["words"]) != item["text"]:
            raise SystemExit(f"{path}:{number}: the words don't join to the sentence")
        sentences.append(Sentence(item["text"], tuple(words)))
    return sentences


def load_silver(audit: Path | None = None) -> list[Sentence]:
    """hsk-sentences-audio's sentences whose syllables align with their Han characters, with
    the readings a hand audit (`SILVER_AUDIT`: sentence hash, index, reading) corrected."""
    try:
        from hsk_sentences_audio import load_sentences
    except ImportError:
        return []
    judged = load_audit(audit or SILVER_AUDIT)
    result = []
    for item in load_sentences():
        text = item["chinese"]
        syllables = [_syllable(s) for s in item["pinyin_numbered"].split()]
        if len(syllables) != len(HAN.findall(text)):
            continue
        it = iter(syllables)
        readings = [next(it) if HAN.match(c) else "" for c in text]
        key = sentence_key(text)
        for at, reading in judged.get(key, {}).items():
            readings[at] = reading
        result.append(Sentence(text, readings=tuple(readings)))
    return result


def sentence_key(text: str) -> str:
    """How the silver audit names a sentence without copying it: its SHA-1's first 12 digits."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_audit(path: Path) -> dict[str, dict[int, str]]:
    """The hand audit of the silver set: for each sentence key, index → the standard reading."""
    if not path.exists():
        return {}
    judged: dict[str, dict[int, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, at, reading = line.split("\t")[:3]
        judged.setdefault(key, {})[int(at)] = reading
    return judged


@cache
def load_gloss_audit(path: Path = GLOSS_AUDIT) -> dict[tuple[str, int, str], str]:
    """The hand judgement of flagged glosses: (sentence key, offset, gloss key) → verdict."""
    if not path.exists():
        return {}
    judged: dict[tuple[str, int, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("sentence\t"):
            continue
        key, at, _, gloss, verdict = line.split("\t")[:5]
        judged[(key, int(at), gloss)] = verdict
    return judged


@dataclass(frozen=True)
class Place:
    """A span of a gold sentence whose word split a blind judge ruled on, with the two forms
    judged (as spans)."""

    start: int
    end: int
    verdict: str
    gold: tuple[tuple[int, int], ...]
    other: tuple[tuple[int, int], ...]

    def inside(self, spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        """The spans of a system's words that lie within the place."""
        return tuple(sp for sp in spans if self.start <= sp[0] and sp[1] <= self.end)


def _spans(start: int, words: str) -> tuple[tuple[int, int], ...]:
    """The spans of space-separated words written from `start` on."""
    spans = []
    for word in words.split():
        spans.append((start, start + len(word)))
        start += len(word)
    return tuple(spans)


@cache
def load_split_audit(path: Path = SPLIT_AUDIT) -> dict[str, tuple[Place, ...]]:
    """The blind judgement of the places where reader's words and a gold set's differed:
    sentence key → its places (a verdict for the gold form changes nothing and is not kept)."""
    if not path.exists():
        return {}
    places: dict[str, list[Place]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        _, key, start, end, span, verdict, gold, other = line.split("\t")[:8]
        if "".join(gold.split()) != span or "".join(other.split()) != span:
            raise SystemExit(f"{path}: {span}: a judged form does not spell its span")
        if verdict != "gold":
            a, e = int(start), int(end)
            place = Place(a, e, verdict, _spans(a, gold), _spans(a, other))
            places.setdefault(key, []).append(place)
    return {key: tuple(found) for key, found in places.items()}


def split_kind(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    """How a gold word the system did not write is counted: not at all where the judge found
    for the other form and the system wrote it; an "open split" where the judge found the
    standard undecided and the system wrote one of the two forms; else a "split"."""
    for place in load_split_audit().get(sentence_key(text), ()):
        if place.start <= start and end <= place.end:
            inside = place.inside(spans)
            if place.verdict == "other" and inside == place.other:
                return ""
            if place.verdict in OPEN_VERDICTS and inside in (place.gold, place.other):
                return "open split"
    return "split"


def rejected(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """The words of the form the judge found for, where the system wrote the gold set's form
    that the standard rejects: each a split."""
    missed = []
    for place in load_split_audit().get(sentence_key(text), ()):
        if place.verdict == "other" and place.inside(spans) == place.gold:
            missed += [text[a:b] for a, b in place.other if (a, b) not in place.gold]
    return missed


def load_cpp(folder: Path) -> list[Sentence]:
    """CPP's dev split: one marked character per sentence, the others unknown ('?')."""
    mark = "\u2581"
    sent = (folder / "dev.sent").read_text(encoding="utf-8").splitlines()
    labels = (folder / "dev.lb").read_text(encoding="utf-8").splitlines()
    result = []
    for marked, label in zip(sent, labels, strict=True):
        index = marked.find(mark)
        text = marked.replace(mark, "")
        readings = ["?"] * len(text)
        readings[index] = _syllable(label.strip())
        result.append(Sentence(text, readings=tuple(readings)))
    return result


def load_samples(folder: Path) -> list[Sentence]:
    """The sample articles' lines, with no gold readings."""
    result = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if HAN.search(line):
                result.append(Sentence(line.strip(), readings=tuple("?" * len(line.strip()))))
    return result


def polyphones() -> frozenset[str]:
    """Characters that pypinyin reads more than one way (tones ignored only for neutral)."""
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for code, readings in pinyin_dict.items():
        if len({r for r in readings.split(",")}) > 1:
            found.add(chr(code))
    return frozenset(found)


def same(a: str, b: str) -> bool:
    """One reading, or two that differ only by a neutral tone."""
    return a == b or (a[:-1] == b[:-1] and "5" in (a[-1:], b[-1:]))


def reader_words(
    annotator: Annotator, dictionary: Dictionary, texts: Sequence[str]
) -> list[tuple[Word, ...]]:
    """reader's words for each sentence, glossed, through the path `reader convert` takes."""
    result: list[tuple[Word, ...]] = []
    for start in range(0, len(texts), CHUNK):
        chunk = texts[start : start + CHUNK]
        article = Article(
            source="bench", paragraphs=tuple(Paragraph(kind="text", sentences=(s,)) for s in chunk)
        )
        glossed = gloss_article(annotator.annotate(article), dictionary)
        result.extend(p.sentences[0].words for p in glossed.paragraphs)
    return result


def per_char(words: Sequence[Word]) -> tuple[list[str], list[bool], list[tuple[int, int]]]:
    """Readings, capitals and word spans of reader's words, per character of the sentence.

    The spans are the words as pinyin writes them: a phrase kept whole for its meaning is
    cut where its syllables are written apart (打电话 dǎ diànhuà: 打, 电话; see `Word.apart`).
    """
    readings: list[str] = []
    capitals: list[bool] = []
    spans = []
    offset = 0
    for word in words:
        spans.extend(written_words(word, offset))
        if word.reading and len(word.reading) == len(word.text):
            for s in word.reading:
                readings.append(s.lower())
                capitals.append(s[:1].isupper())
        else:
            readings.extend([""] * len(word.text))
            capitals.extend([False] * len(word.text))
        offset += len(word.text)
    return readings, capitals, spans


def written_words(word: Word, offset: int) -> list[tuple[int, int]]:
    """The spans of the words pinyin writes for one of reader's words that starts at `offset`:
    the word, or its pieces where its syllables are written apart (`Word.apart`)."""
    if not word.apart or len(word.reading) != len(word.text):
        return [(offset, offset + len(word.text))]
    cuts = [0, *word.apart, len(word.text)]
    return [(offset + a, offset + b) for a, b in itertools.pairwise(cuts)]


def plain(texts: Sequence[str]) -> list[tuple[list[str], list[tuple[int, int]]]]:
    """pypinyin alone over each whole sentence, and jieba's plain cut for its word spans."""
    import jieba
    from pypinyin import Style, lazy_pinyin

    result = []
    for text in texts:
        readings = [""] * len(text)
        found = lazy_pinyin(
            text,
            style=Style.TONE3,
            neutral_tone_with_five=True,
            v_to_u=True,
            errors=lambda s: ["" for _ in s],
        )
        if len(found) == len(text):
            readings = [str(r) if HAN.match(c) else "" for c, r in zip(text, found, strict=True)]
        spans = []
        offset = 0
        for token in jieba.cut(text):
            spans.append((offset, offset + len(token)))
            offset += len(token)
        result.append((readings, spans))
    return result


# Words the gold writers and CC-CEDICT use for the same thing.
SAME = {"measu": "class"}


def keywords(sense: str) -> set[str]:
    """The content words of an English sense, for a loose comparison: their first five
    letters, a plural's without its -s (kinds, kind), British -our as -or (favour, favor)."""
    words = re.findall(r"[a-z]+", sense.lower())
    return {_stem(w) for w in words if w not in STOP}


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    word = re.sub(r"our$", "or", word)
    return SAME.get(word[:5], word[:5])


def score(
    tally: Tally,
    sentence: Sentence,
    readings: Sequence[str],
    capitals: Sequence[bool] | None,
    spans: Sequence[tuple[int, int]],
    glosses: dict[tuple[int, int], str] | None,
    poly: frozenset[str],
) -> None:
    """Compare one system's readings of one sentence with the gold."""
    text = sentence.text
    gold, gold_spans = gold_readings(sentence)
    count_syllables(tally, text, gold, readings, poly)
    if not sentence.words:
        tally.words += max(1, sum(1 for a, b in spans if any(HAN.match(c) for c in text[a:b])))
        for i, char, g, got in graded(text, gold, readings):
            if got == g:
                continue
            context = f"{text[max(0, i - 4) : i]}[{char}]{text[i + 1 : i + 5]} {got}≠{g}"
            tally.note(defect(char, g, got), context)
        return
    span_set = set(spans)
    for offset, word in gold_spans:
        tally.words += 1
        score_word(tally, text, offset, word, readings, capitals, spans, span_set, glosses)
    for word in rejected(text, spans):
        tally.note("split", f"{word} (the judge's form) written as the gold set's")


def gold_readings(sentence: Sentence) -> tuple[list[str], list[tuple[int, Gold]]]:
    """The gold reading of each character, and where each gold word starts (none: no words)."""
    text = sentence.text
    if not sentence.words:
        return list(sentence.readings), []
    gold = [""] * len(text)
    gold_spans = []
    search_from = 0
    for word in sentence.words:
        offset = text.index(word.text, search_from)
        search_from = offset + len(word.text)
        gold_spans.append((offset, word))
        han = [i for i in range(offset, offset + len(word.text)) if HAN.match(text[i])]
        for i, s in zip(han, word.syllables, strict=True):
            gold[i] = s
    return gold, gold_spans


def graded(
    text: str, gold: Sequence[str], readings: Sequence[str]
) -> Iterator[tuple[int, str, str, str]]:
    """(position, character, gold reading, system's reading) of each Han character that has a
    gold reading."""
    for i, char in enumerate(text):
        g = gold[i] if i < len(gold) else ""
        if not g or g == "?" or not HAN.match(char):
            continue
        yield i, char, g, readings[i] if i < len(readings) else ""


def count_syllables(
    tally: Tally, text: str, gold: Sequence[str], readings: Sequence[str], poly: frozenset[str]
) -> None:
    """Count the syllables read right (strictly and leniently), polyphones apart, and the
    characters read wrong."""
    for _, char, g, got in graded(text, gold, readings):
        tally.syllables += 1
        tally.right += got == g
        tally.lenient += same(got, g) or (g == "r" and got == "r")
        if char in poly:
            tally.poly += 1
            tally.poly_right += got == g
            tally.poly_lenient += same(got, g) or (g == "r" and got == "r")
        if not (same(got, g) or g == got):
            if "r" in (g, got) and char == "儿":
                continue
            tally.wrong_chars[char] += 1


def defect(char: str, gold: str, got: str) -> str:
    """The kind of a wrong reading: erhua, neutral tone, or the reading itself."""
    if char == "儿" and "r" in (gold, got):
        return "erhua"
    if same(got, gold):
        return "neutral"
    return "reading"


def score_word(
    tally: Tally,
    text: str,
    offset: int,
    word: Gold,
    readings: Sequence[str],
    capitals: Sequence[bool] | None,
    spans: Sequence[tuple[int, int]],
    span_set: set[tuple[int, int]],
    glosses: dict[tuple[int, int], str] | None,
) -> None:
    """Note one gold word's defects: its readings, capitals, split and gloss."""
    end = offset + len(word.text)
    han = [i for i in range(offset, end) if HAN.match(text[i])]
    got = [readings[i] if i < len(readings) else "" for i in han]
    shown = f"{word.text} {' '.join(got)}≠{' '.join(word.syllables)}"
    kinds = {
        defect(text[i], g, r) for g, r, i in zip(word.syllables, got, han, strict=True) if g != r
    }
    for kind in sorted(kinds):
        tally.note(kind, shown)
    if capitals is not None:
        caps = [capitals[i] for i in han]
        if tuple(caps) != word.capitals:
            ours = " ".join(s.upper() if c else s for s, c in zip(got, caps, strict=True))
            tally.note("capital", f"{word.text} {ours} (gold caps {word.capitals})")
    if (offset, end) not in span_set:
        inside = [text[a:b] for a, b in spans if a < end and b > offset]
        kind = split_kind(text, offset, end, spans)
        if kind:
            tally.note(kind, f"{word.text} → {'|'.join(inside)}")
    elif glosses is not None and word.sense:
        gloss = glosses.get((offset, end), "")
        wanted = keywords(word.sense)
        tally.glossed += bool(wanted)
        if wanted and not wanted & keywords(gloss):
            verdict = load_gloss_audit().get((sentence_key(text), offset, sentence_key(gloss)), "")
            tally.flags[verdict] += 1
            if verdict not in RIGHT_IN_OTHER_WORDS:
                judged = "judged wrong" if verdict else "not judged"
                tally.note("gloss", f"{word.text} “{gloss[:50]}” (gold “{word.sense}”, {judged})")


def run_set(
    name: str,
    sentences: Sequence[Sentence],
    annotator: Annotator,
    dictionary: Dictionary,
    poly: frozenset[str],
) -> tuple[Tally, Tally]:
    """Score reader and pypinyin on one set."""
    texts = [s.text for s in sentences]
    ours, theirs = Tally(keep=EXAMPLES), Tally(keep=EXAMPLES)
    started = time.perf_counter()
    words = reader_words(annotator, dictionary, texts)
    ours.seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = plain(texts)
    theirs.seconds = time.perf_counter() - started
    for sentence, found, (readings, spans) in zip(sentences, words, baseline, strict=True):
        r, caps, our_spans = per_char(found)
        # A phrase written apart in pinyin (打 电话) shows its one gloss on each of its words.
        glosses = {}
        offset = 0
        for w in found:
            for span in written_words(w, offset):
                glosses[span] = w.gloss
            offset += len(w.text)

        score(ours, sentence, r, caps, our_spans, glosses, poly)
        score(theirs, sentence, readings, None, spans, None, poly)
    return ours, theirs


def disagreements(
    sentences: Sequence[Sentence], annotator: Annotator, dictionary: Dictionary
) -> tuple[int, int, Counter[str], float]:
    """Syllables where reader and pypinyin differ in reading (neutral tones aside), by character."""
    texts = [s.text for s in sentences]
    started = time.perf_counter()
    words = reader_words(annotator, dictionary, texts)
    seconds = time.perf_counter() - started
    total = differ = 0
    chars: Counter[str] = Counter()
    for text, found, (readings, _) in zip(texts, words, plain(texts), strict=True):
        ours = per_char(found)[0]
        for i, char in enumerate(text):
            if HAN.match(char) and readings[i]:
                total += 1
                if not same(ours[i], readings[i]) and not (char == "儿" and ours[i] == "r"):
                    differ += 1
                    chars[char] += 1
    return total, differ, chars, seconds


def percent(a: int, b: int) -> str:
    """a / b as a percentage."""
    return f"{100 * a / b:6.2f} %" if b else "     — "


def report(name: str, ours: Tally, theirs: Tally, verbose: bool) -> None:
    """Print one set's figures, reader and pypinyin side by side."""
    print(f"\n== {name}: {ours.words} words, {ours.syllables} syllables with gold ==")
    print(f"{'':32}{'reader':>12}{'pypinyin':>12}")
    rows = [
        ("syllables right (strict)", ours.right, theirs.right, ours.syllables),
        ("syllables right (neutral as full)", ours.lenient, theirs.lenient, ours.syllables),
        ("polyphones right (strict)", ours.poly_right, theirs.poly_right, ours.poly),
        ("polyphones right (neutral as full)", ours.poly_lenient, theirs.poly_lenient, ours.poly),
    ]
    for label, a, b, total in rows:
        print(f"{label:34}{percent(a, total):>10}{percent(b, total):>12}")
    print("defects per 1,000 words:")
    for kind in KINDS:
        a = 1000 * ours.defects[kind] / max(ours.words, 1)
        b = 1000 * theirs.defects[kind] / max(theirs.words, 1)
        shown_b = "—" if kind in ("capital", "gloss") else f"{b:.1f}"
        print(f"  {LABELS.get(kind, kind):32}{a:>10.1f}{shown_b:>12}")
    worse = {
        c: (n, theirs.wrong_chars[c])
        for c, n in ours.wrong_chars.items()
        if n > theirs.wrong_chars[c]
    }
    listed = " ".join(f"{c} {n}:{m}" for c, (n, m) in sorted(worse.items(), key=lambda x: -x[1][0]))
    if ours.glossed:
        flagged = sum(ours.flags.values())
        right = sum(ours.flags[v] for v in RIGHT_IN_OTHER_WORDS)
        print(
            f"  gloss: {ours.glossed} compared, {flagged} flagged by the keyword check"
            f" ({1000 * flagged / max(ours.words, 1):.1f} per 1,000 words): {right} judged right"
            f" in other words ({ours.flags['later']} of them only after the first meaning),"
            f" {ours.flags['wrong']} judged wrong, {ours.flags['']} not judged yet"
        )
    print("characters reader gets wrong more often than pypinyin (reader:pypinyin):")
    print(f"  {listed or 'none'}")
    print(f"time: reader {ours.seconds:.2f} s, pypinyin {theirs.seconds:.2f} s")
    if verbose:
        for kind in KINDS:
            for example in ours.examples.get(kind, []):
                print(f"  reader {kind}: {example}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="the everyday gold set (JSONL)")
    parser.add_argument("--cpp", type=Path, default=SHARED / "bench" / "cpp-dev")
    parser.add_argument("--samples", type=Path, default=SHARED / "samples")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="the held-out gold set")
    parser.add_argument("--fresh", type=Path, default=FRESH, help="the third gold set")
    parser.add_argument("--fresh2", type=Path, default=FRESH2, help="the fourth gold set")
    parser.add_argument("--fresh3", type=Path, default=FRESH3, help="the fifth gold set")
    parser.add_argument(
        "--sets",
        default="gold,heldout,fresh,fresh2,fresh3,silver,cpp,samples",
        help="which sets to run",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print examples of defects")
    parser.add_argument("--examples", type=int, default=12, help="examples kept per kind (-v)")
    args = parser.parse_args(argv)
    wanted = set(args.sets.split(","))
    global EXAMPLES
    EXAMPLES = args.examples

    poly = polyphones()
    with tempfile.TemporaryDirectory() as cache:
        annotator = Annotator(style="numbers", cache_dir=Path(cache))
        dictionary = Dictionary(Path(cache))
        started = time.perf_counter()
        annotator.words("重")
        print(f"load: {time.perf_counter() - started:.2f} s")
        sets: list[tuple[str, list[Sentence]]] = []
        if "gold" in wanted and args.gold.exists():
            sets.append(("gold (everyday, written blind)", load_gold(args.gold)))
        if "heldout" in wanted and args.heldout.exists():
            sets.append(
                ("held-out gold (written blind, kept out of development)", load_gold(args.heldout))
            )
        if "fresh" in wanted and args.fresh.exists():
            sets.append(
                (
                    "fresh gold (a third writer, blind; its own neutral-tone convention)",
                    load_gold(args.fresh),
                )
            )
        if "fresh2" in wanted and args.fresh2.exists():
            sets.append(
                (
                    "fresh gold 2 (a fourth writer, blind: dialogues, a story, news, notices)",
                    load_gold(args.fresh2),
                )
            )
        if "fresh3" in wanted and args.fresh3.exists():
            sets.append(
                (
                    "fresh gold 3 (a fifth writer, blind: HSK 1-2, a story, health, messages)",
                    load_gold(args.fresh3),
                )
            )
        if "silver" in wanted:
            silver = load_silver()
            if silver:
                sets.append(("silver (hsk-sentences-audio, machine pinyin)", silver))
            else:
                print("silver: hsk-sentences-audio is not installed (pip install -e '.[bench]')")
        if "cpp" in wanted and (args.cpp / "dev.sent").exists():
            sets.append(("CPP dev (one polyphone a sentence)", load_cpp(args.cpp)))
        for name, sentences in sets:
            ours, theirs = run_set(name, sentences, annotator, dictionary, poly)
            report(name, ours, theirs, args.verbose)
        if "samples" in wanted and args.samples.is_dir():
            total, differ, chars, seconds = disagreements(
                load_samples(args.samples), annotator, dictionary
            )
            print(f"\n== samples: {total} syllables, no gold ==")
            share = percent(differ, total).strip()
            print(f"reader differs from pypinyin on {differ} ({share}), in {seconds:.2f} s")
            print("most often: " + " ".join(f"{c} {n}" for c, n in chars.most_common(25)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
