"""What the pages keep with a student's own trained model, beside its job (`training_panel.SessionTraining`).

Defined here, not in the page files: a page file runs anew on every rerun, and a class defined there
would be a new class each time.
"""

from dataclasses import dataclass

import numpy as np

from app_pages.common.training_panel import SessionTraining
from core.forecast import model as forecast


@dataclass(kw_only=True)
class CifarTraining(SessionTraining):
    settings: dict[str, object]  # the model's and the training's, as its downloaded settings file names them
    probabilities: np.ndarray | None = None  # on the test images, computed once when first inspected


@dataclass(kw_only=True)
class ForecastTraining(SessionTraining):
    settings: forecast.ModelSettings  # what it was trained for: its results show only for these
    results: tuple[forecast.Results, list] | None = None  # computed once it has finished


@dataclass(kw_only=True)
class SpeechTraining(SessionTraining):
    epochs: int
    held_out: str  # the voice it did not hear
