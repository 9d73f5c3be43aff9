"""Page checks in real headless Chromium (Debian's package, driven by Playwright).

The basic fixture and the example site are each built once per session and served from their
``site/`` folder on a free loopback port. Every page is opened in a fresh browser context that
records console errors, uncaught page errors and any request that tries to leave the loopback
server (those are refused, and reported).

Shared helpers for every browser test live here: colour arithmetic (WCAG contrast), switching
Material's colour scheme, the contrast sweep over the plugin's markup (``contrast.js``) and the
axe-core accessibility scan.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
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


def serve(directory: Path) -> Iterator[str]:
    """Serve a built site on a free loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


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
    yield from serve(build.site)


@pytest.fixture(scope="session")
def placement_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The placement fixture (site option `layout: normal`), built and served."""
    build = run_build(copy_fixture("placement", tmp_path_factory.mktemp("placement")))
    assert build.returncode == 0, build.output
    yield from serve(build.site)


EXAMPLE = Path(__file__).parent.parent.parent / "example-site"
#: The example site's own palette (light and dark, with a toggle) is kept; only Google Fonts go,
#: so that the pages make no request outside the loopback server.
EXAMPLE_THEME = "theme:\n  name: material\n  font: false\n"


def build_example(destination: Path) -> Path:
    """A copy of the example site (its real maps and data), built with --strict; its site/."""
    project = destination / "example-site"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("site", ".cache"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "theme:\n  name: material\n" in text
    config.write_text(text.replace("theme:\n  name: material\n", EXAMPLE_THEME), encoding="utf-8")
    build = run_build(project, strict=True)
    assert build.returncode == 0, build.output
    return build.site


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once per session: its ``site/`` folder (pages, journeys.json)."""
    return build_example(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="session")
def example_url(example_site: Path) -> Iterator[str]:
    """The built example site, served; yields the base URL."""
    yield from serve(example_site)


class Chromium:
    """Debian's Chromium, launched on first use so that a missing browser fails the test itself."""

    def __init__(self) -> None:
        self._driver: Playwright | None = None
        self._browser: Browser | None = None
        self._with_scrollbars: Browser | None = None

    @property
    def driver(self) -> Playwright:
        if self._driver is None:
            if not CHROMIUM.exists():
                pytest.fail(
                    f"Chromium is missing at {CHROMIUM}. Run `make test`, which installs Debian's "
                    "chromium package (apt-get install chromium) before running the tests.",
                    pytrace=False,
                )
            self._driver = sync_playwright().start()
        return self._driver

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            self._browser = self.driver.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
        return self._browser

    @property
    def browser_with_scrollbars(self) -> Browser:
        """Chromium drawing classic scrollbars that take room, as on Windows (Playwright hides
        them by default)."""
        if self._with_scrollbars is None:
            self._with_scrollbars = self.driver.chromium.launch(
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                ignore_default_args=["--hide-scrollbars"],
            )
        return self._with_scrollbars

    def close(self) -> None:
        for browser in (self._browser, self._with_scrollbars):
            if browser is not None:
                browser.close()
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


@pytest.fixture
def browse_example(chromium: Chromium, example_url: str) -> Iterator[Browse]:
    """``browse_example.open("maps/saas-buyer/")`` opens a page of the served example site."""
    helper = Browse(chromium, example_url)
    yield helper
    helper.close()


# ---- Colour ----------------------------------------------------------------------------------

RGB = tuple[float, float, float]
RGBA = tuple[float, float, float, float]
TEXT_CONTRAST = 4.5  # every text, whatever its size
MARK_CONTRAST = 3.0  # lines, bars, dots, outlines, chips

# Switch Material's colour scheme the way its palette toggle does, and let transitions end (a
# transition cut short by another rejects its promise: settled is enough).
SET_SCHEME_JS = """
async scheme => {
  document.body.setAttribute('data-md-color-scheme', scheme);
  getComputedStyle(document.body).backgroundColor;
  await Promise.allSettled(document.getAnimations().map(animation => animation.finished));
}
"""


def show_every_map(page: Page) -> None:
    """Open every content tab's panel, so maps inside tabs (omni-shopper) are laid out too."""
    page.add_style_tag(
        content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }"
    )


def parse_colour(css: str) -> RGBA:
    match = re.fullmatch(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", css.strip())
    assert match, f"unexpected computed colour {css!r}"
    red, green, blue, alpha = match.groups()
    return float(red), float(green), float(blue), float(alpha) if alpha is not None else 1.0


def over(top: RGBA, bottom: RGB) -> RGB:
    """Alpha-composite a colour onto an opaque one."""
    *rgb, alpha = top
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(rgb, bottom, strict=True))  # type: ignore[return-value]


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour given in 0-255."""

    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: RGB, second: RGB) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


#: The plugin's markup on a page: maps (header, glance, diagram, grid, data), site pages.
PLUGIN_ROOTS = (
    ".journey-map",
    ".journey-analytics",
    ".journey-quality",
    ".journey-table-wrap",
    ".journey-persona",
    ".journey-persona-list",
)
#: HTML marks that carry meaning, and the colour property that draws each.
PLUGIN_MARKS = (
    ("th.journey-stage", "border-bottom-color"),  # the stage's emotion
    (".journey-stage-chip", "border-bottom-color"),
    (".journey-card", "border-left-color"),  # the card's kind (or a KPI's status)
    (".journey-severity", "background-color"),
    (".journey-status", "border-top-color"),
    (".journey-status-icon", "border-top-color"),
    (".journey-score", "border-top-color"),
    (".journey-channel", "border-top-color"),
    (".journey-badge", "border-top-color"),
    (".journey-evidence__badge", "border-top-color"),
    (".journey-moment__icon", "border-top-color"),
    (".journey-moment__icon", "border-bottom-color"),
    (".journey-curve__going-key", "border-top-color"),  # the second series' key
    (".journey-coverage__item", "border-top-color"),  # evidence coverage by level
    (".journey-bar", "background-color"),
)
#: Shapes that only decorate: the scale's grid lines behind the curve (the zero line counts).
DECORATIVE = (".journey-curve__grid:not(.journey-curve__zero)",)
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Contrast:
    kind: str  # "text" or "mark"
    what: str  # element and classes
    text: str  # its text, or its group
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= (TEXT_CONTRAST if self.kind == "text" else MARK_CONTRAST) - 0.005


def contrast_sweep(
    page: Page,
    roots: Sequence[str] = PLUGIN_ROOTS,
    marks: Sequence[tuple[str, str]] = PLUGIN_MARKS,
    decorative: Sequence[str] = DECORATIVE,
) -> list[Contrast]:
    """Every text and mark of the plugin's markup on the page, with its contrast ratio.

    Closed ``<details>`` are opened first, so what they hold is measured too.
    """
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    records = page.evaluate(
        CONTRAST_JS,
        {"roots": list(roots), "marks": [list(m) for m in marks], "decorative": list(decorative)},
    )
    return [Contrast(**record) for record in records]


# ---- Accessibility (axe-core) ----------------------------------------------------------------

# axe-core as shipped inside the axe-playwright-python wheel (a test dependency), so the scan
# needs no network at run time; only the file is used.
AXE_JS = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(
    page: Page, include: Sequence[str], impacts: Sequence[str] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations of the given impacts inside ``include`` (CSS selectors)."""
    page.evaluate(AXE_JS)
    result = page.evaluate(
        """async include => await axe.run({include: include.map(s => [s])},
             {resultTypes: ['violations']})""",
        list(include),
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]
