"""Check yourself on the convolution layer: output shapes, parameters, padding, whether a filter fits."""

from __future__ import annotations

import numpy as np

from core.conv.layer import ConvSpec, PaddingMode, conv_geometry, validate
from core.quiz import NO, YES, Question, shape_text

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


# The makers take turns on the page, in this order.
QUESTIONS = (
    conv_output_shape,
    conv_parameters,
    conv_same_padding,
    conv_possible,
)
