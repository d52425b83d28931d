"""Teaching the spoken-digit reader one new voice: leave-one-speaker-out readers, each enrolled on its left-out voice.

    FSDD_DIR=... python benchmarks/speech_enrolment.py [--ear] [--speakers george,jackson] [--takes 1] [--models DIR]
        [--synthetic DIR] [--save]

For each speaker, `python -m core train speech --hold-out SPEAKER` trains the shipped reader's
training without that voice (kept in the cache folder, `--models`, so that a rerun only
enrols), then `python -m core evaluate speech --enrol TAKES` adapts a copy of it to the voice
from takes 0…TAKES−1 of each digit and scores the voice's other clips. The same reader, before
and after enrolling, is also scored on the four voices it trained on, to see what enrolling
costs them. With `--ear`, the readers are the page's: the pretrained ear and a head trained without
the voice (`python -m core train speech-head --hold-out SPEAKER`; `speech_speakers.py --ear --keep DIR`
keeps them), and enrolling adapts the head only. `--save` writes the figures to
assets/benchmarks/speech_enrolment.json (with `--ear`, speech_ear_enrolment.json), which the README and
the page quote.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared.assets import SPEECH_ENROLMENT_RESULTS, SPEECH_HEAD_ENROLMENT_RESULTS  # noqa: E402
from core.shared.datasets import cache_dir, load_fsdd_files  # noqa: E402

FIGURES = re.compile(r"digit_accuracy=(\S+) sequence_exact=(\S+) der=(\S+) n=(\d+)")


def held_out_reader(speaker: str, models: Path, synthetic: Path | None, ear: bool) -> Path:
    """The shipped reader's (or with `ear`, head's) training without `speaker` (with the synthetic voices given),
    kept in `models`."""
    out = models / f"without_{speaker}.keras"
    if not out.exists():
        training = "speech-head" if ear else "speech"
        command = [sys.executable, "-m", "core", "train", training, "--hold-out", speaker, "--out", str(out)]
        command += ["--synthetic", str(synthetic)] if synthetic else []
        subprocess.run(command, cwd=PROJECT_ROOT, check=True)
    return out


def evaluate(model: Path, folder: Path, *extra: str) -> tuple[dict, str]:
    """`python -m core evaluate speech` on `folder`: the last line's figures, and the whole output."""
    command = [sys.executable, "-m", "core", "evaluate", "speech", "--model", str(model), "--data", str(folder), *extra]
    output = subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True).stdout
    accuracy, exact, der, n = FIGURES.search(output.splitlines()[-1]).groups()
    return {"digit_accuracy": float(accuracy), "sequence_exact": float(exact), "der": float(der), "n": int(n)}, output


def folder_of(paths: list[Path], root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copyfile(path, root / path.name)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ear", action="store_true", help="the page's reader: the pretrained ear and its head")
    parser.add_argument("--speakers", help="comma-separated; default: every speaker of the data set")
    parser.add_argument("--takes", type=int, default=1, help="takes of each digit to enrol on")
    parser.add_argument(
        "--models", type=Path, default=cache_dir() / "speech_held_out", help="where the readers are kept"
    )
    parser.add_argument("--synthetic", type=Path, help="train missing readers with these synthetic voices too")
    parser.add_argument("--train-only", action="store_true", help="train the held-out readers, then stop")
    parser.add_argument("--save", action="store_true", help="write the figures into assets/benchmarks")
    args = parser.parse_args()
    results = SPEECH_HEAD_ENROLMENT_RESULTS if args.ear else SPEECH_ENROLMENT_RESULTS
    files = load_fsdd_files()
    speakers = args.speakers.split(",") if args.speakers else sorted(set(files.speakers))
    args.models.mkdir(parents=True, exist_ok=True)
    runs = []
    for speaker in speakers:
        reader = held_out_reader(speaker, args.models, args.synthetic, args.ear)
        if args.train_only:
            continue
        with tempfile.TemporaryDirectory() as temporary:
            own = [p for p, s in zip(files.paths, files.speakers, strict=True) if s == speaker]
            enrolled, output = evaluate(reader, folder_of(own, Path(temporary) / "own"), "--enrol", str(args.takes))
            seconds = [float(s) for s in re.findall(r"enrolled in (\S+) s", output)]
            others = [p for p, s in zip(files.paths, files.speakers, strict=True) if s != speaker]
            trained_voices = folder_of(others, Path(temporary) / "others")
            before, _ = evaluate(reader, trained_voices)
            after, _ = evaluate(
                reader, trained_voices, "--enrolled-on", str(Path(temporary) / "own"), "--enrol", str(args.takes)
            )
        runs.append(
            {
                "speaker": speaker,
                "enrolled": enrolled,
                "enrol_seconds": seconds[0] if seconds else None,
                "trained_voices_before": before,
                "trained_voices_after": after,
            }
        )
        print(json.dumps(runs[-1]), flush=True)
    if args.save and runs:
        # Speakers run apart (one per call, as their held-out readers become ready) add up in one file.
        saved = json.loads(results.read_text()) if results.exists() else {}
        kept = [
            run for run in saved.get("runs", []) if saved.get("takes") == args.takes and run["speaker"] not in speakers
        ]
        everyone = sorted(kept + runs, key=lambda run: run["speaker"])
        results.write_text(json.dumps({"takes": args.takes, "runs": everyone}, indent=1) + "\n")
        print(f"saved {results}")


if __name__ == "__main__":
    main()
