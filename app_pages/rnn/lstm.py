"""LSTM: sequence patterns, what return_sequences / return_state return, stacking, and the cell's gates."""

import numpy as np
import streamlit as st

from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import quiz_section
from app_pages.common.layout import Tab, keep_in_range, show_tabs
from app_pages.common.take_home import take_home
from core.lstm.grids import gates_grids
from core.lstm.layer import (
    LstmRun,
    describe_outputs,
    gate_biases,
    keras_stack_shapes,
    lstm_cell_trace,
    lstm_param_count,
    random_inputs,
    run_lstm,
    sequence_patterns,
    stack_shapes,
)
from core.lstm.notebook import LstmChoices, lstm_notebook
from core.lstm.plots import pattern_says, pattern_svg, step_bars_figure, tensor_figure

COMBINATION_TEXT = {
    (
        False,
        False,
    ): "**Default: the last hidden state.** One tensor, h at the last time step. Enough for sequence → vector.",
    (
        True,
        False,
    ): "**return_sequences=True: all hidden states.** One tensor with h at every time step. Needed to stack "
    "another LSTM on top, or to predict at every step.",
    (False, True): "**return_state=True: last hidden state + last hidden state (again!) + last cell state.** Three "
    "tensors; the first two are the same h. The states can start another LSTM (an encoder–decoder).",
    (True, True): "**Both: all hidden states + last hidden state + last cell state.** The last row of the first tensor "
    "is the second tensor.",
}


@st.cache_data(max_entries=64, show_spinner="Running keras.layers.LSTM…")
def cached_lstm_run(
    batch: int,
    timesteps: int,
    features: int,
    units: int,
    return_sequences: bool,
    return_state: bool,
    seed: int,
    unit_forget_bias: bool = True,
) -> LstmRun:
    inputs = random_inputs(batch, timesteps, features, seed)
    return run_lstm(inputs, units, return_sequences, return_state, seed, unit_forget_bias)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_stack_shapes(
    batch: int, timesteps: int, features: int, layers: tuple[tuple[int, bool], ...]
) -> list[tuple[int, ...]]:
    return keras_stack_shapes(batch, timesteps, features, list(layers))


@st.cache_resource(max_entries=64, show_spinner=False)
def tensor_figures(
    batch: int, timesteps: int, features: int, units: int, return_sequences: bool, return_state: bool, seed: int
) -> list:
    """The heatmap of each returned tensor, drawn once per setting."""
    run = cached_lstm_run(batch, timesteps, features, units, return_sequences, return_state, seed)
    return [tensor_figure(tensor.value, f"{tensor.expression}, sample 0") for tensor in run.outputs]


@st.cache_resource(max_entries=64, show_spinner=False)
def cell_figures(
    batch: int, timesteps: int, features: int, units: int, seed: int, sample: int, unit_forget_bias: bool, step: int
) -> tuple:
    """The gates over time (tables) and the step's bars from the NumPy trace, and its largest difference from Keras."""
    run = cached_lstm_run(batch, timesteps, features, units, True, False, seed, unit_forget_bias)
    trace = lstm_cell_trace(run.inputs[sample], run.kernel, run.recurrent_kernel, run.bias)
    difference = float(np.abs(trace.h - run.outputs[0].value[sample]).max())
    previous = trace.c[step - 1] if step > 0 else np.zeros(units)
    return difference, gates_grids(trace, step), step_bars_figure(trace, step, previous)


def read_sizes() -> tuple[int, int, int, int, int]:
    columns = st.columns(5)
    batch = columns[0].number_input("Batch B", 1, 8, 2, key="lstm_batch", help="Sequences processed together.")
    timesteps = columns[1].number_input("Timesteps T", 1, 30, 5, key="lstm_timesteps")
    features = columns[2].number_input("Features F", 1, 16, 3, key="lstm_features", help="Numbers per time step.")
    units = columns[3].number_input("Units U", 1, 32, 4, key="lstm_units", help="Size of h and c.")
    seed = columns[4].number_input("Random seed", 0, 9999, 0, key="lstm_seed", help="Draws other inputs and weights.")
    return int(batch), int(timesteps), int(features), int(units), int(seed)


def show_patterns(batch: int, timesteps: int, features: int, units: int) -> None:
    st.markdown(
        "Recurrent networks read and write sequences in four ways. Boxes are time steps; the same LSTM cell is used "
        "at every step, passing its state to the right."
    )
    for pattern in sequence_patterns(batch, timesteps, features, units):
        with st.container(border=True):
            st.markdown(f"**{pattern.name}**: {pattern.description}")
            # Diagram and code side by side where there is room, one under the other on a split screen.
            with st.container(horizontal=True, wrap=True):
                with st.container(width=520):
                    st.image(pattern_svg(pattern, timesteps), width="stretch", alt=pattern_says(pattern, timesteps))
                with st.container(width=400):
                    st.code(pattern.code, language="python", wrap_lines=True)
                    st.markdown(" → ".join(f"`{shape}`" for _, shape in pattern.shapes))


def show_explorer(batch: int, timesteps: int, features: int, units: int, seed: int) -> None:
    left, right = st.columns(2)
    return_sequences = left.toggle("return_sequences", key="lstm_return_sequences")
    return_state = right.toggle("return_state", key="lstm_return_state")
    names = [variable for _, variable in describe_outputs(return_sequences, return_state)]
    st.code(
        f"inputs = np.random.standard_normal(({batch}, {timesteps}, {features}))  # (batch, timesteps, features)\n"
        f"lstm = keras.layers.LSTM({units}, return_sequences={return_sequences}, return_state={return_state})\n"
        f"{', '.join(names)} = lstm(inputs)",
        language="python",
        wrap_lines=True,
    )
    st.info(COMBINATION_TEXT[(return_sequences, return_state)])

    run = cached_lstm_run(batch, timesteps, features, units, return_sequences, return_state, seed)
    st.markdown(f"Python gets **{'a list of 3 tensors' if run.returns_list else 'one tensor'}**:")
    figures = tensor_figures(batch, timesteps, features, units, return_sequences, return_state, seed)
    for tensor, figure in zip(run.outputs, figures, strict=True):
        st.markdown(f"`{tensor.expression}`: {tensor.name}, shape **{tensor.value.shape}**")
        show_chart(st, figure, key=f"lstm_tensor_{tensor.expression}")
    show_identities(run, return_sequences, return_state)


def show_identities(run: LstmRun, return_sequences: bool, return_state: bool) -> None:
    st.markdown("**What holds, checked on these numbers**")
    first = run.outputs[0].value
    last_hidden = first[:, -1, :] if return_sequences else first
    checks = []
    if return_state:
        state_h = run.outputs[1].value
        if return_sequences:
            checks.append(
                ("the last step of the sequence output equals the returned hidden state", last_hidden, state_h)
            )
        else:
            checks.append(("the output equals the returned hidden state (return_sequences is off)", first, state_h))
    trace = lstm_cell_trace(run.inputs[0], run.kernel, run.recurrent_kernel, run.bias)
    checks.append(("the last hidden state equals h_T from the NumPy equations (sample 0)", last_hidden[0], trace.h[-1]))
    if return_state:
        checks.append(
            (
                "the returned cell state equals c_T from the NumPy equations (sample 0)",
                run.outputs[2].value[0],
                trace.c[-1],
            )
        )
    for text, a, b in checks:
        difference = float(np.abs(a - b).max())
        icon = ":green[:material/check_circle:]" if difference < 1e-5 else ":red[:material/cancel:]"
        st.markdown(f"{icon} {text}: largest difference {difference:.1e}")


STACK_SIZES = (2, 3)


def stack_layer_keys(index: int, count: int) -> tuple[str, str, tuple[int, bool]]:
    """The stack's layer `index` of `count`: its widgets' keys, and their defaults (every layer but the last
    returns its sequence, so the stack builds)."""
    return f"lstm_stack_units_{index}", f"lstm_stack_seq_{index}_{count}", (8 // (index + 1), index < count - 1)


def chosen_stack() -> tuple[tuple[int, bool], ...]:
    """The stack as the Stacking tab shows it, from the kept widget values (that tab may be closed)."""
    count = st.session_state.get("lstm_stack_count", STACK_SIZES[0])
    layers = []
    for index in range(count):
        units_key, sequences_key, (units, sequences) = stack_layer_keys(index, count)
        layers.append(
            (int(st.session_state.get(units_key, units)), bool(st.session_state.get(sequences_key, sequences)))
        )
    return tuple(layers)


def show_stacking(batch: int, timesteps: int, features: int) -> None:
    st.markdown("Stack LSTM layers and watch the shapes. An LSTM reads a 3-D input (batch, timesteps, features).")
    count = st.radio("Layers", STACK_SIZES, horizontal=True, key="lstm_stack_count")
    layers = []
    columns = st.columns(3)
    for index in range(count):
        units_key, sequences_key, (units_default, sequences_default) = stack_layer_keys(index, count)
        with columns[index]:
            units = st.number_input(f"LSTM {index + 1} units", 1, 32, units_default, key=units_key)
            sequences = st.toggle(f"LSTM {index + 1} return_sequences", value=sequences_default, key=sequences_key)
            layers.append((int(units), sequences))
    stack = stack_shapes(batch, timesteps, features, layers)
    st.markdown(f"Input: `{(batch, timesteps, features)}`")
    for index, layer in enumerate(stack):
        if layer.problem:
            st.error(f"LSTM {index + 1}: {layer.problem}")
        else:
            st.markdown(
                f"LSTM {index + 1} (units={layer.units}, return_sequences={layer.return_sequences}) → `{layer.output_shape}`"
            )
    if all(layer.problem is None for layer in stack):
        keras_shapes = cached_stack_shapes(batch, timesteps, features, tuple(layers))
        agrees = keras_shapes == [layer.output_shape for layer in stack]
        if agrees:
            st.success("Keras builds this stack with the same shapes.")
        else:
            st.error(f"Keras reports {keras_shapes}.")


def show_cell(batch: int, timesteps: int, features: int, units: int, seed: int) -> None:
    st.markdown("The cell (Hochreiter & Schmidhuber, 1997), at each time step t:")
    st.latex(
        r"""\begin{aligned}
        \mathbf{i}_t &= \sigma(\mathbf{W}_{xi}^T \mathbf{x}_t + \mathbf{W}_{hi}^T \mathbf{h}_{t-1} + \mathbf{b}_i) &
        \mathbf{f}_t &= \sigma(\mathbf{W}_{xf}^T \mathbf{x}_t + \mathbf{W}_{hf}^T \mathbf{h}_{t-1} + \mathbf{b}_f) \\
        \mathbf{o}_t &= \sigma(\mathbf{W}_{xo}^T \mathbf{x}_t + \mathbf{W}_{ho}^T \mathbf{h}_{t-1} + \mathbf{b}_o) &
        \mathbf{g}_t &= \tanh(\mathbf{W}_{xg}^T \mathbf{x}_t + \mathbf{W}_{hg}^T \mathbf{h}_{t-1} + \mathbf{b}_g) \\
        \mathbf{c}_t &= \mathbf{f}_t \otimes \mathbf{c}_{t-1} + \mathbf{i}_t \otimes \mathbf{g}_t &
        \mathbf{y}_t &= \mathbf{h}_t = \mathbf{o}_t \otimes \tanh(\mathbf{c}_t)
        \end{aligned}"""
    )
    left, middle, right = st.columns(3)
    sample = left.number_input("Sample", 0, batch - 1, 0, key="lstm_cell_sample")
    unit_forget_bias = middle.toggle(
        "unit_forget_bias", value=True, key="lstm_unit_forget_bias", help="Keras's default: b_f starts at 1."
    )
    if timesteps == 1:  # a slider needs two ends
        right.markdown("Time step t = 1 (the only one)")
        step = 0
    else:
        keep_in_range("lstm_cell_step", 1, timesteps)
        step = right.slider("Time step t", 1, timesteps, 1, key="lstm_cell_step") - 1

    run = cached_lstm_run(batch, timesteps, features, units, True, False, seed, unit_forget_bias)
    difference, gates, bars = cell_figures(batch, timesteps, features, units, seed, int(sample), unit_forget_bias, step)
    st.caption(
        f"These values come from a NumPy implementation of the equations using the Keras layer's own weights. "
        f"Largest difference from Keras's hidden states: {difference:.1e}."
    )
    st.html(gates)
    st.markdown(
        f"**At t = {step + 1}**: f decides how much of c(t−1) stays, i how much of g enters; o how much of tanh(c) becomes h."
    )
    show_chart(st, bars, key="lstm_step_bars")

    st.markdown("**Parameters**: four gates, each with U×F input weights, U×U recurrent weights and U biases")
    st.latex(
        rf"4 \cdot (U \cdot (U + F) + U) = 4 \cdot ({units} \cdot ({units} + {features}) + {units}) = {lstm_param_count(units, features):,}"
    )
    st.caption(f"The class's forecasting model: U = 100, F = 1 gives {lstm_param_count(100, 1):,}.")
    biases = gate_biases(run.bias)
    st.markdown(
        f"**unit_forget_bias = {unit_forget_bias}**: the forget gate's bias starts at {biases['f'][0]:g} "
        f"(the other gates' at {biases['i'][0]:g}). With b_f = 1, σ(1) ≈ 0.73, so a new network keeps most of its cell "
        "state instead of forgetting everything at the start of training."
    )


st.title("LSTM")
st.markdown(
    "What does `keras.layers.LSTM` give back, and what happens inside it? Choose the sizes once; every section "
    "below uses them."
)
batch, timesteps, features, units, seed = read_sizes()
show_tabs(
    [
        Tab("Sequence patterns", lambda: show_patterns(batch, timesteps, features, units)),
        Tab("return_sequences / return_state", lambda: show_explorer(batch, timesteps, features, units, seed)),
        Tab("Stacking", lambda: show_stacking(batch, timesteps, features)),
        Tab("The cell", lambda: show_cell(batch, timesteps, features, units, seed)),
    ],
    key="lstm_tab",
)
# Read now, in the script's run: the notebook itself is written only when its button is pressed.
choices = LstmChoices(
    batch,
    timesteps,
    features,
    units,
    seed,
    bool(st.session_state.get("lstm_return_sequences", False)),
    bool(st.session_state.get("lstm_return_state", False)),
    chosen_stack(),
)
take_home(
    "lstm",
    lambda: lstm_notebook(choices),
    "these sizes: what the layer returns with your switches, its parameters, its gates in NumPy and your stack",
)
# Below the tabs, not a fifth one: five tabs do not fit a split screen's width.
quiz_section("lstm")
