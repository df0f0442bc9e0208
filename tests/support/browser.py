"""Headless Chromium for the browser tests, driven by selenium through Debian's chromedriver.

Debian's `chromium` and `chromium-driver` packages are installed with apt-get the first time a
browser test needs them (the machines run the tests as root); nothing is downloaded by selenium
itself: the browser and the driver are both given by path.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PACKAGES = ("chromium", "chromium-driver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def ensure_chromium() -> None:
    """Install Debian's Chromium and its driver unless both are there already."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed (the browser tests need Debian's "
                f"{' and '.join(PACKAGES)}):\n{done.stderr[-2000:]}"
            )


def headless_chromium(user_data_dir: Path) -> webdriver.Chrome:
    """A new headless browser with a fresh profile in `user_data_dir`."""
    ensure_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
