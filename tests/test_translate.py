"""Tests for reader.translate: model lookup, download, the transformers backend, batching, checks."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.errors import ModelError, ModelUnavailableError, UsageError
from reader.options import DEFAULT_MODEL, models_dir_for
from reader.translate.checks import diagnose
from reader.translate.device import ThreadLayout, parse_threads, resolve_device
from reader.translate.hf import TransformersTranslator
from reader.translate.run import Translation, translate_checked, translate_sentences
from reader.translate.store import download_model, resolve_model

# the tiny models run on one thread (see conftest.py)
pytestmark = pytest.mark.usefixtures("one_torch_thread")

SENTENCES = [
    "我今天早上七点起床。",
    "北京是中国的首都，也是一座历史悠久的城市。",
    "你好！",
    "这家饭馆的菜很好吃，价格也不贵。",
    "天气预报说下午会下雨。",
    "他在银行工作了十年，现在是经理。",
    "请你把窗户打开。",
    "孩子们在操场上踢足球，玩得很开心，一直玩到天黑才回家。",
    "我的朋友从美国来。",
]


class Recording:
    """Wraps a translator and records every batch it is asked to translate."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = f"recording({inner.name})"
        self.batches: list[list[str]] = []

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        result: list[str] = self.inner.translate_batch(texts)
        return result

    @property
    def received(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


class LimitedRecording(Recording):
    """A recording wrapper that also passes on the inner translator's token limit."""

    def count_tokens(self, text: str) -> int:
        count: int = self.inner.count_tokens(text)
        return count

    @property
    def max_input_tokens(self) -> int:
        limit: int = self.inner.max_input_tokens
        return limit


class Bracketing:
    """A fake translator: wraps each text in brackets; counts one token per character + EOS."""

    name = "bracketing"

    def __init__(self, max_input_tokens: int | None = None) -> None:
        if max_input_tokens is not None:
            self.max_input_tokens = max_input_tokens
        self.batches: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return len(text) + 1

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return [f"[{text}]" for text in texts]

    @property
    def received(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> TransformersTranslator:
    translator = TransformersTranslator(str(tiny_model_dir))
    translator.load()
    return translator


# --- import cost -------------------------------------------------------------------------


def test_import_does_not_load_torch_or_transformers() -> None:
    code = (
        "import sys, reader.translate.registry, reader.translate.run\n"
        "print(','.join(m for m in ('torch', 'transformers', 'huggingface_hub')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""


# --- finding models ----------------------------------------------------------------------


def test_models_dir_for_prefers_explicit_then_environment(tmp_path: Path) -> None:
    env = {"READER_MODELS_DIR": str(tmp_path / "from-env")}
    assert models_dir_for(tmp_path / "explicit", env) == tmp_path / "explicit"
    assert models_dir_for(None, env) == tmp_path / "from-env"
    assert models_dir_for(None, {}) == Path("models")
    assert models_dir_for(None, {"READER_MODELS_DIR": "  "}) == Path("models")


def test_resolve_model_by_path(tiny_model_dir: Path, tmp_path: Path) -> None:
    assert resolve_model(str(tiny_model_dir), tmp_path / "empty") == tiny_model_dir


def test_resolve_model_by_name_from_models_dir(tiny_model_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "models"
    shutil.copytree(tiny_model_dir, store / "tiny-org" / "tiny-zh-en")
    found = resolve_model("tiny-org/tiny-zh-en", store)
    assert found == store / "tiny-org" / "tiny-zh-en"

    translator = TransformersTranslator("tiny-org/tiny-zh-en", models_dir=store)
    assert translator.name == "tiny-org/tiny-zh-en"
    out = translator.translate_batch(["你好。", "我今天早上七点起床。"])
    assert len(out) == 2
    assert all(isinstance(text, str) for text in out)
    assert translator.path == found


@pytest.fixture
def empty_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the Hugging Face cache at an empty folder and forbid network access."""
    from huggingface_hub import constants

    cache = tmp_path / "hf-home" / "hub"
    cache.mkdir(parents=True)
    monkeypatch.setenv("HF_HOME", str(cache.parent))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # huggingface_hub reads the environment once, at import
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return cache


def test_missing_hub_model_is_unavailable_with_a_fix(tmp_path: Path, empty_hf_cache: Path) -> None:
    empty = tmp_path / "models"
    empty.mkdir()
    with pytest.raises(ModelUnavailableError) as caught:
        resolve_model(DEFAULT_MODEL, empty)
    message = str(caught.value)
    assert "\n" not in message
    assert f"'{DEFAULT_MODEL}'" in message
    assert f"reader models download {DEFAULT_MODEL}" in message
    assert "--model PATH" in message
    assert "offline" in message


def test_unloaded_translator_raises_unavailable_on_first_use(
    tmp_path: Path, empty_hf_cache: Path
) -> None:
    translator = TransformersTranslator("nobody/no-such-model", models_dir=tmp_path)
    with pytest.raises(ModelUnavailableError, match="nobody/no-such-model"):
        translator.translate_batch(["你好"])


def test_resolve_model_from_hf_cache(
    tiny_model_dir: Path, tmp_path: Path, empty_hf_cache: Path
) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = empty_hf_cache / "models--tiny-org--cached-zh-en"
    shutil.copytree(tiny_model_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    found = resolve_model("tiny-org/cached-zh-en", tmp_path / "models")
    assert found.resolve() == (repo / "snapshots" / commit).resolve()


@pytest.mark.parametrize("name", ["./no/such/model", "/no/such/model", "models/org/name"])
def test_missing_path_says_the_folder_does_not_exist(name: str, tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        resolve_model(name, tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert f"'{name}' does not exist" in message


def test_folder_without_config_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "half-model"
    folder.mkdir()
    (folder / "vocab.json").write_text("{}")
    with pytest.raises(ModelError) as caught:
        resolve_model(str(folder), tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(folder) in message
    assert "config.json" in message


def test_broken_model_folder_names_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.json").write_text("{ this is not json")
    translator = TransformersTranslator(str(folder))
    with pytest.raises(ModelError) as caught:
        translator.load()
    message = str(caught.value)
    assert "\n" not in message
    assert str(folder) in message


# --- downloading -------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


def test_download_model_moves_a_complete_folder_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    calls: list[list[str]] = []

    def fake_snapshot_download(*, repo_id: str, local_dir: Path, allow_patterns: list[str]) -> str:
        calls.append(allow_patterns)
        assert repo_id == "org/model"
        folder = Path(local_dir)
        if "*.json" in allow_patterns:
            (folder / "config.json").write_text("{}")
        if "pytorch_model.bin" in allow_patterns:
            (folder / "pytorch_model.bin").write_bytes(b"weights")
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    store = tmp_path / "models"
    target = download_model("org/model", store)
    assert target == store / "org" / "model"
    assert (target / "config.json").is_file()
    # no safetensors in the repo: the .bin weights are fetched in a second pass
    assert (target / "pytorch_model.bin").is_file()
    assert len(calls) == 2
    assert "*.safetensors" in calls[0]
    assert "pytorch_model.bin" not in calls[0]
    assert _leftovers(store) == []
    assert resolve_model("org/model", store) == target


def test_download_failure_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    def failing(*, repo_id: str, local_dir: Path, allow_patterns: list[str]) -> str:
        (Path(local_dir) / "config.json").write_text("{}")  # a half download
        raise OSError("Connection refused\nmore detail")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing)
    store = tmp_path / "models"
    with pytest.raises(ModelError) as caught:
        download_model("org/model", store)
    message = str(caught.value)
    assert "\n" not in message
    assert "'org/model'" in message
    assert "Connection refused" in message
    assert "internet" in message
    assert not (store / "org" / "model").exists()
    assert _leftovers(store) == []
    with pytest.raises(ModelUnavailableError):
        resolve_model("org/model", store)


# --- the transformers backend ------------------------------------------------------------


def test_tiny_model_translates_to_strings(tiny: TransformersTranslator) -> None:
    out = tiny.translate_batch(SENTENCES[:3])
    assert len(out) == 3
    assert all(isinstance(text, str) and text == text.strip() for text in out)
    assert tiny.translate_batch([]) == []
    assert tiny.max_input_tokens == 512
    short, long = tiny.count_tokens("你好"), tiny.count_tokens(SENTENCES[1])
    assert 1 < short < long


def test_loading_restores_transformers_logging(tiny_model_dir: Path) -> None:
    from transformers.utils import logging as hf_logging

    before = (hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled())
    TransformersTranslator(str(tiny_model_dir), beams=2).translate_batch(["你好"])
    assert (hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()) == before


def test_generation_params_in_legacy_config_json(tiny_model_dir: Path, tmp_path: Path) -> None:
    # older opus-mt uploads keep num_beams / max_length / bad_words_ids in config.json
    folder = tmp_path / "legacy"
    shutil.copytree(tiny_model_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    pad = config["pad_token_id"]
    config.update(num_beams=2, max_length=40, bad_words_ids=[[pad]])
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "generation_config.json").unlink()
    out = TransformersTranslator(str(folder)).translate_batch(["你好。", "请你把窗户打开。"])
    assert len(out) == 2


def test_translate_sentences_keeps_order_and_ignores_batch_size(
    tiny: TransformersTranslator,
) -> None:
    one_by_one = [tiny.translate_batch([sentence])[0] for sentence in SENTENCES]
    # a random model still maps different inputs to different outputs: the test has teeth
    assert len(set(one_by_one)) > len(SENTENCES) // 2
    for batch_size in (1, 3, 8):
        assert translate_sentences(tiny, SENTENCES, batch_size=batch_size) == one_by_one


def test_translate_sentences_dedupes_and_sorts_by_length(tiny: TransformersTranslator) -> None:
    sentences = [*SENTENCES, SENTENCES[0], f"  {SENTENCES[1]}\n", SENTENCES[0]]
    recording = Recording(tiny)
    out = translate_sentences(recording, sentences, batch_size=4)
    assert sorted(recording.received) == sorted(SENTENCES)
    assert [len(batch) for batch in recording.batches] == [4, 4, 1]
    lengths = [len(text) for text in recording.received]
    assert lengths == sorted(lengths)
    assert out[len(SENTENCES)] == out[0] == out[-1]
    assert out[len(SENTENCES) + 1] == out[1]


def test_over_long_sentence_is_split_for_the_real_model(tiny: TransformersTranslator) -> None:
    clause = "孩子们在操场上踢足球玩得很开心一直玩到天黑才回家"
    long = "，".join([clause] * 40) + "。"
    assert tiny.count_tokens(long) > tiny.max_input_tokens
    recording = LimitedRecording(tiny)
    out = translate_sentences(recording, [long, "你好。"])
    assert len(out) == 2
    assert len(recording.received) > 2
    assert all(tiny.count_tokens(piece) <= tiny.max_input_tokens for piece in recording.received)
    pieces = [p for p in recording.received if p != "你好。"]
    assert sorted("".join(pieces)) == sorted(long)


# --- the shared helper with a fake translator ----------------------------------------------


def _bracketed(text: str) -> list[str]:
    return re.findall(r"\[(.*?)\]", text)


@pytest.mark.parametrize(
    "sentence",
    [
        "我今天早上七点起床，然后去公园跑步；北京是中国的首都：也是一座城市、很美。",
        "孩子们在操场上踢足球玩得很开心一直玩到天黑才回家没有任何标点符号的长句子",
        "短句，孩子们在操场上踢足球玩得很开心一直玩到天黑才回家，短句。",
        "Mixed 中文 and English words, with commas, and a rather long tail without any stops",
    ],
)
def test_over_long_sentence_is_split_into_pieces_that_fit(sentence: str) -> None:
    fake = Bracketing(max_input_tokens=12)
    out = translate_sentences(fake, [sentence, "好"])
    assert len(out) == 2
    assert out[1] == "[好]"
    received = [text for text in fake.received if text != "好"]
    assert len(received) > 1
    assert all(fake.count_tokens(piece) <= 12 for piece in received)
    # the pieces come back joined with spaces, in source order, with nothing lost
    pieces = _bracketed(out[0])
    assert sorted(pieces) == sorted(received)
    assert out[0] == " ".join(f"[{piece}]" for piece in pieces)
    assert "".join(pieces).replace(" ", "") == sentence.replace(" ", "")


def test_split_prefers_clause_punctuation() -> None:
    fake = Bracketing(max_input_tokens=20)
    sentence = "我今天早上七点起床，然后去公园跑步，跑了一个小时。"
    out = translate_sentences(fake, [sentence])
    pieces = _bracketed(out[0])
    assert len(pieces) > 1
    assert "".join(pieces) == sentence
    # every cut falls after clause punctuation, none inside a clause
    assert all(piece[-1] in "，。" for piece in pieces)


def test_sentences_that_fit_or_without_a_limit_are_not_split() -> None:
    long = "孩子们在操场上踢足球，玩得很开心，一直玩到天黑才回家。" * 10
    unlimited = Bracketing()
    assert translate_sentences(unlimited, [long]) == [f"[{long}]"]
    roomy = Bracketing(max_input_tokens=len(long) + 10)
    assert translate_sentences(roomy, [long]) == [f"[{long}]"]


def test_empty_inputs_make_no_model_call() -> None:
    fake = Bracketing()
    assert translate_sentences(fake, []) == []
    assert translate_sentences(fake, ["", "  ", "\n\t"]) == ["", "", ""]
    assert fake.batches == []
    assert translate_sentences(fake, ["", " 你好 ", " "]) == ["", "[你好]", ""]
    assert fake.batches == [["你好"]]


def test_progress_counts_distinct_texts() -> None:
    fake = Bracketing()
    seen: list[tuple[int, int]] = []
    sentences = [f"第{i}句。" for i in range(7)] + ["第0句。"]
    translate_sentences(fake, sentences, batch_size=3, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(3, 7), (6, 7), (7, 7)]


def test_wrong_number_of_translations_is_a_model_error() -> None:
    class Broken:
        name = "broken"

        def translate_batch(self, texts: Sequence[str]) -> list[str]:
            return ["x"]

    with pytest.raises(ModelError, match="broken"):
        translate_sentences(Broken(), ["一。", "二。"])


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        translate_sentences(Bracketing(), ["一"], batch_size=0)


def test_a_translator_with_workers_gets_that_many_batches_per_call() -> None:
    fake = Bracketing()
    fake.workers = 2  # type: ignore[attr-defined]
    translate_sentences(fake, [f"第{i}句。" for i in range(11)], batch_size=3)
    assert [len(batch) for batch in fake.batches] == [6, 5]


# --- settings: threads, device, int8, loop guard --------------------------------------------


@pytest.mark.parametrize(
    ("spec", "layout"),
    [
        (None, None),
        ("", None),
        ("2", ThreadLayout(2, 1)),
        ("2x1", ThreadLayout(2, 1)),
        (" 1X4 ", ThreadLayout(1, 4)),
        ("3×2", ThreadLayout(3, 2)),
    ],
)
def test_parse_threads(spec: str | None, layout: ThreadLayout | None) -> None:
    assert parse_threads(spec) == layout


@pytest.mark.parametrize("spec", ["0", "two", "2x", "x2", "2x0", "1x2x3", "-1"])
def test_bad_threads_is_a_usage_error(spec: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_threads(spec)
    assert f"'{spec}'" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_device_auto_resolves_to_cpu_here() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: auto resolves to cuda")
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("cuda") == "cuda"


def test_auto_device_loads_on_cpu(tiny_model_dir: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: auto resolves to cuda")
    translator = TransformersTranslator(str(tiny_model_dir), device="auto")
    assert translator.translate_batch(["你好。"])[0]
    assert next(translator._state().model.parameters()).device.type == "cpu"


def test_int8_path_on_the_tiny_model(tiny_model_dir: Path, tiny: TransformersTranslator) -> None:
    from torch.ao.nn.quantized.dynamic import Linear as QuantizedLinear

    quantized = TransformersTranslator(str(tiny_model_dir), int8=True)
    out = quantized.translate_batch(SENTENCES[:4])
    assert len(out) == 4
    assert all(isinstance(text, str) and text for text in out)
    assert isinstance(quantized._state().model.lm_head, QuantizedLinear)
    assert quantized.cache_key != tiny.cache_key
    # (no batch-size invariance here: dynamic quantisation scales activations per batch)


def test_workers_give_the_same_results_in_order(
    tiny_model_dir: Path, tiny: TransformersTranslator
) -> None:
    two = TransformersTranslator(str(tiny_model_dir), threads=ThreadLayout(2, 1))
    assert two.workers == 2
    assert two.translate_batch(SENTENCES) == [tiny.translate_batch([s])[0] for s in SENTENCES]


def test_strict_settings_still_translate(tiny: TransformersTranslator) -> None:
    out = tiny.translate_strict(SENTENCES[:3])
    assert len(out) == 3
    assert all(isinstance(text, str) for text in out)


def test_vectorised_no_repeat_ngram_matches_transformers() -> None:
    import torch
    from transformers import NoRepeatNGramLogitsProcessor

    from reader.translate.seq2seq import NoRepeatNGram

    generator = torch.Generator().manual_seed(0)
    for size in (2, 3, 4):
        for length in (1, size - 1, size, 12, 40):
            # a tiny vocabulary makes repeated n-grams common
            ids = torch.randint(0, 4, (6, length), generator=generator)
            scores = torch.randn(6, 4, generator=generator)
            ours = NoRepeatNGram(size)(ids, scores.clone())
            theirs = NoRepeatNGramLogitsProcessor(size)(ids, scores.clone())
            assert torch.equal(torch.isinf(ours), torch.isinf(theirs)), (size, length)
            assert torch.equal(ours[~torch.isinf(ours)], scores[~torch.isinf(ours)])


def test_vectorised_no_repeat_ngram_bans_the_repeat() -> None:
    import torch

    from reader.translate.seq2seq import NoRepeatNGram

    ids = torch.tensor([[9, 1, 2, 3, 1, 2], [9, 1, 2, 3, 4, 5]])
    scores = NoRepeatNGram(3)(ids, torch.zeros(2, 10))
    assert torch.isinf(scores[0]).nonzero().flatten().tolist() == [3]
    assert not torch.isinf(scores[1]).any()


# --- degenerate outputs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "english", "flag"),
    [
        ("我今天早上七点起床。", "I got up at seven this morning.", None),
        ("他说：“不。”", 'He said, "No."', None),
        ("画蛇添足", "to draw legs on a snake: to ruin something by overdoing it", None),
        ("他非常非常非常高兴。", "He was very, very, very happy.", None),
        ("孔乙己", "Kong Yiji", None),
        ("孔乙己说他明天再来。", "孔乙己 said he would come again tomorrow.", None),
        ("孔乙己说", "孔乙己 said", "untranslated"),
        ("", "", None),
        ("你好", "", None),
        ("我今天早上七点起床。", "我今天早上七点起床。", "untranslated"),
        ("北京是中国的首都。", "Beijing 是中国的首都。", "untranslated"),
        ("北京是中国的首都。", "the the the the", "repetition"),
        (
            "北京是中国的首都。",
            "Beijing is the capital of the capital of the capital of",
            "repetition",
        ),
        (
            "天气预报说下午会下雨。",
            "The weather forecast says it will rain, it will rain, it will rain, it will rain.",
            "repetition",
        ),
        ("你好！", "hellohellohellohellohellohello", "repetition"),
        ("他笑了。", "He laughed. " + " ".join(f"word{i}" for i in range(40)), "too-long"),
        # a multilingual model writing another language than English
        ("我今天早上七点起床。", "Сегодня утром я встал в семь.", "wrong-language"),
        ("北京是中国的首都。", "بكين هي عاصمة الصين.", "wrong-language"),
        ("北京是中国的首都。", "北京は中国の首都です。", "untranslated"),
        ("北京是中国的首都。", "베이징은 중국의 수도이다.", "wrong-language"),
        ("他说“你好”。", 'He said "привет".', None),
        ("他叫张伟。", "His name is Zhang Wei (张伟).", None),
        ("这是一个例子。", "This is a résumé-style example, naïve café.", None),
        # chat models' chatter and thinking
        (
            "北京是中国的首都。",
            "Here is the translation: Beijing is the capital of China.",
            "chatter",
        ),
        ("北京是中国的首都。", "Sure! Here's the English translation: Beijing is…", "chatter"),
        ("北京是中国的首都。", "The translation is: Beijing is the capital.", "chatter"),
        ("北京是中国的首都。", "Translation: Beijing is the capital of China.", "chatter"),
        ("北京是中国的首都。", "<think>The user wants</think> Beijing is the capital.", "chatter"),
        ("北京是中国的首都。", "<think>The user wants English", "chatter"),
        ("他说这是一个翻译。", "He said this is a translation.", None),
        ("他翻译了：这本书。", "He translated: this book.", None),
        ("好的。", "Okay.", None),
        ("这里是北京。", "Here is Beijing.", None),
        ("当然可以。", "Sure, of course.", None),
    ],
)
def test_diagnose(source: str, english: str, flag: str | None) -> None:
    assert diagnose(source, english) == flag


class Scripted:
    """A fake translator with scripted answers: plain, and (optionally) strict ones."""

    name = "scripted"

    def __init__(self, plain: dict[str, str], strict: dict[str, str] | None = None) -> None:
        self.plain = plain
        self.strict = strict
        self.batches: list[list[str]] = []
        self.strict_batches: list[list[str]] = []

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return [self.plain.get(text, f"fine: {len(text)} characters") for text in texts]

    def translate_strict(self, texts: Sequence[str]) -> list[str]:
        assert self.strict is not None
        self.strict_batches.append(list(texts))
        return [self.strict.get(text, f"strict: {len(text)} characters") for text in texts]


LOOP = "of the city of the city of the city of the city"


def test_degenerate_outputs_are_retried_once_strictly_and_flagged() -> None:
    fake = Scripted(
        plain={"一。": LOOP, "二。": "二。", "三。": "x " * 200, "四。": LOOP},
        strict={"一。": "One.", "二。": "二。", "三。": "word " * 100},
    )
    out = translate_checked(fake, ["一。", "二。", "三。", "四。", "五。"])
    assert [t.flag for t in out] == [None, "untranslated", "repetition", None, None]
    assert out[0].text == "One."
    assert out[3].text == "strict: 2 characters"
    assert out[4] == Translation("fine: 2 characters")
    # one retry, of the bad ones only, through the stricter settings
    assert len(fake.strict_batches) == 1
    assert sorted(fake.strict_batches[0]) == ["一。", "三。", "二。", "四。"]
    assert len(fake.batches) == 1


def test_retry_without_strict_settings_translates_again() -> None:
    class Copying:
        name = "copying"
        calls = 0

        def translate_batch(self, texts: Sequence[str]) -> list[str]:
            self.calls += 1
            return list(texts)

    fake = Copying()
    out = translate_checked(fake, ["我今天早上七点起床。"])
    assert out == [Translation("我今天早上七点起床。", "untranslated")]
    assert fake.calls == 2


def test_too_long_output_is_flagged() -> None:
    huge = " ".join(f"w{i}" for i in range(300))
    fake = Scripted(plain={"好。": huge}, strict={"好。": huge})
    assert translate_checked(fake, ["好。"]) == [Translation(huge, "too-long")]


def test_translate_checked_keeps_order_empties_and_duplicates() -> None:
    fake = Bracketing()
    sentences = ["", "一。", " 二。 ", "一。", "   "]
    out = translate_checked(fake, sentences, batch_size=1)
    assert [t.text for t in out] == ["", "[一。]", "[二。]", "[一。]", ""]


def test_translate_checked_progress_counts_sentences() -> None:
    fake = Scripted(plain={})
    seen: list[tuple[int, int]] = []
    translate_checked(
        fake,
        [f"第{i}句。" for i in range(40)],
        batch_size=3,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[0] == (0, 40)
    assert seen[-1] == (40, 40)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) >= 40 // 3


def test_pipeline_sets_translation_flags(tmp_path: Path) -> None:
    from reader.options import Options
    from reader.pipeline import annotate_all, translate_all
    from reader.source.blocks import parse

    articles = annotate_all(
        parse("标题\n\n我今天早上七点起床。他很高兴。\n", "x.txt"), Options(cache_dir=tmp_path)
    )
    fake = Scripted(plain={"他很高兴。": LOOP}, strict={"他很高兴。": LOOP})
    (done,) = translate_all(articles, fake, Options(cache=False))
    sentences = [s for p in done.paragraphs for s in p.sentences]
    flags = {s.text: s.translation_flag for s in sentences}
    assert flags["他很高兴。"] == "repetition"
    assert flags["我今天早上七点起床。"] is None
    assert done.translation_status == "translated"


# --- the progress display (reader.cli.progress) ---------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_rate_and_time_left() -> None:
    from reader.cli.progress import ProgressDisplay

    stream = Terminal()
    progress = ProgressDisplay(stream)
    now = [100.0]
    progress.clock = lambda: now[0]
    progress("annotate", 1, 1)
    assert stream.getvalue().endswith("annotate: 1/1\033[K")
    progress("translate", 20, 120)  # 20 came from the cache
    assert "20/120 sentences" in stream.getvalue()
    now[0] += 10.0
    progress("translate", 40, 120)  # the first batch, with the model's loading: no rate yet
    line = stream.getvalue().rsplit("\r", 1)[-1]
    assert line.startswith("translate [########----------------] 40/120 sentences")
    assert "ETA" not in line
    now[0] += 5.0
    progress("translate", 50, 120)
    line = stream.getvalue().rsplit("\r", 1)[-1]
    assert "2.0/s" in line
    assert "ETA 0:35" in line
    progress.close()
    assert stream.getvalue().endswith("\r\033[K")


def _last_line(stream: io.StringIO) -> str:
    return stream.getvalue().rsplit("\r", 1)[-1].removesuffix("\033[K")


def test_eta_is_measured_past_a_slow_first_file() -> None:
    """A first file that loads the model (60 s) doesn't set the pace of the 1 s files after it."""
    from reader.cli.progress import ProgressDisplay

    stream = Terminal()
    progress = ProgressDisplay(stream)
    now = [0.0]
    progress.clock = lambda: now[0]
    progress("files", 0, 100)
    now[0] = 60.0
    progress("files", 1, 100)
    for done in range(2, 11):
        now[0] += 1.0
        progress("files", done, 100)
    line = _last_line(stream)
    assert "1.0/s" in line and line.endswith("ETA 1:30"), line


def test_eta_follows_the_recent_pace_and_bursts_of_files() -> None:
    """Groups of 16 files finish at one moment; the rate is taken over the recent groups."""
    from reader.cli.progress import ProgressDisplay

    stream = Terminal()
    progress = ProgressDisplay(stream)
    now = [0.0]
    progress.clock = lambda: now[0]
    progress("files", 0, 160)
    done = 0
    for seconds in (100.0, 40.0, 40.0, 8.0, 8.0, 8.0, 8.0, 8.0):
        now[0] += seconds
        for _ in range(16):
            done += 1
            progress("files", done, 160)
    # the last 5 groups took 8 s each (2 files/s); the slow ones are out of the 30 s window
    line = _last_line(stream)
    assert f"{done}/160 files" in line
    assert "2.0/s" in line and line.endswith("ETA 0:16"), line


def test_eta_of_the_next_group_starts_from_the_measured_rate() -> None:
    from reader.cli.progress import ProgressDisplay

    stream = Terminal()
    progress = ProgressDisplay(stream)
    now = [0.0]
    progress.clock = lambda: now[0]
    for done in (0, 10, 20, 30):
        progress("translate", done, 40)
        now[0] += 2.0
    progress("files", 16, 32)
    progress("translate", 0, 50)  # the next group's sentences
    assert "5.0/s" in _last_line(stream) and _last_line(stream).endswith("ETA 0:10")


def test_progress_is_silent_off_a_terminal() -> None:
    from reader.cli.progress import ProgressDisplay

    stream = io.StringIO()
    progress = ProgressDisplay(stream)
    progress("translate", 1, 10)
    progress.close()
    assert stream.getvalue() == ""


def test_control_characters_from_a_model_never_reach_the_english() -> None:
    # a byte-level tokenizer's random or broken output: controls, U+FFFD, line breaks
    raw = "\x01Good\ufffd morning,\x7f\n  teacher.\x1b\x9b"
    fake = Scripted(plain={"老师好。": raw}, strict={})
    (out,) = translate_checked(fake, ["老师好。"])
    assert out == Translation("Good morning, teacher.")
    assert all(ch.isprintable() for ch in out.text)
