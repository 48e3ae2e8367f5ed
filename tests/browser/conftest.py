"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by the
Makefile; no browser download), against pytest-django's live server.

Every page visited is checked for console errors; public pages also get axe-core (from
tests/browser/node_modules, installed by the Makefile) injected and must have no serious or
critical violation. Screenshots go to a temporary folder, or to docs/screenshots/ when
UPDATE_SCREENSHOTS=1 (`make screenshots`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from engine.management.commands.seed_demo import demo_password  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: run `make system-deps`"
    assert AXE.exists(), f"axe-core not found at {AXE}: run `make browser-deps`"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


class Site:
    """One browser context per user (its own session cookie), every page checked as it loads."""

    def __init__(self, browser: Browser, base_url: str, shots: Path) -> None:
        self.browser, self.base, self.shots = browser, base_url, shots
        self.pages: dict[str, Page] = {}
        self.console_errors: list[str] = []
        self.visited: list[str] = []

    def _new_page(self) -> Page:
        context = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.console_errors.append(f"{page.url}: {e}"))
        page.on("load", lambda p: self.visited.append(p.url))
        return page

    def public(self) -> Page:
        if "" not in self.pages:
            self.pages[""] = self._new_page()
        return self.pages[""]

    def as_user(self, username: str) -> Page:
        if username not in self.pages:
            page = self._new_page()
            page.goto(self.base + "/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", demo_password(username))
            page.click("button[type=submit]")
            page.wait_for_url("**/work/")
            self.pages[username] = page
        return self.pages[username]

    def go(self, page: Page, path: str) -> Page:
        page.goto(self.base + path)
        self.assert_clean(page)
        return page

    def settle(self, page: Page) -> None:
        """Wait until no htmx request is in flight (e.g. the live quorum line after the last
        change), so that leaving the page does not abort one: a browser reports that as an error."""
        page.wait_for_function("() => !document.querySelector('.htmx-request')")

    def assert_clean(self, page: Page) -> None:
        page.wait_for_load_state("load")
        assert not self.console_errors, self.console_errors

    def assert_accessible(self, page: Page) -> None:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in SERIOUS
        ]
        assert not serious, f"{page.url}: {serious}"

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=False)


@pytest.fixture
def site(browser, live_server, tmp_path) -> Site:
    shots = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    return Site(browser, live_server.url, shots)
