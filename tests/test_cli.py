"""The command line: outputs, exit codes and the exact one-line messages for every user error."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from reader.cli.main import main
from tests.fakes import FakeTranslator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "spring-market.txt"
HAN = re.compile(r"[\u4e00-\u9fff]")


def run(argv: list[str], stdin: bytes = b"", translator: object = None) -> tuple[int, str]:
    err = io.StringIO()
    code = main(
        argv, translator=translator or FakeTranslator(), stdin=io.BytesIO(stdin), stderr=err
    )  # type: ignore[arg-type]
    return code, err.getvalue()


def visible_han(html: str) -> list[str]:
    """Han characters of the page's Chinese text (readings and tags removed)."""
    body = re.sub(r"<rt>.*?</rt>|<rp>.*?</rp>|<title>.*?</title>", "", html, flags=re.S)
    return HAN.findall(re.sub(r"<[^>]+>", "", body))


def test_convert_writes_html_and_json(tmp_path: Path) -> None:
    code, err = run(["convert", str(EXAMPLE), "-o", str(tmp_path), "-f", "html,json"])
    assert code == 0, err
    html = (tmp_path / "spring-market.html").read_text(encoding="utf-8")
    doc = json.loads((tmp_path / "spring-market.json").read_text(encoding="utf-8"))
    source = EXAMPLE.read_text(encoding="utf-8")
    assert visible_han(html) == HAN.findall(source)
    assert HAN.findall("".join(p["text"] for p in doc["paragraphs"])) == HAN.findall(source)
    assert doc["title"] == "春天的早市"
    assert doc["model"] == "fake-zh-en"
    assert doc["translation_status"] == "translated"
    first = doc["paragraphs"][3]["sentences"][0]
    assert first["translation"].startswith("[EN ")
    assert {"text", "pinyin"} <= set(first["words"][0])
    assert re.search(
        r'<ruby class="w" title="早市 zǎoshì[^"]*">早市<rp>\(</rp><rt><span class="t3">zǎo</span><span class="t4">shì</span></rt>',
        html,
    )


def test_stdin_and_default_name(tmp_path: Path) -> None:
    code, err = run(["convert", "-", "-o", str(tmp_path)], stdin="标题\n\n正文。".encode())
    assert code == 0, err
    assert (tmp_path / "stdin.html").is_file()


def test_folder_mirrors_subfolders_and_avoids_collisions(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "week1").mkdir(parents=True)
    (src / "week1" / "a.txt").write_text("甲。", encoding="utf-8")
    (src / "a.txt").write_text("乙。", encoding="utf-8")
    (src / "a.md").write_text("丙。", encoding="utf-8")
    out = tmp_path / "out"
    code, err = run(["convert", str(src), "-o", str(out), "--no-translate"])
    assert code == 0, err
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert names == ["a-md.html", "a-txt.html", "index.html", "week1/a.html"]


def test_script_in_text_is_escaped(tmp_path: Path) -> None:
    text = "<script>alert(1)</script>标题\n\n他说 <b>你好</b> & “再见”。"
    code, _ = run(["convert", "-", "-o", str(tmp_path), "-f", "html"], stdin=text.encode())
    assert code == 0
    html = (tmp_path / "stdin.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<b>" not in html
    assert html.count("<script>") == 1  # only the sheet's own script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;" in html


def test_no_translate_has_no_english_column(tmp_path: Path) -> None:
    translator = FakeTranslator()
    code, _ = run(
        ["convert", str(EXAMPLE), "-o", str(tmp_path), "--no-translate"], translator=translator
    )
    assert code == 0
    html = (tmp_path / "spring-market.html").read_text(encoding="utf-8")
    assert translator.calls == []
    assert 'class="en"' not in html


def test_unavailable_model_warns_and_still_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    err = io.StringIO()
    code = main(
        [
            "convert",
            str(EXAMPLE),
            "-o",
            str(tmp_path),
            "-f",
            "html,json",
            "--models-dir",
            str(tmp_path / "models"),
            "--model",
            "nobody/no-such-model",
        ],
        stderr=err,
    )
    assert code == 0
    # the run's last line says the sheet has no English, why, and how to get it
    last = err.getvalue().splitlines()[-1]
    assert last.startswith("1 converted, 1 without translation (translation model ")
    assert "reader models download nobody/no-such-model" in last
    assert err.getvalue().count("reader models download") == 1
    doc = json.loads((tmp_path / "spring-market.json").read_text(encoding="utf-8"))
    assert doc["translation_status"] == "unavailable"
    assert all(p["translation"] is None for p in doc["paragraphs"])
    html = (tmp_path / "spring-market.html").read_text(encoding="utf-8")
    assert "(no translation)" in html and "reader models download" in html


def test_strict_turns_unavailable_model_into_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    err = io.StringIO()
    code = main(
        [
            "convert",
            str(EXAMPLE),
            "-o",
            str(tmp_path / "out"),
            "--strict",
            "--models-dir",
            str(tmp_path / "models"),
            "--model",
            "nobody/no-such-model",
        ],
        stderr=err,
    )
    assert code == 1
    assert err.getvalue().count("\n") == 1
    assert "reader: error: translation model 'nobody/no-such-model'" in err.getvalue()
    assert not (tmp_path / "out" / "spring-market.html").exists()


def binary(tmp_path: Path) -> Path:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def gbk_garbage(tmp_path: Path) -> Path:
    path = tmp_path / "latin.txt"
    path.write_bytes(("Ceci n'est pas chinois: é à ü " * 20).encode("cp1252") + b"\x81\x7f\xff")
    return path


def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    return path


def empty_folder(tmp_path: Path) -> Path:
    path = tmp_path / "nothing"
    (path / "sub").mkdir(parents=True)
    (path / "notes.pdf").write_bytes(b"%PDF-1.4")
    return path


@pytest.mark.parametrize(
    ("make_input", "extra", "code", "message"),
    [
        (lambda t: t / "missing.txt", [], 1, "{p}: no such file or folder; check the path"),
        (binary, [], 1, "{p}: looks like a binary file, not text; give a .txt or .md file"),
        (
            gbk_garbage,
            [],
            1,
            "{p}: can't tell its text encoding (not UTF-8 from byte offset 24 on, nor UTF-16, "
            "GB18030/GBK or Big5 Chinese); re-save it as UTF-8",
        ),
        (empty, [], 1, "{p}: is empty; give a file that holds the article's text"),
        (
            empty_folder,
            [],
            1,
            "{p}: holds no .txt/.md/.markdown files; put articles in it or name files directly",
        ),
        (
            lambda t: EXAMPLE,
            ["-f", "docx"],
            2,
            "argument -f/--format: unknown format 'docx'; choose from html, json, pdf, epub, anki (see 'reader convert --help')",
        ),
        (
            lambda t: EXAMPLE,
            ["--frobnicate"],
            2,
            "unrecognized arguments: --frobnicate (see 'reader --help')",
        ),
        (
            lambda t: EXAMPLE,
            ["--pinyin", "ipa"],
            2,
            "argument --pinyin: unknown pinyin style 'ipa'; choose from marks, numbers, zhuyin, none (see 'reader convert --help')",
        ),
    ],
    ids=[
        "missing",
        "binary",
        "undecodable",
        "empty",
        "empty-folder",
        "format",
        "option",
        "pinyin-style",
    ],
)
def test_user_errors_are_one_line(tmp_path: Path, make_input, extra, code, message) -> None:  # type: ignore[no-untyped-def]
    path = make_input(tmp_path)
    got, err = run(["convert", str(path), "-o", str(tmp_path / "out"), *extra])
    assert got == code
    assert err == f"reader: error: {message.format(p=path)}\n"


def test_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, err = run(["convert", str(EXAMPLE), "-o", str(blocker / "out"), "--no-translate"])
    assert code == 1
    assert err.startswith(f"reader: error: {blocker / 'out'}: can't write output there (")
    assert err.endswith("choose another folder with -o\n")
    assert err.count("\n") == 1


def test_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()

    def denied(path: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", denied)
    code, err = run(["convert", str(folder), "-o", str(tmp_path / "out")])
    assert code == 1
    assert err == (
        f"reader: error: {folder}: permission denied, so the articles in this folder were not "
        f"converted; make it readable (chmod u+rx '{folder}') or run as its owner\n"
    )


def test_version_and_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"reader {__version__}"
    helped = subprocess.run(
        [sys.executable, "-m", "reader", "convert", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--format", "--no-translate", "--model", "--pinyin", "--strict", "-o"):
        assert option in helped.stdout


def test_no_traceback_from_the_real_entry_point(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "convert", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_version_does_not_load_heavy_libraries() -> None:
    script = (
        "import sys; from reader.cli.main import main; main(['models', 'list', '--models-dir', '/nonexistent']); "
        "print(sorted(m for m in ('torch', 'transformers', 'jieba', 'weasyprint') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_end_to_end_with_a_real_tiny_marian_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    """The real loading and generation path: `reader convert --model FOLDER` in a subprocess."""
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader",
            "convert",
            str(EXAMPLE),
            "--model",
            str(tiny_model_dir),
            "--models-dir",
            str(tmp_path / "models"),
            "-o",
            str(out),
            "-f",
            "html,json",
            "--strict",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # the default engine on CPU is ctranslate2 int8, said first; the conversion is kept
    assert done.stderr.splitlines()[0] == "translating with model on ctranslate2 int8 (CPU)"
    assert len(list((tmp_path / "models").glob("model-*-ct2-int8/model.bin"))) == 1
    doc = json.loads((out / "spring-market.json").read_text(encoding="utf-8"))
    assert doc["translation_status"] == "translated"
    assert doc["model"] == str(tiny_model_dir)
    assert doc["model_info"]["engine"] == "ctranslate2"
    assert doc["model_info"]["precision"] == "int8"
    sentences = [s for p in doc["paragraphs"] for s in p["sentences"]]
    assert sentences and all(isinstance(s["translation"], str) for s in sentences)
    for paragraph in doc["paragraphs"]:
        joined = " ".join(s["translation"] for s in paragraph["sentences"] if s["translation"])
        assert paragraph["translation"] == (joined or None)
    html = (out / "spring-market.html").read_text(encoding="utf-8")
    assert html.count('<div class="en" lang="en">') == len(doc["paragraphs"])
    assert "(no translation)" not in html


def test_teacher_and_student_copies_with_vocabulary(tmp_path: Path) -> None:
    code, err = run(
        [
            "convert",
            str(EXAMPLE),
            "-o",
            str(tmp_path),
            "-f",
            "html,json,epub,anki",
            "--copies",
            "teacher,student",
            "--level",
            "3",
        ]
    )
    assert code == 0, err
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert names == [
        "spring-market-student.epub",
        "spring-market-student.html",
        "spring-market.anki.tsv",
        "spring-market.epub",
        "spring-market.html",
        "spring-market.json",
    ]
    teacher = (tmp_path / "spring-market.html").read_text(encoding="utf-8")
    student = (tmp_path / "spring-market-student.html").read_text(encoding="utf-8")
    assert "<rt>" in teacher and 'class="en"' in teacher
    assert "<rt>" not in student and 'class="en"' not in student
    assert '<section class="vocab">' in student and '<section class="vocab">' in teacher
    assert "CC-CEDICT" in teacher and "CC-CEDICT" in student
    doc = json.loads((tmp_path / "spring-market.json").read_text(encoding="utf-8"))
    glossed = [
        w for p in doc["paragraphs"] for s in p["sentences"] for w in s["words"] if w.get("gloss")
    ]
    assert glossed, "words should carry CC-CEDICT glosses"
    # --level 3: words at HSK 1-3 get no reading in the teacher copy; harder ones do.
    easy = [
        w
        for p in doc["paragraphs"]
        for s in p["sentences"]
        for w in s["words"]
        if w.get("level", 9) <= 3
    ]
    assert easy
    for word in easy:
        assert f'<ruby class="w" title="{word["text"]} ' not in teacher
    anki = (tmp_path / "spring-market.anki.tsv").read_text(encoding="utf-8")
    assert anki.startswith("#separator:tab\n")
    rows = [line.split("\t") for line in anki.splitlines() if not line.startswith("#")]
    assert rows and all(len(row) == 7 for row in rows)
    assert all(row[3] == "" or int(row[3][0]) > 3 for row in rows)


def test_models_convert_for_ctranslate2(tiny_model_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("ctranslate2", reason="the reader[fast] extra is not installed")
    err = io.StringIO()
    code = main(
        ["models", "convert", str(tiny_model_dir), "--models-dir", str(tmp_path)], stderr=err
    )
    assert code == 0, err.getvalue()
    converted = Path(err.getvalue().strip().rsplit(" to ", 1)[1])
    assert converted.is_dir() and (converted / "model.bin").is_file()
    assert tmp_path in converted.parents


def test_models_list_names_each_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "Helsinki-NLP" / "opus-mt-zh-en"
    fast = tmp_path / "Helsinki-NLP" / "opus-mt-zh-en-ct2-int8"
    for folder, weights in ((plain, "model.safetensors"), (fast, "model.bin")):
        folder.mkdir(parents=True)
        (folder / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
        (folder / weights).write_bytes(b"")
    nllb = tmp_path / "facebook" / "nllb-200-distilled-600M"
    chat = tmp_path / "Qwen" / "Qwen2.5-0.5B-Instruct"
    for folder, config in (
        (nllb, {"model_type": "m2m_100", "is_encoder_decoder": True}),
        (chat, {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"]}),
    ):
        folder.mkdir(parents=True)
        (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (nllb / "tokenizer_config.json").write_text('{"tokenizer_class": "NllbTokenizer"}')
    assert main(["models", "list", "--models-dir", str(tmp_path)]) == 0
    engines = "engines: transformers, ctranslate2"
    assert capsys.readouterr().out.splitlines() == [
        f"Helsinki-NLP/opus-mt-zh-en  family: marian; languages: as trained; {engines}",
        "Helsinki-NLP/opus-mt-zh-en-ct2-int8  (ctranslate2 conversion)",
        f"Qwen/Qwen2.5-0.5B-Instruct  family: chat; languages: by prompt; {engines}",
        f"facebook/nllb-200-distilled-600M  family: nllb; languages: zho_Hans>eng_Latn; {engines}",
    ]
