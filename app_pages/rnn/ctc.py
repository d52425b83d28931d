"""CTC: how a reader lines a label up with time steps, the forward algorithm, and decoding."""

import math
import re

import numpy as np
import streamlit as st
from PIL import Image

from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import check_yourself
from app_pages.common.layout import SETTING_WIDTH, Tab, settings_row, show_tabs
from app_pages.common.shipped_models import captcha_reader
from app_pages.common.take_home import take_home
from core.captcha import reader as captcha
from core.ctc import algorithm as ctc
from core.ctc.notebook import ctc_notebook
from core.ctc.plots import alignments_figure, alpha_figure, frames_figure, trellis_figure
from core.shared import assets

MAX_LABEL = 4
MAX_STEPS = 12
SHOWN_ALIGNMENTS = 40  # rows of the alignments chart
BRUTE_FORCE_LIMIT = 5000  # alignments the page adds up one by one to check the forward algorithm
METRIC_WIDTH = 240  # pixels: a number of 10 characters, at the metric's size, fits
CAPTCHA_SAMPLES = sorted((assets.SAMPLES / "captcha").glob("*.png"))
CAPTCHA_ALPHABET = ctc.Alphabet(captcha.ALPHABET)
SOURCES = {
    "random": "random frames (seeded)",
    "captcha": "the captcha reader's output",
    "example": "an example where greedy decoding fails",
}
SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def read_label() -> str | None:
    """The label and its checks; None (with a message) when it cannot be used."""
    text = st.text_input(
        f"Label (1 to {MAX_LABEL} letters or digits)", "aab", max_chars=MAX_LABEL, key="ctc_label", width=260
    )
    if not text:
        st.info("Type a label to align, for example `ab` or `aa`.")
        return None
    if not re.fullmatch(r"[a-z0-9]+", text):
        st.error(
            "Use lowercase letters and digits only: CTC's blank is written ε here, and spaces would be hard to see."
        )
        return None
    return text


def label_and_steps() -> tuple[str | None, int]:
    """The label and T, side by side (one key each: only the open tab draws them)."""
    with settings_row():
        text = read_label()
        steps = st.slider("Time steps T", 1, MAX_STEPS, 5, key="ctc_steps", width=300)
    return text, steps


def count_in_words(count: int) -> str:
    """A count as a reader takes it in: digits up to a billion, then a power of ten.

    Example:
        >>> count_in_words(12_870), count_in_words(9_100_000_000_000)
        ('12,870', '≈ 9.1 × 10¹²')
    """
    if count < 10**9:
        return f"{count:,}"
    mantissa, exponent = f"{count:.1e}".split("e")
    return f"≈ {mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPTS)}"


def first_repeat(text: str) -> str | None:
    """The first symbol that follows itself in `text` ('abba' → 'b'), or None."""
    return next((a for a, b in zip(text, text[1:], strict=False) if a == b), None)


def show_states(label: list[int], alphabet: ctc.Alphabet) -> None:
    states = ctc.with_blanks(label)
    chips = " ".join(f"`{s}: {alphabet.symbol(c)}`" for s, c in enumerate(states))
    st.markdown(
        f"**The label with blanks** ({len(label)} symbols → 2·{len(label)} + 1 = {len(states)} states): {chips}. "
        "A path may stay in a state, move to the next, or jump over a blank between two *different* symbols."
    )


def show_alignments(text: str, steps: int) -> None:
    alphabet = ctc.label_alphabet(text)
    label = alphabet.encode(text)
    show_states(label, alphabet)
    needed = ctc.min_steps(label)
    count = ctc.count_alignments(label, steps)
    if steps < needed:
        repeats = needed - len(label)
        repeated = first_repeat(text)
        why = (
            f": {len(label)} symbols, plus {repeats} blank{'s' if repeats > 1 else ''} between equal neighbours "
            f"(without a blank, {repeated} {repeated} merges into one {repeated})"
            if repeats
            else ": one step per symbol"
        )
        st.warning(f"T = {steps} is too short for '{text}'. It needs at least {needed} steps{why}.")
        show_chart(st, trellis_figure(label, steps, alphabet, None), key="ctc_trellis_empty")
        return
    st.markdown(
        f"**{count:,} alignment{'s' if count > 1 else ''}** of '{text}' to T = {steps} steps (counted by dynamic "
        f"programming over the states; the fewest steps this label can take is {needed})."
    )
    paths = ctc.alignments(label, steps, limit=SHOWN_ALIGNMENTS)
    left, right = st.columns([2, 3])
    with left:
        if count == 1:
            st.caption(f"The only path that collapses to '{text}' in {steps} steps. Grey: blank.")
        else:
            shown = f"the first {len(paths)}" if count > len(paths) else f"all {count}"
            st.caption(f"Every path below collapses to '{text}' ({shown}). Grey: blank.")
        show_chart(st, alignments_figure(paths, alphabet), key="ctc_alignments")
    with right:
        chosen = st.number_input("Alignment to follow", 1, len(paths), 1, key="ctc_alignment", width=SETTING_WIDTH)
        path = paths[int(chosen) - 1]
        merged = ctc.merge_repeats(path)
        st.markdown(
            f"Path: `{' '.join(alphabet.symbol(c) for c in path)}`  \n"
            f"1. merge repeats: `{' '.join(alphabet.symbol(c) for c in merged)}`  \n"
            f"2. drop blanks: **`{alphabet.decode(ctc.collapse(path))}`**"
        )
        show_chart(st, trellis_figure(label, steps, alphabet, path), key="ctc_trellis")
    if (repeated := first_repeat(text)) is not None:
        st.caption(
            f"Why the blank between the two equal symbols: a path {repeated} {repeated} would merge into a single "
            f"{repeated}. Only a blank between them ({repeated} ε {repeated}) keeps both, so the path may not jump "
            "over that blank."
        )


@st.cache_data(max_entries=16, show_spinner="Reading the captcha…")
def captcha_frames(sample: str) -> np.ndarray:
    """The shipped reader's (50, 20) probabilities for a shipped sample captcha."""
    model = captcha_reader(assets.CAPTCHA_MODEL)
    with Image.open(assets.SAMPLES / "captcha" / sample) as image:
        return captcha.predict_probabilities(model, captcha.preprocess(image)[np.newaxis])[0]


def read_frames(key: str, random_note: str) -> tuple[np.ndarray, ctc.Alphabet, str] | None:
    """Frame probabilities from the chosen source, their alphabet and the label to score (None if unusable).

    Only random frames take the label and T: the captcha's and the example's frames come with their own.
    """
    source = st.radio("Frames", list(SOURCES), format_func=SOURCES.get, horizontal=True, key=f"ctc_{key}_source")
    if source == "example":
        alphabet, probs = ctc.GREEDY_DISAGREES
        st.caption("Two steps and one symbol, a, whose numbers were chosen to make the decoders disagree.")
        return probs, alphabet, "a"
    if source == "captcha":
        if not CAPTCHA_SAMPLES or not assets.CAPTCHA_MODEL.exists():
            st.info("The captcha reader or its samples are not installed here.")
            return None
        sample = st.selectbox(
            "Captcha", [p.name for p in CAPTCHA_SAMPLES], format_func=lambda n: n[:-4], key=f"ctc_{key}_sample"
        )
        st.image(str(assets.SAMPLES / "captcha" / sample), width=300, alt=f"the captcha {sample[:-4]}")
        st.caption("The shipped captcha reader's 50 steps; the label is the captcha's own text.")
        return captcha_frames(sample), CAPTCHA_ALPHABET, sample[:-4]
    text, steps = label_and_steps()
    if text is None:
        return None
    seed = st.number_input("Seed", 0, 9999, 0, key=f"ctc_{key}_seed", width=SETTING_WIDTH)
    alphabet = ctc.label_alphabet(text)
    st.caption(
        f"Random frames: at each of the {steps} steps, random probabilities for the blank, the label's symbols and "
        f"one symbol it does not use ({alphabet.symbols[-1]}). The frames know nothing of the label, which only "
        f"chooses the alphabet: {random_note}"
    )
    return ctc.random_frames(steps, alphabet.classes, int(seed)), alphabet, text


@st.cache_data(max_entries=256, show_spinner=False)
def cached_keras_ctc_loss(log_probs: np.ndarray, label: tuple[int, ...]) -> float:
    """Keras's loss for these frames and label, once per case: it is most of a rerun's server time on this tab."""
    return ctc.keras_ctc_loss(log_probs, label)


def show_forward() -> None:
    frames = read_frames("forward", "the forward algorithm then says how likely they make the label.")
    if frames is None:
        return
    probs, alphabet, truth = frames
    label = alphabet.encode(truth)
    if probs.shape[0] < ctc.min_steps(label):
        st.warning(f"{probs.shape[0]} steps are too few for '{truth}': its probability is 0 (set T higher above).")
        return
    st.markdown(f"**The frames**: at each of the {probs.shape[0]} steps, a probability for the blank and each symbol.")
    show_chart(st, frames_figure(probs, alphabet), key="ctc_forward_frames")
    log_probs = np.log(np.clip(probs, 1e-30, 1.0))
    result = ctc.forward(log_probs, label)
    st.markdown(
        f"**α, step by step** for '{truth}': α_t(s) is the probability of all path beginnings that are in state s "
        "at step t. Each step adds the cells it may come from (the same state, the one above, and the one two above "
        "when that skips a blank between different symbols) and multiplies by the frame's probability of the state's "
        "class. It is computed with logarithms, so that 50 steps of small numbers do not round to 0."
    )
    show_chart(st, alpha_figure(result, alphabet), key="ctc_alpha")
    st.caption(
        "White cells: no path can be there at that step, α = 0. The darkest colour is 10⁻¹² or less, possible but "
        "unlikely."
    )
    keras_loss = cached_keras_ctc_loss(log_probs, tuple(label))
    difference = abs(result.loss - keras_loss)
    with settings_row():  # wraps onto more lines on a narrow screen: the numbers are never cut
        st.metric(
            f"p('{truth}')",
            f"{math.exp(result.log_likelihood):.4g}",
            help="α summed over the last two states: paths that end on the last symbol or the blank after it.",
            width=METRIC_WIDTH,
        )
        st.metric("CTC loss −log p, this page", f"{result.loss:.6f}", width=METRIC_WIDTH)
        st.metric("keras.ops.ctc_loss", f"{keras_loss:.6f}", width=METRIC_WIDTH)
    st.caption(f"p('{truth}') is α in the last two states: paths that end on the last symbol or on the blank after it.")
    verdict = "the same to 1e-5" if difference < 1e-5 else "different"
    st.markdown(f"The NumPy forward algorithm and Keras give {verdict} (difference {difference:.1e}).")
    show_brute_force(log_probs, label, result)
    take_home(
        "ctc",
        lambda: ctc_notebook(truth, alphabet, probs),
        "these frames and this label: the alignments counted, the forward algorithm in NumPy beside Keras's loss, "
        "and the two decoders",
    )


def show_brute_force(log_probs: np.ndarray, label: list[int], result: ctc.Forward) -> None:
    """The forward algorithm's answer against adding up every alignment, and what the algorithm saves."""
    steps = log_probs.shape[0]
    count = ctc.count_alignments(label, steps)
    cells = steps * len(result.states)
    if count == 1:
        st.markdown(
            f"Here only one alignment exists, so p is that one path's probability: the forward algorithm fills "
            f"{cells} cells to find it, more work than the path alone."
        )
        return
    if count <= BRUTE_FORCE_LIMIT:
        total = sum(math.exp(ctc.path_log_probability(log_probs, p)) for p in ctc.alignments(label, steps, count))
        saving = (
            f"The forward algorithm finds it from {cells} cells ({steps} steps of {len(result.states)}) instead of "
            f"{count:,} products of {steps} numbers."
            if count > cells
            else f"With so few alignments that is no more work than the forward algorithm's {cells} cells; with "
            "longer labels and more steps their number explodes, and the cells grow only with T × states."
        )
        st.markdown(f"Adding up the {count:,} alignments one by one gives {total:.6g}: the same number. {saving}")
    else:
        st.markdown(
            f"Here there are {count_in_words(count)} alignments, each a product of {steps} numbers: the page does not "
            f"add them up one by one. The forward algorithm gets their sum from {cells} cells, which is why CTC uses it."
        )


@st.cache_data(max_entries=64, show_spinner=False)
def beam_readings(probs: np.ndarray, beam_width: int) -> list[ctc.Candidate]:
    """Keras's beam search on these frames, once per frames and width (a click elsewhere reruns the page)."""
    return ctc.beam_search(probs, beam_width, top_paths=min(3, beam_width))


@st.cache_data(max_entries=64, show_spinner="Trying every reading…")
def exact_readings(probs: np.ndarray) -> list[ctc.Candidate] | None:
    """The exact search, up to 0.2 s of forward passes here: once per frames, not on every click."""
    return ctc.exact_best(probs)


def show_decoding() -> None:
    frames = read_frames("decode", "the decoders read whatever the random numbers favour, not the label.")
    if frames is None:
        return
    probs, alphabet, _ = frames
    show_chart(st, frames_figure(probs, alphabet), key="ctc_decode_frames")
    path, greedy = ctc.best_path(probs)
    log_probs = np.log(np.clip(probs, 1e-30, 1.0))
    st.markdown(
        f"**Best path (greedy)**: the most probable class at each step, `{' '.join(alphabet.symbol(c) for c in path)}` "
        f"(that path alone: {math.exp(ctc.path_log_probability(log_probs, path)):.3g}), collapses to "
        f"**{show(alphabet, greedy.label)}**, whose probability over all its alignments is "
        f"{math.exp(greedy.log_probability):.4g}."
    )
    beam_width = st.slider("Beam width", 1, 16, 4, key="ctc_beam_width", width=300)
    beams = beam_readings(probs, beam_width)
    exact = exact_readings(probs)
    rows = [
        {
            "decoder": "best path (greedy)",
            "reading": show(alphabet, greedy.label),
            "p(reading)": math.exp(greedy.log_probability),
        }
    ]
    rows += [
        {
            "decoder": f"beam search, width {beam_width} (#{rank})",
            "reading": show(alphabet, c.label),
            "p(reading)": math.exp(c.log_probability),
        }
        for rank, c in enumerate(beams, 1)
    ]
    if exact is not None:
        rows += [
            {
                "decoder": f"exact, every labelling tried (#{rank})",
                "reading": show(alphabet, c.label),
                "p(reading)": math.exp(c.log_probability),
            }
            for rank, c in enumerate(exact[:3], 1)
        ]
    st.table([{**row, "p(reading)": f"{row['p(reading)']:.4f}"} for row in rows], hide_index=True, width="content")
    if exact is None:
        st.caption(
            f"With {probs.shape[0]} steps and {alphabet.classes - 1} symbols there are "
            f"{count_in_words(ctc.labelling_count(alphabet.classes - 1, probs.shape[0]))} possible readings: too many to try them "
            "all. That is why readers use beam search, which keeps only the best few prefixes at each step."
        )
    elif exact[0].label != greedy.label:
        st.success(
            f"Greedy reads {show(alphabet, greedy.label)}, but the most probable reading is "
            f"{show(alphabet, exact[0].label)}: the best single path is not the best labelling, because a "
            "labelling's probability is the sum over all its paths."
        )
    else:
        st.caption(
            "Here greedy decoding finds the most probable reading. The frames 'an example where greedy decoding fails' show when it does not."
        )


def show(alphabet: ctc.Alphabet, label: tuple[int, ...]) -> str:
    return f"'{alphabet.decode(label)}'" if label else "'' (nothing)"


st.title("CTC: lining a label up with time")
st.markdown(
    "A reader that looks at a captcha column by column, or at speech frame by frame, outputs at each time step a "
    "probability for each symbol and for a **blank** (ε, 'nothing here'). Nobody tells it which step holds which "
    "symbol: Connectionist Temporal Classification counts every way the label can be laid out along the steps."
)
st.page_link("app_pages/rnn/speech.py", label="CTC at work on speech: Spoken digits", icon=":material/mic:")


def show_alignments_tab() -> None:
    label_text, steps = label_and_steps()
    if label_text is not None:
        show_alignments(label_text, steps)


show_tabs(
    [
        Tab("Alignments", show_alignments_tab),
        Tab("Forward algorithm", show_forward),
        Tab("Decoding", show_decoding),
        Tab("Check yourself", lambda: check_yourself("ctc")),
    ],
    key="ctc_tab",
)
