"""Does the page's reader need the band above 4 kHz? Voices it never heard, read through 8 kHz and at 16 kHz.

    python benchmarks/speech_band.py [--voices 20] [--seed 1]

The ear was trained by Google on 16 kHz speech, but every clip the head learns from is FSDD's (and the
synthetic voices') 8 kHz, so the head has only ever seen the ear's numbers for sound without its top
band. A microphone gives the band. espeak-ng voices the training never used (accent + variant pairs outside
`synthetic_voices.voice_names(VoiceSetup())`, drawn with `--seed`) say each digit once, synthesised at
16 kHz; the shipped head reads each clip (silence trimmed, then the page's pauses) twice: brought down to
8 kHz first, as the page reads every recording, and straight at 16 kHz. Single digits right, each way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared import assets  # noqa: E402
from core.speech import ear, ear_reader, synthetic_voices  # noqa: E402
from core.speech.audio import RATE, Audio, resample, trim_silence  # noqa: E402
from core.speech.reader import PAUSE_S  # noqa: E402


def unheard_voices(count: int, seed: int) -> list[str]:
    trained = set(synthetic_voices.voice_names(synthetic_voices.VoiceSetup()))
    pairs = [f"{a}+{v}" for a in synthetic_voices.ACCENTS for v in synthetic_voices.VARIANTS]
    others = [pair for pair in pairs if pair not in trained]
    return [others[i] for i in np.random.default_rng(seed).choice(len(others), size=count, replace=False)]


def read_at(head, samples: np.ndarray, rate: int) -> str:
    """The page's way with a recording at `rate`: silence trimmed, a pause of quiet each side, then the ear."""
    trimmed = trim_silence(Audio(samples, rate)).samples
    pause = np.zeros(int(PAUSE_S * rate), np.float32)
    return ear_reader.read(head, np.concatenate([pause, trimmed, pause]), rate=rate).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voices", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    head = assets.load_model(assets.SPEECH_HEAD_MODEL, compile=False)
    right = {"through 8 kHz": 0, "at 16 kHz": 0}
    voices = unheard_voices(args.voices, args.seed)
    for voice in voices:
        for digit, word in enumerate(synthetic_voices.WORDS):
            wide = synthetic_voices.say(word, voice, 50, 175, rate=ear.RATE)
            right["through 8 kHz"] += read_at(head, resample(wide, ear.RATE, RATE), RATE) == str(digit)
            right["at 16 kHz"] += read_at(head, wide, ear.RATE) == str(digit)
    clips = 10 * len(voices)
    for way, count in right.items():
        print(f"{way}: {count / clips:.3f} of {clips} single digits by {len(voices)} unheard espeak-ng voices")


if __name__ == "__main__":
    main()
