"""Measure start-up figures quoted in docs/server-cost.md.

    python benchmarks/startup.py

1. CIFAR-10 load time from the uint8 cache (after one decode of the folder in CIFAR10_DIR).
2. Time from opening a page in Chromium to its first numbers: the home page's title and the
   convolution page's output shape, on a freshly started server (a cold Python process).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared.datasets import load_cifar10  # noqa: E402
from devtools.served_app import launch_chromium, served_app  # noqa: E402


def cifar10_cached_load_seconds(repeats: int = 5) -> tuple[float, float]:
    start = time.perf_counter()
    load_cifar10()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        load_cifar10()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def page_first_numbers_seconds(port: int = 8611, repeats: int = 5) -> dict[str, list[float]]:
    """Seconds from navigation to the first numbers, for each way of opening a page.

    The first visit of each repeat opens a new browser tab (so Streamlit's JavaScript is
    parsed again); the sidebar visit is a click from the home page, as a student does.
    """
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {
        "home page title (new tab)": [],
        "convolution page output shape (new tab)": [],
        "convolution page output shape (sidebar click from home)": [],
    }
    with served_app(port) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(repeats):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.get_by_role("heading", name="CNN & RNN Lab").wait_for(timeout=60_000)
            results["home page title (new tab)"].append(time.perf_counter() - start)
            page.wait_for_timeout(1000)
            start = time.perf_counter()
            page.get_by_role("link", name="Convolution layer").first.click()
            page.get_by_text("4 × 4 × 2", exact=True).first.wait_for(timeout=60_000)
            results["convolution page output shape (sidebar click from home)"].append(time.perf_counter() - start)
            page.close()

            page = browser.new_page()
            start = time.perf_counter()
            page.goto(f"{url}/convolution")
            page.get_by_text("4 × 4 × 2", exact=True).first.wait_for(timeout=60_000)
            results["convolution page output shape (new tab)"].append(time.perf_counter() - start)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            page.close()
        browser.close()
    return results


def main() -> None:
    if os.environ.get("CIFAR10_DIR") or "--download" in sys.argv:
        first, cached = cifar10_cached_load_seconds()
        print(f"cifar10 first load (decode or cache hit): {first:.2f} s")
        print(f"cifar10 cached load (median of 5): {cached:.3f} s")
    else:
        print("CIFAR10_DIR not set: skipping the data-load timing (pass --download to use Keras's download)")
    for name, seconds in page_first_numbers_seconds().items():
        print(f"{name}: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s over {len(seconds)} visits")


if __name__ == "__main__":
    main()
