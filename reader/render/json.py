"""The JSON form of an annotated article: every word with its reading, gloss and level."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reader import pinyin
from reader._version import __version__
from reader.model import (
    AnnotatedArticle,
    PinyinStyle,
    Word,
)

if TYPE_CHECKING:
    pass


JSON_FORMAT = "reader.article"
"""Name of the JSON document format; `version` below changes when its shape does."""

JSON_VERSION = 1


def to_json(article: AnnotatedArticle) -> str:
    """The annotated article as JSON: the document model, for other tools to build on."""
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "reader_version": __version__,
        "source": article.source,
        "part": article.part,
        "parts": article.parts,
        "title": article.title,
        "pinyin_style": article.pinyin_style,
        "model": article.model,
        **({"model_info": article.model_info} if article.model_info else {}),
        "translation_status": article.translation_status,
        "paragraphs": [
            {
                "kind": p.kind,
                "marker": p.marker,
                "text": p.text,
                **(
                    {"spans": [[m.start, m.end, m.kind, m.href] for m in p.spans]}
                    if p.spans
                    else {}
                ),
                "translation": p.translation,
                "sentences": [
                    {
                        "text": s.text,
                        "translation": s.translation,
                        **({"translation_flag": s.translation_flag} if s.translation_flag else {}),
                        "words": [_word(w, article.pinyin_style) for w in s.words],
                    }
                    for s in p.sentences
                ],
            }
            for p in article.paragraphs
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _word(word: Word, style: PinyinStyle) -> dict[str, Any]:
    """One word in JSON, its reading in the article's style; readings only for Chinese words."""
    syllables = pinyin.syllables(word.reading, style, word.apart)
    entry: dict[str, Any] = {"text": word.text, "pinyin": "".join(syllables)}
    if word.is_chinese:
        entry["syllables"] = list(syllables)
        entry["reading"] = list(word.reading)
        entry["tones"] = list(word.tones)
    if word.pos:
        entry["pos"] = word.pos
    if word.uncertain:
        entry["uncertain"] = True
    if word.gloss:
        entry["gloss"] = word.gloss
    if word.level:
        entry["level"] = word.level
    if word.apart:
        entry["apart"] = list(word.apart)
    if word.parts:
        entry["parts"] = [_word(part, style) for part in word.parts]
    return entry
