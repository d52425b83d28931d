"""How well the captcha readers read text drawn with a mouse on the page's canvas, in a real browser.

These drawings are made differently from the synthetic ones the reader was trained on
(`core/handwriting.py`): another set of letter shapes, designed separately (a closed 4,
a crossed 7, a flat-topped 3, a u-shaped y, a 9-like g, one-stroke b, d, m, n, p …), moved
by Playwright's mouse over the real canvas in Chromium, so that Fabric.js smooths and paints
the strokes, at several pen widths set with the page's slider. The reading is taken from the
page itself, as a student sees it.

    python benchmarks/drawn_text.py --samples 60 --save

Prints one line per drawing and then `exact_match=… cer=… n=…` for each model; `--save`
writes the figures to assets/benchmarks/drawn_text.json, which the README quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.app_server import served_app, wait_for_app  # noqa: E402
from core.captcha import ALPHABET, character_error_rate  # noqa: E402
from core.handwriting import arc  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RESULTS = PROJECT_ROOT / "assets" / "benchmarks" / "drawn_text.json"

Stroke = list[tuple[float, float]]

# Letter shapes unlike the training ones: (advance width, strokes) in a box one unit high.
MOUSE_GLYPHS: dict[str, tuple[float, list[Stroke]]] = {
    "2": (0.9, [arc(0.48, 0.25, 0.36, 0.25, -175, 10) + [(0.12, 0.95), (0.25, 0.97), (0.88, 1.0)]]),
    "3": (0.85, [[(0.1, 0.0), (0.78, 0.0), (0.38, 0.4)] + arc(0.42, 0.7, 0.36, 0.3, -90, 160)]),
    "4": (0.9, [[(0.68, 1.0), (0.68, 0.0), (0.05, 0.65), (0.92, 0.65)]]),
    "5": (0.85, [[(0.22, 0.0), (0.17, 0.42)] + arc(0.45, 0.7, 0.36, 0.3, -125, 155), [(0.22, 0.0), (0.82, 0.0)]]),
    "6": (0.85, [[(0.72, 0.0), (0.2, 0.6)] + arc(0.47, 0.73, 0.3, 0.26, 200, 560, 20)]),
    "7": (0.9, [[(0.05, 0.05), (0.85, 0.0), (0.35, 1.0)], [(0.3, 0.52), (0.78, 0.5)]]),
    "8": (0.8, [arc(0.42, 0.25, 0.26, 0.24, 90, 450, 18) + arc(0.42, 0.74, 0.33, 0.26, -90, 270, 18)]),
    "b": (0.85, [[(0.2, 0.0), (0.2, 1.0)] + arc(0.47, 0.74, 0.28, 0.26, 170, -170, 18)]),
    "c": (0.75, [arc(0.47, 0.72, 0.32, 0.27, -60, -300, 16)]),
    "d": (0.85, [arc(0.45, 0.73, 0.3, 0.26, -20, -380, 18) + [(0.76, 0.0), (0.78, 1.0)]]),
    "e": (0.8, [[(0.1, 0.8), (0.72, 0.62)] + arc(0.43, 0.68, 0.3, 0.25, -30, -320, 16)]),
    "f": (0.65, [[(0.72, 0.08), (0.55, 0.0), (0.42, 0.08), (0.4, 1.0)], [(0.12, 0.42), (0.7, 0.42)]]),
    "g": (0.85, [arc(0.45, 0.63, 0.3, 0.2, -10, 350, 18) + [(0.75, 0.62), (0.72, 1.3), (0.35, 1.32)]]),
    "m": (1.25, [[(0.1, 0.45), (0.1, 1.0), (0.1, 0.62)] + arc(0.32, 0.62, 0.22, 0.15, 180, 360, 8)
                 + [(0.54, 1.0), (0.54, 0.62)] + arc(0.77, 0.62, 0.23, 0.15, 180, 360, 8) + [(1.0, 1.0)]]),
    "n": (0.85, [[(0.12, 0.45), (0.12, 1.0), (0.12, 0.65)] + arc(0.45, 0.64, 0.33, 0.18, 180, 360, 8) + [(0.78, 1.0)]]),
    "p": (0.85, [[(0.2, 1.35), (0.2, 0.45)] + arc(0.47, 0.7, 0.3, 0.25, -150, 160, 16)]),
    "w": (1.15, [[(0.0, 0.45), (0.15, 0.95), (0.3, 1.0), (0.5, 0.62), (0.7, 1.0), (0.85, 0.95), (1.0, 0.45)]]),
    "x": (0.85, [[(0.05, 0.48), (0.4, 0.72), (0.8, 1.0)], [(0.8, 0.45), (0.42, 0.75), (0.05, 1.0)]]),
    "y": (0.85, [[(0.1, 0.45), (0.15, 0.85), (0.4, 0.95), (0.75, 0.8)], [(0.75, 0.45), (0.7, 1.3), (0.35, 1.35)]]),
}  # fmt: skip


# The strokes and pen widths are designed on a 600 × 150 canvas and scaled to the page's own.
DESIGN_WIDTH, DESIGN_HEIGHT = 600, 150


def mouse_strokes(
    text: str, rng: np.random.Generator, width: int = DESIGN_WIDTH, height: int = DESIGN_HEIGHT
) -> list[Stroke]:
    """`text` as mouse paths in design pixels: a steady row of letters with a little tremor."""
    size = rng.uniform(60, 85)  # pixels from the top of a tall character to the baseline
    gap = rng.uniform(0.15, 0.35) * size
    top = rng.uniform(8, height - 1.4 * size - 4)
    advances = [MOUSE_GLYPHS[char][0] * size for char in text]
    left = max(10.0, (width - sum(advances) - gap * (len(text) - 1)) / 2 + rng.uniform(-30, 30))
    strokes = []
    for char, advance in zip(text, advances, strict=True):
        for stroke in MOUSE_GLYPHS[char][1]:
            points = np.array(stroke) * size + (left, top)
            points += rng.normal(0, 1.2, size=points.shape)  # a hand is never exactly steady
            strokes.append([(float(x), float(y)) for x, y in points])
        left += advance + gap
    return strokes


def canvas_box(page) -> dict:
    """Where the canvas that Fabric.js draws on is, in page pixels."""
    return page.locator("canvas.upper-canvas").first.bounding_box()


def canvas_scale(page) -> float:
    """Page canvas pixels per design pixel."""
    return canvas_box(page)["width"] / DESIGN_WIDTH


def draw_strokes(page, strokes: list[Stroke]) -> None:
    """Move the mouse along each stroke (design pixels) with the button down, over the page's canvas."""
    box = canvas_box(page)
    scale = box["width"] / DESIGN_WIDTH
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=3)
        page.mouse.up()


def reading_on_page(page) -> str:
    """The text after "Reading:" in the page's heading ('' when the model read nothing)."""
    heading = page.get_by_role("heading", name=re.compile("^Reading:")).inner_text()
    text = heading.split(":", 1)[1].strip()
    return "" if text == "(nothing)" else text


def settled_reading(page, quiet_ms: int = 1500) -> str:
    """The reading once the page has stopped rerunning.

    The canvas sends the picture after each stroke, and each sending reruns the page; the
    last stroke's rerun can start a moment after the previous one ended, so a reading
    counts only when it is the same after a quiet pause.
    """
    wait_for_app(page)
    page.get_by_role("heading", name=re.compile("^Reading:")).wait_for()
    reading = reading_on_page(page)
    while True:
        page.wait_for_timeout(quiet_ms)
        wait_for_app(page)
        again = reading_on_page(page)
        if again == reading:
            return reading
        reading = again


def clear_canvas(page) -> None:
    """Press the canvas's bin icon and wait for the page to ask for a new drawing."""
    page.get_by_title("Reset canvas & history").click()  # the bin in the canvas's toolbar
    wait_for_app(page)
    page.get_by_text("Draw something first.").wait_for()


def set_pen_width(page, width: int) -> None:
    slider = page.get_by_role("slider", name="Pen width")
    slider.focus()
    page.keyboard.press("Home")  # the slider's minimum, 2
    for _ in range(round(width * canvas_scale(page)) - 2):  # a design width, scaled to the page's canvas
        page.keyboard.press("ArrowRight")
    wait_for_app(page)


def measure(url: str, model_label: str, texts: list[str], pens: list[int], seed: int) -> dict:
    """Draw each text (with the pen width of the same place in `pens`) on the page with `model_label` chosen."""
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(seed)
    readings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)  # the home page first: a new server's first deep link shows a notice
        wait_for_app(page)
        page.goto(f"{url}/captcha")
        wait_for_app(page)
        page.get_by_role("radiogroup", name="Model").get_by_text(model_label, exact=True).click()
        wait_for_app(page)
        page.get_by_text("draw", exact=True).click()
        wait_for_app(page)
        for index, text in enumerate(texts):
            pen = pens[index]
            if index == 0 or pen != pens[index - 1]:
                set_pen_width(page, pen)
            draw_strokes(page, mouse_strokes(text, rng))
            read = settled_reading(page)
            readings.append(read)
            print(f"{model_label}: pen {pen:2d} drew {text!r:8} read {read!r}", flush=True)
            clear_canvas(page)
        browser.close()
    exact = float(np.mean([a == b for a, b in zip(texts, readings, strict=True)]))
    return {"exact_match": round(exact, 4), "cer": round(character_error_rate(texts, readings), 4), "n": len(texts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pens", default="6,10,16", help="pen widths, taken in turn in blocks")
    parser.add_argument("--models", default="pretrained: captchas + drawings,pretrained: captchas only")
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    texts = ["".join(rng.choice(list(ALPHABET), size=5)) for _ in range(args.samples)]
    pens = [int(p) for p in args.pens.split(",")]
    block = max(1, args.samples // len(pens))
    pens_in_blocks = [pens[min(i // block, len(pens) - 1)] for i in range(args.samples)]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    results = {}
    with served_app(port) as url:
        for label in args.models.split(","):
            results[label] = measure(url, label, texts, pens_in_blocks, args.seed)
            print(
                f"{label}: exact_match={results[label]['exact_match']:.4f} cer={results[label]['cer']:.4f} n={len(texts)}"
            )
    if args.save:
        RESULTS.write_text(
            json.dumps(
                {
                    "command": f"python benchmarks/drawn_text.py --samples {args.samples} --seed {args.seed} --pens {args.pens} --save",
                    "drawings": f"{args.samples} random 5-character texts drawn with the mouse on this canvas in Chromium (letter shapes unlike the training ones, pens as wide as {args.pens.replace(',', ', ')} pixels on a 600-pixel canvas)",
                    "results": results,
                },
                indent=1,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
