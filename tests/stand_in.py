"""A tiny folder laid out as ../shared/datasets, for the tests of the stand-in hosts and of the downloads."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from PIL import Image

from core.shared.datasets import CIFAR10_CLASSES

TRAIN_PER_CLASS = 2
TEST_PER_CLASS = 3  # the offline test pictures of a class (500 in the real copy)
TRAIN_LIMIT = 15
CAPTCHA_LABELS = ("226md", "2b827", "3den6", "4dw3w", "5npdn")
FSDD_CLIPS = ("0_george_0", "1_george_0", "9_jackson_12")


def make_datasets(root: Path) -> Path:
    """A few CIFAR-10 pictures of each class, five captchas and three clips, under `root`."""
    rng = np.random.default_rng(0)
    for split, per_class in (("train", TRAIN_PER_CLASS), ("test", TEST_PER_CLASS)):
        for name in CIFAR10_CLASSES:
            (root / "cifar10" / split / name).mkdir(parents=True)
            for index in range(per_class):
                pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(root / "cifar10" / split / name / f"{index:04d}.jpg")
    (root / "captcha_images_v2").mkdir()
    for label in CAPTCHA_LABELS:  # noise, so the zip is ~50 kB for the slow mode
        Image.fromarray(rng.integers(0, 256, (50, 200), dtype=np.uint8)).save(
            root / "captcha_images_v2" / f"{label}.png"
        )
    (root / "fsdd" / "recordings").mkdir(parents=True)
    for name in FSDD_CLIPS:
        with wave.open(str(root / "fsdd" / "recordings" / f"{name}.wav"), "wb") as clip:
            clip.setnchannels(1)
            clip.setsampwidth(2)
            clip.setframerate(8000)
            clip.writeframes(rng.integers(-1000, 1000, 800, dtype=np.int16).tobytes())
    return root
