"""Text drawn with the mouse on the captcha page's canvas, in a real browser.

Letter shapes unlike the synthetic ones the reader was trained on (`core/handwriting.py`):
another set, designed separately, moved by Playwright's mouse over the real canvas so that
Fabric.js smooths and paints the strokes. Used by `benchmarks/drawn_text.py` and the browser tests.
"""

from __future__ import annotations

import re

import numpy as np

from core.handwriting import arc
from devtools.served_app import wait_for_app

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
