"""The shipped models' summaries: one structure, written and read by the same code."""

from __future__ import annotations

import pytest

from core.shared import assets


def test_a_summary_reads_back_as_written(tmp_path):
    """Test that write_summary then read_summary gives the same ModelSummary, and None where there is none."""
    model_path = tmp_path / "model.keras"
    assert assets.read_summary(model_path) is None
    summary = assets.ModelSummary(
        "python -m core train x", 10, 2, 1.5, "2 CPU cores", {"rmse": 0.5}, {"loss": [2.0, 1.0]}
    )
    assets.write_summary(model_path, summary)
    assert assets.read_summary(model_path) == summary


@pytest.mark.parametrize("model_path", sorted(assets.MODELS.glob("*.keras")), ids=lambda path: path.stem)
def test_every_shipped_model_has_a_summary_with_its_command(model_path):
    """Test that each shipped model has a summary, in the structure the pages read, naming the command that made it."""
    summary = assets.read_summary(model_path)
    assert summary is not None
    assert summary.command.startswith("python -m core train ") or summary.command.startswith(
        "KERAS_BACKEND=jax python -m core train "
    )
    assert summary.epochs == len(next(iter(summary.history.values())))
    assert summary.figures


@pytest.mark.parametrize("model_path", sorted(assets.MODELS.glob("*.keras")), ids=lambda path: path.stem)
def test_every_shipped_model_loads_compiled_with_its_parameter_count(model_path):
    """Test that each shipped model loads as the pages load it (the readers need their CTC loss by name), whole."""
    model = assets.load_model(model_path)
    assert model.count_params() == assets.read_summary(model_path).parameters
