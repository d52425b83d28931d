"""Pictures for the LSTM page: sequence patterns (SVG), returned tensors and gates over time (plotly)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import plotly.graph_objects as go

from core.lstm.layer import CellTrace, SequencePattern
from core.shared.plot_style import readable

# Past this many time steps the pattern diagrams draw a "…" instead of every box.
MAX_DRAWN_STEPS = 5
COLORS = {"x": "#1976D2", "cell": "#C2185B", "y": "#2E7D32", "state": "#7B1FA2"}


def _step_labels(count: int) -> list[str]:
    """Subscripts for `count` boxes, eliding the middle of long sequences."""
    if count <= MAX_DRAWN_STEPS:
        return [str(t) for t in range(1, count + 1)]
    return ["1", "2", "…", str(count - 1), str(count)]


@dataclass(frozen=True)
class Box:
    column: int
    row: int  # 0 inputs, 1 LSTM cells, 2 outputs
    label: str
    subscript: str
    color: str


def pattern_boxes(pattern: SequencePattern, timesteps: int) -> tuple[int, list[Box]]:
    """How many columns a pattern's diagram has, and its boxes: inputs, LSTM cells and outputs.

    A vector input that `RepeatVector` feeds to every step is drawn under every step as the
    same x; an encoder–decoder's decoder steps each get the encoder's last hidden state h.
    """
    steps = _step_labels(timesteps)
    encoder = len(steps)
    columns = encoder * 2 if pattern.delayed and pattern.output_steps > 1 else encoder
    # Ten boxes leave no room for "LSTM": the encoder–decoder's say which of its two LSTMs they are.
    boxes = [
        Box(column, 1, "LSTM" if columns == encoder else ("enc" if column < encoder else "dec"), "", COLORS["cell"])
        for column in range(columns)
    ]
    if pattern.input_steps > 1:
        boxes += [Box(column, 0, "x", label, COLORS["x"]) for column, label in enumerate(steps)]
    else:  # RepeatVector: the one input vector at every step
        boxes += [Box(column, 0, "x", "", COLORS["x"]) for column in range(columns)]
    if columns > encoder:  # the decoder reads the encoder's last hidden state, repeated
        boxes += [Box(column, 0, "h", steps[-1], COLORS["state"]) for column in range(encoder, columns)]
    if pattern.output_steps == 1:
        boxes.append(Box(columns - 1, 2, "ŷ", "", COLORS["y"]))
    else:
        boxes += [
            Box(column, 2, "ŷ", label, COLORS["y"])
            for column, label in zip(range(columns - encoder, columns), steps, strict=True)
        ]
    return columns, boxes


def pattern_says(pattern: SequencePattern, timesteps: int) -> str:
    """What `pattern_svg` draws, in words: the picture's alternative text for a screen reader.

    Example:
        >>> from core.lstm.layer import sequence_patterns
        >>> pattern_says(sequence_patterns(2, 4, 3, 5)[1], 4)  # sequence to vector
        'Diagram: 4 LSTM cells in a row, each passing its state to the next; under them, 4 input vectors, one a step; above them, 1 output, after the last step.'
    """
    columns, boxes = pattern_boxes(pattern, timesteps)
    inputs = sum(1 for box in boxes if box.row == 0 and box.label == "x")
    states = sum(1 for box in boxes if box.row == 0 and box.label == "h")
    outputs = sum(1 for box in boxes if box.row == 2)
    cells = (
        f"{columns} LSTM cells in a row"
        if states == 0
        else f"{columns - states} encoder and {states} decoder cells in a row"
    )
    fed = "the same input vector at every step" if pattern.input_steps == 1 else f"{inputs} input vectors, one a step"
    if states:
        fed += ", and the encoder's last state under each decoder step"
    out = "1 output, after the last step" if outputs == 1 else f"{outputs} outputs, one a step"
    if outputs > 1 and pattern.delayed:
        out += ", after the whole input was read"
    elided = f" The middle of the {timesteps} time steps is drawn as …." if timesteps > MAX_DRAWN_STEPS else ""
    return f"Diagram: {cells}, each passing its state to the next; under them, {fed}; above them, {out}.{elided}"


def pattern_svg(pattern: SequencePattern, timesteps: int) -> str:
    """The pattern as an SVG picture: boxes for time steps, arrows from input to cell to output and along the cells.

    SVG rather than a chart: it is drawn at once, scales with the page, and needs no chart library.
    """
    columns, boxes = pattern_boxes(pattern, timesteps)
    pitch, width, height = 72, 56, 40  # column spacing and box size, in SVG units
    top = {2: 10, 1: 90, 0: 170}  # each row's top edge
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {max(columns, 3) * pitch} 220" '
        'font-family="sans-serif" font-size="17">',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]

    def arrow(x0: float, y0: float, x1: float, y1: float) -> str:
        return f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#555" stroke-width="2" marker-end="url(#head)"/>'

    for column in range(1, columns):  # the state passed along the cells
        y = top[1] + height / 2
        parts.append(arrow(column * pitch - pitch + (pitch + width) / 2, y, column * pitch + (pitch - width) / 2, y))
    for box in boxes:
        left = box.column * pitch + (pitch - width) / 2
        centre = left + width / 2
        if box.row != 1:  # inputs point up into their cell, cells up into their output
            y0, y1 = (top[0], top[1] + height) if box.row == 0 else (top[1], top[2] + height)
            parts.append(arrow(centre, y0, centre, y1 + 2))
        parts.append(
            f'<rect x="{left}" y="{top[box.row]}" width="{width}" height="{height}" rx="4" fill="{box.color}"/>'
        )
        subscript = f'<tspan dy="5" font-size="12">{escape(box.subscript)}</tspan>' if box.subscript else ""
        parts.append(
            f'<text x="{centre}" y="{top[box.row] + 26}" fill="white" text-anchor="middle">'
            f"{escape(box.label)}{subscript}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


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


def step_bars_figure(trace: CellTrace, step: int, previous_cell: np.ndarray) -> go.Figure:
    """Gate values and states of every unit at one time step, as grouped bars."""
    units = [f"unit {u}" for u in range(trace.h.shape[1])]
    fig = go.Figure()
    fig.add_bar(name="c(t-1)", x=units, y=previous_cell, marker_color="#BDBDBD")
    # Each gate a hatching of its own as well as a colour: told apart without colour vision, and in grey print.
    for name, pattern in zip(GATE_TITLES, ("/", "\\", "x", "-", "|", "+"), strict=True):
        fig.add_bar(name=GATE_TITLES[name], x=units, y=getattr(trace, name)[step], marker_pattern_shape=pattern)
    fig.update_layout(
        title=f"Every unit's gates and states at step {step + 1}",
        barmode="group",
        height=350,
        margin=dict(l=10, r=10, t=70, b=10),
        yaxis=dict(range=[-1.05, 1.05], title="value"),
        legend=dict(orientation="h", y=1.12),
    )
    return readable(fig)
