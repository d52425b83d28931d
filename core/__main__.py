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
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from core import captcha, captcha_with_drawings, cifar, enrolment, forecast, handwriting, speech, synthetic_voices
from core.assets import (
    CAPTCHA_MODEL,
    CIFAR10_MODELS,
    FORECAST_LONG_MEMORY_MODEL,
    FORECAST_MODEL,
    SPEECH_MODEL,
    ModelSummary,
    load_model,
    read_summary,
    this_command,
    training_machine,
    write_summary,
)
from core.datasets import CIFAR10_CLASSES, DatasetUnavailable, load_captcha_files, load_cifar10, load_image_folder
from core.training import History, TrainingHooks


def epoch_printer(epochs: int) -> TrainingHooks:
    """Hooks that print every metric of each finished epoch, and its time."""

    def report(history: History) -> None:
        metrics = " ".join(f"{name}={values[-1]:.4f}" for name, values in history.metrics.items())
        print(f"epoch {history.epochs}/{epochs} {metrics} time={history.seconds[-1]:.1f}s", flush=True)

    return TrainingHooks(on_epoch=report)


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


def train_cifar10(args: argparse.Namespace) -> None:
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


def trained_summary(model, history: History, seconds: float, figures: dict) -> ModelSummary:
    """The summary a train command writes beside its model: this very command, its time, curves and figures."""
    return ModelSummary(
        command=this_command(),
        parameters=model.count_params(),
        epochs=history.epochs,
        train_seconds=round(seconds, 1),
        trained_on=training_machine(),
        figures=figures,
        history=history.metrics,
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


def train_speech(args: argparse.Namespace) -> None:
    clips = speech.load_clips(args.data)
    split = speech.split_speakers(clips.speakers, args.hold_out) if args.hold_out else None
    heard = clips.of_speakers(split.training) if split else clips
    # Without a held-out speaker the validation sequences are by voices the model trains on: a loss to follow, not a score.
    checked = clips.of_speakers(split.validation) if split else clips
    setup = speech.TrainingSetup(epochs=args.epochs, steps_per_epoch=args.steps_per_epoch)
    print(
        f"{len(heard)} clips by {', '.join(heard.speaker_names)} for training; "
        f"validation on {', '.join(checked.speaker_names)}",
        flush=True,
    )
    synthetic = speech.load_clips(args.synthetic) if args.synthetic else None
    if synthetic is not None:
        share = f"{setup.synthetic_share:.0%}"
        print(f"and {len(synthetic)} clips by {len(synthetic.speaker_names)} synthetic voices ({share} of utterances)")
    model = speech.build_model(seed=args.seed, steps=setup.epochs * setup.steps_per_epoch)
    validation = speech.validation_arrays(checked, setup.validation_sequences)

    start = time.perf_counter()
    history = speech.train(
        model, heard, validation, setup, seed=args.seed, hooks=epoch_printer(setup.epochs), synthetic=synthetic
    )
    seconds = time.perf_counter() - start
    figures: dict[str, object] = {"speakers_heard": list(heard.speaker_names)}
    if synthetic is not None:
        figures |= {"synthetic_voices": len(synthetic.speaker_names), "synthetic_share": setup.synthetic_share}
    if split:
        scores = speech.evaluate(model, checked)
        figures |= {"held_out": list(split.validation), **scores.figures()}
        print(f"held out {', '.join(split.validation)}: {scores.line()}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.compile(optimizer="adam", loss=speech.ctc.ctc_loss)  # a fresh optimizer: the file keeps no training slots
    model.save(args.out)
    write_summary(args.out, trained_summary(model, history, seconds, figures))
    print(f"trained in {seconds:.0f}s; saved {args.out}")


def synthesise_digits(args: argparse.Namespace) -> None:
    setup = synthetic_voices.VoiceSetup(voices=args.voices, takes=args.takes, seed=args.seed)
    try:
        written = synthetic_voices.synthesise(args.out, setup)
    except synthetic_voices.EngineMissing as problem:
        raise SystemExit(f"{problem}") from None
    print(f"wrote {written} clips by {setup.voices} voices into {args.out}")


def evaluate_speech(args: argparse.Namespace) -> None:
    clips = speech.load_clips(args.data)
    if args.enrol and not args.enrolled_on:
        evaluate_speech_enrolled(args, clips)
        return
    model = load_model(args.model, compile=False)
    if args.enrolled_on:
        voice = speech.load_clips(args.enrolled_on)
        seconds = enrol(model, voice.subset(voice.first_takes(args.enrol)))
        print(f"enrolled on {', '.join(voice.speaker_names)} in {seconds:.1f} s")
    for name in clips.speaker_names:
        own = clips.of_speakers([name])
        print(f"{name:>10}: {speech.evaluate(model, own, sequences=0).digit_accuracy:.4f} single clips{few(own)}")
    print(speech.evaluate(model, clips).line())


def evaluate_speech_enrolled(args: argparse.Namespace, clips: speech.Clips) -> None:
    """Each speaker: a fresh copy of the model adapted on their first `--enrol` takes, scored on their other clips."""
    parts = []
    for name in clips.speaker_names:
        own = clips.of_speakers([name])
        taught = own.first_takes(args.enrol)
        if taught.all():
            print(f"{name:>10}: every clip is among the first {args.enrol} takes: nothing left to score")
            continue
        model = load_model(args.model, compile=False)
        seconds = enrol(model, own.subset(taught))
        scores = speech.evaluate(model, own.subset(~taught))
        parts.append(scores)
        print(f"{name:>10}: enrolled in {seconds:.1f} s on {taught.sum()} clips; {scores.line()}{few(own)}", flush=True)
    if not parts:
        raise DatasetUnavailable(
            "No speaker in this folder has a clip left to score after enrolling.",
            f"Each speaker needs more than {args.enrol} takes of some digit.",
        )
    print(speech.Scores.combined(parts).line())


def enrol(model, voice: speech.Clips) -> float:
    """Adapt `model` to one voice's clips as the page does (`enrolment.adapt`); the seconds it took."""
    start = time.perf_counter()
    enrolment.adapt(model, voice, enrolment.known_voices())
    return time.perf_counter() - start


def few(clips: speech.Clips) -> str:
    """A note for a speaker with fewer clips than the longest sequence."""
    if len(clips) >= speech.MAX_DIGITS:
        return ""
    return f" (only {len(clips)}: its sequences of more than {len(clips)} digits repeat some)"


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
