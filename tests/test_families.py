"""Every model family through `reader convert --model DIR`, on both engines.

Tiny random-weight NLLB-200, M2M100 and mBART-50 models, saved as the hub has them (no
source language, no forced target in their configs), go through the user's code path; the
tests watch what reaches the encoder and what the decoder is made to start with.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from reader.cli.main import main
from reader.errors import ModelError

# the tiny models run on one thread (see conftest.py)
pytestmark = pytest.mark.usefixtures("one_torch_thread")

FAMILIES = {
    # family: (builder, source tag, traditional source tag, forced target token)
    "nllb": ("build_nllb", "zho_Hans", "zho_Hant", "eng_Latn"),
    "m2m100": ("build_m2m100", "__zh__", "__zh__", "__en__"),
    "mbart50": ("build_mbart50", "zh_CN", "zh_CN", "en_XX"),
}
SIMPLIFIED = "我今天早上七点起床，然后去公园跑步。\n\n北京是中国的首都。天气预报说下午会下雨。\n"
TRADITIONAL = "我今天早上七點起床，然後去公園跑步。\n\n北京是中國的首都。天氣預報說下午會下雨。\n"


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests import tinymodel

    root = tmp_path_factory.mktemp("families")
    return {
        family: getattr(tinymodel, builder)(root / family)
        for family, (builder, *_rest) in FAMILIES.items()
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


class Spy:
    """What the engines were given and gave back: encoder input and output tokens."""

    def __init__(self) -> None:
        self.inputs: list[list[str]] = []
        self.outputs: list[list[str]] = []


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    """Record every transformers `generate` and ctranslate2 `translate_batch` call."""
    import ctranslate2
    from transformers import AutoTokenizer
    from transformers.generation.utils import GenerationMixin

    seen = Spy()
    real_generate = GenerationMixin.generate

    def generate(model: Any, *args: Any, **kwargs: Any) -> Any:
        output = real_generate(model, *args, **kwargs)
        tokenizer = AutoTokenizer.from_pretrained(model.name_or_path)
        seen.inputs += [tokenizer.convert_ids_to_tokens(row) for row in kwargs["input_ids"]]
        seen.outputs += [tokenizer.convert_ids_to_tokens(row)[1:] for row in output]
        return output

    class Recording:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner = real_translator(*args, **kwargs)

        def translate_batch(self, tokens: Any, **options: Any) -> Any:
            results = self.inner.translate_batch(tokens, **options)
            seen.inputs += [list(row) for row in tokens]
            seen.outputs += [list(result.hypotheses[0]) for result in results]
            return results

    real_translator = ctranslate2.Translator
    monkeypatch.setattr(GenerationMixin, "generate", generate)
    monkeypatch.setattr(ctranslate2, "Translator", Recording)
    return seen


def convert(
    tmp_path: Path, model: Path, store: Path, *extra: str, text: str = SIMPLIFIED
) -> tuple[int, str, Path]:
    source = tmp_path / "article.txt"
    source.write_text(text, encoding="utf-8")
    err = io.StringIO()
    out = tmp_path / "out"
    code = main(
        [
            *("convert", str(source), "--model", str(model), "--models-dir", str(store)),
            *("-o", str(out), "-f", "json", "--no-cache", "-j", "1", "--strict", *extra),
        ],
        stderr=err,
    )
    return code, err.getvalue(), out / "article.json"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_language_codes_reach_the_model(
    family: str, engine: str, models: dict[str, Path], store: Path, spy: Spy, tmp_path: Path
) -> None:
    _builder, source_tag, traditional_tag, target = FAMILIES[family]
    for text, tag in ((SIMPLIFIED, source_tag), (TRADITIONAL, traditional_tag)):
        spy.inputs.clear()
        spy.outputs.clear()
        code, err, json_path = convert(
            tmp_path, models[family], store, "--engine", engine, text=text
        )
        assert code == 0, err
        assert "Traceback" not in err
        assert spy.inputs, "the model was never called"
        # the source tag starts every input (the hub default would be English)
        assert {row[0] for row in spy.inputs} == {tag}
        assert all([t for t in row if t != "<pad>"][-1] == "</s>" for row in spy.inputs)
        # the target language is forced as the first token of every output
        assert {row[0] for row in spy.outputs} == {target}
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        assert doc["translation_status"] == "translated"
        info = doc["model_info"]
        assert info["engine"] == engine
        assert info["family"] == family
        assert info["precision"] == ("int8" if engine == "ctranslate2" else "fp32")
        expected_source = tag.strip("_") if family == "m2m100" else tag
        assert (info["source_lang"], info["target_lang"]) == (expected_source, target.strip("_"))
        english = [s["translation"] for p in doc["paragraphs"] for s in p["sentences"]]
        assert all(isinstance(e, str) for e in english)
        # the forced token is not part of the English
        assert not any(target in e for e in english)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_a_code_the_model_lacks_is_refused_in_one_line(
    engine: str, models: dict[str, Path], store: Path, tmp_path: Path
) -> None:
    code, err, _json = convert(
        tmp_path, models["nllb"], store, "--engine", engine, "--target-lang", "eng_Latin"
    )
    assert code == 1
    # the run's first line names the engine; the refusal is one line after it
    errors = [line for line in err.splitlines() if not line.startswith("translating with ")]
    assert len(errors) == 1 and errors[0].startswith("reader: error: ") and "Traceback" not in err
    assert "'eng_Latin'" in err and "--target-lang" in err


@pytest.mark.slow
def test_a_user_code_wins_over_the_mapping(
    models: dict[str, Path], store: Path, spy: Spy, tmp_path: Path
) -> None:
    code, err, json_path = convert(
        tmp_path, models["nllb"], store, "--source-lang", "yue_Hant", "--target-lang", "fra_Latn"
    )
    assert code == 0, err
    assert {row[0] for row in spy.inputs} == {"yue_Hant"}
    assert {row[0] for row in spy.outputs} == {"fra_Latn"}
    info = json.loads(json_path.read_text(encoding="utf-8"))["model_info"]
    assert (info["source_lang"], info["target_lang"]) == ("yue_Hant", "fra_Latn")


@pytest.mark.slow
def test_language_codes_of_an_unknown_family_are_refused(
    models: dict[str, Path], tmp_path: Path
) -> None:
    """mBART-25's tokenizer has language codes but reader no mapping: it says how to give them."""
    from reader.translate.hf import TransformersTranslator

    copy = tmp_path / "mbart25"
    shutil.copytree(models["mbart50"], copy)
    for name in ("config.json", "tokenizer_config.json"):
        data = json.loads((copy / name).read_text())
        data["tokenizer_class"] = "MBartTokenizer"
        (copy / name).write_text(json.dumps(data))
    translator = TransformersTranslator(str(copy))
    assert translator.profile.family == "seq2seq"
    with pytest.raises(ModelError, match="--source-lang and --target-lang"):
        translator.load()
    given = TransformersTranslator(str(copy), source_lang="zh_CN", target_lang="en_XX")
    assert given.translate_batch(["我今天早上七点起床。"])[0]


def test_profiles_and_cache_keys_without_loading(models: dict[str, Path]) -> None:
    from reader.translate.hf import TransformersTranslator

    nllb = TransformersTranslator(str(models["nllb"]))
    assert nllb.profile.codes == "zho_Hans>eng_Latn"
    traditional = nllb.for_script("Hant")
    assert traditional.profile.codes == "zho_Hant>eng_Latn"
    assert traditional.cache_key != nllb.cache_key
    assert "langs=zho_Hans>eng_Latn" in nllb.cache_key
    french = TransformersTranslator(str(models["nllb"]), target_lang="fra_Latn")
    assert french.cache_key != nllb.cache_key
    assert not nllb.loaded and not traditional.loaded
    mbart = TransformersTranslator(str(models["mbart50"]))
    assert mbart.profile.codes == "zh_CN>en_XX"
    assert mbart.for_script("Hant").cache_key == mbart.cache_key


def test_a_view_shares_the_loaded_model(models: dict[str, Path]) -> None:
    from reader.translate.hf import TransformersTranslator

    nllb = TransformersTranslator(str(models["nllb"]))
    traditional = nllb.for_script("Hant")
    nllb.load()
    assert traditional.loaded


@pytest.mark.slow
def test_models_convert_never_prints_a_traceback(tmp_path: Path, models: dict[str, Path]) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(models["m2m100"], broken)
    (broken / "model.safetensors").write_bytes(b"not weights")
    err = io.StringIO()
    code = main(["models", "convert", str(broken), "--models-dir", str(tmp_path / "s")], stderr=err)
    assert code == 1
    assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
    assert "--engine transformers" in err.getvalue()


@pytest.fixture(scope="module")
def t5_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two tiny T5 models: one whose config names its zh→en prefix, one that names none."""
    from tests.tinymodel import build_t5

    root = tmp_path_factory.mktemp("t5")
    return {
        "named": build_t5(root / "named"),
        "unnamed": build_t5(root / "unnamed", prefix=None),
    }


def _input_texts(model: Path, rows: list[list[str]]) -> list[str]:
    """The encoder inputs as text (pads and the end-of-sentence token dropped)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    return [
        tokenizer.convert_tokens_to_string([t for t in row if t not in ("<pad>", "</s>")])
        for row in rows
    ]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_a_t5_model_gets_the_task_prefix_its_config_names(
    engine: str, t5_models: dict[str, Path], store: Path, spy: Spy, tmp_path: Path
) -> None:
    from tests.tinymodel import T5_PREFIX

    code, err, json_path = convert(tmp_path, t5_models["named"], store, "--engine", engine)
    assert code == 0, err
    texts = _input_texts(t5_models["named"], spy.inputs)
    assert texts and all(t.startswith(T5_PREFIX.strip()) for t in texts), texts
    # the Chinese follows the prefix, whole
    assert any("北京是中国的首都" in t for t in texts), texts
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    assert doc["model_info"]["family"] == "t5"
    assert doc["model_info"]["prefix"] == T5_PREFIX
    english = [s["translation"] for p in doc["paragraphs"] for s in p["sentences"]]
    assert not any(T5_PREFIX.strip() in e for e in english if e)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_prefix_option_gives_a_t5_model_its_prefix(
    engine: str, t5_models: dict[str, Path], store: Path, spy: Spy, tmp_path: Path
) -> None:
    code, err, json_path = convert(tmp_path, t5_models["unnamed"], store, "--engine", engine)
    assert code == 0, err
    assert not any(
        t.startswith("translate") for t in _input_texts(t5_models["unnamed"], spy.inputs)
    )
    assert "prefix" not in json.loads(json_path.read_text(encoding="utf-8"))["model_info"]
    spy.inputs.clear()
    wanted = "translate Chinese to English: "
    code, err, json_path = convert(
        tmp_path, t5_models["unnamed"], store, "--engine", engine, "--prefix", wanted
    )
    assert code == 0, err
    texts = _input_texts(t5_models["unnamed"], spy.inputs)
    assert texts and all(t.startswith(wanted.strip()) for t in texts), texts
    assert json.loads(json_path.read_text(encoding="utf-8"))["model_info"]["prefix"] == wanted


def test_the_prefix_is_part_of_the_cache_key(t5_models: dict[str, Path]) -> None:
    from reader.translate.hf import TransformersTranslator
    from tests.tinymodel import T5_PREFIX

    named = TransformersTranslator(str(t5_models["named"]))
    assert named.profile.prefix == T5_PREFIX
    assert f"prefix={T5_PREFIX}" in named.cache_key
    other = TransformersTranslator(str(t5_models["named"]), prefix="translate zh to en: ")
    assert other.profile.prefix == "translate zh to en: "
    assert other.cache_key != named.cache_key
    unnamed = TransformersTranslator(str(t5_models["unnamed"]))
    assert unnamed.profile.prefix == "" and "prefix=" not in unnamed.cache_key
    assert not named.loaded and not other.loaded and not unnamed.loaded
