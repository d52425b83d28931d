"""Check yourself on the captcha reader: its best path, its time steps."""

from __future__ import annotations

import numpy as np

from core.captcha.reader import ALPHABET as CAPTCHA_ALPHABET
from core.captcha.reader import TIME_STEPS as CAPTCHA_STEPS
from core.ctc import algorithm as ctc
from core.ctc.questions import best_path_question
from core.quiz import Question


def captcha_best_path(rng: np.random.Generator) -> Question:
    symbols = "".join(rng.choice(list(CAPTCHA_ALPHABET), size=2, replace=False))
    return best_path_question(rng, ctc.Alphabet(CAPTCHA_ALPHABET), symbols, "captcha reader")


def captcha_steps(rng: np.random.Generator) -> Question:
    width = int(rng.choice([100, 120, 160, 200, 240, 320, 400]))
    steps = width // (200 // CAPTCHA_STEPS)
    return Question(
        f"The captcha reader's convolutions keep the width and its two 2 × 2 max poolings halve it twice; each "
        f"column left is one CTC time step. How many steps would a picture **{width}** pixels wide give?",
        "number",
        str(steps),
        f"$ {width} / 2 / 2 = {steps}$ (the 200-pixel captchas give {CAPTCHA_STEPS}).",
    )


# The makers take turns on the page, in this order.
QUESTIONS = (
    captcha_best_path,
    captcha_steps,
)
