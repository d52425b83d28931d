"""Plotly figures for the LSTM page: sequence patterns, returned tensors, gates over time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.lstm import CellTrace, SequencePattern
from core.plot_style import readable

# Past this many time steps the pattern diagrams draw a "…" instead of every box.
MAX_DRAWN_STEPS = 5
COLORS = {"x": "#1976D2", "cell": "#C2185B", "y": "#2E7D32", "state": "#7B1FA2"}


def _box(fig: go.Figure, x: float, y: float, label: str, color: str) -> None:
    fig.add_shape(
        type="rect", x0=x - 0.35, x1=x + 0.35, y0=y - 0.3, y1=y + 0.3, fillcolor=color, opacity=0.85, line_width=0
    )
    fig.add_annotation(x=x, y=y, text=label, showarrow=False, font=dict(color="white", size=13))


def _arrow(fig: go.Figure, start: tuple[float, float], end: tuple[float, float]) -> None:
    fig.add_annotation(
        x=end[0],
        y=end[1],
        ax=start[0],
        ay=start[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        arrowhead=3,
        arrowwidth=1.6,
        arrowcolor="#555",
    )


def _step_labels(count: int) -> list[str]:
    """Subscripts for `count` boxes, eliding the middle of long sequences."""
    if count <= MAX_DRAWN_STEPS:
        return [str(t) for t in range(1, count + 1)]
    return ["1", "2", "…", str(count - 1), str(count)]


def pattern_figure(pattern: SequencePattern, timesteps: int) -> go.Figure:
    """Time steps as boxes: inputs (bottom), LSTM cells (middle), outputs ŷ (top), arrows between.

    A vector input that `RepeatVector` feeds to every step is drawn under every step as the
    same x; an encoder–decoder's decoder steps each get the encoder's last hidden state h.
    """
    steps = _step_labels(timesteps)
    encoder = len(steps)
    columns = encoder * 2 if pattern.delayed and pattern.output_steps > 1 else encoder
    fig = go.Figure()
    for column in range(columns):
        # Ten boxes leave no room for "LSTM": the encoder–decoder's say which of its two LSTMs they are.
        label = "LSTM" if columns == encoder else ("enc" if column < encoder else "dec")
        _box(fig, column, 1, label, COLORS["cell"])
        if column > 0:
            _arrow(fig, (column - 0.65, 1), (column - 0.35, 1))
    if pattern.input_steps > 1:
        inputs = [(column, f"x<sub>{label}</sub>", COLORS["x"]) for column, label in enumerate(steps)]
    else:  # RepeatVector: the one input vector at every step
        inputs = [(column, "x", COLORS["x"]) for column in range(columns)]
    if columns > encoder:  # the decoder reads the encoder's last hidden state, repeated
        inputs += [(column, f"h<sub>{steps[-1]}</sub>", COLORS["state"]) for column in range(encoder, columns)]
    for column, label, color in inputs:
        _box(fig, column, 0, label, color)
        _arrow(fig, (column, 0.3), (column, 0.7))
    if pattern.output_steps == 1:
        output_columns = [columns - 1]
    else:
        output_columns = list(range(columns - encoder, columns))
    for column, label in zip(output_columns, steps if pattern.output_steps > 1 else ["ŷ"], strict=False):
        _box(fig, column, 2, label if label == "ŷ" else f"ŷ<sub>{label}</sub>", COLORS["y"])
        _arrow(fig, (column, 1.3), (column, 1.7))
    fig.update_xaxes(visible=False, range=[-0.6, max(columns, 3) - 0.4])
    fig.update_yaxes(visible=False, range=[-0.5, 2.5], scaleanchor="x")
    fig.update_layout(height=230, margin=dict(l=0, r=0, t=10, b=0), plot_bgcolor="white")
    return readable(fig)


def tensor_figure(value: np.ndarray, title: str) -> go.Figure:
    """Heatmap of sample 0 of a returned tensor: time × units, or one row of units."""
    sample = value[0]
    matrix = sample if sample.ndim == 2 else sample[np.newaxis, :]
    y_labels = [f"t={t + 1}" for t in range(matrix.shape[0])] if sample.ndim == 2 else ["last"]
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=[f"unit {u}" for u in range(matrix.shape[1])],
            y=y_labels,
            colorscale="RdBu",
            zmid=0,
            zmin=-1,
            zmax=1,
            texttemplate="%{z:.2f}" if matrix.size <= 120 else None,
            hovertemplate="%{y}, %{x}: %{z:.4f}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title=dict(text=title, font=dict(size=14)),
        height=90 + 26 * matrix.shape[0],
        margin=dict(l=10, r=10, t=40, b=10),
    )
    return readable(fig)


GATE_TITLES = {
    "i": "input gate i",
    "f": "forget gate f",
    "g": "candidate g",
    "o": "output gate o",
    "c": "cell state c",
    "h": "hidden state h",
}


def gates_over_time_figure(trace: CellTrace, step: int) -> go.Figure:
    """Six heatmaps (units × time) with the chosen step outlined."""
    timesteps, units = trace.h.shape
    fig = make_subplots(
        rows=2, cols=3, subplot_titles=list(GATE_TITLES.values()), vertical_spacing=0.16, horizontal_spacing=0.05
    )
    for index, name in enumerate(GATE_TITLES):
        values = getattr(trace, name).T  # (U, T)
        sigmoid_gate = name in ("i", "f", "o")
        fig.add_trace(
            go.Heatmap(
                z=values,
                x=list(range(1, timesteps + 1)),
                y=[f"u{u}" for u in range(units)],
                colorscale="Viridis" if sigmoid_gate else "RdBu",
                zmin=0 if sigmoid_gate else -1,
                zmax=1,
                zmid=None if sigmoid_gate else 0,
                showscale=False,
                hovertemplate=f"{GATE_TITLES[name]}, t=%{{x}}, %{{y}}: %{{z:.3f}}<extra></extra>",
            ),
            row=index // 3 + 1,
            col=index % 3 + 1,
        )
        axis = "" if index == 0 else str(index + 1)
        fig.add_shape(
            type="rect",
            xref=f"x{axis}",
            yref=f"y{axis}",
            x0=step + 0.5,
            x1=step + 1.5,
            y0=-0.5,
            y1=units - 0.5,
            line=dict(color="crimson", width=2),
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="time step t", title_font_size=11, row=2)
    fig.update_layout(height=460, margin=dict(l=10, r=10, t=40, b=10))
    return readable(fig)


def step_bars_figure(trace: CellTrace, step: int, previous_cell: np.ndarray) -> go.Figure:
    """Gate values and states of every unit at one time step, as grouped bars."""
    units = [f"unit {u}" for u in range(trace.h.shape[1])]
    fig = go.Figure()
    fig.add_bar(name="c(t-1)", x=units, y=previous_cell, marker_color="#BDBDBD")
    for name in GATE_TITLES:
        fig.add_bar(name=GATE_TITLES[name], x=units, y=getattr(trace, name)[step])
    fig.update_layout(
        barmode="group",
        height=320,
        margin=dict(l=10, r=10, t=30, b=10),
        yaxis=dict(range=[-1.05, 1.05], title="value"),
        legend=dict(orientation="h", y=1.12),
    )
    return readable(fig)
