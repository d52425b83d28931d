"""The CTC page's take-home notebook: the student's label and T, alignments counted, the forward algorithm in NumPy
beside `keras.ops.ctc_loss`, and the two decoders."""

from __future__ import annotations

import numpy as np

from core.ctc.algorithm import Alphabet
from core.shared.notebook import Notebook, code, words

# CTC's loss for a model that ends in a softmax, as the captcha and speech notebooks train with it (the notebook's
# copy of `algorithm.ctc_loss`): labels padded with 0, the blank; `ops.ctc_loss` takes logits, and the log of
# probabilities passes through its log-softmax unchanged.
CTC_LOSS_CODE = """
def ctc_loss(y_true, y_pred):
    batch = ops.shape(y_pred)[0]
    steps = ops.full((batch,), ops.shape(y_pred)[1], dtype="int32")
    lengths = ops.sum(ops.cast(ops.not_equal(y_true, 0), "int32"), axis=-1)
    log_probs = ops.log(ops.clip(y_pred, 1e-7, 1.0))  # ctc_loss takes logits; log-probabilities pass unchanged
    return ops.ctc_loss(ops.cast(y_true, "int32"), log_probs, lengths, steps, mask_index=0)
"""


def frames_literal(probs: np.ndarray) -> str:
    """The frames as a NumPy literal, a row per step, to 6 significant digits (a tiny probability stays above 0)."""
    rows = ",\n    ".join("[" + ", ".join(f"{p:.6g}" for p in row) + "]" for row in probs)
    return f"np.array([\n    {rows},\n])"


def how_many(count: int, noun: str) -> str:
    """A count and its noun, plural unless the count is 1 (the notebook prints its counts with a copy of this).

    Example:
        >>> how_many(1, "alignment"), how_many(12_870, "alignment")
        ('1 alignment', '12,870 alignments')
    """
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def ctc_notebook(label: str, alphabet: Alphabet, probs: np.ndarray) -> Notebook:
    """The page's frames (a probability for the blank and each symbol at each step), `label` scored and decoded."""
    steps = probs.shape[0]
    settings = {"label": label, "time steps T": steps, "symbols of the frames": alphabet.symbols}
    symbols = (
        f"the symbol `{alphabet.symbols}` (class 1)"
        if len(alphabet.symbols) == 1
        else f"each symbol of `{alphabet.symbols}` (classes 1 to {len(alphabet.symbols)})"
    )
    cells = [
        words(
            f"""
            ## 1. Frames: a probability for every symbol at every step (appendix *Connectionist Temporal Classification*)
            A reader's output: T = {how_many(steps, "step")}, each a probability for the blank ε (class 0) and
            {symbols}: the page's frames.
            """
        ),
        code(
            "import keras\nimport numpy as np\nfrom keras import ops\n\n"
            f"symbols, label_text = {alphabet.symbols!r}, {label!r}\n"
            "label = [symbols.index(char) + 1 for char in label_text]  # classes; 0 is the blank\n"
            f"probs = {frames_literal(probs)}\n"
            "T = len(probs)\n"
            'print("frames:", probs.shape, " label:", label_text, "→ classes", label)'
        ),
        words(
            """
            ## 2. How many alignments?
            A path of T classes collapses to a text: repeats merge, then blanks go. Between two equal symbols a
            blank is required. Counting the paths that collapse to the label, state by state (the label with a
            blank around every symbol: 2L + 1 states), instead of listing them all.
            """
        ),
        code(
            """
            def how_many(count, noun):
                return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


            states = [0]
            for c in label:
                states += [c, 0]


            def may_skip(s):
                return s >= 2 and states[s] != 0 and states[s] != states[s - 2]


            counts = [1, 1] + [0] * (len(states) - 2)
            for _ in range(T - 1):
                counts = [
                    counts[s] + (counts[s - 1] if s >= 1 else 0) + (counts[s - 2] if may_skip(s) else 0)
                    for s in range(len(states))
                ]
            alignments = counts[-1] + counts[-2]
            counted = how_many(alignments, "alignment")
            print(f"{counted} of {label_text!r} to T = {how_many(T, 'step')} ({len(states)} states)")
            """
        ),
        words(
            """
            ## 3. The forward algorithm, in NumPy
            α[t, s] is the probability of all paths that are in state s at step t. Each step, a path stays, moves to
            the next state, or skips a blank between two different symbols. In logs, so that many small
            probabilities do not underflow.
            """
        ),
        code(
            """
            log_probs = np.log(probs)
            log_alpha = np.full((T, len(states)), -np.inf)
            log_alpha[0, :2] = log_probs[0, states[:2]]
            for t in range(1, T):
                for s in range(len(states)):
                    paths = [log_alpha[t - 1, s]]
                    if s >= 1:
                        paths.append(log_alpha[t - 1, s - 1])
                    if may_skip(s):
                        paths.append(log_alpha[t - 1, s - 2])
                    log_alpha[t, s] = np.logaddexp.reduce(paths) + log_probs[t, states[s]]
            loss = -np.logaddexp(log_alpha[-1, -1], log_alpha[-1, -2])
            print(f"p(label | frames) = {np.exp(-loss):.6g}, loss = -log p = {loss:.4f}")
            """
        ),
        words(
            """
            ## 4. The same loss from Keras
            `keras.ops.ctc_loss` takes logits and applies a log-softmax: the log of probabilities passes through
            it unchanged. `mask_index=0` says that class 0 is the blank.
            """
        ),
        code(
            """
            keras_loss = ops.ctc_loss(
                np.array([label], dtype="int32"),
                log_probs[np.newaxis].astype("float32"),
                np.array([len(label)], dtype="int32"),
                np.array([T], dtype="int32"),
                mask_index=0,
            )
            print(f"Keras's loss: {float(np.asarray(keras_loss)[0]):.4f}")
            """
        ),
        words(
            """
            ## 5. Decoding: what do the frames say?
            Greedy (best path): the likeliest class at each step, collapsed. Beam search keeps the likeliest few
            texts at each step and can find a likelier text than the best path's.
            """
        ),
        code(
            """
            def text_of(classes):
                return "".join(symbols[c - 1] for c in np.asarray(classes) if c >= 1)


            lengths = np.array([T], dtype="int32")
            frames = log_probs[np.newaxis].astype("float32")
            greedy, _ = ops.ctc_decode(frames, lengths, strategy="greedy", mask_index=0)
            beam, _ = ops.ctc_decode(frames, lengths, strategy="beam_search", beam_width=4, top_paths=1, mask_index=0)
            print("best path:", repr(text_of(greedy[0][0])))
            print("beam search (width 4):", repr(text_of(beam[0][0])))
            """
        ),
    ]
    return Notebook("CTC: alignments, the forward algorithm and decoding", settings, cells)
