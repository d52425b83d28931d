"""How long the shipped spoken-digit readers take to read a 3-second recording, as the page reads it, and what
the pretrained ear costs the server in memory.

    python benchmarks/speech_reading_speed.py [--repeats 30]

The recording is joined from shipped clips and padded with quiet to 3 s, then read through
the page's path from the WAV bytes: decode, trim silence, then the page's reader (the pretrained ear and
its head) or the reader trained from scratch, and the best path (`core.speech.reader.prepare` and
`core.speech.readers.read`). The first reading after loading includes building the compiled steps; the
figure is the median of the readings after it. The ear's memory is the process's resident memory after
building the ear and reading once with it, minus before (TensorFlow already loaded and running).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.shared import assets  # noqa: E402
from core.speech import audio, ear, readers, utterances  # noqa: E402
from core.speech import reader as speech  # noqa: E402
from devtools.served_app import resident_mb  # noqa: E402


def three_second_recording() -> bytes:
    clips = utterances.load_clips(assets.SPEECH_SAMPLES).of_speakers(["lucas"])
    samples = utterances.say(clips, "805", np.random.default_rng(0))[: 3 * audio.RATE]
    return audio.wav_bytes(np.pad(samples, (0, 3 * audio.RATE - len(samples))) + 0.002)


def timed_readings(model, data: bytes, repeats: int) -> tuple[float, list[float], str]:
    def read_once() -> tuple[float, str]:
        start = time.perf_counter()
        reading = readers.read(model, speech.prepare(audio.read_audio(data)).samples)
        return time.perf_counter() - start, reading.text

    first, text = read_once()
    return first, [read_once()[0] for _ in range(repeats)], text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    data = three_second_recording()
    scratch = assets.load_model(assets.SPEECH_MODEL, compile=False)
    timed_readings(scratch, data, 1)  # TensorFlow's own start-up is not the ear's memory
    before = resident_mb(os.getpid())
    head = assets.load_model(assets.SPEECH_HEAD_MODEL, compile=False)
    ear.ear()
    for name, model in (("pretrained ear + head", head), ("from scratch", scratch)):
        first, times, text = timed_readings(model, data, args.repeats)
        print(f"{name}: read '{text}' from 3.0 s; first reading {first * 1000:.0f} ms (builds the compiled steps)")
        print(f"  median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms over {args.repeats}")
        if model is head:
            print(
                f"  the ear and the head: {resident_mb(os.getpid()) - before:.0f} MB of resident memory once loaded and read"
            )


if __name__ == "__main__":
    main()
