"""The LSTM layer made visible: what `return_sequences` / `return_state` return, and the cell's gates.

`run_lstm` runs a real `keras.layers.LSTM`; `lstm_cell_trace` recomputes the same layer in
NumPy from the layer's own weights, one time step at a time, keeping every gate so the page
can show them. The two agree to float32 precision.

Example:
    >>> lstm_param_count(units=100, features=1)
    40800
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Keras packs the four gates side by side in this order in its kernel, recurrent kernel and bias.
GATE_ORDER = ("i", "f", "g", "o")


def lstm_param_count(units: int, features: int) -> int:
    """Weights of one LSTM layer: 4 gates, each with U×F input, U×U recurrent weights and U biases."""
    return 4 * (units * (units + features) + units)


@dataclass(frozen=True)
class NamedTensor:
    """One tensor the layer returns, as Python receives it."""

    name: str  # what it is, e.g. "all hidden states"
    expression: str  # how the student's code would name it, e.g. "whole_sequence_output"
    value: np.ndarray


@dataclass(frozen=True)
class LstmRun:
    """The result of calling a Keras LSTM on one input."""

    inputs: np.ndarray  # (B, T, F)
    outputs: tuple[NamedTensor, ...]  # one tensor, or three with return_state
    returns_list: bool  # True when Python gets a list of three tensors
    kernel: np.ndarray  # (F, 4U), gates in GATE_ORDER
    recurrent_kernel: np.ndarray  # (U, 4U)
    bias: np.ndarray  # (4U,)


def describe_outputs(return_sequences: bool, return_state: bool) -> list[tuple[str, str]]:
    """(name, variable) of each tensor the layer returns, in the order Keras returns them."""
    first = ("all hidden states", "whole_sequence_output") if return_sequences else ("last hidden state", "output")
    if not return_state:
        return [first]
    return [first, ("last hidden state", "final_hidden_state"), ("last cell state", "final_cell_state")]


def random_inputs(batch: int, timesteps: int, features: int, seed: int) -> np.ndarray:
    """A seeded standard-normal input of shape (B, T, F)."""
    return np.random.default_rng(seed).standard_normal((batch, timesteps, features)).astype(np.float32)


def run_lstm(
    inputs: np.ndarray,
    units: int,
    return_sequences: bool,
    return_state: bool,
    seed: int,
    unit_forget_bias: bool = True,
) -> LstmRun:
    """Call a freshly built `keras.layers.LSTM` (seeded weights) on `inputs` of shape (B, T, F)."""
    import keras  # imported here: TensorFlow takes seconds to load

    layer = keras.layers.LSTM(
        units,
        return_sequences=return_sequences,
        return_state=return_state,
        unit_forget_bias=unit_forget_bias,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
    )
    result = layer(inputs)
    tensors = list(result) if return_state else [result]
    names = describe_outputs(return_sequences, return_state)
    outputs = tuple(
        NamedTensor(name, expression, np.asarray(t)) for (name, expression), t in zip(names, tensors, strict=True)
    )
    kernel, recurrent_kernel, bias = (np.asarray(w) for w in layer.get_weights())
    return LstmRun(inputs, outputs, return_state, kernel, recurrent_kernel, bias)


@dataclass(frozen=True)
class CellTrace:
    """Every gate and state of the cell at every time step for one sample, each (T, U)."""

    i: np.ndarray  # input gate: how much of the candidate enters the cell
    f: np.ndarray  # forget gate: how much of the old cell state is kept
    g: np.ndarray  # candidate values, tanh
    o: np.ndarray  # output gate: how much of the cell state is shown as h
    c: np.ndarray  # cell state (long-term memory)
    h: np.ndarray  # hidden state = output (short-term memory)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def lstm_cell_trace(x: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray) -> CellTrace:
    """Run the LSTM equations in NumPy on one sequence x of shape (T, F), starting from h = c = 0.

    Uses Keras's layout: `z = x·W + h·U + b` holds the four gates side by side in the
    order i, f, g, o.
    """
    units = recurrent_kernel.shape[0]
    h = np.zeros(units, dtype=np.float64)
    c = np.zeros(units, dtype=np.float64)
    trace: dict[str, list[np.ndarray]] = {name: [] for name in ("i", "f", "g", "o", "c", "h")}
    for x_t in x.astype(np.float64):
        z = x_t @ kernel + h @ recurrent_kernel + bias  # (4U,)
        z_i, z_f, z_g, z_o = np.split(z, 4)
        i, f, g, o = _sigmoid(z_i), _sigmoid(z_f), np.tanh(z_g), _sigmoid(z_o)
        c = f * c + i * g
        h = o * np.tanh(c)
        for name, value in (("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)):
            trace[name].append(value)
    return CellTrace(**{name: np.stack(values) for name, values in trace.items()})


def gate_biases(bias: np.ndarray) -> dict[str, np.ndarray]:
    """The bias vector split per gate (Keras order i, f, g, o)."""
    return dict(zip(GATE_ORDER, np.split(bias, 4), strict=True))


@dataclass(frozen=True)
class StackLayer:
    """One LSTM layer of a stack, and what it outputs (or why it cannot run)."""

    units: int
    return_sequences: bool
    output_shape: tuple[int, ...] | None  # None when the layer cannot take its input
    problem: str | None


def stack_shapes(batch: int, timesteps: int, features: int, layers: list[tuple[int, bool]]) -> list[StackLayer]:
    """Output shape of each LSTM in a stack of (units, return_sequences), or the reason it fails.

    An LSTM needs a 3-D input (batch, timesteps, features). A layer without
    `return_sequences` outputs 2-D (batch, units), so nothing recurrent can follow it.
    """
    result: list[StackLayer] = []
    shape: tuple[int, ...] | None = (batch, timesteps, features)
    for index, (units, return_sequences) in enumerate(layers):
        if shape is None:
            result.append(StackLayer(units, return_sequences, None, "its input never arrives: an earlier layer fails."))
            continue
        if len(shape) != 3:
            previous = index  # 1-based number of the previous layer
            problem = (
                f"LSTM {index + 1} needs a 3-D input (batch, timesteps, features), but LSTM {previous} returns "
                f"{shape}: only its last hidden state, because its return_sequences is off. "
                f"Turn on return_sequences on LSTM {previous} so that it hands over one hidden state per time step."
            )
            result.append(StackLayer(units, return_sequences, None, problem))
            shape = None
            continue
        shape = (batch, timesteps, units) if return_sequences else (batch, units)
        result.append(StackLayer(units, return_sequences, shape, None))
    return result


def keras_stack_shapes(
    batch: int, timesteps: int, features: int, layers: list[tuple[int, bool]]
) -> list[tuple[int, ...]]:
    """The output shapes Keras itself reports for a stack that can work (checks `stack_shapes`)."""
    import keras

    inputs = keras.Input(batch_shape=(batch, timesteps, features))
    hidden = inputs
    shapes = []
    for units, return_sequences in layers:
        hidden = keras.layers.LSTM(units, return_sequences=return_sequences)(hidden)
        shapes.append(tuple(hidden.shape))
    return shapes


@dataclass(frozen=True)
class SequencePattern:
    """One of the four input/output patterns of the material, with the Keras stack that realises it."""

    name: str
    description: str
    input_steps: int  # boxes drawn for the input (1 for a vector)
    output_steps: int  # boxes drawn for the output
    delayed: bool  # outputs start only after the whole input was read
    code: str  # the Keras layers, with the chosen sizes filled in
    shapes: list[tuple[str, tuple[int, ...]]]  # (layer, output shape) after each layer


def sequence_patterns(batch: int, timesteps: int, features: int, units: int) -> list[SequencePattern]:
    """The four patterns with shapes for batch B, timesteps T, features F and units U."""
    B, T, F, U = batch, timesteps, features, units  # noqa: N806 (the material's letters)
    return [
        SequencePattern(
            "Sequence to sequence",
            "An output at every step, e.g. tomorrow's value from each day so far.",
            T,
            T,
            False,
            f"keras.Input(shape=({T}, {F}))\nlayers.LSTM({U}, return_sequences=True)\nlayers.Dense(1)",
            [("Input", (B, T, F)), ("LSTM, return_sequences=True", (B, T, U)), ("Dense(1), per step", (B, T, 1))],
        ),
        SequencePattern(
            "Sequence to vector",
            "One output after reading the whole sequence, e.g. the sentiment of a review.",
            T,
            1,
            True,
            f"keras.Input(shape=({T}, {F}))\nlayers.LSTM({U})\nlayers.Dense(1)",
            [("Input", (B, T, F)), ("LSTM (last hidden state)", (B, U)), ("Dense(1)", (B, 1))],
        ),
        SequencePattern(
            "Vector to sequence",
            "One input vector fed to every step by RepeatVector, e.g. a caption from an image's features.",
            1,
            T,
            False,
            f"keras.Input(shape=({F},))\nlayers.RepeatVector({T})\nlayers.LSTM({U}, return_sequences=True)\nlayers.Dense(1)",
            [
                ("Input", (B, F)),
                (f"RepeatVector({T})", (B, T, F)),
                ("LSTM, return_sequences=True", (B, T, U)),
                ("Dense(1), per step", (B, T, 1)),
            ],
        ),
        SequencePattern(
            "Delayed sequence to sequence (encoder–decoder)",
            "Read everything first, then answer step by step from the encoder's last hidden state, e.g. translation.",
            T,
            T,
            True,
            f"keras.Input(shape=({T}, {F}))\n# encoder: reads the T steps\nlayers.LSTM({U})\n"
            f"# its last h, once per output step\nlayers.RepeatVector({T})\n"
            f"# decoder: one output per step\nlayers.LSTM({U}, return_sequences=True)\nlayers.Dense(1)",
            [
                ("Input", (B, T, F)),
                ("LSTM encoder (last hidden state)", (B, U)),
                (f"RepeatVector({T})", (B, T, U)),
                ("LSTM decoder, return_sequences=True", (B, T, U)),
                ("Dense(1), per step", (B, T, 1)),
            ],
        ),
    ]
