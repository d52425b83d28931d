"""The picture of this topic's card on the home page (`python -m devtools.card_images` draws every card)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from core.shared.assets import CARD_SIZE, SPEECH_SAMPLES
from core.speech import sound_features, utterances


def draw_card() -> Image.Image:
    """The spectrogram of three shipped digits joined, with the digits under the sounds that say them."""
    samples = utterances.say(
        utterances.load_clips(SPEECH_SAMPLES).of_speakers(["jackson"]), "417", np.random.default_rng(0)
    )
    logs = sound_features.log_mel(samples).T[::-1]
    shades = ((logs - logs.min()) / (logs.max() - logs.min()) * 255).astype(np.uint8)
    picture = Image.fromarray(shades).resize((440, 160)).convert("RGB")
    tinted = np.asarray(picture, dtype=np.float32) / 255
    purple = np.array([40, 10, 90]) * (1 - tinted) + np.array([252, 196, 60]) * tinted
    image = Image.new("RGB", CARD_SIZE, "white")
    image.paste(Image.fromarray(purple.astype(np.uint8)), (20, 20))
    draw = ImageDraw.Draw(image)
    for index, digit in enumerate("417"):
        draw.rectangle((110 + index * 110, 205, 150 + index * 110, 245), fill=(46, 125, 50))
        draw.text((125 + index * 110, 218), digit, fill="white")
    return image
