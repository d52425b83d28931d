"""Plotly figures for the captcha page: how often each character occurs, and the CTC collapse of a reading."""

from __future__ import annotations

import plotly.graph_objects as go

from core.captcha.reader import ALPHABET, BLANK, CHARACTERS
from core.ctc.algorithm import CollapseSteps
from core.shared.chart_text import says
from core.shared.plot_style import readable


def character_counts_figure(labels: tuple[str, ...]) -> go.Figure:
    """How often each of the 19 characters occurs in the labels."""
    text = "".join(labels)
    counts = [text.count(char) for char in ALPHABET]
    fig = go.Figure(go.Bar(x=list(ALPHABET), y=counts, marker_color="#1976D2", text=counts, textposition="outside"))
    fig.update_layout(
        title="How often each character occurs",
        height=290,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis_title="character",
        yaxis_title="occurrences",
        yaxis_range=[0, max(counts) * 1.15],
    )
    fig.update_xaxes(type="category")  # else Plotly reads "2"…"8" as numbers and drops the letters
    return readable(fig)


def collapse_figure(steps: CollapseSteps) -> go.Figure:
    """The best path, one symbol per time step, with merged repeats and dropped blanks marked.

    Row 1 is the most probable class at each step. Row 2 keeps the first of each run of equal
    symbols. Row 3 keeps what is left that is not a blank: the text.
    """
    path = steps.path
    keep_merge = [index == 0 or path[index] != path[index - 1] for index in range(len(path))]
    keep_final = [kept and label != BLANK for kept, label in zip(keep_merge, path, strict=True)]
    rows = [
        ("1. best path", [True] * len(path)),
        ("2. merge repeats", keep_merge),
        ("3. drop blanks", keep_final),
    ]
    fig = go.Figure()
    for name, kept in rows:
        colors = ["#C2185B" if k and path[i] != BLANK else ("#90A4AE" if k else "#ECEFF1") for i, k in enumerate(kept)]
        fig.add_scatter(
            x=list(range(1, len(path) + 1)),
            y=[name] * len(path),
            mode="markers+text",
            marker=dict(symbol="square", size=18, color=colors),
            text=[CHARACTERS.symbol(label) if k else "" for label, k in zip(path, kept, strict=True)],
            textfont=dict(color="white", size=12),
            hovertemplate="step %{x}<extra></extra>",
            showlegend=False,
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title="From the best path to the text",
        height=220,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis_title="time step",
        plot_bgcolor="white",
    )
    text = "".join(CHARACTERS.symbol(label) for label, kept in zip(path, keep_final, strict=True) if kept)
    return readable(says(fig, f"The best path, its repeats merged and its blanks dropped, reads “{text}”."))
