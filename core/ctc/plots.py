"""Plotly figures for the CTC page (alignments, the trellis of allowed moves, α), and the heatmap of per-step
probabilities that the captcha and speech pages draw too."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.ctc.algorithm import BLANK, Alphabet, Forward, next_states, with_blanks
from core.shared.chart_text import says
from core.shared.plot_style import readable

BLANK_COLOUR, SYMBOL_COLOUR, PATH_COLOUR, EDGE_COLOUR = "#CFD8DC", "#1976D2", "#C2185B", "#B0BEC5"
ALPHA_FLOOR = -12  # log₁₀ α: smaller (but possible) values share the darkest colour
NUMBERED_STEPS = 12  # up to this many time steps, a heatmap's cells carry their numbers; beyond, they are too small
CLASS_AXIS = dict(title="class", type="category", autorange="reversed")  # digits are labels, not numbers


def state_path(label: Sequence[int], path: Sequence[int]) -> list[int]:
    """The states (of the label with blanks) an alignment passes through, one per step."""
    states = with_blanks(label)
    s = 0 if path[0] == BLANK else 1
    visited = [s]
    for c in path[1:]:
        if c != states[s]:
            s += 1 if c == states[s + 1] else 2
        visited.append(s)
    return visited


def alignments_figure(paths: list[tuple[int, ...]], alphabet: Alphabet) -> go.Figure:
    """Each alignment as a row of coloured cells (blanks grey), time across."""
    steps = len(paths[0])
    z = [[0 if c == BLANK else 1 for c in path] for path in paths]
    text = [[alphabet.symbol(c) for c in path] for path in paths]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(1, steps + 1)),
            y=[f"#{i + 1}" for i in range(len(paths))],
            text=text,
            texttemplate="%{text}",
            textfont_size=16,
            colorscale=[[0, BLANK_COLOUR], [1, SYMBOL_COLOUR]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=2,
            ygap=2,
            hoverinfo="skip",
        )
    )
    says(fig, f"{len(paths)} alignments of {steps} steps; each row one alignment, symbol by symbol.")
    fig.update_layout(
        title="The alignments",
        height=min(90 + 28 * len(paths), 930),
        margin=dict(l=10, r=10, t=70, b=10),
        xaxis=dict(title="time step", dtick=1, side="top"),
        yaxis=dict(autorange="reversed", title="alignment"),
    )
    return readable(fig)


def trellis_figure(label: Sequence[int], steps: int, alphabet: Alphabet, path: Sequence[int] | None) -> go.Figure:
    """States (the label with blanks) down, time across; grey moves are allowed, `path` is drawn over them."""
    states = with_blanks(label)
    fig = go.Figure()
    xs, ys = [], []
    for t in range(steps - 1):
        for s in range(len(states)):
            for nxt in next_states(states, s):
                xs += [t + 1, t + 2, None]
                ys += [s, nxt, None]
    fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color=EDGE_COLOUR, width=1), name="allowed moves")
    grid_t, grid_s = np.meshgrid(np.arange(1, steps + 1), np.arange(len(states)))
    fig.add_scatter(
        x=grid_t.ravel(),
        y=grid_s.ravel(),
        mode="markers",
        marker=dict(size=9, color=[BLANK_COLOUR if states[s] == BLANK else SYMBOL_COLOUR for s in grid_s.ravel()]),
        hoverinfo="skip",
        showlegend=False,
    )
    if path is not None:
        visited = state_path(label, path)
        fig.add_scatter(
            x=list(range(1, steps + 1)),
            y=visited,
            mode="lines+markers",
            line=dict(color=PATH_COLOUR, width=4),
            marker=dict(size=13, color=PATH_COLOUR),
            name="the chosen alignment",
        )
    if path is not None:
        says(fig, "The chosen alignment visits the states " + ", ".join(str(s) for s in state_path(label, path)) + ".")
    fig.update_layout(
        title="The trellis: states down, time across",
        height=120 + 34 * len(states),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="time step", dtick=1),
        yaxis=dict(
            title="state",
            tickvals=list(range(len(states))),
            ticktext=[f"{s}: {alphabet.symbol(c)}" for s, c in enumerate(states)],
            autorange="reversed",
        ),
        legend=dict(orientation="h", y=-0.25),
    )
    return readable(fig)


def probabilities_heatmap(
    probs: np.ndarray,
    alphabet: Alphabet,
    times: np.ndarray | Sequence[float] | None = None,
    hover_time: str = "step %{x}",
    numbered: bool | None = None,
    **trace,
) -> go.Heatmap:
    """A model's (time, classes) probabilities as a heatmap trace: time across, the blank and the symbols down.

    Every page that shows what a CTC model says at each step draws it with this one trace. `times` places
    the steps (seconds, say; steps 1, 2, … by default) and `hover_time` names them on hover. The cells carry
    their numbers when `numbered` (by default, when there are few steps). `trace` adds Plotly heatmap
    settings, such as where the colour bar goes.
    """
    numbered = probs.shape[0] <= NUMBERED_STEPS if numbered is None else numbered
    settings = dict(
        z=probs.T,
        x=list(times) if times is not None else list(range(1, probs.shape[0] + 1)),
        y=[alphabet.symbol(c) for c in range(alphabet.classes)],
        colorscale="Viridis",
        zmin=0,
        zmax=1,
        text=np.round(probs.T, 2) if numbered else None,
        texttemplate="%{text}" if numbered else None,
        hovertemplate=hover_time + ", '%{y}': %{z:.3f}<extra></extra>",
        showscale=not numbered,  # the cells carry their numbers
    )
    return go.Heatmap(settings | trace)


def frames_figure(
    probs: np.ndarray, alphabet: Alphabet, time_title: str = "time step", height: int | None = None
) -> go.Figure:
    """(time, classes) probabilities: time across, the blank and the symbols down (one row each unless `height`)."""
    fig = go.Figure(probabilities_heatmap(probs, alphabet))
    best = [alphabet.symbol(int(c)) for c in probs.argmax(axis=1)]
    says(fig, "The most probable symbol at each step: " + " ".join(best) + ".")
    fig.update_layout(
        title="Probabilities at each step",
        height=(height or 90 + 26 * alphabet.classes) + 30,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title=time_title, dtick=1 if probs.shape[0] <= NUMBERED_STEPS else 5),
        yaxis=CLASS_AXIS,
    )
    return readable(fig)


def alpha_figure(result: Forward, alphabet: Alphabet) -> go.Figure:
    """α over (state, time) on a log scale: where the probability of the label's prefixes sits at each step.

    Cells no path can reach (α = 0) are left empty, white, outside the colour scale; values below
    `ALPHA_FLOOR` take the scale's darkest colour.
    """
    log10_alpha = result.log_alpha.T / np.log(10)
    steps = result.log_alpha.shape[0]
    show_values = steps <= NUMBERED_STEPS
    reachable = np.isfinite(log10_alpha)
    fig = go.Figure(
        go.Heatmap(
            z=np.where(reachable, np.maximum(log10_alpha, ALPHA_FLOOR), np.nan),
            x=list(range(1, steps + 1)),
            y=[f"{s}: {alphabet.symbol(c)}" for s, c in enumerate(result.states)],
            colorscale="Viridis",
            zmin=ALPHA_FLOOR,
            zmax=0,
            hoverongaps=False,
            text=[[f"{np.exp(v):.2g}" if np.isfinite(v) else "" for v in row] for row in result.log_alpha.T]
            if show_values
            else None,
            texttemplate="%{text}" if show_values else None,
            customdata=np.exp(result.log_alpha.T),
            hovertemplate="step %{x}, state %{y}: α = %{customdata:.3g}<extra></extra>",
            colorbar=dict(title="log₁₀ α", tickvals=[-12, -9, -6, -3, 0], ticktext=["≤ −12", "−9", "−6", "−3", "0"]),
            xgap=1,
            ygap=1,
        )
    )
    says(fig, f"The label's probability, the sum of the last two cells at the last step: {np.exp(-result.loss):.3g}.")
    fig.update_layout(
        title="α: the forward algorithm's table",
        height=120 + 30 * len(result.states),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="time step", dtick=1 if show_values else 5, showgrid=False),
        yaxis=dict(title="state", type="category", autorange="reversed", showgrid=False),
    )
    return readable(fig)
