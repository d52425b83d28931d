"""Forecasting quality and training time with the material's settings, over several seeds.

    python benchmarks/forecast_quality.py [--seeds 5] [--plain]

For each seed (the seed of the noise and of the weights): train LSTM(100) + Dense(1) on
look_back = 10 windows for 50 epochs of batch 20 through `core.forecast.model`, then report the
test RMSE against the noise floor (the noiseless curve as forecast) and persistence.
`--plain` also runs what the slides do, line for line (whole-series normalisation, their
`create_dataset`, Adam's defaults, `model.fit`), on the same series, for comparison.
With `--look-backs 10,20,40` it repeats the project's run for longer look-backs.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.forecast.model import (  # noqa: E402
    LONG_BATCH_SIZE,
    LONG_EPOCHS,
    LONG_LOOK_BACK,
    LONG_UNITS,
    MATERIAL_BATCH_SIZE,
    MATERIAL_EPOCHS,
    MATERIAL_LOOK_BACK,
    MATERIAL_UNITS,
    ModelSettings,
    SeriesConfig,
    evaluate,
    fit_linear,
    horizon_rmse,
    make_series,
    new_forecaster,
    predict,
    score,
    split_windows,
    train_forecaster,
)
from core.shared.assets import FORECAST_LONG_MEMORY_RESULTS, FORECAST_LOOK_BACK_RESULTS  # noqa: E402

HORIZON = 20  # steps ahead of the recursive forecast that the issue compares


def project_run(seed: int, look_back: int, long_memory: bool = False) -> dict[str, float]:
    """Train the project's forecaster (the material's LSTM, or the long-memory one) on the series of `seed`."""
    series = make_series(SeriesConfig(seed=seed))
    if long_memory:
        settings = ModelSettings(SeriesConfig(seed=seed), LONG_LOOK_BACK, LONG_UNITS, 0, long_memory=True)
        epochs, batch_size = LONG_EPOCHS, LONG_BATCH_SIZE
    else:
        settings = ModelSettings(SeriesConfig(seed=seed), look_back, MATERIAL_UNITS, 0)
        epochs, batch_size = MATERIAL_EPOCHS, MATERIAL_BATCH_SIZE
    windows = split_windows(series, settings.look_back)
    model = new_forecaster(settings, windows)
    untrained = evaluate(model, series, windows).model.rmse  # the long-memory model's linear part alone
    start = time.perf_counter()
    train_forecaster(model, windows, epochs=epochs, batch_size=batch_size)
    seconds = time.perf_counter() - start
    result = evaluate(model, series, windows)
    floor = result.noise_floor.rmse
    train_truth = series.noisy[windows.train_index]
    train_floor = score(train_truth, series.clean[windows.train_index]).rmse
    train_rmse = score(train_truth, series.denormalise(predict(model, windows.x_train))).rmse
    reached = slice(series.train_size + HORIZON - 1, None)  # what the forecasts HORIZON steps ahead forecast
    horizon_floor = score(series.noisy[reached], series.clean[reached]).rmse
    return {
        "seconds": seconds,
        "model_over_floor": result.model.rmse / floor,
        "persistence_over_floor": result.persistence.rmse / floor,
        "linear_over_floor": linear_run(seed, settings.look_back)["model_over_floor"],
        "untrained_over_floor": untrained / floor,
        "train_over_floor": train_rmse / train_floor,
        "linear_train_over_floor": linear_run(seed, settings.look_back)["train_over_floor"],
        "horizon_over_floor": float(horizon_rmse(model, series, settings.look_back, HORIZON)[-1]) / horizon_floor,
    }


def plain_run(seed: int) -> dict[str, float]:
    """The slides' code: whole-series normalisation, create_dataset, fit(epochs=50, batch_size=20)."""
    import keras
    from keras import layers

    series = make_series(SeriesConfig(seed=seed))
    ts = series.noisy
    ts_norm = (ts - np.mean(ts)) / np.std(ts)
    train_size = int(len(ts) * 0.9)
    train, test = ts_norm[:train_size], ts_norm[train_size:]

    def create_dataset(dataset, look_back=1):
        data_x, data_y = [], []
        for i in range(len(dataset) - look_back - 1):
            data_x.append(dataset[i : i + look_back])
            data_y.append(dataset[i + look_back])
        return np.array(data_x), np.array(data_y)

    train_x, train_y = create_dataset(train, MATERIAL_LOOK_BACK)
    test_x, test_y = create_dataset(test, MATERIAL_LOOK_BACK)
    train_x = train_x.reshape(-1, MATERIAL_LOOK_BACK, 1)
    test_x = test_x.reshape(-1, MATERIAL_LOOK_BACK, 1)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(MATERIAL_LOOK_BACK, 1)), layers.LSTM(100), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    start = time.perf_counter()
    model.fit(train_x, train_y, epochs=50, batch_size=20, verbose=0)
    seconds = time.perf_counter() - start
    scale, offset = np.std(ts), np.mean(ts)
    forecast = model.predict(test_x, verbose=0).reshape(-1) * scale + offset
    positions = np.arange(train_size + MATERIAL_LOOK_BACK, train_size + MATERIAL_LOOK_BACK + len(test_y))
    truth = series.noisy[positions]
    floor = score(truth, series.clean[positions]).rmse
    return {
        "seconds": seconds,
        "model_over_floor": score(truth, forecast).rmse / floor,
        "persistence_over_floor": score(truth, series.noisy[positions - 1]).rmse / floor,
    }


def linear_run(seed: int, look_back: int) -> dict[str, float]:
    """The best linear predictor from the same windows: least squares on the training windows."""
    series = make_series(SeriesConfig(seed=seed))
    windows = split_windows(series, look_back)
    linear = fit_linear(windows)
    forecast = series.denormalise(linear.predict(windows.x_test))
    truth = series.noisy[windows.test_index]
    floor = score(truth, series.clean[windows.test_index]).rmse
    train_truth = series.noisy[windows.train_index]
    train_rmse = score(train_truth, series.denormalise(linear.predict(windows.x_train))).rmse
    return {
        "seconds": 0.0,
        "model_over_floor": score(truth, forecast).rmse / floor,
        "persistence_over_floor": score(truth, series.noisy[windows.test_index - 1]).rmse / floor,
        "train_over_floor": train_rmse / score(train_truth, series.clean[windows.train_index]).rmse,
    }


def report(name: str, runs: list[dict[str, float]]) -> dict[str, float]:
    for seed, run in enumerate(runs):
        print(f"{name} seed={seed}: " + " ".join(f"{key}={value:.3f}" for key, value in run.items()), flush=True)
    mean = {key: statistics.mean(run[key] for run in runs) for key in runs[0]}
    mean["seconds_max"] = max(run["seconds"] for run in runs)
    beats = all(run["model_over_floor"] < run["persistence_over_floor"] for run in runs)
    linear = f" linear/floor={mean['linear_over_floor']:.3f}" if "linear_over_floor" in mean else ""
    print(
        f"{name} mean over {len(runs)} seeds: RMSE/floor={mean['model_over_floor']:.3f}{linear} "
        f"persistence/floor={mean['persistence_over_floor']:.3f} train={mean['seconds']:.1f}s "
        f"(max {max(run['seconds'] for run in runs):.1f}s) beats persistence every seed: {beats}"
    )
    return mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--plain", action="store_true", help="also run the slides' plain script")
    parser.add_argument(
        "--look-backs", default=str(MATERIAL_LOOK_BACK), help="comma-separated look-backs for the project's run"
    )
    parser.add_argument(
        "--linear", action="store_true", help="also report the best linear predictor from the same windows"
    )
    parser.add_argument("--skip-project", action="store_true", help="do not train the project's model")
    parser.add_argument("--long-memory", action="store_true", help="also train the long-memory forecaster")
    parser.add_argument(
        "--save",
        action="store_true",
        help=f"write the look-back results to {FORECAST_LOOK_BACK_RESULTS.relative_to(PROJECT_ROOT)} for the page",
    )
    args = parser.parse_args()
    look_backs = [int(value) for value in args.look_backs.split(",")]
    if args.linear:
        for look_back in look_backs:
            report(f"linear look_back={look_back}", [linear_run(seed, look_back) for seed in range(args.seeds)])
    if args.skip_project:
        look_backs = []
    means = [
        report(f"project look_back={look_back}", [project_run(seed, look_back) for seed in range(args.seeds)])
        for look_back in look_backs
    ]
    if args.save and means:
        FORECAST_LOOK_BACK_RESULTS.parent.mkdir(parents=True, exist_ok=True)
        result = {
            "command": this_benchmark_command(),
            "seeds": args.seeds,
            "look_backs": look_backs,
            "model_over_floor": [mean["model_over_floor"] for mean in means],
            "persistence_over_floor": [mean["persistence_over_floor"] for mean in means],
            "linear_over_floor": [mean["linear_over_floor"] for mean in means],
            "train_seconds": [mean["seconds"] for mean in means],
            "train_over_floor": [mean["train_over_floor"] for mean in means],
            "linear_train_over_floor": [mean["linear_train_over_floor"] for mean in means],
            "horizon": HORIZON,
            "horizon_over_floor": [mean["horizon_over_floor"] for mean in means],
        }
        FORECAST_LOOK_BACK_RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    if args.long_memory:
        mean = report(
            "long memory", [project_run(seed, LONG_LOOK_BACK, long_memory=True) for seed in range(args.seeds)]
        )
        if args.save:
            FORECAST_LONG_MEMORY_RESULTS.write_text(
                json.dumps(
                    {"command": this_benchmark_command(), "seeds": args.seeds, "horizon": HORIZON, **mean}, indent=2
                )
                + "\n"
            )
    if args.plain:
        report("plain script", [plain_run(seed) for seed in range(args.seeds)])


def this_benchmark_command() -> str:
    return shlex.join(["python", "benchmarks/forecast_quality.py", *sys.argv[1:]])


if __name__ == "__main__":
    main()
