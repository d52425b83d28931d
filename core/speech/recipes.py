"""Shipping the spoken-digit reader: `python -m core train speech`, `synthesise digits` and `evaluate speech`."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from core.ctc import algorithm as ctc
from core.shared.assets import SPEECH_HEAD_MODEL, SPEECH_MODEL, load_model, write_summary
from core.shared.commands import Command
from core.shared.datasets import DatasetUnavailable
from core.shared.shipping import epoch_printer, trained_summary
from core.shared.worker import TrainingTask
from core.speech import ear_reader, enrolment, readers, synthetic_voices, utterances
from core.speech import reader as speech


@dataclass(frozen=True)
class SpeakerData:
    """What a speech training command learns from and is checked on, from its --data, --hold-out and --synthetic."""

    heard: utterances.Clips  # the voices it trains on
    checked: utterances.Clips  # the held-out voices; without any, the trained ones (a loss to follow, not a score)
    held_out: tuple[str, ...]
    synthetic: utterances.Clips | None

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> SpeakerData:
        clips = utterances.load_clips(args.data)
        split = utterances.split_speakers(clips.speakers, args.hold_out) if args.hold_out else None
        heard = clips.of_speakers(split.training) if split else clips
        checked = clips.of_speakers(split.validation) if split else clips
        synthetic = utterances.load_clips(args.synthetic) if args.synthetic else None
        return cls(heard, checked, split.validation if split else (), synthetic)

    def figures(self, synthetic_share: float) -> dict[str, object]:
        figures: dict[str, object] = {"speakers_heard": list(self.heard.speaker_names)}
        if self.synthetic is not None:
            figures |= {"synthetic_voices": len(self.synthetic.speaker_names), "synthetic_share": synthetic_share}
        return figures


def save_trained(model, args: argparse.Namespace, data: SpeakerData, history, seconds: float, figures: dict) -> None:
    """Score the held-out voices (if any) as the evaluate command does, then save the model and its summary."""
    if data.held_out:
        scores = readers.evaluate(model, data.checked)
        figures |= {"held_out": list(data.held_out), **scores.figures()}
        print(f"held out {', '.join(data.held_out)}: {scores.line()}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.compile(optimizer="adam", loss=ctc.ctc_loss)  # a fresh optimizer: the file keeps no training slots
    model.save(args.out)
    write_summary(args.out, trained_summary(model, history, seconds, figures))
    print(f"trained in {seconds:.0f}s; saved {args.out}")


def train_speech(args: argparse.Namespace) -> None:
    data = SpeakerData.from_arguments(args)
    setup = speech.TrainingSetup(epochs=args.epochs, steps_per_epoch=args.steps_per_epoch)
    print(
        f"{len(data.heard)} clips by {', '.join(data.heard.speaker_names)} for training; "
        f"validation on {', '.join(data.checked.speaker_names)}",
        flush=True,
    )
    if data.synthetic is not None:
        share = f"{setup.synthetic_share:.0%}"
        print(
            f"and {len(data.synthetic)} clips by {len(data.synthetic.speaker_names)} synthetic voices ({share} of utterances)"
        )
    model = speech.build_model(seed=args.seed, steps=setup.epochs * setup.steps_per_epoch)
    validation = speech.validation_arrays(data.checked, setup.validation_sequences)
    start = time.perf_counter()
    history = speech.train(
        model,
        data.heard,
        validation,
        setup,
        seed=args.seed,
        hooks=epoch_printer(setup.epochs),
        synthetic=data.synthetic,
    )
    save_trained(model, args, data, history, time.perf_counter() - start, data.figures(setup.synthetic_share))


def train_speech_head(args: argparse.Namespace) -> None:
    data = SpeakerData.from_arguments(args)
    setup = ear_reader.HeadSetup(epochs=args.epochs, utterances=args.utterances)
    print(f"the ear hears {setup.utterances:,} utterances by {', '.join(data.heard.speaker_names)}", end="")
    synthetic = data.synthetic
    print(f" and {len(synthetic.speaker_names)} synthetic voices ({setup.synthetic_share:.0%})" if synthetic else "")
    start = time.perf_counter()
    training = ear_reader.heard_training(data.heard, setup, seed=args.seed, synthetic=synthetic)
    hearing_seconds = time.perf_counter() - start
    print(f"heard in {hearing_seconds:.0f} s", flush=True)
    validation = ear_reader.clean_utterances(data.checked, setup.validation_sequences).arrays()
    head = ear_reader.build_head(seed=args.seed, steps=setup.epochs * setup.steps_per_epoch)
    history = ear_reader.train_head(
        head, training, validation, setup, seed=args.seed, hooks=epoch_printer(setup.epochs)
    )
    figures = data.figures(setup.synthetic_share) | {"hearing_seconds": round(hearing_seconds, 1)}
    save_trained(head, args, data, history, time.perf_counter() - start, figures)


def synthesise_digits(args: argparse.Namespace) -> None:
    setup = synthetic_voices.VoiceSetup(voices=args.voices, takes=args.takes, seed=args.seed)
    try:
        written = synthetic_voices.synthesise(args.out, setup)
    except synthetic_voices.EngineMissing as problem:
        raise SystemExit(f"{problem}") from None
    print(f"wrote {written} clips by {setup.voices} voices into {args.out}")


def evaluate_speech(args: argparse.Namespace) -> None:
    clips = utterances.load_clips(args.data)
    if args.enrol and not args.enrolled_on:
        evaluate_speech_enrolled(args, clips)
        return
    model = load_model(args.model, compile=False)
    if args.enrolled_on:
        voice = utterances.load_clips(args.enrolled_on)
        seconds = enrol(model, voice.subset(voice.first_takes(args.enrol)))
        print(f"enrolled on {', '.join(voice.speaker_names)} in {seconds:.1f} s")
    for name in clips.speaker_names:
        own = clips.of_speakers([name])
        print(f"{name:>10}: {readers.evaluate(model, own, sequences=0).digit_accuracy:.4f} single clips{few(own)}")
    print(readers.evaluate(model, clips).line())


def evaluate_speech_enrolled(args: argparse.Namespace, clips: utterances.Clips) -> None:
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
        scores = readers.evaluate(model, own.subset(~taught))
        parts.append(scores)
        print(f"{name:>10}: enrolled in {seconds:.1f} s on {taught.sum()} clips; {scores.line()}{few(own)}", flush=True)
    if not parts:
        raise DatasetUnavailable(
            "No speaker in this folder has a clip left to score after enrolling.",
            f"Each speaker needs more than {args.enrol} takes of some digit.",
        )
    print(speech.Scores.combined(parts).line())


def enrol(model, voice: utterances.Clips) -> float:
    """Adapt `model` to one voice's clips as the page does (the head: `enrolment.adapt_head`; a scratch reader:
    `enrolment.adapt`); the seconds it took."""
    start = time.perf_counter()
    known = enrolment.known_voices(leaving_out=voice.speaker_names)
    if readers.hears_embeddings(model):
        enrolment.adapt_head(model, voice, known)
    else:
        enrolment.adapt(model, voice, known)
    return time.perf_counter() - start


def few(clips: utterances.Clips) -> str:
    """A note for a speaker with fewer clips than the longest sequence."""
    if len(clips) >= utterances.MAX_DIGITS:
        return ""
    return f" (only {len(clips)}: its sequences of more than {len(clips)} digits repeat some)"


def speaker_data_arguments(parser: argparse.ArgumentParser) -> None:
    """What both speech trainings learn from (`SpeakerData.from_arguments` reads them) and their seed."""
    parser.add_argument("--data", type=Path, help="FSDD recordings folder (default: FSDD_DIR, else the download)")
    parser.add_argument("--hold-out", nargs="+", metavar="SPEAKER", help="train without these speakers, score on them")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--synthetic", type=Path, help="also train on the synthetic voices in this folder (python -m core synthesise)"
    )


def train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=SPEECH_MODEL)
    parser.add_argument("--epochs", type=int, default=speech.TrainingSetup.epochs)
    parser.add_argument("--steps-per-epoch", type=int, default=speech.TrainingSetup.steps_per_epoch)
    speaker_data_arguments(parser)


def train_head_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=SPEECH_HEAD_MODEL)
    parser.add_argument("--epochs", type=int, default=ear_reader.HeadSetup.epochs)
    parser.add_argument("--utterances", type=int, default=ear_reader.HeadSetup.utterances)
    speaker_data_arguments(parser)


def synthesise_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--voices", type=int, default=synthetic_voices.VoiceSetup.voices)
    parser.add_argument("--takes", type=int, default=synthetic_voices.VoiceSetup.takes)
    parser.add_argument("--seed", type=int, default=synthetic_voices.VoiceSetup.seed)


def evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", type=Path, default=SPEECH_HEAD_MODEL, help="default: the page's reader, the pretrained ear's head"
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--enrol",
        type=int,
        default=0,
        metavar="K",
        help="adapt a copy of the model to each speaker on their first K takes of each digit, score their other clips",
    )
    parser.add_argument(
        "--enrolled-on",
        type=Path,
        metavar="DIR",
        help="with --enrol: adapt once to the speaker in DIR, then score every clip of --data (what enrolling costs)",
    )


COMMANDS = (
    Command(
        "train",
        "speech",
        "spoken-digit reader: conv + BiGRU + CTC on FSDD sequences of 1-5 digits",
        train_arguments,
        train_speech,
    ),
    Command(
        "train",
        "speech-head",
        "spoken-digit reader's head: BiGRU + CTC over the pretrained ear's embeddings (the page's reader)",
        train_head_arguments,
        train_speech_head,
    ),
    Command(
        "synthesise",
        "digits",
        "the ten digits said by espeak-ng voices, named as FSDD's files",
        synthesise_arguments,
        synthesise_digits,
    ),
    Command(
        "evaluate",
        "speech",
        "DIR/<digit>_<speaker>_<n>.wav: single clips and joined sequences of 2-5 (fixed seed)",
        evaluate_arguments,
        evaluate_speech,
    ),
)


def first_batch_trainings() -> dict[str, TrainingTask]:
    """The Train tab's training for one epoch, and teaching a voice (one known voice's ten digits), as the page
    starts them (`benchmarks/training_start.py`)."""
    known = enrolment.known_voices().of_speakers(["lucas"])
    pieces = {int(digit): sound for digit, sound in zip(known.digits, known.sounds, strict=True)}
    return {
        "speech": TrainingTask(speech.train_task, {"epochs": 1, "held_out": "george"}),
        "speech enrolment": TrainingTask(enrolment.enrol_task, {"pieces": pieces}),
    }
