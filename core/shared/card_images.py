"""Draw the pictures of the home page's cards: `python -m core.shared.card_images` rewrites assets/cards/."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from core.conv.layer import ConvSpec, conv_geometry, convolve_by_hand, random_layer
from core.shared.assets import CARDS, SAMPLES

CARD_SIZE = (480, 270)


def _grid(
    draw: ImageDraw.ImageDraw, origin: tuple[int, int], values: np.ndarray, cell: int, palette: tuple[int, int, int]
) -> None:
    low, high = float(values.min()), float(values.max())
    for (row, col), value in np.ndenumerate(values):
        shade = 0.15 + 0.85 * (value - low) / ((high - low) or 1.0)
        fill = tuple(int(255 - shade * (255 - c)) for c in palette)
        x0, y0 = origin[0] + col * cell, origin[1] + row * cell
        draw.rectangle((x0, y0, x0 + cell, y0 + cell), fill=fill, outline=(255, 255, 255), width=2)


def convolution_card() -> Image.Image:
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


def lstm_card() -> Image.Image:
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


def forecasting_card() -> Image.Image:
    """The class's series with its split, drawn as a line chart."""
    from core.forecast.model import SeriesConfig, make_series

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


def cifar10_card() -> Image.Image:
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


def captcha_card() -> Image.Image:
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


def ctc_card() -> Image.Image:
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


def speech_card() -> Image.Image:
    """The spectrogram of three shipped digits joined, with the digits under the sounds that say them."""
    from core.shared.assets import SPEECH_SAMPLES
    from core.speech import sound_features, utterances

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


CARD_DRAWERS = {
    "convolution": convolution_card,
    "cifar10": cifar10_card,
    "lstm": lstm_card,
    "forecasting": forecasting_card,
    "captcha": captcha_card,
    "ctc": ctc_card,
    "speech": speech_card,
}


def main() -> None:
    CARDS.mkdir(parents=True, exist_ok=True)
    for name, draw_card in CARD_DRAWERS.items():
        draw_card().save(CARDS / f"{name}.png", optimize=True)
        print(CARDS / f"{name}.png")


if __name__ == "__main__":
    main()
