"""How well the captcha readers read text drawn with a mouse on the page's canvas, in a real browser.

These drawings are made differently from the synthetic ones the reader was trained on
(`core/captcha/handwriting.py`), by two hands of `devtools/canvas_drawing.py`, each with its own set of
letter shapes designed separately from the training's: a steady hand (a closed 4, a crossed 7,
a flat-topped 3, a 9-like g, one-stroke b, d, m, n, p …) and other hands (pointed arches,
angular curves, cursive loops, an open 4; slanted either way, uneven sizes and baselines,
shakier, often joined up). Playwright's mouse moves over the real canvas in Chromium, so that
Fabric.js smooths and paints the strokes, at several pen widths set with the page's slider.
The reading is taken from the page itself, as a student sees it.

    python benchmarks/drawn_text.py --samples 60 --hands steady,others --save

Prints one line per drawing and then `exact_match=… cer=… n=…` for each model; `--save`
writes the figures to assets/benchmarks/drawn_text.json, which the README quotes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.captcha.reader import ALPHABET, character_error_rate  # noqa: E402
from core.shared.assets import DRAWN_TEXT_RESULTS  # noqa: E402
from devtools.canvas_drawing import (  # noqa: E402
    HANDS,
    Hand,
    clear_canvas,
    draw_strokes,
    mouse_strokes,
    set_pen_width,
    settled_reading,
)
from devtools.served_app import launch_chromium, served_app, wait_for_app  # noqa: E402

HAND_WORDS = {
    "steady": "a steady hand (letter shapes unlike the training ones)",
    "others": "other hands (another set of shapes, slanted, uneven, shaky, often joined up)",
}


def measure(url: str, model_label: str, hand: Hand, texts: list[str], pens: list[int], seed: int) -> dict:
    """Draw each text (with the pen width of the same place in `pens`) on the page with `model_label` chosen."""
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(seed)
    readings = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
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
            draw_strokes(page, mouse_strokes(text, rng, hand))
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
    parser.add_argument("--hands", default="steady,others", help=f"of {', '.join(HANDS)}")
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    texts = ["".join(rng.choice(list(ALPHABET), size=5)) for _ in range(args.samples)]
    pens = [int(p) for p in args.pens.split(",")]
    block = max(1, args.samples // len(pens))
    pens_in_blocks = [pens[min(i // block, len(pens) - 1)] for i in range(args.samples)]
    hands = {}
    with served_app() as url:
        for hand in args.hands.split(","):
            results = {}
            for label in args.models.split(","):
                results[label] = measure(url, label, HANDS[hand], texts, pens_in_blocks, args.seed)
                figures = results[label]
                print(
                    f"{hand} hand, {label}: exact_match={figures['exact_match']:.4f} cer={figures['cer']:.4f} n={len(texts)}"
                )
            hands[hand] = {
                "drawings": f"{args.samples} random 5-character texts drawn with the mouse by {HAND_WORDS[hand]}",
                "results": results,
            }
    if args.save:
        command = f"python benchmarks/drawn_text.py --samples {args.samples} --seed {args.seed} --pens {args.pens} --hands {args.hands} --save"
        pens_words = f"pens {args.pens.replace(',', ', ')} pixels wide on a 600-pixel canvas"
        DRAWN_TEXT_RESULTS.write_text(
            json.dumps({"command": command, "pens": pens_words, "hands": hands}, indent=1) + "\n"
        )


if __name__ == "__main__":
    main()
