"""Command line: `python -m core train forecast --out assets/models/forecast_lstm.keras`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from core import forecast


def train_forecast(args: argparse.Namespace) -> None:
    config = forecast.SeriesConfig(seed=args.seed)
    series = forecast.make_series(config)
    windows = forecast.split_windows(series, args.look_back)
    model = forecast.build_forecaster(args.look_back, units=args.units, seed=args.seed)

    def report(history: forecast.History) -> None:
        print(
            f"epoch {history.epochs}/{args.epochs} loss={history.metrics['loss'][-1]:.4f} time={history.seconds[-1]:.2f}s",
            flush=True,
        )

    start = time.perf_counter()
    forecast.train_forecaster(model, windows, epochs=args.epochs, batch_size=args.batch_size, on_epoch=report)
    result = forecast.evaluate(model, series, windows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(
        f"trained in {time.perf_counter() - start:.1f}s; test RMSE={result.model.rmse:.4f} "
        f"persistence={result.persistence.rmse:.4f} noise floor={result.noise_floor.rmse:.4f}; saved {args.out}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m core", description="Train the app's pretrained models.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train a model and save it")
    targets = train.add_subparsers(dest="target", required=True)

    forecaster = targets.add_parser("forecast", help="LSTM forecaster of the synthetic series (material's settings)")
    forecaster.add_argument("--out", type=Path, default=Path("assets/models/forecast_lstm.keras"))
    forecaster.add_argument("--seed", type=int, default=0, help="seed of the series' noise and of the weights")
    forecaster.add_argument("--look-back", type=int, default=forecast.MATERIAL_LOOK_BACK)
    forecaster.add_argument("--units", type=int, default=forecast.MATERIAL_UNITS)
    forecaster.add_argument("--epochs", type=int, default=forecast.MATERIAL_EPOCHS)
    forecaster.add_argument("--batch-size", type=int, default=forecast.MATERIAL_BATCH_SIZE)
    forecaster.set_defaults(run=train_forecast)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
