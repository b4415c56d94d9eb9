"""CC-CEDICT word readings (shipped by pypinyin-dict): neutral tones and a second dictionary."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from reader.errors import ModelError

Reading = tuple[tuple[str, ...], ...]
"""A word's reading: for each character, its numbered syllables (`de5`), most often one."""

# pypinyin-dict ships CC-CEDICT as Python source, one `'word': [['pīn'], ['yīn']],` a line.
# Reading those lines as text takes a third of the time and memory of importing the modules
# (which build 100,000 nested lists) and leaves pypinyin's own dictionary untouched.
_ENTRY = re.compile(r"^\s+'([^'\s]{2,})': (\[\[.*\]\]),$", re.MULTILINE)
_OPTIONS = re.compile(r"\[([^\[\]]*)\]")
_SYLLABLE = re.compile(r"'([^']*)'")
_PART = re.compile(r"cc_cedict_\d+\.py")
_PACKAGE = "pypinyin_dict.phrase_pinyin_data"


class Lexicon:
    """Readings of multi-character words from CC-CEDICT; parsed on lookup, cached per word."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self._entries = dict(entries)
        self._parsed: dict[str, Reading | None] = {}

    @classmethod
    def load(cls) -> Lexicon:
        """CC-CEDICT's word list from the installed pypinyin-dict package, read once per
        process: every article of a batch shares it (reading it took 86 ms per article)."""
        return _shared()

    @classmethod
    def read(cls) -> Lexicon:
        """Read CC-CEDICT's word list from the installed pypinyin-dict package."""
        try:
            from importlib.resources import files

            folder = files(_PACKAGE)
            names = sorted(p.name for p in folder.iterdir() if _PART.fullmatch(p.name))
            entries: dict[str, str] = {}
            for name in names:
                text = folder.joinpath(name).read_text(encoding="utf-8")
                entries.update(_ENTRY.findall(text))
        except ModuleNotFoundError:
            raise ModelError(
                "the word list pypinyin-dict is not installed; run `pip install pypinyin-dict`"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelError(
                f"the word list pypinyin-dict could not be read ({exc}); reinstall it with "
                "`pip install --force-reinstall pypinyin-dict`"
            ) from None
        if not entries:
            raise ModelError(
                "pypinyin-dict holds no CC-CEDICT words in the expected form; "
                "install a version this reader supports (`pip install 'pypinyin-dict>=0.9,<1'`)"
            )
        return cls(entries)

    def __contains__(self, word: object) -> bool:
        return word in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def reading(self, word: str) -> Reading | None:
        """The word's reading per character (several options where CEDICT lists several)."""
        if word not in self._parsed:
            self._parsed[word] = self._parse(word)
        return self._parsed[word]

    def _parse(self, word: str) -> Reading | None:
        """Turn one stored entry into numbered syllables; None if absent or malformed."""
        from pypinyin.contrib.tone_convert import to_tone3

        raw = self._entries.get(word)
        if raw is None:
            return None
        reading = tuple(
            tuple(
                str(to_tone3(s, v_to_u=True, neutral_tone_with_five=True))
                for s in _SYLLABLE.findall(options)
            )
            for options in _OPTIONS.findall(raw)
        )
        if len(reading) != len(word) or not all(reading):
            return None
        return reading


@functools.lru_cache(maxsize=1)
def _shared() -> Lexicon:
    """The one word list of this process (it only memoises parsed entries after loading)."""
    return Lexicon.read()
