"""Training curves, drawn the same way for every model the app trains."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.shared.plot_style import readable

# One colour per run; with a single run, training and validation get the first two.
PALETTE = ("#1976D2", "#C2185B", "#2E7D32", "#F57C00")
METRICS = ("loss", "accuracy")
SERIES = (("", "solid", "circle", "training"), ("val_", "dot", "diamond-open", "validation"))


def curves_figure(
    runs: dict[str, dict[str, list[float]]], metrics: tuple[str, ...] | None = None, by_fraction: bool = False
) -> go.Figure:
    """Per-epoch curves of one or more runs: training solid with dots, validation dotted with open diamonds.

    Args:
        runs: run name → Keras history (`loss`, `val_loss`, `accuracy`, …).
        metrics: the panels to draw; default: those of `loss` and `accuracy` that any run has.
        by_fraction: put the runs on one axis from 0 to 100 % of their training, so that a
            run of 9 epochs and one of 130 can be compared shape for shape.
    """
    metrics = metrics or tuple(m for m in METRICS if any(run.get(m) for run in runs.values())) or ("loss",)
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=metrics)
    longest = max((len(values) for run in runs.values() for values in run.values()), default=1)
    for index, (name, history) in enumerate(runs.items()):
        for column, metric in enumerate(metrics, start=1):
            for prefix, dash, symbol, label in SERIES:
                values = history.get(prefix + metric)
                if not values:
                    continue
                color = PALETTE[(index + (prefix == "val_")) % len(PALETTE)] if len(runs) == 1 else PALETTE[index]
                epochs = list(range(1, len(values) + 1))
                x = [100 * epoch / len(values) for epoch in epochs] if by_fraction else epochs
                fig.add_scatter(
                    x=x,
                    y=values,
                    name=f"{name}, {label}" if len(runs) > 1 else label,
                    line=dict(color=color, dash=dash),
                    marker=dict(symbol=symbol, size=8),
                    mode="lines+markers",
                    showlegend=column == 1,
                    customdata=epochs,
                    hovertemplate=f"{name} {label}: %{{y:.3f}} after epoch %{{customdata}}<extra></extra>",
                    row=1,
                    col=column,
                )
    if by_fraction:
        fig.update_xaxes(title_text="% of the run's training", range=[0, 102], ticksuffix=" %")
    else:
        # Whole epochs only, about ten ticks whatever the length.
        fig.update_xaxes(title_text="epoch", tick0=1, dtick=max(1, math.ceil(longest / 10)), rangemode="tozero")
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.3))
    return readable(fig)
