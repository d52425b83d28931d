"""Charts in words (core/shared/chart_text.py): every kind of figure the pages draw gets a description."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.captcha.plots import character_counts_figure, collapse_figure
from core.captcha.reader import CHARACTERS
from core.cifar.plots import confusion_figure, per_class_figure, top_classes_figure
from core.ctc import algorithm as ctc
from core.shared.chart_text import chart_text, says


def test_a_confusion_matrix_says_its_most_frequent_mistake():
    """Test that the confusion matrix's text names its largest off-diagonal cell, not the diagonal."""
    matrix = np.diag(np.full(10, 400))
    matrix[3, 5] = 120  # cats taken for dogs
    matrix[5, 3] = 60
    text = chart_text(confusion_figure(matrix))
    assert "a cat taken for a dog, 120 times" in text
    assert text.startswith("Chart: Confusion matrix.")


@pytest.mark.parametrize(
    "figure",
    [
        pytest.param(
            lambda: collapse_figure(ctc.best_path_steps(np.eye(20)[np.arange(50) % 20], CHARACTERS)), id="collapse"
        ),
        pytest.param(lambda: character_counts_figure(("226md", "3bd8f")), id="counts"),
        pytest.param(lambda: per_class_figure({"a": np.linspace(0, 1, 10), "b": np.ones(10)}), id="per-class"),
        pytest.param(lambda: top_classes_figure(np.full(10, 0.1)), id="top"),
        pytest.param(lambda: go.Figure(go.Heatmap(z=np.full((3, 3), np.nan))), id="empty-heatmap"),
        pytest.param(lambda: go.Figure(go.Scatter(x=["a", "b"] * 20, y=["c", "d"] * 20)), id="categories"),
    ],
)
def test_every_kind_of_figure_gets_words(figure):
    """Test that categorical axes, empty heat maps and long traces are described without an error, with a title."""
    text = chart_text(figure())
    assert text.startswith("Chart: ") and len(text) > 20


def test_says_keeps_the_key_sentence_and_other_meta():
    """Test that the key sentence is read back first after the title, and other `meta` of the figure is kept."""
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout=dict(title_text="T", meta={"other": 1}))
    says(fig, "Key.")
    assert fig.layout.meta == {"other": 1, "says": "Key."}
    assert chart_text(fig) == "Chart: T. Key. Bars: 1 3, 2 4."
