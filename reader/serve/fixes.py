"""The user's corrections: the reading-overrides and user-dictionary files the web app writes.

They are the same formats `--pinyin-overrides` (TSV) and `--user-dict` read, so a fix made
in the browser also serves the command line. The last fix can be undone: the files' earlier
contents are kept beside them until the next fix.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from reader.annotate.overrides import load_overrides, load_user_dict, parse_reading
from reader.errors import InputError
from reader.options import default_cache_dir, xdg_folder
from reader.output import write_atomic
from reader.text import HAN_RUN

READINGS = "readings.tsv"
"""Reading overrides: `word<TAB>reading` lines (`--pinyin-overrides`)."""
WORDS = "words.txt"
"""jieba user dictionary: `word [freq]` lines (`--user-dict`)."""
UNDO = "last-fix.json"
"""The files' contents before the last fix, and which sheet it was made on."""

_HEADERS = {
    READINGS: "# reader: your readings, one `word<TAB>reading` a line (tone marks or numbers)\n",
    WORDS: "# reader: your words, one `word [freq]` a line (jieba user dictionary)\n",
}


def default_fixes_dir(environ: Mapping[str, str]) -> Path:
    """`$READER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/reader`, else `~/.config/reader`."""
    if environ.get("READER_CONFIG_DIR"):
        return Path(environ["READER_CONFIG_DIR"])
    return xdg_folder(environ, "XDG_CONFIG_HOME", ".config")


class Fixes:
    """Reads and writes the corrections in one folder; one fix at a time."""

    def __init__(self, folder: Path, cache_dir: Path | None = None) -> None:
        self.folder = folder
        self.cache_dir = cache_dir
        self._lock = threading.Lock()

    @property
    def readings(self) -> Path:
        """The reading-overrides file."""
        return self.folder / READINGS

    @property
    def words(self) -> Path:
        """The user-dictionary file."""
        return self.folder / WORDS

    def overrides(self) -> Path | None:
        """The overrides file to pass to the pipeline, if there is one."""
        return self.readings if self.readings.is_file() else None

    def user_dict(self) -> Path | None:
        """The user dictionary to pass to the pipeline, if there is one."""
        return self.words if self.words.is_file() else None

    def set_reading(self, word: str, reading: str, sheet: str) -> str:
        """Give a word the reading typed; returns what was done, in words."""
        word, reading = word.strip(), " ".join(reading.split())
        _check_word(word)
        parse_reading(reading, len(word), "your fix", word)
        with self._lock:
            self._remember(sheet, f"{word} read {reading}")
            lines = _without(_lines(self.readings), word, "\t")
            self._write(READINGS, [*lines, f"{word}\t{reading}"])
            self._check()
        return f"{word} is now read {reading}"

    def join(self, parts: Sequence[str], sheet: str) -> str:
        """Keep words that were cut apart as one word from now on."""
        parts = [p.strip() for p in parts if p.strip()]
        word = "".join(parts)
        if len(parts) < 2:
            raise InputError("join: pick a word and the word after it; nothing to join")
        _check_word(word)
        with self._lock:
            self._remember(sheet, f"{' + '.join(parts)} joined")
            lines = _without(_lines(self.words), word, " ")
            self._write(WORDS, [*lines, word])
            self._check()
        return f"{word} is now one word"

    def split(self, word: str, pieces: Sequence[str], sheet: str) -> str:
        """Cut a word into the pieces given from now on."""
        word = word.strip()
        pieces = [p for p in (piece.strip() for piece in pieces) if p]
        _check_word(word)
        if len(pieces) < 2 or "".join(pieces) != word:
            raise InputError(
                f"split: write {word} with spaces where it should be cut (e.g. "
                f"{word[:1]} {word[1:]}); the pieces must spell the word"
            )
        total, freq = _jieba_frequencies([word, *pieces], self.cache_dir)
        # jieba picks the most probable route: the pieces together must outweigh the word,
        # which stays listed (with the least weight) so that its HMM does not re-join them.
        needed = math.ceil(total ** ((len(pieces) - 1) / len(pieces))) * 2
        with self._lock:
            self._remember(sheet, f"{word} split as {' '.join(pieces)}")
            lines = _lines(self.words)
            for piece in [word, *pieces]:
                lines = _without(lines, piece, " ")
            entries = [f"{word} 1"]
            entries += [f"{p} {max(freq.get(p, 0), needed)}" for p in pieces]
            self._write(WORDS, [*lines, *entries])
            self._check()
        return f"{word} is now {' · '.join(pieces)}"

    def undo(self) -> tuple[str, str]:
        """Put the files back as they were before the last fix; returns (sheet, what it was)."""
        with self._lock:
            try:
                saved = json.loads((self.folder / UNDO).read_text(encoding="utf-8"))
                files, sheet, what = saved["files"], str(saved["sheet"]), str(saved["what"])
            except (OSError, ValueError, KeyError, TypeError):
                raise InputError("nothing to undo: no fix was made since the last undo") from None
            for name in (READINGS, WORDS):
                content = files.get(name)
                if content is None:
                    (self.folder / name).unlink(missing_ok=True)
                else:
                    write_atomic(self.folder / name, content)
            (self.folder / UNDO).unlink(missing_ok=True)
        return sheet, what

    def last(self) -> str | None:
        """What the last fix did, if it can be undone."""
        try:
            return str(json.loads((self.folder / UNDO).read_text(encoding="utf-8"))["what"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _remember(self, sheet: str, what: str) -> None:
        files: dict[str, str | None] = {}
        for name in (READINGS, WORDS):
            try:
                files[name] = (self.folder / name).read_text(encoding="utf-8")
            except FileNotFoundError:
                files[name] = None
            except OSError as exc:
                raise InputError(
                    f"{self.folder / name}: can't be read ({exc.strerror or exc}); "
                    "check its permissions"
                ) from None
        document = {"sheet": sheet, "what": what, "files": files}
        write_atomic(self.folder / UNDO, json.dumps(document, ensure_ascii=False))

    def _write(self, name: str, lines: list[str]) -> None:
        if not lines or not lines[0].startswith("#"):
            lines = [_HEADERS[name].rstrip("\n"), *lines]
        write_atomic(self.folder / name, "\n".join(lines) + "\n")

    def _check(self) -> None:
        """Read both files back as a conversion would; a fix that breaks them is rolled back."""
        try:
            if self.readings.is_file():
                load_overrides(self.readings)
            if self.words.is_file():
                load_user_dict(self.words)
        except InputError:
            saved = json.loads((self.folder / UNDO).read_text(encoding="utf-8"))
            for name, content in saved["files"].items():
                if content is None:
                    (self.folder / name).unlink(missing_ok=True)
                else:
                    write_atomic(self.folder / name, content)
            (self.folder / UNDO).unlink(missing_ok=True)
            raise


def _check_word(word: str) -> None:
    if not HAN_RUN.fullmatch(word):
        raise InputError(
            f"{word!r} is not a Chinese word; only words in Chinese characters can be corrected"
        )


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: can't be read ({exc}); fix or remove the file") from None


def _without(lines: list[str], word: str, separator: str) -> list[str]:
    """The lines, less those that give `word` (its earlier fix)."""
    kept = []
    for line in lines:
        first = line.strip().split(separator if separator == "\t" else None, 1)
        if first and first[0].strip() == word and not line.lstrip().startswith("#"):
            continue
        kept.append(line)
    return kept


def _jieba_frequencies(words: Sequence[str], cache_dir: Path | None) -> tuple[int, dict[str, int]]:
    """jieba's dictionary total and the frequency of each word (0 if it isn't listed)."""
    import logging

    import jieba

    tokenizer = jieba.dt
    if not tokenizer.initialized:
        folder = cache_dir or default_cache_dir(os.environ)
        folder.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(folder)
        # jieba announces its dictionary on stderr through logging
        logger = logging.getLogger("jieba")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            tokenizer.initialize()
        finally:
            logger.setLevel(level)
    return int(tokenizer.total), {w: int(tokenizer.FREQ.get(w, 0) or 0) for w in words}
