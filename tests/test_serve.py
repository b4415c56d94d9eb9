"""`reader serve` over HTTP with Flask's test client: convert, download, list, delete, correct."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.options import Options
from reader.serve.app import ServeConfig, create_app
from tests.fakes import FakeTranslator

ARTICLE = "春天的早市\n\n每到周末，我去银行取钱。他是一个好人，我们常常一起买菜。\n"


class CachingFake(FakeTranslator):
    """A fake translator with a cache identity, so its English goes through the real cache."""

    cache_key = "fake-zh-en/serve-tests"


def wait(client: Any, job: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/job/{job}").get_json()
        if status["state"] in ("done", "failed"):
            return status  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"job {job} did not finish")


def token_of(client: Any) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def convert(client: Any, csrf: str, **fields: Any) -> dict[str, Any]:
    answer = client.post("/convert", data={"csrf": csrf, **fields})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return wait(client, answer.headers["Location"].rsplit("/", 1)[1])


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("serve")
    translator = CachingFake()
    config = ServeConfig(
        output_dir=root / "out", fixes_dir=root / "fixes", options=Options(cache_dir=root / "cache")
    )
    app = create_app(config, translator)
    client = app.test_client()
    csrf = token_of(client)
    made = convert(
        client,
        csrf,
        text=ARTICLE,
        translate="1",
        **{f"format_{f}": "1" for f in ("pdf", "epub", "anki", "json")},
    )
    assert made["state"] == "done", made
    return {
        "root": root,
        "config": config,
        "client": client,
        "csrf": csrf,
        "name": made["sheets"][0],
        "translator": translator,
    }


def test_convert_pasted_text_makes_the_sheet(server: dict[str, Any]) -> None:
    client, name = server["client"], server["name"]
    assert name == "春天的早市"
    page = client.get(f"/sheet/{name}").get_data(as_text=True)
    assert f'src="/files/{name}/html"' in page
    sheet = client.get(f"/files/{name}/html")
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    assert "<ruby" in html and "yínháng" in html and "[EN sentence of" in html
    assert "script-src 'unsafe-inline'" in sheet.headers["Content-Security-Policy"]
    # the CLI's own output files, in the output folder
    assert {f"{name}.html", f"{name}.pdf", f"{name}.json"} <= files_under(server["root"] / "out")


@pytest.mark.parametrize("fmt", ["html", "pdf", "epub", "anki", "json"])
def test_download_each_format(server: dict[str, Any], fmt: str) -> None:
    answer = server["client"].get(f"/files/{server['name']}/{fmt}?download=1")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment")
    data = answer.get_data()
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
    elif fmt == "epub":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            assert book.read("mimetype") == b"application/epub+zip"
    elif fmt == "json":
        document = json.loads(data)
        assert document["format"] == "reader.article" and document["title"] == "春天的早市"
    elif fmt == "anki":
        assert "银行\tyínháng" in data.decode("utf-8")
    else:
        assert data.decode("utf-8").startswith("<!DOCTYPE html>")


def test_list_is_newest_first_and_survives_a_restart(server: dict[str, Any]) -> None:
    client, csrf = server["client"], server["csrf"]
    later = convert(client, csrf, text="秋天\n\n秋天的苹果很好吃。\n")
    assert later["state"] == "done"
    page = client.get("/").get_data(as_text=True)
    assert page.index("/sheet/秋天") < page.index(f"/sheet/{server['name']}")
    again = create_app(server["config"], server["translator"]).test_client()
    listed = again.get("/").get_data(as_text=True)
    assert "/sheet/秋天" in listed and f"/sheet/{server['name']}" in listed


def test_delete_removes_the_files(server: dict[str, Any]) -> None:
    client, csrf = server["client"], server["csrf"]
    made = convert(client, csrf, text="冬天\n\n冬天很冷。\n", format_json="1")
    name = made["sheets"][0]
    out = server["root"] / "out"
    assert {f"{name}.html", f"{name}.json"} <= files_under(out)
    refused = client.post(f"/sheet/{name}/delete")
    assert refused.status_code == 403 and f"{name}.html" in files_under(out)
    answer = client.post(f"/sheet/{name}/delete", data={"csrf": csrf})
    assert answer.status_code == 303
    assert not {f"{name}.html", f"{name}.json"} & files_under(out)
    assert f"/sheet/{name}" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/sheet/{name}").status_code == 404


def fix(server: dict[str, Any], **data: Any) -> tuple[int, dict[str, Any]]:
    answer = server["client"].post(
        "/api/fix", json={"sheet": server["name"], **data}, headers={"X-CSRF-Token": server["csrf"]}
    )
    return answer.status_code, answer.get_json()


def test_correct_a_reading_then_undo(server: dict[str, Any]) -> None:
    client, name = server["client"], server["name"]
    readings = server["root"] / "fixes" / "readings.tsv"
    calls = len(server["translator"].calls)
    status, answer = fix(server, action="reading", word="银行", reading="yin2 xing2")
    assert status == 200, answer
    assert wait(client, answer["job"])["state"] == "done"
    assert "银行\tyin2 xing2" in readings.read_text(encoding="utf-8")
    html = client.get(f"/files/{name}/html").get_data(as_text=True)
    assert "yínxíng" in html and "yínháng" not in html
    # unchanged sentences come from the translation cache: no new model call
    assert len(server["translator"].calls) == calls
    # every later sheet uses the fix
    later = convert(client, server["csrf"], text="银行\n\n银行在哪里？\n")
    later_html = client.get(f"/files/{later['sheets'][0]}/html").get_data(as_text=True)
    assert "yínxíng" in later_html
    undo = client.post("/api/undo", headers={"X-CSRF-Token": server["csrf"]}).get_json()
    assert wait(client, undo["job"])["state"] == "done"
    assert "银行" not in readings.read_text(encoding="utf-8") if readings.exists() else True
    assert "yínháng" in client.get(f"/files/{name}/html").get_data(as_text=True)
    nothing = client.post("/api/undo", headers={"X-CSRF-Token": server["csrf"]})
    assert nothing.status_code == 400 and "nothing to undo" in nothing.get_json()["error"]


def words_of(html: str) -> list[str]:
    return re.findall(r'<ruby class="w[^"]*"[^>]*>([^<]*)<rp>', html)


def test_split_and_join_words(server: dict[str, Any]) -> None:
    client, name = server["client"], server["name"]
    assert "好人" in words_of(client.get(f"/files/{name}/html").get_data(as_text=True))
    status, answer = fix(server, action="split", word="好人", pieces="好 人")
    assert status == 200, answer
    assert wait(client, answer["job"])["state"] == "done"
    words = words_of(client.get(f"/files/{name}/html").get_data(as_text=True))
    assert "好人" not in words and "好" in words and "人" in words
    assert re.search(r"^好人 1$", (server["root"] / "fixes" / "words.txt").read_text(), re.M)
    status, answer = fix(server, action="join", word="买", next="菜")
    assert status == 200, answer
    assert wait(client, answer["job"])["state"] == "done"
    assert "买菜" in words_of(client.get(f"/files/{name}/html").get_data(as_text=True))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "reading", "word": "银行", "reading": "yin2 xx9"}, "is not a pinyin syllable"),
        ({"action": "reading", "word": "银行", "reading": "yin2"}, "give one syllable per"),
        ({"action": "reading", "word": "abc", "reading": "a"}, "is not a Chinese word"),
        ({"action": "split", "word": "好人", "pieces": "好 天"}, "the pieces must spell"),
    ],
)
def test_a_bad_fix_gets_one_line_and_changes_nothing(
    server: dict[str, Any], data: dict[str, str], message: str
) -> None:
    fixes = server["root"] / "fixes"
    before = {p.name: p.read_bytes() for p in fixes.glob("*")} if fixes.exists() else {}
    status, answer = fix(server, **data)
    assert status == 400 and message in answer["error"] and "\n" not in answer["error"]
    after = {p.name: p.read_bytes() for p in fixes.glob("*")} if fixes.exists() else {}
    assert {k: v for k, v in after.items() if k != "last-fix.json"} == {
        k: v for k, v in before.items() if k != "last-fix.json"
    }


def test_missing_csrf_token_is_refused(server: dict[str, Any]) -> None:
    client = server["client"]
    before = files_under(server["root"] / "out")
    answer = client.post("/convert", data={"text": ARTICLE})
    assert answer.status_code == 403
    assert "security token" in answer.get_data(as_text=True)
    wrong = client.post("/convert", data={"text": ARTICLE, "csrf": "guess"})
    assert wrong.status_code == 403
    api = client.post("/api/fix", json={"sheet": server["name"], "action": "reading"})
    assert api.status_code == 403 and "security token" in api.get_json()["error"]
    assert files_under(server["root"] / "out") == before


@pytest.fixture
def small(tmp_path: Path) -> Any:
    config = ServeConfig(
        output_dir=tmp_path / "out",
        fixes_dir=tmp_path / "fixes",
        options=Options(cache_dir=tmp_path / "cache", translate=False),
        max_text_bytes=2_000,
        max_files=2,
    )
    client = create_app(config).test_client()
    return client, token_of(client), tmp_path


def upload(client: Any, csrf: str, files: Sequence[tuple[bytes, str]]) -> Any:
    return client.post(
        "/convert",
        data={"csrf": csrf, "files": [(io.BytesIO(data), name) for data, name in files]},
        content_type="multipart/form-data",
    )


def test_too_large_uploads_are_refused_with_a_message(small: Any) -> None:
    client, csrf, root = small
    one = upload(client, csrf, [("中".encode() * 1000, "big.txt")])
    assert one.status_code == 400
    assert "big.txt: too large (over 2 KB); split it" in one.get_data(as_text=True)
    many = upload(client, csrf, [("中文。".encode(), f"{n}.txt") for n in range(3)])
    assert many.status_code == 400
    assert "3 files at once: at most 2" in many.get_data(as_text=True)
    whole = upload(client, csrf, [("中".encode() * 100_000, "huge.txt")])
    assert whole.status_code == 413
    assert "the upload is too large: at most 2 files" in whole.get_data(as_text=True)
    pasted = client.post("/convert", data={"csrf": csrf, "text": "中" * 1000})
    assert pasted.status_code == 400 and "the pasted text is too long" in pasted.get_data(
        as_text=True
    )
    assert not (root / "out").exists() or not files_under(root / "out")


def test_binary_upload_is_refused(small: Any) -> None:
    client, csrf, root = small
    answer = upload(client, csrf, [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt")])
    assert answer.status_code == 400
    assert "photo.txt: looks like a binary file, not text" in answer.get_data(as_text=True)
    other = upload(client, csrf, [(b"%PDF-1.7", "paper.pdf")])
    assert "paper.pdf: reader reads .txt and .md files" in other.get_data(as_text=True)
    assert not list(root.rglob("*.src")) and not list(root.rglob("*.html"))


def test_path_like_file_names_stay_names(small: Any) -> None:
    client, csrf, root = small
    names = ["../../escape.txt", "..\\..\\win.md", "/etc/passwd.txt", "<i>bold.txt"]
    answer = upload(client, csrf, [("你好。".encode(), n) for n in names[:2]])
    assert answer.status_code == 303
    wait(client, answer.headers["Location"].rsplit("/", 1)[1])
    answer = upload(client, csrf, [("你好。".encode(), n) for n in names[2:]])
    wait(client, answer.headers["Location"].rsplit("/", 1)[1])
    inside = files_under(root)
    assert all(p.startswith(("out/", "cache/")) for p in inside), inside
    assert {"out/escape.html", "out/win.html", "out/passwd.html", "out/i-bold.html"} <= inside
    page = client.get("/").get_data(as_text=True)
    assert "&lt;i&gt;bold.txt" in page and "<i>bold" not in page
    assert client.get("/files/..%2F..%2Fescape/html").status_code == 404
    assert client.get("/files/escape/..%2F..%2Fcache").status_code == 404


def test_errors_reach_the_page_as_one_line(small: Any) -> None:
    client, csrf, _ = small
    empty = client.post("/convert", data={"csrf": csrf, "text": "  "})
    assert empty.status_code == 400
    assert "nothing to convert: paste Chinese text" in empty.get_data(as_text=True)
    missing = client.get("/sheet/nope")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


def test_other_hosts_and_missing_tokens_are_refused(tmp_path: Path) -> None:
    config = ServeConfig(output_dir=tmp_path / "out", fixes_dir=tmp_path / "fixes")
    client = create_app(config).test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    locked = create_app(
        ServeConfig(
            output_dir=tmp_path / "out", fixes_dir=tmp_path / "f", token="s3cret", loopback=False
        )
    ).test_client()
    assert locked.get("/").status_code == 403
    assert "needs its token" in locked.get("/").get_data(as_text=True)
    entry = locked.get("/?token=s3cret")
    assert entry.status_code == 303
    assert locked.get("/").status_code == 200


class SlowTranslator(FakeTranslator):
    """Holds the first conversion until released, to see a second one wait."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        self.release.wait(60)
        return super().translate_batch(texts)


def test_a_second_convert_waits_in_the_queue(tmp_path: Path) -> None:
    translator = SlowTranslator()
    config = ServeConfig(
        output_dir=tmp_path / "out",
        fixes_dir=tmp_path / "fixes",
        options=Options(cache_dir=tmp_path / "cache"),
    )
    client = create_app(config, translator).test_client()
    csrf = token_of(client)
    first = client.post("/convert", data={"csrf": csrf, "text": "一\n\n我们。", "translate": "1"})
    second = client.post("/convert", data={"csrf": csrf, "text": "二\n\n你们。", "translate": "1"})
    one, two = (r.headers["Location"].rsplit("/", 1)[1] for r in (first, second))
    deadline = time.monotonic() + 60
    while client.get(f"/api/job/{one}").get_json()["state"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    waiting = client.get(f"/api/job/{two}").get_json()
    assert waiting["state"] == "queued" and waiting["ahead"] == 1
    assert "Waiting: another conversion runs first." in client.get(f"/job/{two}").get_data(
        as_text=True
    )
    translator.release.set()
    assert wait(client, one)["state"] == "done" and wait(client, two)["state"] == "done"
    assert len(translator.calls) == 2


def start(args: list[str], tmp_path: Path) -> tuple[Any, str]:
    import os
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "serve", "--no-translate", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "READER_CONFIG_DIR": str(tmp_path / "fixes")},
        cwd=tmp_path,
    )
    assert process.stderr is not None
    return process, process.stderr.readline().strip()


def test_reader_serve_prints_its_address_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import signal
    import urllib.request

    process, line = start(["--port", "0"], tmp_path)
    try:
        found = re.fullmatch(
            r"reader is running at (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C stops it\)", line
        )
        assert found, line
        with urllib.request.urlopen(found.group(1), timeout=30) as answer:
            assert "Make a study sheet" in answer.read().decode("utf-8")
        busy, message = start(["--port", found.group(2)], tmp_path)
        assert busy.wait(30) == 1
        assert message == (
            f"reader: error: port {found.group(2)} on 127.0.0.1 is in use (another 'reader "
            "serve'?); choose another with --port"
        )
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0


def test_every_interface_needs_a_token(tmp_path: Path) -> None:
    process, line = start(["--host", "0.0.0.0", "--port", "0"], tmp_path)
    process.terminate()
    process.wait(30)
    assert re.fullmatch(
        r"reader is running at http://127\.0\.0\.1:\d+/\?token=[\w-]{20,} \(Ctrl-C stops it\)",
        line,
    ), line
