"""The sheet's interactive parts, driven in Debian's headless chromium through chromedriver."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.model import Word
from reader.options import Options
from reader.pipeline import build
from reader.render.html import to_html
from reader.source.blocks import parse
from tests.browser import CHROMIUM, DRIVER, chrome_options
from tests.fakes import FakeTranslator

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed",
)

TEXT = "银行的故事\n\n我去银行取钱。银行很大！\n\n他说得很好。我们都很高兴。\n"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built, _ = build(parse(TEXT, "story.txt"), Options(), FakeTranslator())
    article = built[0]
    # Give one word a gloss and level as the dictionary stage would, to see them in the popup.
    import dataclasses

    paragraphs = list(article.paragraphs)
    first = paragraphs[1]
    sentence = first.sentences[0]
    words = tuple(
        dataclasses.replace(w, gloss="bank", level=2) if w.text == "银行" else w
        for w in sentence.words
    )
    paragraphs[1] = dataclasses.replace(
        first, sentences=(dataclasses.replace(sentence, words=words), *first.sentences[1:])
    )
    article = dataclasses.replace(article, paragraphs=tuple(paragraphs))
    path = tmp_path_factory.mktemp("sheet") / "story.html"
    path.write_text(to_html(article, Options()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp()
    options = chrome_options(profile, "--window-size=1200,900")
    driver = webdriver.Chrome(options=options, service=Service(DRIVER or ""))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def visible(driver: Any, css: str) -> bool:
    return bool(
        driver.execute_script(
            "const el = document.querySelector(arguments[0]);"
            "return !!el && getComputedStyle(el).visibility === 'visible' && !el.hidden;",
            css,
        )
    )


def settled(driver: Any, check: Callable[[], bool]) -> bool:
    """Whether `check` holds once the page has read its stored settings.

    Chromium hands localStorage between file:// pages through the browser process; on a
    busy machine a page loaded right after a change may read the old value, as a person
    who opens the next sheet a moment later never would. Reload every two seconds, for up
    to half a minute (a CI machine under full load took more than the four seconds this
    once allowed), before failing.
    """
    end = time.monotonic() + 30.0
    while time.monotonic() < end:
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.05)
        driver.refresh()
    return check()


def fresh(driver: Any, page: Path) -> None:
    driver.get(page.as_uri())
    driver.execute_script("localStorage.clear()")
    driver.get(page.as_uri())


def test_hover_and_tap_show_the_popup(browser: Any, page: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    fresh(browser, page)
    popup = browser.find_element(By.ID, "popup")
    assert not popup.is_displayed()
    word = [
        w for w in browser.find_elements(By.CSS_SELECTOR, "ruby.w") if w.text.startswith("银行")
    ][1]
    ActionChains(browser).move_to_element(word).perform()
    assert popup.is_displayed()
    assert "yínháng" in popup.text and "bank" in popup.text and "HSK 2" in popup.text
    # Tapping elsewhere closes it; tapping a word opens it.
    browser.find_element(By.CSS_SELECTOR, "footer").click()
    assert not popup.is_displayed()
    browser.execute_script("arguments[0].click()", word)
    assert popup.is_displayed()


def test_toggle_pinyin_off_and_on_and_it_persists(browser: Any, page: Path) -> None:
    from selenium.webdriver.common.by import By

    fresh(browser, page)
    assert visible(browser, "rt")
    button = browser.find_element(By.CSS_SELECTOR, '[data-toggle="hide-pinyin"]')
    assert button.get_attribute("aria-pressed") == "true"
    button.click()
    assert not visible(browser, "rt")
    assert button.get_attribute("aria-pressed") == "false"
    browser.refresh()
    assert settled(browser, lambda: not visible(browser, "rt")), (
        "the setting should survive a reload"
    )
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="hide-pinyin"]').click()
    assert visible(browser, "rt")


def test_clicking_a_sentence_highlights_its_translation(browser: Any, page: Path) -> None:
    from selenium.webdriver.common.by import By

    fresh(browser, page)
    second_zh = browser.find_elements(By.CSS_SELECTOR, ".row.text .zh .s")[1]
    second_zh.click()
    lit = browser.find_elements(By.CSS_SELECTOR, ".s.hl")
    assert {
        (el.get_attribute("data-i"), el.find_element(By.XPATH, "..").get_attribute("class"))
        for el in lit
    } == {("2", "zh"), ("2", "en")}
    first_en = browser.find_elements(By.CSS_SELECTOR, ".row.text .en .s")[0]
    first_en.click()
    lit = browser.find_elements(By.CSS_SELECTOR, ".s.hl")
    assert sorted(el.get_attribute("data-i") for el in lit) == ["1", "1"]


def test_self_test_hides_aids_until_tapped(browser: Any, page: Path) -> None:
    from selenium.webdriver.common.by import By

    fresh(browser, page)
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="selftest"]').click()
    assert not visible(browser, "rt") and not visible(browser, ".en .s")
    word = browser.find_elements(By.CSS_SELECTOR, "ruby.w")[0]
    browser.execute_script("arguments[0].click()", word)
    assert (
        browser.execute_script(
            "return getComputedStyle(arguments[0].querySelector('rt')).visibility", word
        )
        == "visible"
    )
    assert not visible(browser, ".row.text rt")
    english = browser.find_elements(By.CSS_SELECTOR, ".en .s")[0]
    browser.execute_script("arguments[0].click()", english)
    assert (
        browser.execute_script("return getComputedStyle(arguments[0]).visibility", english)
        == "visible"
    )
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="selftest"]').click()


def test_self_test_stays_on_its_sheet_and_display_settings_follow(browser: Any, page: Path) -> None:
    from selenium.webdriver.common.by import By

    other = page.with_name("other.html")
    other.write_bytes(page.read_bytes())
    fresh(browser, page)
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="tones"]').click()
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="selftest"]').click()
    assert not visible(browser, "rt")

    def flags() -> list[str]:
        return str(browser.execute_script("return document.body.className")).split()

    browser.get(other.as_uri())
    assert settled(browser, lambda: "tones" in flags()), "display settings follow the reader"
    assert visible(browser, "rt"), "self-test on one sheet must not hide the next one's pinyin"
    assert "selftest" not in flags()
    browser.get(page.as_uri())
    assert settled(browser, lambda: "selftest" in flags()), "self-test stays on its sheet"
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="selftest"]').click()
    browser.find_element(By.CSS_SELECTOR, '[data-toggle="tones"]').click()


def test_without_script_words_keep_a_title_tooltip(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert 'title="银行 yínháng\nbank · HSK 2"' in html
    assert '<div class="toolbar" hidden>' in html


def test_word_tip_text() -> None:
    from reader.render.common import tip

    bank = Word("银行", ("yin2", "hang2"), "n", gloss="bank", level=2)
    assert tip(bank, "marks") == "银行 yínháng\nbank · HSK 2"
    assert tip(bank, "numbers") == "银行 yin2hang2\nbank · HSK 2"
    assert tip(bank, "none") == "银行\nbank · HSK 2"
    assert tip(Word("银行", ("yin2", "hang2"), "n"), "marks") == "银行 yínháng"
    assert tip(Word("嘉", ("jia1",), "n", level=7), "marks") == "嘉 jiā\nHSK 7–9"
    # a verb and its complement, one word in pinyin: each dictionary word in turn
    buy = Word("买", ("mai3",), "v", gloss="to buy", level=1)
    bought = Word(
        "买到",
        ("mai3", "dao4"),
        "v",
        gloss="买 to buy + 到 to arrive",
        parts=(buy, Word("到", ("dao4",), "v")),
    )
    assert tip(bought, "marks") == "买到 mǎidào\n买 mǎi to buy · HSK 1\n到 dào"
