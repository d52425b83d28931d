"""What the spoken-digit reader learns from: clips of single digits, the speaker split, and utterances.

Training utterances are made on the fly from single-digit clips (`batches`): the clips of one
speaker joined with random gaps and gains, played faster or slower, with a warped vocal tract,
noise and sometimes an echo, and SpecAugment masks on the spectrogram.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.ctc import algorithm as ctc
from core.speech.audio import RATE, AudioProblem, background_level, pad_with_quiet_noise, pause, read_audio
from core.speech.sound_features import N_MELS, features

DIGITS = ctc.Alphabet("0123456789")  # class d + 1 is the digit d; class 0 is the blank
NUM_CLASSES = DIGITS.classes
MAX_DIGITS = 5
SPEAKER_SEED = 0
BUCKET_S = 0.5
JOIN_PEAK = 0.45  # joined clips' peak level before their random gain


@dataclass(frozen=True)
class Clips:
    """Single-digit recordings at 8 kHz, with their digit and speaker."""

    sounds: tuple[np.ndarray, ...]
    digits: np.ndarray  # (n,) int
    speakers: tuple[str, ...]
    takes: np.ndarray | None = None  # (n,) int: the take number in each file's name, where known

    def __len__(self) -> int:
        return len(self.sounds)

    def subset(self, mask: np.ndarray) -> Clips:
        keep = np.flatnonzero(mask)
        takes = self.takes[keep] if self.takes is not None else None
        return Clips(
            tuple(self.sounds[i] for i in keep), self.digits[keep], tuple(self.speakers[i] for i in keep), takes
        )

    def first_takes(self, count: int) -> np.ndarray:
        """Which clips are among the `count` lowest take numbers of their speaker and digit (a mask)."""
        takes = self.takes if self.takes is not None else np.zeros(len(self), int)
        chosen = np.zeros(len(self), bool)
        for speaker, digit in {(s, int(d)) for s, d in zip(self.speakers, self.digits, strict=True)}:
            same = np.flatnonzero((np.array(self.speakers) == speaker) & (self.digits == digit))
            chosen[same[np.argsort(takes[same], kind="stable")[:count]]] = True
        return chosen

    def of_speakers(self, speakers: Sequence[str]) -> Clips:
        return self.subset(np.isin(np.array(self.speakers), list(speakers)))

    @property
    def speaker_names(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.speakers)))


def read_clips(paths: Sequence, digits: Sequence[int], speakers: Sequence[str], takes: Sequence[int] = ()) -> Clips:
    """Read FSDD recordings (any rate is brought to 8 kHz); a file that cannot be read is skipped."""
    sounds, kept = [], []
    for index, path in enumerate(paths):
        try:
            sounds.append(read_audio(path.read_bytes()).samples)
        except (OSError, AudioProblem):
            continue
        kept.append(index)
    return Clips(
        tuple(sounds),
        np.array([digits[i] for i in kept], dtype=np.int32),
        tuple(speakers[i] for i in kept),
        np.array([takes[i] for i in kept], dtype=np.int32) if takes else None,
    )


def load_clips(root=None) -> Clips:
    """Every FSDD recording (from `root`, `FSDD_DIR` or the download), read at 8 kHz."""
    from core.shared.datasets import DatasetUnavailable, load_fsdd_files

    files = load_fsdd_files(root)
    clips = read_clips(files.paths, files.digits, files.speakers, files.takes)
    if not len(clips):
        raise DatasetUnavailable(
            "None of the spoken-digit recordings this app was given could be read as sound.",
            f"{len(files.paths)} WAV files named like 7_george_12.wav in the {files.source}, none readable.",
        )
    return clips


@dataclass(frozen=True)
class SpeakerSplit:
    """Speakers for training and for validation: a validation voice is never heard in training."""

    training: tuple[str, ...]
    validation: tuple[str, ...]


def split_speakers(speakers: Sequence[str], held_out: Sequence[str] | None = None) -> SpeakerSplit:
    """Hold out the named speakers, or one speaker drawn with a fixed seed.

    Raises:
        ValueError: if a named speaker is unknown or nobody would be left to train on.
    """
    names = sorted(set(speakers))
    if held_out is None:
        held_out = [names[np.random.default_rng(SPEAKER_SEED).integers(len(names))]]
    unknown = sorted(set(held_out) - set(names))
    if unknown:
        raise ValueError(f"unknown speaker(s) {', '.join(unknown)}: the clips are by {', '.join(names)}")
    training = tuple(name for name in names if name not in held_out)
    if not training:
        raise ValueError("every speaker is held out: nobody is left to train on")
    return SpeakerSplit(training, tuple(sorted(held_out)))


@dataclass(frozen=True)
class Augmentation:
    """How far training utterances are varied (all ranges are drawn uniformly)."""

    gap_s: tuple[float, float] = (0.05, 0.45)  # before, between and after the digits
    gain_db: tuple[float, float] = (-6.0, 6.0)  # per digit
    speed: tuple[float, float] = (0.85, 1.15)  # tempo and pitch together
    warp: tuple[float, float] = (0.85, 1.15)  # vocal-tract length
    snr_db: tuple[float, float] = (5.0, 40.0)
    echo_chance: float = 0.3
    echo_s: tuple[float, float] = (0.05, 0.4)  # reverberation time (to −60 dB)
    freq_masks: int = 2
    freq_mask_bands: int = 8
    time_masks: int = 2
    time_mask_frames: int = 8


CLEAN = Augmentation(
    gain_db=(0.0, 0.0),
    speed=(1.0, 1.0),
    warp=(1.0, 1.0),
    snr_db=(60.0, 60.0),
    echo_chance=0.0,
    freq_masks=0,
    time_masks=0,
)


@dataclass(frozen=True)
class Utterance:
    samples: np.ndarray
    digits: tuple[int, ...]
    warp: float = 1.0


def join_clips(
    sounds: Sequence[np.ndarray], rng: np.random.Generator, augmentation: Augmentation = CLEAN
) -> np.ndarray:
    """Clips → one recording: random pauses, a gain per clip, at one speed, with noise and maybe an echo.

    Each clip peaks at `JOIN_PEAK` before its gain, so that +6 dB still fits in [-1, 1] without clipping.
    The pauses carry the background of the clips beside them, as a recording's pauses do: pauses of
    digital silence between noisy clips taught the first reader to find digits by the noise around
    them, and it read single clips, whose noise never stops, as nothing.
    """
    low, high = augmentation.gap_s
    clips = [
        sound * JOIN_PEAK * 10 ** (rng.uniform(*augmentation.gain_db) / 20) / (np.max(np.abs(sound)) + 1e-6)
        for sound in sounds
    ]
    levels = [background_level(clip) for clip in clips]
    # A pause takes the mean background of its neighbours (the first and last, of their one neighbour).
    pause_levels = [levels[0]] + [(a + b) / 2 for a, b in itertools.pairwise(levels)] + [levels[-1]]
    pieces = [pause(rng.uniform(low, high), pause_levels[0], rng)]
    for clip, level in zip(clips, pause_levels[1:], strict=True):
        pieces += [clip, pause(rng.uniform(low, high), level, rng)]
    joined = np.concatenate(pieces).astype(np.float32)
    speed = rng.uniform(*augmentation.speed)
    if speed != 1.0:
        # Played faster: fewer samples, every frequency higher (the cheap "speed perturbation" of speech recognisers).
        joined = np.interp(np.arange(0, len(joined) - 1, speed), np.arange(len(joined)), joined).astype(np.float32)
    if rng.random() < augmentation.echo_chance:
        joined = add_echo(joined, rng.uniform(*augmentation.echo_s), rng)
    return add_noise(joined, rng.uniform(*augmentation.snr_db), rng)


def say(clips: Clips, digits: str, rng: np.random.Generator) -> np.ndarray:
    """`digits` (such as "417") said by the takes in `clips`, joined with clean pauses.

    The first time a digit is said it is its first take; a repeated digit is the next take,
    where `clips` has more than one, so that "1111" is four different sayings of one.
    """
    said = dict.fromkeys(digits, 0)
    sounds = []
    for digit in digits:
        takes = np.flatnonzero(clips.digits == int(digit))
        sounds.append(clips.sounds[int(takes[said[digit] % len(takes)])])
        said[digit] += 1
    return join_clips(sounds, rng, CLEAN)


def add_echo(samples: np.ndarray, reverb_s: float, rng: np.random.Generator) -> np.ndarray:
    """A room's echo: the sound convolved with decaying noise that falls 60 dB in `reverb_s` seconds."""
    from scipy.signal import fftconvolve

    length = max(2, int(reverb_s * RATE))
    decay = np.exp(-6.9 * np.arange(length) / length)  # e^-6.9 ≈ 10^-3: 60 dB
    response = rng.standard_normal(length) * decay * 0.3
    response[0] = 1.0
    wet = fftconvolve(samples, response)[: len(samples)]
    return (wet / (np.max(np.abs(wet)) + 1e-6) * np.max(np.abs(samples))).astype(np.float32)


def add_noise(samples: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """Background noise at `snr_db` under the speech's power: white, or low-passed like a hum of a room."""
    from scipy.signal import lfilter

    noise = rng.standard_normal(len(samples))
    if rng.random() < 0.5:
        noise = lfilter([1.0], [1.0, -rng.uniform(0.5, 0.98)], noise)
    speech_power = np.mean(samples[np.abs(samples) > 0.02] ** 2) if np.any(np.abs(samples) > 0.02) else 1e-4
    noise *= np.sqrt(speech_power / 10 ** (snr_db / 10) / (np.mean(noise**2) + 1e-12))
    return np.clip(samples + noise, -1.0, 1.0).astype(np.float32)


def pick_clips(clips: Clips, rng: np.random.Generator, count: int) -> np.ndarray:
    """The indices of `count` random clips (repeats allowed) of one random speaker."""
    speaker = rng.choice(clips.speaker_names)
    return rng.choice(np.flatnonzero(np.array(clips.speakers) == speaker), size=count)


def random_utterance(clips: Clips, rng: np.random.Generator, augmentation: Augmentation, count: int) -> Utterance:
    """`count` random digits of one random speaker, joined and varied."""
    chosen = pick_clips(clips, rng, count)
    samples = join_clips([clips.sounds[i] for i in chosen], rng, augmentation)
    return Utterance(samples, tuple(int(clips.digits[i]) for i in chosen), rng.uniform(*augmentation.warp))


def spec_augment(x: np.ndarray, rng: np.random.Generator, augmentation: Augmentation) -> np.ndarray:
    """SpecAugment: a few bands and a few short stretches of time set to the utterance's mean (0)."""
    x = x.copy()
    for _ in range(augmentation.freq_masks):
        width = int(rng.integers(0, augmentation.freq_mask_bands + 1))
        start = rng.integers(0, N_MELS - width + 1)
        x[:, start : start + width] = 0.0
    for _ in range(augmentation.time_masks):
        width = min(int(rng.integers(0, augmentation.time_mask_frames + 1)), len(x))
        start = rng.integers(0, len(x) - width + 1)
        x[start : start + width] = 0.0
    return x


def batch_arrays(utterances: Sequence[Utterance]) -> tuple[np.ndarray, np.ndarray]:
    """Features padded to the longest (with silence, before the features, so padding looks like a pause) and labels.

    Returns:
        (batch, frames, 40) float32 and (batch, MAX_DIGITS) int32, classes 1…10 padded with the blank.
    """
    longest = max(len(u.samples) for u in utterances)
    x = np.stack([features(np.pad(u.samples, (0, longest - len(u.samples))), u.warp) for u in utterances])
    return x, ctc_labels([u.digits for u in utterances])


def ctc_labels(said: Sequence[Sequence[int]]) -> np.ndarray:
    """(n, MAX_DIGITS) int32 labels for CTC: class d + 1 for the digit d, padded with the blank (class 0)."""
    y = np.zeros((len(said), MAX_DIGITS), np.int32)
    for row, digits in enumerate(said):
        y[row, : len(digits)] = np.array(digits) + 1
    return y


def bucket_length(samples: int, bucket_s: float = BUCKET_S) -> int:
    """`samples` rounded up to whole `bucket_s` seconds: batches come in a few lengths, and Keras compiles its step once per length."""
    bucket = int(bucket_s * RATE)
    return -(-samples // bucket) * bucket


def digits_in_batch(index: int) -> int:
    """How many digits each utterance of batch `index` says: every count from 1 to 5 in turn.

    One count per batch keeps its utterances about as long, so padding costs little. The first
    two batches say 1 and 5 digits: Keras infers the input's shape from those two, and their
    different lengths tell it that the time axis varies.
    """
    return (1, MAX_DIGITS, 2, 4, 3)[index % MAX_DIGITS]


@dataclass(frozen=True)
class Voices:
    """Where a batch's utterances come from: `main`'s speakers, or with chance `other_share` `other`'s."""

    main: Clips
    other: Clips | None = None
    other_share: float = 0.0

    def utterance(self, rng: np.random.Generator, augmentation: Augmentation, count: int) -> Utterance:
        """One fresh utterance of `count` digits by one speaker of the pool drawn."""
        chosen = self.other if self.other is not None and rng.random() < self.other_share else self.main
        return random_utterance(chosen, rng, augmentation, count)


def make_batch(
    voices: Voices | Clips,
    size: int,
    rng: np.random.Generator,
    augmentation: Augmentation,
    count: int,
    bucket_s: float = BUCKET_S,
) -> tuple[np.ndarray, np.ndarray]:
    """A batch of fresh utterances of `count` digits each: features (SpecAugment-masked) and labels."""
    pools = voices if isinstance(voices, Voices) else Voices(voices)
    utterances = [pools.utterance(rng, augmentation, count) for _ in range(size)]
    return masked_batch(utterances, rng, augmentation, bucket_s)


def masked_batch(
    utterances: Sequence[Utterance], rng: np.random.Generator, augmentation: Augmentation, bucket_s: float = BUCKET_S
) -> tuple[np.ndarray, np.ndarray]:
    """Utterances padded with quiet to a whole bucket of `bucket_s`, as features with SpecAugment's masks, and labels."""
    longest = bucket_length(max(len(u.samples) for u in utterances), bucket_s)
    padded = [Utterance(pad_with_quiet_noise(u.samples, longest, rng), u.digits, u.warp) for u in utterances]
    x, y = batch_arrays(padded)
    return np.stack([spec_augment(item, rng, augmentation) for item in x]), y


def fixed_utterances(clips: Clips, count: int, seed: int, min_digits: int, max_digits: int) -> list[Utterance]:
    """Joined sequences drawn with a fixed seed, clean (gaps only): the same every time, for validation and evaluation."""
    rng = np.random.default_rng(seed)
    utterances = []
    for _ in range(count):
        speaker = rng.choice(clips.speaker_names)
        pool = np.flatnonzero(np.array(clips.speakers) == speaker)
        size = rng.integers(min_digits, max_digits + 1)
        # A speaker with fewer clips than digits to say repeats some (`python -m core evaluate speech` says so); the others never do.
        chosen = rng.choice(pool, size=size, replace=bool(size > len(pool)))
        samples = join_clips([clips.sounds[i] for i in chosen], rng, CLEAN)
        utterances.append(Utterance(samples, tuple(int(clips.digits[i]) for i in chosen)))
    return utterances


def batches(voices: Voices | Clips, steps: int, batch_size: int, seed: int, augmentation: Augmentation):
    """`steps` batches an epoch of utterances never made before (seeded by epoch and batch)."""
    return generated_batches(
        steps, seed, lambda rng, index: make_batch(voices, batch_size, rng, augmentation, digits_in_batch(index))
    )


def generated_batches(steps: int, seed: int, make: Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]):
    """A `keras.utils.PyDataset` of `steps` batches an epoch, each `make(rng, index)` with its own seeded rng."""
    import keras

    class Batches(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0

        def __len__(self) -> int:
            return steps

        def __getitem__(self, index: int):
            return make(np.random.default_rng((seed, self.epoch, index)), index)

        def on_epoch_end(self) -> None:
            self.epoch += 1

    return Batches()
