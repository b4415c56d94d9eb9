"""The HTML sheet in a real browser (Debian's headless chromium): ruby placement and columns."""

from __future__ import annotations

import itertools
import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from reader.options import Options
from reader.pipeline import build
from reader.render.html import to_html
from reader.source.blocks import parse
from tests.browser import CHROMIUM, FLAGS
from tests.fakes import FakeTranslator

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

# Measures the laid-out page and writes the figures into the DOM, which --dump-dom prints.
PROBE = """
<script>
addEventListener("load", () => {
  const rubies = [...document.querySelectorAll("ruby")].map((ruby) => {
    const base = document.createRange();
    base.selectNodeContents(ruby.firstChild);
    const b = base.getBoundingClientRect();
    const r = ruby.querySelector("rt").getBoundingClientRect();
    return {text: ruby.firstChild.textContent, base: [b.left, b.top, b.right, b.bottom],
            rt: [r.left, r.top, r.right, r.bottom]};
  });
  const rows = [...document.querySelectorAll(".row")].filter((row) => row.querySelector(".en"))
    .map((row) => {
      const zh = row.querySelector(".zh").getBoundingClientRect();
      const en = row.querySelector(".en").getBoundingClientRect();
      return {zh: [zh.left, zh.top, zh.right, zh.bottom], en: [en.left, en.top, en.right, en.bottom]};
    });
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({rubies, rows, width: innerWidth});
  document.body.append(out);
});
</script>
"""


def measure(html: str, width: int, tmp_path: Path) -> dict[str, list]:  # type: ignore[type-arg]
    page = tmp_path / f"page-{width}.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},2000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    start = done.stdout.index('<pre id="probe">') + len('<pre id="probe">')
    raw = done.stdout[start : done.stdout.index("</pre>", start)]
    return json.loads(
        raw.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def sheet() -> str:
    text = (ROOT / "examples" / "spring-market.txt").read_text(encoding="utf-8")
    built, _ = build(parse(text, "spring-market.txt"), Options(), FakeTranslator())
    return to_html(built[0], Options())


def test_pinyin_sits_centred_above_each_word(sheet: str, tmp_path: Path) -> None:
    figures = measure(sheet, 1280, tmp_path)
    rubies = figures["rubies"]
    assert len(rubies) > 100
    for ruby in rubies:
        bl, bt, br, bb = ruby["base"]
        rl, rt, rr, rb = ruby["rt"]
        # The base's box is the CJK font's content area, taller than the glyphs' ink: the
        # reading must end within its top quarter and start above it.
        assert rt < bt and rb <= bt + 0.25 * (bb - bt), ruby
        assert abs((bl + br) / 2 - (rl + rr) / 2) <= 1.5, ruby
    # Neighbouring readings on one line never overlap.
    lines: dict[int, list[list[float]]] = {}
    for ruby in rubies:
        lines.setdefault(round(ruby["rt"][1]), []).append(ruby["rt"])
    for boxes in lines.values():
        boxes.sort()
        for left, right in itertools.pairwise(boxes):
            assert left[2] <= right[0] + 0.5, (left, right)


def test_columns_side_by_side_on_a_wide_screen(sheet: str, tmp_path: Path) -> None:
    rows = measure(sheet, 1280, tmp_path)["rows"]
    assert rows
    for row in rows:
        assert row["en"][0] >= row["zh"][2]  # English starts right of the Chinese
        assert abs(row["en"][1] - row["zh"][1]) < 2  # and on the same row


def test_columns_stack_on_a_narrow_screen(sheet: str, tmp_path: Path) -> None:
    figures = measure(sheet, 480, tmp_path)  # headless chromium widens windows to 500 px
    width, rows = figures["width"], figures["rows"]
    assert width < 700 and rows
    for row in rows:
        assert row["en"][1] >= row["zh"][3] - 1  # English under the Chinese
        assert row["zh"][2] <= width and row["en"][2] <= width  # nothing runs off the screen
