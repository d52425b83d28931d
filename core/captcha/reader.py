"""Reading captchas with a CNN + BiLSTM + CTC model (the Keras example "OCR model for reading Captchas").

The network sees a 50 × 200 greyscale image transposed to 200 × 50, so that the image's width
is the time axis; after two 2 × 2 poolings there are 50 time steps. At each step it outputs
probabilities over 20 classes: the CTC blank (index 0, Keras's `mask_index`) and the 19
characters (1…19). CTC turns those 50 frames into text: take a path, merge repeats, drop blanks.

Example:
    >>> CHARACTERS.encode("226md")
    [1, 1, 5, 14, 10]
    >>> CHARACTERS.decode([1, 1, 5, 14, 10])
    '226md'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.ctc import algorithm as ctc
from core.shared.predicting import predict_on_batch
from core.shared.training import History, Report, StopSignal, TrainingHooks

ALPHABET = "2345678bcdefgmnpwxy"  # the 19 characters of captcha_images_v2, sorted
BLANK = ctc.BLANK  # CTC blank, Keras's mask_index
NUM_CLASSES = len(ALPHABET) + 1  # 20: the blank and the characters
IMAGE_HEIGHT, IMAGE_WIDTH = 50, 200
LABEL_LENGTH = 5
TIME_STEPS = IMAGE_WIDTH // 4  # two 2 × 2 poolings
CHARACTERS = ctc.Alphabet(ALPHABET)  # text ↔ classes, as the CTC page and the speech reader write them


def preprocess(image: Image.Image) -> np.ndarray:
    """Any picture → the network's input: (200, 50, 1) float32 in [0, 1], width first.

    1. Decode as greyscale. 2. Scale to [0, 1]. 3. Resize to 50 × 200.
    4. Transpose so that the width is the time axis.
    """
    grey = image.convert("L")  # 1.
    resized = grey.resize((IMAGE_WIDTH, IMAGE_HEIGHT), Image.Resampling.BILINEAR)  # 3. (PIL takes width, height)
    values = np.asarray(resized, dtype=np.float32) / 255.0  # 2.
    return values.T[..., np.newaxis]  # 4. (50, 200) → (200, 50, 1)


def build_model(seed: int = 0):
    """The material's CRNN: two conv blocks, Dense(64) + Dropout, two BiLSTMs, softmax over 20 classes.

    Compiled with Adam and the CTC loss; 432,596 parameters.
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    image = keras.Input(shape=(IMAGE_WIDTH, IMAGE_HEIGHT, 1), name="image")
    x = layers.Conv2D(32, (3, 3), activation="relu", kernel_initializer="he_normal", padding="same", name="Conv1")(
        image
    )
    x = layers.MaxPooling2D((2, 2), name="pool1")(x)
    x = layers.Conv2D(64, (3, 3), activation="relu", kernel_initializer="he_normal", padding="same", name="Conv2")(x)
    x = layers.MaxPooling2D((2, 2), name="pool2")(x)
    # Two poolings made the maps 4 times smaller: (50, 12, 64); each of the 50 columns becomes one time step.
    x = layers.Reshape((IMAGE_WIDTH // 4, (IMAGE_HEIGHT // 4) * 64), name="reshape")(x)
    x = layers.Dense(64, activation="relu", name="dense1")(x)
    # Named like the Keras example's summary, so the page's table reads the same whatever was built before.
    x = layers.Dropout(0.2, name="dropout")(x)
    x = layers.Bidirectional(layers.LSTM(128, return_sequences=True, dropout=0.25), name="bidirectional")(x)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True, dropout=0.25), name="bidirectional_1")(x)
    output = layers.Dense(NUM_CLASSES, activation="softmax", name="dense2")(x)
    model = keras.Model(image, output, name="ocr_model_v1")
    model.compile(optimizer=keras.optimizers.Adam(), loss=ctc.ctc_loss)
    return model


@dataclass(frozen=True)
class Decoded:
    """A decoded text and the natural log of its probability.

    Greedy: the probability of the single best path (Keras reports its negative).
    Beam search: the probability of the text, summed over the paths the beam kept.
    """

    text: str
    log_probability: float


def ctc_decode(
    probabilities: np.ndarray, strategy: str = "greedy", beam_width: int = 10, top_paths: int = 1
) -> list[Decoded]:
    """Decode one sample's (time, classes) probabilities with `keras.ops.ctc_decode`.

    Returns:
        `top_paths` readings, best first (greedy gives one).
    """
    from keras import ops

    log_probabilities = np.log(np.clip(probabilities, 1e-12, 1.0))[np.newaxis].astype(np.float32)
    lengths = np.array([probabilities.shape[0]], dtype=np.int32)
    if strategy == "greedy":
        decoded, scores = ops.ctc_decode(log_probabilities, lengths, strategy="greedy", mask_index=BLANK)
    else:
        decoded, scores = ops.ctc_decode(
            log_probabilities,
            lengths,
            strategy="beam_search",
            beam_width=beam_width,
            top_paths=top_paths,
            mask_index=BLANK,
        )
    decoded, scores = np.asarray(decoded), np.asarray(scores)
    # One convention for both: Keras's greedy score is minus the path's log-probability.
    log_probabilities = -scores if strategy == "greedy" else scores
    return [
        Decoded(CHARACTERS.decode(decoded[path, 0]), float(log_probabilities[0, path]))
        for path in range(decoded.shape[0])
    ]


def character_error_rate(truth: list[str], predicted: list[str]) -> float:
    """Edit distance summed over all pairs, divided by the number of true characters."""
    errors = sum(ctc.edit_distance(a, b) for a, b in zip(truth, predicted, strict=True))
    return errors / max(sum(len(t) for t in truth), 1)


@dataclass(frozen=True)
class CaptchaData:
    """Preprocessed captchas split into training and validation parts."""

    x_train: np.ndarray  # (n, 200, 50, 1) float32
    y_train: np.ndarray  # (n, 5) int32, classes 1…19
    x_valid: np.ndarray
    y_valid: np.ndarray
    valid_labels: tuple[str, ...]  # the validation captchas' texts, for reporting
    skipped: tuple[str, ...]  # files left out: label outside the alphabet, wrong length or unreadable


VALIDATION_FRACTION = 0.1  # of the captchas, never trained on (the Keras example's split)


def load_split(paths, labels, validation_fraction: float = VALIDATION_FRACTION, seed: int = 42) -> CaptchaData:
    """Read, preprocess and split the captchas (seeded shuffle, as the Keras example's `split_data`)."""
    images, encoded, texts, skipped = [], [], [], []
    for path, label in zip(paths, labels, strict=True):
        if len(label) != LABEL_LENGTH or set(label) - set(ALPHABET):
            skipped.append(f"{path.name}: label {label!r} is not {LABEL_LENGTH} characters of {ALPHABET}")
            continue
        try:
            with Image.open(path) as image:
                images.append(preprocess(image))
        except OSError as error:
            skipped.append(f"{path.name}: {error}")
            continue
        encoded.append(np.array(CHARACTERS.encode(label), np.int32))
        texts.append(label)
    if not images:
        raise ValueError("No usable captcha: " + "; ".join(skipped[:3]))
    order = np.random.default_rng(seed).permutation(len(images))
    valid_count = int(round(len(images) * validation_fraction))
    valid, train = order[:valid_count], order[valid_count:]
    x, y = np.stack(images), np.stack(encoded)
    return CaptchaData(x[train], y[train], x[valid], y[valid], tuple(texts[i] for i in valid), tuple(skipped))


def predict_probabilities(model, images: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """(N, 50, 20) per-step class probabilities for preprocessed images (N, 200, 50, 1).

    Uses Keras's compiled predict step: called eagerly, the two BiLSTMs step through their 50
    time steps in Python and one captcha takes about 650 ms here instead of 10 ms. The step is
    traced once for any batch size (the last, shorter batch traces nothing more). Warm the model
    up once (as the page does when it loads it) before threads share it.
    """
    outputs = [
        predict_on_batch(model, images[start : start + batch_size]) for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs) if outputs else np.zeros((0, TIME_STEPS, NUM_CLASSES), dtype=np.float32)


def read_texts(probabilities: np.ndarray) -> list[str]:
    """Greedy readings of a batch of probabilities (the fast path used for evaluation)."""
    return [ctc.best_path_steps(p, CHARACTERS).text for p in probabilities]


def train(
    model,
    data: CaptchaData,
    epochs: int = 100,
    batch_size: int = 16,
    patience: int = 10,
    hooks: TrainingHooks | None = None,
) -> History:
    """Fit with early stopping on the validation loss (best weights restored), as the Keras example does."""
    from core.shared.fitting import EarlyStop, fit

    return fit(
        model,
        (data.x_train, data.y_train),
        (data.x_valid, data.y_valid),
        epochs,
        batch_size=batch_size,
        hooks=hooks,
        early_stop=EarlyStop("val_loss", patience),
    )


def train_task(history: History, stop: StopSignal, report: Report, epochs: int, patience: int) -> list[np.ndarray]:
    """The page's training, for a worker process: a new reader on the captcha folder's training split."""
    from core.shared.datasets import load_captcha_files

    files = load_captcha_files()
    data = load_split(files.paths, files.labels)
    model = build_model()

    train(model, data, epochs=epochs, patience=patience, hooks=TrainingHooks.reporting(history, stop, report, epochs))
    return model.get_weights()
