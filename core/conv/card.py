"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from core.conv.layer import ConvSpec, conv_geometry, convolve_by_hand, random_layer
from core.shared.assets import CARD_SIZE


def _grid(
    draw: ImageDraw.ImageDraw, origin: tuple[int, int], values: np.ndarray, cell: int, palette: tuple[int, int, int]
) -> None:
    low, high = float(values.min()), float(values.max())
    for (row, col), value in np.ndenumerate(values):
        shade = 0.15 + 0.85 * (value - low) / ((high - low) or 1.0)
        fill = tuple(int(255 - shade * (255 - c)) for c in palette)
        x0, y0 = origin[0] + col * cell, origin[1] + row * cell
        draw.rectangle((x0, y0, x0 + cell, y0 + cell), fill=fill, outline=(255, 255, 255), width=2)


def draw_card() -> Image.Image:
    """A 6×6 input with the 3×3 window at one position, and the 4×4 output it fills."""
    spec = ConvSpec(6, 6, 1, 3, 1, 0, 1)
    x, kernels, bias = random_layer(spec, seed=3)
    output = convolve_by_hand(x, kernels, bias, conv_geometry(spec))
    image = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(image)
    cell = 34
    _grid(draw, (24, 33), x[..., 0], cell, (25, 118, 210))
    draw.rectangle((24 + cell, 33 + cell, 24 + 4 * cell, 33 + 4 * cell), outline=(194, 24, 91), width=5)
    _grid(draw, (320, 67), output[..., 0], cell, (46, 125, 50))
    draw.rectangle((320 + cell, 67 + cell, 320 + 2 * cell, 67 + 2 * cell), outline=(194, 24, 91), width=5)
    draw.line((24 + 4 * cell, 33 + 2.5 * cell, 320 + cell, 67 + 1.5 * cell), fill=(194, 24, 91), width=3)
    return image
