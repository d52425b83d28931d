"""Spoken digits from a local text-to-speech engine (espeak-ng): more voices for the reader to train on.

FSDD has five speakers; a reader trained on five voices hears a sixth badly. espeak-ng's voices are
not people, but they differ from each other in pitch, accent and timbre in ways five people cannot
cover, and synthetic speech has helped keyword spotters generalise. The files it writes are named as
FSDD's are (`<digit>_<voice>_<take>.wav`, 8 kHz), so `utterances.load_clips` reads them as it reads FSDD.

The engine is needed only to make the files (`python -m core synthesise digits`); the app never runs it.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.speech.audio import RATE, read_audio, trim_silence, wav_bytes

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ENGINE = "espeak-ng"

# English accents espeak-ng ships (its `--voices=en` list), each said by every variant below.
ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029", "en-us-nyc")

# Variants that sound like a person (`espeak-ng --voices=variant`). Left out: the robots and effects
# (robosoft*, Demonic, UniRobot, anikaRobot, announcer, fast) and both whispers, which are kept as a voice
# the reader never heard for the page's browser test of "Your voice".
VARIANTS = (
    "adam", "Alex", "Alicia", "Andrea", "Andy", "Annie", "antonio", "aunty", "belinda", "benjamin", "boris",
    "caleb", "david", "Denis", "Diogo", "ed", "edward", "Gene", "gustave", "Henrique", "Hugo", "iven", "iven2",
    "Jacky", "john", "kaukovalta", "Lee", "linda", "Marco", "Mario", "max", "Michael", "michel", "miguel", "Mike",
    "Nguyen", "pablo", "paul", "pedro", "quincy", "rob", "robert", "steph", "steph2", "Storm", "Tweaky", "zac",
    "anika", "f1", "f2", "f3", "f4", "f5", "grandpa", "grandma", "klatt", "klatt2", "klatt3", "klatt4", "m1", "m2",
    "m3", "m4", "m5", "m6", "m7", "m8", "norbert", "sandro", "shelby", "travis", "victor", "croak",
)  # fmt: skip


@dataclass(frozen=True)
class VoiceSetup:
    """How many synthetic voices and takes, and how far each take's pitch and speed vary."""

    voices: int = 120  # accent + variant pairs, drawn without repeats
    takes: int = 5  # of each digit per voice
    pitch: tuple[int, int] = (15, 85)  # espeak-ng's -p, 0–99 (50 is the voice's own)
    words_per_minute: tuple[int, int] = (120, 210)  # espeak-ng's -s (175 is its default)
    seed: int = 0


class EngineMissing(RuntimeError):
    """espeak-ng is not installed."""


def voice_names(setup: VoiceSetup) -> list[str]:
    """`setup.voices` accent+variant pairs, the same ones for the same seed."""
    pairs = [f"{accent}+{variant}" for accent in ACCENTS for variant in VARIANTS]
    rng = np.random.default_rng(setup.seed)
    return [pairs[i] for i in rng.choice(len(pairs), size=min(setup.voices, len(pairs)), replace=False)]


def speaker_name(voice: str) -> str:
    """A file-name speaker for an espeak-ng voice: "en-us+Annie" → "tts.en-us.annie" (letters, digits, - and .)."""
    return "tts." + voice.replace("+", ".").lower()


def say(word: str, voice: str, pitch: int, words_per_minute: int, rate: int = RATE) -> np.ndarray:
    """`word` spoken by espeak-ng at `rate` (FSDD's 8 kHz), trimmed to the speech as FSDD's clips are."""
    if shutil.which(ENGINE) is None:
        raise EngineMissing(f"{ENGINE} is not installed (Debian and Ubuntu: apt install espeak-ng).")
    wav = subprocess.run(
        [ENGINE, "-v", voice, "-p", str(pitch), "-s", str(words_per_minute), "--stdout", word],
        capture_output=True,
        check=True,
    ).stdout
    return trim_silence(read_audio(wav, rate=rate), margin_s=0.0).samples


def synthesise(out: Path, setup: VoiceSetup) -> int:
    """Write every voice's takes of the ten digits into `out`; returns how many files were written."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(setup.seed)
    written = 0
    for voice in voice_names(setup):
        for digit, word in enumerate(WORDS):
            for take in range(setup.takes):
                samples = say(word, voice, int(rng.integers(*setup.pitch)), int(rng.integers(*setup.words_per_minute)))
                (out / f"{digit}_{speaker_name(voice)}_{take}.wav").write_bytes(wav_bytes(samples, RATE))
                written += 1
    return written
