"""Milliseconds a student waits after pressing a key on a page's control, until the page has redrawn.

What a student feels is the whole trip: key press → websocket → script rerun → the browser redrawing
every changed element and chart. Measured in Chromium (1400 × 900): a MutationObserver notes the time of
every DOM change; a press's latency runs from its `keydown` to the page's last DOM change before 600 ms
with none. For each control: open its page (and tab) on a warm server, press its two keys in turn (up,
down, up, …: a student nudging a setting back and forth) twice to warm up, then `--presses` times; the
median is reported, with the largest and the server's wall time for the rerun (from the run log;
a rerun of a fragment alone is not logged and shows as "—").

    python benchmarks/interaction_latency.py [--presses 7] [--pages convolution,forecasting] [--save]

`--save` writes `assets/benchmarks/interaction_latency.json`, whose figures the README quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app_pages import registry  # noqa: E402
from devtools.served_app import launch_chromium, served_app, served_app_process, wait_for_app  # noqa: E402

RESULTS = PROJECT_ROOT / "assets" / "benchmarks" / "interaction_latency.json"
QUIET_MS = 600  # a press has been answered once the page has not changed for this long


@dataclass(frozen=True)
class Control:
    """One control a student moves with the keyboard: where it is and the two keys that move it back and forth."""

    page: str  # the registry's address
    label: str  # its accessible name, as the page labels it
    role: str  # ARIA role: spinbutton (number input), slider, switch (toggle), radio
    tab: str | None = None  # the tab that holds it, where the page has tabs
    keys: tuple[str, str] = ("ArrowUp", "ArrowDown")


UP_DOWN, RIGHT_LEFT, SPACE = ("ArrowUp", "ArrowDown"), ("ArrowRight", "ArrowLeft"), ("Space", "Space")
# Every topic page's main controls, tab by tab (Check yourself, a text field, is left out).
CONTROLS = (
    Control("convolution", "Filter size f", "spinbutton"),
    Control("convolution", "Stride s", "spinbutton"),
    Control("convolution", "Number of filters K", "spinbutton"),
    Control("convolution", "Output cell (row by row)", "slider", keys=RIGHT_LEFT),
    Control("cifar10", "Test image", "spinbutton", tab="Data"),
    Control("cifar10", "Dropout", "slider", tab="Model", keys=RIGHT_LEFT),
    Control("cifar10", "Epochs", "spinbutton", tab="Train"),
    Control("cifar10", "Test image", "spinbutton", tab="Inspect"),
    Control("cifar10", "RandomTranslation: shift", "slider", tab="Augmentation", keys=RIGHT_LEFT),
    Control("lstm", "Units U", "spinbutton", tab="return_sequences / return_state"),
    Control("lstm", "return_sequences", "switch", tab="return_sequences / return_state", keys=SPACE),
    Control("lstm", "Time step t", "slider", tab="The cell", keys=RIGHT_LEFT),
    Control("forecasting", "Noise σ", "slider", tab="Series", keys=RIGHT_LEFT),
    Control("forecasting", "Length N", "spinbutton", tab="Series"),
    Control("forecasting", "Noise σ", "slider", tab="Windows", keys=RIGHT_LEFT),
    Control("forecasting", "look_back", "spinbutton", tab="Windows"),
    Control("forecasting", "Window start", "slider", tab="Windows", keys=RIGHT_LEFT),
    Control("forecasting", "Noise σ", "slider", tab="Train and results", keys=RIGHT_LEFT),
    Control("forecasting", "look_back", "spinbutton", tab="Train and results"),
    Control("forecasting", "LSTM units", "spinbutton", tab="Train and results"),
    Control("ctc", "Time steps T", "slider", tab="Alignments", keys=RIGHT_LEFT),
    Control("ctc", "Seed", "spinbutton", tab="Forward algorithm"),
    Control("ctc", "Beam width", "slider", tab="Decoding", keys=RIGHT_LEFT),
    Control("captcha", "Beam width", "slider", tab="Read a captcha", keys=RIGHT_LEFT),
    Control("speech", "Beam width", "slider", tab="Talk to it", keys=RIGHT_LEFT),
    Control("speech", "Hop (samples)", "slider", tab="Sounds", keys=RIGHT_LEFT),
    Control("speech", "Digits", "slider", tab="Sounds", keys=RIGHT_LEFT),
)

# Streamlit's own floor on the same machine: a number input, a slider and a line of text, and with `?chart=1`
# one 64 × 64 plotly heatmap that changes with them. The pages are measured against it.
FLOOR_APP = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st

number = st.number_input("Number", 0, 100, 5)
slide = st.slider("Slide", 0, 100, 5)
st.write(f"number {number}, slider {slide}")
if st.query_params.get("chart"):
    values = np.random.default_rng(number + 1000 * slide).random((64, 64))
    st.plotly_chart(go.Figure(go.Heatmap(z=values)), key="heatmap")
"""
FLOOR_CONTROLS = (
    Control("floor", "Number", "spinbutton"),
    Control("floor", "Slide", "slider", keys=RIGHT_LEFT),
    Control("floor", "Number", "spinbutton", tab="chart"),
    Control("floor", "Slide", "slider", tab="chart", keys=RIGHT_LEFT),
)

# Notes the time of the last DOM change and of the last key press, in the page's own clock.
OBSERVE_JS = """() => {
  window.__lastChange = performance.now(); window.__keyDown = null;
  new MutationObserver(() => { window.__lastChange = performance.now(); })
    .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('keydown', () => { window.__keyDown = performance.now(); }, true);
}"""
# Quiet counts from the press or the last change after it, whichever came later.
ANSWERED_JS = (
    "() => window.__keyDown !== null && "
    f"performance.now() - Math.max(window.__lastChange, window.__keyDown) > {QUIET_MS}"
)


def page_address(url: str, control: Control) -> str:
    if control.page == "floor":
        return f"{url}/?chart=1" if control.tab == "chart" else url
    entry = registry.page_at(control.page)
    if control.tab is None:
        return f"{url}/{entry.address}"
    if entry.tab_key is None:
        raise ValueError(
            f"page {control.page!r} has no tabs, but the control {control.label!r} names tab {control.tab!r}"
        )
    return f"{url}/{entry.address}?{entry.tab_key}={control.tab.replace(' ', '+')}"


def press_ms(page, locator, key: str) -> float:
    """Press `key` on `locator`; milliseconds from the key going down to the page's last change."""
    page.evaluate("() => { window.__keyDown = null; }")
    locator.press(key)
    page.wait_for_function(ANSWERED_JS, polling=50, timeout=60_000)
    latency = page.evaluate("() => window.__lastChange - window.__keyDown")
    if latency < 0:
        raise RuntimeError(f"pressing {key} changed nothing on the page within {QUIET_MS} ms")
    return latency


def script_bucket(url: str) -> str:
    """Which part of the front end a script is: plotly.js (Streamlit bundles it with its chart element), the rest."""
    name = url.rsplit("/", 1)[-1]
    if name.startswith("PlotlyChart."):
        return "plotly"
    return "streamlit" if name.endswith(".js") else "browser"


def profiled_press(page, locator, key: str) -> dict:
    """One more press, watched through the DevTools protocol: bytes received and JavaScript time by part.

    JavaScript time comes from V8's sampling profiler (self time of each sample's function, grouped by script);
    what is left of the press's latency is the browser's own work: style, layout, paint, and waiting.
    """
    client = page.context.new_cdp_session(page)
    received: list[int] = []
    client.on("Network.webSocketFrameReceived", lambda event: received.append(len(event["response"]["payloadData"])))
    client.send("Network.enable")
    client.send("Profiler.enable")
    client.send("Profiler.setSamplingInterval", {"interval": 200})
    client.send("Profiler.start")
    latency = press_ms(page, locator, key)
    profile = client.send("Profiler.stop")["profile"]
    client.detach()
    by_node = {node["id"]: node for node in profile["nodes"]}
    milliseconds: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = by_node[sample]["callFrame"]
        if frame["functionName"] in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            bucket = frame["functionName"].strip("()")
        else:
            bucket = script_bucket(frame["url"])
        milliseconds[bucket] = milliseconds.get(bucket, 0.0) + delta / 1000
    return {
        "latency_ms": round(latency),
        # Binary frames come base64-encoded: 3 bytes in every 4 characters.
        "received_kb": round(sum(received) * 3 / 4 / 1024, 1),
        "javascript_ms": {name: round(value) for name, value in sorted(milliseconds.items()) if name != "idle"},
    }


def server_wall_s(run_log: Path, since: float) -> list[float]:
    """Wall seconds of the script runs the server logged after `since` (its clock)."""
    if not run_log.exists():
        return []
    runs = [json.loads(line) for line in run_log.read_text().splitlines()]
    return [run["wall_s"] for run in runs if run["time"] >= since]


def measure(browser, url: str, control: Control, presses: int, run_log: Path, profile: bool) -> dict:
    """The control's press latencies in milliseconds and the server's time for their reruns."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(page_address(url, control))
    wait_for_app(page)
    page.evaluate(OBSERVE_JS)
    locator = page.get_by_role(control.role, name=control.label).first
    for index in range(2):  # warm up: both values seen once, their charts built and cached
        press_ms(page, locator, control.keys[index % 2])
    since = time.time()
    latencies = [press_ms(page, locator, control.keys[index % 2]) for index in range(presses)]
    server = server_wall_s(run_log, since)
    profiled = profiled_press(page, locator, control.keys[presses % 2]) if profile else None
    page.close()
    return {
        "page": control.page,
        "tab": control.tab,
        "control": control.label,
        "median_ms": round(statistics.median(latencies)),
        "max_ms": round(max(latencies)),
        "server_median_s": round(statistics.median(server), 3) if server else None,
        **({"profiled_press": profiled} if profiled else {}),
    }


def floor_rows(browser, presses: int, run_log: Path) -> list[dict]:
    """Streamlit's own floor (`FLOOR_APP`), served from a folder of its own."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "app.py").write_text(FLOOR_APP)
        with served_app_process(app_dir=Path(folder)) as (url, _):
            return [measure(browser, url, control, presses, run_log, profile=False) for control in FLOOR_CONTROLS]


def print_row(row: dict) -> None:
    server = f"{row['server_median_s']:.3f}s" if row["server_median_s"] is not None else "—"
    print(
        f"{row['page']:<12} {row['tab'] or '':<32} {row['control']:<26} {row['median_ms']:>5}ms "
        f"{row['max_ms']:>5}ms {server:>7}",
        flush=True,
    )
    if "profiled_press" in row:
        print(f"{'':<12} one press profiled: {row['profiled_press']}", flush=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=7)
    parser.add_argument("--pages", help="comma-separated page addresses; default: every page with a control here")
    parser.add_argument(
        "--profile", action="store_true", help="profile one more press of each control (bytes, JavaScript by part)"
    )
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS.relative_to(PROJECT_ROOT)}")
    args = parser.parse_args()
    chosen = set(args.pages.split(",")) if args.pages else {control.page for control in CONTROLS}
    controls = [control for control in CONTROLS if control.page in chosen]
    with tempfile.TemporaryDirectory() as folder:
        run_log = Path(folder) / "runs.jsonl"
        env = {**os.environ, "CNN_RNN_LAB_RUN_LOG": str(run_log)}
        with served_app(env=env) as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            warm = browser.new_page()
            for address in dict.fromkeys(control.page for control in controls):  # load shared data and models once
                warm.goto(f"{url}/{address}")
                wait_for_app(warm)
            warm.close()
            print(f"{'page':<12} {'tab':<32} {'control':<26} {'median':>7} {'max':>7} {'server':>7}")
            floor = floor_rows(browser, args.presses, run_log)
            for row in floor:
                print_row(row)
            rows = []
            for control in controls:
                rows.append(measure(browser, url, control, args.presses, run_log, args.profile))
                print_row(rows[-1])
            browser.close()
    if args.save:
        command = "python benchmarks/interaction_latency.py --save" + (f" --pages {args.pages}" if args.pages else "")
        results = {"command": command, "presses": args.presses, "streamlit_floor": floor, "controls": rows}
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
