"""Check yourself on the spoken-digit reader: its time steps for a length of sound, its best path."""

from __future__ import annotations

import numpy as np

from core.ctc.questions import best_path_question
from core.quiz import Question
from core.speech import ear, utterances


def speech_steps(rng: np.random.Generator) -> Question:
    """How many steps the page's reader gives for a length of sound: the pretrained ear's frames, then its windows."""
    seconds = round(float(rng.uniform(1.0, 4.0)), 1)
    samples = int(seconds * ear.RATE)
    frames = ear.frames_for(samples)
    steps = ear.steps_for(samples)
    return Question(
        # Everything the answer needs is in the question: each window and each hop, and that only whole ones count.
        f"The page's reader hears {ear.RATE:,} samples a second. Its pretrained ear makes a frame of mel bands from "
        f"windows of {ear.WINDOW_SAMPLES} samples, one every {ear.HOP_SAMPLES} samples "
        f"({ear.HOP_SAMPLES / ear.RATE * 1000:.0f} ms), a frame for each window that fits whole in the sound; then "
        f"one step (96 numbers) for every {ear.WINDOW_FRAMES} frames that fit whole, one every {ear.STEP_FRAMES} "
        f"frames. The head says one class per step. How many time steps does it output for **{seconds} s** of sound?",
        "number",
        str(steps),
        rf"{frames} frames ($1 + \lfloor ({samples} - {ear.WINDOW_SAMPLES}) / {ear.HOP_SAMPLES} \rfloor$); "
        rf"$1 + \lfloor ({frames} - {ear.WINDOW_FRAMES}) / {ear.STEP_FRAMES} \rfloor = {steps}$, one every 80 ms.",
    )


def speech_best_path(rng: np.random.Generator) -> Question:
    symbols = "".join(rng.choice(list("0123456789"), size=2, replace=False))
    return best_path_question(rng, utterances.DIGITS, symbols, "digit reader")


# The makers take turns on the page, in this order.
QUESTIONS = (
    speech_steps,
    speech_best_path,
)
