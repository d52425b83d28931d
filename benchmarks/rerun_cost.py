"""Server time of one rerun of each page, once its shared things are cached (AppTest, no browser).

Every widget change reruns the page's script, so this is what each click of every student costs
the server. For each page: open it (this fills the caches: data sets, pretrained models, shared
results), then time `--reruns` plain reruns and report the median and the largest.

    python benchmarks/rerun_cost.py [--reruns 5] [--pages convolution,lstm]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages import registry  # noqa: E402

PAGES = {entry.address or "home": entry.path for entry in registry.PAGES}


def rerun_seconds(page: str, reruns: int) -> list[float]:
    """Seconds of each of `reruns` reruns of `page`, after a first run that fills the caches."""
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
    app.run()
    app.switch_page(page)
    app.run()
    if app.exception:
        raise RuntimeError(f"{page} raised: {app.exception[0].message}")
    seconds = []
    for _ in range(reruns):
        start = time.perf_counter()
        app.run()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--pages", help="comma-separated page names; default: all")
    args = parser.parse_args()
    names = args.pages.split(",") if args.pages else list(PAGES)
    print(f"{'page':<12} {'median':>8} {'max':>8}")
    for name in names:
        seconds = rerun_seconds(PAGES[name], args.reruns)
        print(f"{name:<12} {statistics.median(seconds):>7.3f}s {max(seconds):>7.3f}s", flush=True)


if __name__ == "__main__":
    main()
