"""Which way to teach the reader a voice: candidate enrolment setups, each voice's chosen by the other four.

    FSDD_DIR=... python benchmarks/speech_enrolment_setups.py --models DIR [--speakers george,jackson] [--save]

`--models` holds the leave-one-speaker-out readers, `without_SPEAKER.keras` (as `speech_speakers.py --keep DIR`
or `speech_enrolment.py` trains them). For every candidate in `CANDIDATES` and every speaker, a fresh copy of
the reader that never heard the speaker is adapted to their take 0 of each digit (`enrolment.adapt`, with the
four other voices' shipped takes as the known voices, as a student's enrolment has), then scored on the
speaker's takes 1-49 (single clips and 300 sequences) and on the four voices it trained on.

The choice is nested, so that no voice's score picks its own setup: for each speaker, among the candidates
whose mean loss on the trained voices over the *other four* runs is at most `MAX_FORGETTING`, the one with
the best mean of single-clip accuracy and sequence exactness over those four is chosen (ties: the earlier
candidate). That speaker's figures under the setup chosen without it are the honest estimate of choosing,
then teaching a new voice. `--save` writes assets/benchmarks/speech_enrolment_setups.json. Run it on an
otherwise idle machine: it times each enrolment too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import asdict, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared.assets import SPEECH_ENROLMENT_SETUP_RESULTS as RESULTS  # noqa: E402
from core.shared.assets import load_model  # noqa: E402
from core.speech import enrolment, utterances  # noqa: E402
from core.speech import reader as speech  # noqa: E402
from core.speech.recipes import enrol  # noqa: E402

BASE = enrolment.EnrolmentSetup()
# Written down before any of them was run: the page's setup, more of the new voice in each batch (up to the
# issue's feasibility probe, which used the new voice alone), and a learning rate three times higher.
CANDIDATES = {
    "half own, 1e-4": BASE,
    "three quarters own, 1e-4": replace(BASE, own_share=0.75),
    "own only, 1e-4": replace(BASE, own_share=1.0),
    "half own, 3e-4": replace(BASE, learning_rate=3e-4),
    "three quarters own, 3e-4": replace(BASE, own_share=0.75, learning_rate=3e-4),
}
MAX_FORGETTING = 0.01  # the bound on what the trained voices may lose (single clips)


def teach(reader: Path, own: utterances.Clips, setup: enrolment.EnrolmentSetup) -> tuple[object, float]:
    """A fresh copy of `reader` adapted to `own`'s first take of each digit, as `evaluate speech --enrol 1` does;
    the seconds the adaptation took."""
    model = load_model(reader, compile=False)
    return model, enrol(model, own.subset(own.first_takes(1)), setup)


def run_speaker(reader: Path, clips: utterances.Clips, speaker: str) -> dict:
    own = clips.of_speakers([speaker])
    others = clips.of_speakers([name for name in clips.speaker_names if name != speaker])
    scored = own.subset(~own.first_takes(1))
    before = speech.evaluate(load_model(reader, compile=False), others)
    runs = {}
    for name, setup in CANDIDATES.items():
        model, seconds = teach(reader, own, setup)
        runs[name] = {
            "enrolled": speech.evaluate(model, scored).figures(),
            "trained_voices_after": speech.evaluate(model, others).figures(),
            "enrol_seconds": round(seconds, 1),
        }
        print(f"{speaker:>10} {name:>26}: {runs[name]['enrolled']} in {seconds:.1f} s", flush=True)
    return {"trained_voices_before": before.figures(), "setups": runs}


def merit(run: dict) -> float:
    return (run["enrolled"]["digit_accuracy"] + run["enrolled"]["sequence_exact"]) / 2


def forgetting(result: dict, name: str) -> float:
    before = result["trained_voices_before"]["digit_accuracy"]
    return before - result["setups"][name]["trained_voices_after"]["digit_accuracy"]


def chosen_without(results: dict[str, dict], speaker: str) -> str | None:
    """The candidate the other speakers' runs choose (see the module's docstring); None without other runs."""
    others = [result for name, result in results.items() if name != speaker]
    if not others:
        return None
    allowed = [
        name for name in CANDIDATES if statistics.mean(forgetting(result, name) for result in others) <= MAX_FORGETTING
    ] or [next(iter(CANDIDATES))]
    return max(allowed, key=lambda name: statistics.mean(merit(result["setups"][name]) for result in others))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, required=True, help="folder of without_SPEAKER.keras readers")
    parser.add_argument("--speakers", help="comma-separated; default: every speaker of the data set")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args()
    clips = utterances.load_clips()
    speakers = args.speakers.split(",") if args.speakers else list(clips.speaker_names)
    results = {speaker: run_speaker(args.models / f"without_{speaker}.keras", clips, speaker) for speaker in speakers}
    choices = {speaker: chosen_without(results, speaker) for speaker in speakers}
    for speaker, name in choices.items():
        if name is None:
            print(f"{speaker:>10}: no other speaker's runs to choose a setup by")
            continue
        run = results[speaker]["setups"][name]
        print(f"{speaker:>10}: chosen by the others: {name}; {run['enrolled']}")
    if args.save:
        summary = {
            "command": "python benchmarks/speech_enrolment_setups.py --models DIR --save",
            "candidates": {name: asdict(setup) | {"augmentation": None} for name, setup in CANDIDATES.items()},
            "max_forgetting": MAX_FORGETTING,
            "results": results,
            "chosen_without": choices,
        }
        RESULTS.write_text(json.dumps(summary, indent=1) + "\n")
        print(f"saved {RESULTS}")


if __name__ == "__main__":
    main()
