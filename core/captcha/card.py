"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from core.shared.assets import CARD_SIZE, SAMPLES


def draw_card() -> Image.Image:
    """A shipped captcha, enlarged, over the 50 per-step guesses CTC collapses into its text."""
    image = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(image)
    with Image.open(SAMPLES / "captcha" / "226md.png") as sample:
        image.paste(sample.convert("RGB").resize((400, 100)), (40, 30))
    path = "··22···2··6···m··d····"  # the shape of a best path: blanks, repeats, characters
    for index, symbol in enumerate(path):
        x = 40 + index * 400 / len(path)
        fill = (194, 24, 91) if symbol != "·" else (207, 216, 220)
        draw.rectangle((x, 160, x + 14, 178), fill=fill)
    for index, char in enumerate("226md"):
        draw.rectangle((150 + index * 38, 210, 180 + index * 38, 240), fill=(46, 125, 50))
        draw.text((160 + index * 38, 218), char, fill="white")
    return image
