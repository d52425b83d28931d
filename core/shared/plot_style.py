"""One look for every chart: text that a projector at the back of a room still shows."""

from __future__ import annotations

import plotly.colors
import plotly.graph_objects as go

FONT_SIZE = 15  # axis labels, ticks, legends and hover text, in CSS pixels
TITLE_SIZE = 16  # chart and subplot titles
# Plotly's Magma without its first stop: in the browser, Streamlit's charts draw that stop ("#000004") light
# pink, so the lowest values looked like middling ones between black and purple. This one runs dark to light.
MAGMA = plotly.colors.sequential.Magma[1:]


def readable(fig: go.Figure) -> go.Figure:
    """Set the shared font sizes on `fig` (in place) and return it.

    Streamlit's chart theme replaces a figure's template, so the sizes are set on the
    figure's own layout and axes, where the theme keeps them. (Subplot titles are annotations that
    `make_subplots` already sets at 16 px.)
    """
    fig.update_layout(
        font_size=FONT_SIZE, hoverlabel_font_size=FONT_SIZE, title_font_size=TITLE_SIZE, legend_font_size=FONT_SIZE
    )
    # The theme sizes tick labels and axis titles on each axis, which wins over the layout's font.
    fig.update_xaxes(tickfont_size=FONT_SIZE, title_font_size=FONT_SIZE)
    fig.update_yaxes(tickfont_size=FONT_SIZE, title_font_size=FONT_SIZE)
    return fig
