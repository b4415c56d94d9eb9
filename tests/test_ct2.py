"""Tests for the ctranslate2 backend: the install hint, conversion, translation on the tiny model."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.errors import ModelError
from reader.options import Options
from reader.translate.device import ThreadLayout
from reader.translate.run import translate_checked, translate_sentences

SENTENCES = [
    "我今天早上七点起床。",
    "北京是中国的首都，也是一座历史悠久的城市。",
    "你好！",
    "这家饭馆的菜很好吃，价格也不贵。",
    "天气预报说下午会下雨。",
    "请你把窗户打开。",
]

HAS_CT2 = importlib.util.find_spec("ctranslate2") is not None
needs_ct2 = pytest.mark.skipif(
    not HAS_CT2, reason="ctranslate2 is not installed (pip install -e '.[fast]')"
)


def test_missing_extra_is_a_one_line_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.translate import ct2
    from reader.translate.registry import make_translator

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ctranslate2" else real(name)
    )
    with pytest.raises(ModelError) as caught:
        make_translator(Options(engine="ctranslate2"))
    message = str(caught.value)
    assert "\n" not in message
    assert "pip install ctranslate2" in message
    assert "--engine transformers" in message
    with pytest.raises(ModelError, match="pip install ctranslate2"):
        ct2.convert_model("any", Path("models"))
    # the default engine falls back to transformers instead
    assert make_translator(Options()).engine == "transformers"


@needs_ct2
def test_make_translator_picks_the_engine_and_threads(tmp_path: Path) -> None:
    from reader.translate.ct2 import CTranslate2Translator
    from reader.translate.hf import TransformersTranslator
    from reader.translate.registry import make_translator

    chosen = make_translator(Options(engine="ctranslate2", threads="3x1", models_dir=tmp_path))
    assert isinstance(chosen, CTranslate2Translator)
    assert chosen.threads == ThreadLayout(3, 1)
    assert chosen.workers == 3
    assert not chosen.loaded
    plain = make_translator(Options(int8=True, threads="1x2", models_dir=tmp_path))
    assert isinstance(plain, TransformersTranslator)
    assert plain.int8
    assert plain.threads == ThreadLayout(1, 2)


def test_auto_engine_is_ctranslate2_on_cpu_where_it_runs_the_model(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    from reader.translate.ct2 import CTranslate2Translator
    from reader.translate.hf import TransformersTranslator
    from reader.translate.registry import describe_translator, make_translator

    store = tmp_path / "models"
    chosen = make_translator(Options(model=str(tiny_model_dir), models_dir=store))
    assert isinstance(chosen, CTranslate2Translator)
    assert describe_translator(chosen) == "translating with model on ctranslate2 int8 (CPU)"
    assert not chosen.loaded and not store.exists()  # choosing converts nothing
    # a GPU or --int8 keep transformers (fp16 on CUDA, its own int8 on CPU)
    on_gpu = make_translator(Options(model=str(tiny_model_dir), models_dir=store, device="cuda"))
    assert isinstance(on_gpu, TransformersTranslator)
    assert describe_translator(on_gpu) == "translating with model on transformers fp16 (CUDA)"
    int8 = make_translator(Options(model=str(tiny_model_dir), models_dir=store, int8=True))
    assert isinstance(int8, TransformersTranslator) and int8.precision == "int8"
    explicit = Options(model=str(tiny_model_dir), models_dir=store, engine="transformers")
    assert describe_translator(make_translator(explicit)) == (
        "translating with model on transformers fp32 (CPU)"
    )


def test_auto_engine_is_transformers_where_ctranslate2_cannot_run_the_model(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    from reader.translate.registry import make_translator

    # an architecture ctranslate2's converter doesn't know
    odd = tmp_path / "odd"
    shutil.copytree(tiny_model_dir, odd)
    config = json.loads((odd / "config.json").read_text(encoding="utf-8"))
    (odd / "config.json").write_text(json.dumps({**config, "model_type": "hunyuan_v1_dense"}))
    assert make_translator(Options(model=str(odd), models_dir=tmp_path / "m")).engine == (
        "transformers"
    )
    # a models "folder" that can't take the conversion (a file), and none made yet
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    options = Options(model=str(tiny_model_dir), models_dir=blocked / "models")
    assert make_translator(options).engine == "transformers"
    # a missing model: the transformers path reports it, as before
    missing = Options(model="nobody/nothing", models_dir=tmp_path / "none")
    assert make_translator(missing).engine == "transformers"


@needs_ct2
def test_the_supported_model_types_are_in_ctranslate2s_converter() -> None:
    from ctranslate2.converters.transformers import _MODEL_LOADERS
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    from reader.translate.ct2 import SUPPORTED_MODEL_TYPES

    missing = [t for t in SUPPORTED_MODEL_TYPES if CONFIG_MAPPING_NAMES[t] not in _MODEL_LOADERS]
    assert missing == []


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def converted(tiny_model_dir: Path, store: Path) -> Path:
    if not HAS_CT2:
        pytest.skip("ctranslate2 is not installed (pip install -e '.[fast]')")
    from reader.translate.ct2 import convert_model

    return convert_model(str(tiny_model_dir), store)


@pytest.fixture(scope="module")
def tiny_ct2(tiny_model_dir: Path, store: Path, converted: Path) -> Any:
    from reader.translate.ct2 import CTranslate2Translator

    translator = CTranslate2Translator(str(tiny_model_dir), models_dir=store)
    translator.load()
    return translator


@needs_ct2
def test_conversion_lands_in_the_models_dir_once(
    tiny_model_dir: Path, store: Path, converted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.translate import ct2

    assert converted.parent == store
    assert converted.name.startswith(f"{tiny_model_dir.name}-")
    assert converted.name.endswith("-ct2-int8")
    assert (converted / "model.bin").is_file()
    marker = json.loads((converted / ct2.MARKER).read_text())
    assert marker["source"] == str(tiny_model_dir)
    assert [p.name for p in store.iterdir() if p.name.startswith(".")] == []

    def no_conversion(*args: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(ct2, "_convert", no_conversion)
    assert ct2.convert_model(str(tiny_model_dir), store) == converted


@needs_ct2
def test_a_hub_name_converts_next_to_the_stored_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    from reader.translate.ct2 import converted_folder

    store = tmp_path / "models"
    shutil.copytree(tiny_model_dir, store / "org" / "tiny")
    assert converted_folder("org/tiny", store) == store / "org" / "tiny-ct2-int8"


@needs_ct2
def test_a_changed_model_is_converted_again(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.translate import ct2

    copy = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, copy)
    store = tmp_path / "models"
    calls: list[Path] = []
    real = ct2._convert

    def counting(name: str, source: Path, output: Path, quantization: str) -> None:
        calls.append(output)
        real(name, source, output, quantization)

    monkeypatch.setattr(ct2, "_convert", counting)
    first = ct2.convert_model(str(copy), store)
    assert ct2.convert_model(str(copy), store) == first
    assert len(calls) == 1
    config = json.loads((copy / "config.json").read_text())
    config["dropout"] = 0.3
    (copy / "config.json").write_text(json.dumps(config))
    assert ct2.convert_model(str(copy), store) == first
    assert len(calls) == 2
    assert sorted(p.name for p in store.iterdir()) == [first.name]


@needs_ct2
def test_ct2_translates_in_order_and_batching_does_not_change_it(tiny_ct2: Any) -> None:
    one_by_one = [tiny_ct2.translate_batch([sentence])[0] for sentence in SENTENCES]
    assert all(isinstance(text, str) and text for text in one_by_one)
    assert len(set(one_by_one)) > len(SENTENCES) // 2
    for batch_size in (1, 4):
        assert translate_sentences(tiny_ct2, SENTENCES, batch_size=batch_size) == one_by_one
    assert tiny_ct2.translate_batch([]) == []
    assert tiny_ct2.max_input_tokens == 512


@needs_ct2
def test_ct2_workers_split_a_call(tiny_model_dir: Path, store: Path, converted: Path) -> None:
    from reader.translate.ct2 import CTranslate2Translator

    single = CTranslate2Translator(
        str(tiny_model_dir), models_dir=store, threads=ThreadLayout(1, 1)
    )
    double = CTranslate2Translator(
        str(tiny_model_dir), models_dir=store, threads=ThreadLayout(2, 1)
    )
    assert double.translate_batch(SENTENCES) == single.translate_batch(SENTENCES)


@needs_ct2
def test_ct2_splits_over_long_sentences(tiny_ct2: Any) -> None:
    class Recording:
        name = "recording"

        def __init__(self) -> None:
            self.received: list[str] = []

        def count_tokens(self, text: str) -> int:
            count: int = tiny_ct2.count_tokens(text)
            return count

        @property
        def max_input_tokens(self) -> int:
            limit: int = tiny_ct2.max_input_tokens
            return limit

        def translate_batch(self, texts: Sequence[str]) -> list[str]:
            self.received.extend(texts)
            result: list[str] = tiny_ct2.translate_batch(texts)
            return result

    clause = "孩子们在操场上踢足球玩得很开心一直玩到天黑才回家"
    long = "，".join([clause] * 40) + "。"
    assert tiny_ct2.count_tokens(long) > tiny_ct2.max_input_tokens
    recording = Recording()
    out = translate_sentences(recording, [long])
    assert len(out) == 1 and out[0]
    assert len(recording.received) > 1
    assert all(tiny_ct2.count_tokens(p) <= tiny_ct2.max_input_tokens for p in recording.received)


@needs_ct2
def test_ct2_strict_retry_and_cache_key(tiny_ct2: Any, tiny_model_dir: Path, store: Path) -> None:
    from reader.translate.ct2 import CTranslate2Translator

    assert len(tiny_ct2.translate_strict(SENTENCES[:2])) == 2
    key = tiny_ct2.cache_key
    assert "ctranslate2" in key
    assert CTranslate2Translator(str(tiny_model_dir), models_dir=store, beams=2).cache_key != key
    out = translate_checked(tiny_ct2, SENTENCES)
    assert len(out) == len(SENTENCES)


@needs_ct2
def test_ct2_cached_run_does_not_convert_or_load(tiny_model_dir: Path, tmp_path: Path) -> None:
    from reader.translate.cache import CachedTranslation, open_cache
    from reader.translate.ct2 import CTranslate2Translator

    cache = open_cache(tmp_path / "cache")
    assert cache is not None
    with cache:
        fake_store = tmp_path / "models"  # nothing converted here yet
        first = CTranslate2Translator(str(tiny_model_dir), models_dir=fake_store)
        key = first.cache_key
        cache.put_many(key, {s: CachedTranslation("x") for s in SENTENCES})
        second = CTranslate2Translator(str(tiny_model_dir), models_dir=fake_store)
        assert [t.text for t in translate_checked(second, SENTENCES, cache=cache)] == ["x"] * 6
        assert not second.loaded
        assert not fake_store.exists()


@needs_ct2
def test_ct2_has_no_mps(tiny_model_dir: Path, store: Path, converted: Path) -> None:
    from reader.translate.ct2 import CTranslate2Translator

    with pytest.raises(ModelError, match="mps"):
        CTranslate2Translator(str(tiny_model_dir), models_dir=store, device="mps").load()
