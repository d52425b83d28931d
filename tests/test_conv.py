"""Tests of the convolution arithmetic against a real `keras.layers.Conv2D`."""

import itertools
import re

import numpy as np
import pytest

from core.conv.layer import ConvSpec, conv_geometry, convolve_by_hand, keras_conv2d, random_layer

SIZES = (5, 7, 8)
FILTERS = (1, 2, 3, 5)
STRIDES = (1, 2, 3)
PADDINGS = (0, 1, 2, "valid", "same")
COMBINATIONS = [
    (n, f, s, p)
    for n, f, s, p in itertools.product(SIZES, FILTERS, STRIDES, PADDINGS)
    if p == "same" or f <= n + 2 * (0 if p == "valid" else p)
]


def test_material_example():
    """Test that the material's slide (6×6×3, f=3, s=1, p=0, 2 filters) gives 4×4×2 and 56 parameters."""
    geometry = conv_geometry(ConvSpec(6, 6, 3, 3, 1, 0, 2))
    assert geometry.output_shape == (4, 4, 2)
    assert geometry.num_params == (3 * 3 * 3 + 1) * 2


@pytest.mark.parametrize(("n", "f", "s", "p"), COMBINATIONS)
def test_shape_params_and_values_match_keras(n, f, s, p):
    """Test that the formula's shape, the parameter count and the hand computation all match Keras."""
    from keras import layers

    spec = ConvSpec(height=n, width=n + 1, channels=2, filter_size=f, stride=s, padding=p, filters=3)
    geometry = conv_geometry(spec)
    x, kernels, bias = random_layer(spec, seed=n * 100 + f * 10 + s)

    expected = keras_conv2d(x, kernels, bias, geometry)
    assert expected.shape == geometry.output_shape
    np.testing.assert_allclose(convolve_by_hand(x, kernels, bias, geometry), expected, atol=1e-4)

    layer = layers.Conv2D(3, f, strides=s)
    layer.build((None, n, n + 1, 2))
    assert layer.count_params() == geometry.num_params


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ConvSpec(4, 4, 1, 5, 1, 0, 1), "does not fit"),
        (ConvSpec(4, 4, 1, 7, 1, 1, 1), "n + 2p = 4 + 2·1 = 6"),
        (ConvSpec(6, 6, 1, 3, 0, 0, 1), "Stride s must be at least 1"),
        (ConvSpec(6, 6, 0, 3, 1, 0, 1), "Channels must be at least 1"),
        (ConvSpec(6, 6, 1, 3, 1, -1, 1), "cannot be negative"),
    ],
)
def test_impossible_settings_explain_themselves(spec, message):
    """Test that impossible settings raise a ValueError that says what is wrong."""
    with pytest.raises(ValueError, match=re.escape(message)):
        conv_geometry(spec)


def test_same_padding_keeps_ceil_and_pads_after():
    """Test that 'same' gives ceil(n/s) and puts the odd extra zero after, as Keras does."""
    geometry = conv_geometry(ConvSpec(6, 6, 1, 4, 2, "same", 1))
    assert geometry.output_shape[:2] == (3, 3)
    assert (geometry.rows.pad_before, geometry.rows.pad_after) == (1, 1)
    geometry = conv_geometry(ConvSpec(5, 5, 1, 2, 1, "same", 1))
    assert (geometry.rows.pad_before, geometry.rows.pad_after) == (0, 1)


def test_unused_cells_reported_when_stride_does_not_divide():
    """Test that cells the window never reaches (n + 2p - f not a multiple of s) are counted."""
    geometry = conv_geometry(ConvSpec(8, 8, 1, 3, 2, 0, 1))
    assert geometry.rows.output == 3
    assert geometry.rows.unused == 1
