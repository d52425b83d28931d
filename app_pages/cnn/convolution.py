"""Convolution layer: settings → output shape, parameters, and the window step by step."""

import inspect
import time

import numpy as np
import streamlit as st

from core.conv import (
    ConvGeometry,
    ConvSpec,
    conv_geometry,
    conv_step,
    convolve_by_hand,
    keras_conv2d,
    output_formula,
    pad_input,
    random_layer,
)
from core.conv_plots import MAX_ANIMATION_STEPS, output_maps_figure, sliding_window_figure, step_detail_figure

PADDING_CHOICES = ("number p", "valid", "same")
# The padded input is drawn cell by cell; beyond this it stops being readable.
MAX_STEP_VIEW_SIZE = 20


@st.cache_data(max_entries=64, show_spinner=False)
def keras_output(spec: ConvSpec, seed: int) -> np.ndarray:
    """The output of a real Keras Conv2D with the page's weights (cached: building it costs ~0.1 s)."""
    x, kernels, bias = random_layer(spec, seed)
    return keras_conv2d(x, kernels, bias, conv_geometry(spec))


def read_settings() -> tuple[ConvSpec, int]:
    st.subheader("Settings")
    row1 = st.columns(5)
    height = row1[0].number_input("Input height n_H", min_value=1, max_value=64, value=6, key="conv_height")
    width = row1[1].number_input("Input width n_W", min_value=1, max_value=64, value=6, key="conv_width")
    channels = row1[2].number_input(
        "Input channels n_C", min_value=1, max_value=4, value=3, key="conv_channels", help="3 for an RGB picture."
    )
    filters = row1[3].number_input(
        "Number of filters K",
        min_value=1,
        max_value=8,
        value=2,
        key="conv_k",
        help="Each filter gives one output channel.",
    )
    row2 = st.columns(5)
    filter_size = row2[0].number_input("Filter size f", min_value=1, max_value=11, value=3, key="conv_f")
    stride = row2[1].number_input(
        "Stride s",
        min_value=0,
        max_value=8,
        value=1,
        key="conv_s",
        help="How many cells the window moves at each step.",
    )
    mode = row2[2].selectbox(
        "Padding",
        PADDING_CHOICES,
        key="conv_padding_mode",
        help="Keras's Conv2D takes 'valid' (p = 0) or 'same' (output size ceil(n/s)); "
        "a number p is what ZeroPadding2D(p) in front of a 'valid' Conv2D does.",
    )
    pad = row2[3].number_input(
        "Padding p (zeros on each side)", min_value=0, max_value=10, value=0, key="conv_p", disabled=mode != "number p"
    )
    seed = row1[4].number_input(
        "Random seed",
        min_value=0,
        max_value=9999,
        value=0,
        key="conv_seed",
        help="Draws other input values and filter weights.",
    )
    padding = int(pad) if mode == "number p" else mode
    spec = ConvSpec(int(height), int(width), int(channels), int(filter_size), int(stride), padding, int(filters))
    return spec, int(seed)


def show_shape(geometry: ConvGeometry) -> None:
    spec = geometry.spec
    st.subheader("Output")
    rows, cols, k = geometry.output_shape
    a, b, c = st.columns(3)
    a.metric("Output shape", f"{rows} × {cols} × {k}")
    b.metric("Parameters", f"{geometry.num_params:,}")
    c.metric("Receptive field of one output value", f"{spec.filter_size} × {spec.filter_size} × {spec.channels}")

    left, right = st.columns(2)
    left.markdown("**Output height** (n = n_H)")
    left.latex(output_formula(geometry.rows, spec))
    right.markdown("**Output width** (n = n_W)")
    right.latex(output_formula(geometry.cols, spec))
    st.markdown("**Parameters**: one weight per filter cell plus one bias, for each filter")
    f, channels = spec.filter_size, spec.channels
    st.latex(
        rf"(f \cdot f \cdot n_C + 1) \cdot K = ({f} \cdot {f} \cdot {channels} + 1) \cdot {spec.filters} = {geometry.num_params:,}"
    )
    st.caption(
        f"Each output value is a weighted sum of {geometry.weights_per_filter} input values "
        f"(an {f} × {f} window through all {channels} channels) plus a bias. The output has as many channels as "
        "there are filters, whatever the number of input channels."
    )
    if spec.padding == "same":
        st.caption(
            f"'same' adds {geometry.rows.pad_before} row(s) above and {geometry.rows.pad_after} below, "
            f"{geometry.cols.pad_before} column(s) left and {geometry.cols.pad_after} right; an odd extra zero goes after, as in Keras."
        )
    unused = max(geometry.rows.unused, geometry.cols.unused)
    if unused:
        st.warning(
            f"The stride does not divide n + 2p − f evenly: the last {geometry.rows.unused} padded row(s) and "
            f"{geometry.cols.unused} padded column(s) are never covered by a window. This is the floor in the formula."
        )


def let_numbers_paint_first() -> None:
    """On a session's first run, pause briefly before the first chart.

    Streamlit streams elements as the script makes them, but when the numbers and the
    charts arrive in one burst the browser paints nothing until it has loaded plotly.js
    (a second or more on a slow laptop). A short pause lets the numbers go out alone.
    """
    if not st.session_state.get("conv_numbers_painted"):
        st.session_state.conv_numbers_painted = True
        time.sleep(0.2)


def show_steps(geometry: ConvGeometry, x: np.ndarray, kernels: np.ndarray, bias: np.ndarray) -> None:
    st.subheader("Step by step")
    padded_rows, padded_cols, _ = geometry.padded_shape
    if max(padded_rows, padded_cols) > MAX_STEP_VIEW_SIZE or geometry.num_steps > MAX_ANIMATION_STEPS:
        st.info(
            f"The step-by-step view draws every cell, so it needs a padded input of at most {MAX_STEP_VIEW_SIZE} × "
            f"{MAX_STEP_VIEW_SIZE} (this one is {padded_rows} × {padded_cols}). The shapes above hold for any size."
        )
        return
    spec = geometry.spec
    filter_index = st.radio(
        "Filter", range(spec.filters), horizontal=True, format_func=lambda k: f"filter {k}", key="conv_filter"
    )
    padded = pad_input(x, geometry)
    st.caption(
        "Press ▶ Play or drag the slider. The dotted line is the edge of the input; cells outside it are padding zeros."
    )
    st.plotly_chart(sliding_window_figure(padded, kernels, bias, geometry, filter_index), key="conv_animation")

    st.markdown("**One step in detail**")
    step = st.slider("Output cell (row by row)", 1, geometry.num_steps, 1, key="conv_step") - 1
    cell = conv_step(padded, kernels, bias, spec.stride, filter_index, step, geometry.output_shape[1])
    st.plotly_chart(step_detail_figure(cell, kernels, filter_index), key="conv_step_detail")
    st.latex(
        rf"\text{{output}}[{cell.row}, {cell.col}, {filter_index}] = \sum \text{{products}} + b "
        rf"= {cell.products.sum():.4g} + ({cell.bias:.4g}) = {cell.value:.4g}"
    )
    st.caption(
        f"The window's top-left corner is at padded row {cell.top}, column {cell.left}: output row {cell.row} × stride {spec.stride}, "
        f"output column {cell.col} × stride {spec.stride}."
    )


def show_keras_check(geometry: ConvGeometry, spec: ConvSpec, seed: int, by_hand: np.ndarray) -> None:
    st.subheader("The same layer in Keras")
    with st.spinner("Running keras.layers.Conv2D…"):
        expected = keras_output(spec, seed)
    difference = float(np.abs(expected - by_hand).max())
    if expected.shape == by_hand.shape and difference < 1e-4:
        st.success(
            f"keras.layers.Conv2D with the same weights gives the same {expected.shape} output: largest difference {difference:.2g}."
        )
    else:
        st.error(
            f"Keras gives shape {expected.shape}, the hand computation {by_hand.shape}; largest difference {difference:.3g}."
        )
    st.plotly_chart(output_maps_figure(expected, "Keras"), key="conv_keras_output")
    with st.expander("The Keras code that ran"):
        st.code(inspect.getsource(keras_conv2d), language="python")


st.title("Convolution layer")
st.markdown(
    "A convolution layer slides each of its **K** filters (f × f × n_C weights and a bias) over the input with stride "
    "**s**, after adding **p** rows and columns of zeros around it. Every position gives one number; each filter gives "
    "one output channel. The defaults are the class example: a 6 × 6 × 3 input, f = 3, s = 1, p = 0 and 2 filters → "
    "4 × 4 × 2."
)
spec, seed = read_settings()
try:
    geometry = conv_geometry(spec)
except ValueError as error:
    st.error(str(error))
    st.stop()

show_shape(geometry)
x, kernels, bias = random_layer(spec, seed)
let_numbers_paint_first()
show_steps(geometry, x, kernels, bias)
show_keras_check(geometry, spec, seed, convolve_by_hand(x, kernels, bias, geometry))
