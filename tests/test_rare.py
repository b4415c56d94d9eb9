"""Rare characters: Extensions B-H are Han, an unknown character has no reading (not itself),
marks stay with their character, and the PDF draws the extensions or names what it can't."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.annotate import Annotator
from reader.annotate.overrides import load_overrides
from reader.cli.main import main
from reader.pinyin import written
from reader.text import HAN, HAN_RUN, with_marks

EXT_B = "\U00020006"  # 𠀆: no reading in pypinyin's tables
EXT_H = "\U00031350"  # the first character of Extension H (Unicode 15)
UNASSIGNED = "\U00032400"  # Extension J (Unicode 17): no font has it yet
VS = "\U000e0100"  # an ideographic variation selector


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    code = main(argv, stderr=err)
    return code, err.getvalue()


def test_the_extensions_are_han() -> None:
    for char in ("\u3400", "\u9fff", EXT_B, "\U0002a6d6", "\U00030ede", EXT_H, "\U000323af"):
        assert HAN.fullmatch(char), hex(ord(char))
    for char in ("a", "。", "，", "\U0001f600"):
        assert not HAN.fullmatch(char)
    assert HAN_RUN.fullmatch(f"葛{VS}根\u0301")
    tokens = [("葛", "nr"), (VS, "x"), ("根", "n"), ("\ufe00", "x"), ("。", "x")]
    assert list(with_marks(tokens)) == [(f"葛{VS}", "nr"), ("根\ufe00", "n"), ("。", "x")]


def test_an_extension_h_character_takes_an_override(tmp_path: Path) -> None:
    path = tmp_path / "readings.tsv"
    path.write_text(f"{EXT_H}\tbiang2\n", encoding="utf-8")
    assert load_overrides(path) == {EXT_H: ("biang2",)}


def test_a_character_without_a_reading_gets_an_empty_one(annotator: Annotator) -> None:
    words = {w.text: w for w in annotator.words(f"我{EXT_B}好{EXT_H}。")}
    unknown = words[EXT_B]
    assert (written(unknown.reading, "marks"), unknown.reading, unknown.tones) == ("", ("",), (0,))
    assert written(words["好"].reading, "marks") == "hǎo"
    assert EXT_H in words  # read as a Han word, not passed through as punctuation


def test_marks_stay_with_their_character(annotator: Annotator, tmp_path: Path) -> None:
    words = annotator.words(f"葛{VS}根很好。")
    assert words[0].text == f"葛{VS}" and words[0].reading[1:] == ("",)
    assert "".join(w.text for w in words) == f"葛{VS}根很好。"
    src = tmp_path / "marks.txt"
    src.write_text(f"标题\n\n葛{VS}根很好，字\u0301也好。\n", encoding="utf-8")
    code, err = run(["convert", str(src), "-o", str(tmp_path), "--no-translate"])
    assert code == 0, err
    html = (tmp_path / "marks.html").read_text(encoding="utf-8")
    assert f'">葛{VS}<rp>' in html and '">字\u0301<rp>' in html


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_pdf_draws_the_extensions_and_names_what_it_cannot(tmp_path: Path) -> None:
    src = tmp_path / "rare.txt"
    src.write_text(f"生僻字\n\n这是{EXT_B}字，{EXT_H}字，{UNASSIGNED}字。\n", encoding="utf-8")
    code, err = run(["convert", str(src), "-o", str(tmp_path), "-f", "pdf", "--no-translate"])
    assert code == 0, err
    assert (
        err.count("reader: warning:") == 1
        and (
            f"reader: warning: {src}: the PDF prints {UNASSIGNED} (U+32400) as empty boxes: no "
            "installed font has them; install a font that has them, e.g. BabelStone Han"
        )
        in err
    )
    pdf = tmp_path / "rare.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert EXT_B in text and EXT_H in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert "BabelStone-Han" in fonts.stdout  # the font that has them is embedded
