"""Check yourself: questions made with random settings, answered from the same code that draws the pages.

Each topic has a few question makers, `make(rng) -> Question`, and some topics makers that ask about the
page's own results, `make(rng, facts) -> Question` (the shipped CIFAR model's confusion matrix, the shipped
forecaster's errors), used when the page has them. A question carries its answer, a worked answer (the
formula with the numbers in it, or the collapse step by step) and the widget values that show its case on
the page. `question(topic, seed, number)` is the same for the same seed, so a teacher can give a whole
class the same questions.

Example:
    >>> q = question("conv", seed=7, number=0)
    >>> q == question("conv", seed=7, number=0) and is_right(q, q.answer)
    True
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from core.captcha.reader import ALPHABET as CAPTCHA_ALPHABET
from core.captcha.reader import TIME_STEPS as CAPTCHA_STEPS
from core.cifar.model import PRESET_NAMES, CifarConfig
from core.conv.layer import ConvSpec, PaddingMode, conv_geometry, validate
from core.ctc import algorithm as ctc
from core.forecast.model import make_windows, material_window_count
from core.lstm.layer import describe_outputs, lstm_param_count
from core.speech import audio, sound_features, utterances

AnswerKind = Literal["number", "shape", "shapes", "text", "choice"]
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    """One question: what is asked, its answer, how to get there, and the page's widgets that show it."""

    prompt: str  # Markdown
    kind: AnswerKind
    answer: str  # as the worked answer writes it
    worked: str  # Markdown, with $…$ formulas
    choices: tuple[str, ...] = ()
    show: dict[str, object] = field(default_factory=dict)  # widget key → value


# ---------------------------------------------------------------- comparing answers

SHAPE_GROUP = re.compile(r"[\(\[]([^\)\]]*)[\)\]]")


def parse_number(text: str) -> int | None:
    """ "1,792", "1 792" or "1792" → 1792; anything else → None."""
    cleaned = re.sub(r"[\s,_']", "", text)
    return int(cleaned) if re.fullmatch(r"-?\d+", cleaned) else None


def parse_shape(text: str) -> tuple[int | None, ...] | None:
    """ "(None, 10, 32)", "[2, 4]", "2 × 4", "2x4" → a tuple; None for text that is not a shape."""
    parts = [part for part in re.split(r"[\s,×x*]+", text.strip().strip("()[]").lower()) if part]
    if not parts or not all(part == "none" or part.isdigit() for part in parts):
        return None
    return tuple(None if part == "none" else int(part) for part in parts)


def same_shape(given: tuple[int | None, ...], expected: tuple[int | None, ...]) -> bool:
    """Shapes match; a leading `None` (the batch) may be written or left out."""
    return given == expected or (expected[:1] == (None,) and given == expected[1:])


def parse_shapes(text: str) -> list[tuple[int | None, ...]] | None:
    """ "(2, 5, 4), (2, 4)" → two shapes; None if any group is not a shape."""
    groups = SHAPE_GROUP.findall(text) or [text]
    shapes = [parse_shape(group) for group in groups]
    return None if any(shape is None for shape in shapes) else shapes  # type: ignore[return-value]


def is_right(question: Question, given: str) -> bool:
    """Whether `given` answers `question`: numbers exactly, shapes with or without None, text without spaces."""
    if question.kind == "number":
        return parse_number(given) == parse_number(question.answer)
    if question.kind == "shape":
        shape, expected = parse_shape(given), parse_shape(question.answer)
        return shape is not None and expected is not None and same_shape(shape, expected)
    if question.kind == "shapes":
        shapes, expected_shapes = parse_shapes(given), parse_shapes(question.answer)
        return (
            shapes is not None
            and expected_shapes is not None
            and len(shapes) == len(expected_shapes)
            and all(same_shape(a, b) for a, b in zip(shapes, expected_shapes, strict=True))
        )
    if question.kind == "text":
        return re.sub(r"\s", "", given).lower() == re.sub(r"\s", "", question.answer).lower()
    return given == question.answer


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


# ---------------------------------------------------------------- convolution

PADDINGS = ("number p", "valid", "same")


def _conv_show(spec: ConvSpec) -> dict[str, object]:
    mode = spec.padding if isinstance(spec.padding, str) else "number p"
    values: dict[str, object] = {
        "conv_height": spec.height,
        "conv_width": spec.width,
        "conv_channels": spec.channels,
        "conv_k": spec.filters,
        "conv_f": spec.filter_size,
        "conv_s": spec.stride,
        "conv_padding_mode": mode,
    }
    if mode == "number p":
        values["conv_p"] = spec.padding
    return values


def _padding_words(padding: int | str) -> str:
    return f"padding p = {padding}" if isinstance(padding, int) else f"padding '{padding}'"


def conv_output_shape(rng: np.random.Generator) -> Question:
    while True:
        paddings: list[int | PaddingMode] = [int(rng.integers(0, 4)), "valid", "same"]
        padding = paddings[int(rng.integers(3))]
        n = int(rng.integers(5, 33))
        spec = ConvSpec(n, n, int(rng.integers(1, 5)), int(rng.choice([1, 2, 3, 5, 7])), int(rng.integers(1, 4)),
                        padding, int(rng.integers(1, 9)))  # fmt: skip
        try:
            geometry = conv_geometry(spec)
        except ValueError:
            continue
        break
    f, s = spec.filter_size, spec.stride
    if padding == "same":
        how = rf"'same' gives $\lceil n/s \rceil = \lceil {n}/{s} \rceil = {geometry.rows.output}$"
    else:
        p = 0 if padding == "valid" else padding
        how = (
            rf"$\lfloor (n + 2p - f)/s \rfloor + 1 = \lfloor ({n} + 2\cdot{p} - {f})/{s} \rfloor + 1 = "
            rf"{geometry.rows.output}$"
        )
    return Question(
        f"A Conv2D layer gets a **{n} × {n} × {spec.channels}** input and has **{spec.filters}** "
        f"filter{'s' if spec.filters > 1 else ''} of "
        f"**{f} × {f}**, stride **{s}**, {_padding_words(padding)}. What is its output shape (height, width, "
        "channels)?",
        "shape",
        shape_text(geometry.output_shape),
        f"Height and width: {how}. Channels: one per filter, {spec.filters}.",
        show=_conv_show(spec),
    )


def conv_parameters(rng: np.random.Generator) -> Question:
    f, channels, filters = int(rng.choice([1, 3, 5, 7])), int(rng.integers(1, 5)), int(rng.integers(1, 9))
    spec = ConvSpec(16, 16, channels, f, 1, "same", filters)
    params = conv_geometry(spec).num_params
    return Question(
        f"How many parameters (weights and biases) has a Conv2D layer with **{filters}** "
        f"filter{'s' if filters > 1 else ''} of "
        f"**{f} × {f}** on an input with **{channels}** channels?",
        "number",
        str(params),
        rf"$(f \cdot f \cdot n_C + 1) \cdot K = ({f} \cdot {f} \cdot {channels} + 1) \cdot {filters} = {params}$: "
        "each filter has a weight per cell through every channel, and one bias.",
        show=_conv_show(spec),
    )


def conv_same_padding(rng: np.random.Generator) -> Question:
    f, n = int(rng.choice([1, 3, 5, 7, 9, 11])), int(rng.integers(8, 33))
    p = (f - 1) // 2
    spec = ConvSpec(n, n, 3, f, 1, p, 2)
    assert conv_geometry(spec).output_shape[0] == n
    return Question(
        f"With a **{f} × {f}** filter and stride 1, how many zeros p on each side keep a {n} × {n} input {n} × {n}?",
        "number",
        str(p),
        rf"$n + 2p - f + 1 = n$ gives $p = (f - 1)/2 = ({f} - 1)/2 = {p}$.",
        show=_conv_show(spec),
    )


def conv_possible(rng: np.random.Generator) -> Question:
    n, f, p = int(rng.integers(1, 12)), int(rng.choice([3, 5, 7, 9, 11])), int(rng.integers(0, 3))
    spec = ConvSpec(n, n, 1, f, 1, p, 1)
    try:
        validate(spec)
        answer = YES
    except ValueError:
        answer = NO
    sign = r"\geq" if answer == YES else "<"
    return Question(
        f"Can a **{f} × {f}** filter with padding p = **{p}** slide over a **{n} × {n}** input at all?",
        "choice",
        answer,
        rf"The padded input is $n + 2p = {n} + 2\cdot{p} = {n + 2 * p}$ wide, which is ${sign} f = {f}$: "
        + ("the filter fits." if answer == YES else "the filter does not fit, and Keras raises an error."),
        choices=(YES, NO),
        show=_conv_show(spec),
    )


# ---------------------------------------------------------------- CIFAR-10


def cifar_layers(config: CifarConfig) -> list[tuple[str, tuple[int, ...], int]]:
    """(name, output shape without the batch, parameters) of each layer of a plain (no batch norm) model."""
    assert not config.batch_norm and not config.global_pool and not config.pool_early
    layers: list[tuple[str, tuple[int, ...], int]] = []
    size, channels = 32, 3
    for block, filters in enumerate(config.filters, start=1):
        layers.append((f"block{block}_conv1", (size, size, filters), (3 * 3 * channels + 1) * filters))
        size, channels = math.ceil(size / 2), filters
        layers.append((f"block{block}_pool", (size, size, channels), 0))
    flat = size * size * channels
    layers.append(("flatten", (flat,), 0))
    layers.append(("dense", (config.dense_units,), (flat + 1) * config.dense_units))
    layers.append(("class_probabilities", (10,), (config.dense_units + 1) * 10))
    return layers


def _cifar_filters(rng: np.random.Generator) -> CifarConfig:
    first = int(rng.choice([8, 16, 32]))
    return CifarConfig.basic().with_changes(filters=(first, 2 * first, 4 * first))


def _cifar_show(config: CifarConfig) -> dict[str, object]:
    # The Model tab's "Start from" radio and its filters field, whose key carries the preset's label.
    preset = PRESET_NAMES[0]
    return {
        "cifar_tab": "Model",
        "cifar_preset": preset,
        f"cifar_filters_{preset}": ", ".join(map(str, config.filters)),
    }


def cifar_layer_question(rng: np.random.Generator) -> Question:
    config = _cifar_filters(rng)
    layers = cifar_layers(config)
    name, shape, params = layers[int(rng.integers(len(layers)))]
    ask_params = params > 0 and rng.random() < 0.5
    filters = ", ".join(map(str, config.filters))
    prompt = (
        f"The slides' CNN with conv layers of **{filters}** filters (3 × 3, padding 'same', each followed by a "
        f"2 × 2 max pooling), then Flatten, Dense(512) and Dense(10), on 32 × 32 × 3 images. "
    )
    if ask_params:
        return Question(
            prompt + f"How many parameters has **{name}**?",
            "number",
            str(params),
            _cifar_params_worked(name, layers),
            show=_cifar_show(config),
        )
    return Question(
        prompt + f"What is the output shape of **{name}** (without the batch)?",
        "shape",
        shape_text((None, *shape)),
        _cifar_shape_worked(name, layers),
        show=_cifar_show(config),
    )


def _cifar_shape_worked(name: str, layers: list) -> str:
    steps = " → ".join(f"{layer}: {shape_text(shape)}" for layer, shape, _ in layers[: _index(name, layers) + 1])
    return f"'same' keeps the size, each pooling halves it, a conv has as many channels as filters: {steps}."


def _cifar_params_worked(name: str, layers: list) -> str:
    index = _index(name, layers)
    previous = layers[index - 1][1] if index else (32, 32, 3)
    _, shape, params = layers[index]
    if name.startswith("block"):
        return rf"$(3 \cdot 3 \cdot {previous[-1]} + 1) \cdot {shape[-1]} = {params}$ (a weight per filter cell, and a bias)."
    return rf"$({previous[-1]} + 1) \cdot {shape[-1]} = {params}$: every input to every unit, and a bias each."


def _index(name: str, layers: list) -> int:
    return [layer for layer, _, _ in layers].index(name)


def cifar_flattened(rng: np.random.Generator) -> Question:
    config = _cifar_filters(rng)
    layers = cifar_layers(config)
    flat = layers[_index("flatten", layers)][1][0]
    last = config.filters[-1]
    return Question(
        f"Three blocks of conv ('same') + 2 × 2 max pooling with **{', '.join(map(str, config.filters))}** filters "
        "turn a 32 × 32 × 3 image into a map that Flatten makes one vector. How long is it (what the Dense "
        "layer sees)?",
        "number",
        str(flat),
        rf"32 → 16 → 8 → 4 after three poolings; $4 \cdot 4 \cdot {last} = {flat}$.",
        show=_cifar_show(config),
    )


AUGMENTATIONS = {
    "a left–right flip": (YES, "a ship or a cat seen in a mirror is still a ship or a cat"),
    "a shift by 3 pixels": (YES, "where the object sits in the picture does not change what it is"),
    "a rotation by 10°": (YES, "a slightly tilted camera shows the same thing"),
    "a zoom by 10 %": (YES, "a little nearer or farther is the same object"),
    "blanking a small patch (cutout)": (YES, "the rest of the object still shows what it is"),
    "an upside-down flip": (NO, "the test pictures never show a ship, horse or truck upside down: the network "
                                "would spend its capacity on pictures it will never be shown"),
    "a rotation by 180°": (NO, "it turns the picture upside down, which CIFAR-10's pictures never are"),
}  # fmt: skip


def cifar_augmentation(rng: np.random.Generator) -> Question:
    name = list(AUGMENTATIONS)[int(rng.integers(len(AUGMENTATIONS)))]
    answer, why = AUGMENTATIONS[name]
    return Question(
        f"Training on CIFAR-10, is **{name}** a good augmentation (it keeps the label and looks like a real "
        "test picture)?",
        "choice",
        answer,
        f"{answer.capitalize()}: {why}.",
        choices=(YES, NO),
        show={"cifar_tab": "Augmentation"},
    )


@dataclass(frozen=True)
class CifarFacts:
    """What the Inspect tab shows of a shipped model: its confusion matrix on the test images."""

    model: str  # the Inspect tab's name for it
    confusion: np.ndarray  # (10, 10): row = true class, column = predicted


def cifar_confusion(rng: np.random.Generator, facts: CifarFacts) -> Question:
    from core.shared.datasets import CIFAR10_CLASSES

    matrix = facts.confusion
    off_diagonal = [(int(matrix[t, p]), t, p) for t in range(10) for p in range(10) if t != p]
    _, true, predicted = sorted(off_diagonal, reverse=True)[int(rng.integers(10))]  # one of the ten biggest mix-ups
    count, total = int(matrix[true, predicted]), int(matrix[true].sum())
    true_name, predicted_name = CIFAR10_CLASSES[true], CIFAR10_CLASSES[predicted]
    return Question(
        f"In the confusion matrix of the **{facts.model}** model (Inspect tab), how many test pictures of a "
        f"**{true_name}** did it call a **{predicted_name}**?",
        "number",
        str(count),
        f"Row {true_name} (the true class), column {predicted_name} (what the model said): {count} of the "
        f"{total} {true_name} pictures, {count / total:.1%}. The biggest mix-ups are between classes that look "
        "alike at 32 × 32 pixels.",
        show={"cifar_tab": "Inspect", "cifar_inspect_model": facts.model},
    )


# ---------------------------------------------------------------- LSTM


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


# ---------------------------------------------------------------- forecasting


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


# ---------------------------------------------------------------- CTC

CTC_LETTERS = ctc.Alphabet("ab")


def _path_text(path: list[int]) -> str:
    return " ".join(CTC_LETTERS.symbol(index) for index in path)


def ctc_collapse(rng: np.random.Generator) -> Question:
    path = [0]
    while not ctc.collapse(path):  # a path of blanks only reads nothing, which an answer field cannot hold
        path = [int(i) for i in rng.integers(0, CTC_LETTERS.classes, size=int(rng.integers(5, 10)))]
    merged = ctc.merge_repeats(path)
    collapsed = CTC_LETTERS.decode(ctc.collapse(path))
    return Question(
        f"A best path over T = {len(path)} steps reads **{_path_text(path)}** (ε is the blank). What text does it "
        "collapse to?",
        "text",
        collapsed or "",
        f"Merge repeats: {_path_text(merged)}; drop the blanks: '{collapsed}'.",
    )


def _random_label(rng: np.random.Generator, longest: int = 3) -> str:
    return "".join(rng.choice(list("ab"), size=int(rng.integers(1, longest + 1))))


def ctc_alignment_count(rng: np.random.Generator) -> Question:
    label = _random_label(rng)
    encoded = CTC_LETTERS.encode(label)
    steps = ctc.min_steps(encoded) + int(rng.integers(0, 4))
    count = ctc.count_alignments(encoded, steps)
    return Question(
        f"How many paths of T = **{steps}** steps collapse to the label **'{label}'**?",
        "number",
        str(count),
        f"Count them on the trellis of ε{'ε'.join(label)}ε: {count:,} path{'s' if count != 1 else ''} start in the first blank or letter, "
        "move on by one or two states each step (skipping a blank only between different letters) and end in "
        "the last letter or blank.",
        show={"ctc_tab": "Alignments", "ctc_label": label, "ctc_steps": steps},
    )


def ctc_min_steps(rng: np.random.Generator) -> Question:
    label = _random_label(rng, 4)
    encoded = CTC_LETTERS.encode(label)
    steps = ctc.min_steps(encoded)
    repeats = sum(a == b for a, b in zip(label, label[1:], strict=False))
    return Question(
        f"What is the smallest number of time steps T in which CTC can output **'{label}'**?",
        "number",
        str(steps),
        f"One step per letter ({len(label)}) plus a blank between each pair of equal neighbours ({repeats}), "
        f"or they would merge: {len(label)} + {repeats} = {steps}.",
        show={"ctc_tab": "Alignments", "ctc_label": label, "ctc_steps": steps},
    )


def ctc_valid_path(rng: np.random.Generator) -> Question:
    label = _random_label(rng)
    path = [int(i) for i in rng.integers(0, CTC_LETTERS.classes, size=int(rng.integers(4, 8)))]
    if rng.random() < 0.5:  # half the time a path that does collapse to the label
        alignments = ctc.alignments(CTC_LETTERS.encode(label), max(len(path), ctc.min_steps(CTC_LETTERS.encode(label))))
        path = list(alignments[int(rng.integers(len(alignments)))])
    collapsed = CTC_LETTERS.decode(ctc.collapse(path))
    answer = YES if collapsed == label else NO
    return Question(
        f"Is **{_path_text(path)}** a valid alignment of the label **'{label}'**? (ε is the blank.)",
        "choice",
        answer,
        f"It collapses to '{collapsed}' ({_path_text(ctc.merge_repeats(path))} without its blanks), "
        + ("which is the label." if answer == YES else "not the label."),
        choices=(YES, NO),
    )


# ---------------------------------------------------------------- reading with CTC (captcha, speech)


def _best_path_question(rng: np.random.Generator, alphabet: ctc.Alphabet, symbols: str, what: str) -> Question:
    steps = int(rng.integers(5, 9))
    chosen = [0, *(alphabet.encode(symbol)[0] for symbol in symbols)]
    probs = np.zeros((steps, alphabet.classes))
    while not ctc.collapse(probs.argmax(axis=1)):  # at least one symbol: an answer field cannot hold "nothing"
        probs = _probability_rows(rng, steps, chosen, alphabet.classes)
    path = [int(c) for c in probs.argmax(axis=1)]
    text = alphabet.decode(ctc.collapse(path))
    header = "| step | " + " | ".join(alphabet.symbol(i) for i in chosen) + " |\n|" + " --- |" * (len(chosen) + 1)
    rows = "\n".join(f"| {t + 1} | " + " | ".join(f"{probs[t, i]:.2f}" for i in chosen) + " |" for t in range(steps))
    return Question(
        f"The {what} outputs these probabilities (ε is the blank; every other symbol has 0). What does the best "
        f"path read?\n\n"
        f"{header}\n{rows}",
        "text",
        text,
        f"Take the most likely symbol at each step: {' '.join(alphabet.symbol(i) for i in path)}; merge repeats "
        f"and drop the blanks: '{text}'.",
    )


def _probability_rows(rng: np.random.Generator, steps: int, chosen: list[int], classes: int) -> np.ndarray:
    """Two-decimal probabilities over the `chosen` classes that sum to 1 at each step, with one clear winner."""
    probs = np.zeros((steps, classes))
    for t in range(steps):
        while True:
            shares = np.round(rng.dirichlet(np.ones(len(chosen)) * 0.6), 2)
            shares[int(np.argmax(shares))] += 1 - shares.sum()
            top = np.sort(shares)
            if top[-1] - top[-2] >= 0.05:
                break
        probs[t, chosen] = shares
    return probs


def captcha_best_path(rng: np.random.Generator) -> Question:
    symbols = "".join(rng.choice(list(CAPTCHA_ALPHABET), size=2, replace=False))
    return _best_path_question(rng, ctc.Alphabet(CAPTCHA_ALPHABET), symbols, "captcha reader")


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
    return _best_path_question(rng, utterances.DIGITS, symbols, "digit reader")


# ---------------------------------------------------------------- topics

QUESTIONS: dict[str, tuple[Callable[[np.random.Generator], Question], ...]] = {
    "conv": (conv_output_shape, conv_parameters, conv_same_padding, conv_possible),
    "cifar": (cifar_layer_question, cifar_flattened, cifar_augmentation),
    "lstm": (lstm_outputs, lstm_parameters, lstm_equal_tensors),
    "forecast": (forecast_window_count, forecast_input_shape),
    "captcha": (captcha_best_path, captcha_steps),
    "ctc": (ctc_collapse, ctc_alignment_count, ctc_min_steps, ctc_valid_path),
    "speech": (speech_steps, speech_best_path),
}


# Questions about what a page shows of its shipped model, asked when the page passes those facts.
FACT_QUESTIONS: dict[str, tuple[Callable[[np.random.Generator, Any], Question], ...]] = {
    "cifar": (cifar_confusion,),
    "forecast": (forecast_lowest_error, forecast_horizon),
}


def _asking_about(
    make: Callable[[np.random.Generator, Any], Question], facts: object
) -> Callable[[np.random.Generator], Question]:
    return lambda rng: make(rng, facts)


def question(topic: str, seed: int, number: int, facts: object | None = None) -> Question:
    """Question `number` of a topic's quiz `seed`: the makers take turns, each with its own seeded draw."""
    makers = [*QUESTIONS[topic]]
    if facts is not None:
        makers += [_asking_about(make, facts) for make in FACT_QUESTIONS.get(topic, ())]
    rng = np.random.default_rng((seed, list(QUESTIONS).index(topic), number))
    return makers[number % len(makers)](rng)
