"""The sound as the spoken-digit reader hears it: normalised log mel energies, 40 bands every 16 ms at 8 kHz.

At 8 kHz, a 256-sample window every 128 samples (32 ms, every 16 ms) gives a spectrogram, pooled
into 40 mel bands and taken as a logarithm, then normalised per utterance: each band minus its mean
over the utterance, all divided by the utterance's spread. That last step removes most of what
differs between two microphones and two voices' loudness, which matters because a class talks to a
model that has heard five speakers.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from core.speech.audio import RATE

N_FFT = 256  # 32 ms at 8 kHz
HOP = 128  # 16 ms
N_MELS = 40
LOG_FLOOR = 1e-4  # mel energies below the utterance's peak × this are lifted to it (a 40 dB range)
TIME_STRIDE = 4  # the two convolutions each halve the frames: one output every 4 × 16 = 64 ms


@cache
def mel_filterbank(n_fft: int = N_FFT, n_mels: int = N_MELS, rate: int = RATE, warp: float = 1.0) -> np.ndarray:
    """(n_fft // 2 + 1, n_mels) triangular mel filters from 20 Hz to the Nyquist frequency.

    `warp` stretches the frequency axis under the filters (vocal-tract-length perturbation):
    a warp of 1.1 makes a voice sound as if from a 10 % shorter vocal tract.
    """
    nyquist = rate / 2

    def to_mel(hz):
        return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)

    def to_hz(mel):
        return 700.0 * (10 ** (np.asarray(mel) / 2595.0) - 1.0)

    edges = to_hz(np.linspace(to_mel(20.0), to_mel(nyquist), n_mels + 2))
    bins = warp_frequencies(np.linspace(0, nyquist, n_fft // 2 + 1), warp, nyquist)
    lower, centre, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (bins[:, None] - lower) / (centre - lower)
    falling = (upper - bins[:, None]) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)


def warp_frequencies(hz: np.ndarray, warp: float, nyquist: float) -> np.ndarray:
    """Piecewise-linear warp: frequencies scaled by `warp` up to a knee, then bent so that Nyquist stays Nyquist.

    Scaling all the way up would leave the top filters empty (warp < 1) or cut off (warp > 1).
    """
    knee = 0.8 * nyquist * min(1.0, 1.0 / warp)
    above = warp * knee + (nyquist - warp * knee) * (hz - knee) / (nyquist - knee)
    return np.where(hz <= knee, warp * hz, above)


def power_spectrogram(samples: np.ndarray, n_fft: int = N_FFT, hop: int = HOP) -> np.ndarray:
    """(frames, n_fft // 2 + 1) power of a Hann-windowed STFT; a clip shorter than a window is padded."""
    if len(samples) < n_fft:
        samples = np.pad(samples, (0, n_fft - len(samples)))
    count = 1 + (len(samples) - n_fft) // hop
    index = np.arange(n_fft)[None, :] + hop * np.arange(count)[:, None]
    frames = samples[index] * np.hanning(n_fft).astype(np.float32)
    return (np.abs(np.fft.rfft(frames, axis=1)) ** 2).astype(np.float32)


def log_mel(samples: np.ndarray, warp: float = 1.0) -> np.ndarray:
    """(frames, N_MELS) log mel energies, floored 40 dB under the utterance's loudest."""
    mel = power_spectrogram(samples) @ mel_filterbank(warp=round(warp, 2))  # rounded: a few cached filterbanks
    return np.log(np.maximum(mel, LOG_FLOOR * mel.max() + 1e-10))


def normalise(features: np.ndarray) -> np.ndarray:
    """Per utterance: each band minus its mean over time, then all divided by their spread."""
    centred = features - features.mean(axis=0, keepdims=True)
    return (centred / (centred.std() + 1e-5)).astype(np.float32)


def features(samples: np.ndarray, warp: float = 1.0) -> np.ndarray:
    """What the reader takes: (frames, 40) normalised log mel energies."""
    return normalise(log_mel(samples, warp))


def output_steps(frames: int) -> int:
    """The reader's time steps for `frames` spectrogram frames (two convolutions halve them, rounding up)."""
    return math.ceil(frames / TIME_STRIDE)
