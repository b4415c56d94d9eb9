"""`reader serve` in a real browser against a real server on 127.0.0.1: convert, read, correct.

Set READER_SHOTS_DIR to keep screenshots of the pages the tests visit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from reader.options import Options
from reader.serve.app import ServeConfig, create_app
from tests.browser import CHROMIUM, DRIVER, chrome_options
from tests.fakes import FakeTranslator

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]

TEXT = "银行的故事\n\n我去银行取钱。银行很大！他是一个好人。\n\n我们都很高兴，一起去早市买菜。\n"


class PacedTranslator(FakeTranslator):
    """The fake translator, a sentence at a time and slowly enough to see progress."""

    cache_key = "fake-zh-en/browser-tests"

    def translate_batch(self, texts: Sequence[str]) -> list[str]:
        time.sleep(0.4 * len(texts))
        return super().translate_batch(texts)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from werkzeug.serving import make_server

    root = tmp_path_factory.mktemp("serve-browser")
    config = ServeConfig(
        output_dir=root / "out",
        fixes_dir=root / "fixes",
        options=Options(cache_dir=root / "cache", batch_size=1),
    )
    server = make_server("127.0.0.1", 0, create_app(config, PacedTranslator()), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.socket.getsockname()[1]}", "root": root}
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    profile = tempfile.mkdtemp()
    options = chrome_options(profile, "--window-size=1280,900")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=options, service=Service(DRIVER or ""))
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(browser: Any, name: str) -> None:
    folder = os.environ.get("READER_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def full_page(browser: Any, width: int) -> None:
    """Make the window as tall as the page, for a screenshot of all of it."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(max(height + 120, 600), 4000))


def until(condition: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture(scope="module")
def sheet_url(site: dict[str, Any], browser: Any) -> str:
    """Paste → Convert → progress → the sheet; returns the sheet page's address."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    browser.get(site["url"] + "/")
    full_page(browser, 1280)
    shot(browser, "start-page")
    browser.find_element(By.ID, "text").send_keys(TEXT)
    browser.find_element(By.CSS_SELECTOR, "form.convert button[type=submit]").click()
    seen: set[str] = set()

    def progressed() -> bool:
        if "/sheet/" in browser.current_url:
            return True
        # the page may be between two loads
        with contextlib.suppress(WebDriverException):
            seen.add(browser.find_element(By.ID, "job-state").text)
        return False

    until(progressed)
    assert any("Translating sentences:" in s and "/" in s for s in seen), seen
    return str(browser.current_url)


def in_sheet(browser: Any, script: str) -> Any:
    return browser.execute_script(
        "var d = document.getElementById('sheet').contentDocument; " + script
    )


def test_paste_progress_sheet_and_pdf_download(browser: Any, sheet_url: str) -> None:
    from selenium.webdriver.common.by import By

    until(lambda: in_sheet(browser, "return d && d.querySelectorAll('ruby.w').length") > 5)
    assert (
        in_sheet(browser, "return d.body.textContent").count("[EN sentence of") == 5
    )  # the title and 4 sentences
    assert "yínháng" in in_sheet(browser, "return d.body.textContent")
    full_page(browser, 1280)
    shot(browser, "finished-sheet")
    browser.set_window_size(1280, 900)
    browser.find_element(By.CSS_SELECTOR, 'a[data-format="pdf"]').click()
    pdf = until(lambda: [p for p in browser.downloads.glob("*.pdf") if p.stat().st_size > 1000])
    assert pdf[0].read_bytes().startswith(b"%PDF-")


def test_click_a_word_and_fix_its_reading(browser: Any, sheet_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(sheet_url)
    until(lambda: in_sheet(browser, "return d && d.querySelectorAll('ruby.w').length") > 5)
    browser.find_element(By.ID, "correct").click()
    frame = browser.find_element(By.ID, "sheet")
    browser.switch_to.frame(frame)
    bank = next(
        w for w in browser.find_elements(By.CSS_SELECTOR, "ruby.w") if w.text.startswith("银行")
    )
    bank.click()
    browser.switch_to.default_content()
    dialog = browser.find_element(By.ID, "fix")
    assert dialog.get_attribute("open") is not None
    assert browser.find_element(By.ID, "fix-word").text == "银行"
    # the sheet's own popup for the clicked word does not linger behind the dialog
    assert in_sheet(browser, "return d.getElementById('popup').hidden") is True
    reading = browser.find_element(By.ID, "fix-reading")
    assert reading.get_attribute("value") == "yín háng"
    reading.clear()
    reading.send_keys("yin2 xing2")
    shot(browser, "correction-dialog")
    browser.find_element(By.ID, "fix-save").click()
    until(
        lambda: "Fixed: 银行 is now read yin2 xing2" in browser.find_element(By.ID, "status").text
    )
    until(lambda: "yínxíng" in (in_sheet(browser, "return d && d.body.textContent") or ""))
    assert "yínháng" not in in_sheet(browser, "return d.body.textContent")
    assert browser.find_element(By.ID, "undo").is_displayed()
    browser.find_element(By.ID, "undo").click()
    until(lambda: "yínháng" in (in_sheet(browser, "return d && d.body.textContent") or ""))


@pytest.mark.parametrize("width", [360])
def test_phone_width(browser: Any, site: dict[str, Any], sheet_url: str, width: int) -> None:
    overflow = "return document.documentElement.scrollWidth - window.innerWidth"
    try:
        browser.set_window_size(width, 800)
        browser.get(site["url"] + "/")
        assert browser.execute_script(overflow) <= 0
        browser.get(sheet_url)
        until(lambda: in_sheet(browser, "return d && d.querySelectorAll('ruby.w').length") > 5)
        assert browser.execute_script(overflow) <= 0
        assert (
            in_sheet(browser, "return d.documentElement.scrollWidth - d.defaultView.innerWidth")
            <= 0
        )
        full_page(browser, width)
        shot(browser, "phone-width")
    finally:
        browser.set_window_size(1280, 900)
