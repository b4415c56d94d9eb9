"""Tables for decoding, article splitting, paragraph reflow and sentence splitting."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from reader.errors import InputError
from reader.source.blocks import parse, split_sentences
from reader.source.decode import decode, read_file
from reader.source.discover import find_sources
from reader.source.markdown import safe_href

SIMPLIFIED = "我们今天去学校读书，天气很好。老师说这是一个重要的问题。"
TRADITIONAL = "我們今天去學校讀書，天氣很好。老師說這是一個重要的問題。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED),
        (TRADITIONAL.encode("big5"), TRADITIONAL),
        ((TRADITIONAL * 3).encode("big5"), TRADITIONAL * 3),
        ((SIMPLIFIED * 3).encode("gb2312"), SIMPLIFIED * 3),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16-le-bom",
        "utf16-be-bom",
        "gbk",
        "gb18030",
        "big5",
        "big5-long",
        "gb2312-long",
    ],
)
def test_decode_detects_encoding(data: bytes, expected: str) -> None:
    assert decode(data, "a.txt") == expected


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03binary\x00\xff" * 20,
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 30,
    ],
    ids=["nul", "all-bytes", "png", "controls"],
)
def test_decode_refuses_binary(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode(data, "x.txt")
    message = str(info.value)
    assert message.startswith("x.txt: ")
    assert "\n" not in message


def test_decode_refuses_mojibake_of_unknown_encoding() -> None:
    # Shift-JIS Japanese is neither GBK nor Big5 text; we must not pass off garbage.
    data = ("これは日本語の文章です。東京は大きな都市です。" * 4).encode("shift_jis")
    with pytest.raises(InputError, match="encoding"):
        decode(data, "ja.txt")


def test_read_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.txt: no such file"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他来了。她走了！你呢？", ("他来了。", "她走了！", "你呢？")),
        ("“这本书很好。”翻阅此书，他笑了。", ("“这本书很好。”", "翻阅此书，他笑了。")),
        ("他说：“走吧！”我们就走了。", ("他说：“走吧！”", "我们就走了。")),
        ("（新华社北京5月23日电）", ("（新华社北京5月23日电）",)),
        ("课堂……通俗读物很好。", ("课堂……通俗读物很好。",)),
        ("真的吗？！太好了……", ("真的吗？！", "太好了……")),
        (
            "第一步是安装 Rust。我们会通过 `rustup` 下载。",
            ("第一步是安装 Rust。", "我们会通过 `rustup` 下载。"),
        ),
        ("版本是 1.2.3。然后运行 cargo.", ("版本是 1.2.3。", "然后运行 cargo.")),
        ("没有标点的句子", ("没有标点的句子",)),
        ("他走了……”她说。", ("他走了……”", "她说。")),
    ],
)
def test_split_sentences(text: str, expected: tuple[str, ...]) -> None:
    assert split_sentences(text) == expected
    assert "".join(split_sentences(text)) == text


def test_title_meta_and_body() -> None:
    text = "标题在这里\n\n——副标题\n\n记者 张三\n\n第一段正文，内容很长。第二句。\n\n第二段。\n"
    (article,) = parse(text, "a.txt")
    kinds = [p.kind for p in article.paragraphs]
    assert kinds == ["title", "meta", "meta", "text", "text"]
    assert article.title == "标题在这里"
    assert article.paragraphs[3].sentences == ("第一段正文，内容很长。", "第二句。")


def test_no_title_when_first_line_is_prose() -> None:
    (article,) = parse("鲁镇的酒店的格局，是和别处不同的。\n第二段。\n", "a.txt")
    assert article.title == ""
    assert [p.kind for p in article.paragraphs] == ["text", "text"]


POEMS = """静夜思
李白
床前明月光，疑是地上霜。
举头望明月，低头思故乡。

春晓
孟浩然
春眠不觉晓，处处闻啼鸟。
夜来风雨声，花落知多少。

登鹳雀楼
唐 · 王之涣
白日依山尽，黄河入海流。
欲穷千里目，更上一层楼。
"""


def test_each_titled_piece_gets_a_heading_and_its_author_line() -> None:
    (article,) = parse(POEMS, "tang.txt")
    shape = [(p.kind, p.text) for p in article.paragraphs if p.kind != "text"]
    assert shape == [
        ("title", "静夜思"),
        ("meta", "李白"),
        ("heading", "春晓"),
        ("meta", "孟浩然"),
        ("heading", "登鹳雀楼"),
        ("meta", "唐 · 王之涣"),
    ]
    assert article.title == "静夜思"
    assert "".join(p.text for p in article.paragraphs) == POEMS.replace("\n", "")


def test_short_essays_without_authors_get_headings() -> None:
    text = (
        "我的家\n我家有四口人。我爱我的家。\n\n我的学校\n我的学校很大。\n\n周末\n周末我去公园。\n"
    )
    (article,) = parse(text, "essays.txt")
    assert [p.kind for p in article.paragraphs] == [
        *("title", "text", "heading", "text", "heading", "text")
    ]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # a list of short lines is not a run of titles
        ("标题\n正文。\n苹果\n香蕉\n橙子\n葡萄\n西瓜\n都很好吃。\n", ["title"] + ["text"] * 7),
        # a line broken mid-sentence is rejoined, never a heading
        (
            "标题\n\n这本书受到了很多读者的喜爱，受到群众\n\n好评\n\n下一段。\n",
            ["title", "text"],
        ),
        # a signature at the end has no text after it
        ("标题\n\n谢谢你的帮助。\n\n王明\n二〇二四年五月一日\n", ["title", *["text"] * 3]),
        # a sentence ending inside the line: prose, not a title
        ("标题\n正文。\n他来了。我走\n然后呢。\n", ["title", "text", "text", "text"]),
        # a line of symbols between pieces is no title
        ("标题\n正文。\n***\n后文。\n", ["title", "text", "text", "text"]),
    ],
    ids=["list", "page-break", "signature", "sentence", "separator"],
)
def test_short_lines_that_are_not_pieces(text: str, kinds: list[str]) -> None:
    (article,) = parse(text, "a.txt")
    assert [p.kind for p in article.paragraphs] == kinds


def test_sample_articles_keep_their_shape() -> None:
    """Ordinary articles: a title and byline at most, then text; no line taken for a piece."""
    samples = Path(__file__).resolve().parents[2] / "shared" / "samples"
    root = Path(__file__).resolve().parents[1]
    files = sorted(samples.glob("*.txt")) if samples.is_dir() else []
    if not files:
        pytest.skip("../shared/samples is not beside this checkout")
    expected = {
        "luxun-guxiang.txt": [],
        "luxun-kong-yiji.txt": [],
        "news-party-book.txt": ["title", "meta", "meta"],
        "spring-market.txt": ["title", "meta"],
    }
    for file in [*files, root / "examples" / "spring-market.txt"]:
        (article,) = parse(read_file(file), file.name)
        kinds = [p.kind for p in article.paragraphs]
        head = expected[file.name]
        assert kinds[: len(head)] == head and set(kinds[len(head) :]) == {"text"}, file.name


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        # Broken mid-sentence by a page break: rejoined.
        (
            "标题\n\n这本书受到了很多读者的喜爱，受到群众\n\n好评。\n\n下一段。",
            ["标题", "这本书受到了很多读者的喜爱，受到群众好评。", "下一段。"],
        ),
        # Ends with a comma: rejoined.
        ("前面的话，\n后面的话。", ["前面的话，后面的话。"]),
        # A finished paragraph is never merged.
        ("第一段结束了。\n第二段开始。", ["第一段结束了。", "第二段开始。"]),
        # A short subheading without punctuation is not merged into the next paragraph.
        (
            "第一段结束了。\n\n深入基层\n\n第二段开始。",
            ["第一段结束了。", "深入基层", "第二段开始。"],
        ),
        # The next paragraph opens a quotation: not a continuation.
        (
            "我们要从历史深处汲取智慧，然后再说\n“新的开始。”",
            ["我们要从历史深处汲取智慧，然后再说", "“新的开始。”"],
        ),
        # Hard-wrapped lines of one paragraph come back together.
        (
            "他在那里站了很久，看着远处的山，\n心里想着许多事情，\n终于慢慢地走了。",
            ["他在那里站了很久，看着远处的山，心里想着许多事情，终于慢慢地走了。"],
        ),
    ],
    ids=["page-break", "comma", "finished", "subheading", "quote", "hard-wrap"],
)
def test_reflow(text: str, paragraphs: list[str]) -> None:
    (article,) = parse(text, "a.txt")
    assert [p.text for p in article.paragraphs] == paragraphs


def test_continuation_marker_starts_new_article() -> None:
    text = "第一篇\n\n第一篇的正文。\n\n（上接第1版）\n\n第二篇的正文继续。\n"
    first, second = parse(text, "page.txt")
    assert (first.part, first.parts, second.part) == (1, 2, 2)
    assert first.title == "第一篇"
    assert second.paragraphs[0].text == "（上接第1版）"
    assert second.paragraphs[-1].text == "第二篇的正文继续。"


def test_empty_input_is_an_error() -> None:
    with pytest.raises(InputError, match=r"empty\.txt: is empty"):
        parse(" \n\n\u3000\n", "empty.txt")


MARKDOWN = """## 安装

第一步是安装 Rust。我们会通过 `rustup` 下载。

> 注意：如果你不使用 `rustup`，
> 请看其它安装选项。

> ### 命令行标记

- 第一项
- 第二项

```console
$ curl https://sh.rustup.rs | sh
# 这是注释
```

[链接](https://example.com/a_b)
"""


def test_markdown_blocks() -> None:
    (article,) = parse(MARKDOWN, "a.md", markdown=True)
    summary = [(p.kind, p.marker, p.text) for p in article.paragraphs]
    assert summary == [
        ("title", "## ", "安装"),
        ("text", "", "第一步是安装 Rust。我们会通过 rustup 下载。"),
        ("text", "> ", "注意：如果你不使用 rustup，请看其它安装选项。"),
        ("heading", "> ### ", "命令行标记"),
        ("text", "• ", "第一项"),
        ("text", "• ", "第二项"),
        ("code", "```console", "$ curl https://sh.rustup.rs | sh\n# 这是注释"),
        ("text", "", "链接"),
    ]
    spans = [
        [(s.kind, p.text[s.start : s.end], s.href) for s in p.spans] for p in article.paragraphs
    ]
    assert spans[1] == [("code", "rustup", "")]
    assert spans[-1] == [("link", "链接", "https://example.com/a_b")]


INLINE = """# 标题

第一步是**安装** Rust，用 `rustup 命令` 下载[^1]；见[官网](https://www.rust-lang.org/ "Rust")、[信](mailto:a@b.cn)、[下一章](ch02.md)和[文件](file:///etc/passwd)、[脚本](javascript:alert(1))。
![一张图](a.png) <u>下划线</u><!-- 注释 --><span title="x">里面</span> *斜体*~~删除~~

| 名称 | 说明 |
|---|---|
| 银行 | `bank` |

[ref]: http://example.com/ref
<!-- 整块注释 -->
<figure><img src="x.png"><figcaption>图片&amp;说明</figcaption></figure>

1. 第一项
   - 嵌套项
2. 第二项

[^1]: 脚注内容。
"""


def test_markdown_inline_markup_is_kept_apart_from_the_text() -> None:
    (article,) = parse(INLINE, "a.md", markdown=True)
    texts = [(p.kind, p.marker, p.text) for p in article.paragraphs]
    assert texts == [
        ("title", "# ", "标题"),
        (
            "text",
            "",
            "第一步是安装 Rust，用 rustup 命令 下载[1]；见官网、信、下一章和文件、"
            "脚本。一张图 下划线里面 斜体删除",
        ),
        ("text", "", "名称 │ 说明"),
        ("text", "", "银行 │ bank"),
        ("text", "", "图片&说明"),
        ("text", "1. ", "第一项"),
        ("text", "  ◦ ", "嵌套项"),
        ("text", "2. ", "第二项"),
        ("text", "[1] ", "脚注内容。"),
    ]
    body = article.paragraphs[1]
    marked = [(s.kind, body.text[s.start : s.end], s.href) for s in body.spans]
    assert marked == [
        ("strong", "安装", ""),
        ("code", "rustup 命令", ""),
        ("note", "[1]", ""),
        ("link", "官网", "https://www.rust-lang.org/"),
        ("link", "信", "mailto:a@b.cn"),
        ("link", "下一章", "ch02.md"),
        ("image", "一张图", ""),
        ("em", "斜体", ""),
        ("strike", "删除", ""),
    ]
    # Sentences still join back to the paragraph's text.
    assert all("".join(p.sentences) == p.text for p in article.paragraphs)
    table = article.paragraphs[3]
    assert [(s.kind, table.text[s.start : s.end]) for s in table.spans] == [("code", "bank")]


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://a.cn/x?y=1", True),
        ("http://a.cn", True),
        ("MAILTO:a@b.cn", True),
        ("ch02.md#part", True),
        ("../img/a.png", True),
        ("#top", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("file:///etc/passwd", False),
        ("ftp://a.cn", False),
        ("vbscript:x", False),
        ("java\nscript:x", False),
    ],
)
def test_only_web_mail_and_relative_links_stay_live(href: str, kept: bool) -> None:
    assert (safe_href(href) == href) is kept
    assert kept or safe_href(href) == ""


def test_every_han_character_survives_parsing() -> None:
    samples = Path(__file__).resolve().parents[2] / "shared" / "samples"
    files = sorted(samples.glob("*.txt")) if samples.is_dir() else []
    if not files:
        pytest.skip("../shared/samples is not beside this checkout")
    for file in files:
        text = read_file(file)
        articles = parse(text, file.name)
        joined = "".join(p.marker + p.text for a in articles for p in a.paragraphs)
        assert [c for c in joined if not c.isspace()] == [c for c in text if not c.isspace()]


def test_find_sources_recursive_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.md").write_text("文", encoding="utf-8")
    (tmp_path / "a.txt").write_text("文", encoding="utf-8")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("文", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in find_sources(tmp_path)] == [
        "a.txt",
        "b/x.md",
    ]
