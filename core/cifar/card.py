"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

from PIL import Image

from core.shared.assets import CARD_SIZE, SAMPLES


def draw_card() -> Image.Image:
    """The ten shipped CIFAR-10 samples, one per class, in two rows."""
    samples = sorted((SAMPLES / "cifar10").glob("*.png"))
    image = Image.new("RGB", CARD_SIZE, "white")
    for index, path in enumerate(samples[:10]):
        row, column = divmod(index, 5)
        with Image.open(path) as sample:
            image.paste(
                sample.convert("RGB").resize((84, 84), Image.Resampling.NEAREST), (17 + column * 92, 40 + row * 100)
            )
    return image
