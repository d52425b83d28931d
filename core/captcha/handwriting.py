"""Synthetic hand-drawn text in the captcha alphabet, to teach the captcha reader mouse strokes.

A model trained only on captcha_images_v2 has never seen a thin black line on white: it reads
a drawing as noise. Here every character is a few pen strokes (polylines in a box one unit
high: 0 is the top of a tall character, 0.45 the top of a small letter, 1 the baseline and
1.35 the bottom of a descender). `render_text` draws a text with a randomly wobbling hand,
slant, size, spacing and pen width on a white 600 × 150 canvas, like the page's canvas, so
that the training pictures go through exactly the preprocessing a drawing does.

Example:
    >>> picture = render_text("b3dx7", np.random.default_rng(0))
    >>> picture.size
    (600, 150)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from core.captcha.reader import ALPHABET, CHARACTERS, preprocess

CANVAS_WIDTH, CANVAS_HEIGHT = 600, 150  # the page's canvas: the captchas' 200 × 50, three times larger
MAX_LABEL_LENGTH = 6  # drawn texts have 3 to 6 characters; captchas 5

Stroke = list[tuple[float, float]]


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, points: int = 14) -> Stroke:
    """Points of an elliptic arc; angles in degrees with y pointing down (-90 is the top, 90 the bottom)."""
    angles = np.radians(np.linspace(start, end, points))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


Glyph = tuple[float, list[Stroke]]  # advance width, strokes


def _glyphs() -> dict[str, list[Glyph]]:
    """Each character's shapes. Digits and b, d, f are tall; g, p, y descend.

    People write some characters in more than one way; those have a second shape (a 6 with a
    straight stem, a y shaped like a u with a tail), added after the first measurement on
    mouse drawings showed such shapes read as 8 and g.
    """
    bowl = arc(0.5, 0.72, 0.3, 0.27, 0, 360, 20)  # the round part of b, d, g, p
    first: dict[str, Glyph] = {
        "2": (0.9, [arc(0.45, 0.3, 0.32, 0.27, -165, 20) + [(0.08, 1.0), (0.85, 1.0)]]),
        "3": (0.85, [arc(0.42, 0.27, 0.3, 0.23, -150, 90) + arc(0.42, 0.73, 0.34, 0.27, -90, 150)]),
        "4": (0.95, [[(0.6, 0.0), (0.05, 0.68), (0.9, 0.68)], [(0.65, 0.3), (0.65, 1.0)]]),
        "5": (0.85, [[(0.8, 0.0), (0.2, 0.0), (0.15, 0.45)] + arc(0.45, 0.7, 0.35, 0.3, -120, 150)]),
        "6": (0.85, [arc(0.5, 0.6, 0.4, 0.6, -80, -180, 8) + arc(0.45, 0.72, 0.35, 0.28, 180, 540, 20)]),
        "7": (0.85, [[(0.05, 0.0), (0.85, 0.0), (0.3, 1.0)]]),
        "8": (0.85, [arc(0.42, 0.25, 0.27, 0.24, 0, 360, 18), arc(0.42, 0.73, 0.33, 0.27, 0, 360, 18)]),
        "b": (0.85, [[(0.2, 0.0), (0.2, 1.0)], arc(0.45, 0.72, 0.3, 0.27, 0, 360, 20)]),
        "c": (0.75, [arc(0.45, 0.72, 0.33, 0.27, -40, -320, 16)]),
        "d": (0.85, [bowl, [(0.8, 0.0), (0.8, 1.0)]]),
        "e": (0.8, [[(0.12, 0.72), (0.78, 0.72)] + arc(0.45, 0.72, 0.33, 0.27, 0, -310, 16)]),
        "f": (0.7, [arc(0.6, 0.15, 0.22, 0.15, -10, -180, 8) + [(0.38, 1.0)], [(0.12, 0.45), (0.68, 0.45)]]),
        "g": (0.85, [bowl, [(0.8, 0.45), (0.8, 1.15)] + arc(0.5, 1.15, 0.3, 0.2, 0, 160, 8)]),
        "m": (1.3, [[(0.1, 1.0), (0.1, 0.45)] + arc(0.35, 0.62, 0.25, 0.17, 180, 360, 8) + [(0.6, 1.0)],
                    arc(0.85, 0.62, 0.25, 0.17, 180, 360, 8) + [(1.1, 1.0)]]),
        "n": (0.85, [[(0.12, 1.0), (0.12, 0.45)] + arc(0.45, 0.62, 0.33, 0.17, 180, 360, 8) + [(0.78, 1.0)]]),
        "p": (0.85, [[(0.2, 0.45), (0.2, 1.35)], arc(0.5, 0.72, 0.3, 0.27, 0, 360, 20)]),
        "w": (1.2, [[(0.0, 0.45), (0.25, 1.0), (0.55, 0.6), (0.85, 1.0), (1.1, 0.45)]]),
        "x": (0.8, [[(0.08, 0.45), (0.75, 1.0)], [(0.75, 0.45), (0.08, 1.0)]]),
        "y": (0.8, [[(0.08, 0.45), (0.45, 0.95)], [(0.8, 0.45), (0.3, 1.35)]]),
    }  # fmt: skip
    second: dict[str, Glyph] = {
        "6": (0.85, [[(0.75, 0.0), (0.45, 0.28), (0.22, 0.62)] + arc(0.48, 0.74, 0.3, 0.26, 190, 550, 20)]),
        "y": (0.75, [[(0.1, 0.45), (0.1, 0.75)] + arc(0.34, 0.75, 0.24, 0.2, 180, 0, 10)
                     + [(0.58, 0.45), (0.58, 1.2)] + arc(0.36, 1.2, 0.22, 0.15, 0, 150, 6)]),
    }  # fmt: skip
    # More ways people write them, added when drawings by other hands were read badly: one-stroke letters
    # (the pen never lifts), pointed and rounded arches, loops, open and closed 4s, crossed 7s, a looped y and g.
    more: dict[str, list[Glyph]] = {
        "2": [(0.9, [arc(0.42, 0.3, 0.3, 0.28, -160, 40) + [(0.1, 0.95)] + arc(0.2, 0.88, 0.1, 0.1, 90, 300, 6)
                     + [(0.88, 0.97)]]),
              (0.85, [[(0.08, 0.1), (0.7, 0.06), (0.1, 0.98), (0.85, 0.96)]])],
        "3": [(0.85, [arc(0.4, 0.25, 0.32, 0.22, -170, 80) + [(0.3, 0.5)] + arc(0.4, 0.74, 0.34, 0.25, -80, 170)])],
        "4": [(0.9, [[(0.2, 0.0), (0.15, 0.6), (0.88, 0.6)], [(0.7, 0.15), (0.7, 1.0)]]),
              (0.9, [[(0.7, 1.0), (0.72, 0.0), (0.08, 0.7), (0.92, 0.7)]])],
        "5": [(0.85, [[(0.25, 0.02), (0.2, 0.45), (0.5, 0.4), (0.78, 0.6), (0.72, 0.9), (0.4, 1.0), (0.1, 0.9)],
                      [(0.25, 0.02), (0.8, 0.02)]])],
        "7": [(0.85, [[(0.05, 0.0), (0.85, 0.0), (0.35, 1.0)], [(0.25, 0.5), (0.75, 0.5)]]),
              (0.85, [[(0.1, 0.1), (0.05, 0.0), (0.85, 0.02), (0.6, 0.45), (0.48, 1.0)]])],
        "8": [(0.85, [[(0.75, 0.1), (0.45, 0.0), (0.15, 0.2), (0.75, 0.75), (0.45, 1.0), (0.12, 0.78), (0.75, 0.2)]]),
              (0.85, [arc(0.45, 0.26, 0.28, 0.24, 90, 450, 16) + arc(0.45, 0.74, 0.32, 0.26, -90, 270, 16)])],
        "b": [(0.85, [[(0.2, 0.0), (0.2, 1.0), (0.2, 0.7)] + arc(0.47, 0.74, 0.28, 0.26, 180, 520, 16)])],
        "c": [(0.75, [[(0.7, 0.52), (0.3, 0.46), (0.1, 0.72), (0.3, 1.0), (0.72, 0.96)]])],
        "d": [(0.85, [arc(0.45, 0.72, 0.3, 0.27, -10, -370, 18) + [(0.78, 0.0), (0.78, 1.0)]]),
              (0.9, [arc(0.42, 0.74, 0.3, 0.25, 0, -360, 16) + [(0.72, 0.0), (0.74, 0.92), (0.9, 1.0)]])],
        "e": [(0.8, [[(0.1, 0.78), (0.65, 0.65), (0.5, 0.46), (0.22, 0.5), (0.08, 0.78), (0.3, 1.0), (0.75, 0.95)]])],
        "f": [(0.7, [arc(0.6, 0.2, 0.2, 0.2, 0, -180, 8) + [(0.38, 1.3)], [(0.1, 0.5), (0.7, 0.5)]])],
        "g": [(0.85, [bowl, [(0.8, 0.45), (0.8, 1.2)] + arc(0.55, 1.15, 0.25, 0.2, 30, 200, 8) + [(0.8, 1.0)]]),
              (0.85, [arc(0.45, 0.68, 0.3, 0.22, 0, -360, 16) + [(0.75, 0.68), (0.72, 1.3), (0.3, 1.3)]])],
        "m": [(1.25, [[(0.08, 0.45), (0.08, 1.0), (0.08, 0.55), (0.32, 0.45), (0.52, 0.6), (0.52, 1.0), (0.52, 0.6),
                       (0.78, 0.45), (0.98, 0.6), (1.0, 1.0)]]),
              (1.3, [[(0.1, 0.45), (0.1, 1.0), (0.1, 0.65)] + arc(0.35, 0.62, 0.25, 0.17, 180, 360, 8)
                     + [(0.6, 1.0), (0.6, 0.65)] + arc(0.85, 0.62, 0.25, 0.17, 180, 360, 8) + [(1.1, 1.0)]])],
        "n": [(0.85, [[(0.1, 0.45), (0.1, 1.0), (0.1, 0.6), (0.42, 0.45), (0.72, 0.6), (0.75, 1.0)]]),
              (0.85, [[(0.12, 0.45), (0.12, 1.0), (0.12, 0.65)] + arc(0.45, 0.64, 0.33, 0.19, 180, 360, 8)
                      + [(0.78, 1.0)]])],
        "p": [(0.85, [[(0.2, 1.35), (0.2, 0.45), (0.2, 0.55)] + arc(0.47, 0.72, 0.28, 0.26, -120, 200, 16)])],
        "w": [(1.1, [arc(0.25, 0.45, 0.23, 0.55, 180, 0, 10) + arc(0.72, 0.45, 0.23, 0.55, 180, 0, 10)[1:]]),
              (1.2, [[(0.0, 0.45), (0.3, 1.0), (0.55, 0.45), (0.8, 1.0), (1.1, 0.45)]])],
        "x": [(0.85, [arc(0.05, 0.72, 0.3, 0.28, -60, 60, 8), arc(0.8, 0.72, 0.3, 0.28, 120, 240, 8)])],
        "y": [(0.8, [[(0.08, 0.45), (0.12, 0.85), (0.4, 0.98), (0.68, 0.82), (0.68, 0.45), (0.66, 1.25)]
                     + arc(0.48, 1.2, 0.18, 0.18, 30, 300, 8) + [(0.8, 1.0)]])],
    }  # fmt: skip
    return {
        char: [glyph] + ([second[char]] if char in second else []) + more.get(char, []) for char, glyph in first.items()
    }


GLYPHS = _glyphs()


def random_text(rng: np.random.Generator, lengths: tuple[int, int] = (3, MAX_LABEL_LENGTH)) -> str:
    """A random string of the alphabet, `lengths[0]` to `lengths[1]` characters long."""
    length = int(rng.integers(lengths[0], lengths[1] + 1))
    return "".join(rng.choice(list(ALPHABET), size=length))


def text_problem(text: str) -> str | None:
    """Why `text` cannot be drawn for the reader (a sentence for the student), or None when it can.

    Example:
        >>> text_problem("b3dx7") is None, text_problem("hello")
        (True, 'The reader knows only these characters: 2345678bcdefgmnpwxy. Not in them: h, l, o.')
    """
    if not 1 <= len(text) <= MAX_LABEL_LENGTH:
        return f"Type 1 to {MAX_LABEL_LENGTH} characters."
    unknown = sorted(set(text) - set(ALPHABET))
    if unknown:
        return f"The reader knows only these characters: {ALPHABET}. Not in them: {', '.join(unknown)}."
    return None


def _wobble(points: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """Move a stroke's points by a smooth random offset, as an unsteady hand does."""
    count = len(points)
    anchors = rng.normal(0.0, amount, size=(4, 2))
    positions = np.linspace(0, 3, count)
    offsets = np.stack([np.interp(positions, np.arange(4), anchors[:, axis]) for axis in range(2)], axis=1)
    return points + offsets + rng.normal(0.0, amount * 0.15, size=points.shape)


def _angular(points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A curve drawn as a few straight segments, as an angular hand draws it."""
    if len(points) <= 6:  # already a few segments: a c of five points would become a <
        return points
    count = int(rng.integers(len(points) // 4 + 2, len(points) // 2 + 3))
    corners = np.unique(np.linspace(0, len(points) - 1, count).round().astype(int))
    return points[corners]


def _shaky(points: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """A stroke cut into short steps, each nudged: the quick tremor of a mouse held unsteadily."""
    if amount == 0 or len(points) < 2:
        return points
    steps = max(2, int(np.sum(np.linalg.norm(np.diff(points, axis=0), axis=1)) / 0.06))
    where = np.linspace(0, len(points) - 1, steps)
    dense = np.stack([np.interp(where, np.arange(len(points)), points[:, axis]) for axis in range(2)], axis=1)
    return dense + rng.normal(0.0, amount, size=dense.shape)


def _starts_left(glyph: list[Stroke], advance: float) -> bool:
    return glyph[0][0][0] <= 0.35 * advance


@dataclass(frozen=True)
class Hand:
    """How one writer draws a whole text: drawn once per text, so that a text is consistent in itself."""

    height: float  # pixels from the top of a tall character to the baseline
    slant: float  # shear: negative leans right, as most hands do
    spacing: float  # gap between characters, in character heights
    wobble: float  # slow drift of a stroke from its shape
    shake: float  # quick tremor along a stroke
    angular: bool  # curves drawn as a few straight segments
    joining: float  # chance that the pen stays down from one character into the next
    size_spread: float  # how much each character's size varies
    baseline_spread: float  # how far each character sits above or below the line

    @classmethod
    def random(cls, rng: np.random.Generator) -> Hand:
        return cls(
            height=rng.uniform(40, 95),
            slant=rng.uniform(-0.4, 0.3),
            spacing=rng.uniform(0.0, 0.45),
            wobble=rng.uniform(0.0, 0.06),
            shake=rng.choice([0.0, rng.uniform(0.002, 0.012)]),
            angular=bool(rng.random() < 0.2),
            joining=rng.choice([0.0, rng.uniform(0.2, 0.8)]),
            size_spread=rng.uniform(0.0, 0.2),
            baseline_spread=rng.uniform(0.0, 0.1),
        )


def text_strokes(text: str, rng: np.random.Generator) -> tuple[list[np.ndarray], float]:
    """The pen strokes of `text` in canvas pixels, each (points, 2) as x, y, drawn by a random hand.

    Returns:
        The strokes and the height of a tall character in pixels.
    """
    hand = Hand.random(rng)
    strokes: list[np.ndarray] = []
    cursor, pen_down = 0.0, False
    for char in text:
        shapes = GLYPHS[char]
        advance, glyph = shapes[int(rng.integers(len(shapes)))]
        scale = rng.uniform(1 - hand.size_spread, 1 + hand.size_spread) * rng.uniform(0.9, 1.1)
        angle = np.radians(rng.normal(0, 4))
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        lift = rng.uniform(-hand.baseline_spread, hand.baseline_spread) + rng.normal(0, 0.03)
        for index, stroke in enumerate(glyph):
            shape = _angular(np.array(stroke), rng) if hand.angular else np.array(stroke)
            points = _wobble(shape * scale, hand.wobble, rng) @ rotation.T
            points[:, 1] += (1 - scale) + lift  # a smaller character keeps its baseline
            points[:, 0] += cursor - hand.slant * (points[:, 1] - 1.0)
            points = _shaky(points, hand.shake, rng)
            if pen_down and index == 0 and _starts_left(glyph, advance):
                strokes[-1] = np.concatenate([strokes[-1], points])  # joined up: one stroke into the next letter
            else:
                strokes.append(points)
        # A hand joins a letter that ends on its right to one that starts on its left; the pen never crosses back.
        pen_down = glyph[-1][-1][0] >= 0.5 * advance and rng.random() < hand.joining
        cursor += advance * scale + hand.spacing
    # Fit the text into the canvas with a margin, then place it anywhere that keeps it whole.
    ink = np.concatenate(strokes)
    (x0, y0), (x1, y1) = ink.min(axis=0), ink.max(axis=0)
    scale = min(hand.height, (CANVAS_WIDTH - 40) / (x1 - x0), (CANVAS_HEIGHT - 20) / (y1 - y0))
    left = rng.uniform(20, max(20.0, CANVAS_WIDTH - 20 - (x1 - x0) * scale)) - x0 * scale
    top = rng.uniform(10, max(10.0, CANVAS_HEIGHT - 10 - (y1 - y0) * scale)) - y0 * scale
    return [np.column_stack([left + s[:, 0] * scale, top + s[:, 1] * scale]) for s in strokes], scale


def render_text(text: str, rng: np.random.Generator) -> Image.Image:
    """`text` drawn in black with a round pen of random width on a white canvas."""
    picture = Image.new("L", (CANVAS_WIDTH, CANVAS_HEIGHT), 255)
    draw = ImageDraw.Draw(picture)
    strokes, height = text_strokes(text, rng)
    pen = int(rng.integers(3, max(4, min(24, int(height * 0.22)))))  # thicker would fill small loops
    for stroke in strokes:
        points = [tuple(p) for p in stroke]
        draw.line(points, fill=0, width=pen, joint="curve")
        for x, y in (points[0], points[-1]):  # round pen ends, as the canvas draws them
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=0)
    if rng.random() < 0.3:
        picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.0)))
    return picture.convert("RGB")


def pad_labels(labels: np.ndarray, length: int = MAX_LABEL_LENGTH) -> np.ndarray:
    """(n, k) class indices → (n, length), padded with the blank (the CTC loss counts only non-blanks)."""
    padded = np.zeros((len(labels), length), dtype=np.int32)
    padded[:, : labels.shape[1]] = labels
    return padded


def synthetic_batch(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """`count` drawn texts as network inputs (count, 200, 50, 1), padded labels (count, 6) and the texts."""
    texts = [random_text(rng) for _ in range(count)]
    images = np.stack([preprocess(render_text(text, rng)) for text in texts])
    labels = np.stack([pad_labels(np.array([CHARACTERS.encode(text)]))[0] for text in texts])
    return images, labels, texts
