"""The two spoken-digit readers behind one door: the pretrained ear with its head, and the reader trained from scratch.

A model says which it is by what it takes: the head takes the ear's 96 numbers every 80 ms
(`core.speech.ear_reader`), the scratch reader 40 mel bands every 16 ms (`core.speech.reader`).
The page, the cut of a ten-digit recording, the evaluate command and the benchmarks read with
either through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.speech import ear, ear_reader
from core.speech import reader as scratch
from core.speech.audio import RATE
from core.speech.utterances import Clips

Reading = scratch.Reading | ear_reader.EarReading


def hears_embeddings(model) -> bool:
    """Whether `model` is a head over the pretrained ear (it takes 96 numbers a step), not a scratch reader."""
    return model.inputs[0].shape[-1] == ear.EMBEDDING


def read(model, samples: np.ndarray) -> Reading:
    """One prepared recording at 8 kHz (`reader.prepare`) read by either reader."""
    return ear_reader.read(model, samples) if hears_embeddings(model) else scratch.read(model, samples)


def read_many(model, recordings: Sequence[np.ndarray]) -> list[str]:
    return ear_reader.read_many(model, recordings) if hears_embeddings(model) else scratch.read_many(model, recordings)


def evaluate(model, clips: Clips, sequences: int = scratch.EVALUATION_SEQUENCES) -> scratch.Scores:
    """Single clips and joined sequences of 2–5 (`reader.evaluate`), read by whichever reader `model` is."""
    return scratch.evaluate(model, clips, sequences, read_texts=read_many)


def warm_up(model) -> None:
    """Read one second of quiet before sessions share the model: it traces the model's predict step (and the ear's,
    for a head) and runs it once, whose first run costs about 0.7 s more, which no student should wait for."""
    read(model, np.zeros(RATE, np.float32))
