"""Never lose a file or a word: inputs are never overwritten, every output has its own name."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import convert_file
from reader.batch import build as batch
from reader.batch import manifest
from reader.cli.main import main
from reader.errors import ReaderError
from reader.model import AnnotatedArticle
from reader.options import Options, default_cache_dir
from reader.serve.fixes import default_fixes_dir
from reader.source.discover import SourceRef


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    code = main(argv, stderr=err)
    return code, err.getvalue()


def sheet_text(path: Path) -> str:
    """The Chinese text of a JSON sheet, sentences joined."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return "".join(s["text"] for p in doc["paragraphs"] for s in p["sentences"])


@pytest.mark.parametrize(("name", "fmt"), [("same.html", "html"), ("x.json", "json")])
def test_an_output_that_is_the_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / name
    source.write_text("标题\n\n这是一个测试句子。\n", encoding="utf-8")
    code, err = run(["convert", name, "-o", ".", "-f", fmt, "--no-translate"])
    assert code == 1
    assert source.read_text(encoding="utf-8") == "标题\n\n这是一个测试句子。\n"
    assert err.count("\n") == 1 and "would overwrite an input" in err and "-o" in err


def test_a_source_named_index_keeps_its_sheet(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "index.txt").write_text("目录文章。\n", encoding="utf-8")
    (src / "other.txt").write_text("别的文章。\n", encoding="utf-8")
    out = tmp_path / "out"
    code, err = run(["convert", str(src), "-o", str(out), "-f", "html,json", "--no-translate"])
    assert code == 0, err
    assert sheet_text(out / "index-2.json") == "目录文章。"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="index-2.html"' in index and 'href="other.html"' in index


def test_parts_and_copies_never_take_another_sources_name(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    # a.txt holds two articles (a continuation mark starts the second): a-1 and a-2
    (src / "a.txt").write_text("第一篇文章。\n（上接第2版）\n第二篇文章。\n", encoding="utf-8")
    (src / "a-1.txt").write_text("另一篇文章。\n", encoding="utf-8")
    (src / "b.txt").write_text("老师的文章。\n", encoding="utf-8")
    (src / "b-student.txt").write_text("学生的文章。\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["convert", str(src), "-o", str(out), "-f", "html,json", "--no-translate"]
    code, err = run([*argv, "--copies", "teacher,student"])
    assert code == 0, err
    texts = sorted(sheet_text(p) for p in out.glob("[!.]*.json"))
    assert texts == sorted(
        [
            "第一篇文章。",
            "（上接第2版）第二篇文章。",
            "另一篇文章。",
            "老师的文章。",
            "学生的文章。",
        ]
    )
    # every sheet, student copies included, is a file of its own
    html = sorted(p.name for p in out.glob("*.html") if p.name != "index.html")
    assert len(html) == 10 and len(set(html)) == 10
    # a second run finds everything up to date and overwrites nothing
    before = {p.name: p.read_bytes() for p in out.glob("[!.]*.json")}
    code, err = run([*argv, "--copies", "teacher,student"])
    assert code == 0 and "4 up to date" in err
    assert {p.name: p.read_bytes() for p in out.glob("[!.]*.json")} == before


def test_combine_onto_an_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "book.epub"
    source.write_text("一本书。\n", encoding="utf-8")
    other = tmp_path / "b.txt"
    other.write_text("另一本书。\n", encoding="utf-8")
    out = str(tmp_path / "out")
    code, err = run(["convert", str(source), str(other), "-o", out, "--combine", str(source)])
    assert code == 2 and "one of the inputs" in err
    assert source.read_text(encoding="utf-8") == "一本书。\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # UTF-8 but for one stray byte: said where, never read as GB18030 mojibake
        (
            "你好世界。".encode() + b"\x80",
            "is UTF-8 except for 1 invalid byte(s) (0x80 at byte offset 15)",
        ),
        (
            "标题\n\n今天天气很好。".encode() + b"\xff\xfe" + "我们去公园。".encode(),
            "0xFF at byte offset",
        ),
        # too short to tell GB18030 from mojibake: refused, not guessed
        ("鲸鱼".encode("gbk"), "can't tell its text encoding (not UTF-8 from byte offset 0 on"),
    ],
)
def test_undecidable_bytes_are_refused_saying_where(
    tmp_path: Path, data: bytes, message: str
) -> None:
    source = tmp_path / "s.txt"
    source.write_bytes(data)
    code, err = run(["convert", str(source), "-o", str(tmp_path / "out"), "--no-translate"])
    assert code == 1 and err.count("\n") == 1 and message in err
    assert not (tmp_path / "out" / "s.html").exists()


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("今天天气很好\n我们去公园散步。\n".encode("utf-16-le"), "我们去公园散步。"),
        ("今天天气很好\n我们去公园散步。\n".encode("utf-16-be"), "我们去公园散步。"),
        ("你好".encode() + b"\x00" + "世界。".encode(), "你好\x00世界。"),
        ("今天我们去公园。".encode("gbk"), "今天我们去公园。"),
    ],
)
def test_utf16_without_bom_and_a_nul_in_utf8_are_text(
    tmp_path: Path, data: bytes, text: str
) -> None:
    source = tmp_path / "s.txt"
    source.write_bytes(data)
    code, err = run(["convert", str(source), "-o", str(tmp_path), "-f", "json", "--no-translate"])
    assert code == 0, err
    assert text.replace("\n", "") in sheet_text(tmp_path / "s.json").replace("\n", "")


def test_the_sweep_removes_only_dead_runs_temporaries(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "week1").mkdir(parents=True)
    (src / "week1" / "a.txt").write_text("一篇文章。\n", encoding="utf-8")
    (src / "b.txt").write_text("另一篇文章。\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "deep" / "er").mkdir(parents=True)
    (out / "week1").mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    keep = [
        out / ".draft.part",  # the user's own
        out / "deep" / "er" / ".video.mp4.part",
        out / f".b.html.reader-{os.getpid()}-abcd1234.part",  # a live run's, in progress
    ]
    gone = [
        out / f".b.html.reader-{dead_pid}-abcd1234.part",
        out / "week1" / f".a.pdf.reader-{dead_pid}-x_y9zzzz.part",
    ]
    for path in keep + gone:
        path.write_bytes(b"half")
    code, err = run(["convert", str(src), "-o", str(out), "--no-translate"])
    assert code == 0, err
    assert all(p.exists() for p in keep)
    assert not any(p.exists() for p in gone)


_real_prepare = batch._prepare


def _exploding(ref: SourceRef, stdin: bytes | None, options: Options) -> list[AnnotatedArticle]:
    """The batch's per-source work, with a bug for the file boom.txt."""
    if ref.path is not None and ref.path.name == "boom.txt":
        raise KeyError("a bug")
    return _real_prepare(ref, stdin, options)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_sources_unexpected_failure_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text("你好世界。\n", encoding="utf-8")
    (src / "quote.md").write_text("> \n", encoding="utf-8")  # a quote with nothing in it
    (src / os.fsdecode(b"bad\xff.txt")).write_text("另一篇文章。\n", encoding="utf-8")
    (src / "boom.txt").write_text("爆炸的文章。\n", encoding="utf-8")
    out = tmp_path / "out"

    monkeypatch.setattr(batch, "_prepare", _exploding)  # runs in the workers too (fork)
    code, err = run(
        ["convert", str(src), "-o", str(out), "-f", "html,json", "-j", jobs, "--no-translate"]
    )
    assert code == 1 and "Traceback" not in err
    assert "reader: 2 of 4 sources failed:" in err
    assert f"{src / 'quote.md'}: holds no text" in err
    assert f"{src / 'boom.txt'}: failed with an internal error (KeyError: 'a bug')" in err
    assert sheet_text(out / "ok.json") == "你好世界。"
    assert sheet_text(out / "bad%FF.json") == "另一篇文章。"
    assert json.loads((out / "bad%FF.json").read_text(encoding="utf-8"))["source"].endswith(
        "bad\\xff.txt"
    )
    assert (out / "index.html").is_file() and (out / ".reader-manifest.json").is_file()


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_pool_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(24):
        (src / f"a{n:02}.txt").write_text(f"第{n}篇文章。今天天气很好。\n" * 40, encoding="utf-8")
    command = [sys.executable, "-m", "reader", "convert", str(src), "-o", str(tmp_path / "out")]
    process = subprocess.Popen(
        [*command, "--no-translate", "-j", "2"], stderr=subprocess.DEVNULL, cwd=tmp_path
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        # the pool's workers (the resource tracker aside, if any) are running
        while time.monotonic() < deadline and len(workers) < 2:
            workers = _children(process.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the pool should have started"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive


def test_user_errors_are_one_line_not_tracebacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "h.txt"
    source.write_text("你好世界。\n", encoding="utf-8")
    words = tmp_path / "words.txt"
    words.write_text("杨澜浩 ² nr\n", encoding="utf-8")
    out = str(tmp_path / "out")
    assert main(["models"]) == 2
    monkeypatch.setattr(sys, "stdin", None)  # `reader convert - <&-`
    assert main(["convert", "-", "-o", out, "--no-translate"]) == 2
    assert main(["convert", str(source), "--user-dict", str(words), "-o", out]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":", 2)[1] for line in lines] == [" error"] * 3
    assert "'download', 'convert' or 'list'" in lines[0]
    assert "standard input, but it is closed" in lines[1]
    assert "words.txt:1: can't read '杨澜浩 ² nr'" in lines[2]


def test_names_that_would_be_hidden_files(tmp_path: Path) -> None:
    source = tmp_path / "..txt"
    source.write_text("你好世界。\n（上接第2版）\n第二篇。\n", encoding="utf-8")
    code, err = run(["convert", str(source), "-o", str(tmp_path / "out"), "--no-translate"])
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == [
        "untitled-1.html",
        "untitled-2.html",
    ]


def test_a_folder_in_place_of_jiebas_cache_is_no_error(tmp_path: Path) -> None:
    source = tmp_path / "h.txt"
    source.write_text("你好世界。\n", encoding="utf-8")
    (tmp_path / "cache" / "jieba.cache").mkdir(parents=True)
    command = [sys.executable, "-m", "reader", "convert", str(source), "-o", str(tmp_path / "out")]
    done = subprocess.run(
        [*command, "--cache-dir", str(tmp_path / "cache"), "--no-translate", "--no-cache", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert (tmp_path / "out" / "h.html").is_file()


def test_toml_overrides_load_in_linear_time(tmp_path: Path) -> None:
    from reader.annotate.overrides import load_overrides
    from reader.errors import InputError

    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 200)]
    words = [a + b for a in chars for b in chars[:100]]  # 20,000 distinct words
    path = tmp_path / "big.toml"
    path.write_text("".join(f'"{w}" = "ma1 ma1"\n' for w in words), encoding="utf-8")
    started = time.perf_counter()
    assert len(load_overrides(path)) == 20_000
    assert time.perf_counter() - started < 15  # was about a minute (a scan per key)
    # a bad value far down is still reported on its own line, quoted short
    lines = [f'"{w}" = "ma1 ma1"\n' for w in words[:-1]] + [f'"{words[-1]}" = "{"x" * 5000}"\n']
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_overrides(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:20000: ") and len(message) < 400


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_not_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    code, err = run(["convert", str(pipe), "-o", str(tmp_path / "out"), "--no-translate"])
    assert code == 1 and err == (
        f"reader: error: {pipe}: is not a regular file (a pipe, device or socket); "
        "save the article to a file, or pipe it into '-'\n"
    )


def test_the_manifest_is_saved_periodically_not_per_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(3 * batch.GROUP):
        (src / f"a{n:02}.txt").write_text(f"第{n}篇。\n", encoding="utf-8")
    saves: list[int] = []
    real = manifest.save

    def counting(out: Path, entries: dict[str, object]) -> None:
        saves.append(len(entries))
        real(out, entries)

    monkeypatch.setattr(manifest, "save", counting)
    monkeypatch.setattr(batch, "MANIFEST_EVERY", 3600.0, raising=False)
    out = tmp_path / "out"
    code, err = run(["convert", str(src), "-o", str(out), "--no-translate", "-j", "1"])
    assert code == 0, err
    # after the first group (an early kill keeps it), then only at the end
    assert saves == [batch.GROUP, 3 * batch.GROUP]
    code, err = run(["convert", str(src), "-o", str(out), "--no-translate", "-j", "1"])
    assert f"{3 * batch.GROUP} up to date" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_what_a_folder_holds_but_cant_be_read_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "locked").mkdir()
    (src / "a.txt").write_text("这是一个测试句子。\n", encoding="utf-8")
    (src / "locked" / "b.txt").write_text("这是第二个句子。\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.txt").write_text("这是第三个句子。\n", encoding="utf-8")
    (src / "dangling.txt").symlink_to("nowhere.txt")
    (src / "loop1.txt").symlink_to("loop2.txt")
    (src / "loop2.txt").symlink_to("loop1.txt")
    os.mkfifo(src / "pipe.md")
    (src / "sub" / "up").symlink_to("..")
    (src / "sub" / "linked").symlink_to(elsewhere)
    locked = src / "locked"
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads any folder: make it fail as it does for a user
        real = os.scandir

        def scandir(path: object) -> object:
            if Path(str(path)) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    try:
        code, err = run(["convert", str(src), "-o", str(out), "--no-translate", "-j", "1"])
    finally:
        locked.chmod(0o755)
    assert code == 1
    assert (out / "a.html").is_file() and (out / "sub" / "linked" / "c.html").is_file()
    assert not (out / "sub" / "up").exists()
    assert "reader: 5 of 7 sources failed:" in err
    failed = [
        line
        for line in err.split("sources failed:\n", 1)[1].splitlines()
        if line.startswith("  ")  # the run's summary line follows the list
    ]
    assert failed == [
        f"  {src / 'dangling.txt'}: a symbolic link to 'nowhere.txt', which does not exist, "
        "not read; fix or remove it",
        f"  {src / 'locked'}: permission denied, so the articles in this folder were not "
        f"converted; make it readable (chmod u+rx '{src / 'locked'}') or run as its owner",
        f"  {src / 'loop1.txt'}: a symbolic link loop (it leads back to itself), not read; "
        "fix or remove it",
        f"  {src / 'loop2.txt'}: a symbolic link loop (it leads back to itself), not read; "
        "fix or remove it",
        f"  {src / 'pipe.md'}: is not a regular file (a pipe, device or socket), not read; "
        "save the article to a file, or pipe it into '-'",
    ]
    assert (
        f"reader: warning: {src / 'sub' / 'up'}: a link back to the folder '..' above it, "
        "not followed (its articles are converted from where they are)\n"
    ) in err
    code, err = run(["convert", str(src), "-o", str(out), "--no-translate", "--fail-fast"])
    assert code == 1 and err.startswith(f"reader: error: {src / 'dangling.txt'}: a symbolic")


def test_a_missing_template_dir_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("这是一个测试句子。\n", encoding="utf-8")
    missing = tmp_path / "my-templates"
    code, err = run(
        ["convert", str(src), "-o", str(tmp_path / "out"), "--template-dir", str(missing)]
    )
    assert code == 2 and err == (
        f"reader: error: argument --template-dir: '{missing}': no such folder; give a folder of "
        "templates (copy reader's templates/ to start) (see 'reader convert --help')\n"
    )
    assert not (tmp_path / "out").exists()
    with pytest.raises(ReaderError, match="no such folder"):
        convert_file(
            src, Options(output_dir=tmp_path / "out", translate=False, template_dir=missing)
        )


def test_a_relative_xdg_folder_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path.home()
    assert default_cache_dir({"XDG_CACHE_HOME": "cache"}) == home / ".cache" / "reader"
    assert default_cache_dir({"XDG_CACHE_HOME": ""}) == home / ".cache" / "reader"
    assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "reader"
    assert default_fixes_dir({"XDG_CONFIG_HOME": "config"}) == home / ".config" / "reader"
    # End to end: the caches don't land in whatever folder the command runs in.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("这是一个测试句子。\n", encoding="utf-8")
    code, err = run(["convert", "a.txt", "-o", "out", "--no-translate"])
    assert code == 0, err
    assert not (tmp_path / "relative-cache").exists()
    assert (tmp_path / "home" / ".cache" / "reader" / "annotations.sqlite3").is_file()


def _unprivileged(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run reader as a user whom file permissions bind (root with its override dropped)."""
    command = [sys.executable, "-m", "reader", *argv]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root without setpriv: permissions can't be tested")
        drop = "-dac_override,-dac_read_search"
        command = ["setpriv", "--bounding-set", drop, "--inh-caps", drop, *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_permission_errors_say_how_to_fix_them(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("这是一个测试句子。\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("这是第二个句子。\n", encoding="utf-8")
    (tmp_path / "secret.txt").chmod(0)
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        done = _unprivileged(["convert", "a.txt", "-o", "ro/deep", "--no-translate"], tmp_path)
        assert done.returncode == 1 and done.stderr == (
            "reader: error: ro/deep: can't write output there (permission denied); make 'ro' "
            "writable (chmod u+w 'ro') or choose another folder with -o\n"
        )
        done = _unprivileged(["convert", "secret.txt", "a.txt", "--no-translate"], tmp_path)
        assert (
            done.returncode == 1
            and (
                "reader: 1 of 2 sources failed:\n  secret.txt: permission denied; make it readable "
                "(chmod u+r 'secret.txt') or run as its owner\n1 converted, 1 failed"
            )
            in done.stderr
        )
    finally:
        (tmp_path / "ro").chmod(0o755)


def test_a_long_article_is_converted_a_part_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.source import discover

    # Where an article splits (discover) and which files are read in parts (batch).
    monkeypatch.setattr(discover, "PART_CHARS", 60)
    monkeypatch.setattr(batch, "PART_CHARS", 60)
    paragraphs = [f"这是第{n}段，它讲的是一个很长的故事里的一小部分。" for n in range(12)]
    src = tmp_path / "long.txt"
    src.write_text("长文章\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    held: list[int] = []
    real = batch._prepare

    def spying(ref: SourceRef, stdin: bytes | None, options: Options) -> list[AnnotatedArticle]:
        found = real(ref, stdin, options)
        held.append(len(found))
        return found

    monkeypatch.setattr(batch, "_prepare", spying)
    out = tmp_path / "out"
    argv = ["convert", str(src), "-o", str(out), "--no-translate", "-f", "json", "-j", "1"]
    code, err = run(argv)
    assert code == 0, err
    sheets = sorted(out.glob("long-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    assert len(sheets) > 3 and held == [1] * len(sheets)  # one part in memory at a time
    assert "".join(sheet_text(p) for p in sheets) == "长文章" + "".join(paragraphs)
    parts = [json.loads(p.read_text(encoding="utf-8")) for p in sheets]
    assert [(d["part"], d["parts"]) for d in parts] == [
        (n, len(sheets)) for n in range(1, len(sheets) + 1)
    ]
    code, err = run(argv)
    assert code == 0 and "1 up to date" in err


def test_a_batch_loads_its_word_lists_once_and_runs_blas_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadpoolctl import threadpool_info

    from reader.annotate import dictionary, lexicon, polyphone

    for shared in (lexicon._shared, polyphone._shared, dictionary._shared):
        shared.cache_clear()
    reads: list[str] = []
    threads: list[int] = []
    real_lexicon, real_model = lexicon.Lexicon.read, polyphone.ContextModel.read
    real_predict = polyphone.ContextModel._predict

    def lexicon_read() -> lexicon.Lexicon:
        reads.append("lexicon")
        return real_lexicon()

    def model_read() -> polyphone.ContextModel:
        reads.append("model")
        return real_model()

    def predict(self: polyphone.ContextModel, queries: object) -> object:
        threads.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return real_predict(self, queries)  # type: ignore[arg-type]

    monkeypatch.setattr(lexicon.Lexicon, "read", lexicon_read)
    monkeypatch.setattr(polyphone.ContextModel, "read", model_read)
    monkeypatch.setattr(polyphone.ContextModel, "_predict", predict)
    src = tmp_path / "in"
    src.mkdir()
    for n in range(4):
        (src / f"a{n}.txt").write_text(
            f"第{n}课\n\n他在银行工作了{n}年，还会长期干下去。\n", "utf-8"
        )
    argv = ["convert", str(src), "-o", str(tmp_path / "out"), "--no-translate", "--no-cache"]
    code, err = run([*argv, "-j", "1"])
    assert code == 0, err
    assert sorted(reads) == ["lexicon", "model"]  # once for the run, not once per file
    assert dictionary.Dictionary.shared() is dictionary.Dictionary.shared()
    assert threads and set(threads) == {1}
