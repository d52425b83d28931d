"""Check yourself on forecasting: windows and their shapes, the shipped forecaster's errors."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.forecast.model import make_windows, material_window_count
from core.quiz import Question, shape_text


def forecast_window_count(rng: np.random.Generator) -> Question:
    length, look_back = int(rng.integers(20, 201)), int(rng.integers(1, 16))
    count = len(make_windows(np.zeros(length, np.float32), look_back)[1])
    slides = material_window_count(length, look_back)
    return Question(
        f"A series of **{length}** values is cut into windows of look_back = **{look_back}** values, each with "
        "the value that follows it as the target. How many (window, target) pairs are there?",
        "number",
        str(count),
        f"The first target is value number {look_back + 1}, the last is value {length}: "
        f"$n - \\text{{look\\_back}} = {length} - {look_back} = {count}$. The slides' `create_dataset` loops over "
        f"`range(len - look_back - 1)` and so makes {slides}: it drops the last pair.",
    )


def forecast_input_shape(rng: np.random.Generator) -> Question:
    length, look_back = int(rng.integers(20, 201)), int(rng.integers(1, 16))
    x, _ = make_windows(np.zeros(length, np.float32), look_back)
    return Question(
        f"A series of **{length}** values, windows of look_back = **{look_back}**. What shape is the input "
        "array x that the LSTM is trained on ([samples, time steps, features])?",
        "shape",
        shape_text(x.shape),
        f"{x.shape[0]} windows (n − look_back), each {look_back} steps of 1 feature: the series has one value per "
        "step.",
    )


@dataclass(frozen=True)
class ForecastFacts:
    """What the page shows of the shipped forecaster on the material's series."""

    rmse: dict[str, float]  # the results table's forecasts → RMSE on the test part
    recursive_error: np.ndarray  # |recursive forecast − truth| at 1, 2, … steps ahead (the "Several steps ahead" chart)


def forecast_lowest_error(rng: np.random.Generator, facts: ForecastFacts) -> Question:
    lowest = rng.random() < 0.5
    forecasters = {name: rmse for name, rmse in facts.rmse.items() if name != "noise floor"}
    answer = (min if lowest else max)(forecasters, key=lambda name: forecasters[name])
    table = ", ".join(f"{name} {rmse:.3f}" for name, rmse in facts.rmse.items())
    return Question(
        f"On the material's series with the shipped model (the results table), which forecast has the "
        f"**{'lowest' if lowest else 'highest'}** error (RMSE) on the test part?",
        "choice",
        answer,
        f"The table's RMSEs: {table}. The noise floor is the error of knowing the noiseless curve: the noise "
        "itself cannot be predicted, so no forecaster beats it on average.",
        choices=tuple(forecasters),
    )


def forecast_horizon(rng: np.random.Generator, facts: ForecastFacts) -> Question:
    error = facts.recursive_error
    level = round(float(rng.uniform(np.quantile(error, 0.3), np.quantile(error, 0.9))), 2)
    # Some step must pass the level, even on a flat curve.
    level = min(level, round(math.floor(float(error.max()) * 100) / 100 - 0.01, 2))  # 0.34, not 0.33999999999999997
    step = int(np.argmax(error > level)) + 1
    return Question(
        f"In the chart **Several steps ahead** (the shipped model, each forecast fed back as the next input), at "
        f"how many steps ahead does the recursive forecast's error first pass **{level}**?",
        "number",
        str(step),
        f"Reading the recursive curve from the left, step {step} is the first above {level} "
        f"({error[step - 1]:.3f}); the one-step forecast stays low because it always gets the true last values.",
    )


# The makers take turns on the page, in this order.
QUESTIONS = (
    forecast_window_count,
    forecast_input_shape,
)
# Questions about what the page shows of its shipped model, asked when the page passes those facts.
FACT_QUESTIONS = (
    forecast_lowest_error,
    forecast_horizon,
)
