"""Small matrices as coloured HTML tables: each cell its number on a colour of a plotly colour scale.

A matrix of a few hundred numbers reads better as a table of coloured cells than as a chart, and the browser
draws a table in a few milliseconds where plotly.js takes 60–100 ms for each chart that changes
(docs/latency.md): pages whose pictures follow every move of a control (the convolution's window, the LSTM
cell's gates) draw them this way. Being real tables with captions and headers, a screen reader reads them.

Example:
    >>> html = grid_html(np.array([[0.0, 1.0], [2.0, 3.0]]), "channel 0", "Blues", low=0, high=3)
    >>> html.count("<td"), "<caption>channel 0</caption>" in html
    (4, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import plotly.colors

WINDOW_COLOUR = "crimson"
# Above this many columns the cells get narrower and their numbers smaller, so that a 20-column input still fits.
WIDE_GRID = 10

STYLE = """<style>
.number-grids { display: flex; margin-bottom: 0.8rem; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: flex-start; overflow-x: auto; }
.number-grids .sign { align-self: center; font-size: 1.4rem; padding-top: 1.4rem; }
.number-grid { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.number-grid caption { caption-side: top; font-weight: 600; text-align: left; padding-bottom: 0.2rem; white-space: nowrap; }
.number-grid td { border: 2px solid white; width: 2.7rem; height: 2rem; padding: 0; text-align: center; font-size: 0.85rem; }
.number-grid.wide td { width: 1.9rem; height: 1.6rem; font-size: 0.68rem; }
.number-grid td.pad { background: repeating-linear-gradient(45deg, #f4f4f4, #f4f4f4 4px, #e4e4e4 4px, #e4e4e4 6px); color: #555; }
.number-grid td.empty { background: #f4f4f4; }
.number-grid th { font-weight: normal; font-size: 0.75rem; padding: 0 0.3rem; color: #444; }
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


def _relative_luminance(rgb: str) -> float:
    """WCAG 2's relative luminance of 'rgb(r, g, b)', from 0 (black) to 1 (white)."""
    channels = [float(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour(rgb: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on the background `rgb` ('rgb(r, g, b)').

    One of the two always reaches 4.5:1 (WCAG AA for normal text), whatever the background.
    """
    luminance = _relative_luminance(rgb)
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def _number(value: float, digits: int) -> str:
    """`digits` significant digits, a real minus sign, and no '−0' for a value that rounds to zero."""
    text = f"{value:.{digits}g}"
    return "0" if float(text) == 0 else text.replace("-", "−")


def grid_html(
    values: np.ndarray,
    caption: str,
    colorscale: str,
    low: float,
    high: float,
    window: Box | None = None,
    inside: Box | None = None,
    row_labels: list[str] | None = None,
    col_labels: list[str] | None = None,
    digits: int = 3,
) -> str:
    """One (rows, cols) matrix as a table: each cell its number on its colour between `low` and `high`.

    NaN cells are left empty (an output not computed yet); cells outside `inside` are padding (hatched);
    `window` is outlined. `row_labels` and `col_labels`, where given, head the rows and columns.
    """
    span = (high - low) or 1.0
    finite = np.nan_to_num(values, nan=low)
    fractions = np.clip((finite - low) / span, 0.0, 1.0).ravel().tolist()
    colours = plotly.colors.sample_colorscale(colorscale, fractions)
    rows, cols = values.shape
    html = [f'<table class="number-grid{" wide" if cols > WIDE_GRID else ""}"><caption>{escape(caption)}</caption>']
    if col_labels is not None:
        corner = "<td></td>" if row_labels is not None else ""
        html.append(
            "<tr>" + corner + "".join(f'<th scope="col">{escape(label)}</th>' for label in col_labels) + "</tr>"
        )
    for row in range(rows):
        html.append("<tr>")
        if row_labels is not None:
            html.append(f'<th scope="row">{escape(row_labels[row])}</th>')
        for col in range(cols):
            value = float(values[row, col])
            borders = "".join(
                f"border-{side}: 3px solid {WINDOW_COLOUR};" for side in (window.edges(row, col) if window else [])
            )
            if np.isnan(value):
                html.append(f'<td class="empty" style="{borders}"></td>')
            elif inside is not None and not inside.holds(row, col):
                html.append(f'<td class="pad" style="{borders}">{_number(value, digits)}</td>')
            else:
                colour = colours[row * cols + col]
                html.append(
                    f'<td style="background: {colour}; color: {_text_colour(colour)};{borders}">{_number(value, digits)}</td>'
                )
        html.append("</tr>")
    html.append("</table>")
    return "".join(html)


def sign(text: str) -> str:
    """An operator ('×', '=') between two grids of a row; screen readers skip it, the captions say what each grid is."""
    return f'<div class="sign" aria-hidden="true">{escape(text)}</div>'


def grids_rows(rows: list[list[str]]) -> str:
    """Rows of grids (and signs) side by side, each row wrapping onto more lines where the page is narrow."""
    return STYLE + "".join('<div class="number-grids">' + "".join(parts) + "</div>" for parts in rows)
