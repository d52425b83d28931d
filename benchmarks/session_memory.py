"""The server's memory as browser sessions train, inspect and leave: does a class make it grow for good?

    CIFAR10_DIR=... python benchmarks/session_memory.py [--sessions 8] [--session-ttl 120]

One server; one browser tab after another opens the CIFAR page, trains the basic model for
1 epoch on 1,000 images, opens Inspect on that model (a pass over the test images), then
closes. Streamlit keeps a closed tab's session for `server.disconnectedSessionTTL` seconds
(120 by default) in case it reconnects, and drops it at the next connection after that, so the
benchmark waits out the TTL and then opens the home page in a new tab, as the next student
would. The server's resident memory (VmRSS) is printed after each step; the last line is
`after_first_training_mb=… after_sessions_mb=… after_expiry_mb=… growth_mb=…`, where
growth is the level after the sessions expired minus the level after the first training.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from devtools.served_app import (  # noqa: E402
    launch_chromium,
    resident_mb,
    served_app_process,
    start_small_cifar_training,
    wait_for_app,
)


def train_and_inspect(browser, url: str) -> None:
    """One student: train 1 epoch on 1,000 images, inspect the model, close the tab."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    start_small_cifar_training(page, url, epochs=1)
    page.get_by_text(re.compile(r"^1 epoch; seconds per epoch")).wait_for()
    page.get_by_role("tab", name="Inspect").click()
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Model").get_by_text("my model", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Your model classifies each test image once.").wait_for()
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page showed an exception")
    context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--session-ttl", type=int, default=120, help="Streamlit's server.disconnectedSessionTTL")
    args = parser.parse_args()
    env = {**os.environ, "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.session_ttl)}
    with served_app_process(env=env) as (url, server), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        print(f"server started: {resident_mb(server.pid):.0f} MB", flush=True)
        levels = []
        for session in range(1, args.sessions + 1):
            start = time.perf_counter()
            train_and_inspect(browser, url)
            levels.append(resident_mb(server.pid))
            print(
                f"session {session} trained, inspected, closed ({time.perf_counter() - start:.0f} s): {levels[-1]:.0f} MB",
                flush=True,
            )
        wait = args.session_ttl + 15
        print(f"waiting {wait} s for Streamlit to expire the closed sessions…", flush=True)
        time.sleep(wait)
        newcomer = browser.new_page()
        newcomer.goto(url)  # a new connection: Streamlit drops expired sessions when it stores one
        wait_for_app(newcomer)
        newcomer.close()
        time.sleep(10)
        after = resident_mb(server.pid)
        print(
            f"after_first_training_mb={levels[0]:.0f} after_sessions_mb={levels[-1]:.0f} "
            f"after_expiry_mb={after:.0f} growth_mb={after - levels[0]:.0f}"
        )


if __name__ == "__main__":
    main()
