"""The LSTM cell's gates and states over time as coloured tables, the chosen time step outlined.

They follow the page's time-step slider: as tables they redraw in a few milliseconds, where six plotly
heatmaps took about 250 ms a move (docs/latency.md).
"""

from __future__ import annotations

from core.lstm.layer import CellTrace
from core.lstm.plots import GATE_TITLES
from core.shared.grids import Box, grid_html, grids_rows

SIGMOID_GATES = ("i", "f", "o")  # between 0 and 1; the others (g, c, h) between −1 and 1, mostly


def gates_grids(trace: CellTrace, step: int) -> str:
    """Each gate and state as a (unit × time step) table, the column of `step` (0-based) outlined.

    Example:
        >>> import numpy as np
        >>> values = np.full((2, 3), 0.5)  # 2 time steps, 3 units
        >>> html = gates_grids(CellTrace(*(values,) * 6), step=1)
        >>> html.count("<table"), html.count("<td"), "<caption>forget gate f</caption>" in html
        (6, 42, True)
    """
    timesteps, units = trace.h.shape
    column = Box(0, step, units, 1)
    rows, cols = [f"u{unit}" for unit in range(units)], [f"t={t}" for t in range(1, timesteps + 1)]
    tables = []
    for name, title in GATE_TITLES.items():
        sigmoid_gate = name in SIGMOID_GATES
        colours, low = ("Viridis", 0.0) if sigmoid_gate else ("RdBu", -1.0)
        values = getattr(trace, name).T  # (U, T)
        tables.append(
            grid_html(values, title, colours, low, 1.0, window=column, row_labels=rows, col_labels=cols, digits=2)
        )
    return grids_rows([tables])
