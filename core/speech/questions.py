"""Check yourself on the spoken-digit reader: its time steps for a length of sound, its best path."""

from __future__ import annotations

import numpy as np

from core.ctc.questions import best_path_question
from core.quiz import Question
from core.speech import audio, sound_features, utterances


def speech_steps(rng: np.random.Generator) -> Question:
    seconds = round(float(rng.uniform(0.5, 4.0)), 1)
    frames = len(sound_features.log_mel(np.zeros(int(seconds * audio.RATE), np.float32)))
    steps = sound_features.output_steps(frames)
    return Question(
        # Everything the answer needs is in the question: the window as well as the hop (a reader who knew only the
        # 16 ms hop answered 0.6 s ÷ 16 ms and was marked wrong).
        f"The digit reader hears {audio.RATE:,} samples a second through windows of {sound_features.N_FFT} samples, "
        f"one every {sound_features.HOP} samples ({sound_features.HOP / audio.RATE * 1000:.0f} ms), a spectrogram "
        "frame for each window that fits whole in the sound; its two strided convolutions then halve the frames "
        f"twice (rounding up). How many time steps does it output for **{seconds} s** of sound?",
        "number",
        str(steps),
        rf"{frames} frames ($1 + \lfloor ({int(seconds * audio.RATE)} - {sound_features.N_FFT}) / {sound_features.HOP} \rfloor$ "
        rf"windows of {sound_features.N_FFT} samples); $\lceil {frames} / 4 \rceil = {steps}$, one every 64 ms.",
    )


def speech_best_path(rng: np.random.Generator) -> Question:
    symbols = "".join(rng.choice(list("0123456789"), size=2, replace=False))
    return best_path_question(rng, utterances.DIGITS, symbols, "digit reader")


# The makers take turns on the page, in this order.
QUESTIONS = (
    speech_steps,
    speech_best_path,
)
