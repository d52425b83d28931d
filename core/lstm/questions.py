"""Check yourself on the LSTM: what it returns, its parameters, which returned tensors are equal."""

from __future__ import annotations

import numpy as np

from core.lstm.layer import describe_outputs, lstm_param_count
from core.quiz import Question, shape_text


def _lstm_case(rng: np.random.Generator) -> dict[str, int | bool]:
    return {
        "lstm_batch": int(rng.integers(1, 5)),
        "lstm_timesteps": int(rng.integers(2, 11)),
        "lstm_features": int(rng.integers(1, 9)),
        "lstm_units": int(rng.integers(1, 9)),
        "lstm_return_sequences": bool(rng.random() < 0.5),
        "lstm_return_state": bool(rng.random() < 0.5),
    }


def lstm_returned_shapes(case: dict) -> list[tuple[int, ...]]:
    b, t, u = case["lstm_batch"], case["lstm_timesteps"], case["lstm_units"]
    first = (b, t, u) if case["lstm_return_sequences"] else (b, u)
    return [first, (b, u), (b, u)] if case["lstm_return_state"] else [first]


def lstm_outputs(rng: np.random.Generator) -> Question:
    case = _lstm_case(rng)
    shapes = lstm_returned_shapes(case)
    names = describe_outputs(bool(case["lstm_return_sequences"]), bool(case["lstm_return_state"]))
    b, t, d, u = (case[k] for k in ("lstm_batch", "lstm_timesteps", "lstm_features", "lstm_units"))
    worked = "; ".join(
        f"{variable} ({name}): {shape_text(shape)}" for (name, variable), shape in zip(names, shapes, strict=True)
    )
    return Question(
        f"`LSTM({u}, return_sequences={case['lstm_return_sequences']}, return_state={case['lstm_return_state']})` "
        f"gets an input of shape **({b}, {t}, {d})** (batch, time steps, features). What does it return? Write "
        "each tensor's shape, in order, e.g. `(2, 3), (2, 3)`.",
        "shapes",
        ", ".join(shape_text(shape) for shape in shapes),
        f"{len(shapes)} tensor{'s' if len(shapes) > 1 else ''}: {worked}. The features d = {d} never appear in "
        "an output: each step's input is turned into u numbers.",
        show={"lstm_tab": "return_sequences / return_state", **case},
    )


def lstm_parameters(rng: np.random.Generator) -> Question:
    case = _lstm_case(rng)
    u, d = case["lstm_units"], case["lstm_features"]
    params = lstm_param_count(u, d)
    return Question(
        f"How many parameters has `LSTM({u})` on inputs with **{d}** features per step?",
        "number",
        str(params),
        rf"Four gates, each with input weights, recurrent weights and biases: $4 \cdot (u \cdot (u + d) + u) = "
        rf"4 \cdot ({u} \cdot ({u} + {d}) + {u}) = {params}$.",
        show={"lstm_tab": "return_sequences / return_state", **case},
    )


EQUAL_CHOICES = (
    "the first output's last step and final_hidden_state",
    "final_hidden_state and final_cell_state",
    "no two of them",
)


def lstm_equal_tensors(rng: np.random.Generator) -> Question:
    case = {**_lstm_case(rng), "lstm_return_state": True}
    sequences = case["lstm_return_sequences"]
    first = "whole_sequence_output[:, -1, :]" if sequences else "output"
    return Question(
        f"`LSTM({case['lstm_units']}, return_sequences={sequences}, return_state=True)` returns three tensors. "
        "Which two always hold the same numbers?",
        "choice",
        EQUAL_CHOICES[0],
        f"`{first}` is the hidden state after the last step, which is `final_hidden_state`. The cell state c is "
        "the LSTM's inner memory; the hidden state is $h = o \\odot \\tanh(c)$, not c.",
        choices=EQUAL_CHOICES,
        show={"lstm_tab": "return_sequences / return_state", **case},
    )


# The makers take turns on the page, in this order.
QUESTIONS = (
    lstm_outputs,
    lstm_parameters,
    lstm_equal_tensors,
)
