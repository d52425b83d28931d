"""Text drawn with the mouse on the captcha page's canvas, in a real browser.

Letter shapes unlike the synthetic ones the reader was trained on (`core/captcha/handwriting.py`):
another set, designed separately, moved by Playwright's mouse over the real canvas so that
Fabric.js smooths and paints the strokes. Used by `benchmarks/drawn_text.py` and the browser tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.captcha.handwriting import arc
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

# A third set, written apart from both others for "other hands": pointed arches, angular curves, cursive
# loops, an open 4, a looped f and y. Neither the training nor MOUSE_GLYPHS has these shapes.
OTHER_GLYPHS: dict[str, tuple[float, list[Stroke]]] = {
    "2": (0.85, [[(0.1, 0.18), (0.35, 0.0), (0.68, 0.05), (0.72, 0.3), (0.1, 1.0), (0.82, 0.98)]]),
    "3": (0.8, [[(0.08, 0.06), (0.68, 0.04), (0.72, 0.22), (0.32, 0.47), (0.75, 0.66), (0.66, 0.94), (0.08, 0.95)]]),
    "4": (0.85, [[(0.12, 0.0), (0.1, 0.56), (0.82, 0.56)], [(0.62, 0.08), (0.64, 1.0)]]),
    "5": (0.8, [[(0.75, 0.02), (0.22, 0.03), (0.18, 0.42), (0.55, 0.4), (0.76, 0.62), (0.66, 0.92), (0.35, 1.0),
                 (0.08, 0.88)]]),
    "6": (0.8, [arc(0.62, 0.62, 0.5, 0.62, -95, -180, 8) + arc(0.42, 0.76, 0.3, 0.22, 180, 520, 16)]),
    "7": (0.85, [[(0.05, 0.02), (0.82, 0.0), (0.68, 0.25), (0.52, 0.55), (0.44, 1.0)]]),
    "8": (0.8, [[(0.72, 0.12), (0.4, 0.0), (0.12, 0.18), (0.7, 0.72), (0.45, 1.0), (0.12, 0.8), (0.68, 0.25),
                 (0.72, 0.12)]]),
    "b": (0.8, [arc(0.3, 0.2, 0.14, 0.2, 90, -200, 10) + [(0.16, 1.0), (0.2, 0.7), (0.5, 0.55), (0.72, 0.78),
                                                         (0.48, 1.0), (0.16, 0.95)]]),
    "c": (0.7, [[(0.68, 0.5), (0.28, 0.48), (0.08, 0.75), (0.28, 1.0), (0.7, 0.98)]]),
    "d": (0.85, [arc(0.38, 0.75, 0.28, 0.25, -30, -390, 16) + [(0.66, 0.62), (0.7, 0.0), (0.66, 0.9), (0.85, 1.0)]]),
    "e": (0.75, [[(0.08, 0.8), (0.6, 0.66), (0.52, 0.48), (0.28, 0.48), (0.08, 0.72), (0.3, 1.0), (0.72, 0.94)]]),
    "f": (0.65, [arc(0.45, 0.3, 0.18, 0.3, -20, -180, 8) + [(0.28, 1.3)], [(0.05, 0.5), (0.62, 0.48)]]),
    "g": (0.8, [arc(0.38, 0.68, 0.26, 0.2, -20, -380, 16) + [(0.66, 1.3)] + arc(0.45, 1.1, 0.22, 0.22, 60, 200, 6)]),
    "m": (1.15, [[(0.05, 1.0), (0.05, 0.5), (0.25, 0.44), (0.42, 0.56), (0.42, 1.0), (0.42, 0.56), (0.64, 0.44),
                  (0.8, 0.56), (0.82, 1.0)]]),
    "n": (0.8, [[(0.08, 0.45), (0.08, 1.0), (0.08, 0.6), (0.38, 0.45), (0.62, 0.58), (0.64, 1.0)]]),
    "p": (0.8, [[(0.14, 0.5), (0.16, 1.35)], [(0.16, 0.55), (0.48, 0.45), (0.68, 0.62), (0.5, 0.9), (0.16, 0.88)]]),
    "w": (0.95, [arc(0.22, 0.45, 0.2, 0.55, 180, 0, 10) + arc(0.62, 0.45, 0.2, 0.55, 180, 0, 10)[1:]]),
    "x": (0.8, [arc(0.0, 0.72, 0.32, 0.28, -70, 70, 8), arc(0.72, 0.72, 0.32, 0.28, 110, 250, 8)]),
    "y": (0.8, [[(0.08, 0.45), (0.1, 0.85), (0.35, 0.98), (0.62, 0.85), (0.62, 0.45), (0.64, 1.2), (0.45, 1.4),
                 (0.3, 1.2), (0.75, 1.05)]]),
}  # fmt: skip


@dataclass(frozen=True)
class Hand:
    """How a benchmark hand draws: which letter shapes, and how unevenly."""

    glyphs: dict[str, tuple[float, list[Stroke]]]
    size: tuple[float, float] = (60, 85)  # pixels from the top of a tall character to the baseline
    tremor: float = 1.2  # pixels: a hand is never exactly steady
    slant: tuple[float, float] = (0.0, 0.0)  # shear of the whole text (negative leans right)
    size_jitter: float = 0.0  # each character's size varies by up to this share
    baseline_jitter: float = 0.0  # each character moves up or down by up to this share of the size
    joined_chance: float = 0.0  # each pair of neighbours is joined by one stroke with this chance


STEADY_HAND = Hand(MOUSE_GLYPHS)
# Other hands: another set of shapes, slanted either way, uneven sizes and baselines, shakier, often joined up.
OTHER_HANDS = Hand(
    OTHER_GLYPHS,
    size=(50, 70),
    tremor=2.0,
    slant=(-0.3, 0.15),
    size_jitter=0.15,
    baseline_jitter=0.08,
    joined_chance=0.5,
)
HANDS = {"steady": STEADY_HAND, "others": OTHER_HANDS}

# The strokes and pen widths are designed on a 600 × 150 canvas and scaled to the page's own.
DESIGN_WIDTH, DESIGN_HEIGHT = 600, 150


def mouse_strokes(
    text: str,
    rng: np.random.Generator,
    hand: Hand = STEADY_HAND,
    width: int = DESIGN_WIDTH,
    height: int = DESIGN_HEIGHT,
) -> list[Stroke]:
    """`text` as mouse paths in design pixels, a row of letters drawn by `hand`."""
    size = rng.uniform(*hand.size)
    gap = rng.uniform(0.15, 0.35) * size
    slant = rng.uniform(*hand.slant)
    scales = 1 + rng.uniform(-hand.size_jitter, hand.size_jitter, len(text))
    lifts = rng.uniform(-hand.baseline_jitter, hand.baseline_jitter, len(text)) * size
    advances = [hand.glyphs[char][0] * size * scale for char, scale in zip(text, scales, strict=True)]
    left = max(10.0, (width - sum(advances) - gap * (len(text) - 1)) / 2 + rng.uniform(-30, 30))
    # Tall characters reach up to 0 in glyph units and descenders down to 1.4: keep both on the canvas.
    highest = float(np.min(lifts + size * (1 - scales)))
    lowest = float(np.max(lifts + size * (1 - scales) + 1.4 * size * scales))
    top = rng.uniform(4 - highest, max(4 - highest, height - 4 - lowest))
    strokes: list[Stroke] = []
    joined = False
    for position, (char, advance, scale, lift) in enumerate(zip(text, advances, scales, lifts, strict=True)):
        if position:
            joined = joined and hand.glyphs[char][1][0][0][0] <= 0.35 * hand.glyphs[char][0]
        for index, stroke in enumerate(hand.glyphs[char][1]):
            points = np.array(stroke) * size * scale
            points[:, 0] += left - slant * (points[:, 1] - size * scale)
            points[:, 1] += top + lift + size * (1 - scale)  # a smaller character keeps the baseline
            points += rng.normal(0, hand.tremor, size=points.shape)
            path = [(float(x), float(y)) for x, y in points]
            if joined and index == 0:
                strokes[-1] += path  # the pen stays down from the last character into this one
            else:
                strokes.append(path)
        # People join a letter that ends on its right to one that starts on its left: the pen does not cross back.
        ends_right = hand.glyphs[char][1][-1][-1][0] >= 0.5 * hand.glyphs[char][0]
        joined = ends_right and rng.random() < hand.joined_chance
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


def touch_strokes(page, strokes: list[Stroke]) -> None:
    """Draw each stroke (design pixels) with one finger on the page's canvas: touch events, as a phone sends them.

    Playwright's touchscreen only taps; a stroke is sent through the DevTools protocol's touch events
    (the page's context needs `has_touch`). A touch off the screen is lost: the canvas is scrolled into view
    first, and each segment is sent in three moves, as `draw_strokes` moves the mouse.
    """
    page.locator("canvas.upper-canvas").first.scroll_into_view_if_needed()
    box = canvas_box(page)
    scale = box["width"] / DESIGN_WIDTH
    session = page.context.new_cdp_session(page)

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": box["x"] + x * scale, "y": box["y"] + y * scale}]
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    for stroke in strokes:
        touch("touchStart", *stroke[0])
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:], strict=False):
            for fraction in (1 / 3, 2 / 3, 1.0):
                touch("touchMove", x0 + (x1 - x0) * fraction, y0 + (y1 - y0) * fraction)
        touch("touchEnd", *stroke[-1])
    session.detach()


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
