"""The coloured number tables (core/shared/grids.py): every number readable on its colour."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.conv.grids import BLUES, DIVERGING, OUTPUT
from core.lstm.grids import gates_grids
from core.lstm.layer import CellTrace
from core.shared.grids import grid_html

CELL = re.compile(r"background: rgb\(([\d.]+), ([\d.]+), ([\d.]+)\); color: (black|white)")


def contrast(background: tuple[float, float, float], text: str) -> float:
    """WCAG 2's contrast ratio of black or white text on an sRGB background (0–255 channels)."""

    def luminance(rgb: tuple[float, float, float]) -> float:
        linear = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(background), 0.0 if text == "black" else 1.0), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def cell_contrasts(html: str) -> list[float]:
    return [contrast((float(r), float(g), float(b)), text) for r, g, b, text in CELL.findall(html)]


@pytest.mark.parametrize("scale", [BLUES, DIVERGING, OUTPUT])
def test_every_number_has_aa_contrast_on_every_colour_of_the_pages_scales(scale):
    """Test that across each scale the pages use, 201 values from end to end, every number's contrast is ≥ 4.5:1."""
    values = np.linspace(0, 1, 201).reshape(1, -1)
    contrasts = cell_contrasts(grid_html(values, "sweep", scale, 0.0, 1.0))
    assert len(contrasts) == 201
    assert min(contrasts) >= 4.5


def test_the_lstm_gates_tables_have_aa_contrast():
    """Test that the LSTM cell's gates, values across their whole range, are all readable (WCAG AA)."""
    rng = np.random.default_rng(0)
    trace = CellTrace(*(rng.uniform(-1, 1, size=(6, 4)) for _ in range(6)))
    contrasts = cell_contrasts(gates_grids(trace, step=2))
    assert contrasts and min(contrasts) >= 4.5
