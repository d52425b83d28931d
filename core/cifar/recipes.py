"""Shipping the CIFAR-10 models: `python -m core train cifar10` and `python -m core evaluate cifar10`."""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from core.cifar import model as cifar
from core.shared.assets import CIFAR10_MODELS, load_model, read_summary, write_summary
from core.shared.commands import Command
from core.shared.datasets import CIFAR10_CLASSES, load_cifar10, load_image_folder
from core.shared.shipping import epoch_printer, trained_summary
from core.shared.worker import TrainingTask


def train_cifar10(args: argparse.Namespace) -> None:
    args.out = args.out or CIFAR10_MODELS[args.variant]
    # Batches are read from the cache file: this process needs the 150 MB of training images only a batch at a time.
    data = load_cifar10(train_images_in_memory=False)
    print(f"CIFAR-10 from {data.source}: {len(data.x_train)} training and {len(data.x_test)} test images", flush=True)
    config = cifar.CifarConfig.basic() if args.variant == "basic" else cifar.CifarConfig.improved()
    if args.mixed_bfloat16:
        cifar.use_mixed_bfloat16()
    model = cifar.build_model(config, seed=args.seed)
    print(f"{args.variant} model: {model.count_params():,} parameters", flush=True)

    start = time.perf_counter()
    history = cifar.train(
        model,
        data.x_train,
        data.y_train,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_split=args.validation_split,
        hooks=epoch_printer(args.epochs),
        short_run=args.variant == "improved",
        patience=args.patience,
    )
    seconds = time.perf_counter() - start
    if args.mixed_bfloat16:
        model = cifar.float32_copy(model, config)
    averaged, as_is = cifar.predict_with_and_without_mirror(model, data.x_test)
    figures = test_figures(averaged, as_is, data.y_test)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cifar.save_test_probabilities(cifar.test_probabilities_path(args.out), averaged, as_is, data.x_test)
    # A fresh, unbuilt optimizer is saved without the training one's slots: half the file, and the app only predicts.
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.save(args.out)
    write_summary(args.out, trained_summary(model, history, seconds, figures))
    print(
        f"trained in {seconds:.0f}s; test accuracy={figures['test_accuracy']:.4f} on {len(data.y_test)} images; saved {args.out}"
    )


def test_figures(averaged: np.ndarray, as_is: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy with mirror averaging and from one view (`cifar.predict_with_and_without_mirror`): what a summary records."""
    return {
        "test_accuracy": round(cifar.accuracy(averaged, labels), 4),
        "test_accuracy_single_view": round(cifar.accuracy(as_is, labels), 4),
        "test_images": len(labels),
    }


def evaluate_cifar10(args: argparse.Namespace) -> None:
    model = load_model(args.model, compile=False)
    data = load_image_folder(args.data, CIFAR10_CLASSES)
    averaged, as_is = cifar.predict_with_and_without_mirror(model, data.images)
    figures = test_figures(averaged, as_is, data.labels)
    predicted = np.argmax(averaged, axis=1)
    for index, name in enumerate(CIFAR10_CLASSES):
        mask = data.labels == index
        if mask.any():
            print(f"{name:>10}: {np.mean(predicted[mask] == index):.4f} ({mask.sum()} images)")
    # What the mirror averaging adds: the same images, one view each.
    print(f"without mirror averaging: {figures['test_accuracy_single_view']:.4f}")
    if args.update_summary:
        update_summary(args.model, figures)
        # The pages read these instead of classifying the test images on a server shared by a class.
        cifar.save_test_probabilities(cifar.test_probabilities_path(args.model), averaged, as_is, data.images)
    print(f"accuracy={figures['test_accuracy']:.4f} n={figures['test_images']}")


def update_summary(model_path: Path, figures: dict) -> None:
    """Put freshly measured test figures into the summary `train cifar10` wrote, which the CIFAR page quotes."""
    summary = read_summary(model_path)
    if summary is None:
        raise SystemExit(
            f"no summary beside {model_path}: --update-summary updates what `python -m core train cifar10` wrote"
        )
    write_summary(model_path, replace(summary, figures={**summary.figures, **figures}))
    print(f"updated the summary of {model_path}")


def train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--variant", choices=("basic", "improved"), default="basic")
    parser.add_argument("--out", type=Path, help="default: the shipped model of that variant, in assets/models/")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--validation-split", type=float, default=0.1)
    parser.add_argument("--patience", type=int, default=3, help="early stopping on validation accuracy (0 = off)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--mixed-bfloat16",
        action="store_true",
        help="compute in bfloat16, keep float32 weights (fast on CPUs with AMX); the shipped improved model used it",
    )


def evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", type=Path, default=CIFAR10_MODELS["basic"], help="default: the page's first model, the slides' CNN"
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--update-summary",
        action="store_true",
        help="write the figures into the model's .json (run it on the test split: the pages quote them as test accuracy)",
    )


COMMANDS = (
    Command("train", "cifar10", "CIFAR-10 CNN, basic (the slides') or improved", train_arguments, train_cifar10),
    Command(
        "evaluate",
        "cifar10",
        "DIR/<class>/*.(jpg|png) with the ten CIFAR-10 class names",
        evaluate_arguments,
        evaluate_cifar10,
    ),
)


def first_batch_trainings() -> dict[str, TrainingTask]:
    """The page's training as Train starts it, on the fewest images for one epoch: `benchmarks/training_start.py`
    times how long it takes to its first batch."""
    settings = {"config": cifar.CifarConfig.basic(), "subset": 1_000, "epochs": 1, "batch_size": 32, "validation": 0.1}
    return {"cifar10": TrainingTask(cifar.train_task, settings)}
