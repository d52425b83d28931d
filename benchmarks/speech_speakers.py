"""Leave-one-speaker-out: the spoken-digit reader trained without each speaker in turn, scored on that voice.

    python benchmarks/speech_speakers.py [--ear] [--speakers george,jackson] [--epochs 30] [--synthetic DIR] [--keep DIR] [--save]

Each run is `python -m core train speech --hold-out SPEAKER` (the shipped reader's training; with `--ear`,
`python -m core train speech-head`: the page's reader, the pretrained ear and its head,
minus one voice; with `--synthetic DIR`, plus the synthetic voices of `python -m core synthesise digits`),
in its own process; the held-out speaker's single clips and 300 joined
sequences of 2-5 of their clips are then read (`core.speech.reader.evaluate`). `--save` writes
the figures to assets/benchmarks/speech_speakers.json (with `--ear`, speech_ear_speakers.json), which the
README and the page quote.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared.assets import SPEECH_HEAD_SPEAKER_RESULTS, SPEECH_SPEAKER_RESULTS, read_summary  # noqa: E402
from core.speech.ear_reader import HeadSetup  # noqa: E402
from core.speech.reader import TrainingSetup  # noqa: E402
from core.speech.utterances import load_clips  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ear", action="store_true", help="the pretrained ear and its head, not the scratch reader")
    parser.add_argument("--speakers", help="comma-separated; default: every speaker of the data set")
    parser.add_argument("--epochs", type=int, help=f"default {TrainingSetup.epochs}; with --ear {HeadSetup.epochs}")
    parser.add_argument("--steps-per-epoch", type=int, default=TrainingSetup.steps_per_epoch, help="without --ear")
    parser.add_argument("--utterances", type=int, default=HeadSetup.utterances, help="with --ear: heard once")
    parser.add_argument("--synthetic", type=Path, help="train on these synthetic voices as well")
    parser.add_argument("--keep", type=Path, help="keep the held-out readers in this folder (default: thrown away)")
    parser.add_argument("--save", action="store_true", help="write the figures into assets/benchmarks")
    args = parser.parse_args()
    args.epochs = args.epochs or (HeadSetup.epochs if args.ear else TrainingSetup.epochs)
    results = SPEECH_HEAD_SPEAKER_RESULTS if args.ear else SPEECH_SPEAKER_RESULTS
    speakers = args.speakers.split(",") if args.speakers else list(load_clips().speaker_names)
    runs = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for speaker in speakers:
            out = folder / f"without_{speaker}.keras"
            training = ["speech-head", "--utterances", str(args.utterances)] if args.ear else ["speech"]
            command = [sys.executable, "-m", "core", "train", *training, "--hold-out", speaker, "--out", str(out)]
            command += ["--epochs", str(args.epochs)]
            command += [] if args.ear else ["--steps-per-epoch", str(args.steps_per_epoch)]
            command += ["--synthetic", str(args.synthetic)] if args.synthetic else []
            subprocess.run(command, cwd=PROJECT_ROOT, check=True)
            summary = read_summary(out)
            runs.append({**summary.figures, "held_out": speaker, "train_seconds": summary.train_seconds})
            print(json.dumps(runs[-1]), flush=True)
    for run in runs:
        print(
            f"{run['held_out']:>10}: single digits {run['digit_accuracy']:.4f}, sequences exact "
            f"{run['sequence_exact']:.4f}, der {run['der']:.4f} ({run['train_seconds'] / 60:.1f} min)"
        )
    if args.save:
        setup = {"epochs": args.epochs}
        setup |= {"utterances": args.utterances} if args.ear else {"steps_per_epoch": args.steps_per_epoch}
        if args.synthetic:
            setup |= {key: runs[0][key] for key in ("synthetic_voices", "synthetic_share")}
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps({"setup": setup, "runs": runs}, indent=1) + "\n")
        print(f"saved {results}")


if __name__ == "__main__":
    main()
