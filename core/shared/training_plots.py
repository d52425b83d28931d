"""Training curves, drawn the same way for every model the app trains."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.shared.chart_text import says
from core.shared.plot_style import readable

# One colour per run; with a single run, training and validation get the first two.
PALETTE = ("#1976D2", "#C2185B", "#2E7D32", "#F57C00")
METRICS = ("loss", "accuracy")
SERIES = (("", "solid", "training"), ("val_", "dot", "validation"))
# One marker per run, filled for training and open for validation: runs differ by shape as well as colour.
SYMBOLS = ("circle", "square", "diamond", "triangle-up")


def curves_figure(
    runs: dict[str, dict[str, list[float]]], metrics: tuple[str, ...] | None = None, by_fraction: bool = False
) -> go.Figure:
    """Per-epoch curves of one or more runs: training solid with filled markers, validation dotted with open ones.

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
            for prefix, dash, label in SERIES:
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
                    marker=dict(symbol=SYMBOLS[index % len(SYMBOLS)] + ("-open" if prefix else ""), size=8),
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
    return readable(says(fig, " ".join(_best_epoch(name, history) for name, history in runs.items())))


def _best_epoch(name: str, history: dict[str, list[float]]) -> str:
    """'<name>: best validation accuracy 0.70 after epoch 6 of 9.' (or its lowest loss, without accuracy)."""
    for metric, best in (("val_accuracy", max), ("accuracy", max), ("val_loss", min), ("loss", min)):
        values = history.get(metric)
        if values:
            value = best(values)
            kind = "best" if best is max else "lowest"
            return f"{name}: {kind} {metric.replace('val_', 'validation ')} {value:.3g} after epoch {values.index(value) + 1} of {len(values)}."
    return f"{name}: no epoch yet."
