"""Plotly figures of a convolution: the sliding window, one step in detail, the output maps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.conv.layer import ConvGeometry, ConvStep, conv_step
from core.shared.chart_text import says
from core.shared.plot_style import readable

# Numbers are printed inside the cells only while they stay readable.
MAX_CELLS_WITH_TEXT = 14
# Each animation frame carries the whole output map; past this many the figure gets heavy.
MAX_ANIMATION_STEPS = 400


def _heatmap(
    values: np.ndarray, colorscale: str, zmid: float | None = None, zmin: float | None = None, zmax: float | None = None
) -> go.Heatmap:
    show_text = max(values.shape) <= MAX_CELLS_WITH_TEXT
    return go.Heatmap(
        z=values,
        colorscale=colorscale,
        zmid=zmid,
        zmin=zmin,
        zmax=zmax,
        showscale=False,
        texttemplate="%{z:.3~g}" if show_text else None,
        hovertemplate="row %{y}, column %{x}: %{z:.4g}<extra></extra>",
        xgap=1,
        ygap=1,
    )


def _rect(subplot: int, top: float, left: float, height: float, width: float, color: str, dash: str = "solid") -> dict:
    axis = "" if subplot == 1 else str(subplot)
    return dict(
        type="rect",
        xref=f"x{axis}",
        yref=f"y{axis}",
        x0=left - 0.5,
        x1=left + width - 0.5,
        y0=top - 0.5,
        y1=top + height - 0.5,
        line=dict(color=color, width=3, dash=dash),
    )


def _matrix_axes(fig: go.Figure, count: int) -> None:
    for index in range(1, count + 1):
        axis = "" if index == 1 else str(index)
        fig.layout[f"yaxis{axis}"].update(
            autorange="reversed", scaleanchor=f"x{axis}", constrain="domain", showgrid=False, zeroline=False
        )
        fig.layout[f"xaxis{axis}"].update(constrain="domain", showgrid=False, zeroline=False)


def _frame_shapes(geometry: ConvGeometry, cell: ConvStep) -> list[dict]:
    """The window on every input channel, the input's border inside the padding, and the output cell."""
    spec = geometry.spec
    f = spec.filter_size
    shapes = []
    for channel in range(spec.channels):
        subplot = channel + 1
        shapes.append(
            _rect(subplot, geometry.rows.pad_before, geometry.cols.pad_before, spec.height, spec.width, "gray", "dot")
        )
        shapes.append(_rect(subplot, cell.top, cell.left, f, f, "crimson"))
    shapes.append(_rect(spec.channels + 1, cell.row, cell.col, 1, 1, "crimson"))
    return shapes


def sliding_window_figure(
    padded: np.ndarray,
    kernels: np.ndarray,
    bias: np.ndarray,
    geometry: ConvGeometry,
    filter_index: int,
    start_step: int = 0,
) -> go.Figure:
    """Animated window sliding over every padded input channel while the output fills in.

    The figure opens at `start_step` (the output filled up to that cell). A play button and
    a slider under the figure run or scrub the animation in the browser, without a round
    trip to the server.
    """
    spec = geometry.spec
    out_rows, out_cols, _ = geometry.output_shape
    cells = [
        conv_step(padded, kernels, bias, spec.stride, filter_index, step, out_cols)
        for step in range(geometry.num_steps)
    ]
    full = np.full((out_rows, out_cols), np.nan)
    for cell in cells:
        full[cell.row, cell.col] = cell.value
    zmin, zmax = float(np.nanmin(full)), float(np.nanmax(full))

    # Short titles: at a split screen's width each subplot is only about 100 pixels wide.
    titles = [f"channel {c}" for c in range(spec.channels)] + [f"output {filter_index}"]
    fig = make_subplots(rows=1, cols=spec.channels + 1, subplot_titles=titles, horizontal_spacing=0.04)
    for channel in range(spec.channels):
        fig.add_trace(
            _heatmap(padded[..., channel], "Blues", zmin=0, zmax=float(padded.max()) or 1.0), row=1, col=channel + 1
        )
    fig.add_trace(
        _heatmap(np.full((out_rows, out_cols), np.nan), "Viridis", zmin=zmin, zmax=zmax), row=1, col=spec.channels + 1
    )
    output_trace = spec.channels  # index of the output heatmap among the traces

    frames, partial = [], np.full((out_rows, out_cols), np.nan)
    for step, cell in enumerate(cells):
        partial = partial.copy()
        partial[cell.row, cell.col] = cell.value
        frames.append(
            go.Frame(
                name=str(step),
                data=[_heatmap(partial, "Viridis", zmin=zmin, zmax=zmax)],
                traces=[output_trace],
                layout=go.Layout(shapes=_frame_shapes(geometry, cell)),
            )
        )
    fig.frames = frames
    fig.update_layout(shapes=_frame_shapes(geometry, cells[start_step]))
    fig.data[output_trace].z = frames[start_step].data[0].z

    fig.update_layout(
        height=460,
        margin=dict(l=10, r=10, t=60, b=130),
        # The controls sit below the axes' tick labels, not over them.
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                y=-0.2,
                xanchor="left",
                yanchor="top",
                buttons=[
                    dict(
                        label="▶ Play",
                        method="animate",
                        args=[
                            None,
                            dict(frame=dict(duration=450, redraw=True), fromcurrent=True, transition=dict(duration=0)),
                        ],
                    ),
                    dict(
                        label="⏸ Pause",
                        method="animate",
                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                active=start_step,
                x=0.2,
                y=-0.14,
                len=0.8,
                currentvalue=dict(prefix="step "),
                steps=[
                    dict(
                        label=str(step + 1),
                        method="animate",
                        args=[[str(step)], dict(mode="immediate", frame=dict(duration=0, redraw=True))],
                    )
                    for step in range(len(cells))
                ],
            )
        ],
    )
    _matrix_axes(fig, spec.channels + 1)
    says(fig, f"The window takes {len(cells)} positions, one for each cell of the {out_rows} × {out_cols} output.")
    return readable(fig)


def output_maps_figure(output: np.ndarray, title: str) -> go.Figure:
    """One heatmap per output channel (filter) of a (rows, cols, K) array."""
    filters = output.shape[-1]
    fig = make_subplots(
        rows=1,
        cols=filters,
        subplot_titles=[f"{title}, filter {k}" if filters <= 2 else f"filter {k}" for k in range(filters)],
        horizontal_spacing=0.04,
    )
    for k in range(filters):
        fig.add_trace(_heatmap(output[..., k], "Viridis"), row=1, col=k + 1)
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=60, b=10))
    _matrix_axes(fig, filters)
    return readable(fig)
