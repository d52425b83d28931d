"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from core.forecast.model import SeriesConfig, make_series
from core.shared.assets import CARD_SIZE


def draw_card() -> Image.Image:
    """The class's series with its split, drawn as a line chart."""
    series = make_series(SeriesConfig())
    image = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(image)
    width, height = CARD_SIZE
    low, high = float(series.noisy.min()), float(series.noisy.max())

    def point(index: int, value: float) -> tuple[float, float]:
        return 20 + index * (width - 40) / len(series.t), height - 20 - (value - low) * (height - 40) / (high - low)

    split_x = point(series.train_size, 0)[0]
    draw.rectangle((split_x, 10, width - 20, height - 10), fill=(252, 228, 236))
    draw.line([point(i, v) for i, v in enumerate(series.noisy)], fill=(144, 164, 174), width=1)
    draw.line([point(i, v) for i, v in enumerate(series.clean)], fill=(46, 125, 50), width=3)
    return image
