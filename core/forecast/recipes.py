"""Shipping the forecasters: `python -m core train forecast` and `python -m core evaluate forecast`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from core.forecast import model as forecast
from core.shared.assets import FORECAST_LONG_MEMORY_MODEL, FORECAST_MODEL, load_model, write_summary
from core.shared.commands import Command
from core.shared.shipping import epoch_printer, trained_summary
from core.shared.worker import TrainingTask


def train_forecast(args: argparse.Namespace) -> None:
    config = forecast.SeriesConfig(seed=args.seed)
    series = forecast.make_series(config)
    if args.long_memory:
        settings = forecast.ModelSettings(config, forecast.LONG_LOOK_BACK, args.units or forecast.LONG_UNITS, 0, True)
        epochs, batch_size = args.epochs or forecast.LONG_EPOCHS, args.batch_size or forecast.LONG_BATCH_SIZE
    else:
        settings = forecast.ModelSettings(config, args.look_back, args.units or forecast.MATERIAL_UNITS, 0)
        epochs, batch_size = args.epochs or forecast.MATERIAL_EPOCHS, args.batch_size or forecast.MATERIAL_BATCH_SIZE
    out = args.out or (FORECAST_LONG_MEMORY_MODEL if args.long_memory else FORECAST_MODEL)
    windows = forecast.split_windows(series, settings.look_back)
    model = forecast.new_forecaster(settings, windows)

    start = time.perf_counter()
    history = forecast.train_forecaster(
        model, windows, epochs=epochs, batch_size=batch_size, hooks=epoch_printer(epochs)
    )
    seconds = time.perf_counter() - start
    result = forecast.evaluate(model, series, windows)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    # What the page quotes: how long the material's model takes to train here, and how good it is.
    figures = {
        "test_rmse": round(result.model.rmse, 4),
        "persistence_rmse": round(result.persistence.rmse, 4),
        "noise_floor_rmse": round(result.noise_floor.rmse, 4),
    }
    write_summary(out, trained_summary(model, history, seconds, figures))
    print(
        f"trained in {seconds:.1f}s; test RMSE={result.model.rmse:.4f} "
        f"persistence={result.persistence.rmse:.4f} noise floor={result.noise_floor.rmse:.4f}; saved {out}"
    )


def evaluate_forecast(args: argparse.Namespace) -> None:
    """Score a saved forecaster on the test part of a series made with another noise seed, against the references."""
    model = load_model(args.model)
    look_back = model.input_shape[1]
    series = forecast.make_series(forecast.SeriesConfig(length=args.length, noise=args.noise, seed=args.seed))
    windows = forecast.split_windows(series, look_back)
    evaluation = forecast.evaluate(model, series, windows)
    # The linear reference sees what the model sees: the window, or the long-memory model's 26 inputs.
    linear = forecast.fit_linear(windows, model)
    linear_forecast = series.denormalise(linear.predict(forecast.model_inputs(model, windows.x_test)))
    linear_rmse = forecast.score(series.noisy[windows.test_index], linear_forecast).rmse
    floor = evaluation.noise_floor.rmse
    print(f"look_back={look_back} test points={len(windows.y_test)} noise floor RMSE={floor:.4f}")
    print(
        f"rmse_over_noise_floor={evaluation.model.rmse / floor:.3f} linear={linear_rmse / floor:.3f} "
        f"persistence={evaluation.persistence.rmse / floor:.3f}"
    )


def train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="default: the shipped model of that kind, in assets/models/")
    parser.add_argument("--seed", type=int, default=0, help="seed of the series' noise and of the weights")
    parser.add_argument(
        "--long-memory", action="store_true", help="the long-memory forecaster (10 values + 16 block averages)"
    )
    parser.add_argument("--look-back", type=int, default=forecast.MATERIAL_LOOK_BACK, help="the material's model only")
    parser.add_argument(
        "--units", type=int, help=f"default {forecast.MATERIAL_UNITS}, long memory {forecast.LONG_UNITS}"
    )
    parser.add_argument(
        "--epochs", type=int, help=f"default {forecast.MATERIAL_EPOCHS}, long memory {forecast.LONG_EPOCHS}"
    )
    parser.add_argument(
        "--batch-size", type=int, help=f"default {forecast.MATERIAL_BATCH_SIZE}, long memory {forecast.LONG_BATCH_SIZE}"
    )


def evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=FORECAST_MODEL, help="default: the page's model")
    parser.add_argument("--seed", type=int, required=True, help="the noise seed of the series to score on")
    parser.add_argument("--noise", type=float, default=forecast.SeriesConfig.noise)
    parser.add_argument("--length", type=int, default=forecast.SeriesConfig.length)


COMMANDS = (
    Command(
        "train",
        "forecast",
        "LSTM forecaster of the synthetic series (material's settings)",
        train_arguments,
        train_forecast,
    ),
    Command(
        "evaluate",
        "forecast",
        "a forecaster on the test part of a series it never saw",
        evaluate_arguments,
        evaluate_forecast,
    ),
)


def first_batch_trainings() -> dict[str, TrainingTask]:
    """The page's training as Train starts it, for one epoch (`benchmarks/training_start.py`)."""
    settings = forecast.ModelSettings(forecast.SeriesConfig(), forecast.MATERIAL_LOOK_BACK, forecast.MATERIAL_UNITS, 0)
    arguments = {"settings": settings, "epochs": 1, "batch_size": forecast.MATERIAL_BATCH_SIZE}
    return {"forecasting": TrainingTask(forecast.train_task, arguments)}
