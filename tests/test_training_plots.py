"""Training curves: the panels a run has, whole epochs, training and validation told apart."""

from __future__ import annotations

from core.shared.training_plots import curves_figure


def panel_titles(fig) -> list[str]:
    return [annotation.text for annotation in fig.layout.annotations]


def test_a_ctc_run_draws_its_loss_only():
    """Test that a run without accuracy (a CTC reader) gets a loss panel and no empty accuracy panel."""
    fig = curves_figure({"my model": {"loss": [16.4, 16.3], "val_loss": [16.5, 16.4]}})
    assert panel_titles(fig) == ["loss"]


def test_training_and_validation_differ_in_colour_and_marker_after_one_epoch():
    """Test that a single epoch's two dots can be told apart."""
    fig = curves_figure({"my model": {"loss": [1.0], "val_loss": [1.1], "accuracy": [0.4], "val_accuracy": [0.5]}})
    training, validation = fig.data[0], fig.data[1]
    assert training.line.color != validation.line.color and training.marker.symbol != validation.marker.symbol


def test_epoch_ticks_are_whole_numbers():
    """Test that the epoch axis ticks whole epochs from 1, about ten of them whatever the run's length."""
    for epochs in (1, 3, 9, 130):
        fig = curves_figure({"run": {"loss": [1.0] * epochs}})
        assert fig.layout.xaxis.tick0 == 1 and float(fig.layout.xaxis.dtick).is_integer()
        assert epochs / fig.layout.xaxis.dtick <= 10


def test_runs_of_different_lengths_compare_by_share_of_training():
    """Test that a 9-epoch and a 130-epoch run both span 0–100 % of the axis, on accuracy only."""
    fig = curves_figure(
        {"basic": {"accuracy": [0.5] * 9, "loss": [1] * 9}, "improved": {"accuracy": [0.8] * 130, "loss": [1] * 130}},
        metrics=("accuracy",),
        by_fraction=True,
    )
    assert panel_titles(fig) == ["accuracy"]
    assert [max(trace.x) for trace in fig.data] == [100, 100]
