"""Forecasting quality and training time with the material's settings, over several seeds.

    python benchmarks/forecast_quality.py [--seeds 5] [--plain]

For each seed (the seed of the noise and of the weights): train LSTM(100) + Dense(1) on
look_back = 10 windows for 50 epochs of batch 20 through `core.forecast`, then report the
test RMSE against the noise floor (the noiseless curve as forecast) and persistence.
`--plain` also runs what the slides do, line for line (whole-series normalisation, their
`create_dataset`, Adam's defaults, `model.fit`), on the same series, for comparison.
With `--look-backs 10,20,40` it repeats the project's run for longer look-backs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.assets import FORECAST_LOOK_BACK_RESULTS  # noqa: E402
from core.forecast import (  # noqa: E402
    MATERIAL_LOOK_BACK,
    SeriesConfig,
    build_forecaster,
    evaluate,
    fit_linear,
    make_series,
    score,
    split_windows,
    train_forecaster,
)


def project_run(seed: int, look_back: int) -> dict[str, float]:
    series = make_series(SeriesConfig(seed=seed))
    windows = split_windows(series, look_back)
    model = build_forecaster(look_back, seed=seed)
    start = time.perf_counter()
    train_forecaster(model, windows)
    seconds = time.perf_counter() - start
    result = evaluate(model, series, windows)
    return {
        "seconds": seconds,
        "model_over_floor": result.model.rmse / result.noise_floor.rmse,
        "persistence_over_floor": result.persistence.rmse / result.noise_floor.rmse,
        "linear_over_floor": linear_run(seed, look_back)["model_over_floor"],
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
    forecast = series.denormalise(fit_linear(windows).predict(windows.x_test))
    truth = series.noisy[windows.test_index]
    floor = score(truth, series.clean[windows.test_index]).rmse
    return {
        "seconds": 0.0,
        "model_over_floor": score(truth, forecast).rmse / floor,
        "persistence_over_floor": score(truth, series.noisy[windows.test_index - 1]).rmse / floor,
    }


def report(name: str, runs: list[dict[str, float]]) -> dict[str, float]:
    for seed, run in enumerate(runs):
        print(
            f"{name} seed={seed}: RMSE/floor={run['model_over_floor']:.3f} persistence/floor={run['persistence_over_floor']:.3f} train={run['seconds']:.1f}s"
        )
    mean = {key: statistics.mean(run[key] for run in runs) for key in runs[0]}
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
            "command": "python benchmarks/forecast_quality.py " + " ".join(sys.argv[1:]),
            "seeds": args.seeds,
            "look_backs": look_backs,
            "model_over_floor": [mean["model_over_floor"] for mean in means],
            "persistence_over_floor": [mean["persistence_over_floor"] for mean in means],
            "linear_over_floor": [mean["linear_over_floor"] for mean in means],
            "train_seconds": [mean["seconds"] for mean in means],
        }
        FORECAST_LOOK_BACK_RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    if args.plain:
        report("plain script", [plain_run(seed) for seed in range(args.seeds)])


if __name__ == "__main__":
    main()
