"""The convolution page's grids: the input channels with the window, the step in detail, and the output."""

from __future__ import annotations

import numpy as np

from core.conv.layer import ConvGeometry, ConvStep
from core.shared.grids import Box, grid_html, grids_rows, sign

# Plotly's colour scales, as the charts of the other pages use them.
BLUES, DIVERGING, OUTPUT = "Blues", "RdBu", "Viridis"


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
