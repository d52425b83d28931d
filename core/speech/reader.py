"""Reading spoken digits with a conv + bidirectional GRU + CTC model (after the Keras example `ctc_asr`).

The reader hears sequences of 1–5 digits (`sound_features`: 40 mel bands every 16 ms), and learns
from utterances joined on the fly from single-digit clips (`utterances`). The outputs are the ten
digits and the CTC blank (11 classes), not the letters of their names as in the Keras example: with
ten words to learn, one class per word gives CTC one label per spoken word to place, where spelling
"seven" would ask the network to learn English spelling from ten examples and to fit five letters
into one short word.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.ctc import algorithm as ctc
from core.shared.predicting import predict_on_batch, trace_predict_step
from core.shared.training import History, Report, StopSignal, TrainingHooks
from core.speech.audio import RATE, Audio, AudioProblem, background_level, pad_with_quiet_noise, pause, trim_silence
from core.speech.sound_features import N_MELS, features
from core.speech.utterances import (
    DIGITS,
    MAX_DIGITS,
    NUM_CLASSES,
    Augmentation,
    Clips,
    Voices,
    batch_arrays,
    batches,
    bucket_length,
    fixed_utterances,
    load_clips,
    split_speakers,
)

PAUSE_S = 0.15  # the pause put around a recording before it is read


# ---------------------------------------------------------------- the model


def build_model(seed: int = 0, units: int = 128, steps: int | None = None):
    """Spectrogram → two strided convolutions → two bidirectional GRUs → softmax over 11 classes every 64 ms; CTC loss.

    With `steps` (the training's batches), the learning rate falls from 1e-3 to 0 along a cosine over them.
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    spectrogram = keras.Input(shape=(None, N_MELS), name="spectrogram")
    x = layers.Reshape((-1, N_MELS, 1), name="as_image")(spectrogram)
    x = layers.Conv2D(32, (5, 5), strides=(2, 2), padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(name="conv_1_bn")(x)
    x = layers.ReLU(name="conv_1_relu")(x)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), padding="same", use_bias=False, name="conv_2")(x)
    x = layers.BatchNormalization(name="conv_2_bn")(x)
    x = layers.ReLU(name="conv_2_relu")(x)
    # (steps, 10 bands, 32 maps) → one vector of 320 per step.
    x = layers.Reshape((-1, (N_MELS // 4) * 32), name="frames")(x)
    model = keras.Model(spectrogram, recurrent_ctc_top(x, units), name="spoken_digits")
    compile_for_ctc(model, 1e-3, steps)
    return model


def recurrent_ctc_top(x, units: int):
    """Two bidirectional GRUs, each followed by dropout, then a softmax over the 11 classes every step: the part of
    both readers (this one and the pretrained ear's head) that reads the frames both ways and that CTC trains."""
    from keras import layers

    x = layers.Bidirectional(layers.GRU(units, return_sequences=True), name="bigru_1")(x)
    x = layers.Dropout(0.3, name="dropout_1")(x)
    x = layers.Bidirectional(layers.GRU(units, return_sequences=True), name="bigru_2")(x)
    x = layers.Dropout(0.3, name="dropout_2")(x)
    return layers.Dense(NUM_CLASSES, activation="softmax", name="digits")(x)


def compile_for_ctc(model, learning_rate: float, steps: int | None) -> None:
    """Adam on CTC's loss; with `steps` (the training's batches), the rate falls to 0 along a cosine over them."""
    import keras

    rate = keras.optimizers.schedules.CosineDecay(learning_rate, steps) if steps else learning_rate
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate), loss=ctc.ctc_loss)


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Reading:
    """What the reader made of one recording."""

    features: np.ndarray  # (frames, 40)
    probabilities: np.ndarray  # (steps, 11)
    text: str  # best path, collapsed


def prepare(audio: Audio) -> Audio:
    """A recording as the reader expects it: silence trimmed, then a pause of its own background on each side.

    Training utterances always have pauses around their digits; FSDD's clips, and a recording cut
    short, start and end on the speech. Read as they are, single clips by voices the shipped reader
    trained on read 0.84; with the pauses, 0.99 (nicolas's 500 clips: 0.74 and 0.99).

    Raises:
        AudioProblem: if the recording is silent.
    """
    trimmed = trim_silence(audio)
    level = background_level(trimmed.samples)
    rng = np.random.default_rng(0)  # the same pauses every time: a reading never changes
    samples = np.concatenate([pause(PAUSE_S, level, rng), trimmed.samples, pause(PAUSE_S, level, rng)])
    return Audio(samples.astype(np.float32), trimmed.rate, trimmed.notes)


def padded(samples: np.ndarray) -> np.ndarray:
    """A recording as the reader hears it: padded with quiet to whole `utterances.BUCKET_S` seconds, as training batches are.

    The quiet is the recording's own noise level, drawn with a fixed seed, so a reading never changes.
    """
    return pad_with_quiet_noise(samples, bucket_length(len(samples)), np.random.default_rng(0))


def read(model, samples: np.ndarray) -> Reading:
    """Features, per-step probabilities and the greedy reading of one recording at 8 kHz."""
    x = features(padded(samples))
    probabilities = predict_on_batch(model, x[np.newaxis])[0]
    return Reading(x, probabilities, greedy_text(probabilities))


def warm_up(model) -> None:
    """Trace the compiled predict step once, for every length and batch size, before sessions share the model."""
    trace_predict_step(model)


def greedy_text(probabilities: np.ndarray) -> str:
    """Best path: the likeliest class at each step, repeats merged, blanks dropped."""
    return DIGITS.decode(ctc.collapse(probabilities.argmax(axis=1)))


def read_many(model, recordings: Sequence[np.ndarray], batch_size: int = 32) -> list[str]:
    """Greedy readings of many recordings, as `read` reads each (batched by padded length)."""
    inputs = [features(padded(recording)) for recording in recordings]
    texts: list[str] = [""] * len(recordings)
    for frames in sorted({len(x) for x in inputs}):
        same = [i for i, x in enumerate(inputs) if len(x) == frames]
        for start in range(0, len(same), batch_size):
            chunk = same[start : start + batch_size]
            probabilities = predict_on_batch(model, np.stack([inputs[i] for i in chunk]))
            for i, p in zip(chunk, probabilities, strict=True):
                texts[i] = greedy_text(p)
    return texts


# ---------------------------------------------------------------- scores


@dataclass(frozen=True)
class Scores:
    digit_accuracy: float  # single clips read as exactly their digit
    sequence_exact: float  # joined sequences read exactly
    der: float  # digit error rate over the sequences: edit distance ÷ true digits
    n: int  # clips + sequences
    singles: int = 0  # how many of each the rates are over, for `combined`
    sequences: int = 0
    digits: int = 0

    @staticmethod
    def combined(parts: Sequence[Scores]) -> Scores:
        """The scores of all the parts' clips and sequences together (each rate weighted by what it counts)."""

        def mean(rate: str, weight: str) -> float:
            total = sum(getattr(part, weight) for part in parts)
            return sum(getattr(part, rate) * getattr(part, weight) for part in parts) / total if total else math.nan

        return Scores(
            mean("digit_accuracy", "singles"),
            mean("sequence_exact", "sequences"),
            mean("der", "digits"),
            sum(part.n for part in parts),
            sum(part.singles for part in parts),
            sum(part.sequences for part in parts),
            sum(part.digits for part in parts),
        )

    def figures(self) -> dict:
        return {
            "digit_accuracy": round(self.digit_accuracy, 4),
            "sequence_exact": round(self.sequence_exact, 4),
            "der": round(self.der, 4),
            "n": self.n,
        }

    def line(self) -> str:
        return (
            f"digit_accuracy={self.digit_accuracy:.4f} sequence_exact={self.sequence_exact:.4f} "
            f"der={self.der:.4f} n={self.n}"
        )


EVALUATION_SEED = 2024
EVALUATION_SEQUENCES = 300


def evaluate(
    model,
    clips: Clips,
    sequences: int = EVALUATION_SEQUENCES,
    seed: int = EVALUATION_SEED,
    read_texts: Callable[[object, Sequence[np.ndarray]], list[str]] = read_many,
) -> Scores:
    """Single clips (silence trimmed, as a recording is) and joined sequences of 2–5 of them, fixed seed.

    `read_texts(model, recordings)` reads them: this reader's `read_many`, or the pretrained ear's
    (`core.speech.ear_reader.read_many`), so both readers are scored on the same clips and sequences.
    """
    singles = [_trimmed(sound) for sound in clips.sounds]
    single_texts = read_texts(model, singles)
    accuracy = float(np.mean([t == str(d) for t, d in zip(single_texts, clips.digits, strict=True)]))
    joined = fixed_utterances(clips, sequences, seed, 2, MAX_DIGITS)
    texts = read_texts(model, [u.samples for u in joined])
    truths = ["".join(map(str, u.digits)) for u in joined]
    exact = float(np.mean([t == truth for t, truth in zip(texts, truths, strict=True)])) if joined else float("nan")
    errors = sum(ctc.edit_distance(t, truth) for t, truth in zip(texts, truths, strict=True))
    digits = sum(len(truth) for truth in truths)
    der = errors / digits if joined else float("nan")
    return Scores(accuracy, exact, der, len(singles) + len(joined), len(singles), len(joined), digits)


def _trimmed(sound: np.ndarray) -> np.ndarray:
    try:
        return prepare(Audio(sound, RATE)).samples
    except AudioProblem:
        return sound


# ---------------------------------------------------------------- training


@dataclass
class TrainingSetup:
    """One place for how the reader is trained: the page, the command and the benchmark share it."""

    epochs: int = 20
    steps_per_epoch: int = 100
    batch_size: int = 32
    validation_sequences: int = 100
    augmentation: Augmentation = field(default_factory=Augmentation)
    # Utterances said by a synthetic voice (`core.speech.synthetic_voices`), when the training is given them.
    synthetic_share: float = 0.5


def validation_arrays(clips: Clips, count: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Clean joined sequences of 1–5 digits (fixed seed), as one padded batch for `fit`."""
    return batch_arrays(fixed_utterances(clips, count, seed, 1, MAX_DIGITS))


def train(
    model,
    clips: Clips,
    validation: tuple[np.ndarray, np.ndarray] | None,
    setup: TrainingSetup,
    seed: int = 0,
    hooks: TrainingHooks | None = None,
    synthetic: Clips | None = None,
) -> History:
    """Fit on fresh utterances of `clips`' speakers (and `synthetic` voices'), `setup.steps_per_epoch` batches an epoch."""
    from core.shared.fitting import fit

    voices = Voices(clips, synthetic, setup.synthetic_share if synthetic is not None else 0.0)
    training = batches(voices, setup.steps_per_epoch, setup.batch_size, seed, setup.augmentation)
    return fit(
        model,
        training,
        validation,
        setup.epochs,
        hooks=hooks,
    )


def train_task(history: History, stop: StopSignal, report: Report, epochs: int, held_out: str) -> list[np.ndarray]:
    """The page's training, for a worker process: a new reader on every speaker but `held_out`, validated on that voice."""
    report(0.0, "Reading the recordings…")
    clips = load_clips()
    split = split_speakers(clips.speakers, [held_out])
    setup = TrainingSetup(epochs=epochs)
    model = build_model(steps=epochs * setup.steps_per_epoch)
    validation = validation_arrays(clips.of_speakers(split.validation), setup.validation_sequences)
    report(0.0, "Epoch 1: the first batch (it also prepares the network, a few seconds)…")
    train(
        model,
        clips.of_speakers(split.training),
        validation,
        setup,
        hooks=TrainingHooks.reporting(history, stop, report, epochs),
    )
    return model.get_weights()
