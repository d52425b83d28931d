"""Convolution layer: settings → output shape, parameters, and the window step by step."""

import inspect

import numpy as np
import streamlit as st

from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import quiz_section
from app_pages.common.layout import SETTING_WIDTH, keep_in_range, settings_row
from app_pages.common.take_home import take_home
from core.conv.grids import detail_grids, output_grids, window_grids
from core.conv.layer import (
    ConvGeometry,
    ConvSpec,
    ConvStep,
    conv_geometry,
    conv_step,
    convolve_by_hand,
    keras_conv2d,
    output_formula,
    pad_input,
    random_layer,
)
from core.conv.notebook import conv_notebook
from core.conv.plots import MAX_ANIMATION_STEPS, output_maps_figure, sliding_window_figure

PADDING_CHOICES = ("number p", "valid", "same")
# The padded input is drawn cell by cell; beyond this it stops being readable.
MAX_STEP_VIEW_SIZE = 20
# The setting (spec, seed, filter) whose animation the student asked to play, in their session.
ANIMATION_FOR = "_conv_animation_for"  # outside the page's kept widget prefix


def read_settings() -> tuple[ConvSpec, int]:
    st.header("Settings")
    with settings_row():
        height = st.number_input(
            "Input height n_H", min_value=1, max_value=64, value=6, key="conv_height", width=SETTING_WIDTH
        )
        width = st.number_input(
            "Input width n_W", min_value=1, max_value=64, value=6, key="conv_width", width=SETTING_WIDTH
        )
        channels = st.number_input(
            "Input channels n_C",
            min_value=1,
            max_value=4,
            value=3,
            key="conv_channels",
            help="3 for an RGB picture.",
            width=SETTING_WIDTH,
        )
        filters = st.number_input(
            "Number of filters K",
            min_value=1,
            max_value=8,
            value=2,
            key="conv_k",
            help="Each filter gives one output channel.",
            width=SETTING_WIDTH,
        )
        seed = st.number_input(
            "Random seed",
            min_value=0,
            max_value=9999,
            value=0,
            key="conv_seed",
            help="Draws other input values and filter weights.",
            width=SETTING_WIDTH,
        )
    with settings_row():
        filter_size = st.number_input(
            "Filter size f", min_value=1, max_value=11, value=3, key="conv_f", width=SETTING_WIDTH
        )
        stride = st.number_input(
            "Stride s",
            min_value=0,
            max_value=8,
            value=1,
            key="conv_s",
            help="How many cells the window moves at each step.",
            width=SETTING_WIDTH,
        )
        mode = st.selectbox(
            "Padding",
            PADDING_CHOICES,
            key="conv_padding_mode",
            help="Keras's Conv2D takes 'valid' (p = 0) or 'same' (output size ceil(n/s)); "
            "a number p is what ZeroPadding2D(p) in front of a 'valid' Conv2D does.",
            width=SETTING_WIDTH,
        )
        pad = st.number_input(
            "Padding p (zeros on each side)",
            min_value=0,
            max_value=10,
            value=0,
            key="conv_p",
            disabled=mode != "number p",
            width=SETTING_WIDTH,
        )
    padding = int(pad) if mode == "number p" else mode
    spec = ConvSpec(int(height), int(width), int(channels), int(filter_size), int(stride), padding, int(filters))
    return spec, int(seed)


def show_shape(geometry: ConvGeometry) -> None:
    spec = geometry.spec
    st.header("Output")
    rows, cols, k = geometry.output_shape
    a, b, c = st.columns(3)
    a.metric("Output shape", f"{rows} × {cols} × {k}")
    b.metric("Parameters", f"{geometry.num_params:,}")
    c.metric(
        "Receptive field",
        f"{spec.filter_size} × {spec.filter_size} × {spec.channels}",
        help="The input values that one output value depends on.",
    )

    # Side by side where there is room, one under the other on a split screen.
    with st.container(horizontal=True, wrap=True):
        for name, symbol, axis in (("height", "n_H", geometry.rows), ("width", "n_W", geometry.cols)):
            with st.container(width="content"):
                st.markdown(f"**Output {name}** (n = {symbol})")
                st.latex(output_formula(axis, spec))
    st.markdown("**Parameters**: one weight per filter cell plus one bias, for each filter")
    f, channels = spec.filter_size, spec.channels
    st.latex(
        rf"\begin{{aligned}} &(f \cdot f \cdot n_C + 1) \cdot K \\ "
        rf"&= ({f} \cdot {f} \cdot {channels} + 1) \cdot {spec.filters} = {geometry.num_params:,} \end{{aligned}}"
    )
    st.caption(
        f"Each output value is a weighted sum of {geometry.weights_per_filter:,} input values "
        f"(a window of {f} × {f} cells through all {channels} channels) plus a bias. The output has as many "
        "channels as there are filters, whatever the number of input channels."
    )
    if spec.padding == "same":
        st.caption(
            f"'same' adds {geometry.rows.pad_before} row(s) above and {geometry.rows.pad_after} below, "
            f"{geometry.cols.pad_before} column(s) left and {geometry.cols.pad_after} right; an odd extra zero goes after, as in Keras."
        )
    if max(geometry.rows.unused, geometry.cols.unused):
        st.warning(uncovered_note(geometry))


def uncovered_note(geometry: ConvGeometry) -> str:
    """Why the last padded rows or columns are never under a window, in the words of the padding mode."""
    rows, cols = geometry.rows.unused, geometry.cols.unused
    where = f"the last {rows} padded row(s) and {cols} padded column(s) are never covered by a window"
    if geometry.spec.padding == "same":
        return (
            f"With this stride {where}: 'same' makes ⌈n/s⌉ outputs and pads only as much as those windows need, "
            "so the windows stop before the edge."
        )
    return f"The stride does not divide n + 2p − f evenly: {where}. This is the floor ⌊ ⌋ in the formula."


@st.cache_data(max_entries=128, show_spinner=False)
def step_grids(spec: ConvSpec, seed: int, filter_index: int, step: int) -> tuple[str, str, ConvStep]:
    """The window over the input with the output so far, that step in detail, and its numbers (once per setting)."""
    geometry = conv_geometry(spec)
    x, kernels, bias = random_layer(spec, seed)
    padded = pad_input(x, geometry)
    out_cols = geometry.output_shape[1]
    cell = conv_step(padded, kernels, bias, spec.stride, filter_index, step, out_cols)
    output = convolve_by_hand(x, kernels, bias, geometry)[..., filter_index]
    return window_grids(padded, geometry, cell, step, output), detail_grids(cell, kernels, filter_index), cell


@st.cache_resource(max_entries=16, show_spinner="Building the animation…")
def animation_figure(spec: ConvSpec, seed: int, filter_index: int):
    """The window sliding over the whole input as a plotly animation: built only when a student asks to play it."""
    geometry = conv_geometry(spec)
    x, kernels, bias = random_layer(spec, seed)
    return sliding_window_figure(pad_input(x, geometry), kernels, bias, geometry, filter_index)


def read_step(num_steps: int) -> int:
    """The output cell to show (0-based); one slider drives both the window and the detail."""
    if num_steps == 1:
        st.caption("The output has a single cell: the window fits in one position only.")
        return 0
    keep_in_range("conv_step", 1, num_steps)
    return st.slider("Output cell (row by row)", 1, num_steps, 1, key="conv_step") - 1


def show_animation(spec: ConvSpec, seed: int, filter_index: int) -> None:
    """A button that plays the whole slide; the animation stays until the settings change or it is closed."""
    asked = (spec, seed, filter_index)
    if st.session_state.get(ANIMATION_FOR) != asked:
        st.button(
            "▶ Animate the whole slide",
            key="conv_animate",
            on_click=st.session_state.__setitem__,
            args=(ANIMATION_FOR, asked),
            help="Shows the window sliding over every position.",
        )
        return
    st.button("Close the animation", key="conv_close_animation", on_click=st.session_state.pop, args=(ANIMATION_FOR,))
    st.caption("▶ Play runs the window over the input; the slider under the chart scrubs it.")
    show_chart(st, animation_figure(spec, seed, filter_index), key="conv_animation")


@st.fragment
def show_steps(geometry: ConvGeometry, seed: int) -> None:
    """The window at one output cell and that step in detail; its controls rerun this section alone."""
    st.header("Step by step")
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
    step = read_step(geometry.num_steps)
    window, detail, cell = step_grids(spec, seed, filter_index, step)
    st.caption(
        "The slider moves the window (outlined) and the detail below follows it. Hatched cells are padding zeros; "
        "the output fills in row by row."
    )
    st.html(window)
    show_animation(spec, seed, filter_index)
    st.markdown(f"**One step in detail**: output cell ({cell.row}, {cell.col}) of filter {filter_index}")
    st.html(detail)
    st.latex(
        rf"\begin{{aligned}} & \text{{output}}[{cell.row}, {cell.col}, {filter_index}] \\ &= \sum \text{{products}} + b \\ "
        rf"&= {cell.products.sum():.4g} + ({cell.bias:.4g}) = {cell.value:.4g} \end{{aligned}}"
    )
    st.caption(
        f"The window's top-left corner is at padded row {cell.top}, column {cell.left}: output row {cell.row} × stride {spec.stride}, "
        f"output column {cell.col} × stride {spec.stride}."
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def keras_check(spec: ConvSpec, seed: int) -> tuple[np.ndarray, float]:
    """Keras's output and its largest difference from the hand computation (once per setting)."""
    geometry = conv_geometry(spec)
    x, kernels, bias = random_layer(spec, seed)
    expected = keras_conv2d(x, kernels, bias, geometry)
    by_hand = convolve_by_hand(x, kernels, bias, geometry)
    difference = float(np.abs(expected - by_hand).max()) if expected.shape == by_hand.shape else float("inf")
    return expected, difference


def show_keras_check(spec: ConvSpec, seed: int) -> None:
    st.header("The same layer in Keras")
    with st.spinner("Running keras.layers.Conv2D…"):
        expected, difference = keras_check(spec, seed)
    if difference < 1e-4:
        st.success(
            f"keras.layers.Conv2D with the same weights gives the same {expected.shape} output: largest difference {difference:.2g}."
        )
    else:
        st.error(f"Keras gives shape {expected.shape}, which differs from the hand computation ({difference:.3g}).")
    if max(expected.shape[:2]) <= MAX_STEP_VIEW_SIZE:
        st.html(output_grids(expected, "Keras"))
    else:  # too many cells for a table: a picture of each output channel
        show_chart(st, output_maps_figure(expected, "Keras"), key="conv_keras_output")
    with st.expander("The Keras code that ran"):
        st.code(inspect.getsource(keras_conv2d), language="python", wrap_lines=True)


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
    quiz_section("conv")
    st.stop()

show_shape(geometry)
show_steps(geometry, seed)
show_keras_check(spec, seed)
take_home(
    "conv", lambda: conv_notebook(spec, seed), "this layer: its shape by the formula and in Keras, one value by hand"
)
quiz_section("conv")
