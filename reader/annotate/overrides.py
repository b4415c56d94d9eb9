"""User files that steer annotation: reading overrides (TOML or TSV) and jieba user dictionaries."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.errors import InputError
from reader.text import HAN_RUN

_TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
_NUMBERED = re.compile(r"^([a-zü]+)([0-5])$")
_BARE = re.compile(r"^[a-zü]+$")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)")
_EXAMPLE = 'e.g. "银行" = "yín háng" or "yin2 hang2"'
_TSV_EXAMPLE = "e.g. 银行<TAB>yín háng or 银行<TAB>yin2 hang2"


@dataclass(frozen=True, slots=True)
class UserWord:
    """One line of a jieba user dictionary."""

    word: str
    """The word to keep whole."""
    freq: int | None
    """Its frequency (higher keeps it whole more surely); None lets jieba choose."""
    tag: str | None
    """Its part-of-speech tag (`nr` person, `ns` place, `nz` other proper noun …), or None."""


def load_overrides(path: Path) -> dict[str, tuple[str, ...]]:
    """Read a TOML (`.toml`) or TSV file of word → reading; readings come back numbered."""
    text = _read_text(path, "reading overrides")
    toml = path.suffix.lower() == ".toml"
    pairs = _toml_pairs(path, text) if toml else _tsv_pairs(path, text)
    example = _EXAMPLE if toml else _TSV_EXAMPLE
    valid = _valid_syllables()
    result: dict[str, tuple[str, ...]] = {}
    for line, word, reading in pairs:
        where = f"{path}:{line}" if line else str(path)
        if not HAN_RUN.fullmatch(word):
            raise InputError(
                f"{where}: {_quoted(word)} is not a Chinese word; override words are Chinese "
                f"characters only ({example})"
            )
        result[word] = parse_reading(reading, len(word), where, word, valid, example)
    return result


def apply_overrides(
    overrides: Mapping[str, tuple[str, ...]], sentence: str, readings: list[str | None]
) -> set[int]:
    """Put the user's readings in place in `readings` (longest match first); returns the
    positions they set."""
    pinned: set[int] = set()
    longest = max(map(len, overrides), default=0)
    i = 0
    while i < len(sentence):
        for size in range(min(longest, len(sentence) - i), 0, -1):
            reading = overrides.get(sentence[i : i + size])
            if reading is not None:
                for k, syllable in enumerate(reading):
                    readings[i + k] = syllable
                    pinned.add(i + k)
                i += size
                break
        else:
            i += 1
    return pinned


def _quoted(value: str, limit: int = 40) -> str:
    """A user's value quoted for a message, cut short when long (a line, not a whole file)."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value)} characters)"


def parse_reading(
    reading: str,
    count: int,
    where: str,
    word: str,
    valid: frozenset[str] | None = None,
    example: str = _EXAMPLE,
) -> tuple[str, ...]:
    """One override reading as numbered syllables (`yin2`, `ma5`); InputError if it isn't pinyin."""
    valid = valid if valid is not None else _valid_syllables()
    syllables = reading.replace("'", " ").replace("’", " ").split()
    if len(syllables) != count:
        raise InputError(
            f"{where}: {word!r} has {count} character(s) but the reading {_quoted(reading)} has "
            f"{len(syllables)} syllable(s); give one syllable per character, separated by "
            f"spaces ({example})"
        )
    result = []
    for syllable in syllables:
        numbered = _numbered(syllable, valid)
        if numbered is None:
            raise InputError(
                f"{where}: {_quoted(syllable)} in the reading of {word!r} is not a pinyin "
                f"syllable; write tone marks or tone numbers 1-5 ({example})"
            )
        result.append(numbered)
    return tuple(result)


def load_user_dict(path: Path) -> tuple[UserWord, ...]:
    """Read a jieba user dictionary: one `word [freq] [tag]` a line; InputError on a bad line."""
    text = _read_text(path, "user dictionary")
    words = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word, rest = parts[0], parts[1:]
        freq: int | None = None
        tag: str | None = None
        if rest and re.fullmatch(r"[0-9]+", rest[0]):
            freq = int(rest.pop(0))
            if freq <= 0:
                raise InputError(
                    f"{path}:{number}: frequency of {word!r} must be a positive number; "
                    "write `word [freq] [tag]`, e.g. `杨澜浩 10 nr`"
                )
        if rest and re.fullmatch(r"[a-zA-Z]+", rest[0]):
            tag = rest.pop(0)
        if rest:
            raise InputError(
                f"{path}:{number}: can't read {line!r}; write one `word [freq] [tag]` a line "
                "with a whole number as freq, e.g. `杨澜浩 10 nr`"
            )
        words.append(UserWord(word=word, freq=freq, tag=tag))
    return tuple(words)


def _read_text(path: Path, what: str) -> str:
    """A UTF-8 text file's content, or an InputError naming the file and the fix."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what} file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a {what} file; name the file") from None
    except OSError as exc:
        raise InputError(f"{path}: can't read the {what} file ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: the {what} file is not UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from None


def _toml_pairs(path: Path, text: str) -> list[tuple[int, str, str]]:
    """(line, word, reading) from a TOML file of `"word" = "reading"` lines."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The parser's message ends "(at line N, column M)": put the line where editors look.
        found = _AT_LINE.search(str(exc))
        where = f"{path}:{found.group(1)}" if found else str(path)
        cause = _AT_LINE.sub("", str(exc)).strip()
        raise InputError(
            f'{where}: not valid TOML ({cause}); write one `"word" = "reading"` a line ({_EXAMPLE})'
        ) from None
    pairs = []
    lines = _key_lines(text)
    for word, reading in _flatten(data):
        line = lines.get(word, 0)
        if not isinstance(reading, str):
            where = f"{path}:{line}" if line else str(path)
            raise InputError(
                f"{where}: the reading of {word!r} must be a string in quotes ({_EXAMPLE})"
            )
        pairs.append((line, word, reading))
    return pairs


def _flatten(data: Mapping[str, object]) -> Iterable[tuple[str, object]]:
    """Key/value pairs of a TOML document, tables (e.g. `[readings]`) opened one level."""
    for key, value in data.items():
        if isinstance(value, dict):
            yield from value.items()
        else:
            yield key, value


_KEY = re.compile(r"""^\s*["']?([^"'=\s]+)""")


def _key_lines(text: str) -> dict[str, int]:
    """The 1-based line where each key is first written, for error messages (one pass)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key = _KEY.match(line)
        if key:
            found.setdefault(key.group(1), number)
    return found


def _tsv_pairs(path: Path, text: str) -> list[tuple[int, str, str]]:
    """(line, word, reading) from a TSV file of `word<TAB>reading` lines (`#` comments)."""
    pairs = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in raw.split("\t")]
        if len(fields) != 2 or not all(fields):
            raise InputError(
                f"{path}:{number}: expected a word, one tab, then its reading ({_TSV_EXAMPLE}); "
                "name the file .toml if it is TOML"
            )
        pairs.append((number, fields[0], fields[1]))
    return pairs


def _numbered(syllable: str, valid: frozenset[str]) -> str | None:
    """A syllable with tone marks or a tone number as `base` + tone digit, or None."""
    text = unicodedata.normalize("NFD", syllable.lower())
    tones = [_TONE_MARKS[c] for c in text if c in _TONE_MARKS]
    base = unicodedata.normalize("NFC", "".join(c for c in text if c not in _TONE_MARKS))
    base = base.replace("u:", "ü").replace("v", "ü")
    match = _NUMBERED.fullmatch(base)
    if match:
        if tones:
            return None
        base, tone = match.group(1), match.group(2)
        tone = "5" if tone == "0" else tone
    elif _BARE.fullmatch(base) and len(tones) <= 1:
        tone = tones[0] if tones else "5"
    else:
        return None
    return f"{base}{tone}" if base in valid else None


def _valid_syllables() -> frozenset[str]:
    """Every toneless syllable pypinyin knows (ü written as ü)."""
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            text = unicodedata.normalize("NFD", reading)
            bare = "".join(c for c in text if c not in _TONE_MARKS)
            found.add(unicodedata.normalize("NFC", bare))
    return frozenset(found)
