"""Batch benchmark: 20 varied articles, cold and warm, --jobs 1 vs 2; prints where time goes.

Usage: python bench/batch.py [--samples DIR] [--model PATH] [--formats html,pdf] [--files 20]
Without --model a fake translator stands in (no model is downloadable here); with --model the
real transformers path runs (e.g. the random-weight opus-mt-size model bench/translate.py builds).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from reader.batch.build import run as convert
from reader.options import Options

ROOT = Path(__file__).resolve().parents[1]


class FakeTranslator:
    """English of about 0.6× the Chinese length, instantly."""

    name = "bench-fake"

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        return [" ".join(["word"] * max(1, len(t) // 3)) for t in texts]


def make_articles(samples: Path, folder: Path, count: int) -> int:
    """Write `count` variations of the sample articles; returns total characters."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.txt"))]
    if not texts:
        texts = [(ROOT / "examples" / "spring-market.txt").read_text(encoding="utf-8")]
    rng = random.Random(7)
    total = 0
    for n in range(count):
        paragraphs = [p for p in texts[n % len(texts)].split("\n") if p.strip()]
        body = paragraphs[1:]
        rng.shuffle(body)
        keep = body[: max(3, int(len(body) * rng.uniform(0.5, 1.0)))]
        title = f"第{n + 1}课 {paragraphs[0][:20]}"
        text = f"{title}\n\n" + "\n\n".join(keep) + f"\n\n（第{n + 1}篇）\n"
        sub = folder / f"unit{n % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"article{n:02}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "samples")
    parser.add_argument("--model", default=None)
    parser.add_argument("--formats", default="html,pdf")
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles"
        chars = make_articles(args.samples, source, args.files)
        print(f"{args.files} articles, {chars} characters, formats {','.join(formats)}")
        print(f"{'jobs':>4} {'run':>5} {'seconds':>8} {'files/s':>8}  where the time goes (s)")
        for jobs in (1, 2):
            out = Path(tmp) / f"out-{jobs}"
            for run in ("cold", "warm"):
                options = Options(
                    formats=formats,
                    output_dir=out,
                    jobs=jobs,
                    cache_dir=Path(tmp) / f"cache-{jobs}",
                    **({"model": args.model} if args.model else {}),
                )
                translator = None if args.model else FakeTranslator()
                started = time.perf_counter()
                result = convert([source], options, translator=translator)
                seconds = time.perf_counter() - started
                assert not result.failures, result.failures
                parts = "  ".join(f"{k} {v:.2f}" for k, v in sorted(result.timings.items()))
                print(f"{jobs:>4} {run:>5} {seconds:8.2f} {args.files / seconds:8.2f}  {parts}")


if __name__ == "__main__":
    main()
