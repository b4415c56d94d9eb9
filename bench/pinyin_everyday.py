"""Benchmark readings of polyphones in everyday sentences, reader against pypinyin alone.

CPP (bench/pinyin_cpp.py) samples Wikipedia, where 塞 is nearly always sài (要塞, 塞尔维亚) and
为 is the copula wéi; a learner's texts say 塞进箱子 sāi and 为你高兴 wèi. This set holds short
everyday sentences, each with one polyphonic character and its reading (bench/data/
everyday-polyphones.tsv, written for reader). It prints each miss of reader's, then the
accuracy of pypinyin alone and, as its last line, reader's: `accuracy NN.NN % (right/total)`.
A reading that differs only by a neutral tone counts as right, as in bench/pinyin_cpp.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.annotate import Annotator  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "everyday-polyphones.tsv"


def load(path: Path) -> list[tuple[str, int, str]]:
    """(sentence, index of the character, its reading) for each line of the set."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        sentence, index, reading = line.split("\t")
        items.append((sentence, int(index), reading))
    return items


def agrees(got: str, gold: str) -> bool:
    """The same syllable, or one that differs only by a neutral tone."""
    return got == gold or (got[:-1] == gold[:-1] and "5" in (got[-1:], gold[-1:]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the TSV set to read")
    args = parser.parse_args(argv)

    from pypinyin import Style, lazy_pinyin

    items = load(args.data)
    right = baseline = 0
    with tempfile.TemporaryDirectory() as cache:
        annotator = Annotator(style="numbers", cache_dir=Path(cache))
        for sentence, index, gold in items:
            offset = 0
            got = ""
            for word in annotator.words(sentence):
                if offset <= index < offset + len(word.text) and word.reading:
                    got = word.reading[index - offset].lower()
                offset += len(word.text)
            plain = lazy_pinyin(sentence, style=Style.TONE3, neutral_tone_with_five=True)
            alone = plain[index].replace("v", "ü") if len(plain) == len(sentence) else ""
            baseline += agrees(alone, gold)
            if agrees(got, gold):
                right += 1
            else:
                char = sentence[index]
                print(f"miss\t{sentence}\t{char}\t{gold}\treader {got}\tpypinyin {alone}")
    total = max(len(items), 1)
    print(f"pypinyin {100 * baseline / total:.2f} % ({baseline}/{len(items)})")
    print(f"accuracy {100 * right / total:.2f} % ({right}/{len(items)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
