"""Vocabulary lists: an article's distinct words above a level, each with an example sentence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from reader import pinyin
from reader.model import AnnotatedArticle, AnnotatedSentence, Word

# Single-character words whose job is grammar, not meaning, by jieba's tag: structural and
# aspect particles (u*: 的 了 着 过 得 地 之 所), modal particles (y: 吗 呢 吧) and
# interjections (e: 啊 哦). Prepositions (p) and conjunctions (c) stay: 把, 被, 而 are words a
# learner looks up.
_FUNCTION_TAGS = ("u", "y", "e")
_BAND = 7
_NUMERALS = frozenset("〇零一二三四五六七八九十百千万萬亿億两兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟")


@dataclass(frozen=True, slots=True)
class VocabItem:
    """One entry of a vocabulary list."""

    text: str
    """The word as written in the article."""
    pinyin: str
    """Its reading as the article shows it (in the article's pinyin style)."""
    definition: str
    """Its short English definition (`Word.gloss`), or empty when there is none."""
    level: int | None
    """HSK 3.0 level (7 for 7-9), or None when the word is not listed."""
    count: int
    """How often the word occurs in the article with this reading."""
    sentence: str
    """The first sentence it occurs in."""
    translation: str | None
    """That sentence's English, or None when the article has none."""


def vocabulary(article: AnnotatedArticle, above_level: int | None = None) -> list[VocabItem]:
    """The article's distinct words above an HSK level, in order of first appearance.

    `above_level=None` lists every word; a word the HSK list lacks counts as above any level.
    A word read two ways (行 háng, xíng) is two entries. Left out: punctuation and other
    text without a reading, numbers and number phrases (三十五, 三十五年: jieba numerals the
    HSK list lacks), and single-character particles and interjections (jieba tags u*, y, e).
    Glosses and levels come from the words themselves (see
    `reader.annotate.dictionary.gloss_article`).
    """
    first: dict[tuple[str, tuple[str, ...]], tuple[Word, AnnotatedSentence]] = {}
    counts: dict[tuple[str, tuple[str, ...]], int] = {}
    for word, sentence in _words(article):
        if not _is_vocabulary(word):
            continue
        # Capitals only say how a word is written: a name and the same word in lower case are
        # one entry.
        key = (word.text, tuple(s.lower() for s in word.reading))
        first.setdefault(key, (word, sentence))
        counts[key] = counts.get(key, 0) + 1
    items = []
    for key, (word, sentence) in first.items():
        if above_level is not None and word.level is not None and word.level <= above_level:
            continue
        items.append(
            VocabItem(
                text=word.text,
                pinyin=pinyin.written(word.reading, article.pinyin_style, word.apart),
                definition=word.gloss,
                level=word.level,
                count=counts[key],
                sentence=sentence.text.strip(),
                translation=sentence.translation,
            )
        )
    return items


def level_label(level: int | None) -> str:
    """How a level is written: `3`, `7-9` for the top band, empty when unknown."""
    if level is None:
        return ""
    return "7-9" if level >= _BAND else str(level)


def _words(article: AnnotatedArticle) -> Iterator[tuple[Word, AnnotatedSentence]]:
    """Every word of the article's prose with the sentence it stands in."""
    for paragraph in article.paragraphs:
        if paragraph.kind == "code":
            continue
        for sentence in paragraph.sentences:
            for word in sentence.words:
                for entry in word.entries:
                    yield entry, sentence


def _is_vocabulary(word: Word) -> bool:
    """Whether a word belongs in a vocabulary list (see `vocabulary` for what is left out)."""
    if not word.is_chinese or word.pos == "code":
        return False
    if all(char in _NUMERALS for char in word.text.removeprefix("第")):
        return False  # 三十五, 第二十五: numbers and ordinals, glossed but no vocabulary
    # Number phrases (三十五年, 六点) are jieba numerals (m) that no word list holds; 一起 and
    # 一会儿 are numerals too, but listed words.
    if word.pos.startswith("m") and word.level is None and word.text[0] in _NUMERALS:
        return False
    if " + " in word.gloss:
        return False  # no dictionary lists it: its gloss is put together from its parts
    return not (len(word.text) == 1 and word.pos.startswith(_FUNCTION_TAGS))
