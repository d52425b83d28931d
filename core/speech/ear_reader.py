"""Reading spoken digits with the pretrained ear (`core.speech.ear`) and the class's own BiGRU + CTC head.

Transfer learning, as the CNN half of the class does it with pictures: Google's frozen CNN turns
each 775 ms of sound into 96 numbers every 80 ms; the head, two bidirectional GRUs and a softmax
over the ten digits and the CTC blank, learns from those numbers alone. The ear never changes, so
what it hears in the training utterances is computed once (`hear_utterances`) and every epoch
of the head reads the same numbers: the head trains in seconds, where the reader trained from
scratch (`core.speech.reader`) takes minutes.

Everything reaches the ear as the training clips sound: at 8 kHz (FSDD's rate), brought to the
ear's 16 kHz. A microphone's sound above 4 kHz is never in the training clips, and the head would
meet it first in class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.shared.training import History, Report, StopSignal, TrainingHooks
from core.speech import ear
from core.speech import reader as scratch
from core.speech.audio import RATE, background_level, resample
from core.speech.utterances import (
    MAX_DIGITS,
    Augmentation,
    Clips,
    Voices,
    ctc_labels,
    digits_in_batch,
    fixed_utterances,
    generated_batches,
    load_clips,
    split_speakers,
)

MARGIN_S = 0.5  # quiet around every sound before the ear: more than half its window, so some windows centre on the first and last words
TAIL_S = 0.8  # more quiet after a training utterance: its last embedding hears only quiet, the batch's padding


# ---------------------------------------------------------------- the head


def build_head(seed: int = 0, units: int = 64, steps: int | None = None):
    """Embeddings (steps, 96) → layer norm → two bidirectional GRUs → softmax over 11 classes every 80 ms; CTC loss.

    With `steps` (the training's batches), the learning rate falls from 3e-3 to 0 along a cosine over them.
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    embeddings = keras.Input(shape=(None, ear.EMBEDDING), name="embeddings")
    x = layers.LayerNormalization(name="embedding_norm")(embeddings)
    model = keras.Model(embeddings, scratch.recurrent_ctc_top(x, units), name="spoken_digits_head")
    scratch.compile_for_ctc(model, 3e-3, steps)
    return model


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class EarReading:
    """What the ear and the head made of one recording."""

    hearing: ear.Hearing  # the 32 bands every 10 ms and the 96 numbers every 80 ms
    probabilities: np.ndarray  # (steps, 11)
    text: str  # best path, collapsed


def quiet(seconds: float, level: float, rng: np.random.Generator, rate: int = RATE) -> np.ndarray:
    """`seconds` of white noise at RMS `level`: the quiet of a recording's own room."""
    return (rng.standard_normal(int(seconds * rate)) * level).astype(np.float32)


def at_ear(samples: np.ndarray, tail_s: float = 0.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """A sound as the ear hears it: `MARGIN_S` of its own background around it (and `tail_s` more after), at
    16 kHz. The quiet is drawn with a fixed seed, so a reading never changes.

    Every sound here is at 8 kHz (`rate`), as the training clips are; `benchmarks/speech_band.py` gives the ear
    16 kHz sound (`rate=16_000`) to measure what the band above 4 kHz would do.
    """
    rng = np.random.default_rng(seed)
    level = background_level(samples, frame=int(0.02 * rate)) + 1e-5
    padded = np.concatenate([quiet(MARGIN_S, level, rng, rate), samples, quiet(MARGIN_S + tail_s, level, rng, rate)])
    return padded if rate == ear.RATE else resample(padded, rate, ear.RATE)


def read(head, samples: np.ndarray, rate: int = RATE) -> EarReading:
    """The ear's hearing, the head's per-step probabilities and the greedy reading of one recording at `rate`
    (silence trimmed already: `prepare` does that for a recording)."""
    from core.shared.predicting import predict_on_batch

    hearing = ear.hear(at_ear(samples, rate=rate))
    probabilities = predict_on_batch(head, hearing.embeddings[np.newaxis])[0]
    return EarReading(hearing, probabilities, scratch.greedy_text(probabilities))


def read_many(head, recordings: Sequence[np.ndarray], batch_size: int = 32) -> list[str]:
    """Greedy readings of many recordings at 8 kHz, as `read` reads each (batched, padded with quiet)."""
    heard = hear_sounds([at_ear(recording, TAIL_S) for recording in recordings], batch_size, TAIL_S)
    return [scratch.greedy_text(p) for p in predict_padded(head, heard, batch_size)]


def predict_padded(head, heard: Sequence[Heard], batch_size: int = 32) -> list[np.ndarray]:
    """The head's probabilities for each hearing, at its own length (batched, padded with its quiet)."""
    from core.shared.predicting import predict_on_batch

    order = np.argsort([len(h.embeddings) for h in heard], kind="stable")
    probabilities: list[np.ndarray] = [np.empty(0)] * len(heard)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        x = padded_embeddings([heard[i] for i in chunk])
        for i, p in zip(chunk, predict_on_batch(head, x), strict=True):
            probabilities[i] = p[: len(heard[i].embeddings)]
    return probabilities


# ---------------------------------------------------------------- what the ear hears in many sounds


@dataclass(frozen=True)
class Heard:
    """The ear's embeddings of one sound, and of the quiet after it (what the sound is padded with in a batch)."""

    embeddings: np.ndarray  # (steps, 96) float16
    quiet: np.ndarray  # (96,) float16


def hear_sounds(sounds: Sequence[np.ndarray], batch_size: int = 32, tail_s: float = 0.0) -> list[Heard]:
    """The ear over many 16 kHz sounds, in batches of similar length padded with their last samples' quiet.

    With `tail_s`, each sound's last `tail_s` seconds are quiet: its embeddings stop before them, and the
    last embedding, which hears only that quiet, is what pads it in a batch.
    """
    tail = int(tail_s * ear.RATE)
    order = np.argsort([len(s) for s in sounds], kind="stable")
    heard: list[Heard] = [Heard(np.empty(0), np.empty(0))] * len(sounds)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        longest = max(len(sounds[i]) for i in chunk)
        # Padding is never heard: each sound keeps only the embeddings whose windows end inside it.
        batch = np.stack([np.pad(sounds[i], (0, longest - len(sounds[i]))) for i in chunk])
        _, embeddings = ear.hear_batch(batch.astype(np.float32))
        for i, e in zip(chunk, embeddings, strict=True):
            steps = max(1, ear.steps_for(len(sounds[i]) - tail))
            heard[i] = Heard(e[:steps].astype(np.float16), e[ear.steps_for(len(sounds[i])) - 1].astype(np.float16))
    return heard


def padded_embeddings(heard: Sequence[Heard]) -> np.ndarray:
    """(batch, longest, 96) float32: each hearing followed by its own quiet."""
    longest = max(len(h.embeddings) for h in heard)
    return np.stack(
        [np.concatenate([h.embeddings, np.repeat(h.quiet[np.newaxis], longest - len(h.embeddings), 0)]) for h in heard]
    ).astype(np.float32)


# ---------------------------------------------------------------- training the head


@dataclass
class HeadSetup:
    """One place for how the head is trained: the page, the command and the benchmark share it."""

    epochs: int = 20
    utterances: int = 6_400  # heard by the ear once; every epoch reads them all
    batch_size: int = 32
    validation_sequences: int = 100
    augmentation: Augmentation = field(default_factory=Augmentation)  # on the sound, before the ear
    # Utterances said by a synthetic voice (`core.speech.synthetic_voices`), when the training is given them.
    synthetic_share: float = 0.5

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.utterances // self.batch_size)


@dataclass(frozen=True)
class HeardUtterances:
    """Utterances as the ear heard them, with their digits: what the head trains on."""

    heard: list[Heard]
    labels: np.ndarray  # (n, MAX_DIGITS) int32, classes 1…10 padded with the blank

    def __len__(self) -> int:
        return len(self.heard)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All of them as one batch for `fit`'s validation: (n, longest steps, 96) and the labels."""
        return padded_embeddings(self.heard), self.labels

    def save(self, path: Path) -> None:
        """Write them to one .npz (float16 embeddings end to end, with each one's length), atomically."""
        lengths = np.array([len(h.embeddings) for h in self.heard])
        partial = path.with_suffix(".partial.npz")
        np.savez(
            partial,
            embeddings=np.concatenate([h.embeddings for h in self.heard]),
            lengths=lengths,
            quiet=np.stack([h.quiet for h in self.heard]),
            labels=self.labels,
        )
        partial.replace(path)  # a reader never finds half a file

    @staticmethod
    def load(path: Path) -> HeardUtterances:
        with np.load(path) as saved:
            pieces = np.split(saved["embeddings"], np.cumsum(saved["lengths"])[:-1])
            heard = [Heard(e, q) for e, q in zip(pieces, saved["quiet"], strict=True)]
            return HeardUtterances(heard, saved["labels"])


def hear_utterances(
    voices: Voices | Clips,
    count: int,
    seed: int,
    augmentation: Augmentation,
    report: Report | None = None,
    chunk: int = 256,
    stop: StopSignal | None = None,
) -> HeardUtterances:
    """`count` fresh utterances of 1–5 digits (every count in turn), varied on the sound, then heard by the ear.

    With `stop` set, it ends after the chunk it is hearing: a Stop pressed while the ear listens is obeyed in
    about two seconds, and the training then stops after its first batch, as a training stopped early does.
    """
    pools = voices if isinstance(voices, Voices) else Voices(voices)
    rng = np.random.default_rng(seed)
    heard: list[Heard] = []
    digits: list[tuple[int, ...]] = []
    for start in range(0, count, chunk):
        made = [pools.utterance(rng, augmentation, digits_in_batch(i)) for i in range(start, min(count, start + chunk))]
        sounds = [at_ear(u.samples, TAIL_S, seed=int(rng.integers(1 << 31))) for u in made]
        heard += hear_sounds(sounds, tail_s=TAIL_S)
        digits += [u.digits for u in made]
        if report is not None:
            report(0.0, f"The ear is listening to the training utterances: {len(heard):,} of {count:,}…")
        if stop is not None and stop.is_set():
            break
    return HeardUtterances(heard, ctc_labels(digits))


def clean_utterances(clips: Clips, count: int, seed: int = 1) -> HeardUtterances:
    """Clean joined sequences of 1–5 digits (fixed seed), heard by the ear: validation."""
    made = fixed_utterances(clips, count, seed, 1, MAX_DIGITS)
    return HeardUtterances(
        hear_sounds([at_ear(u.samples, TAIL_S) for u in made], tail_s=TAIL_S), ctc_labels([u.digits for u in made])
    )


def head_batches(training: HeardUtterances, batch_size: int, seed: int):
    """The heard utterances in batches of similar length (padded with their quiet), in a fixed shuffled order."""
    by_length = np.argsort([len(h.embeddings) for h in training.heard], kind="stable")
    groups = [by_length[i : i + batch_size] for i in range(0, len(by_length), batch_size)]
    order = np.random.default_rng(seed).permutation(len(groups))

    def make(rng: np.random.Generator, index: int) -> tuple[np.ndarray, np.ndarray]:
        group = groups[order[index]]
        return padded_embeddings([training.heard[i] for i in group]), training.labels[group]

    return generated_batches(len(groups), seed, make)


def train_head(
    head,
    training: HeardUtterances,
    validation: tuple[np.ndarray, np.ndarray] | None,
    setup: HeadSetup,
    seed: int = 0,
    hooks: TrainingHooks | None = None,
) -> History:
    """Fit the head on what the ear heard, every utterance once an epoch."""
    from core.shared.fitting import fit

    return fit(head, head_batches(training, setup.batch_size, seed), validation, setup.epochs, hooks=hooks)


def heard_training(
    clips: Clips,
    setup: HeadSetup,
    seed: int = 0,
    synthetic: Clips | None = None,
    report: Report | None = None,
    stop: StopSignal | None = None,
) -> HeardUtterances:
    """The training utterances of `clips`' speakers (and `synthetic` voices', `setup.synthetic_share` of them), heard."""
    voices = Voices(clips, synthetic, setup.synthetic_share if synthetic is not None else 0.0)
    return hear_utterances(voices, setup.utterances, seed, setup.augmentation, report, stop=stop)


def kept_path(clips: Clips, setup: HeadSetup) -> Path:
    """Where `heard_training_kept` keeps what the ear heard of these clips' training utterances: named by what makes
    them (the speakers and their clips, the setup, the quiet around each sound, the ear's weights)."""
    import hashlib

    from core.shared.datasets import cache_dir

    recipe = repr(
        (clips.speaker_names, len(clips), setup.utterances, setup.augmentation, MARGIN_S, TAIL_S, ear.digest())
    )
    return cache_dir() / "speech_heard" / f"{hashlib.sha256(recipe.encode()).hexdigest()[:16]}.npz"


def heard_training_kept(
    clips: Clips, setup: HeadSetup, report: Report | None = None, stop: StopSignal | None = None
) -> HeardUtterances:
    """`heard_training` of these clips, kept on disk: the ear never changes, so the same utterances sound the same
    to it every time, and every later training with the same voices and setup (any student's) starts at once."""
    path = kept_path(clips, setup)
    if path.exists():
        if report is not None:
            report(0.0, "The ear heard these utterances before: its numbers are read back…")
        return HeardUtterances.load(path)
    heard = heard_training(clips, setup, report=report, stop=stop)
    if len(heard) == setup.utterances:  # a training stopped while the ear listened keeps nothing half-heard
        path.parent.mkdir(parents=True, exist_ok=True)
        heard.save(path)
    return heard


def head_task(history: History, stop: StopSignal, report: Report, epochs: int, held_out: str) -> list[np.ndarray]:
    """The page's training, for a worker process: a new head on every speaker but `held_out`, validated on that voice."""
    clips = load_clips()
    split = split_speakers(clips.speakers, [held_out])
    setup = HeadSetup(epochs=epochs)
    training = heard_training_kept(clips.of_speakers(split.training), setup, report=report, stop=stop)
    validation = clean_utterances(clips.of_speakers(split.validation), setup.validation_sequences).arrays()
    head = build_head(steps=epochs * setup.steps_per_epoch)
    report(0.0, "Epoch 1: the first batch (it also prepares the network, a few seconds)…")
    train_head(head, training, validation, setup, hooks=TrainingHooks.reporting(history, stop, report, epochs))
    return head.get_weights()
