"""A chart in words, for a student who cannot see it: its title, its key number, and what each trace shows.

A screen reader finds nothing to read in a plotly chart. Each chart's figure carries a sentence with its key
number (the worst confusion, the forecast's error, the reading's probability) where the figure is made,
`says(fig, …)`; `chart_text` adds a plain description of its traces, read from the figure itself:
a handful of bars or points value by value, longer lines and heat maps by their range.

Example:
    >>> import plotly.graph_objects as go
    >>> fig = go.Figure(go.Bar(x=["cat", "dog"], y=[0.7, 0.2]), layout_title_text="Top classes")
    >>> chart_text(says(fig, "It reads cat, at 70%."))
    'Chart: Top classes. It reads cat, at 70%. Bars: cat 0.7, dog 0.2.'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

LISTED = 12  # traces of up to this many values are read value by value; longer ones by their range


def says(fig: go.Figure, sentence: str) -> go.Figure:
    """Attach the chart's key sentence to `fig` (in place; kept in the figure's `layout.meta`) and return it."""
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**meta, "says": sentence})
    return fig


def chart_title(fig: go.Figure) -> str:
    """The figure's title, or its subplots' titles joined ('' when it has neither)."""
    if fig.layout.title.text:
        return str(fig.layout.title.text)
    return "; ".join(str(note.text) for note in fig.layout.annotations if note.text and note.xref == "paper")


def _number(value: object) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.3g}"
    return str(value)


def _values(trace_values: object) -> list:
    if trace_values is None:
        return []
    return list(np.asarray(trace_values).ravel().tolist())


def _listed(labels: Sequence, values: Sequence) -> str:
    return ", ".join(f"{_number(label)} {_number(value)}" for label, value in zip(labels, values, strict=False))


def _ranged(values: Sequence) -> str:
    """'200 values from 0.1 to 0.9'; for categories (a confusion matrix's class names), only how many."""
    try:
        numbers = np.asarray([value for value in values if value is not None], dtype=float)
    except ValueError:
        return f"{len(values)} values"
    numbers = numbers[np.isfinite(numbers)]
    if not len(numbers):
        return "no values"
    return f"{len(values)} values from {_number(numbers.min())} to {_number(numbers.max())}"


def _trace_text(trace) -> str:
    name = f" {trace.name}" if trace.name else ""
    if trace.type == "heatmap":
        z = np.asarray(trace.z, dtype=float)
        finite = z[np.isfinite(z)]
        if not finite.size:
            return f"Heat map{name}: empty."
        rows, cols = z.shape if z.ndim == 2 else (1, z.size)
        return f"Heat map{name}, {rows} rows × {cols} columns, from {_number(finite.min())} to {_number(finite.max())}."
    if trace.type == "bar":
        labels, values = _values(trace.x), _values(trace.y)
        if trace.orientation == "h":
            labels, values = values, labels
        body = _listed(labels, values) if len(values) <= LISTED else _ranged(values)
        return f"Bars{name}: {body}."
    if trace.type in ("scatter", "scattergl"):
        xs, ys = _values(trace.x), _values(trace.y)
        kind = "Points" if trace.mode and "lines" not in trace.mode else "Line"
        body = _listed(xs, ys) if len(ys) <= LISTED else _ranged(ys)
        return f"{kind}{name}: {body}."
    return f"A {trace.type} trace{name}."


def chart_text(fig: go.Figure) -> str:
    """The chart in a few sentences: 'Chart: <title>. <its key sentence>. <each trace>.'"""
    parts = [f"Chart: {chart_title(fig) or 'untitled'}."]
    axes = [
        f"{direction}: {axis.title.text}"
        for direction, axis in (("across", fig.layout.xaxis), ("up", fig.layout.yaxis))
        if axis.title.text
    ]
    if axes:
        sentence = "; ".join(axes)
        parts.append(sentence[0].upper() + sentence[1:] + ".")
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("says"):
        parts.append(str(meta["says"]))
    parts += [_trace_text(trace) for trace in fig.data]
    if fig.frames:
        parts.append(f"An animation of {len(fig.frames)} frames.")
    return " ".join(parts)
