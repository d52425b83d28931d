"""The Spoken digits page's take-home notebook: the reader's model, trained on FSDD with one voice left out, reading
a WAV file. The page's training varies every sentence (speed, noise, room, masks); the notebook joins clean clips,
so that each step fits in a cell, and says so."""

from __future__ import annotations

from core.ctc.notebook import CTC_LOSS_CODE
from core.shared.datasets import FSDD_ARCHIVE
from core.shared.notebook import Notebook, code, curves_code, words
from core.speech.audio import RATE
from core.speech.sound_features import HOP, LOG_FLOOR, N_FFT, N_MELS

QUICK_CLIPS = 200  # the tests' quick switch: this many recordings from the offline copy, one short epoch

DATA_CODE = f"""
folder = pathlib.Path(keras.utils.get_file(origin={FSDD_ARCHIVE.sources[0].url!r}, extract=True))
paths = sorted(folder.rglob("recordings/*.wav"))
"""
# The tests run the notebook offline, on the app's copy of the recordings (FSDD_DIR).
QUICK_DATA_CODE = f"""
import os

paths = sorted(pathlib.Path(os.environ["FSDD_DIR"]).rglob("*.wav"))[::10][:{QUICK_CLIPS}]
"""


def speech_notebook(epochs: int, held_out: str, quick: bool = False) -> Notebook:
    """The page's reader, trained for `epochs` without the voice `held_out`; `quick` is the tests' switch."""
    settings = {"voice left out": held_out, "epochs": epochs}
    cells = [
        words(
            """
            ## 1. The recordings (slide *Automatic Speech Recognition using CTC*)
            The Free Spoken Digit Dataset: speakers saying 0 to 9, 8 kHz WAV files named
            `<digit>_<speaker>_<take>.wav`. One voice is left out, to hear how the reader does on a voice it never
            heard, as a class's voices will be.
            """
        ),
        code(
            f"""
            import pathlib
            import wave

            import keras
            import matplotlib.pyplot as plt
            import numpy as np
            from keras import layers, ops

            RATE, N_FFT, HOP, N_MELS = {RATE}, {N_FFT}, {HOP}, {N_MELS}
            EPOCHS, HELD_OUT = {1 if quick else epochs}, {held_out!r}
            STEPS_PER_EPOCH = {4 if quick else 200}
            """
        ),
        code(QUICK_DATA_CODE if quick else DATA_CODE),
        code(
            """
            def read_wav(path):
                with wave.open(str(path)) as file:
                    samples = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2")
                return samples.astype("float32") / 32768


            clips = [(read_wav(path), int(path.stem.split("_")[0]), path.stem.split("_")[1]) for path in paths]
            speakers = sorted({speaker for _, _, speaker in clips})
            print(len(clips), "recordings of", speakers)
            """
        ),
        words(
            f"""
            ## 2. What the reader hears: log mel energies, {N_MELS} bands every {HOP * 1000 // RATE} ms
            A window of {N_FFT} samples every {HOP} (a spectrogram), pooled into {N_MELS} bands spaced as the ear
            spaces pitch, as logarithms, then normalised per recording so that loudness and microphone matter less.
            """
        ),
        code(
            f"""
            def mel_filters():
                to_mel = lambda hz: 2595 * np.log10(1 + hz / 700)
                to_hz = lambda mel: 700 * (10 ** (mel / 2595) - 1)
                edges = to_hz(np.linspace(to_mel(20.0), to_mel(RATE / 2), N_MELS + 2))
                bins = np.linspace(0, RATE / 2, N_FFT // 2 + 1)[:, None]
                rising = (bins - edges[:-2]) / (edges[1:-1] - edges[:-2])
                falling = (edges[2:] - bins) / (edges[2:] - edges[1:-1])
                return np.maximum(0, np.minimum(rising, falling))


            FILTERS = mel_filters()


            def features(samples):
                samples = np.pad(samples, (0, max(0, N_FFT - len(samples))))
                starts = np.arange(0, len(samples) - N_FFT + 1, HOP)
                frames = samples[starts[:, None] + np.arange(N_FFT)] * np.hanning(N_FFT)
                mel = (np.abs(np.fft.rfft(frames, axis=1)) ** 2) @ FILTERS
                logs = np.log(np.maximum(mel, {LOG_FLOOR!r} * mel.max() + 1e-10))
                centred = logs - logs.mean(axis=0)
                return (centred / (centred.std() + 1e-5)).astype("float32")


            plt.imshow(features(clips[0][0]).T, origin="lower", aspect="auto", cmap="magma")
            plt.title(f"the digit {{clips[0][1]}}: {{N_MELS}} mel bands over time")
            plt.show()
            """
        ),
        words(
            """
            ## 3. Sentences to train on
            A training sentence joins one to five clips of one speaker with short pauses; its label is only the
            digits, with no times: CTC finds where each lies. (The page's training also varies each sentence:
            speed, noise, a room's echo, masked bands; here they stay clean.)
            """
        ),
        code(
            """
            rng = np.random.default_rng(0)


            def sentence(pool):
                chosen = rng.choice(len(pool), rng.integers(1, 6))
                parts = []
                for index in chosen:
                    parts += [pool[index][0], np.zeros(int(rng.uniform(0.05, 0.3) * RATE), "float32")]
                return features(np.concatenate(parts)), [pool[index][1] + 1 for index in chosen]  # 0 is the blank


            def batch(pool, size=16):
                made = [sentence(pool) for _ in range(size)]
                frames = max(len(f) for f, _ in made)
                x = np.stack([np.pad(f, ((0, frames - len(f)), (0, 0))) for f, _ in made])
                y = np.stack([np.pad(label, (0, 5 - len(label))) for _, label in made])
                return x, y


            heard = [clip for clip in clips if clip[2] != HELD_OUT]
            unheard = [clip for clip in clips if clip[2] == HELD_OUT] or heard
            x_valid, y_valid = batch(unheard, 64)
            print("a batch of sentences:", x_valid.shape, " labels:", y_valid.shape)
            """
        ),
        words(
            """
            ## 4. The reader
            Two strided convolutions turn the 40 bands into 320 numbers every 64 ms; two bidirectional GRUs read
            them both ways; every 64 ms a probability for the blank and each digit.
            """
        ),
        code(
            CTC_LOSS_CODE,
            """
            keras.utils.set_random_seed(0)
            spectrogram = keras.Input(shape=(None, N_MELS))
            h = layers.Reshape((-1, N_MELS, 1))(spectrogram)
            for size in (5, 3):
                h = layers.Conv2D(32, size, strides=2, padding="same", use_bias=False)(h)
                h = layers.ReLU()(layers.BatchNormalization()(h))
            h = layers.Reshape((-1, (N_MELS // 4) * 32))(h)
            for _ in range(2):
                h = layers.Dropout(0.3)(layers.Bidirectional(layers.GRU(128, return_sequences=True))(h))
            model = keras.Model(spectrogram, layers.Dense(11, activation="softmax")(h))
            schedule = keras.optimizers.schedules.CosineDecay(1e-3, EPOCHS * STEPS_PER_EPOCH)
            model.compile(optimizer=keras.optimizers.Adam(schedule), loss=ctc_loss)
            print(f"parameters: {model.count_params():,}")
            """,
        ),
        words("## 5. Training, checked on the voice left out"),
        code(
            """
            def sentences():
                while True:
                    yield batch(heard)


            history = model.fit(
                sentences(), steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS, validation_data=(x_valid, y_valid), verbose=2
            )
            """,
            curves_code("loss", 'f"{HELD_OUT}, never heard"'),
        ),
        words(
            """
            ## 6. Reading a WAV file
            Any 8 kHz 16-bit mono WAV: here a recording of the voice left out. The best path: the likeliest class
            every 64 ms, repeats merged, blanks dropped.
            """
        ),
        code(
            """
            def read_digits(samples):
                probs = model.predict(features(samples)[None], verbose=0)
                decoded, _ = ops.ctc_decode(np.log(probs + 1e-9), np.array([probs.shape[1]]), mask_index=0)
                return "".join(str(c - 1) for c in np.asarray(decoded[0])[0] if c > 0)


            samples, digit, speaker = unheard[0]
            print(f"{speaker} said {digit}; the reader heard {read_digits(samples)!r}")
            model.save("my_digit_reader.keras")
            """
        ),
    ]
    return Notebook("Spoken digits: a speech recogniser with CTC", settings, cells)
