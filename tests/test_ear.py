"""The pretrained ear: the Keras rebuild gives what Google's ONNX graphs give, on real speech."""

from __future__ import annotations

import numpy as np
import pytest

from core.shared.assets import SPEECH_SAMPLES
from core.speech import ear
from core.speech.audio import read_audio


def onnx_hearing(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference: openwakeword's way with the two ONNX files, window by window (onnxruntime)."""
    ort = pytest.importorskip("onnxruntime")
    front_end = ort.InferenceSession(str(ear.FRONT_END_ONNX))
    embedding = ort.InferenceSession(str(ear.EMBEDDING_ONNX))
    pcm = (samples * ear.FULL_SCALE)[np.newaxis].astype(np.float32)
    bands = front_end.run(None, {"input": pcm})[0].squeeze() / 10 + 2
    starts = range(0, len(bands) - ear.WINDOW_FRAMES + 1, ear.STEP_FRAMES)
    windows = np.stack([bands[s : s + ear.WINDOW_FRAMES] for s in starts])[..., np.newaxis].astype(np.float32)
    return bands, embedding.run(None, {"input_1": windows})[0].reshape(len(windows), ear.EMBEDDING)


def spoken(names: list[str]) -> np.ndarray:
    """Shipped FSDD clips read at 16 kHz, joined, with half a second of quiet around (one clip is shorter than a window)."""
    quiet = np.zeros(ear.RATE // 2, np.float32)
    clips = [read_audio((SPEECH_SAMPLES / name).read_bytes(), rate=ear.RATE).samples for name in names]
    return np.concatenate([quiet, *clips, quiet])


@pytest.mark.parametrize(
    "names", [["7_george_0.wav"], ["3_lucas_0.wav", "0_nicolas_0.wav", "9_yweweler_0.wav", "5_jackson_0.wav"]]
)
def test_the_keras_ear_hears_what_the_onnx_graphs_hear(names: list[str]) -> None:
    """Test that the rebuilt ear's bands and embeddings match Google's graphs to 1e-4 on FSDD speech."""
    samples = spoken(names)
    bands, embeddings = onnx_hearing(samples)
    hearing = ear.hear(samples)
    np.testing.assert_allclose(hearing.bands, bands, atol=1e-4)
    np.testing.assert_allclose(hearing.embeddings, embeddings, atol=1e-4, rtol=1e-4)


def test_the_ear_gives_one_embedding_every_80_ms_for_any_length() -> None:
    """Test that every length from under one window to 4 s gives the steps `steps_for` says, at least one."""
    rng = np.random.default_rng(0)
    for samples in (100, ear.MIN_SAMPLES - 1, ear.MIN_SAMPLES, ear.MIN_SAMPLES + 1279, ear.MIN_SAMPLES + 1280, 64_000):
        hearing = ear.hear(0.1 * rng.standard_normal(samples).astype(np.float32))
        assert hearing.embeddings.shape == (max(1, ear.steps_for(samples)), ear.EMBEDDING)
        assert hearing.bands.shape == (max(ear.frames_for(samples), ear.WINDOW_FRAMES), ear.BANDS)
