"""Screenshots of a map page for the documentation: ``make screenshots``.

Builds the example site (as the browser tests do), opens the B2B SaaS buyer's map in Debian's
Chromium and writes four PNGs to ``docs/images/``: the top of the map on a 1440x900 desktop in
the light scheme (header and "at a glance"), the flow diagram over the stage grid's columns, the
stage grid with its emotion curve in the dark scheme, and the grid on a 390x844 phone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SET_SCHEME_JS, build_example, serve

IMAGES = Path(__file__).resolve().parent.parent.parent / "docs" / "images"
MAP = "#journey-saas-trial-to-paid"


def _scroll_to(page: Page, selector: str, above: int = 56) -> None:
    page.evaluate(
        """([selector, above]) => {
          const element = document.querySelector(selector);
          window.scrollBy(0, element.getBoundingClientRect().top - above);
        }""",
        [selector, above],
    )


def _scroll_grid_to(page: Page, row: str) -> None:
    """Scroll the page to the grid, then the grid itself down to a lane."""
    _scroll_to(page, f"{MAP} .journey-grid-wrap")
    page.evaluate(
        """([map, row]) => {
          const wrap = document.querySelector(map + ' .journey-grid-wrap');
          const lane = wrap.querySelector(row);
          const head = wrap.querySelector('thead').getBoundingClientRect().height;
          wrap.scrollTop = lane.offsetTop - head - 8;
        }""",
        [MAP, row],
    )


def take(base_url: str, images: Path) -> list[Path]:
    images.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, width, height, scheme in (
            ("map-page-light.png", 1440, 900, "default"),
            ("map-page-flow.png", 1440, 900, "default"),
            ("map-page-dark.png", 1440, 900, "slate"),
            ("map-page-phone.png", 390, 844, "default"),
        ):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(base_url + "maps/saas-buyer/", wait_until="networkidle")
            page.evaluate(SET_SCHEME_JS, scheme)
            if name == "map-page-light.png":
                _scroll_to(page, f"{MAP} .journey-header", above=64)
            elif name == "map-page-flow.png":
                _scroll_to(page, f"{MAP}-flow", above=56)
            else:
                _scroll_grid_to(
                    page,
                    "tr.journey-row--touchpoints" if width > 800 else "tr.journey-row--emotions",
                )
            page.wait_for_timeout(300)
            path = images / name
            page.screenshot(path=str(path))
            shots.append(path)
            context.close()
        browser.close()
    return shots


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        site = build_example(Path(folder))
        server = serve(site)
        base_url = next(server)
        try:
            for path in take(base_url, IMAGES):
                print(path.relative_to(IMAGES.parent.parent))
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
