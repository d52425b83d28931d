"""Command line: train the app's pretrained models and evaluate them.

python -m core train forecast --out assets/models/forecast_lstm.keras
python -m core train cifar10 --variant basic --out assets/models/cifar10_basic.keras
python -m core evaluate cifar10 --model assets/models/cifar10_basic.keras --data DIR
python -m core synthesise digits --out DIR        # needs espeak-ng; for train speech --synthetic DIR
python -m core train speech [--synthetic DIR]
python -m core evaluate speech --model assets/models/spoken_digits.keras --data DIR [--enrol K]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.captcha.recipes import evaluate_captcha, train_captcha
from core.cifar.recipes import evaluate_cifar10, train_cifar10
from core.forecast import model as forecast
from core.forecast.recipes import evaluate_forecast, train_forecast
from core.shared.assets import CAPTCHA_MODEL, CIFAR10_MODELS, SPEECH_MODEL
from core.shared.datasets import DatasetUnavailable
from core.speech import reader as speech
from core.speech import synthetic_voices
from core.speech.recipes import evaluate_speech, synthesise_digits, train_speech


def share(text: str) -> float:
    """A command-line share: a number from 0 to 1."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share is from 0 to 1; got {text}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m core", description="Train the app's pretrained models.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train a model and save it")
    targets = train.add_subparsers(dest="target", required=True)

    forecaster = targets.add_parser("forecast", help="LSTM forecaster of the synthetic series (material's settings)")
    forecaster.add_argument("--out", type=Path, help="default: the shipped model of that kind, in assets/models/")
    forecaster.add_argument("--seed", type=int, default=0, help="seed of the series' noise and of the weights")
    forecaster.add_argument(
        "--long-memory", action="store_true", help="the long-memory forecaster (10 values + 16 block averages)"
    )
    forecaster.add_argument(
        "--look-back", type=int, default=forecast.MATERIAL_LOOK_BACK, help="the material's model only"
    )
    forecaster.add_argument(
        "--units", type=int, help=f"default {forecast.MATERIAL_UNITS}, long memory {forecast.LONG_UNITS}"
    )
    forecaster.add_argument(
        "--epochs", type=int, help=f"default {forecast.MATERIAL_EPOCHS}, long memory {forecast.LONG_EPOCHS}"
    )
    forecaster.add_argument(
        "--batch-size", type=int, help=f"default {forecast.MATERIAL_BATCH_SIZE}, long memory {forecast.LONG_BATCH_SIZE}"
    )
    forecaster.set_defaults(run=train_forecast)

    cifar10 = targets.add_parser("cifar10", help="CIFAR-10 CNN, basic (the slides') or improved")
    cifar10.add_argument("--variant", choices=("basic", "improved"), default="basic")
    cifar10.add_argument("--out", type=Path, help="default: the shipped model of that variant, in assets/models/")
    cifar10.add_argument("--epochs", type=int, default=15)
    cifar10.add_argument("--batch-size", type=int, default=32)
    cifar10.add_argument("--validation-split", type=float, default=0.1)
    cifar10.add_argument("--patience", type=int, default=3, help="early stopping on validation accuracy (0 = off)")
    cifar10.add_argument("--seed", type=int, default=0)
    cifar10.add_argument(
        "--mixed-bfloat16",
        action="store_true",
        help="compute in bfloat16, keep float32 weights (fast on CPUs with AMX); the shipped improved model used it",
    )
    cifar10.set_defaults(run=train_cifar10)

    ocr = targets.add_parser("captcha", help="CNN + BiLSTM + CTC captcha reader")
    ocr.add_argument("--out", type=Path, default=CAPTCHA_MODEL)
    ocr.add_argument("--epochs", type=int, default=100)
    ocr.add_argument("--batch-size", type=int, default=16)
    ocr.add_argument("--patience", type=int, default=10, help="early stopping on the validation loss")
    ocr.add_argument("--validation-split", type=float, default=0.1)
    ocr.add_argument("--split-seed", type=int, default=42)
    ocr.add_argument("--seed", type=int, default=0)
    ocr.add_argument("--drawings", action="store_true", help="train on synthetic hand-drawn text as well")
    ocr.add_argument("--steps-per-epoch", type=int, default=150, help="batches per epoch with --drawings")
    ocr.add_argument(
        "--captcha-share", type=share, default=0.5, help="with --drawings: the share of real captchas in each batch"
    )
    ocr.add_argument("--init", type=Path, help="start from this saved model's weights")
    ocr.set_defaults(run=train_captcha)

    spoken = targets.add_parser(
        "speech", help="spoken-digit reader: conv + BiGRU + CTC on FSDD sequences of 1-5 digits"
    )
    spoken.add_argument("--out", type=Path, default=SPEECH_MODEL)
    spoken.add_argument("--data", type=Path, help="FSDD recordings folder (default: FSDD_DIR, else the download)")
    spoken.add_argument("--epochs", type=int, default=speech.TrainingSetup.epochs)
    spoken.add_argument("--steps-per-epoch", type=int, default=speech.TrainingSetup.steps_per_epoch)
    spoken.add_argument("--hold-out", nargs="+", metavar="SPEAKER", help="train without these speakers, score on them")
    spoken.add_argument("--seed", type=int, default=0)
    spoken.add_argument(
        "--synthetic", type=Path, help="also train on the synthetic voices in this folder (python -m core synthesise)"
    )
    spoken.set_defaults(run=train_speech)

    synthesise = commands.add_parser("synthesise", help="make training data with a local text-to-speech engine")
    made = synthesise.add_subparsers(dest="target", required=True)
    digits = made.add_parser("digits", help="the ten digits said by espeak-ng voices, named as FSDD's files")
    digits.add_argument("--out", type=Path, required=True)
    digits.add_argument("--voices", type=int, default=synthetic_voices.VoiceSetup.voices)
    digits.add_argument("--takes", type=int, default=synthetic_voices.VoiceSetup.takes)
    digits.add_argument("--seed", type=int, default=synthetic_voices.VoiceSetup.seed)
    digits.set_defaults(run=synthesise_digits)

    evaluate = commands.add_parser("evaluate", help="evaluate a saved model on a folder of data")
    evaluated = evaluate.add_subparsers(dest="target", required=True)
    cifar_eval = evaluated.add_parser("cifar10", help="DIR/<class>/*.(jpg|png) with the ten CIFAR-10 class names")
    cifar_eval.add_argument("--model", type=Path, required=True)
    cifar_eval.add_argument("--data", type=Path, required=True)
    cifar_eval.add_argument(
        "--update-summary",
        action="store_true",
        help="write the figures into the model's .json (run it on the test split: the pages quote them as test accuracy)",
    )
    cifar_eval.set_defaults(run=evaluate_cifar10)
    captcha_eval = evaluated.add_parser("captcha", help="DIR/*.png named by their text")
    captcha_eval.add_argument("--model", type=Path, required=True)
    captcha_eval.add_argument("--data", type=Path, required=True)
    captcha_eval.set_defaults(run=evaluate_captcha)
    forecast_eval = evaluated.add_parser("forecast", help="a forecaster on the test part of a series it never saw")
    forecast_eval.add_argument("--model", type=Path, required=True)
    forecast_eval.add_argument("--seed", type=int, required=True, help="the noise seed of the series to score on")
    forecast_eval.add_argument("--noise", type=float, default=forecast.SeriesConfig.noise)
    forecast_eval.add_argument("--length", type=int, default=forecast.SeriesConfig.length)
    forecast_eval.set_defaults(run=evaluate_forecast)

    speech_eval = evaluated.add_parser(
        "speech", help="DIR/<digit>_<speaker>_<n>.wav: single clips and joined sequences of 2-5 (fixed seed)"
    )
    speech_eval.add_argument("--model", type=Path, required=True)
    speech_eval.add_argument("--data", type=Path, required=True)
    speech_eval.add_argument(
        "--enrol",
        type=int,
        default=0,
        metavar="K",
        help="adapt a copy of the model to each speaker on their first K takes of each digit, score their other clips",
    )
    speech_eval.add_argument(
        "--enrolled-on",
        type=Path,
        metavar="DIR",
        help="with --enrol: adapt once to the speaker in DIR, then score every clip of --data (what enrolling costs)",
    )
    speech_eval.set_defaults(run=evaluate_speech)

    args = parser.parse_args()
    if getattr(args, "target", None) == "cifar10" and args.command == "train" and args.out is None:
        args.out = CIFAR10_MODELS[args.variant]
    if args.command == "evaluate" and not args.model.is_file():
        parser.exit(2, f"There is no model file at {args.model}.\n")
    try:
        args.run(args)
    except DatasetUnavailable as problem:  # a folder a user named: one sentence, not a traceback
        parser.exit(2, f"{problem}\n")


if __name__ == "__main__":
    main()
