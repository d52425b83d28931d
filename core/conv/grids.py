"""The small matrices of a convolution as coloured HTML tables: input channels, window, filter, products, output.

A grid of at most 20 × 20 numbers reads better as a table of coloured cells than as a chart, and the browser
draws a table in a few milliseconds where plotly.js takes 50–100 ms a chart on a laptop (docs/latency.md): the
convolution page redraws these on every change of a setting. Being real tables with captions, a screen
reader reads their numbers.

Example:
    >>> html = grid_html(np.array([[0.0, 1.0], [2.0, 3.0]]), "channel 0", BLUES, low=0, high=3)
    >>> html.count("<td"), "<caption>channel 0</caption>" in html
    (4, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import plotly.colors

from core.conv.layer import ConvGeometry, ConvStep

# Plotly's colour scales, as the charts of the other pages use them.
BLUES, DIVERGING, OUTPUT = "Blues", "RdBu", "Viridis"
WINDOW_COLOUR = "crimson"
# Above this many columns the cells get narrower and their numbers smaller, so that a 20-column input still fits.
WIDE_GRID = 10

STYLE = """<style>
.conv-grids { display: flex; margin-bottom: 0.8rem; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: flex-start; overflow-x: auto; }
.conv-grids .sign { align-self: center; font-size: 1.4rem; padding-top: 1.4rem; }
.conv-grid { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.conv-grid caption { caption-side: top; font-weight: 600; text-align: left; padding-bottom: 0.2rem; white-space: nowrap; }
.conv-grid td { border: 2px solid white; width: 2.7rem; height: 2rem; padding: 0; text-align: center; font-size: 0.85rem; }
.conv-grid.wide td { width: 1.9rem; height: 1.6rem; font-size: 0.68rem; }
.conv-grid td.pad { background: repeating-linear-gradient(45deg, #f4f4f4, #f4f4f4 4px, #e4e4e4 4px, #e4e4e4 6px); color: #555; }
.conv-grid td.empty { background: #f4f4f4; }
</style>"""


@dataclass(frozen=True)
class Box:
    """A rectangle of cells: its top-left cell and its size."""

    top: int
    left: int
    height: int
    width: int

    def holds(self, row: int, col: int) -> bool:
        return self.top <= row < self.top + self.height and self.left <= col < self.left + self.width

    def edges(self, row: int, col: int) -> list[str]:
        """The CSS border sides ('top', 'left', …) of cell (row, col) that lie on this box's outline."""
        if not self.holds(row, col):
            return []
        sides = {
            "top": row == self.top,
            "bottom": row == self.top + self.height - 1,
            "left": col == self.left,
            "right": col == self.left + self.width - 1,
        }
        return [side for side, on_edge in sides.items() if on_edge]


def _text_colour(rgb: str) -> str:
    """Black or white, whichever reads better on the background `rgb` ('rgb(r, g, b)')."""
    red, green, blue = (float(part) for part in rgb[rgb.index("(") + 1 : -1].split(","))
    luminance = (0.299 * red + 0.587 * green + 0.114 * blue) / 255
    return "black" if luminance > 0.55 else "white"


def _number(value: float) -> str:
    """Three significant digits, a real minus sign, and no '−0' for a product that rounds to zero."""
    text = f"{value:.3g}"
    return "0" if float(text) == 0 else text.replace("-", "−")


def grid_html(
    values: np.ndarray,
    caption: str,
    colorscale: str,
    low: float,
    high: float,
    window: Box | None = None,
    inside: Box | None = None,
) -> str:
    """One (rows, cols) matrix as a table: each cell its number on its colour between `low` and `high`.

    NaN cells are left empty (an output not computed yet); cells outside `inside` are padding (hatched);
    `window` is outlined.
    """
    span = (high - low) or 1.0
    finite = np.nan_to_num(values, nan=low)
    fractions = np.clip((finite - low) / span, 0.0, 1.0).ravel().tolist()
    colours = plotly.colors.sample_colorscale(colorscale, fractions)
    rows, cols = values.shape
    html = [f'<table class="conv-grid{" wide" if cols > WIDE_GRID else ""}"><caption>{escape(caption)}</caption>']
    for row in range(rows):
        html.append("<tr>")
        for col in range(cols):
            value = float(values[row, col])
            borders = "".join(
                f"border-{side}: 3px solid {WINDOW_COLOUR};" for side in (window.edges(row, col) if window else [])
            )
            if np.isnan(value):
                html.append(f'<td class="empty" style="{borders}"></td>')
            elif inside is not None and not inside.holds(row, col):
                html.append(f'<td class="pad" style="{borders}">{_number(value)}</td>')
            else:
                colour = colours[row * cols + col]
                html.append(
                    f'<td style="background: {colour}; color: {_text_colour(colour)};{borders}">{_number(value)}</td>'
                )
        html.append("</tr>")
    html.append("</table>")
    return "".join(html)


def sign(text: str) -> str:
    """An operator ('×', '=') between two grids of a row; screen readers skip it, the captions say what each grid is."""
    return f'<div class="sign" aria-hidden="true">{escape(text)}</div>'


def grids_rows(rows: list[list[str]]) -> str:
    """Rows of grids (and signs) side by side, each row wrapping onto more lines where the page is narrow."""
    return STYLE + "".join('<div class="conv-grids">' + "".join(parts) + "</div>" for parts in rows)


def window_grids(padded: np.ndarray, geometry: ConvGeometry, cell: ConvStep, step: int, output: np.ndarray) -> str:
    """Every padded input channel with the window outlined, and the filter's (rows, cols) `output` filled in
    row by row up to `step`, on the colour scale of the whole output."""
    spec = geometry.spec
    inside = Box(geometry.rows.pad_before, geometry.cols.pad_before, spec.height, spec.width)
    window = Box(cell.top, cell.left, spec.filter_size, spec.filter_size)
    high = float(padded.max()) or 1.0
    tables = [
        grid_html(padded[..., channel], f"channel {channel}", BLUES, 0.0, high, window=window, inside=inside)
        for channel in range(spec.channels)
    ]
    so_far = output.astype(float).ravel()
    so_far[step + 1 :] = np.nan  # the cells after this step are not computed yet
    cell_box = Box(cell.row, cell.col, 1, 1)
    low, top = float(output.min()), float(output.max())
    tables.append(grid_html(so_far.reshape(output.shape), "output so far", OUTPUT, low, top, window=cell_box))
    return grids_rows([tables])


def detail_grids(cell: ConvStep, kernels: np.ndarray, filter_index: int) -> str:
    """For one window position, channel by channel: the window × the filter = their element-wise products."""
    limit = float(np.abs(cell.products).max()) or 1.0
    high = float(cell.window.max()) or 1.0
    rows = [
        [
            grid_html(cell.window[..., channel], f"window, channel {channel}", BLUES, 0.0, high),
            sign("×"),
            grid_html(
                kernels[..., channel, filter_index], f"filter {filter_index}, channel {channel}", DIVERGING, -1, 1
            ),
            sign("="),
            grid_html(cell.products[..., channel], f"products, channel {channel}", DIVERGING, -limit, limit),
        ]
        for channel in range(cell.window.shape[-1])
    ]
    return grids_rows(rows)


def output_grids(output: np.ndarray, source: str) -> str:
    """Each output channel (filter) of a (rows, cols, K) array, on one colour scale for all."""
    low, high = float(output.min()), float(output.max())
    return grids_rows(
        [[grid_html(output[..., k], f"{source}, filter {k}", OUTPUT, low, high) for k in range(output.shape[-1])]]
    )
