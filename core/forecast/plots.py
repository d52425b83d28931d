"""Plotly figures for the forecasting page."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.forecast.model import LONG_BLOCK, LONG_BLOCKS, LONG_LOOK_BACK, LONG_RECENT, Series
from core.shared.chart_text import says
from core.shared.plot_style import readable

NOISY, CLEAN, MODEL, TRAIN_SHADE = "#90A4AE", "#2E7D32", "#C2185B", "rgba(25,118,210,0.07)"
LINEAR = "#1976D2"
MAX_DOTTED_POINTS = 300  # a line with more points than this is drawn without a dot on each


def series_figure(series: Series) -> go.Figure:
    """The noisy series, its noiseless curve, and the train / test split."""
    fig = go.Figure()
    fig.add_scatter(x=series.t, y=series.noisy, name="series (what the model sees)", line=dict(color=NOISY, width=1))
    fig.add_scatter(x=series.t, y=series.clean, name="noiseless curve", line=dict(color=CLEAN, width=2, dash="dot"))
    split_t = series.t[series.train_size]
    fig.add_vrect(
        x0=series.t[0],
        x1=split_t,
        fillcolor=TRAIN_SHADE,
        line_width=0,
        annotation_text="training part",
        annotation_position="top left",
    )
    fig.add_vline(
        x=split_t, line=dict(color="black", dash="dash"), annotation_text="test part", annotation_position="top right"
    )
    fig.update_layout(
        title="The series",
        height=360,
        margin=dict(l=10, r=10, t=60, b=10),
        xaxis_title="t",
        legend=dict(orientation="h", y=-0.2),
    )
    return readable(
        says(fig, f"{len(series.t):,} values; the first {series.train_size:,} train the model, the rest test it.")
    )


def window_figure(values: np.ndarray, look_back: int, start: int) -> go.Figure:
    """One window of `look_back` normalised values and the value it must predict."""
    lo, hi = max(start - 15, 0), min(start + look_back + 15, len(values))
    index = np.arange(lo, hi)
    fig = go.Figure()
    fig.add_scatter(
        x=index, y=values[lo:hi], mode="lines+markers", name="series", line=dict(color=NOISY), marker=dict(size=5)
    )
    window = np.arange(start, start + look_back)
    fig.add_scatter(
        x=window,
        y=values[window],
        mode="markers",
        name=f"input window (look_back = {look_back})",
        marker=dict(color="#1976D2", size=10),
    )
    target = start + look_back
    fig.add_scatter(
        x=[target], y=[values[target]], mode="markers", name="target", marker=dict(color=MODEL, size=14, symbol="star")
    )
    fig.add_vrect(x0=start - 0.5, x1=target - 0.5, fillcolor="rgba(25,118,210,0.1)", line_width=0)
    fig.update_layout(title=f"One window: values {start} to {target - 1} → value {target}")
    return window_layout(fig, height=300)


def long_memory_window_figure(values: np.ndarray, start: int) -> go.Figure:
    """One long-memory window: 160 older values seen as 16 block averages, then the 10 latest as they are."""
    window = values[start : start + LONG_LOOK_BACK]
    index = np.arange(start, start + LONG_LOOK_BACK)
    fig = go.Figure()
    fig.add_scatter(x=index, y=window, mode="markers", name="series", marker=dict(color=NOISY, size=4))
    averages = window[: LONG_BLOCKS * LONG_BLOCK].reshape(LONG_BLOCKS, LONG_BLOCK).mean(axis=1)
    for block, average in enumerate(averages):
        left = start + block * LONG_BLOCK
        fig.add_scatter(
            x=[left - 0.4, left + LONG_BLOCK - 0.6],
            y=[average, average],
            mode="lines",
            line=dict(color=LINEAR, width=5),
            name=f"{LONG_BLOCKS} averages of {LONG_BLOCK} values",
            legendgroup="averages",
            showlegend=block == 0,
        )
    recent = index[-LONG_RECENT:]
    fig.add_scatter(
        x=recent,
        y=values[recent],
        mode="markers",
        name=f"the {LONG_RECENT} latest values",
        marker=dict(color=LINEAR, size=9),
    )
    target = start + LONG_LOOK_BACK
    fig.add_scatter(
        x=[target], y=[values[target]], mode="markers", name="target", marker=dict(color=MODEL, size=14, symbol="star")
    )
    fig.update_layout(title=f"One long-memory window: values {start} to {target - 1} → value {target}")
    return window_layout(fig, height=320)


def window_layout(fig: go.Figure, height: int) -> go.Figure:
    """The layout of a window chart: sample index across, normalised value up, the legend below."""
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis_title="sample index",
        yaxis_title="normalised value",
        legend=dict(orientation="h", y=-0.3),
    )
    return readable(fig)


def prediction_figure(
    t: np.ndarray,
    truth: np.ndarray,
    forecast: np.ndarray,
    clean: np.ndarray,
    title: str,
    linear: np.ndarray | None = None,
) -> go.Figure:
    """True against predicted, with the noiseless curve (and the linear predictor's forecast) for reference.

    The true values get a dot each only on a short stretch (the test part): on the training part's 900
    a dot each is 900 SVG circles for plotly.js to draw, which a student waits for, and the dots merge anyway.
    """
    fig = go.Figure()
    mode = "lines+markers" if len(t) <= MAX_DOTTED_POINTS else "lines"
    fig.add_scatter(x=t, y=truth, name="true (noisy)", mode=mode, line=dict(color=NOISY, width=1), marker=dict(size=3))
    fig.add_scatter(x=t, y=clean, name="noiseless curve", line=dict(color=CLEAN, dash="dot"))
    if linear is not None:
        fig.add_scatter(x=t, y=linear, name="linear predictor", line=dict(color=LINEAR, width=2, dash="dash"))
    fig.add_scatter(x=t, y=forecast, name="LSTM", line=dict(color=MODEL, width=2))
    fig.update_layout(
        title=title,
        height=320,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis_title="t",
        legend=dict(orientation="h", y=-0.25),
    )
    rmse = float(np.sqrt(np.mean((np.asarray(forecast) - np.asarray(truth)) ** 2)))
    return readable(says(fig, f"The LSTM's RMSE against the true values here: {rmse:.3g}."))


def coefficients_figure(coefficients: np.ndarray, intercept: float, long_memory: bool = False) -> go.Figure:
    """The linear predictor's weight on each input, oldest (t − look_back) to newest (t − 1).

    With `long_memory`, the first inputs are block averages, labelled by the values they average.
    """
    count = len(coefficients)
    labels = [f"t−{count - index}" for index in range(count)]
    if long_memory:
        labels = [
            f"avg t−{LONG_LOOK_BACK - block * LONG_BLOCK}…{LONG_LOOK_BACK - (block + 1) * LONG_BLOCK + 1}"
            for block in range(LONG_BLOCKS)
        ] + [f"t−{LONG_RECENT - index}" for index in range(LONG_RECENT)]
    fig = go.Figure(go.Bar(x=labels, y=coefficients, marker_color=LINEAR, text=[f"{c:.2f}" for c in coefficients]))
    fig.update_layout(
        height=280,
        margin=dict(l=10, r=10, t=40, b=10),
        title=f"next value ≈ Σ weight × value + {intercept:.3f}",
        xaxis_title="input (value of the window, or average of a block)" if long_memory else "value of the window",
        yaxis_title="weight",
    )
    return readable(fig)


def horizon_figure(steps_ahead: np.ndarray, recursive_error: np.ndarray, one_step_error: np.ndarray) -> go.Figure:
    """Absolute error of the recursive forecast against k, next to the one-step forecast's error."""
    fig = go.Figure()
    fig.add_scatter(
        x=steps_ahead, y=one_step_error, name="one step ahead (true inputs)", line=dict(color=NOISY, dash="dot")
    )
    fig.add_scatter(
        x=steps_ahead,
        y=recursive_error,
        name="k steps ahead (own predictions fed back)",
        line=dict(color=MODEL, width=2),
    )
    fig.update_layout(
        title="Error k steps ahead",
        height=330,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis_title="k (steps after the training part)",
        yaxis_title="absolute error",
        legend=dict(orientation="h", y=-0.3),
    )
    return readable(fig)


def look_back_figure(
    look_backs: list[int],
    model_ratio: list[float],
    persistence_ratio: list[float],
    linear_ratio: list[float] | None = None,
    marked: tuple[int, float] | None = None,
    long_memory: float | None = None,
    yours: tuple[int, float] | None = None,
) -> go.Figure:
    """Test RMSE divided by the noise floor, against look_back (1.0 is the best possible).

    `marked` is the (look_back, ratio) of the page's pretrained model, drawn as a star, and `yours` that of
    the student's own model, a star of its own colour; `long_memory` the long-memory forecaster's ratio, drawn
    at the LONG_LOOK_BACK values it reaches back.
    """
    fig = go.Figure()
    fig.add_scatter(x=look_backs, y=model_ratio, name="LSTM", mode="lines+markers", line=dict(color=MODEL, width=2))
    if linear_ratio:
        fig.add_scatter(
            x=look_backs,
            y=linear_ratio,
            name="linear predictor",
            mode="lines+markers",
            line=dict(color=LINEAR, width=2, dash="dash"),
        )
    fig.add_scatter(
        x=look_backs,
        y=persistence_ratio,
        name="persistence",
        mode="lines+markers",
        line=dict(color=NOISY, dash="dashdot"),
        marker=dict(symbol="square"),
    )
    if long_memory is not None:
        fig.add_scatter(
            x=[LONG_LOOK_BACK],
            y=[long_memory],
            name=f"long memory ({LONG_RECENT} values + {LONG_BLOCKS} averages)",
            mode="markers",
            marker=dict(symbol="diamond", size=13, color=MODEL),
        )
    for point, name, colour in ((marked, "the pretrained model on this page", MODEL), (yours, "your model", LINEAR)):
        if point:
            fig.add_scatter(
                x=[point[0]],
                y=[point[1]],
                name=name,
                mode="markers",
                marker=dict(symbol="star", size=16, color=colour, line=dict(color="white", width=1)),
            )
    fig.add_hline(
        y=1.0, line=dict(color=CLEAN, dash="dot"), annotation_text="noise floor", annotation_position="bottom left"
    )
    best = int(np.argmin(model_ratio))
    says(
        fig,
        f"1.0 is the noise floor, the best possible. The LSTM comes closest at look_back {look_backs[best]}, "
        f"{model_ratio[best]:.2f} times the floor; persistence stays at {min(persistence_ratio):.2f} or more.",
    )
    fig.update_layout(
        title="Test error against look_back",
        height=350,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(
            title="look_back (values the model reaches back)", type="log", tickvals=[*look_backs, LONG_LOOK_BACK]
        ),
        yaxis_title="test RMSE ÷ noise floor",
        legend=dict(orientation="h", y=-0.3),
    )
    return readable(fig)
