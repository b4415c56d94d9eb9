"""Batch mode: a folder in, handouts out; failures isolated, up-to-date skipped, resumable."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader.cli.main import main
from reader.render.pdf.typeset import SPACERS
from tests.fakes import FakeTranslator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "spring-market.txt").read_text(encoding="utf-8")


def run(argv: list[str], translator: FakeTranslator | None = None) -> tuple[int, str]:
    err = io.StringIO()
    code = main(argv, translator=translator or FakeTranslator(), stderr=err)
    return code, err.getvalue()


def article(number: int) -> str:
    """A distinct small article (so no two sources are the same)."""
    return f"第{number}课\n\n{EXAMPLE.split(chr(10), 2)[2]}\n\n这是第{number}篇文章。\n"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "week2").mkdir(parents=True)
    (folder / "one.txt").write_text(article(1), encoding="utf-8")
    (folder / "week2" / "two.md").write_text("# 第二课\n\n" + article(2), encoding="utf-8")
    (folder / "empty.txt").write_text("\n \n", encoding="utf-8")
    (folder / "gbk-broken.txt").write_bytes("中文".encode("gbk") + b"\x81\x20\xff\xfe\x80" * 10)
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    return folder


def test_mixed_folder_reports_failures_and_does_the_rest(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = run(["convert", str(mixed), "-o", str(out), "-j", "1"])
    assert code == 1
    assert (out / "one.html").is_file() and (out / "week2" / "two.html").is_file()
    assert "reader: 3 of 5 sources failed:" in err
    failures = err.split("sources failed:\n", 1)[1].splitlines()[:-1]  # then the summary
    assert sorted(failures) == sorted(
        [
            f"  {mixed / 'binary.txt'}: looks like a binary file, not text; give a .txt or .md file",
            f"  {mixed / 'empty.txt'}: is empty; give a file that holds the article's text",
            f"  {mixed / 'gbk-broken.txt'}: can't tell its text encoding (not UTF-8 from byte "
            "offset 0 on, nor UTF-16, GB18030/GBK or Big5 Chinese); re-save it as UTF-8",
        ]
    )
    assert "Traceback" not in err


def test_fail_fast_stops_at_the_first_failure(mixed: Path, tmp_path: Path) -> None:
    code, err = run(["convert", str(mixed), "-o", str(tmp_path / "out"), "--fail-fast", "-j", "1"])
    assert code == 1
    assert err.count("reader: error: ") == 1 and err.endswith("\n")
    assert "binary.txt: looks like a binary file" in err  # sorted order: binary.txt is first


def test_up_to_date_outputs_are_skipped_and_force_redoes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    out = tmp_path / "out"
    first = FakeTranslator()
    assert run(["convert", str(src), "-o", str(out), "-f", "html,json"], first)[0] == 0
    assert first.calls
    stamp = (out / "a1.html").stat().st_mtime_ns

    again = FakeTranslator()
    code, err = run(["convert", str(src), "-o", str(out), "-f", "html,json"], again)
    assert code == 0 and again.calls == []
    assert "3 up to date" in err
    assert (out / "a1.html").stat().st_mtime_ns == stamp

    (src / "a1.txt").write_text(article(11), encoding="utf-8")
    changed = FakeTranslator()
    code, err = run(["convert", str(src), "-o", str(out), "-f", "html,json"], changed)
    assert code == 0 and "2 up to date" in err
    assert "第11课" in (out / "a1.html").read_text(encoding="utf-8")

    # Other options mean other outputs: not up to date.
    code, err = run(["convert", str(src), "-o", str(out), "-f", "html,json", "--pinyin", "numbers"])
    assert code == 0 and "up to date" not in err

    forced = FakeTranslator()
    code, err = run(
        ["convert", str(src), "-o", str(out), "-f", "html,json", "--pinyin", "numbers", "--force"],
        forced,
    )
    assert code == 0 and "up to date" not in err and forced.calls


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(v for k, v in attrs if k == "href" and v)


def test_index_lists_every_handout_with_working_links(mixed: Path, tmp_path: Path) -> None:
    (mixed / "empty.txt").unlink()
    (mixed / "gbk-broken.txt").unlink()
    (mixed / "binary.txt").unlink()
    (mixed / "三 space.txt").write_text(article(3), encoding="utf-8")
    out = tmp_path / "out"
    code, _ = run(["convert", str(mixed), "-o", str(out), "-f", "html,json"])
    assert code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(index)
    assert len(parser.links) == 6
    from urllib.parse import unquote

    for link in parser.links:
        assert not link.startswith(("/", "http")), link
        assert (out / unquote(link)).is_file(), link
    for title in ("第1课", "第二课", "第3课"):
        assert title in index
    assert re.search(r"<td class=\"n\" data-label=\"Characters\">\d+</td>", index)


def test_killed_run_leaves_no_partial_file_and_resumes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(40):
        (src / f"lesson{n:02}.txt").write_text(article(n) * 3, encoding="utf-8")
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "reader",
        "convert",
        str(src),
        "-o",
        str(out),
        "--no-translate",
        "-j",
        "1",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith("done:") or not line:
            break
    # Kill it in the middle of writing the next group.
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    written = sorted(out.glob("*.html"))
    assert 0 < len(written) < 40, "the kill should land mid-run"
    for page in written:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page

    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("lesson*.html"))) == 40
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert "up to date" in done.stderr


def test_sigterm_cleans_up(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    # Articles no earlier test annotated: from the session's annotation cache the run could
    # end before the signal lands.
    for n in range(30):
        (src / f"l{n:02}.txt").write_text(article(n + 100) * 3, encoding="utf-8")
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "reader",
        "convert",
        str(src),
        "-o",
        str(out),
        "--no-translate",
        "-j",
        "1",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    while True:
        line = process.stderr.readline()
        if line.startswith("done:") or not line:
            break
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read()
    assert process.wait(timeout=30) == 130
    assert "interrupted" in rest and "Traceback" not in rest
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_parallel_jobs_give_the_same_outputs(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(4):
        (src / f"p{n}.txt").write_text(article(n), encoding="utf-8")
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert run(["convert", str(src), "-o", str(serial), "-f", "html,json", "-j", "1"])[0] == 0
    assert run(["convert", str(src), "-o", str(parallel), "-f", "html,json", "-j", "2"])[0] == 0
    for n in range(4):
        for ext in ("html", "json"):
            assert (serial / f"p{n}.{ext}").read_bytes() == (parallel / f"p{n}.{ext}").read_bytes()
    assert os.path.getsize(parallel / "index.html") > 0


def test_combine_binds_pdfs_with_contents(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (reader[pdf]) is not installed")
    src = tmp_path / "in"
    src.mkdir()
    for n in range(2):
        (src / f"c{n}.txt").write_text(article(n), encoding="utf-8")
    out = tmp_path / "out"
    book = out / "all.pdf"
    code, err = run(
        ["convert", str(src), "-o", str(out), "-f", "html,pdf", "--combine", str(book), "-j", "1"]
    )
    assert code == 0, err
    combined = pypdf.PdfReader(str(book))
    parts = [len(pypdf.PdfReader(str(out / f"c{n}.pdf")).pages) for n in range(2)]
    assert len(combined.pages) == 1 + sum(parts)
    contents = combined.pages[0].extract_text()
    assert "第0课" in contents and "第1课" in contents
    outline = [
        (item.title, combined.get_destination_page_number(item)) for item in combined.outline
    ]
    assert outline == [("第0课", 1), ("第1课", 1 + parts[0])]
    # Each article starts on a fresh page with its own title (pinyin lines interleave there).
    first_page = combined.pages[1 + parts[0]].extract_text()
    first_page = "".join(" " if c in SPACERS else c for c in first_page)  # the set lines' spacing
    assert "第 1" in first_page and "课" in first_page and "c1.txt" in first_page


def test_combine_needs_pdf(tmp_path: Path) -> None:
    code, err = run(
        [
            "convert",
            str(ROOT / "examples"),
            "-o",
            str(tmp_path),
            "--combine",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert code == 2
    assert (
        err
        == "reader: error: --combine binds the PDFs: add pdf to --format (e.g. --format html,pdf)\n"
    )


@pytest.mark.parametrize(
    ("name", "ending"), [("handouts.docx", "'.docx'"), ("handouts", "no extension")]
)
def test_combine_names_the_kinds_it_can_make(tmp_path: Path, name: str, ending: str) -> None:
    out = tmp_path / "out"
    code, err = run(
        ["convert", str(ROOT / "examples"), "-o", str(out), "--combine", str(tmp_path / name)]
    )
    assert code == 2
    assert err == (
        f"reader: error: --combine {name}: can't make a file with {ending}; end its name in "
        ".pdf (one printable PDF) or .epub (one e-book), e.g. --combine book.epub\n"
    )
    assert not out.exists()  # refused before any work


def test_untranslated_sheets_wait_for_a_model_then_are_redone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made without English (no model): a re-run leaves them be and says why; a model redoes them."""
    from reader.batch import build as batch

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr(batch, "GROUP", 1)  # the second file comes after the model was missed
    src = tmp_path / "in"
    src.mkdir()
    for n in range(2):
        (src / f"u{n}.txt").write_text(article(n), encoding="utf-8")
    out = tmp_path / "out"
    models = tmp_path / "models"
    argv = ["convert", str(src), "-o", str(out), "-f", "html,json", "-j", "1"]
    argv += ["--models-dir", str(models), "--model", "nobody/nothing"]
    err = io.StringIO()
    assert main(argv, stderr=err) == 0
    last = err.getvalue().splitlines()[-1]
    assert last.startswith("2 converted, 2 without translation (translation model 'nobody/nothing'")
    assert "run 'reader models download nobody/nothing'" in last
    for n in range(2):
        assert '"translation_status": "unavailable"' in (out / f"u{n}.json").read_text("utf-8")
    stamp = (out / "u1.html").stat().st_mtime_ns

    # nothing changed, still no model: nothing redone, and the summary still says why
    unused = FakeTranslator()
    code, again = run(argv, unused)
    assert code == 0 and unused.calls == []
    assert (out / "u1.html").stat().st_mtime_ns == stamp
    assert again.splitlines()[-1].startswith(
        "0 converted, 2 up to date (--force redoes them), 2 without translation "
        "(translation model 'nobody/nothing'"
    )

    # the model is there now: the sheets are redone with English
    (models / "nobody" / "nothing").mkdir(parents=True)
    (models / "nobody" / "nothing" / "config.json").write_text("{}", encoding="utf-8")
    translator = FakeTranslator()
    code, third = run(argv, translator)
    assert code == 0 and translator.calls, third
    assert third.splitlines()[-1] == f"2 converted; sheets in {out.as_posix()}/"
    assert '"translation_status": "translated"' in (out / "u0.json").read_text("utf-8")


def test_a_run_ends_with_one_summary_line(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(["convert", str(mixed / "one.txt"), "-o", str(out)])
    code, err = run(["convert", str(mixed), "-o", str(out), "-j", "1"])
    assert code == 1
    assert err.splitlines()[-1] == (
        f"1 converted, 1 up to date (--force redoes them), 3 failed; sheets in {out.as_posix()}/"
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("verbose", [False, True])
def test_per_file_lines_only_with_verbose_on_a_terminal(tmp_path: Path, verbose: bool) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(2):
        (src / f"t{n}.txt").write_text(article(n), encoding="utf-8")
    out = tmp_path / "out"
    err = _Terminal()
    argv = ["convert", str(src), "-o", str(out), "-j", "1"] + (["-v"] if verbose else [])
    assert main(argv, translator=FakeTranslator(), stderr=err) == 0
    # the progress line is rewritten in place; what stays are the lines it leaves
    shown = [line.rsplit("\r", 1)[-1].replace("\033[K", "") for line in err.getvalue().split("\n")]
    lines = [line for line in shown if line]
    wrote = [line for line in lines if line.startswith("wrote ")]
    if verbose:
        assert f"wrote {out / 't0.html'}" in wrote and f"wrote {out / 'index.html'}" in wrote
        assert f"done: {src / 't1.txt'}" in lines
    else:
        assert lines == [f"2 converted; sheets in {out.as_posix()}/"]


def test_off_a_terminal_each_file_gets_a_line(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(article(1), encoding="utf-8")
    (src / "b.txt").write_text(article(2), encoding="utf-8")
    out = tmp_path / "out"
    code, err = run(["convert", str(src), "-o", str(out), "-f", "html"])
    assert code == 0
    assert err.splitlines() == [
        f"done: {src / 'a.txt'}",
        f"done: {src / 'b.txt'}",
        f"wrote {out / 'a.html'}",
        f"wrote {out / 'b.html'}",
        f"wrote {out / 'index.html'}",
        f"2 converted; sheets in {out.as_posix()}/",
    ]
    code, quiet = run(["convert", str(src), "-o", str(out), "-q", "--force"])
    assert code == 0 and quiet == ""


def test_index_shows_hsk_difficulty(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "easy.txt").write_text("我们\n\n我是学生。他是老师。我们都很好。\n", encoding="utf-8")
    (src / "hard.txt").write_text("赓续\n\n赓续传统，踔厉奋发，笃行不怠。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run(["convert", str(src), "-o", str(out), "--no-translate"])[0] == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    shares = re.findall(r"HSK 1–3 (\d+)% · 4–6 (\d+)% · 7–9 (\d+)% · beyond (\d+)%", index)
    assert len(shares) == 2
    easy, hard = ([int(n) for n in row] for row in shares)
    assert easy[0] > hard[0]
    assert 98 <= sum(easy) <= 102 and 98 <= sum(hard) <= 102


def test_a_changed_overrides_file_redoes_the_sheets(tmp_path: Path) -> None:
    """The up-to-date check reads the overrides file's contents, not its name."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("银行\n\n我去银行取钱。\n", encoding="utf-8")
    overrides = tmp_path / "readings.tsv"
    overrides.write_text("银行\tyín háng\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["convert", str(src), "-o", str(out), "-f", "json", "--pinyin-overrides", str(overrides)]
    assert run(args, FakeTranslator())[0] == 0
    assert "1 up to date" in run(args, FakeTranslator())[1]

    overrides.write_text("银行\tyín xíng\n", encoding="utf-8")
    code, err = run(args, FakeTranslator())
    assert code == 0 and "up to date" not in err
    assert "yínxíng" in (out / "a.json").read_text(encoding="utf-8")


def test_a_refused_file_does_not_load_the_annotation_stack(tmp_path: Path) -> None:
    """An up-to-date re-run with a binary file beside it loads neither jieba nor pypinyin (the readings and the dictionary)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("标题\n\n这是一个测试句子。\n", encoding="utf-8")
    (src / "b.txt").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    script = (
        "import sys; from reader.cli.main import main; "
        f"code = main(['convert', {str(src)!r}, '-o', {str(out)!r}, '--no-translate', '-f', 'html']); "
        "print(code, 'jieba' in sys.modules, 'pypinyin' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert first.stdout.split() == ["1", "True", "True"], first.stderr
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert "1 up to date" in again.stderr
    assert again.stdout.split() == ["1", "False", "False"], again.stderr
