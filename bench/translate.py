"""Benchmark translation speed and memory on an opus-mt-zh-en-sized model (prints figures).

Builds a random-weight model with the exact architecture of Helsinki-NLP/opus-mt-zh-en
(Marian, d_model 512, 6+6 layers, 8 heads, FFN 2048, 65,001 tokens, beam 4), feeds it the
sentences of the sample articles with output lengths forced to about 1.2 target tokens per
source token, and compares, at the same beam width:

  (a) naive      transformers fp32, one paragraph per `generate` call, default threads
  (b) reader     reader's default CPU path (batches of length-sorted sentences)
  (c) int8       (b) with dynamic int8 quantisation
  (d) ct2 int8   ctranslate2 int8 (the `reader[fast]` extra)

Each mode runs in its own process (so peak RSS is its own). Then it times `reader convert`
of the news sample to HTML with the bench model: with the default engine (auto) and with
`--engine transformers` (the default before ctranslate2 became one), cold, then warm re-runs
(every article and sentence cached), wall and CPU seconds.

Then the two larger families, each engine side by side (`--large`, on by default):

  NLLB-200-distilled-600M shape (M2M100: d_model 1024, 12+12 layers, 16 heads, FFN 4096,
      256,206 tokens, beam 4), `zho_Hans` → `eng_Latn` forced as reader does
  Qwen2.5-0.5B-Instruct shape (Qwen2: hidden 896, 24 layers, 14 heads / 2 KV heads, FFN
      4864, 151,936 tokens, tied embeddings), greedy, reader's numbered-sentence prompt

with random weights, tokenizers trained at run time on the samples (as tests/tinymodel.py
does), output lengths forced as above, the ctranslate2 conversion made beforehand in its
own process (its time is printed apart; peak RSS is the translating process's).
`--large-layers N` scales both models' layer count down (and says so) where the full
depth is too slow for the machine.

    .venv/bin/python bench/translate.py                          # everything
    .venv/bin/python bench/translate.py --quick --large-layers 6 # 48 + 24 sentences
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.source.blocks import parse  # noqa: E402
from reader.source.decode import read_file  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
NEWS = SAMPLES / "news-party-book.txt"
TARGET_PER_SOURCE = 1.2
MAX_TARGET = 500
QUICK_SENTENCES = 48
LARGE_SENTENCES = 24
CHAT_BATCH = 4
MODES = ("naive", "reader", "int8", "ct2")
LARGE_MODES = ("nllb-tf", "nllb-ct2", "qwen-tf", "qwen-ct2")
# the real models' depths; --large-layers scales them down
FULL_LAYERS = {"nllb": 12, "qwen": 24}
LABELS = {
    "naive": "(a) naive: transformers fp32, 1 paragraph/call",
    "reader": "(b) reader default (transformers fp32, batched)",
    "int8": "(c) reader --int8 (transformers dynamic int8)",
    "ct2": "(d) reader --engine ctranslate2 (int8)",
    "nllb-tf": "NLLB-600M shape: transformers fp32",
    "nllb-ct2": "NLLB-600M shape: ctranslate2 int8",
    "qwen-tf": "Qwen2.5-0.5B shape: transformers fp32",
    "qwen-ct2": "Qwen2.5-0.5B shape: ctranslate2 int8",
}


# --- the model ----------------------------------------------------------------------------


def sample_paragraphs(samples: Path) -> list[list[str]]:
    """Sentences of the sample articles (.txt), grouped by paragraph."""
    paragraphs = []
    for file in sorted(samples.glob("*.txt")):
        for article in parse(read_file(file), str(file)):
            for paragraph in article.paragraphs:
                sentences = [s.strip() for s in paragraph.sentences if s.strip()]
                if sentences and paragraph.kind != "code":
                    paragraphs.append(sentences)
    return paragraphs


def build_model(folder: Path, samples: Path) -> Path:
    """An opus-mt-zh-en-shaped Marian model with random weights and a tokenizer of the samples."""
    from tests.tinymodel import EN_LINES, build_marian

    if (folder / "bench-model.json").is_file():
        return folder
    sentences = [s for p in sample_paragraphs(samples) for s in p]
    build_marian(
        folder,
        zh_lines=sentences,
        en_lines=EN_LINES,
        # about 1.3 characters per token on these texts, as opus-mt's own tokenizer gives
        source_pieces=2000,
        target_pieces=300,
        vocab_size=65_001,
        d_model=512,
        layers=6,
        heads=8,
        ffn=2048,
        num_beams=4,
        max_length=512,
        init_std=0.02,
    )
    (folder / "bench-model.json").write_text(json.dumps({"architecture": "opus-mt-zh-en"}))
    return folder


def build_large(family: str, folder: Path, layers: int) -> Path:
    """An NLLB-600M- or Qwen2.5-0.5B-shaped model with random weights, `layers` deep."""
    from tests.tinymodel import build_nllb, build_qwen2

    if (folder / "bench-model.json").is_file():
        return folder
    if family == "nllb":
        build_nllb(
            folder,
            d_model=1024,
            vocab_size=256_206,
            layers=layers,
            heads=16,
            ffn=4096,
            num_beams=4,
        )
    else:
        build_qwen2(
            folder,
            hidden=896,
            layers=layers,
            heads=14,
            kv_heads=2,
            ffn=4864,
            vocab_size=151_936,
        )
    (folder / "bench-model.json").write_text(json.dumps({"family": family, "layers": layers}))
    return folder


# --- forcing realistic output lengths ----------------------------------------------------------


class ForceLength:
    """Logits processor: no end-of-sentence before each row's target length, then only that."""

    def __init__(self, targets: Any, eos: int) -> None:
        self.targets = targets
        self.eos = eos

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        beams = input_ids.shape[0] // self.targets.shape[0]
        targets = self.targets.repeat_interleave(beams)
        # the decoder's input holds its start token, so length - 1 tokens are made so far
        made = input_ids.shape[1] - 1
        scores = scores.clone()
        scores[targets > made, self.eos] = float("-inf")
        done = targets <= made
        scores[done] = float("-inf")
        scores[done, self.eos] = 0.0
        return scores


def targets_for(lengths: Any) -> Any:
    """Target lengths for source lengths (tokens, end-of-sentence included)."""
    import torch

    # below the model's 512 positions, with room for the start and end tokens
    return torch.ceil(lengths.float() * TARGET_PER_SOURCE).long().clamp(max=MAX_TARGET)


def reader_translator(model: Path, int8: bool) -> Any:
    """reader's TransformersTranslator, with forced output lengths and a token count."""
    from reader.translate.hf import TransformersTranslator

    class Forced(TransformersTranslator):
        made = 0

        def _generate_options(self, state: Any, encoded: Any, strict: bool) -> dict[str, Any]:
            options = super()._generate_options(state, encoded, strict)
            targets = targets_for(encoded["attention_mask"].sum(dim=1))
            Forced.made += int(targets.sum())
            options["logits_processor"].append(ForceLength(targets, self._eos_token_id() or 0))
            return options

    return Forced(str(model), int8=int8)


def ct2_translator(model: Path, models_dir: Path) -> Any:
    """reader's CTranslate2Translator, with forced output lengths and a token count."""
    from reader.translate.ct2 import CTranslate2Translator

    class Forced(CTranslate2Translator):
        made = 0

        def _decode_options(
            self, state: Any, tokens: Sequence[Sequence[str]], limits: Sequence[int], strict: bool
        ) -> dict[str, Any]:
            options = super()._decode_options(state, tokens, limits, strict)
            # one bound per call (ctranslate2 has no per-row one); calls are length-sorted
            mean = sum(len(row) for row in tokens) / len(tokens)
            target = min(math.ceil(mean * TARGET_PER_SOURCE), MAX_TARGET)
            options["min_decoding_length"] = target
            options["max_decoding_length"] = target
            return options

        def _hypotheses(self, results: Any, limits: Sequence[int]) -> list[list[str]]:
            hypotheses = super()._hypotheses(results, limits)
            Forced.made += sum(len(h) for h in hypotheses)
            return hypotheses

    return Forced(str(model), models_dir=models_dir)


def chat_translator(model: Path, engine: str) -> Any:
    """reader's ChatTranslator with every answer forced to its batch's longest limit."""
    from reader.translate.chat import ChatTranslator

    class Forced(ChatTranslator):
        made = 0

        def _complete_transformers(
            self, state: Any, prompts: Sequence[str], limits: Sequence[int]
        ) -> list[str]:
            real = state.model.generate

            def generate(*args: Any, **kwargs: Any) -> Any:
                kwargs["generation_config"].min_new_tokens = max(limits)
                output = real(*args, **kwargs)
                new = output.shape[1] - kwargs["input_ids"].shape[1]
                Forced.made += new * output.shape[0]
                return output

            state.model.generate = generate
            try:
                return super()._complete_transformers(state, prompts, limits)
            finally:
                del state.model.generate

        def _complete_ct2(
            self, state: Any, prompts: Sequence[str], limits: Sequence[int]
        ) -> list[str]:
            tokenizer = state.tokenizer
            tokens = [
                tokenizer.convert_ids_to_tokens(tokenizer(p, add_special_tokens=False)["input_ids"])
                for p in prompts
            ]
            results = state.model.generate_batch(
                tokens,
                max_length=max(limits),
                min_length=max(limits),
                sampling_topk=1,
                beam_size=1,
                include_prompt_in_result=False,
            )
            Forced.made += sum(len(r.sequences_ids[0]) for r in results)
            return [str(tokenizer.decode(r.sequences_ids[0])) for r in results]

    return Forced(str(model), models_dir=model.parent, engine=engine)


def run_chat(model: Path, paragraphs: list[list[str]], engine: str) -> dict[str, Any]:
    """The chat path: one numbered prompt per paragraph, batches of similar length."""
    from reader.translate.chat import numbered_prompt

    started = time.perf_counter()
    translator = chat_translator(model, engine)
    translator.load()
    loaded = time.perf_counter() - started
    ordered = sorted(paragraphs, key=lambda p: len("".join(p)))
    started = time.perf_counter()
    for first in range(0, len(ordered), CHAT_BATCH):
        batch = ordered[first : first + CHAT_BATCH]
        users = [numbered_prompt(p, [], {}) for p in batch]
        limits = [min(math.ceil(len("".join(p)) * TARGET_PER_SOURCE), MAX_TARGET) for p in batch]
        translator.complete(users, limits)
    seconds = time.perf_counter() - started
    made = type(translator).made
    return {
        "load_s": loaded,
        "seconds": seconds,
        "tokens": made,
        "sentences": sum(map(len, ordered)),
    }


# --- one mode, in its own process ------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    # VmHWM starts afresh at exec; ru_maxrss would include the parent's memory at fork
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_naive(model: Path, paragraphs: list[list[str]], budget: float) -> dict[str, Any]:
    """Transformers as a first script would use it: one paragraph per generate call.

    Stops after the paragraph that runs past `budget` seconds: it is slow, and paragraphs
    in document order give a fair rate.
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, LogitsProcessorList

    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(model)
    network = AutoModelForSeq2SeqLM.from_pretrained(model).eval()
    loaded = time.perf_counter() - started
    made = sentences = 0
    started = time.perf_counter()
    for paragraph in paragraphs:
        if time.perf_counter() - started > budget:
            break
        sentences += len(paragraph)
        encoded = tokenizer(["".join(paragraph)], return_tensors="pt", truncation=True)
        targets = targets_for(encoded["attention_mask"].sum(dim=1))
        made += int(targets.sum())
        eos = network.generation_config.eos_token_id
        with torch.no_grad():
            network.generate(
                **encoded,
                max_length=int(targets.max()) + 2,
                logits_processor=LogitsProcessorList([ForceLength(targets, eos)]),
            )
    seconds = time.perf_counter() - started
    return {"load_s": loaded, "seconds": seconds, "tokens": made, "sentences": sentences}


def run_reader(model: Path, sentences: list[str], mode: str, models_dir: Path) -> dict[str, Any]:
    """reader's own path: the shared batching helper over one of its backends."""
    from reader.translate.run import translate_sentences

    started = time.perf_counter()
    if mode == "ct2":
        translator = ct2_translator(model, models_dir)
    else:
        translator = reader_translator(model, int8=mode == "int8")
    translator.load()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    translate_sentences(translator, sentences, batch_size=8)
    seconds = time.perf_counter() - started
    made = type(translator).made
    return {"load_s": loaded, "seconds": seconds, "tokens": made, "sentences": len(sentences)}


def child(args: argparse.Namespace) -> int:
    """Run one mode and print its figures as one JSON line."""
    if args.child == "build":
        build_model(args.model_dir, args.samples)
        return 0
    if args.child.startswith("build-"):
        family = args.child.split("-")[1]
        build_large(family, args.model_dir, args.large_layers or FULL_LAYERS[family])
        return 0
    if args.child == "convert":
        from reader.translate.ct2 import convert_model

        convert_model(str(args.model_dir), args.model_dir.parent)
        print(json.dumps({"peak_rss_mb": peak_rss_mb()}))
        return 0
    limit = args.large_sentences if args.child in LARGE_MODES else args.sentences
    paragraphs = chosen(sample_paragraphs(args.samples), limit)
    sentences = [s for p in paragraphs for s in p]
    if args.child in ("qwen-tf", "qwen-ct2"):
        engine = "ctranslate2" if args.child.endswith("ct2") else "transformers"
        result = run_chat(args.model_dir, paragraphs, engine)
    elif args.child in ("nllb-tf", "nllb-ct2"):
        mode = "ct2" if args.child.endswith("ct2") else "reader"
        result = run_reader(args.model_dir, sentences, mode, args.model_dir.parent)
    elif args.child == "naive":
        result = run_naive(args.model_dir, paragraphs, args.naive_budget)
    else:
        result = run_reader(args.model_dir, sentences, args.child, args.model_dir.parent)
    result.update(peak_rss_mb=peak_rss_mb(), total=len(sentences))
    print(json.dumps(result))
    return 0


def chosen(paragraphs: list[list[str]], limit: int | None) -> list[list[str]]:
    """Whole paragraphs from the start until `limit` sentences (all when None)."""
    if limit is None:
        return paragraphs
    picked: list[list[str]] = []
    count = 0
    for paragraph in paragraphs:
        if count >= limit:
            break
        picked.append(paragraph)
        count += len(paragraph)
    return picked


# --- the parent: all modes side by side, then `reader convert` ---------------------------------


def run_child(mode: str, args: argparse.Namespace, model: Path) -> dict[str, Any]:
    """Run one mode in a fresh interpreter."""
    command = [sys.executable, __file__, "--child", mode, "--model-dir", str(model)]
    command += ["--samples", str(args.samples), "--naive-budget", str(args.naive_budget)]
    command += ["--large-sentences", str(args.large_sentences)]
    command += ["--large-layers", str(args.large_layers)]
    if args.sentences is not None:
        command += ["--sentences", str(args.sentences)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def timed_convert(arguments: list[str]) -> tuple[float, float, float, int]:
    """Run `reader convert …` in a child process: (seconds, CPU seconds, peak RSS MB, exit code)."""
    command = [sys.executable, "-m", "reader", "convert", *arguments, "-q"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, process.returncode


def convert_figures(model: Path, work: Path) -> list[tuple[str, float, float, float, int]]:
    """Cold and warm `reader convert` of the news sample to HTML, and the floor without MT.

    Each run writes to a new output folder (nothing is skipped as up to date) and shares
    one cache folder: the first run fills the annotation cache, the second the translation
    cache, and the warm re-runs find every article and sentence there.
    """
    cache = work / "cache"
    common = [str(NEWS), "--model", str(model), "--models-dir", str(model.parent)]
    common += ["--cache-dir", str(cache), "-f", "html"]
    rows = []
    for label, extra in (
        ("no translation, empty caches (annotate + render)", ["--no-translate"]),
        ("cold: --engine transformers (the old default)", ["--engine", "transformers"]),
        ("cold: default engine (auto), empty translation cache", []),
        ("warm re-run: every article and sentence cached", []),
        ("warm re-run again", []),
        ("warm re-run again", []),
    ):
        out = work / f"out-{len(rows)}"
        seconds, cpu, rss, code = timed_convert([*common, "-o", str(out), *extra])
        rows.append((label, seconds, cpu, rss, code))
    return rows


def large_rows(args: argparse.Namespace, work: Path) -> None:
    """Build, convert and run the NLLB- and Qwen-shaped models; print one table."""
    rows: list[tuple[str, int, dict[str, Any]]] = []
    notes = []
    for family in ("nllb", "qwen"):
        layers = args.large_layers or FULL_LAYERS[family]
        folder = work / "models" / f"{family}-random"
        started = time.perf_counter()
        command = [sys.executable, __file__, "--child", f"build-{family}"]
        command += ["--model-dir", str(folder), "--large-layers", str(layers)]
        subprocess.run(command, check=True)
        built = time.perf_counter() - started
        started = time.perf_counter()
        converted = run_child("convert", args, folder)
        scaled = (
            "" if layers == FULL_LAYERS[family] else f" (scaled down from {FULL_LAYERS[family]})"
        )
        seconds = time.perf_counter() - started
        notes.append(
            f"{family}: {layers} layers{scaled}; built in {built:.0f} s, converted for "
            f"ctranslate2 in {seconds:.0f} s (peak RSS {converted.get('peak_rss_mb', 0):.0f} MB)"
        )
        for engine in ("tf", "ct2"):
            mode = f"{family}-{engine}"
            print(f"running {mode} …", file=sys.stderr, flush=True)
            result = run_child(mode, args, folder)
            result["load"] = os.getloadavg()[0]
            rows.append((mode, layers, result))
    print(f"\nLarger families, {args.large_sentences} sentences (whole paragraphs) each:")
    for note in notes:
        print(f"  {note}")
    header = (
        f"{'mode':<40} {'layers':>6} {'sent/s':>7} {'tok/s':>7} {'× tf':>5} {'load s':>7} "
        f"{'RSS MB':>7} {'loadavg':>7}"
    )
    print(header)
    print("-" * len(header))
    base: dict[str, float] = {}
    for mode, layers, result in rows:
        if "error" in result:
            print(f"{LABELS[mode]:<40} failed: {result['error']}")
            continue
        rate = result["tokens"] / result["seconds"]
        family = mode.split("-")[0]
        base.setdefault(family, rate)
        print(
            f"{LABELS[mode]:<40} {layers:>6} {result['sentences'] / result['seconds']:>7.2f} "
            f"{rate:>7.1f} {rate / base[family]:>5.1f} {result['load_s']:>7.1f} "
            f"{result['peak_rss_mb']:>7.0f} {result['load']:>7.2f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SENTENCES} sentences only")
    parser.add_argument("--sentences", type=int, default=None, help="translate this many")
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--model-dir", type=Path, help="build (or reuse) the model here")
    parser.add_argument("--modes", default=",".join(MODES), help="which of " + ",".join(MODES))
    parser.add_argument(
        "--naive-budget",
        type=float,
        default=300.0,
        help="seconds after which (a) stops (its rate is measured on what it did)",
    )
    parser.add_argument(
        "--large-sentences",
        type=int,
        default=LARGE_SENTENCES,
        help="sentences (whole paragraphs) for the NLLB- and Qwen-shaped models",
    )
    parser.add_argument(
        "--large-layers",
        type=int,
        default=0,
        help="layers of the NLLB- and Qwen-shaped models (0: the real 12+12 and 24)",
    )
    parser.add_argument("--no-large", action="store_true", help="skip the NLLB and Qwen rows")
    parser.add_argument("--no-convert", action="store_true", help="skip the reader convert runs")
    parser.add_argument(
        "--child",
        choices=(*MODES, *LARGE_MODES, "build", "build-nllb", "build-qwen", "convert"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args(argv)
    if args.quick and args.sentences is None:
        args.sentences = QUICK_SENTENCES
    if args.child:
        return child(args)

    import platform

    with tempfile.TemporaryDirectory(prefix="reader-bench-") as temporary:
        work = Path(temporary)
        model = args.model_dir or work / "models" / "opus-mt-zh-en-random"
        started = time.perf_counter()
        # in a child: a big parent would inflate its children's ru_maxrss (copied at fork)
        command = [sys.executable, __file__, "--child", "build", "--model-dir", str(model)]
        subprocess.run([*command, "--samples", str(args.samples)], check=True)
        print(f"model: {model} (ready in {time.perf_counter() - started:.0f} s)")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs; "
            f"load average before {os.getloadavg()[0]:.2f}"
        )
        modes = [m for m in args.modes.split(",") if m in MODES]
        results = {}
        for mode in modes:
            print(f"running {mode} …", file=sys.stderr, flush=True)
            results[mode] = run_child(mode, args, model)
            # the 1-minute load average at the end: above ~2 something else was running
            results[mode]["load"] = os.getloadavg()[0]
        base = results.get("naive", {})
        base_rate = base["tokens"] / base["seconds"] if "seconds" in base else None
        sentences = next((r["total"] for r in results.values() if "total" in r), 0)
        print(
            f"\n{sentences} sentences, beam 4, ~{TARGET_PER_SOURCE} target tokens per source token"
        )
        print("(loadavg: 1-minute load average after the mode; above ~2.5, other work was running)")
        header = (
            f"{'mode':<50} {'sent/s':>7} {'tok/s':>7} {'× (a)':>6} {'load s':>7} "
            f"{'RSS MB':>7} {'loadavg':>7}"
        )
        print(header)
        print("-" * len(header))
        for mode, result in results.items():
            if "error" in result:
                print(f"{LABELS[mode]:<50} failed: {result['error']}")
                continue
            rate = result["tokens"] / result["seconds"]
            ratio = f"{rate / base_rate:.1f}" if base_rate else "-"
            print(
                f"{LABELS[mode]:<50} {result['sentences'] / result['seconds']:>7.2f} "
                f"{rate:>7.1f} {ratio:>6} {result['load_s']:>7.1f} {result['peak_rss_mb']:>7.0f} "
                f"{result['load']:>7.2f}"
            )
            if result["sentences"] < result["total"]:
                print(f"    ({result['sentences']} of {result['total']} sentences: time budget)")
        print(f"\nreader convert {NEWS.name} -f html (end to end, one process each):")
        for label, seconds, cpu, rss, code in (
            [] if args.no_convert else convert_figures(model, work)
        ):
            status = "" if code == 0 else f"  (exit {code})"
            print(
                f"  {label:<52} {seconds:>6.2f} s  CPU {cpu:>6.2f} s  "
                f"peak RSS {rss:>5.0f} MB{status}"
            )
        if not args.no_large:
            large_rows(args, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
