"""Chat (decoder-only) models: prompt, numbered paragraphs, greedy decoding, both engines."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.cli.main import main
from reader.translate.chat import (
    PROMPT_VERSION,
    ChatTranslator,
    numbered_prompt,
    parse_numbered,
    strip_thinking,
)

ARTICLE = "春天到了\n\n我今天早上七点起床。然后去公园跑步。\n\n北京是中国的首都。\n"


@pytest.fixture(scope="module")
def qwen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tinymodel import build_qwen2

    return build_qwen2(tmp_path_factory.mktemp("chat") / "qwen")


@pytest.mark.parametrize(
    ("answer", "count", "expected"),
    [
        ("1. I got up.\n2. Then I ran.", 2, ["I got up.", "Then I ran."]),
        ("<think>hmm</think>\n1) A.\n\n2) B.", 2, ["A.", "B."]),
        ("1. A.\n3. B.", 2, None),
        ("1. A.", 2, None),
        ("A. B.", 2, None),
        ("1. A.\n2. B.\n3. C.", 2, None),
        ("1. Only one.", 1, ["Only one."]),
        ("Only one.", 1, ["Only one."]),
        ("", 1, None),
    ],
)
def test_parse_numbered(answer: str, count: int, expected: list[str] | None) -> None:
    assert parse_numbered(answer, count) == expected


def test_strip_thinking() -> None:
    assert strip_thinking("<think>\nplan\n</think>\n\nHello.") == "Hello."
    assert strip_thinking("Hello.<think>unfinished") == "Hello."


def test_prompt_has_numbers_context_and_the_glossary_terms_that_occur() -> None:
    prompt = numbered_prompt(
        ["王老师讲思政课。", "学生们很认真。"],
        ["上周开学了。"],
        {"思政课": "ideology and politics class", "辅导员": "counsellor"},
    )
    assert "1. 王老师讲思政课。\n2. 学生们很认真。" in prompt
    assert "exactly 2 lines" in prompt
    assert "上周开学了。" in prompt and "do not translate" in prompt
    assert "思政课 = ideology and politics class" in prompt
    assert "辅导员" not in prompt


class Scripted(ChatTranslator):
    """A chat translator whose model answers from a script, recording the prompts."""

    def __init__(self, answers: Sequence[str]) -> None:
        super().__init__("scripted")
        self.answers = list(answers)
        self.users: list[str] = []

    def complete(self, users: Sequence[str], limits: Sequence[int]) -> list[str]:
        assert all(limit > 0 for limit in limits)
        self.users.extend(users)
        return [self.answers.pop(0) for _ in users]


def test_a_numbered_answer_pairs_sentence_by_sentence() -> None:
    chat = Scripted(["1. I got up at seven.\n2. Then I went running."])
    out = chat.translate_groups([(["我七点起床。", "然后去跑步。"], [])])
    assert out == [["I got up at seven.", "Then I went running."]]
    assert len(chat.users) == 1


def test_a_miscounted_answer_falls_back_to_sentence_by_sentence() -> None:
    chat = Scripted(
        ["I got up at seven and went running.", "1. I got up.", "<think>x</think>I ran."]
    )
    chat.context = 1
    out = chat.translate_groups([(["我七点起床。", "然后去跑步。"], ["春天到了。"])])
    assert out == [["I got up.", "I ran."]]
    assert len(chat.users) == 3
    # each sentence alone, with the one sentence before it as context
    assert "春天到了。" in chat.users[1] and "我七点起床。" in chat.users[2]
    assert "春天到了。" not in chat.users[2]


def test_context_prompt_and_glossary_are_in_the_cache_key(qwen: Path, tmp_path: Path) -> None:
    plain = ChatTranslator(str(qwen), models_dir=tmp_path)
    assert f"prompt={PROMPT_VERSION}" in plain.cache_key
    assert ChatTranslator(str(qwen), models_dir=tmp_path, context=2).cache_key != plain.cache_key
    glossary = ChatTranslator(str(qwen), models_dir=tmp_path, glossary={"课": "class"})
    assert glossary.cache_key != plain.cache_key
    assert not plain.loaded


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every transformers `generate` and ctranslate2 `generate_batch` call, with its prompt."""
    import ctranslate2
    from transformers.generation.utils import GenerationMixin

    seen: list[dict[str, Any]] = []
    real_generate = GenerationMixin.generate
    real_generator = ctranslate2.Generator

    def generate(model: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real_generate(model, *args, **kwargs)

    class Recording:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner = real_generator(*args, **kwargs)

        def generate_batch(self, tokens: Any, **options: Any) -> Any:
            seen.append({"tokens": tokens, **options})
            return self.inner.generate_batch(tokens, **options)

    monkeypatch.setattr(GenerationMixin, "generate", generate)
    monkeypatch.setattr(ctranslate2, "Generator", Recording)
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_a_chat_model_translates_through_reader_convert(
    engine: str, qwen: Path, tmp_path: Path, calls: list[dict[str, Any]]
) -> None:
    from transformers import AutoTokenizer

    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    err = io.StringIO()
    code = main(
        [
            *("convert", str(source), "--model", str(qwen), "--engine", engine),
            *("--models-dir", str(tmp_path / "store"), "-o", str(tmp_path / "out")),
            *("-f", "json,html", "--no-cache", "-j", "1", "--strict", "--context", "2"),
        ],
        stderr=err,
    )
    assert code == 0, err.getvalue()
    assert calls, "the model was never called"
    tokenizer = AutoTokenizer.from_pretrained(qwen)
    for call in calls:
        if engine == "transformers":
            config = call["generation_config"]
            # greedy, whatever the model's generation_config.json says (it samples)
            assert (config.do_sample, config.num_beams) == (False, 1)
            assert config.max_new_tokens and config.max_new_tokens <= 2048
            prompts = tokenizer.batch_decode(call["input_ids"], skip_special_tokens=False)
        else:
            assert call["sampling_topk"] == 1 and call["beam_size"] == 1
            assert call["include_prompt_in_result"] is False
            prompts = [tokenizer.convert_tokens_to_string(row) for row in call["tokens"]]
        for prompt in prompts:
            prompt = prompt.replace("<|endoftext|>", "")
            assert prompt.startswith("<|im_start|>system\n")
            # the model's chat template, with thinking turned off
            assert prompt.endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    first = tokenizer.batch_decode(calls[0]["input_ids"]) if engine == "transformers" else None
    if first is not None:
        assert any("1. 我今天早上七点起床。\n2. 然后去公园跑步。" in p for p in first)
        # the two sentences before the paragraph go with it as context (--context 2)
        last = next(p for p in first if "北京是中国的首都" in p)
        assert "我今天早上七点起床。然后去公园跑步。" in last and "春天到了" not in last
    doc = json.loads((tmp_path / "out" / "article.json").read_text(encoding="utf-8"))
    assert doc["model_info"]["family"] == "chat"
    assert doc["model_info"]["engine"] == engine
    assert doc["model_info"]["prompt"] == str(PROMPT_VERSION)
    sentences = [s for p in doc["paragraphs"] for s in p["sentences"]]
    assert all(isinstance(s["translation"], str) for s in sentences)


@pytest.mark.parametrize(
    ("retry", "text", "flag"),
    [
        ("Beijing is the capital of China.", "Beijing is the capital of China.", None),
        ("Вот перевод.", "Вот перевод.", "wrong-language"),
    ],
)
def test_chatter_is_retried_once_alone_then_flagged(
    retry: str, text: str, flag: str | None
) -> None:
    from reader.translate.run import translate_grouped

    chat = Scripted(["1. Here is the translation: Beijing is the capital.\n2. It is big.", retry])
    out = translate_grouped(chat, [["北京是中国的首都。", "它很大。"]], [[]])
    assert [(t.text, t.flag) for t in out[0]] == [(text, flag), ("It is big.", None)]
    assert len(chat.users) == 2 and "北京是中国的首都。" in chat.users[1]
    assert "它很大" not in chat.users[1]


def test_glossary_files(tmp_path: Path) -> None:
    from reader.errors import InputError
    from reader.translate.run import load_glossary

    tsv = tmp_path / "terms.tsv"
    tsv.write_text(
        "# course terms\n思政课\tideology and politics class\n\n王老师\tMs Wang  # a name\n"
    )
    assert load_glossary(tsv) == {"思政课": "ideology and politics class", "王老师": "Ms Wang"}
    toml = tmp_path / "terms.toml"
    toml.write_text('"思政课" = "ideology and politics class"\n')
    assert load_glossary(toml) == {"思政课": "ideology and politics class"}
    bad = tmp_path / "bad.tsv"
    bad.write_text("思政课 ideology\n")
    with pytest.raises(InputError, match=r"bad.tsv:1: expected `term<TAB>English`"):
        load_glossary(bad)


def test_missed_glossary_terms() -> None:
    from reader.translate.checks import missed_terms

    glossary = {"思政课": "ideology and politics class", "王老师": "Ms Wang"}
    assert (
        missed_terms(
            "王老师讲思政课。", "Ms Wang teaches the Ideology and Politics class.", glossary
        )
        == []
    )
    assert missed_terms("王老师讲思政课。", "Teacher Wang teaches politics.", glossary) == [
        "思政课",
        "王老师",
    ]
    assert missed_terms("他来了。", "He came.", glossary) == []


def test_a_glossary_miss_is_flagged_in_the_json_and_on_the_sheet(tmp_path: Path) -> None:
    class Fixed:
        name = "fixed"

        def translate_batch(self, texts: Sequence[str]) -> list[str]:
            return ["Ms Wang teaches." if "王" in t else "The class is fun." for t in texts]

    glossary = tmp_path / "terms.tsv"
    glossary.write_text("王老师\tMs Wang\n思政课\tideology and politics class\n")
    source = tmp_path / "a.txt"
    source.write_text("王老师讲课。思政课很有意思。\n", encoding="utf-8")
    err = io.StringIO()
    code = main(
        [
            *("convert", str(source), "-o", str(tmp_path / "out"), "-f", "json,html"),
            *("--glossary", str(glossary), "--no-cache", "-j", "1"),
        ],
        translator=Fixed(),
        stderr=err,
    )
    assert code == 0, err.getvalue()
    doc = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    flags = [s.get("translation_flag") for p in doc["paragraphs"] for s in p["sentences"]]
    assert flags == [None, "glossary"]
    html = (tmp_path / "out" / "a.html").read_text(encoding="utf-8")
    assert html.count(" flagged") == 1 and "(glossary)" in html


@pytest.mark.parametrize("weights", ["safetensors", "sharded-bin"])
def test_download_keeps_what_a_chat_model_needs(
    weights: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against a fake hub folder: templates, tiktoken files and sharded weights come along."""
    import fnmatch
    import shutil

    import huggingface_hub

    from reader.translate.store import download_model

    hub = tmp_path / "hub"
    hub.mkdir()
    names = ["config.json", "tokenizer_config.json", "chat_template.jinja", "qwen.tiktoken"]
    names += ["README.md", "modeling_evil.py", "onnx.onnx", "flax_model.msgpack"]
    if weights == "safetensors":
        names += ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        names += ["model.safetensors.index.json", "pytorch_model.bin"]
    else:
        names += ["pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"]
        names += ["pytorch_model.bin.index.json"]
    for name in names:
        (hub / name).write_text("x")

    def fake_snapshot_download(*, repo_id: str, local_dir: Path, allow_patterns: list[str]) -> str:
        for file in hub.iterdir():
            if any(fnmatch.fnmatch(file.name, pattern) for pattern in allow_patterns):
                shutil.copy(file, Path(local_dir) / file.name)
        return str(local_dir)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    target = download_model("org/chat", tmp_path / "models")
    kept = sorted(p.name for p in target.iterdir())
    wanted = [n for n in names if n.endswith((".json", ".jinja", ".tiktoken"))]
    if weights == "safetensors":
        wanted += [n for n in names if n.endswith(".safetensors")]
    else:
        wanted += [n for n in names if n.endswith(".bin")]
    assert kept == sorted(wanted)
