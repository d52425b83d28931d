"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from core.shared.assets import CARD_SIZE


def draw_card() -> Image.Image:
    """An LSTM unrolled over four time steps: inputs below, cells in a row, outputs above."""
    image = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(image)
    blue, pink, green, gray = (25, 118, 210), (194, 24, 91), (46, 125, 50), (90, 90, 90)
    for step in range(4):
        x = 60 + step * 110
        draw.rounded_rectangle((x, 110, x + 70, 160), radius=10, fill=pink)
        draw.rounded_rectangle((x + 10, 205, x + 60, 245), radius=8, fill=blue)
        draw.rounded_rectangle((x + 10, 25, x + 60, 65), radius=8, fill=green)
        draw.line((x + 35, 205, x + 35, 160), fill=gray, width=3)
        draw.line((x + 35, 110, x + 35, 65), fill=gray, width=3)
        if step:
            draw.line((x - 40, 135, x, 135), fill=gray, width=3)
            draw.polygon(((x, 135), (x - 10, 129), (x - 10, 141)), fill=gray)
    return image
