"""Synthetic spoken digits (espeak-ng) and training the reader with them mixed into its batches."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.shared import assets
from core.shared.datasets import FSDD_NAME
from core.speech import synthetic_voices, utterances
from core.speech.audio import RATE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
needs_engine = pytest.mark.skipif(shutil.which(synthetic_voices.ENGINE) is None, reason="espeak-ng is not installed")


def test_voices_are_distinct_the_same_for_a_seed_and_named_as_fsdd_speakers():
    """Test that every accent × variant pair can be drawn, without repeats, and gives a file name FSDD's pattern reads."""
    every = len(synthetic_voices.ACCENTS) * len(synthetic_voices.VARIANTS)
    for count in (1, 10, 120, every, every + 5):
        names = synthetic_voices.voice_names(synthetic_voices.VoiceSetup(voices=count))
        assert len(names) == min(count, every) == len(set(names))
        assert names == synthetic_voices.voice_names(synthetic_voices.VoiceSetup(voices=count))
        for name in names:
            speaker = synthetic_voices.speaker_name(name)
            assert FSDD_NAME.fullmatch(f"7_{speaker}_3")["speaker"] == speaker
    assert not any("whisper" in variant for variant in synthetic_voices.VARIANTS)  # kept for the browser test


@needs_engine
def test_synthesised_digits_read_back_as_clips_of_their_voices(tmp_path):
    """Test that a small set of synthetic voices is written as FSDD files that `load_clips` reads: every digit, trimmed."""
    setup = synthetic_voices.VoiceSetup(voices=2, takes=2, seed=3)
    assert synthetic_voices.synthesise(tmp_path, setup) == 2 * 10 * 2
    clips = utterances.load_clips(tmp_path)
    assert len(clips) == 40 and len(clips.speaker_names) == 2
    assert sorted(np.bincount(clips.digits)) == [4] * 10
    for sound in clips.sounds:
        assert 0.15 * RATE < len(sound) < 1.5 * RATE  # one word, its silence trimmed
        assert np.max(np.abs(sound[: int(0.02 * RATE)])) > 0.005  # it starts on the speech, as FSDD's clips do


def test_a_missing_engine_is_said_in_one_sentence(monkeypatch):
    """Test that without espeak-ng the command says how to install it instead of a FileNotFoundError."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(synthetic_voices.EngineMissing, match="apt install espeak-ng"):
        synthetic_voices.say("one", "en-us", 50, 175)


def test_voices_mix_the_other_pool_at_its_share():
    """Test that `Voices` draws an utterance from the other pool at its share, and never without one."""
    shipped = utterances.load_clips(assets.SPEECH_SAMPLES)
    main, other = shipped.subset(shipped.digits < 5), shipped.subset(shipped.digits >= 5)  # told apart by digit
    rng = np.random.default_rng(0)
    for share, low, high in ((0.0, 0, 0), (0.5, 0.4, 0.6), (1.0, 1, 1)):
        said = [utterances.Voices(main, other, share).utterance(rng, utterances.CLEAN, 1) for _ in range(400)]
        by_other = np.mean([utterance.digits[0] >= 5 for utterance in said])
        assert low <= by_other <= high
    alone = utterances.Voices(main, None, 0.9)
    assert all(alone.utterance(rng, utterances.CLEAN, 1).digits for _ in range(20))


@needs_engine
def test_train_command_with_synthetic_voices(tmp_path):
    """Test `python -m core train speech --synthetic DIR`: it says what it mixes in and records it with the model."""
    voices = tmp_path / "voices"
    synthetic_voices.synthesise(voices, synthetic_voices.VoiceSetup(voices=2, takes=1))
    out = tmp_path / "reader.keras"
    result = subprocess.run(
        [sys.executable, "-m", "core", "train", "speech", "--data", str(assets.SPEECH_SAMPLES), "--synthetic"]
        + [str(voices), "--hold-out", "george", "--epochs", "1", "--steps-per-epoch", "2", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "20 clips by 2 synthetic voices (50% of utterances)" in result.stdout
    figures = assets.read_summary(out).figures
    assert figures["synthetic_voices"] == 2 and figures["synthetic_share"] == 0.5
