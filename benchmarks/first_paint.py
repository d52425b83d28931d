"""Seconds from opening a page in a new browser tab to the page fully drawn, for every page.

A student follows a link: a new tab, Streamlit's JavaScript parsed again, the script run,
every chart of the open tab drawn by plotly.js. The server is warmed first (each page opened
once, so shared data and models are loaded), as it is during a class.

    python benchmarks/first_paint.py [--visits 3] [--pages convolution,cifar10]

Prints, per page, the median and largest time to the first text and to the last chart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from devtools.served_app import PAGES, launch_chromium, served_app, wait_for_app  # noqa: E402

# Every chart that is on screen (in the open tab) has drawn its plot.
CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .filter(chart => chart.offsetParent !== null)
  .every(chart => chart.querySelector('.main-svg'))"""


def visit_seconds(browser, url: str, title: str) -> tuple[float, float]:
    """Seconds to the title and to the whole page drawn (script finished, every visible chart plotted)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
    first_text = time.perf_counter() - start
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=120_000, polling=50)
    drawn = time.perf_counter() - start
    context.close()
    return first_text, drawn


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--pages", help="comma-separated page addresses ('' is home); default: all")
    args = parser.parse_args()
    addresses = args.pages.split(",") if args.pages is not None else list(PAGES)
    with served_app() as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        warm = browser.new_page()
        for address in PAGES:  # load the shared data and models once, as the first students of a class do
            warm.goto(f"{url}/{address}")
            wait_for_app(warm)
        warm.close()
        print(f"{'page':<12} {'text median':>12} {'drawn median':>13} {'drawn max':>10}")
        for address in addresses:
            visits = [visit_seconds(browser, f"{url}/{address}", PAGES[address]) for _ in range(args.visits)]
            text, drawn = zip(*visits, strict=True)
            print(
                f"{address or 'home':<12} {statistics.median(text):>11.2f}s {statistics.median(drawn):>12.2f}s "
                f"{max(drawn):>9.2f}s",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    main()
