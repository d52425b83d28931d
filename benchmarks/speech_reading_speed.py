"""How long the shipped spoken-digit reader takes to read a 3-second recording, as the page reads it.

    python benchmarks/speech_reading_speed.py [--repeats 30]

The recording is joined from shipped clips and padded with quiet to 3 s, then read through
the page's path from the WAV bytes: decode, trim silence, features, network, best path
(`core.speech.reader.prepare` and `core.speech.reader.read`). The first reading after loading includes
building the network's compiled step; the figure is the median of the readings after it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared import assets  # noqa: E402
from core.speech import audio, utterances  # noqa: E402
from core.speech import reader as speech  # noqa: E402


def three_second_recording() -> bytes:
    clips = utterances.load_clips(assets.SPEECH_SAMPLES).of_speakers(["lucas"])
    samples = utterances.say(clips, "805", np.random.default_rng(0))[: 3 * audio.RATE]
    return audio.wav_bytes(np.pad(samples, (0, 3 * audio.RATE - len(samples))) + 0.002)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    model = assets.load_model(assets.SPEECH_MODEL, compile=False)
    data = three_second_recording()

    def read_once() -> tuple[float, str]:
        start = time.perf_counter()
        reading = speech.read(model, speech.prepare(audio.read_audio(data)).samples)
        return time.perf_counter() - start, reading.text

    first, text = read_once()
    times = [read_once()[0] for _ in range(args.repeats)]
    print(f"read '{text}' from 3.0 s; first reading {first * 1000:.0f} ms (builds the compiled step)")
    print(
        f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms over {args.repeats} readings"
    )


if __name__ == "__main__":
    main()
