"""The Captcha OCR page's take-home notebook: the CRNN + CTC reader, trained on the same archive the app reads."""

from __future__ import annotations

from core.captcha.reader import ALPHABET, IMAGE_HEIGHT, IMAGE_WIDTH, LABEL_LENGTH
from core.ctc.notebook import CTC_LOSS_CODE
from core.shared.datasets import CAPTCHA_ARCHIVE
from core.shared.notebook import Notebook, code, curves_code, words

QUICK_CAPTCHAS = 120  # the tests' quick switch: this many captchas from the offline copy, one epoch

DATA_CODE = f"""
folder = pathlib.Path(keras.utils.get_file(origin={CAPTCHA_ARCHIVE.sources[0].url!r}, extract=True))
paths = sorted(folder.rglob("*.png"))
"""
# The tests run the notebook offline, on the app's copy of the archive (CAPTCHA_DIR).
QUICK_DATA_CODE = f"""
import os

paths = sorted(pathlib.Path(os.environ["CAPTCHA_DIR"]).glob("*.png"))[:{QUICK_CAPTCHAS}]
"""


def training_code(patience: int) -> str:
    """The notebook's `model.fit`, with early stopping after `patience` epochs, or none when it is 0 (off)."""
    stop = (
        "\n    callbacks=[keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)],"
        if patience
        else ""
    )
    return f"""
history = model.fit(
    x[train], y[train], validation_data=(x[valid], y[valid]), epochs=EPOCHS, batch_size=16, verbose=2,{stop}
)
"""


def captcha_notebook(epochs: int, patience: int, quick: bool = False) -> Notebook:
    """The page's reader and training (`epochs`, early stopping after `patience`); `quick` is the tests' switch."""
    settings = {"epochs": epochs, "early stopping patience": patience or "off"}
    shown_epochs = 1 if quick else epochs
    constants = f"EPOCHS, PATIENCE = {shown_epochs}, {patience}" if patience else f"EPOCHS = {shown_epochs}"
    cells = [
        words(
            f"""
            ## 1. The captchas (slide *OCR model for reading Captchas*)
            {LABEL_LENGTH} characters of `{ALPHABET}` on each picture, its text in its file name. Each picture
            becomes {IMAGE_HEIGHT} × {IMAGE_WIDTH} grey values in 0–1, turned so that the width, read left to
            right, is the time axis.
            """
        ),
        code(
            f"""
            import pathlib

            import keras
            import matplotlib.pyplot as plt
            import numpy as np
            from keras import layers, ops
            from PIL import Image

            ALPHABET, HEIGHT, WIDTH = {ALPHABET!r}, {IMAGE_HEIGHT}, {IMAGE_WIDTH}
            {constants}
            """
        ),
        code(QUICK_DATA_CODE if quick else DATA_CODE),
        code(
            """
            def picture(path):
                grey = Image.open(path).convert("L").resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
                return (np.asarray(grey, dtype="float32") / 255).T[..., np.newaxis]  # (width, height, 1)


            texts = [path.stem for path in paths]
            x = np.stack([picture(path) for path in paths])
            y = np.array([[ALPHABET.index(char) + 1 for char in text] for text in texts])  # 0 is CTC's blank
            order = np.random.default_rng(42).permutation(len(x))
            valid, train = order[: len(x) // 10], order[len(x) // 10 :]
            print("captchas:", x.shape, " labels:", y.shape)
            """
        ),
        words(
            """
            ## 2. The reader: convolutions, then recurrent layers, then CTC (slide *CTC Loss: Keras Custom Layers*)
            Two conv blocks read the picture; each of the 50 columns left after two poolings becomes a time step;
            two bidirectional LSTMs read the columns both ways; each step gives a probability for the blank and
            each character. CTC's loss needs no position for the characters: it sums over every alignment.
            """
        ),
        code(
            CTC_LOSS_CODE,
            """
            keras.utils.set_random_seed(0)
            image = keras.Input(shape=(WIDTH, HEIGHT, 1))
            h = layers.Conv2D(32, 3, activation="relu", kernel_initializer="he_normal", padding="same")(image)
            h = layers.MaxPooling2D(2)(h)
            h = layers.Conv2D(64, 3, activation="relu", kernel_initializer="he_normal", padding="same")(h)
            h = layers.MaxPooling2D(2)(h)
            h = layers.Reshape((WIDTH // 4, (HEIGHT // 4) * 64))(h)
            h = layers.Dropout(0.2)(layers.Dense(64, activation="relu")(h))
            h = layers.Bidirectional(layers.LSTM(128, return_sequences=True, dropout=0.25))(h)
            h = layers.Bidirectional(layers.LSTM(64, return_sequences=True, dropout=0.25))(h)
            model = keras.Model(image, layers.Dense(len(ALPHABET) + 1, activation="softmax")(h))
            model.compile(optimizer="adam", loss=ctc_loss)
            model.summary()
            print(f"parameters: {model.count_params():,}")
            """,
        ),
        words(
            """
            ## 3. Training
            The loss sits on a plateau for the first epochs: the network answers *blank* everywhere until it finds
            where the characters sit.
            """
            + (
                "Early stopping (`PATIENCE`) ends the training when the validation loss has not improved for that "
                "many epochs, and keeps the epoch with the best one."
                if patience
                else "No early stopping: the training runs every epoch, and the model of the last one is kept."
            )
        ),
        code(training_code(patience), curves_code("loss", '"validation"')),
        words(
            """
            ## 4. Reading: from per-step probabilities to text
            Greedy decoding takes the likeliest class at each step, merges repeats and drops the blanks.
            """
        ),
        code(
            """
            probs = model.predict(x[valid], verbose=0)
            steps = np.full(len(probs), probs.shape[1], dtype="int32")
            decoded, _ = ops.ctc_decode(np.log(probs + 1e-9), steps, strategy="greedy", mask_index=0)
            read = ["".join(ALPHABET[c - 1] for c in row if c > 0) for row in np.asarray(decoded[0])]
            truth = [texts[i] for i in valid]
            print(f"exact match on the validation captchas: {np.mean([a == b for a, b in zip(read, truth)]):.1%}")
            for text, reading in list(zip(truth, read))[:5]:
                print(f"{text} → {reading!r}")
            model.save("my_captcha_reader.keras")
            """
        ),
    ]
    return Notebook("Captcha OCR: a CNN + BiLSTM reader trained with CTC", settings, cells)
