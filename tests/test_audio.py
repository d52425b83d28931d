"""Reading a student's sound: every format and rate the page accepts, and every bad file it must refuse in words."""

import io
import re
import time

import numpy as np
import pytest
import soundfile

from core.speech import audio

RATE = audio.RATE


def tone(seconds: float, rate: int, frequency: float = 440.0, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.5 * np.sin(2 * np.pi * frequency * t).astype(np.float32)
    return np.stack([wave] * channels, axis=1) if channels > 1 else wave


def encoded(samples: np.ndarray, rate: int, file_format: str = "WAV", subtype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format=file_format, subtype=subtype)
    return buffer.getvalue()


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_every_wav_sample_format_reads_as_the_same_float_sound(subtype):
    """Test that 8/16/24/32-bit and float WAVs all read as float32 in [-1, 1], the same tone."""
    clip = audio.read_audio(encoded(tone(0.5, RATE), RATE, subtype=subtype))
    assert clip.samples.dtype == np.float32 and clip.rate == RATE and len(clip.samples) == RATE // 2
    assert np.max(np.abs(clip.samples)) == pytest.approx(0.5, abs=0.02)
    assert dominant_frequency(clip.samples, RATE) == pytest.approx(440, abs=3)


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 44100, 48000])
@pytest.mark.parametrize("channels", [1, 2])
def test_any_rate_and_channel_count_becomes_mono_8khz_with_a_note(rate, channels):
    """Test resampling and mixing to mono: length, pitch kept, and a note saying what was done."""
    clip = audio.read_audio(encoded(tone(1.0, rate, channels=channels), rate))
    assert clip.rate == RATE and clip.samples.ndim == 1
    assert len(clip.samples) == pytest.approx(RATE, abs=2)
    assert dominant_frequency(clip.samples, RATE) == pytest.approx(440, abs=3)
    assert any("resampled" in note for note in clip.notes) == (rate != RATE)
    assert any("channels" in note for note in clip.notes) == (channels > 1)


@pytest.mark.parametrize("file_format", ["FLAC", "OGG", "MP3"])
def test_compressed_formats_read(file_format):
    """Test FLAC, OGG (Vorbis) and MP3 files: lossy ones within a few hertz of the tone."""
    subtype = {"OGG": "VORBIS", "MP3": "MPEG_LAYER_III"}.get(file_format)
    clip = audio.read_audio(encoded(tone(1.0, 16000), 16000, file_format, subtype))
    assert dominant_frequency(clip.samples, RATE) == pytest.approx(440, abs=5)
    assert clip.seconds == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"this is not sound at all, just a text file" * 10, "could not be read as sound"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "could not be read as sound"),
    ],
)
def test_files_that_are_not_sound_are_refused_in_words(data, words):
    """Test empty and non-audio files raise AudioProblem with a sentence, not a library's exception."""
    with pytest.raises(audio.AudioProblem, match=words) as raised:
        audio.read_audio(data)
    assert not re.search(r"<|0x|BytesIO|Error opening", str(raised.value)), str(raised.value)


@pytest.mark.parametrize("kept", [0.0, 0.01, 0.3, 0.9])
def test_truncated_wav_reads_what_is_there_or_says_it_is_cut(kept):
    """Test a WAV cut short (its header promises more): what remains is read, or a sentence says there is none."""
    whole = encoded(tone(1.0, RATE), RATE, subtype="PCM_16")
    cut = whole[: 44 + int(kept * (len(whole) - 44))]
    try:
        clip = audio.read_audio(cut)
    except audio.AudioProblem as error:
        assert kept < 0.05 and "no sound" in str(error)
    else:
        assert len(clip.samples) <= RATE


def test_a_ten_minute_file_is_cut_quickly_with_a_note():
    """Test a 10-minute 48 kHz file: only the first MAX_SECONDS are decoded and resampled, in well under a second."""
    data = encoded(tone(600.0, 48000), 48000, subtype="PCM_16")
    start = time.perf_counter()
    clip = audio.read_audio(data)
    assert time.perf_counter() - start < 1.0
    assert clip.seconds == pytest.approx(audio.MAX_SECONDS, abs=0.01)
    assert any("cut to its first" in note for note in clip.notes)


def test_damaged_float_samples_are_refused():
    """Test a float WAV holding NaN."""
    samples = tone(0.5, RATE)
    samples[100] = np.nan
    with pytest.raises(audio.AudioProblem, match="damaged"):
        audio.read_audio(encoded(samples, RATE, subtype="FLOAT"))


@pytest.mark.parametrize("level", [0.0, 1e-5, 5e-4])
def test_silence_is_refused_in_words(level):
    """Test digital silence and near-silence: 'the recording is silent', with what to check."""
    with pytest.raises(audio.AudioProblem, match="silent"):
        audio.trim_silence(audio.Audio(np.full(RATE, level, np.float32), RATE))


def test_trim_silence_keeps_the_sound_and_a_margin():
    """Test that a tone between 1 s of silence on each side is kept whole, with TRIM_MARGIN_S around it."""
    silence = np.zeros(RATE, np.float32)
    sound = audio.Audio(np.concatenate([silence, tone(0.5, RATE), silence]), RATE)
    trimmed = audio.trim_silence(sound)
    assert trimmed.seconds == pytest.approx(0.5 + 2 * audio.TRIM_MARGIN_S, abs=2 * audio.FRAME_S)
    assert np.max(np.abs(trimmed.samples)) == pytest.approx(0.5, abs=0.01)
    assert any("silence trimmed" in note for note in trimmed.notes)


@pytest.mark.parametrize("quiet_s", [0.0, audio.TRIM_MARGIN_S + 0.01, audio.TRIM_MARGIN_S + 0.04, 0.3, 1.0])
def test_trim_silence_says_so_only_when_the_length_shown_changes(quiet_s):
    """Test that a trim too small to change the length shown (to 0.1 s) leaves no "1.6 s → 1.6 s" note."""
    silence = np.zeros(int(quiet_s * RATE), np.float32)
    trimmed = audio.trim_silence(audio.Audio(np.concatenate([silence, tone(1.5, RATE), silence]), RATE))
    for note in trimmed.notes:
        before, after = re.fullmatch(r"silence trimmed: (\S+) s → (\S+) s", note).groups()
        assert before != after
    noted = any("silence trimmed" in note for note in trimmed.notes)
    assert noted == (f"{1.5 + 2 * quiet_s:.1f}" != f"{trimmed.seconds:.1f}")


def test_wav_bytes_round_trip():
    """Test that what the page plays back reads again as the same sound."""
    samples = tone(0.3, RATE)
    assert np.allclose(audio.read_audio(audio.wav_bytes(samples)).samples, samples, atol=1e-4)
