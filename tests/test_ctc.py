"""CTC by hand: alignments against brute force, the forward algorithm against keras.ops.ctc_loss, decoding."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from core.ctc import algorithm as ctc

LABELS = [(), (1,), (1, 1), (1, 2), (2, 1, 2), (1, 1, 2), (3, 3, 3), (1, 2, 3, 1)]


def brute_force_paths(label: tuple[int, ...], steps: int, classes: int) -> list[tuple[int, ...]]:
    return [path for path in itertools.product(range(classes), repeat=steps) if tuple(ctc.collapse(path)) == label]


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("steps", range(1, 8))
def test_alignments_are_exactly_the_paths_that_collapse_to_the_label(label, steps):
    """Test that the listed alignments, their count by dynamic programming and a brute force over all paths agree."""
    expected = brute_force_paths(label, steps, classes=4)
    listed = ctc.alignments(label, steps)
    assert sorted(listed) == sorted(expected)
    assert ctc.count_alignments(label, steps) == len(expected)
    assert (len(expected) > 0) == (steps >= max(ctc.min_steps(label), 1))


def test_a_repeated_symbol_needs_a_blank_between():
    """Test the page's example: "aa" needs 3 steps, the only alignment in 3 being a ε a."""
    assert ctc.min_steps([1, 1]) == 3 and ctc.count_alignments([1, 1], 2) == 0
    assert ctc.alignments([1, 1], 3) == [(1, 0, 1)]


@pytest.mark.parametrize("seed", range(12))
def test_forward_loss_is_keras_ctc_loss_and_the_sum_over_alignments(seed):
    """Test that the NumPy forward algorithm gives keras.ops.ctc_loss to 1e-5, and the sum over every alignment."""
    rng = np.random.default_rng(seed)
    classes = int(rng.integers(2, 6))
    length = int(rng.integers(1, 4))
    label = tuple(int(c) for c in rng.integers(1, classes, size=length))
    steps = max(ctc.min_steps(label), int(rng.integers(1, 9)))
    probs = ctc.random_frames(steps, classes, seed)
    log_probs = np.log(probs)
    result = ctc.forward(log_probs, label)
    assert result.loss == pytest.approx(ctc.keras_ctc_loss(log_probs, label), abs=1e-5)
    total = sum(math.exp(ctc.path_log_probability(log_probs, path)) for path in ctc.alignments(label, steps))
    assert math.exp(result.log_likelihood) == pytest.approx(total, rel=1e-9)


def test_forward_loss_on_the_captcha_readers_real_output():
    """Test the forward algorithm against keras.ops.ctc_loss on the shipped reader's 50 × 20 output for a sample."""
    from PIL import Image

    from core.captcha import reader as captcha
    from core.shared import assets

    sample = sorted((assets.SAMPLES / "captcha").glob("*.png"))[0]
    model = assets.load_model(assets.CAPTCHA_MODEL)
    with Image.open(sample) as image:
        probs = captcha.predict_probabilities(model, captcha.preprocess(image)[np.newaxis])[0]
    log_probs = np.log(np.clip(probs, 1e-12, 1.0))
    label = captcha.CHARACTERS.encode(sample.stem)
    result = ctc.forward(log_probs, label)
    assert result.log_alpha.shape == (captcha.TIME_STEPS, 2 * len(label) + 1)
    assert result.loss == pytest.approx(ctc.keras_ctc_loss(log_probs, label), abs=1e-5 * max(1.0, result.loss))
    assert result.loss < 1.0  # the reader reads its own sample


def test_greedy_and_the_best_labelling_disagree_on_the_shipped_example():
    """Test the classic case: the best path reads "" (0.36) while "a" is more probable (0.64)."""
    _, probs = ctc.GREEDY_DISAGREES
    path, greedy = ctc.best_path(probs)
    assert path == [0, 0] and greedy.label == () and math.exp(greedy.log_probability) == pytest.approx(0.36)
    best = ctc.exact_best(probs)
    assert best[0].label == (1,) and math.exp(best[0].log_probability) == pytest.approx(0.64)
    assert ctc.beam_search(probs, beam_width=4, top_paths=2)[0].label == (1,)


def test_exact_search_probabilities_sum_to_one_and_give_up_when_too_many():
    """Test that every labelling's probability adds up to 1 over a small case, and that a large case is refused."""
    probs = ctc.random_frames(4, 3, seed=5)
    everything = ctc.exact_best(probs, top=10_000)
    assert sum(math.exp(c.log_probability) for c in everything) == pytest.approx(1.0)
    assert ctc.exact_best(ctc.random_frames(12, 6, seed=0)) is None


def test_alphabet_round_trip_and_unknown_characters():
    alphabet = ctc.Alphabet("abc")
    assert alphabet.decode(alphabet.encode("cab")) == "cab" and alphabet.symbol(0) == ctc.BLANK_SYMBOL
    with pytest.raises(ValueError, match="'z'"):
        alphabet.encode("az")


@pytest.mark.parametrize("tab", ["Alignments", "Forward algorithm", "Decoding"])
@pytest.mark.parametrize("label", ["a", "aa", "abca", "zz9z"])
def test_the_page_over_every_length_of_time(tab, label):
    """Test every tab with labels of 1 to 4 symbols over T = 1 … 12: no exception, a warning exactly when T is too short."""
    from apptest import open_page

    app = open_page("app_pages/rnn/ctc.py", tab, "ctc_tab")
    app.text_input(key="ctc_label").set_value(label)
    needed = ctc.min_steps(ctc.Alphabet("".join(sorted(set(label)))).encode(label))
    for steps in range(1, 13):
        app.slider(key="ctc_steps").set_value(steps)
        app.run()
        assert not app.exception, (label, steps)
        if tab != "Decoding":
            assert any("too short" in w.value or "too few" in w.value for w in app.warning) == (steps < needed)


@pytest.mark.parametrize("source", ["captcha", "example"])
@pytest.mark.parametrize("tab", ["Forward algorithm", "Decoding"])
def test_the_captcha_and_the_shipped_example_on_the_page(source, tab):
    """Test the real reader's frames and the greedy-fails example: Keras agrees, greedy and the best reading differ."""
    from apptest import open_page

    app = open_page("app_pages/rnn/ctc.py", tab, "ctc_tab")
    key = "ctc_forward_source" if tab == "Forward algorithm" else "ctc_decode_source"
    app.radio(key=key).set_value(source)
    app.run()
    assert not app.exception
    if tab == "Forward algorithm":
        assert any("give the same to 1e-5" in m.value for m in app.markdown)
    elif source == "example":
        assert any("the best single path is not the best labelling" in s.value for s in app.success)


@pytest.mark.parametrize(("text", "message"), [("", "Type a label"), ("a b", "lowercase letters and digits")])
def test_an_empty_or_odd_label_gets_a_sentence(text, message):
    from apptest import open_page

    app = open_page("app_pages/rnn/ctc.py")
    app.text_input(key="ctc_label").set_value(text)
    app.run()
    assert not app.exception
    assert any(message in element.value for element in [*app.info, *app.error])


def page_text(app) -> str:
    """Every sentence the page shows: markdown, captions, warnings."""
    return "\n".join(element.value for element in [*app.markdown, *app.caption, *app.warning, *app.info])


@pytest.mark.parametrize("label", ["abba", "abb", "zz9z", "a99"])
def test_a_repeat_is_explained_with_its_own_symbol(label):
    """Test that the blank between equal neighbours is explained with the label's repeated symbol, not a stock 'a a'."""
    from apptest import open_page

    repeated = next(a for a, b in zip(label, label[1:], strict=False) if a == b)
    app = open_page("app_pages/rnn/ctc.py")
    app.text_input(key="ctc_label").set_value(label)
    for steps in (1, 12):  # too short (the warning), then long enough (the caption)
        app.slider(key="ctc_steps").set_value(steps).run()
        text = page_text(app)
        assert f"{repeated} {repeated} merges into one {repeated}" in text or f"a path {repeated} {repeated}" in text
        if repeated != "a":
            assert "a a" not in text


@pytest.mark.parametrize("tab", ["Alignments", "Forward algorithm"])
@pytest.mark.parametrize("label", ["a", "ab", "abba", "abcd", "aaaa"])
def test_counts_read_as_plain_sentences_at_every_length(tab, label):
    """Test T = 1 … 12: no '1 alignments', '(all 1)' or '1 products', nothing 'out of the question', no 10-digit counts."""
    from apptest import open_page

    app = open_page("app_pages/rnn/ctc.py", tab, "ctc_tab")
    app.text_input(key="ctc_label").set_value(label)
    for steps in range(1, 13):
        app.slider(key="ctc_steps").set_value(steps).run()
        text = page_text(app)
        assert not re.search(r"\b1 alignments|all 1\)|\b1 products|out of the question|\d{1,3}(,\d{3}){3,}", text)
        cells_sentence = re.search(r"finds it from (\d+) cells .* instead of ([\d,]+) products", text)
        if cells_sentence:  # the forward algorithm is said to save work only where it does
            assert int(cells_sentence.group(2).replace(",", "")) > int(cells_sentence.group(1))


@pytest.mark.parametrize("source", ["captcha", "example"])
@pytest.mark.parametrize("tab", ["Forward algorithm", "Decoding"])
def test_label_and_steps_appear_only_where_they_shape_the_frames(source, tab):
    """Test that the label and T are offered with random frames, said to set only the alphabet, and hidden otherwise."""
    from apptest import open_page

    app = open_page("app_pages/rnn/ctc.py", tab, "ctc_tab")
    assert any(c.value.startswith("Random frames") and "only chooses the alphabet" in c.value for c in app.caption)
    assert "ctc_steps" in [s.key for s in app.slider] and app.text_input(key="ctc_label")
    key = "ctc_forward_source" if tab == "Forward algorithm" else "ctc_decode_source"
    app.radio(key=key).set_value(source).run()
    assert "ctc_steps" not in [s.key for s in app.slider] and not [t for t in app.text_input if t.key == "ctc_label"]


@pytest.mark.parametrize("label, steps", [("a", 1), ("ab", 5), ("abba", 5), ("aa", 12)])
def test_alpha_leaves_impossible_cells_empty_on_a_one_way_scale(label, steps):
    """Test α's chart: unreachable cells empty (drawn white), reachable ones coloured, a named scale without pink."""
    from core.ctc.plots import alpha_figure

    alphabet = ctc.Alphabet("".join(sorted(set(label))))
    encoded = alphabet.encode(label)
    if steps < ctc.min_steps(encoded):
        pytest.skip("too short")
    result = ctc.forward(np.log(ctc.random_frames(steps, alphabet.classes, 0)), encoded)
    heatmap = alpha_figure(result, alphabet).data[0]
    z = np.array(heatmap.z, dtype=float)
    assert np.array_equal(np.isnan(z), ~np.isfinite(result.log_alpha.T))
    assert np.nanmin(z) >= heatmap.zmin and heatmap.colorscale[0][1] == "#440154"  # Viridis, dark to light
