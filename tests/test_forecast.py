"""Tests of the forecasting helpers: windows, normalisation, baselines, recursion, training."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.forecast.model import (
    SeriesConfig,
    build_forecaster,
    forecaster_param_count,
    make_series,
    make_windows,
    material_window_count,
    recursive_forecast,
    split_windows,
    train_forecaster,
)
from core.shared.training import TrainingHooks


def test_windows_cover_every_position():
    """Test that len - look_back windows are cut, each followed by its target, one more than the slides' loop."""
    values = np.arange(20, dtype=np.float32)
    x, y = make_windows(values, look_back=4)
    assert x.shape == (16, 4, 1)
    assert x[0, :, 0].tolist() == [0, 1, 2, 3] and y[0] == 4
    assert x[-1, :, 0].tolist() == [15, 16, 17, 18] and y[-1] == 19
    assert material_window_count(20, 4) == 15


def test_normalisation_uses_the_training_part_only():
    """Test that changing the test part leaves the normalisation statistics unchanged."""
    series = make_series(SeriesConfig(length=500, seed=3))
    train = series.noisy[: series.train_size]
    assert np.isclose(series.mean, train.mean()) and np.isclose(series.std, train.std())
    assert not np.isclose(series.std, series.noisy.std())


def test_every_test_point_gets_a_forecast():
    """Test that the test windows end right before each test point, reaching back into the training part."""
    series = make_series(SeriesConfig(length=300, split=0.8))
    windows = split_windows(series, look_back=10)
    assert windows.test_index.tolist() == list(range(240, 300))
    normalised = series.normalise(series.noisy)
    np.testing.assert_allclose(windows.x_test[0, :, 0], normalised[230:240], rtol=1e-6)
    np.testing.assert_allclose(windows.y_test, normalised[240:], rtol=1e-6)


def test_noise_floor_is_the_noise_level():
    """Test that the noiseless curve misses the noisy series by about σ (the floor no model beats)."""
    series = make_series(SeriesConfig(length=3000, noise=0.5))
    rmse = np.sqrt(np.mean((series.noisy - series.clean) ** 2))
    assert abs(rmse - 0.5) < 0.03


class _LastPlusOne:
    """A stand-in model that predicts the last value of each window plus one."""

    layers = ()  # not the long-memory model

    def __call__(self, x, training=False):
        return x[:, -1, :] + 1.0

    def predict_on_batch(self, x):
        return self(x)


def test_recursive_forecast_feeds_back_its_own_predictions():
    """Test that forecast k is built from forecasts 1..k-1: last-plus-one grows by one each step."""
    series = make_series(SeriesConfig(length=100, noise=0.0))
    series = dataclasses.replace(series, mean=0.0, std=1.0)
    forecasts = recursive_forecast(_LastPlusOne(), series, look_back=5, steps=4)
    last = series.noisy[series.train_size - 1]
    np.testing.assert_allclose(forecasts, last + np.arange(1, 5), rtol=1e-5)


def test_material_model_has_40901_parameters():
    """Test that LSTM(100) + Dense(1) on look_back 10 has the material's 40,901 parameters."""
    assert build_forecaster(10).count_params() == 40_901 == forecaster_param_count(100)
    assert build_forecaster(10, units=8, second_layer_units=4).count_params() == forecaster_param_count(8, 4)


def test_short_training_lowers_the_loss():
    """Test that a few epochs on the series lower the training loss and record each epoch."""
    series = make_series(SeriesConfig(length=400))
    windows = split_windows(series, look_back=10)
    model = build_forecaster(10, units=16)
    epochs = []
    hooks = TrainingHooks(on_epoch=lambda h: epochs.append(h.epochs))
    history = train_forecaster(model, windows, epochs=5, batch_size=32, hooks=hooks)
    assert epochs == [1, 2, 3, 4, 5]
    assert history.metrics["loss"][-1] < history.metrics["loss"][0]


def test_results_are_computed_once_and_match_their_parts():
    """Test that the bundle the page caches holds the evaluation, the training fit and the recursive forecast."""
    from core.forecast.model import evaluate, results

    series = make_series(SeriesConfig(length=200, noise=0.0))
    windows = split_windows(series, look_back=5)
    bundle = results(_LastPlusOne(), series, windows, look_back=5)
    assert bundle.evaluation.model == evaluate(_LastPlusOne(), series, windows).model
    assert bundle.train_forecast.shape == windows.y_train.shape and bundle.recursive.shape == windows.y_test.shape


def test_linear_predictor_is_numpy_least_squares_on_a_tiny_case():
    """Test that the linear reference's weights are those of numpy.linalg.lstsq, and it predicts with them."""
    from core.forecast.model import Windows, fit_linear

    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 3, 1)).astype(np.float32)
    y = (x[:, :, 0] @ np.array([0.5, -0.25, 2.0]) + 0.1 + 0.01 * rng.standard_normal(20)).astype(np.float32)
    linear = fit_linear(Windows(x, y, x, y, np.arange(20), np.arange(20)))
    expected = np.linalg.lstsq(np.c_[x[:, :, 0], np.ones(20)], y, rcond=None)[0]
    np.testing.assert_allclose(linear.coefficients, expected[:-1], rtol=1e-5)
    np.testing.assert_allclose(linear.intercept, expected[-1], atol=1e-5)
    np.testing.assert_allclose(linear.predict(x), np.c_[x[:, :, 0], np.ones(20)] @ expected, atol=1e-5)


@pytest.mark.parametrize("model_file", ["forecast_lstm.keras", "forecast_long_memory.keras"])
def test_evaluate_command_scores_the_shipped_forecaster_on_an_unseen_series(model_file):
    """Test that `python -m core evaluate forecast` scores either kind of shipped model: the three ratios to the noise floor."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "evaluate",
            "forecast",
            "--model",
            f"assets/models/{model_file}",
            "--seed",
            "3",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"rmse_over_noise_floor=(\d\.\d{3}) linear=(\d\.\d{3}) persistence=(\d\.\d{3})", last)
    assert match, last
    model, linear, persistence = map(float, match.groups())
    assert 1.0 < model < persistence and 1.0 < linear < persistence


def test_long_memory_model_sees_block_averages_then_the_latest_values():
    """Test that the model's 26 inputs are the 16 averages of 10 older values, then the 10 latest, of a raw window."""
    from core.forecast import model as forecast

    model = forecast.build_long_memory_forecaster(units=4)
    window = np.arange(forecast.LONG_LOOK_BACK, dtype=np.float32).reshape(1, -1, 1)
    seen = forecast.long_memory_inputs(model, window)[0]
    expected = np.r_[np.arange(160).reshape(16, 10).mean(axis=1), np.arange(160, 170)]
    np.testing.assert_allclose(seen, expected)
    assert model.count_params() == forecast.long_memory_param_count(4)


def test_long_memory_model_starts_as_the_least_squares_predictor():
    """Test that before training its forecast is the linear predictor on the same inputs (the LSTM's share is zero)."""
    from core.forecast import model as forecast

    settings = forecast.ModelSettings(forecast.SeriesConfig(), forecast.LONG_LOOK_BACK, 8, 0, long_memory=True)
    series = forecast.make_series(settings.series)
    windows = forecast.split_windows(series, settings.look_back)
    model = forecast.new_forecaster(settings, windows)
    linear = forecast.fit_linear(windows, model)
    direct = linear.predict(forecast.model_inputs(model, windows.x_test))
    np.testing.assert_allclose(forecast.predict(model, windows.x_test), direct, atol=1e-4)


def test_horizon_errors_start_at_the_one_step_error():
    """Test that the recursive forecast's error one step ahead is the one-step forecast's, from every test origin."""
    from core.forecast import model as forecast

    series = make_series(SeriesConfig(length=200, noise=0.0))
    series = dataclasses.replace(series, mean=0.0, std=1.0)
    windows = split_windows(series, look_back=5)
    errors = forecast.horizon_rmse(_LastPlusOne(), series, 5, steps=3)
    one_step = np.sqrt(np.mean((windows.x_test[:, -1, 0] + 1 - windows.y_test)[: len(windows.y_test) - 2] ** 2))
    assert errors.shape == (3,) and errors[0] == pytest.approx(one_step, rel=1e-5)


def test_train_command_for_the_long_memory_model_writes_its_summary(tmp_path):
    """Test that `python -m core train forecast --long-memory` saves a model and a summary with the exact command."""
    import subprocess
    import sys
    from pathlib import Path

    from core.shared.assets import read_summary

    out = tmp_path / "long.keras"
    command = [sys.executable, "-m", "core", "train", "forecast", "--long-memory", "--epochs", "1", "--out", str(out)]
    result = subprocess.run(
        command, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    summary = read_summary(out)
    assert summary.command == f"python -m core train forecast --long-memory --epochs 1 --out {out}"
    assert summary.epochs == 1 and summary.parameters == 4412 and "test_rmse" in summary.figures
