"""A real Streamlit server and a real Chromium for the browser tests.

The server is started once per test session with `streamlit run app.py` on a free port
(`devtools/served_app.py`, which the benchmarks use too); each test gets a fresh page. Chromium is Debian's (`apt-get install chromium`): Playwright's
own browser download is not needed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.served_app import CHROMIUM, launch_chromium, served_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts"


def server_environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "CNN_RNN_LAB_CACHE": str(cache)}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with served_app(env=server_environment(tmp_path_factory.getbasetemp() / "cache"), log=log) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    context.close()
