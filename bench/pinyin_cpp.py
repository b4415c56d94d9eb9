"""Benchmark polyphone readings on CPP (g2pM's set): accuracy on each sentence's marked character.

Runs reader's own annotation path (`Annotator.annotate`, as `reader convert` does) over
`dev.sent` (one sentence a line, the character under test wrapped in U+2581) and compares the
reading of that character with `dev.lb` (numbered pinyin, ü as `u:`). The last line printed is
`accuracy NN.NN % (right/total)`, where a reading that differs from CPP's only by a neutral tone
counts as right; the line `strict` before it counts it as wrong.

Only the dev split is shipped (in shared/bench/cpp-dev). The held-out split is `test.sent` and
`test.lb` in g2pM's data/ folder (Apache-2.0): put them in a folder and pass `--data DIR --split
test`. Judge changes on dev and confirm them on test; don't commit the data.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.annotate import Annotator  # noqa: E402
from reader.model import Article, Paragraph, Word  # noqa: E402

MARK = "\u2581"
CHUNK = 256


def load(folder: Path, split: str, limit: int | None) -> list[tuple[str, int, str]]:
    """(sentence, index of the marked character, gold reading) for each line of a split."""
    sentences = (folder / f"{split}.sent").read_text(encoding="utf-8").splitlines()
    labels = (folder / f"{split}.lb").read_text(encoding="utf-8").splitlines()
    if len(sentences) != len(labels):
        raise SystemExit(f"{folder}: {split}.sent and {split}.lb differ in length")
    items = []
    for marked, label in zip(sentences, labels, strict=True):
        index = marked.find(MARK)
        if index < 0 or marked.count(MARK) != 2:
            raise SystemExit(f"{folder}: a line without one {MARK}X{MARK} mark: {marked!r}")
        items.append((marked.replace(MARK, ""), index, label.strip()))
        if limit is not None and len(items) >= limit:
            break
    return items


def syllable_at(words: Sequence[Word], index: int) -> str:
    """The numbered syllable the annotator gave the character at `index`, as CPP writes it."""
    offset = 0
    for word in words:
        if offset <= index < offset + len(word.text):
            if not word.reading:
                return ""
            syllable = word.reading[index - offset].lower()
            # CPP writes erhua as r5; reader writes it r, joined to the syllable before.
            return "r5" if syllable == "r" else syllable.replace("ü", "u:")
        offset += len(word.text)
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with SPLIT.sent/.lb")
    parser.add_argument("--split", default="dev", help="file stem: dev, test, train (dev)")
    parser.add_argument("--limit", type=int, default=None, help="first N sentences only")
    parser.add_argument("--errors", type=Path, default=None, help="write mistakes to this TSV")
    args = parser.parse_args(argv)

    items = load(args.data, args.split, args.limit)
    with tempfile.TemporaryDirectory() as cache:
        annotator = Annotator(style="numbers", cache_dir=Path(cache))
        started = time.perf_counter()
        annotator.words("重")  # load jieba, the context model and CC-CEDICT once
        loaded = time.perf_counter()
        right = citation = 0
        mistakes = []
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            # One sentence a paragraph: the same code path as `reader convert`, context whole.
            article = Article(
                source=str(args.data),
                paragraphs=tuple(Paragraph(kind="text", sentences=(s,)) for s, _, _ in chunk),
            )
            annotated = annotator.annotate(article)
            for (sentence, index, gold), paragraph in zip(chunk, annotated.paragraphs, strict=True):
                got = syllable_at(paragraph.sentences[0].words, index)
                if got == gold:
                    right += 1
                    continue
                if got[:-1] == gold[:-1] and "5" in (got[-1:], gold[-1:]):
                    citation += 1
                mistakes.append(f"{sentence[index]}\t{gold}\t{got}\t{index}\t{sentence}")
        finished = time.perf_counter()
    if args.errors:
        args.errors.write_text("".join(m + "\n" for m in mistakes), encoding="utf-8")
    print(f"sentences {len(items)}")
    print(f"load {loaded - started:.2f} s, annotate {finished - loaded:.2f} s")
    total = max(len(items), 1)
    print(f"strict {100 * right / total:.2f} % ({right}/{len(items)})")
    # CPP writes citation tones except for particles and a few suffixes (知识 zhīshí, 衣服 yīfú,
    # but 西南边 biān as bian5); reader writes the neutral tones CC-CEDICT gives (zhīshi, yīfu).
    # The right syllable with or without its neutral tone is not a polyphone mistake, so the
    # headline figure counts it as right.
    print(f"right syllable, neutral tone differs: {citation}")
    both = right + citation
    print(f"accuracy {100 * both / total:.2f} % ({both}/{len(items)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
