"""Plotly figures for the CIFAR-10 page."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.shared.chart_text import says
from core.shared.datasets import CIFAR10_CLASSES
from core.shared.plot_style import readable

TRAIN, VALIDATION = "#1976D2", "#C2185B"
PICKED = "#C2185B"  # the confusion-matrix square a student clicked


def class_counts_figure(labels: np.ndarray, title: str) -> go.Figure:
    counts = np.bincount(labels, minlength=len(CIFAR10_CLASSES))
    fig = go.Figure(go.Bar(x=list(CIFAR10_CLASSES), y=counts, marker_color=TRAIN, text=counts, textposition="outside"))
    fig.update_layout(
        title=title,
        height=280,
        margin=dict(l=10, r=10, t=40, b=10),
        yaxis_title="images",
        yaxis_range=[0, counts.max() * 1.15],
    )
    return readable(fig)


def confusion_figure(matrix: np.ndarray) -> go.Figure:
    """Counts with the true class down and the predicted class across, one clickable square per cell.

    Drawn as a scatter of squares, not a heatmap: Streamlit reports a click on a scatter
    point (point_index = true class × 10 + predicted class), not on a heatmap cell. The square
    picked turns magenta; the others stay as they were (plotly would fade them, and with them
    the numbers a room reads from a projector).
    """
    names = list(CIFAR10_CLASSES)
    true, predicted = np.divmod(np.arange(matrix.size), matrix.shape[1])
    counts = matrix.reshape(-1)
    fig = go.Figure(
        go.Scatter(
            x=[names[i] for i in predicted],
            y=[names[i] for i in true],
            mode="markers+text",
            marker=dict(
                symbol="square",
                size=40,
                color=np.log1p(counts),  # a log scale, so the off-diagonal mistakes show beside the large diagonal
                colorscale="Blues",
                line=dict(width=0),
            ),
            text=[str(count) for count in counts],
            textfont=dict(color=["white" if count > counts.max() / 8 else "#333" for count in counts]),
            selected=dict(marker=dict(color=PICKED), textfont=dict(color="white")),
            unselected=dict(marker=dict(opacity=1)),
            customdata=np.stack([true, predicted], axis=1),
            hovertemplate="true %{y}, predicted %{x}: %{text} images<extra></extra>",
        )
    )
    mistakes = matrix.astype(float).copy()
    np.fill_diagonal(mistakes, -1)
    worst_true, worst_predicted = np.unravel_index(int(mistakes.argmax()), matrix.shape)
    fig.update_layout(
        title="Confusion matrix",
        height=590,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="predicted class", categoryorder="array", categoryarray=names, side="top", showgrid=False),
        yaxis=dict(
            title="true class", categoryorder="array", categoryarray=names, autorange="reversed", showgrid=False
        ),
        plot_bgcolor="white",
        showlegend=False,
        clickmode="event+select",
        dragmode=False,
    )
    correct = int(np.trace(matrix))
    return readable(
        says(
            fig,
            f"{correct:,} of {int(matrix.sum()):,} test images on the diagonal, classified right. The most frequent "
            f"mistake: a {names[worst_true]} taken for a {names[worst_predicted]}, "
            f"{int(matrix[worst_true, worst_predicted]):,} times.",
        )
    )


def per_class_figure(accuracies: dict[str, np.ndarray]) -> go.Figure:
    """Accuracy for each class, one bar group per model (the second model's bars hatched, not only coloured)."""
    fig = go.Figure()
    for index, (name, values) in enumerate(accuracies.items()):
        fig.add_bar(
            name=name,
            x=list(CIFAR10_CLASSES),
            y=values,
            marker_color=[TRAIN, VALIDATION][index % 2],
            marker_pattern_shape=["", "/"][index % 2],
        )
    worst = [
        f"{name}: weakest on {CIFAR10_CLASSES[int(np.argmin(values))]} ({float(np.min(values)):.0%}), "
        f"best on {CIFAR10_CLASSES[int(np.argmax(values))]} ({float(np.max(values)):.0%})."
        for name, values in accuracies.items()
    ]
    says(fig, " ".join(worst))
    fig.update_layout(
        title="Test accuracy per class",
        barmode="group",
        height=330,
        margin=dict(l=10, r=10, t=40, b=10),
        yaxis=dict(range=[0, 1], title="accuracy"),
        legend=dict(orientation="h", y=-0.2),
    )
    return readable(fig)


def top_classes_figure(probabilities: np.ndarray, top: int = 3) -> go.Figure:
    """The `top` most probable classes as horizontal bars."""
    order = np.argsort(probabilities)[::-1][:top][::-1]
    fig = go.Figure(
        go.Bar(
            x=probabilities[order],
            y=[CIFAR10_CLASSES[i] for i in order],
            orientation="h",
            marker_color=TRAIN,
            text=[f"{p:.1%}" for p in probabilities[order]],
            textposition="auto",
        )
    )
    fig.update_layout(
        title=f"The {top} most probable classes",
        height=210,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(range=[0, 1], tickformat=".0%"),
    )
    best = int(np.argmax(probabilities))
    return readable(says(fig, f"It reads {CIFAR10_CLASSES[best]}, at {float(probabilities[best]):.0%}."))
