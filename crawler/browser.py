"""Headless Chromium for sources with `fetch = "browser"` (pages behind a JavaScript check).

Through scrapy-playwright (the optional `browser` extra) driving Debian's `/usr/bin/chromium`:
a browser is never downloaded. Only requests marked `meta["playwright"]` (a browser source's
HTML pages) go through it; robots.txt, feeds and sitemaps stay plain HTTP.
"""

from __future__ import annotations

import importlib.util
import shutil
from typing import Any

from scrapy.settings import BaseSettings

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]


class BrowserUnavailable(RuntimeError):
    """A source asks for the browser but the extra or the Chromium binary is missing."""


def chromium_path(settings: BaseSettings | None = None) -> str:
    """NEWSMON_CHROMIUM, else Debian's /usr/bin/chromium (or `chromium` on PATH)."""
    configured = settings.get("NEWSMON_CHROMIUM") if settings is not None else None
    return configured or shutil.which("chromium") or DEFAULT_CHROMIUM


def browser_problem(settings: BaseSettings | None = None) -> str | None:
    """Why browser fetching cannot work here, or None."""
    if importlib.util.find_spec("scrapy_playwright") is None:
        return "fetch = \"browser\" needs the browser extra: pip install 'newsmon[browser]'"
    if not shutil.which(chromium_path(settings)):
        return (f"fetch = \"browser\" needs Chromium at {chromium_path(settings)} "
                "(apt-get install chromium, or set NEWSMON_CHROMIUM)")
    return None


def browser_settings(settings: BaseSettings) -> dict[str, Any]:
    """The Scrapy settings that route a source's HTML pages through headless Chromium."""
    if problem := browser_problem(settings):
        raise BrowserUnavailable(problem)
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium_path(settings),
                                      "headless": True, "args": CHROMIUM_ARGS},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": settings.getint("DOWNLOAD_TIMEOUT", 30) * 1000,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
    }
