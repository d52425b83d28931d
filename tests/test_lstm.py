"""Tests of the LSTM helpers: the NumPy cell against Keras, the returned shapes, stacking."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.lstm.layer import (
    gate_biases,
    keras_stack_shapes,
    lstm_cell_trace,
    lstm_param_count,
    random_inputs,
    run_lstm,
    sequence_patterns,
    stack_shapes,
)


def test_param_count_matches_the_material_and_keras():
    """Test that U=100, F=1 gives the material's 40,800, and that Keras agrees for other sizes."""
    import keras

    assert lstm_param_count(units=100, features=1) == 40_800
    for units, features in ((4, 3), (32, 16), (1, 1)):
        layer = keras.layers.LSTM(units)
        layer.build((None, 5, features))
        assert layer.count_params() == lstm_param_count(units, features)


@pytest.mark.parametrize(
    ("batch", "timesteps", "features", "units"), [(1, 1, 1, 1), (2, 5, 3, 4), (3, 12, 7, 16), (1, 30, 16, 32)]
)
def test_numpy_cell_matches_keras(batch, timesteps, features, units):
    """Test that the NumPy equations with the layer's own weights reproduce Keras's h and c to 1e-5."""
    inputs = random_inputs(batch, timesteps, features, seed=timesteps)
    run = run_lstm(inputs, units, return_sequences=True, return_state=True, seed=7)
    for sample in range(batch):
        trace = lstm_cell_trace(inputs[sample], run.kernel, run.recurrent_kernel, run.bias)
        np.testing.assert_allclose(trace.h, run.outputs[0].value[sample], atol=1e-5)
        np.testing.assert_allclose(trace.c[-1], run.outputs[2].value[sample], atol=1e-5)
    assert np.all((trace.i >= 0) & (trace.i <= 1)) and np.all((trace.f >= 0) & (trace.f <= 1))


@pytest.mark.parametrize(("return_sequences", "return_state"), list(itertools.product((False, True), repeat=2)))
def test_every_toggle_combination_returns_the_documented_shapes(return_sequences, return_state):
    """Test that Keras returns what the page says: one tensor or three, with the predicted shapes."""
    inputs = random_inputs(2, 5, 3, seed=0)
    run = run_lstm(inputs, 4, return_sequences, return_state, seed=0)
    first = (2, 5, 4) if return_sequences else (2, 4)  # (batch, timesteps, units) or the last step's (batch, units)
    expected = [first, (2, 4), (2, 4)] if return_state else [first]
    assert [t.value.shape for t in run.outputs] == expected
    assert run.returns_list == return_state
    if return_state:
        last_step = run.outputs[0].value[:, -1] if return_sequences else run.outputs[0].value
        np.testing.assert_allclose(last_step, run.outputs[1].value, atol=1e-6)


def test_unit_forget_bias_sets_only_the_forget_gate_bias_to_one():
    """Test that unit_forget_bias gives b_f = 1 and the other biases 0, and turning it off gives all 0."""
    inputs = random_inputs(1, 3, 2, seed=0)
    biases = gate_biases(run_lstm(inputs, 4, False, False, seed=0).bias)
    assert biases["f"].tolist() == [1.0] * 4
    assert biases["i"].tolist() == biases["g"].tolist() == biases["o"].tolist() == [0.0] * 4
    off = gate_biases(run_lstm(inputs, 4, False, False, seed=0, unit_forget_bias=False).bias)
    assert off["f"].tolist() == [0.0] * 4


def test_stack_without_return_sequences_is_explained():
    """Test that an LSTM fed the 2-D output of a layer without return_sequences gets a reason, not a crash."""
    stack = stack_shapes(2, 5, 3, [(8, False), (4, False), (2, False)])
    assert stack[0].output_shape == (2, 8)
    assert stack[1].output_shape is None and "Turn on return_sequences on LSTM 1" in stack[1].problem
    assert stack[2].problem is not None


def test_valid_stack_shapes_match_keras():
    """Test that the predicted stack shapes are those Keras reports."""
    layers = [(8, True), (6, True), (4, False)]
    predicted = [layer.output_shape for layer in stack_shapes(2, 5, 3, layers)]
    assert predicted == keras_stack_shapes(2, 5, 3, layers) == [(2, 5, 8), (2, 5, 6), (2, 4)]


def test_sequence_pattern_shapes_match_keras():
    """Test that each pattern's listed shapes are what its Keras stack produces."""
    import keras
    from keras import layers

    batch, timesteps, features, units = 2, 5, 3, 4
    stacks = [
        [layers.LSTM(units, return_sequences=True), layers.Dense(1)],
        [layers.LSTM(units), layers.Dense(1)],
        [layers.RepeatVector(timesteps), layers.LSTM(units, return_sequences=True), layers.Dense(1)],
        [
            layers.LSTM(units),
            layers.RepeatVector(timesteps),
            layers.LSTM(units, return_sequences=True),
            layers.Dense(1),
        ],
    ]
    for pattern, stack in zip(sequence_patterns(batch, timesteps, features, units), stacks, strict=True):
        hidden = keras.Input(batch_shape=pattern.shapes[0][1])
        shapes = [tuple(hidden.shape)]
        for layer in stack:
            hidden = layer(hidden)
            shapes.append(tuple(hidden.shape))
        assert shapes == [shape for _, shape in pattern.shapes], pattern.name


def test_pattern_diagrams_feed_every_step_that_reads_an_input():
    """Test that RepeatVector's x and the decoder's repeated h are drawn under every step that reads them."""
    from core.lstm.plots import pattern_boxes, pattern_svg

    patterns = {pattern.name: pattern for pattern in sequence_patterns(2, 4, 3, 5)}

    def labels(name: str, row: int) -> list[str]:
        return [box.label + box.subscript for box in pattern_boxes(patterns[name], 4)[1] if box.row == row]

    assert labels("Vector to sequence", 0) == ["x"] * 4  # the same vector at each of the 4 steps
    assert labels("Sequence to vector", 2) == ["ŷ"]
    encoder_decoder = "Delayed sequence to sequence (encoder–decoder)"
    assert labels(encoder_decoder, 0) == ["x1", "x2", "x3", "x4"] + ["h4"] * 4
    assert labels(encoder_decoder, 1) == ["enc"] * 4 + ["dec"] * 4
    assert "# decoder" in patterns[encoder_decoder].code
    svg = pattern_svg(patterns[encoder_decoder], 4)
    assert svg.startswith("<svg") and svg.count("<rect") == 8 + 8 + 4
