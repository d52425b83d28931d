"""Tests of the captcha reader: labels, decoding on known probabilities, the model, the commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.captcha import reader as captcha
from core.ctc import algorithm as ctc

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_label_round_trip_and_alphabet_check():
    """Test that every label encodes to 1…19 and decodes back, and a stranger character is named."""
    for label in ("226md", "nnn5p", "yyg5g", "2345678bcdefgmnpwxy"):
        encoded = captcha.CHARACTERS.encode(label)
        assert min(encoded) >= 1 and max(encoded) <= 19
        assert captcha.CHARACTERS.decode(encoded) == label
    with pytest.raises(ValueError, match="'aq' not in the alphabet"):
        captcha.CHARACTERS.encode("2qa4m")


def _path_probabilities(path: list[int], confidence: float = 0.9) -> np.ndarray:
    """A (time, 20) matrix whose most probable class at step t is path[t]."""
    probabilities = np.full((len(path), captcha.NUM_CLASSES), (1 - confidence) / (captcha.NUM_CLASSES - 1))
    probabilities[np.arange(len(path)), path] = confidence
    return probabilities


def test_collapse_merges_repeats_then_drops_blanks():
    """Test the two CTC rules on a known path: '2 2 · · 6 · 6 6 ·' reads '266'."""
    two, six = captcha.CHARACTERS.encode("26")
    steps = ctc.best_path_steps(_path_probabilities([two, two, 0, 0, six, 0, six, six, 0]), captcha.CHARACTERS)
    assert steps.merged == [two, 0, six, 0, six, 0]
    assert steps.text == "266"


def test_greedy_and_beam_decoding_agree_on_a_clear_matrix():
    """Test that keras.ops.ctc_decode, greedy and beam search, reads the known text."""
    path = [0] + [i for label in captcha.CHARACTERS.encode("m4b") for i in (label, label, 0)]
    probabilities = _path_probabilities(path)
    assert captcha.ctc_decode(probabilities)[0].text == "m4b"
    beams = captcha.ctc_decode(probabilities, "beam_search", beam_width=5, top_paths=2)
    assert beams[0].text == "m4b" and beams[0].log_probability > beams[1].log_probability


def test_beam_search_can_beat_the_best_path():
    """Test the case greedy gets wrong: many paths to 'b' outweigh the single best path to blank."""
    b = captcha.CHARACTERS.encode("b")[0]
    probabilities = np.zeros((2, captcha.NUM_CLASSES))
    probabilities[:, 0] = 0.4
    probabilities[:, b] = 0.35
    probabilities[:, b + 1] = 0.25
    # Best path: blank, blank → ''. But P('b') = 0.35² + 2 × 0.4 × 0.35 = 0.4025 > P('') = 0.16.
    assert captcha.ctc_decode(probabilities)[0].text == ""
    assert captcha.ctc_decode(probabilities, "beam_search", beam_width=10)[0].text == "b"


def test_model_has_the_material_parameter_count_and_shapes():
    """Test that the CRNN has 432,596 parameters and outputs (batch, 50, 20) probabilities."""
    model = captcha.build_model()
    assert model.count_params() == 432_596
    output = np.asarray(model(np.zeros((2, 200, 50, 1), dtype=np.float32), training=False))
    assert output.shape == (2, 50, 20)
    np.testing.assert_allclose(output.sum(axis=-1), 1.0, rtol=1e-5)


def test_reading_one_captcha_then_a_batch_traces_the_predict_step_once():
    """Test a new reader reading one captcha (the page), then 3, then 70 (batches of 64 and 6, as an evaluation):
    Keras's predict step is traced once, not again for each new batch size, and gives Keras's own probabilities."""
    model = captcha.build_model()
    images = np.random.default_rng(0).random((70, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), dtype=np.float32)
    one, three, seventy = (captcha.predict_probabilities(model, images[:count]) for count in (1, 3, 70))
    assert model.predict_function.experimental_get_tracing_count() == 1
    expected = np.asarray(model(images[:3], training=False))
    np.testing.assert_allclose(three, expected, atol=1e-5)
    np.testing.assert_allclose(one, expected[:1], atol=1e-5)
    np.testing.assert_allclose(seventy[:3], expected, atol=1e-5)


def test_preprocess_makes_width_the_time_axis():
    """Test that any picture becomes (200, 50, 1) in [0, 1] with the left edge at time 0."""
    image = Image.new("RGB", (400, 100), "white")
    image.paste((0, 0, 0), (0, 0, 40, 100))  # a black band on the left
    x = captcha.preprocess(image)
    assert x.shape == (200, 50, 1) and x.dtype == np.float32
    assert x[0].max() < 0.1 and x[-1].min() > 0.9


def test_character_error_rate():
    """Test CER as edit distance over true characters."""
    assert captcha.character_error_rate(["abcde", "22222"], ["abcde", "2222"]) == pytest.approx(0.1)


def test_evaluate_command_skips_bad_labels(tmp_path):
    """Test that `python -m core evaluate captcha` notes files outside the alphabet and ends with the scores line."""
    model = captcha.build_model()
    model.save(tmp_path / "model.keras")
    data = tmp_path / "data"
    data.mkdir()
    for label in ("226md", "nnn5p", "abcde"):
        Image.new("L", (200, 50), 255).save(data / f"{label}.png")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "evaluate",
            "captcha",
            "--model",
            str(tmp_path / "model.keras"),
            "--data",
            str(data),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "skipped abcde.png" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("exact_match=") and " cer=" in last and last.endswith(" n=2")


def test_character_counts_show_every_character():
    """Test that the frequency chart has a bar for each of the 19 characters, letters included."""
    from core.captcha.plots import character_counts_figure

    figure = character_counts_figure(("226md", "nnn5p"))
    assert list(figure.data[0].x) == list(captcha.ALPHABET)
    assert figure.layout.xaxis.type == "category"  # a numeric axis would drop the letters


def test_greedy_and_beam_report_log_probabilities_the_same_way():
    """Test one convention: greedy gives log P(best path), beam gives log P(text) ≥ it, both ≤ 0."""
    path = [0] + [i for label in captcha.CHARACTERS.encode("m4b") for i in (label, label, 0)]
    probabilities = _path_probabilities(path, confidence=0.9)
    greedy = captcha.ctc_decode(probabilities)[0]
    beam = captcha.ctc_decode(probabilities, "beam_search", beam_width=5)[0]
    np.testing.assert_allclose(greedy.log_probability, np.log(probabilities.max(axis=1)).sum(), rtol=1e-5)
    assert greedy.log_probability <= beam.log_probability + 1e-6 <= 1e-6
