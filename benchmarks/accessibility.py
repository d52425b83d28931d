"""axe-core's WCAG 2.0/2.1/2.2 A and AA violations on every page and every tab, counted by impact.

Chromium at 1400 × 900 on a freshly started server; each page is opened at its own address and each of its
tabs clicked in turn. Streamlit's own sidebar navigation is counted apart (docs/accessibility.md).

    python benchmarks/accessibility.py [--pages home,lstm] [--details] [--save]

`--save` writes `assets/benchmarks/accessibility.json`, whose figures the README quotes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app_pages import registry  # noqa: E402
from devtools.accessibility import audit, counts, each_tab  # noqa: E402
from devtools.served_app import launch_chromium, served_app, wait_for_app  # noqa: E402

RESULTS = PROJECT_ROOT / "assets" / "benchmarks" / "accessibility.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", help="comma-separated addresses (default: every page)")
    parser.add_argument("--details", action="store_true", help="print every violation of the app's own content")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(PROJECT_ROOT)}")
    args = parser.parse_args()
    addresses = args.pages.split(",") if args.pages else [entry.address for entry in registry.PAGES]
    from playwright.sync_api import sync_playwright

    by_view: dict[str, dict[str, int]] = {}
    total: Counter = Counter()
    with tempfile.TemporaryDirectory() as log_dir, served_app(log=Path(log_dir) / "server.log") as url:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(120_000)
            for address in addresses:
                page.goto(f"{url}/{address}")
                wait_for_app(page)
                for tab in each_tab(page):
                    found = audit(page)
                    view = f"{address or 'home'}{f' › {tab}' if tab else ''}"
                    by_view[view] = dict(counts(found))
                    total.update(counts(found))
                    print(f"{view:45} {dict(counts(found))}", flush=True)
                    if args.details:
                        for violation in found:
                            if not violation.streamlit_own:
                                print("   ", violation)
            browser.close()
    print("all views:", dict(total))
    if args.save:
        RESULTS.write_text(json.dumps({"views": by_view, "total": dict(total)}, indent=1) + "\n")


if __name__ == "__main__":
    main()
