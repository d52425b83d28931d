"""Sound from a student: any common audio file → mono float32 at the speech reader's rate, silence trimmed.

`soundfile` (libsndfile) reads WAV of any sample format (16/24/32-bit, float), FLAC, OGG
and MP3; `scipy.signal.resample_poly` resamples with an anti-aliasing filter. Every way a
file can be unusable ends in `AudioProblem`, whose message is one sentence for a student.

Example:
    >>> clip = read_audio(wav_bytes(np.zeros(44_100, np.float32), rate=44_100))  # a second at 44.1 kHz
    >>> clip.samples.dtype, clip.rate, len(clip.samples)
    (dtype('float32'), 8000, 8000)
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

import numpy as np

RATE = 8000  # the Free Spoken Digit Dataset's rate, and so the reader's
MAX_SECONDS = 20.0  # longer recordings are cut: five digits take about four seconds
SILENCE_DB = -40.0  # frames this far below the loudest one count as silence
QUIET_PEAK = 1e-3  # a recording whose loudest sample stays below this holds nothing to read
TRIM_MARGIN_S = 0.15  # silence kept on each side of the speech, as in the training clips' gaps
FRAME_S = 0.02  # frames of the silence detector


class AudioProblem(ValueError):
    """The sound cannot be read; the message says why, in one sentence for a student."""


@dataclass(frozen=True)
class Audio:
    """Mono samples in [-1, 1] at `rate`, with what was done to them on the way (for the page to say)."""

    samples: np.ndarray  # (n,) float32
    rate: int
    notes: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def read_audio(data: bytes, rate: int = RATE, max_seconds: float = MAX_SECONDS) -> Audio:
    """Decode a file's bytes, mix to mono, cut at `max_seconds`, resample to `rate`.

    Raises:
        AudioProblem: empty, not audio, truncated beyond use, or silent.
    """
    import soundfile

    if not data:
        raise AudioProblem("The file is empty.")
    notes = []
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as sound:
            source_rate, channels = sound.samplerate, sound.channels
            # Only what will be used is decoded: a ten-minute file costs no more than its first seconds.
            samples = sound.read(frames=int(max_seconds * source_rate), dtype="float32", always_2d=True)
            longer = sound.frames > len(samples) if sound.seekable() else False
    except (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        raise AudioProblem(
            f"This file could not be read as sound ({_short(error)}). Use a WAV, FLAC, OGG or MP3 recording."
        ) from error
    if len(samples) == 0:
        raise AudioProblem("The file holds no sound: it may be cut off after its header.")
    if longer:
        notes.append(f"cut to its first {max_seconds:.0f} s")
    if channels > 1:
        samples = samples.mean(axis=1, keepdims=True)
        notes.append(f"{channels} channels mixed to one")
    mono = samples[:, 0]
    if not np.all(np.isfinite(mono)):
        raise AudioProblem("The file's samples are not numbers (NaN or infinite values): it is damaged.")
    if source_rate != rate:
        mono = resample(mono, source_rate, rate)
        notes.append(f"resampled from {source_rate:,} Hz to {rate:,} Hz")
    return Audio(np.clip(mono, -1.0, 1.0).astype(np.float32), rate, tuple(notes))


def resample(samples: np.ndarray, source_rate: int, rate: int) -> np.ndarray:
    """Polyphase resampling (with its low-pass filter, so 44.1 kHz speech does not alias into 8 kHz)."""
    from scipy.signal import resample_poly

    common = math.gcd(int(source_rate), int(rate))
    return resample_poly(samples, rate // common, int(source_rate) // common).astype(np.float32)


def frame_levels_db(samples: np.ndarray, rate: int, frame_s: float = FRAME_S) -> np.ndarray:
    """Loudness of each `frame_s` frame in dB relative to the loudest frame (0 dB)."""
    size = max(1, int(frame_s * rate))
    count = max(1, len(samples) // size)
    frames = samples[: count * size].reshape(count, size) if len(samples) >= size else samples[np.newaxis]
    power = np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12
    return 10 * np.log10(power / power.max())


def trim_silence(audio: Audio, margin_s: float = TRIM_MARGIN_S) -> Audio:
    """Keep the span from the first to the last loud frame, with `margin_s` on each side.

    Raises:
        AudioProblem: if the recording is silent.
    """
    samples = audio.samples
    if len(samples) == 0 or np.max(np.abs(samples)) < QUIET_PEAK:
        raise AudioProblem(
            "The recording is silent: check that the right microphone is chosen and allowed, then speak closer to it."
        )
    levels = frame_levels_db(samples, audio.rate)
    loud = np.flatnonzero(levels > SILENCE_DB)
    size = max(1, int(FRAME_S * audio.rate))
    margin = int(margin_s * audio.rate)
    start = max(0, loud[0] * size - margin)
    stop = min(len(samples), (loud[-1] + 1) * size + margin)
    if start == 0 and stop == len(samples):
        return audio
    before, after = f"{audio.seconds:.1f} s", f"{(stop - start) / audio.rate:.1f} s"
    # A few milliseconds cut are not worth a note that reads "1.6 s → 1.6 s".
    notes = (*audio.notes, f"silence trimmed: {before} → {after}") if before != after else audio.notes
    return Audio(samples[start:stop], audio.rate, notes)


def background_level(sound: np.ndarray, frame: int = 160) -> float:
    """The RMS of a clip's quietest 20-ms frame: its recording's background."""
    count = len(sound) // frame
    if count == 0:
        return 0.0
    return float(np.sqrt((sound[: count * frame].reshape(count, frame) ** 2).mean(axis=1)).min())


def pause(seconds: float, level: float, rng: np.random.Generator) -> np.ndarray:
    """`seconds` of background at RMS `level`: white or low-passed noise, a different colour each time."""
    from scipy.signal import lfilter

    noise = rng.standard_normal(int(seconds * RATE))
    if len(noise) and rng.random() < 0.5:
        noise = lfilter([1.0], [1.0, -rng.uniform(0.5, 0.95)], noise)
    return (noise * level / (np.sqrt(np.mean(noise**2)) + 1e-12)).astype(np.float32) if len(noise) else noise


def pad_with_quiet_noise(samples: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
    level = np.sqrt(np.mean(samples[: int(0.05 * RATE)] ** 2)) + 1e-5  # the noise of the utterance's first pause
    return np.concatenate([samples, rng.standard_normal(length - len(samples)).astype(np.float32) * level])


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """16-bit PCM WAV of float samples, for `st.audio` and downloads."""
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, np.clip(samples, -1.0, 1.0), rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _short(error: BaseException) -> str:
    """A library's reason in a few plain words: libsndfile's own string, never the Python object it was handed."""
    text = getattr(error, "error_string", None) or str(error).strip() or type(error).__name__
    text = re.sub(r"<[^>]*\bat 0x[0-9a-fA-F]+>", "the file", text.splitlines()[0]).rstrip(".")
    return text[:1].lower() + text[1:100]
