"""The pretrained ear: Google's speech_embedding model, rebuilt as Keras layers with its published weights.

Google trained this small CNN to turn speech into 96 numbers that tell words apart, on far more
voices than any data set this project has (published on TensorFlow Hub as `google/speech_embedding`,
Apache-2.0). Its two parts reach the project as the ONNX files shipped in the `openwakeword` 0.5.1
wheel (`python -m devtools.fetch_ear`), and run here as one Keras model:

1. A log-mel front end: 16 kHz sound → a 512-sample window every 160 samples (10 ms) → power
   spectrum → 32 mel bands → decibels, floored 80 dB under the loudest, then `x / 10 + 2`
   (openwakeword's scaling, which the embedding model was used with).
2. The embedding CNN: 76 frames (775 ms) of bands → one 96-number embedding. It has no padding
   along time and pools time by 8, so run over a whole recording at once it gives the embedding of
   every 76-frame window that starts on a multiple of 8 frames: one every 80 ms, as openwakeword's
   sliding windows do, without computing the overlaps ten times.

The ear is frozen: the class trains only what reads its embeddings (`core.speech.ear_reader`).

Example:
    >>> hearing = hear(np.zeros(16_000, np.float32))   # one second of silence at 16 kHz
    >>> hearing.bands.shape, hearing.embeddings.shape
    ((97, 32), (3, 96))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from core.shared.assets import MODELS

FOLDER = MODELS / "ear"
FRONT_END_ONNX = FOLDER / "melspectrogram.onnx"  # Google's, as openwakeword 0.5.1 ships it (the tests' reference)
EMBEDDING_ONNX = FOLDER / "embedding_model.onnx"
WEIGHTS = FOLDER / "speech_embedding.npz"  # the same weights laid out for the Keras layers below

RATE = 16_000
WINDOW_SAMPLES = 512
HOP_SAMPLES = 160  # 10 ms
BANDS = 32
RANGE_DB = 80.0
WINDOW_FRAMES = 76  # the frames one embedding hears: 775 ms
STEP_FRAMES = 8  # one embedding every 80 ms
EMBEDDING = 96
CONVOLUTIONS = 20
FULL_SCALE = 32_768.0  # the model was fed 16-bit samples as numbers, not as fractions of full scale

# The embedding CNN, layer by layer: (kernel along time, along bands, maps out); "pool" halves (time, bands).
_LAYOUT: tuple[tuple[int, int, int] | tuple[str, int, int], ...] = (
    (3, 3, 24), (1, 3, 24), (3, 1, 24), ("pool", 2, 2),
    (1, 3, 48), (3, 1, 48), (1, 3, 48), (3, 1, 48), ("pool", 1, 2),
    (1, 3, 72), (3, 1, 72), (1, 3, 72), (3, 1, 72), ("pool", 2, 2),
    (1, 3, 96), (3, 1, 96), (1, 3, 96), (3, 1, 96), ("pool", 1, 2),
    (1, 3, 96), (3, 1, 96), (1, 3, 96), (3, 1, 96), ("pool", 2, 2),
    (3, 1, 96),
)  # fmt: skip


@dataclass(frozen=True)
class Hearing:
    """What the ear makes of a recording."""

    bands: np.ndarray  # (frames, 32): log-mel energies every 10 ms, as the embedding model takes them
    embeddings: np.ndarray  # (steps, 96): one every 80 ms, each hearing the 775 ms that start there


def steps_for(samples: int) -> int:
    """How many embeddings the ear gives for `samples` at 16 kHz (0 when shorter than one window)."""
    frames = frames_for(samples)
    return max(0, (frames - WINDOW_FRAMES) // STEP_FRAMES + 1)


def frames_for(samples: int) -> int:
    return max(0, (samples - WINDOW_SAMPLES) // HOP_SAMPLES + 1)


MIN_SAMPLES = WINDOW_SAMPLES + (WINDOW_FRAMES - 1) * HOP_SAMPLES  # the shortest sound that gives an embedding


def build_ear():
    """The ear as a Keras model: (batch, samples) at 16 kHz in [-1, 1] → bands (batch, frames, 32) and
    embeddings (batch, steps, 96), with Google's weights (`WEIGHTS`); nothing in it trains."""
    import keras
    from keras import layers

    log_mel, clamped_leaky_relu = _layers()
    sound = keras.Input(shape=(None,), name="sound")
    bands = log_mel(name="log_mel")(sound)
    x = layers.Reshape((-1, BANDS, 1), name="as_image")(bands)
    convolution = 0
    for index, (first, second, third) in enumerate(_LAYOUT):
        if first == "pool":
            x = layers.MaxPooling2D((second, third), name=f"pool_{index}")(x)
            continue
        if second == 3:  # along the bands the CNN pads ("same"); along time it never does
            x = layers.ZeroPadding2D(((0, 0), (1, 1)), name=f"pad_{convolution}")(x)
        last = convolution == CONVOLUTIONS - 1
        x = layers.Conv2D(third, (first, second), use_bias=not last, name=f"conv_{convolution}")(x)
        if not last:
            x = clamped_leaky_relu(name=f"act_{convolution}")(x)
        convolution += 1
    embeddings = layers.Reshape((-1, EMBEDDING), name="embeddings")(x)
    model = keras.Model(sound, [bands, embeddings], name="speech_embedding")
    load_weights(model)
    model.trainable = False
    return model


def load_weights(model) -> None:
    """Set every layer's weights from `WEIGHTS` (named "layer/weight")."""
    with np.load(WEIGHTS) as arrays:
        for layer in model.layers:
            names = [f"{layer.name}/{w.path.split('/')[-1]}" for w in layer.weights]
            if names:
                layer.set_weights([arrays[name] for name in names])


@cache
def digest() -> str:
    """A short sha256 of the ear's weights: what was heard with other weights is never taken for this ear's."""
    import hashlib

    return hashlib.sha256(WEIGHTS.read_bytes()).hexdigest()[:12]


@cache
def ear():
    """The ear, built once per process and shared (it never changes)."""
    return build_ear()


def hear(samples: np.ndarray) -> Hearing:
    """Bands and embeddings of one recording at 16 kHz (padded with silence to one window if shorter).

    Raises:
        ValueError: if the samples are not one-dimensional.
    """
    if samples.ndim != 1:
        raise ValueError(f"hear() takes one recording as a 1-D array of samples; got the shape {samples.shape}")
    if len(samples) < MIN_SAMPLES:
        samples = np.pad(samples, (0, MIN_SAMPLES - len(samples)))
    bands, embeddings = hear_batch(samples[np.newaxis].astype(np.float32))
    return Hearing(bands[0], embeddings[0])


def hear_batch(sounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bands and embeddings of a batch of recordings of one length, (batch, samples) at 16 kHz."""
    from core.shared.predicting import predict_outputs

    bands, embeddings = predict_outputs(ear(), sounds)
    return bands, embeddings


@cache
def _layers():
    """The two layers the ear adds to Keras's own (made on first use: importing this module never imports Keras).

    The ear is built from code and `WEIGHTS`, never saved, so they need no registering with Keras.
    """
    from keras import layers, ops

    class LogMel(layers.Layer):
        """16 kHz sound in [-1, 1] → (frames, 32) log-mel energies, as Google's front end computes them.

        The STFT is a strided convolution with the DFT's real and imaginary rows (Hann-windowed, in the
        published weights); the floor is 80 dB under each recording's loudest band and frame (the ONNX
        graph takes the loudest of the whole batch: the same for one recording).
        """

        def build(self, input_shape) -> None:
            self.dft = self.add_weight(
                name="dft", shape=(WINDOW_SAMPLES, 1, 2 * (WINDOW_SAMPLES // 2 + 1)), trainable=False
            )
            self.mel = self.add_weight(name="mel", shape=(WINDOW_SAMPLES // 2 + 1, BANDS), trainable=False)

        def call(self, sound):
            x = ops.expand_dims(sound * FULL_SCALE, -1)  # (batch, samples, 1)
            spectrum = ops.conv(x, self.dft, strides=HOP_SAMPLES, padding="valid")  # (batch, frames, 514)
            real, imaginary = ops.split(spectrum, 2, axis=-1)
            power = ops.matmul(real**2 + imaginary**2, self.mel)  # (batch, frames, 32)
            decibels = 10.0 * ops.log(ops.maximum(power, 1e-10)) / np.log(10.0)
            loudest = ops.max(decibels, axis=(1, 2), keepdims=True)
            return ops.maximum(decibels, loudest - RANGE_DB) / 10.0 + 2.0

        def compute_output_shape(self, input_shape):
            frames = None if input_shape[1] is None else frames_for(input_shape[1])
            return (input_shape[0], frames, BANDS)

    class ClampedLeakyReLU(layers.Layer):
        """LeakyReLU (slope 0.2) never below −0.4: what each of Google's convolutions is followed by."""

        def call(self, x):
            return ops.maximum(ops.leaky_relu(x, negative_slope=0.2), -0.4)

    return LogMel, ClampedLeakyReLU
