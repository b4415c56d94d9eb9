"""Anki export: a vocabulary list as a tab-separated text file with Anki's import headers.

Anki 2.1.55+ reads the `#key:value` lines at the top (separator, HTML off, column names,
which column holds tags); other `#` lines there are comments, which is where CC-CEDICT's
attribution goes. Anki maps the columns to the fields of a note type by name: give a note
type fields named like the columns (Hanzi, Pinyin, Definition …) and the import needs no
mapping; otherwise pick the columns in the import dialog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.render.common import ATTRIBUTION
from reader.render.vocab import VocabItem, level_label

COLUMNS = ("Hanzi", "Pinyin", "Definition", "HSK", "Example", "Translation", "Tags")
"""The file's columns, in order; the last holds each note's tags."""

TAG = "reader"
"""The tag every exported note carries."""

# Anything that would end a field or a record: tabs, line breaks, and the other separators
# Python's str.splitlines() honours.
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_SPACE = re.compile(r"\s+")


def to_anki(items: Sequence[VocabItem], source_title: str) -> str:
    """The vocabulary as an Anki import file: one note per word, tagged with source and level."""
    lines = [
        "#separator:tab",
        "#html:false",
        "#columns:" + "\t".join(COLUMNS),
        f"#tags column:{len(COLUMNS)}",
        f"# Vocabulary from {_one_line(source_title) or 'an article'}, made by reader",
    ]
    if any(item.definition for item in items):
        lines.append("# " + ATTRIBUTION)
    source_tag = _tag(source_title)
    for item in items:
        tags = [TAG]
        if source_tag:
            tags.append(f"source::{source_tag}")
        if item.level is not None:
            tags.append(f"HSK::{level_label(item.level)}")
        fields = [
            item.text,
            item.pinyin,
            item.definition,
            level_label(item.level),
            item.sentence,
            item.translation or "",
            " ".join(tags),
        ]
        lines.append("\t".join(_field(f) for f in fields))
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Text with every run of breaks and spaces made one space."""
    return _SPACE.sub(" ", _BREAKS.sub(" ", text)).strip()


def _field(text: str) -> str:
    """One field, safe inside a tab-separated record.

    Anki reads the records with a CSV parser: a field that opens with a double quote is a
    quoted field, and a record that opens with `#` is a comment. Such fields are quoted,
    with their quotes doubled.
    """
    text = _one_line(text)
    if '"' in text or text.startswith("#"):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tag(title: str) -> str:
    """A source title as one Anki tag: no spaces, no quotes, no hierarchy separators."""
    tag = _one_line(title).replace(" ", "_").replace('"', "").replace("::", ":")
    return tag.strip(":_")
