"""Tests of the synthetic hand-drawn text and of training the captcha reader on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.captcha import handwriting
from core.captcha import reader as captcha
from core.captcha.drawings import CaptchaAndDrawingBatches
from core.shared.assets import read_summary
from devtools.canvas_drawing import HANDS, MOUSE_GLYPHS, OTHER_GLYPHS, mouse_strokes

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_every_character_has_training_shapes_and_benchmark_shapes_of_its_own():
    """Test that the three letter sets cover exactly the captcha alphabet, the training's with several shapes each,
    and that neither benchmark hand draws a shape the training has."""
    assert sorted(handwriting.GLYPHS) == sorted(captcha.ALPHABET)
    assert all(len(handwriting.GLYPHS[c]) >= 2 for c in captcha.ALPHABET)
    for hand in HANDS.values():
        assert sorted(hand.glyphs) == sorted(captcha.ALPHABET)
        assert all(hand.glyphs[c] not in handwriting.GLYPHS[c] for c in captcha.ALPHABET)
    assert all(MOUSE_GLYPHS[c] != OTHER_GLYPHS[c] for c in captcha.ALPHABET)


def test_training_hands_vary_within_their_ranges():
    """Test that random hands span angular and round, joined and apart, shaky and steady, and always keep ink."""
    hands = [handwriting.Hand.random(np.random.default_rng(seed)) for seed in range(300)]
    assert {hand.angular for hand in hands} == {True, False}
    assert min(hand.joining for hand in hands) == 0 and max(hand.joining for hand in hands) > 0.5
    assert min(hand.shake for hand in hands) == 0 and max(hand.shake for hand in hands) > 0
    assert all(40 <= hand.height <= 95 and hand.size_spread <= 0.2 for hand in hands)
    # Every n is one stroke: a joined-up hand draws fewer than five, never more.
    strokes = [len(handwriting.text_strokes("nnnnn", np.random.default_rng(seed))[0]) for seed in range(60)]
    assert min(strokes) < 5 and max(strokes) <= 5


def test_render_text_draws_dark_strokes_inside_the_canvas():
    """Test that a rendered text is a white 600 × 150 picture with black ink, reproducible from its seed."""
    first = handwriting.render_text("b3dx7", np.random.default_rng(5))
    again = handwriting.render_text("b3dx7", np.random.default_rng(5))
    pixels = np.asarray(first.convert("L"))
    assert first.size == (handwriting.CANVAS_WIDTH, handwriting.CANVAS_HEIGHT)
    assert np.array_equal(pixels, np.asarray(again.convert("L")))
    assert 0.01 < np.mean(pixels < 128) < 0.5
    # Nothing touches the border: the text was fitted into the canvas.
    assert pixels[:, :3].min() > 128 and pixels[:, -3:].min() > 128


def test_strokes_stay_in_the_canvas_for_long_texts():
    """Test that even six wide characters are scaled to fit the canvas."""
    for seed in range(20):
        strokes, _ = handwriting.text_strokes("mwmwmw", np.random.default_rng(seed))
        points = np.concatenate(strokes)
        assert points[:, 0].min() >= 0 and points[:, 0].max() <= handwriting.CANVAS_WIDTH
        assert points[:, 1].min() >= 0 and points[:, 1].max() <= handwriting.CANVAS_HEIGHT


def test_synthetic_batch_labels_match_texts():
    """Test that a synthetic batch gives network inputs and blank-padded labels that decode to its texts."""
    images, labels, texts = handwriting.synthetic_batch(8, np.random.default_rng(0))
    assert images.shape == (8, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1)
    assert images.dtype == np.float32 and 0.0 <= images.min() and images.max() <= 1.0
    assert labels.shape == (8, handwriting.MAX_LABEL_LENGTH)
    assert [captcha.CHARACTERS.decode(row) for row in labels] == texts
    assert all(3 <= len(text) <= handwriting.MAX_LABEL_LENGTH for text in texts)


def test_pad_labels_fills_with_the_blank():
    """Test that labels are padded with the blank, which the CTC loss does not count."""
    padded = handwriting.pad_labels(np.array([[1, 2, 3, 4, 5]]))
    assert padded.tolist() == [[1, 2, 3, 4, 5, captcha.BLANK]]


def test_mixed_batches_are_half_captchas_and_reproducible():
    """Test that each batch holds half real captchas and half drawings, the same for the same epoch and index."""
    real_x = np.ones((10, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), dtype=np.float32)  # all white
    real_y = np.tile(captcha.CHARACTERS.encode("226md"), (10, 1))
    batches = CaptchaAndDrawingBatches(real_x, real_y, batch_size=6, steps=4, seed=1)
    x, y = batches[2]
    assert len(batches) == 4 and x.shape == (6, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1) and y.shape == (6, 6)
    assert np.all(x[:3] == 1.0) and np.all(x[3:].min(axis=(1, 2, 3)) < 0.5)  # drawings have ink
    assert np.array_equal(batches[2][0], x)
    batches.on_epoch_end()
    assert not np.array_equal(batches[2][0], x)


@pytest.mark.parametrize("hand", sorted(HANDS))
def test_mouse_strokes_fit_the_canvas(hand):
    """Test that each benchmark hand's mouse paths stay on the 600 × 150 canvas, for any 5 characters."""
    for seed in range(200):
        rng = np.random.default_rng(seed)
        text = "".join(rng.choice(list(captcha.ALPHABET), size=5))
        points = np.concatenate(mouse_strokes(text, rng, HANDS[hand]))
        assert points[:, 0].min() >= 0 and points[:, 0].max() <= 600
        assert points[:, 1].min() >= 0 and points[:, 1].max() <= 150


def test_train_command_with_drawings(tmp_path):
    """Test that `python -m core train captcha --drawings` trains, saves and reports both scores."""
    data = tmp_path / "captchas"
    data.mkdir()
    rng = np.random.default_rng(0)
    for _ in range(12):
        text = "".join(rng.choice(list(captcha.ALPHABET), size=5))
        handwriting.render_text(text, rng).save(data / f"{text}.png")
    out = tmp_path / "reader.keras"
    result = subprocess.run(
        [sys.executable, "-m", "core", "train", "captcha", "--drawings", "--epochs", "1", "--steps-per-epoch", "2"]
        + ["--batch-size", "4", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CAPTCHA_DIR": str(data)},
    )
    assert result.returncode == 0, result.stderr
    assert "fresh synthetic drawings exact_match=" in result.stdout
    summary = read_summary(out)
    assert summary.epochs == 1 and summary.figures["synthetic_drawings"]["n"] == 500
    assert "--drawings" in summary.command and summary.command.endswith(f"--out {out}")


@pytest.mark.parametrize(("share", "captchas"), [(0.0, 0), (0.25, 2), (0.5, 4), (0.75, 6), (1.0, 8)])
def test_a_batch_holds_its_share_of_captchas(share, captchas):
    """Test that `captcha_share` sets how many of a batch of 8 are real captchas (white here), from none to all."""
    real_x = np.ones((10, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), dtype=np.float32)
    real_y = np.tile(captcha.CHARACTERS.encode("226md"), (10, 1))
    x, y = CaptchaAndDrawingBatches(real_x, real_y, batch_size=8, steps=1, seed=1, captcha_share=share)[0]
    assert len(x) == len(y) == 8
    assert int(np.all(x == 1.0, axis=(1, 2, 3)).sum()) == captchas


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_outside_zero_to_one_is_refused(share):
    """Test that a captcha share below 0 or above 1 is refused with a sentence, not a failure inside a worker thread."""
    real_x = np.ones((10, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), dtype=np.float32)
    real_y = np.tile(captcha.CHARACTERS.encode("226md"), (10, 1))
    with pytest.raises(ValueError, match="from 0 to 1"):
        CaptchaAndDrawingBatches(real_x, real_y, batch_size=8, steps=1, captcha_share=share)
