"""The shipped models' summaries: one structure, written and read by the same code."""

from __future__ import annotations

import pytest

from core.ctc import algorithm  # noqa: F401  (registers the loss the CTC readers are saved with)
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


@pytest.fixture
def fresh_timing_reads():
    """The timing files are read once per server: forget the reads cached around a test that swaps them."""
    caches = (assets._page_training_measured, assets.training_start_seconds)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_a_training_estimate_is_what_the_page_measured_else_the_shipped_pace(tmp_path, monkeypatch, fresh_timing_reads):
    """Test that a page's estimate is its measured press-to-done time (fixed part + epochs × per epoch), and
    falls back to the measured start plus the shipped model's pace, then to None, where it was not measured."""
    measured = tmp_path / "page_training_time.json"
    measured.write_text('{"core.speech.reader": {"start": 20.0, "per_epoch": 15.0}}')
    monkeypatch.setattr(assets, "PAGE_TRAINING_RESULTS", measured)
    monkeypatch.setattr(assets, "TRAINING_START_RESULTS", tmp_path / "no-start.json")
    shipped = assets.ModelSummary("python -m core train x", 10, epochs=20, train_seconds=400.0, trained_on="here")
    assert [assets.expected_training_seconds("core.speech.reader", e, shipped) for e in (1, 3)] == [35.0, 65.0]
    assert assets.expected_training_seconds("core.captcha.reader", 3, shipped) == 60.0  # 3 epochs at 20 s
    assert assets.expected_training_seconds("core.captcha.reader", 3, None) is None


def test_every_card_of_the_registry_is_drawn_by_its_topic():
    """Test that each page with a home card has its topic's `draw_card`, which draws a picture of the card's size."""
    from app_pages import registry
    from devtools.card_images import card_drawers

    drawers = card_drawers()
    assert sorted(drawers) == sorted(entry.card.picture for entry in registry.PAGES if entry.card)
    assert drawers["lstm.png"]().size == assets.CARD_SIZE
