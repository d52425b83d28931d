"""Shipping the captcha readers: `python -m core train captcha` and `python -m core evaluate captcha`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from core.captcha import drawings as captcha_with_drawings
from core.captcha import handwriting
from core.captcha import reader as captcha
from core.shared.assets import CAPTCHA_MODEL, load_model, write_summary
from core.shared.commands import Command, share
from core.shared.datasets import load_captcha_files
from core.shared.shipping import epoch_printer, trained_summary
from core.shared.worker import TrainingTask


def train_captcha(args: argparse.Namespace) -> None:
    files = load_captcha_files()
    data = captcha.load_split(
        files.paths, files.labels, validation_fraction=args.validation_split, seed=args.split_seed
    )
    print(
        f"captchas from {files.source}: {len(data.x_train)} for training, {len(data.x_valid)} for validation "
        f"(seeded shuffle {args.split_seed}); {len(data.skipped)} skipped",
        flush=True,
    )
    if args.init:
        model = load_model(args.init)
        print(f"starting from the weights of {args.init}", flush=True)
    else:
        model = captcha.build_model(seed=args.seed)

    start = time.perf_counter()
    if args.drawings:
        history = captcha_with_drawings.train_with_drawings(
            model,
            data,
            epochs=args.epochs,
            steps_per_epoch=args.steps_per_epoch,
            batch_size=args.batch_size,
            patience=args.patience,
            seed=args.seed,
            captcha_share=args.captcha_share,
            hooks=epoch_printer(args.epochs),
        )
    else:
        history = captcha.train(
            model,
            data,
            epochs=args.epochs,
            batch_size=args.batch_size,
            patience=args.patience,
            hooks=epoch_printer(args.epochs),
        )
    seconds = time.perf_counter() - start
    exact, cer = reading_scores(model, data.x_valid, list(data.valid_labels))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    figures = {
        "validation": f"{len(data.valid_labels)} captchas ({args.validation_split:.0%} of the folder, drawn by a seeded shuffle, seed {args.split_seed}), never trained on",
        "validation_labels": list(data.valid_labels),
        "exact_match": round(exact, 4),
        "cer": round(cer, 4),
    }
    report = f"validation captchas exact_match={exact:.4f} cer={cer:.4f}"
    if args.drawings:
        # Fresh drawings from a seed the training never used.
        drawn_x, _, drawn_texts = handwriting.synthetic_batch(500, np.random.default_rng((args.seed, 20_000)))
        drawn_exact, drawn_cer = reading_scores(model, drawn_x, drawn_texts)
        figures["synthetic_drawings"] = {"n": 500, "exact_match": round(drawn_exact, 4), "cer": round(drawn_cer, 4)}
        report += f"; fresh synthetic drawings exact_match={drawn_exact:.4f} cer={drawn_cer:.4f}"
    write_summary(args.out, trained_summary(model, history, seconds, figures))
    print(f"trained in {seconds:.0f}s; {report}; saved {args.out}")


def reading_scores(model, images: np.ndarray, texts: list[str]) -> tuple[float, float]:
    """Exact-match rate and character error rate of the model's greedy readings."""
    predicted = captcha.read_texts(captcha.predict_probabilities(model, images))
    exact = float(np.mean([p == t for p, t in zip(predicted, texts, strict=True)]))
    return exact, captcha.character_error_rate(texts, predicted)


def evaluate_captcha(args: argparse.Namespace) -> None:
    model = load_model(args.model)
    files = load_captcha_files(args.data)
    data = captcha.load_split(files.paths, files.labels, validation_fraction=0.0)
    for note in data.skipped:
        print(f"skipped {note}")
    truth = [captcha.CHARACTERS.decode(label) for label in data.y_train]
    exact, cer = reading_scores(model, data.x_train, truth)
    print(f"exact_match={exact:.4f} cer={cer:.4f} n={len(truth)}")


def train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=CAPTCHA_MODEL)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--patience", type=int, default=10, help="early stopping on the validation loss")
    parser.add_argument("--validation-split", type=float, default=0.1)
    parser.add_argument("--split-seed", type=int, default=42)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--drawings", action="store_true", help="train on synthetic hand-drawn text as well")
    parser.add_argument("--steps-per-epoch", type=int, default=150, help="batches per epoch with --drawings")
    parser.add_argument(
        "--captcha-share", type=share, default=0.5, help="with --drawings: the share of real captchas in each batch"
    )
    parser.add_argument("--init", type=Path, help="start from this saved model's weights")


def evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=CAPTCHA_MODEL, help="default: the page's reader")
    parser.add_argument("--data", type=Path, required=True)


COMMANDS = (
    Command("train", "captcha", "CNN + BiLSTM + CTC captcha reader", train_arguments, train_captcha),
    Command("evaluate", "captcha", "DIR/*.png named by their text", evaluate_arguments, evaluate_captcha),
)


def first_batch_trainings() -> dict[str, TrainingTask]:
    """The page's training as Train starts it, for one epoch (`benchmarks/training_start.py`)."""
    return {"captcha": TrainingTask(captcha.train_task, {"epochs": 1, "patience": 0})}
