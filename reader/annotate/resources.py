"""The annotator's resources, each loaded on first use: jieba, CC-CEDICT, pypinyin's phrases and
the context model, with the look-ups the reading steps make in them."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.annotate.dictionary import Dictionary
from reader.annotate.lexicon import Lexicon
from reader.annotate.overrides import UserWord
from reader.annotate.particles import VERB_PARTICLES
from reader.annotate.pieces import HAN_RUN, Piece
from reader.annotate.polyphone import ContextModel
from reader.annotate.readings import Phrase, default_reading
from reader.annotate.wordlists import hsk_words
from reader.options import default_cache_dir
from reader.script import to_simplified

if TYPE_CHECKING:
    from reader.annotate.dictionary import Dictionary
    from reader.annotate.lexicon import Lexicon
    from reader.annotate.polyphone import ContextModel

# jieba's dictionary lists every prefix of its words with frequency 0, and a few fragments
# with tiny ones (再一 3): a word inside a word must be at least this frequent.
_KNOWN_WORD = 10

# A sense that names an action: "to learn", "(of sth) to move".
_ACTION = re.compile(r"(?:\([^)]*\) )?to ")


# Words CC-CEDICT capitalises as English would (months, weekdays, the solar terms, the
# Internet, a few kinds named after Beijing or China, degrees Celsius, 山上 as a Japanese
# surname) that GB/T 16159 and Xiandai Hanyu Cidian write small: shíyuè, xīngqīyī, dàxuě
# "heavy snow", jīngjù, zhōngyī, shèshìdù, shānshang.
_CALENDAR = re.compile(r"[一二三四五六七八九十]+月|(?:星期|礼拜|周)[一二三四五六日天]")
_COMMON_CAPITALS = frozenset(
    """
    立春 雨水 惊蛰 春分 清明 谷雨 立夏 小满 芒种 夏至 小暑 大暑 立秋 处暑 白露 秋分 寒露 霜降
    立冬 小雪 大雪 冬至 小寒 大寒 京剧 中医 互联网 国会 美金 菩萨 摄氏度 摄氏 华氏度 华氏 山上
    """.split()
)


@contextmanager
def _quiet_jieba() -> Iterator[None]:
    """Hold back jieba's chatter, which it logs straight to stderr.

    Its errors too: they are about its cache file (a folder in its place, a full disk), which
    it then does without.
    """
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class Resources:
    """jieba, the context model, CC-CEDICT and pypinyin's phrases, each loaded on first use."""

    def __init__(self, cache_dir: Path | None, user_words: Sequence[UserWord] = ()) -> None:
        self.cache_dir = cache_dir
        self.user_words = tuple(user_words)
        self._pos: Any = None
        self._model: ContextModel | None = None
        self._lexicon: Lexicon | None = None
        self._dictionary: Dictionary | None = None
        self._proper: dict[str, tuple[bool, ...] | None] = {}
        self._phrases: dict[str, Phrase] = {}
        self._covers: dict[str, tuple[tuple[str, ...] | None, ...]] = {}

    def tokenizer(self) -> Any:
        """The jieba POS tokenizer, built once; its cache file goes to our cache folder."""
        if self._pos is None:
            # Importing jieba.posseg already builds a POS tokenizer over jieba's default
            # dictionary (a second one costs another second); its cache file goes to our folder.
            import jieba
            import jieba.posseg

            with _quiet_jieba():
                if self.user_words:
                    # A user dictionary changes the tokenizer it is loaded into: give it one of
                    # its own so that other annotators in this process are not affected.
                    tokenizer = jieba.Tokenizer()
                    tokenizer.tmp_dir = str(self.writable_cache_dir())
                    tokenizer.initialize()
                    for entry in self.user_words:
                        tokenizer.add_word(entry.word, entry.freq, entry.tag)
                        # Text in traditional characters is segmented in simplified ones.
                        simple = to_simplified(entry.word)
                        if simple != entry.word:
                            tokenizer.add_word(simple, entry.freq, entry.tag)
                    pos = jieba.posseg.POSTokenizer(tokenizer)
                else:
                    pos = jieba.posseg.dt
                    if not pos.tokenizer.initialized:
                        pos.tokenizer.tmp_dir = str(self.writable_cache_dir())
                        pos.tokenizer.initialize()
                self._pos = pos
        return self._pos

    def context_model(self) -> ContextModel:
        """The polyphone model, loaded on first use."""
        if self._model is None:
            self._model = ContextModel.load()
        return self._model

    def cedict(self) -> Lexicon:
        """CC-CEDICT's word readings, loaded on first use."""
        if self._lexicon is None:
            self._lexicon = Lexicon.load()
        return self._lexicon

    def action(self, word: str) -> bool | None:
        """Whether CC-CEDICT names an action first in some entry of the word (学 "to learn",
        动 "(of sth) to move"), which jieba's tags often miss (学 n, 问 n); None if CC-CEDICT
        does not list the word."""
        if self._dictionary is None:
            self._dictionary = Dictionary(self.cache_dir)
        entries = self._dictionary.entries(word)
        if not entries:
            return None
        return any(_ACTION.match(e.senses[0]) for e in entries if e.senses)

    def proper_starts(self, word: str) -> tuple[bool, ...] | None:
        """Where CC-CEDICT starts a capitalised word in a proper noun; None if it doesn't list it.

        毛泽东 Máo Zédōng (True, True, False), 北京大学 Běijīng Dàxué (True, False, True,
        False), as GB/T 16159 writes names. An empty tuple: CEDICT lists the word as a common
        word too (胡萝卜, 高明 gāomíng), which jieba's tags often take for a name.
        """
        if word not in self._proper:
            if self._dictionary is None:
                self._dictionary = Dictionary(self.cache_dir)
            found = [
                e.reading for e in self._dictionary.entries(word) if len(e.reading) == len(word)
            ]
            if found and (word in _COMMON_CAPITALS or _CALENDAR.fullmatch(word)):
                self._proper[word] = ()
            elif not found:
                self._proper[word] = None
            elif all(r[0][:1].isupper() for r in found):
                self._proper[word] = tuple(s[:1].isupper() for s in found[0])
            else:
                self._proper[word] = ()
        return self._proper[word]

    def writable_cache_dir(self) -> Path:
        """The cache folder if it can be created, else the system temp folder."""
        folder = self.cache_dir or default_cache_dir(os.environ)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            cache = folder / "jieba.cache"
            usable = not cache.exists() or (cache.is_file() and os.access(cache, os.W_OK))
            if os.access(folder, os.W_OK) and usable:
                return folder
        except OSError:
            pass
        return Path(tempfile.gettempdir())

    def known(self, word: str) -> bool:
        """Whether a dictionary lists the word: CC-CEDICT or the HSK word list.

        Not pypinyin's phrase list, which holds the readings of free phrases too (在家,
        弹钢琴, 下个月), nor jieba's, which holds its segmentation's habits (很漂亮).
        """
        return word in self.cedict() or word in hsk_words()

    def phrase(self, word: str) -> Phrase:
        """pypinyin's reading of a whole word, and where its phrase dictionary covers it."""
        found = self._phrases.get(word)
        if found is None:
            from pypinyin import Style, lazy_pinyin
            from pypinyin.constants import PHRASES_DICT
            from pypinyin.seg.mmseg import seg

            readings = lazy_pinyin(
                word, style=Style.TONE3, neutral_tone_with_five=True, v_to_u=True
            )
            covered: list[bool] = []
            ends = set()
            for part in seg.cut(word):
                in_phrase = len(part) > 1 and part in PHRASES_DICT
                covered.extend([in_phrase] * len(part))
                if in_phrase:
                    ends.add(len(covered) - 1)
            if len(readings) != len(word) or len(covered) != len(word):
                readings, covered = [default_reading(c) for c in word], [False] * len(word)
            found = Phrase(tuple(readings), tuple(covered), frozenset(ends))
            self._phrases[word] = found
        return found

    def across(
        self, sentence: str, i: int, piece: Piece
    ) -> tuple[str | None, tuple[str, ...] | None]:
        """Readings of a character from a word both dictionaries hold across a word boundary.

        jieba splits some fixed pairs (飞也似|的: 似的 shìde); a two- or three-character window
        over the boundary counts when pypinyin and CC-CEDICT both list it with one reading.
        So does a verb CC-CEDICT lists with the particle after it (长得 zhǎngde, 落得 luòde).
        """
        from pypinyin.constants import PHRASES_DICT

        end = piece.start + len(piece.text)
        if i + 1 == end and sentence[i + 1 : i + 2] in VERB_PARTICLES:
            entry = self.cedict().reading(sentence[i : i + 2])
            if entry is not None and len(entry[0]) == 1:
                return entry[0][0], entry[0]
        for start, stop in ((i - 1, i + 1), (i, i + 2), (i - 2, i + 1), (i, i + 3), (i - 1, i + 2)):
            if start < 0 or stop > len(sentence) or (start >= piece.start and stop <= end):
                continue
            window = sentence[start:stop]
            if window not in PHRASES_DICT or not HAN_RUN.fullmatch(window):
                continue
            entry = self.cedict().reading(window)
            reading = self.phrase(window).readings[i - start]
            if entry is not None and entry[i - start] == (reading,):
                return reading, (reading,)
        return None, None

    def ends_word(self, word: str, k: int, phrase: Phrase) -> bool:
        """Whether character k ends a word inside `word` (统一 in 统一战线), not a count."""
        if k in phrase.ends or (k == len(word) - 1 and k > 0):
            return True
        freq = self.tokenizer().tokenizer.FREQ
        return any(freq.get(word[j : k + 1], 0) >= _KNOWN_WORD for j in range(k))

    def cedict_cover(self, word: str) -> tuple[tuple[str, ...] | None, ...]:
        """CC-CEDICT's readings for each character: of the word, else of words inside it."""
        found = self._covers.get(word)
        if found is None:
            lexicon = self.cedict()
            cover: list[tuple[str, ...] | None] = [None] * len(word)
            start = 0
            while start < len(word) - 1:
                # The whole word if CEDICT has it, else the longest entries from the left.
                for end in range(len(word), start + 1, -1):
                    entry = lexicon.reading(word[start:end])
                    if entry is not None:
                        cover[start:end] = entry
                        start = end
                        break
                else:
                    start += 1
            found = tuple(cover)
            self._covers[word] = found
        return found
