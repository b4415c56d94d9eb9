"""Sheets on narrow and wide screens (headless chromium): no sideways scrolling, full lines."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.options import Options
from reader.pipeline import build
from reader.render.epub import to_epub
from reader.render.html import to_html
from reader.source.blocks import parse
from tests.browser import CHROMIUM, DRIVER, chrome_options
from tests.fakes import FakeTranslator

ROOT = Path(__file__).resolve().parents[1]
# The shared samples sit beside the checkout (../shared); READER_SHARED points elsewhere.
SHARED = Path(os.environ.get("READER_SHARED", ROOT.parent / "shared"))
SAMPLES = SHARED / "samples"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]

WIDTHS = (360, 600, 1280)

# A long Markdown chapter: prose, lists, a quote, code, a table, long URLs and identifiers.
PARAGRAPH = (
    "春天到了，城南的集市又热闹起来。卖菜的老人一早就把新鲜的青菜摆在路边，"
    "孩子们围着卖糖葫芦的小摊跑来跑去。我们在银行门口遇到了多年不见的老同学，"
    "大家一边走一边聊，说起小时候在河边钓鱼、在操场上踢球的往事，都笑个不停。"
)
CHAPTER = "\n\n".join(
    [
        "# 第三章：在集市上学中文",
        *(PARAGRAPH for _ in range(3)),
        "## 常用的词",
        "- 集市、银行、老同学、糖葫芦、操场\n- 一边走一边聊\n- 笑个不停",
        "> 学语言就像逛集市：每天走一走，看一看，慢慢就熟悉了。",
        "下载地址是 https://example.com/a/very/long/path/that/keeps/going/without/any/"
        "space/at/all/so/it/must/break/somewhere/inside/chinese-reader-handout.html 。",
        '```\nfn main() { println!("这一行代码很长，很长，很长，很长，很长，很长，很长，'
        '很长，很长，很长，很长，很长，很长"); }\n```',
        "配置项 reader_sheet_configuration_value_that_is_far_too_long_for_a_phone_screen "
        "要写在第一行。",
        *(PARAGRAPH for _ in range(3)),
    ]
)

# Lines of each Chinese paragraph, character by character (readings left out). For each line
# but the last: the room left at its end, and the width of the first piece of the next line
# that could not be split (opening punctuation, one word, closing punctuation).
FILL = """
const OPENING = "“‘「『（《〈【〔［｛〖〘([{";
const CLOSING = "，。、；：？！…—～·”’」』）》〉】〕］｝〗〙,.;:?!)]}%";
const LATIN = /[^\\s\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef“‘”’]/;
const out = [];
const split = [];
document.querySelectorAll(arguments[0]).forEach((p) => {
  const size = parseFloat(getComputedStyle(p).fontSize);
  const right = p.getBoundingClientRect().right - parseFloat(getComputedStyle(p).paddingRight);
  const chars = [];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("rt, rp")) { continue; }
    const word = node.parentElement.closest("ruby");
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getBoundingClientRect();
      if (r.width > 0) { chars.push({ch: node.data[i], word, r}); }
    }
  }
  // A word never breaks across lines, nor leaves its reading behind.
  p.querySelectorAll("ruby").forEach((ruby) => {
    const mine = chars.filter((c) => c.word === ruby);
    const rt = ruby.querySelector("rt");
    const top = rt && rt.getClientRects().length ? rt.getClientRects()[0].bottom : null;
    if (new Set(mine.map((c) => Math.round(c.r.bottom))).size > 1
        || rt && new Set([...rt.getClientRects()].map((r) => Math.round(r.bottom))).size > 1
        || top !== null && mine.length && Math.abs(mine[0].r.top - top) > size) {
      split.push(ruby.textContent);
    }
  });
  const lines = [];
  for (const c of chars) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(c.r.bottom - line[0].r.bottom) < size * 0.8) { line.push(c); }
    else { lines.push([c]); }
  }
  lines.forEach((line, i) => {
    if (i === lines.length - 1) { return; }
    const next = lines[i + 1];
    let k = 0;
    while (k < next.length - 1 && OPENING.includes(next[k].ch)) { k++; }
    const head = next[k];
    if (head.word) { while (k + 1 < next.length && next[k + 1].word === head.word) { k++; } }
    else if (LATIN.test(head.ch)) { while (k + 1 < next.length && LATIN.test(next[k + 1].ch)) { k++; } }
    while (k + 1 < next.length && CLOSING.includes(next[k + 1].ch)) { k++; }
    // A word's box is as wide as its reading when that is wider, plus its margins.
    const edge = (c, side) => (c.word
      ? c.word.getBoundingClientRect()[side] + (side === "right" ? 1 : -1)
        * parseFloat(getComputedStyle(c.word).marginRight)
      : c.r[side]);
    const end = Math.max(...line.map((c) => edge(c, "right")));
    out.push({text: line.map((c) => c.ch).join("").slice(0, 30), gap: right - end,
              next: edge(next[k], "right") - edge(next[0], "left"), size});
  });
});
return {scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        bodyScroll: document.body.scrollWidth,
        lines: out, split};
"""


def sources() -> list[tuple[str, str]]:
    """(name, text) of the example, the shared samples when present, and the long chapter."""
    found = [("spring-market.txt", (ROOT / "examples" / "spring-market.txt").read_text("utf-8"))]
    for path in (
        SAMPLES / "news-party-book.txt",
        SAMPLES / "luxun-kong-yiji.txt",
        SAMPLES / "mixed" / "rust-book-installation.md",
    ):
        if path.is_file():
            found.append((path.name, path.read_text(encoding="utf-8")))
    found.append(("chapter.md", CHAPTER))
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every source as an HTML sheet, and the long chapter as an EPUB chapter page."""
    folder = tmp_path_factory.mktemp("sheets")
    options = Options()
    result = {}
    for name, text in sources():
        built, _ = build(
            parse(text, name, markdown=name.endswith(".md")), options, FakeTranslator()
        )
        page = folder / f"{Path(name).stem}.html"
        page.write_text(to_html(built[0], options), encoding="utf-8")
        result[name] = page
        if name == "chapter.md":
            import zipfile

            book = folder / "chapter.epub"
            book.write_bytes(to_epub(built, options))
            unpacked = folder / "epub"
            with zipfile.ZipFile(book) as archive:
                archive.extractall(unpacked)
            result["chapter.epub"] = unpacked / "OEBPS" / "chapter-001.xhtml"
    return result


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole module."""
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp()
    options = chrome_options(profile)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER or ""))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def figures(driver: Any, page: Path, width: int, script: bool, selector: str) -> dict[str, Any]:
    """Load a page at a viewport width, with or without its script, and measure it."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not script})
    driver.get(page.as_uri())
    result: dict[str, Any] = driver.execute_cdp_cmd(
        "Runtime.evaluate",
        {
            "expression": f"(() => {{ const arguments = [{selector!r}]; {FILL} }})()",
            "returnByValue": True,
        },
    )["result"]["value"]
    result["toolbar"] = driver.execute_cdp_cmd(
        "Runtime.evaluate",
        {"expression": "!document.querySelector('.toolbar')?.hidden", "returnByValue": True},
    )["result"]["value"]
    return result


def check(measured: dict[str, Any], width: int) -> None:
    """No sideways scrolling, and every line but a paragraph's last is full."""
    assert measured["client"] <= width
    assert measured["scroll"] <= measured["client"], measured["scroll"]
    assert measured["bodyScroll"] <= measured["client"], measured["bodyScroll"]
    assert measured["split"] == []
    lines = measured["lines"]
    assert lines, "no paragraph ran over more than one line"
    for line in lines:
        # Whatever starts the next line would have fitted in a gap wider than it, with room
        # for the closing punctuation that must stay with it.
        assert line["gap"] <= line["next"] + 0.5 * line["size"], line


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", WIDTHS)
def test_sheets_fit_the_screen_and_fill_their_lines(
    browser: Any, pages: dict[str, Path], width: int, script: bool
) -> None:
    for name, page in pages.items():
        if name.endswith(".epub"):
            continue
        measured = figures(browser, page, width, script, ".zh")
        assert measured["toolbar"] is script, name  # the script ran only when allowed
        try:
            check(measured, width)
        except AssertionError as exc:
            raise AssertionError(f"{name} at {width}px: {exc}") from None


@pytest.mark.parametrize("width", WIDTHS)
def test_epub_chapters_fit_the_screen_and_fill_their_lines(
    browser: Any, pages: dict[str, Path], width: int
) -> None:
    measured = figures(browser, pages["chapter.epub"], width, False, "p.zh")
    try:
        check(measured, width)
    except AssertionError as exc:
        raise AssertionError(f"EPUB chapter at {width}px: {exc}") from None


@pytest.mark.parametrize("width", [360, 600])
def test_a_line_without_chinese_leaves_no_empty_english_box(
    browser: Any, tmp_path: Path, width: int
) -> None:
    """A bare link line has no English; stacked on a phone, no empty bar is drawn for it."""
    text = "# 安装\n\n[ch01-01-installation.md](https://example.com/ch01.md)\n\n第一步是安装。\n"
    built, _ = build(parse(text, "a.md", markdown=True), Options(), FakeTranslator())
    page = tmp_path / "a.html"
    page.write_text(to_html(built[0], Options()), encoding="utf-8")
    figures(browser, page, width, True, ".zh")
    shown = browser.execute_cdp_cmd(
        "Runtime.evaluate",
        {
            "expression": "[...document.querySelectorAll('.en')].map(e => "
            "[e.textContent.trim() !== '', e.getBoundingClientRect().height > 0])",
            "returnByValue": True,
        },
    )["result"]["value"]
    assert len(shown) == 3
    assert all(has_text == displayed for has_text, displayed in shown), shown
