"""Seconds per epoch of a CIFAR-10 training started on the page, in a real browser.

    CIFAR10_DIR=... python benchmarks/page_training_speed.py [--runs 2] [--app-dir OTHER_CHECKOUT]

A student's training as the Train tab sets it up by default (the basic model, 5,000 images,
validation 0.1), for 3 epochs, read off the summary line the page shows when it ends. Each
run is a new browser tab on one server. `--app-dir` serves another checkout of the project
(an older commit, made with `git worktree add`) to compare before and after a change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from devtools.served_app import launch_chromium, served_app_process, wait_for_app  # noqa: E402

EPOCHS = 3


def one_training(browser, url: str) -> list[float]:
    """Train on the page and return its seconds per epoch."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)
    page.goto(url)  # the home page first: a new server's first deep link may show a notice
    wait_for_app(page)
    page.goto(f"{url}/cifar10?cifar_tab=Train")
    wait_for_app(page)
    epochs = page.get_by_label("Epochs", exact=True)
    epochs.fill(str(EPOCHS))
    epochs.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Train").click()
    summary = page.get_by_text(re.compile(rf"^{EPOCHS} epochs?; seconds per epoch")).inner_text()
    page.close()
    listed = summary.split("seconds per epoch:", 1)[1].split(". ", 1)[0]  # "3.2, 2.2, 2.1"
    return [float(value) for value in re.findall(r"\d+\.\d", listed)]


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--app-dir", type=Path, default=PROJECT_ROOT)
    args = parser.parse_args()
    with served_app_process(app_dir=args.app_dir) as (url, _), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for run in range(1, args.runs + 1):
            seconds = one_training(browser, url)
            print(f"run {run}: seconds per epoch {', '.join(f'{s:.1f}' for s in seconds)}", flush=True)


if __name__ == "__main__":
    main()
