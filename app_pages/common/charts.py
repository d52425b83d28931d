"""Every chart with its words: a plotly chart drawn with the text a screen reader reads for it."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from core.shared.chart_text import chart_text


def show_chart(where: Any, figure: go.Figure, **options: Any) -> Any:
    """Draw `figure` in `where` (`st`, a column, a container), its description from `chart_text` as its `alt`.

    `options` go to `plotly_chart` (key, on_select, …); returns what it returns (the selection, with `on_select`).
    """
    return where.plotly_chart(figure, alt=chart_text(figure), **options)
