"""Annotation stage: Article → words with readings, in this order.

1. `segment`: jieba cuts each sentence; free phrases no dictionary lists are split into the
   dictionary words they hold, names joined (`pieces.Piece` is the unit).
2. `readings`: pypinyin's and CC-CEDICT's phrase readings against the context model
   (`resources` loads jieba, CC-CEDICT, pypinyin's phrases and g2pM on first use).
3. `particles` and `rules.RULES`: the word rules, each a named function run in order
   (particles, everyday one-character polyphones, words read by sense, light syllables).
4. `orthography`: erhua joined to the syllable before it, 们 to its noun; words as pinyin
   writes them (买到 one word of two parts, 打电话 one word written apart); 一/不 tones
   (`reader.annotate.sandhi`).
5. `names`: surnames, proper nouns split and capitalised, a name the same throughout.
6. Glosses and levels follow in `reader.annotate.dictionary.gloss_article`, the sense the
   context calls for first (`senses`: 别担心 "don't", 七点 "o'clock").

`annotator.Annotator` composes the steps; `wordlists` holds the HSK lists the splits use.
"""

from reader.annotate.annotator import Annotator, annotate

__all__ = ["Annotator", "annotate"]
