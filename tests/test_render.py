"""Rendering: golden HTML from a fake translator, JSON shape, escaping, templates."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reader import __version__
from reader.options import Options
from reader.pipeline import build
from reader.render.html import to_html
from reader.render.json import to_json
from reader.source.blocks import parse
from tests.fakes import FakeTranslator

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"


def sheet(text: str, source: str = "examples/spring-market.txt", **options: object) -> object:
    articles = parse(text, source)
    built, warnings = build(articles, Options(**options), FakeTranslator())  # type: ignore[arg-type]
    assert warnings == []
    return built[0]


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_golden(fmt: str) -> None:
    text = (ROOT / "examples" / "spring-market.txt").read_text(encoding="utf-8")
    article = sheet(text)
    rendered = to_html(article, Options()) if fmt == "html" else to_json(article)  # type: ignore[arg-type]
    rendered = rendered.replace(__version__, "VERSION")
    golden = GOLDEN / f"spring-market.{fmt}"
    if os.environ.get("READER_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_html_is_self_contained_and_escaped() -> None:
    html = to_html(sheet("标题\n\n他说<img src=x onerror=alert(1)>“好”。"), Options())  # type: ignore[arg-type]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "<script src" not in html
    assert '"Noto Sans CJK SC"' in html  # CSS quotes must not be escaped into &#34;


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("臺灣的銀行\n\n我們覺得這個問題很重要。", "Hant"),
        ("台湾的银行\n\n我们觉得这个问题很重要。", "Hans"),
        # A simplified text quoting one classical 於 stays simplified.
        ("古文\n\n他生於北京，我们觉得这个问题很重要。", "Hans"),
    ],
)
def test_html_names_the_script(text: str, script: str) -> None:
    html = to_html(sheet(text), Options())  # type: ignore[arg-type]
    tags = set(re.findall(r'lang="(zh-[A-Za-z]+)"', html))
    assert tags == {f"zh-{script}"}
    # Traditional text is drawn in the glyph forms of a traditional-character font.
    assert (
        '.zh:lang(zh-Hant), .vocab .vw:lang(zh-Hant) {\n  font-family: "Noto Sans CJK TC"' in html
    )


def test_sentence_pairs_share_an_index() -> None:
    html = to_html(sheet("第一句。第二句！第三句？"), Options())  # type: ignore[arg-type]
    zh = re.findall(r'<span class="s" data-i="(\d+)"><ruby class="w"', html)
    en = re.findall(r'<span class="s" data-i="(\d+)">\[EN', html)
    assert zh == en == ["1", "2", "3"]


def test_json_words_join_back_to_text() -> None:
    doc = json.loads(to_json(sheet((ROOT / "examples" / "spring-market.txt").read_text("utf-8"))))  # type: ignore[arg-type]
    for paragraph in doc["paragraphs"]:
        assert "".join(s["text"] for s in paragraph["sentences"]) == paragraph["text"]
        for sentence in paragraph["sentences"]:
            assert "".join(w["text"] for w in sentence["words"]) == sentence["text"]
            for word in sentence["words"]:
                assert "".join(word.get("syllables", [])) == word["pinyin"]


def test_template_dir_overrides(tmp_path: Path) -> None:
    (tmp_path / "sheet.html.j2").write_text("<p>{{ title }}</p>", encoding="utf-8")
    html = to_html(sheet("标题<b>\n\n正文。"), Options(template_dir=tmp_path))  # type: ignore[arg-type]
    assert html == "<p>标题&lt;b&gt;</p>"


def tone_colours(text: str) -> dict[str, str]:
    """The colour each tone class gets in a stylesheet or page."""
    found = dict(re.findall(r"\.tones \.(t[1-5]) \{ color: (#[0-9a-f]{6}); \}", text))
    assert sorted(found) == ["t1", "t2", "t3", "t4", "t5"], found
    return found


def test_one_tone_colour_scheme_in_html_pdf_and_epub() -> None:
    import io
    import zipfile

    from reader.render.epub import to_epub
    from reader.render.pdf.document import print_html

    article = sheet("标题\n\n我们去银行。")
    options = Options(tone_colors=True)
    html = to_html(article, options)  # type: ignore[arg-type]
    printed = print_html(article, options)  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(to_epub([article], options))) as book:  # type: ignore[list-item]
        style = book.read("OEBPS/style.css").decode("utf-8")
        chapter = book.read("OEBPS/chapter-001.xhtml").decode("utf-8")
    assert tone_colours(html) == tone_colours(printed) == tone_colours(style)
    # and each output puts the classes inside an element that switches them on
    assert '<body class="bilingual tones">' in html
    assert re.search(r'<body class="[^"]*\btones\b', printed)
    assert '<body class="tones">' in chapter and '<span class="t2">' in chapter
