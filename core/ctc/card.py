"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from core.shared.assets import CARD_SIZE


def draw_card() -> Image.Image:
    """The trellis of "ab" (states: blank a blank b blank) over 6 steps, with one alignment drawn through it."""
    image = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(image)
    states, steps, cell = "-a-b-", 6, 44  # "-" for the blank: the default font has no ε
    left, top = 100, 25
    path = [0, 1, 1, 2, 3, 4]  # ε a a ε b ε → "ab"
    for state, symbol in enumerate(states):
        draw.text((left - 30, top + state * cell + 14), symbol, fill=(55, 71, 79))
        for step in range(steps):
            x, y = left + step * cell, top + state * cell
            fill = (194, 24, 91) if path[step] == state else (207, 216, 220)
            draw.ellipse((x + 10, y + 10, x + 30, y + 30), fill=fill)
    centres = [(left + step * cell + 20, top + state * cell + 20) for step, state in enumerate(path)]
    draw.line(centres, fill=(194, 24, 91), width=4)
    draw.text((left + steps * cell + 20, top + 2 * cell + 14), "= ab", fill=(46, 125, 50))
    return image
