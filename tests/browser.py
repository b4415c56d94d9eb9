"""Headless Debian chromium for the browser tests: one set of flags, one way to start it."""

from __future__ import annotations

import shutil
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""Debian's chromium, or None when it is not installed."""
DRIVER = shutil.which("chromedriver")
"""Debian's chromedriver, or None."""

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # without these, chromium keeps trying hosts this machine's closed network refuses
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
)
"""The flags every headless run here needs; a fresh --user-data-dir goes with them."""


def chrome_options(profile: str, *extra: str) -> Any:
    """Selenium options for Debian's chromium with `FLAGS`, the profile folder and `extra`."""
    from selenium.webdriver.chrome.options import Options as ChromeOptions

    options = ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in (*FLAGS, f"--user-data-dir={profile}", *extra):
        options.add_argument(flag)
    return options
