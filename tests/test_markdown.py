"""Markdown through the whole pipeline: markup as markup, readings on Chinese text only."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest

from reader.model import AnnotatedArticle
from reader.options import Options
from reader.pipeline import build
from reader.render.epub import to_epub
from reader.render.html import to_html
from reader.render.json import to_json
from reader.render.pdf import document as pdf
from reader.source.blocks import parse
from tests.fakes import FakeTranslator

SOURCE = """# 银行的故事

我们用 `银行 cargo` 命令**下载**[资料](https://example.com/a?b=1&c=2)，\
不要点[这里](javascript:alert(1))。
![银行门口的照片](photo.png) <u>重要</u> <!-- 老师的备注 -->

```rust
fn main() { println!("你好"); }
```

[ref]: https://example.com/ref "参考"
"""

VISIBLE = [
    "银行的故事",
    "我们用 银行 cargo 命令下载资料，不要点这里。银行门口的照片 重要",
    'fn main() { println!("你好"); }',
]
HIDDEN = ["](", "**", "`", "<u>", "&lt;u&gt;", "老师的备注", "[ref]", "参考", "javascript"]


@pytest.fixture(scope="module")
def article() -> AnnotatedArticle:
    built, _ = build(parse(SOURCE, "story.md", markdown=True), Options(), FakeTranslator())
    return built[0]


def text_of(markup: str) -> str:
    """What a reader sees of HTML without readings: tags and ruby annotations dropped."""
    markup = re.sub(r"<rt>.*?</rt>|<rp>.*?</rp>|<title>.*?</title>", "", markup, flags=re.S)
    markup = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", markup, flags=re.S)
    return re.sub(r"<[^>]+>", "", markup).replace("&#34;", '"').replace("&quot;", '"')


def test_words_never_cross_markup_and_code_gets_no_reading(article: AnnotatedArticle) -> None:
    body = article.paragraphs[1]
    assert [p.text for p in article.paragraphs] == VISIBLE
    offset = 0
    edges = {edge for s in body.spans for edge in (s.start, s.end)}
    code = [(s.start, s.end) for s in body.spans if s.kind == "code"]
    for sentence in body.sentences:
        for word in sentence.words:
            end = offset + len(word.text)
            assert not any(offset < edge < end for edge in edges), word
            in_code = any(a <= offset and end <= b for a, b in code)
            assert not (in_code and word.reading), word
            offset = end
    read = [w.text for s in body.sentences for w in s.words if w.reading]
    assert "下载" in read and "资料" in read and "银行" in read  # outside the code span
    assert [w.text for s in body.sentences for w in s.words if w.pos == "code"] == ["银行 cargo"]
    # code blocks, as before, are never read
    assert all(not w.reading for s in article.paragraphs[2].sentences for w in s.words)


def test_html_shows_markup_not_markdown(article: AnnotatedArticle) -> None:
    html = to_html(article, Options())
    main = html[html.index("<main") : html.index("</main>")]
    shown = text_of(main)
    for text in VISIBLE:
        assert text.replace('"', "") in shown.replace('"', "")
    for raw in HIDDEN:
        assert raw not in shown, raw
    assert '<a href="https://example.com/a?b=1&amp;c=2">' in main
    assert main.count("<a ") == 1 and "javascript" not in main
    assert "<strong><ruby" in main and "<code>银行 cargo</code>" in main
    assert '<span class="alt"><ruby' in main
    assert "<u>" not in main and "&lt;u&gt;" not in main


def test_epub_and_json_carry_the_same_markup(article: AnnotatedArticle) -> None:
    with zipfile.ZipFile(io.BytesIO(to_epub([article], Options()))) as book:
        chapter = book.read("OEBPS/chapter-001.xhtml").decode("utf-8")
    body = chapter[chapter.index("<section") : chapter.index("<footer")]
    shown = text_of(body)
    for raw in HIDDEN:
        assert raw not in shown, raw
    assert '<a href="https://example.com/a?b=1&amp;c=2">' in body
    assert "<code>银行 cargo</code>" in body and "<strong><ruby>" in body
    document = json.loads(to_json(article))
    spans = document["paragraphs"][1]["spans"]
    text = document["paragraphs"][1]["text"]
    assert ["code", "银行 cargo"] in [[kind, text[a:b]] for a, b, kind, _ in spans]
    assert [0, 4, "strong", ""] not in spans  # offsets are the paragraph's, not the source's


def test_print_shows_the_text_without_markdown(article: AnnotatedArticle) -> None:
    html = pdf.print_html(article, Options())
    body = html[html.index("<body") :]
    for raw in ("](", "**", "`", "<u>", "老师的备注", "[ref]", "javascript"):
        assert raw not in text_of(body), raw
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("poppler-utils is not installed")
    done = subprocess.run(
        [tool, "-", "-"], input=pdf.to_pdf(article, Options()), capture_output=True, check=True
    )
    printed = done.stdout.decode("utf-8")
    assert "cargo" in printed and "javascript" not in printed and "**" not in printed
