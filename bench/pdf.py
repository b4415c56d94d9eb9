"""Benchmark PDF rendering: seconds, pages and size per sample article (prints figures)."""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.model import AnnotatedArticle, Article  # noqa: E402
from reader.options import Options  # noqa: E402
from reader.pipeline import build  # noqa: E402
from reader.source.blocks import parse  # noqa: E402
from reader.source.decode import read_file  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
SYNTHETIC_CHARS = 10_000

_WORDS = (
    "the market morning people city new old book party history years said would their "
    "with from about many every which could still after before there other great small "
    "village friends children mother teacher reading theory together water road house"
).split()


class FakeTranslator:
    """Deterministic English about 0.6 times the length of the Chinese, so columns look real."""

    name = "bench-fake-zh-en"

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [self._english(text) for text in texts]

    @staticmethod
    def _english(text: str) -> str:
        pick = random.Random(zlib.crc32(text.encode("utf-8")))
        target = max(8, int(len(text) * 0.6 * 5))  # ~5 Latin letters per Chinese character
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < target:
            words.append(pick.choice(_WORDS))
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + "."


def characters(article: Article | AnnotatedArticle) -> int:
    """Characters of the article's text, whitespace left out."""
    return sum(len("".join(p.text.split())) for p in article.paragraphs)


def load(samples: Path) -> list[Article]:
    """The sample articles (.txt then Markdown under mixed/), first article of each file."""
    files = sorted(samples.glob("*.txt")) + sorted(samples.glob("mixed/*.md"))
    articles = []
    for file in files:
        parsed = parse(read_file(file), str(file), markdown=file.suffix == ".md")
        articles.extend(parsed[:1])
    return articles


def synthetic(articles: Sequence[Article]) -> Article:
    """One long article of about SYNTHETIC_CHARS characters made by concatenating samples."""
    first = articles[0]
    paragraphs = [p for p in first.paragraphs if p.kind in ("title", "meta")]
    body = [p for a in articles for p in a.paragraphs if p.kind not in ("title", "meta")]
    total = sum(len("".join(p.text.split())) for p in paragraphs)
    for paragraph in body * 4:
        if total >= SYNTHETIC_CHARS:
            break
        paragraphs.append(paragraph)
        total += len("".join(paragraph.text.split()))
    return dataclasses.replace(first, source="synthetic-10k.txt", paragraphs=tuple(paragraphs))


def page_count(pdf: bytes) -> str:
    """Pages of a PDF, as poppler's pdfinfo counts them ("?" without poppler)."""
    pdfinfo = shutil.which("pdfinfo")
    if not pdfinfo:
        return "?"
    info = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=False).stdout
    for line in info.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            return line.split()[1]
    return "?"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="folder of sample articles")
    parser.add_argument("--layout", choices=("side", "stacked"), default="side")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    parser.add_argument("--tone-colors", action="store_true")
    parser.add_argument("--no-pinyin", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per article (best is shown)")
    parser.add_argument("--out", type=Path, help="also write the PDFs into this folder")
    args = parser.parse_args(argv)

    from reader.render.pdf.document import to_pdf

    options = Options(
        layout=args.layout,
        paper=args.paper,
        tone_colors=args.tone_colors,
        show_pinyin=not args.no_pinyin,
    )
    articles = load(args.samples)
    if not articles:
        print(f"no samples in {args.samples}", file=sys.stderr)
        return 1
    articles.append(synthetic(articles))
    built, _ = build(articles, options, FakeTranslator())

    # Warm up: the first render loads fonts and WeasyPrint's modules.
    to_pdf(built[0], options)

    # Wall-clock seconds are the figure; CPU seconds show how much of it was waiting for a
    # busy machine.
    print(f"{'article':<32} {'chars':>7} {'pages':>5} {'s':>7} {'s/1k':>6} {'cpu s':>7} {'KB':>6}")
    for article in built:
        best, cpu = float("inf"), float("inf")
        for _ in range(max(1, args.repeat)):
            start, start_cpu = time.perf_counter(), time.process_time()
            data = to_pdf(article, options)
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        chars = characters(article)
        pages = page_count(data)
        print(
            f"{Path(article.source).name:<32} {chars:>7} {pages:>5} {best:>7.2f} "
            f"{best / chars * 1000:>6.2f} {cpu:>7.2f} {len(data) / 1024:>6.0f}"
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{Path(article.source).stem}.pdf").write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
