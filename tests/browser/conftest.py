"""Page checks in real headless Chromium (Debian's package, driven by Playwright).

The basic fixture is built once per session and served from ``site/`` on a free loopback port.
Every page is opened in a fresh browser context that records console errors, uncaught page errors
and any request that tries to leave the loopback server (those are refused, and reported).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Route, sync_playwright

from tests.conftest import copy_fixture, run_build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = "127.0.0.1"
# The copy of the fixture gets two things a published site has and the fixture leaves out:
# - a light/dark palette with a toggle, so that Material ships the "slate" scheme's colours;
# - no Google Fonts (Material loads Roboto from there by default): the checks run offline and the
#   site must make no request outside the loopback server.
THEME = """\
  name: material
  font: false
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output free of one access-log line per request."""


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the basic fixture and serve its ``site/`` folder; yields the base URL."""
    project = copy_fixture("basic", tmp_path_factory.mktemp("browser"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  name: material\n" in text
    config.write_text(text.replace("  name: material\n", THEME), encoding="utf-8")
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output

    handler = functools.partial(_QuietHandler, directory=str(build.site))
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Chromium:
    """Debian's Chromium, launched on first use so that a missing browser fails the test itself."""

    def __init__(self) -> None:
        self._driver: Playwright | None = None
        self._browser: Browser | None = None

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            if not CHROMIUM.exists():
                pytest.fail(
                    f"Chromium is missing at {CHROMIUM}. Run `make test`, which installs Debian's "
                    "chromium package (apt-get install chromium) before running the tests.",
                    pytrace=False,
                )
            self._driver = sync_playwright().start()
            self._browser = self._driver.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._driver is not None:
            self._driver.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    launcher = Chromium()
    yield launcher
    launcher.close()


@dataclass
class Visit:
    """One page opened in its own browser context, with what went wrong while it loaded."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


class Browse:
    def __init__(self, chromium: Chromium, base_url: str) -> None:
        self._chromium = chromium
        self._base_url = base_url
        self._contexts: list = []

    def open(self, path: str, *, width: int = 1280, height: int = 900) -> Visit:
        context = self._chromium.browser.new_context(viewport={"width": width, "height": height})
        self._contexts.append(context)
        page = context.new_page()
        visit = Visit(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                location = message.location.get("url", "")
                visit.console_errors.append(f"{message.text} ({location})")

        def stay_on_loopback(route: Route) -> None:
            if urlsplit(route.request.url).hostname == LOOPBACK:
                route.continue_()
            else:
                visit.outside_requests.append(route.request.url)
                route.abort()

        page.on("console", on_console)
        page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
        context.route("**/*", stay_on_loopback)
        page.goto(self._base_url + path, wait_until="networkidle")
        return visit

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def browse(chromium: Chromium, site_url: str) -> Iterator[Browse]:
    """``browse.open("maps/front/")`` opens a page of the served basic site."""
    helper = Browse(chromium, site_url)
    yield helper
    helper.close()
