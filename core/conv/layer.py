"""Arithmetic of one convolution layer: output shape, parameters, and the sliding window.

Everything here is plain NumPy so the convolution page can show its numbers before
TensorFlow has even been imported; `keras_conv2d` is the one place that asks Keras to do
the same computation, to show that the hand computation matches a real layer.

Example:
    >>> spec = ConvSpec(height=6, width=6, channels=3, filter_size=3, stride=1, padding=0, filters=2)
    >>> geometry = conv_geometry(spec)
    >>> geometry.output_shape, geometry.num_params
    ((4, 4, 2), 56)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

PaddingMode = Literal["valid", "same"]


@dataclass(frozen=True)
class ConvSpec:
    """The settings of one Conv2D layer and of its input."""

    height: int  # input rows, n_H
    width: int  # input columns, n_W
    channels: int  # input channels, n_C (3 for an RGB picture)
    filter_size: int  # f: every filter is f × f × channels
    stride: int  # s: how many cells the window moves at each step
    padding: int | PaddingMode  # p zero rows/columns on every side, or Keras's "valid" / "same"
    filters: int  # K: number of filters, hence of output channels


@dataclass(frozen=True)
class AxisGeometry:
    """How the window moves along one axis (rows or columns)."""

    size: int  # n
    pad_before: int  # zeros added above / to the left
    pad_after: int  # zeros added below / to the right
    output: int  # number of window positions
    unused: int  # padded cells after the last window that no window ever covers


@dataclass(frozen=True)
class ConvGeometry:
    """Everything the shape calculator reports about a `ConvSpec`."""

    spec: ConvSpec
    rows: AxisGeometry
    cols: AxisGeometry

    @property
    def output_shape(self) -> tuple[int, int, int]:
        return (self.rows.output, self.cols.output, self.spec.filters)

    @property
    def padded_shape(self) -> tuple[int, int, int]:
        rows, cols = self.rows, self.cols
        return (
            rows.size + rows.pad_before + rows.pad_after,
            cols.size + cols.pad_before + cols.pad_after,
            self.spec.channels,
        )

    @property
    def weights_per_filter(self) -> int:
        spec = self.spec
        return spec.filter_size * spec.filter_size * spec.channels

    @property
    def num_params(self) -> int:
        # One weight per cell of the f × f × C filter plus one bias, for each of K filters.
        return (self.weights_per_filter + 1) * self.spec.filters

    @property
    def num_steps(self) -> int:
        return self.rows.output * self.cols.output


def _axis_geometry(size: int, filter_size: int, stride: int, padding: int | PaddingMode) -> AxisGeometry:
    if padding == "same":
        # Keras pads so that the output is ceil(n / s); an odd total goes after (bottom/right).
        output = math.ceil(size / stride)
        total = max((output - 1) * stride + filter_size - size, 0)
        pad_before, pad_after = total // 2, total - total // 2
    else:
        pad_before = pad_after = 0 if padding == "valid" else int(padding)
        output = (size + 2 * pad_before - filter_size) // stride + 1
    padded = size + pad_before + pad_after
    unused = padded - ((output - 1) * stride + filter_size)
    return AxisGeometry(size, pad_before, pad_after, output, unused)


def validate(spec: ConvSpec) -> None:
    """Raise `ValueError` with a sentence a student can act on if `spec` cannot work.

    Raises:
        ValueError: a size below 1, a negative padding, or a filter larger than the
            padded input.
    """
    for name, value in (
        ("Input height", spec.height),
        ("Input width", spec.width),
        ("Channels", spec.channels),
        ("Filter size f", spec.filter_size),
        ("Number of filters K", spec.filters),
    ):
        if value < 1:
            raise ValueError(f"{name} must be at least 1; got {value}.")
    if spec.stride < 1:
        raise ValueError(
            f"Stride s must be at least 1; got {spec.stride}. With s = 0 the window never moves, "
            "so the formula would divide by zero."
        )
    if isinstance(spec.padding, int) and spec.padding < 0:
        raise ValueError(f"Padding p cannot be negative; got {spec.padding}.")
    if spec.padding == "same":
        return
    pad = 0 if spec.padding == "valid" else spec.padding
    for axis, size in (("height", spec.height), ("width", spec.width)):
        if spec.filter_size > size + 2 * pad:
            raise ValueError(
                f"The {spec.filter_size}×{spec.filter_size} filter does not fit in the padded input: "
                f"its {axis} is n + 2p = {size} + 2·{pad} = {size + 2 * pad}. "
                "Use a smaller filter, more padding, or 'same' padding."
            )


def conv_geometry(spec: ConvSpec) -> ConvGeometry:
    """Output shape, padding and parameter count of `spec`.

    Raises:
        ValueError: if `spec` cannot work (see `validate`).
    """
    validate(spec)
    return ConvGeometry(
        spec=spec,
        rows=_axis_geometry(spec.height, spec.filter_size, spec.stride, spec.padding),
        cols=_axis_geometry(spec.width, spec.filter_size, spec.stride, spec.padding),
    )


def output_formula(axis: AxisGeometry, spec: ConvSpec) -> str:
    """The output-size formula for one axis, then the same with the numbers, on two lines (LaTeX).

    Two lines, so that the formula fits a split screen's narrow column.
    """
    f, s = spec.filter_size, spec.stride
    if spec.padding == "same":
        return (
            rf"\begin{{aligned}} n_{{out}} &= \left\lceil \frac{{n}}{{s}} \right\rceil \\ "
            rf"&= \left\lceil \frac{{{axis.size}}}{{{s}}} \right\rceil = {axis.output} \end{{aligned}}"
        )
    p = axis.pad_before
    return (
        rf"\begin{{aligned}} n_{{out}} &= \left\lfloor \frac{{n + 2p - f}}{{s}} \right\rfloor + 1 \\ "
        rf"&= \left\lfloor \frac{{{axis.size} + 2 \cdot {p} - {f}}}{{{s}}} \right\rfloor + 1 = {axis.output} \end{{aligned}}"
    )


def random_layer(spec: ConvSpec, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small integer input, filters and biases, so every product can be checked by eye.

    Returns:
        `(x, kernels, bias)` with shapes `(H, W, C)`, `(f, f, C, K)` and `(K,)`, float32.
    """
    rng = np.random.default_rng(seed)
    f = spec.filter_size
    x = rng.integers(0, 10, size=(spec.height, spec.width, spec.channels))
    kernels = rng.integers(-1, 2, size=(f, f, spec.channels, spec.filters))
    bias = rng.integers(-1, 2, size=(spec.filters,))
    return x.astype(np.float32), kernels.astype(np.float32), bias.astype(np.float32)


def pad_input(x: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Zero-pad `x` (H, W, C) exactly as the layer does."""
    rows, cols = geometry.rows, geometry.cols
    return np.pad(x, ((rows.pad_before, rows.pad_after), (cols.pad_before, cols.pad_after), (0, 0)))


@dataclass(frozen=True)
class ConvStep:
    """One position of the window: what it covers, the products, and their sum."""

    row: int  # output row
    col: int  # output column
    top: int  # first padded-input row the window covers
    left: int  # first padded-input column the window covers
    window: np.ndarray  # (f, f, C) slice of the padded input
    products: np.ndarray  # (f, f, C) window × filter, element by element
    bias: float
    value: float  # sum of the products plus the bias


def conv_step(
    padded: np.ndarray,
    kernels: np.ndarray,
    bias: np.ndarray,
    stride: int,
    filter_index: int,
    step: int,
    output_cols: int,
) -> ConvStep:
    """The window at output cell number `step` (row-major) for filter `filter_index`."""
    row, col = divmod(step, output_cols)
    f = kernels.shape[0]
    top, left = row * stride, col * stride
    window = padded[top : top + f, left : left + f, :]
    products = window * kernels[..., filter_index]
    b = float(bias[filter_index])
    return ConvStep(row, col, top, left, window, products, b, float(products.sum()) + b)


def convolve_by_hand(x: np.ndarray, kernels: np.ndarray, bias: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """The layer's output computed window by window, as the page explains it.

    Returns:
        Array of shape `geometry.output_shape`.
    """
    padded = pad_input(x, geometry)
    out_rows, out_cols, num_filters = geometry.output_shape
    out = np.zeros((out_rows, out_cols, num_filters), dtype=np.float32)
    for k in range(num_filters):
        for step in range(out_rows * out_cols):
            cell = conv_step(padded, kernels, bias, geometry.spec.stride, k, step, out_cols)
            out[cell.row, cell.col, k] = cell.value
    return out


def keras_conv2d(x: np.ndarray, kernels: np.ndarray, bias: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Run a real `keras.layers.Conv2D` with the given weights on `x`.

    A numeric padding p is not a Conv2D option, so it is done the Keras way: a
    `ZeroPadding2D(p)` in front of a `valid` convolution. 'valid' and 'same' go to
    Conv2D itself.
    """
    import keras  # imported here: TensorFlow takes seconds to load and the shape maths does not need it
    from keras import layers

    spec = geometry.spec
    inputs = keras.Input(shape=x.shape)
    hidden = inputs
    if isinstance(spec.padding, int):
        hidden = layers.ZeroPadding2D(padding=spec.padding)(hidden)
    conv = layers.Conv2D(
        filters=spec.filters,
        kernel_size=spec.filter_size,
        strides=spec.stride,
        padding="same" if spec.padding == "same" else "valid",
    )
    outputs = conv(hidden)
    conv.set_weights([kernels, bias])
    model = keras.Model(inputs, outputs)
    return np.asarray(model(x[np.newaxis], training=False))[0]
