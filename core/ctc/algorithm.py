"""Connectionist Temporal Classification step by step, in NumPy: alignments, the forward algorithm, decoding.

A network that reads (a captcha, speech) gives, at each of T time steps, probabilities over
the symbols and a blank. A label of L symbols is *aligned* to the T steps by any path of T
classes that collapses to it: merge repeated classes, then drop blanks. CTC's loss is
−log of the label's probability, the sum over all those paths, which the forward algorithm
adds up without listing them. Classes are numbered as in Keras's CTC with `mask_index=0`:
0 is the blank, 1…n are the symbols of an `Alphabet`.

Example:
    >>> collapse([1, 1, 0, 1, 2, 2])  # a a ε a b b
    [1, 1, 2]
    >>> count_alignments([1, 1], 3)  # "aa" in 3 steps: only a ε a
    1
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.shared import assets

BLANK = 0
BLANK_SYMBOL = "ε"


@dataclass(frozen=True)
class Alphabet:
    """The symbols a model reads; class k ≥ 1 is symbols[k − 1], class 0 the blank."""

    symbols: str

    @property
    def classes(self) -> int:
        return len(self.symbols) + 1

    def encode(self, text: str) -> list[int]:
        """Text → classes; raises ValueError naming the characters outside the alphabet."""
        unknown = sorted(set(text) - set(self.symbols))
        if unknown:
            raise ValueError(f"{''.join(unknown)!r} not in the alphabet {self.symbols!r}")
        return [self.symbols.index(char) + 1 for char in text]

    def decode(self, classes: Sequence[int]) -> str:
        """Classes → text, blanks (and Keras's −1 padding) skipped; no merging."""
        return "".join(self.symbols[c - 1] for c in classes if 1 <= c <= len(self.symbols))

    def symbol(self, index: int) -> str:
        return BLANK_SYMBOL if index == BLANK else self.symbols[index - 1]


def label_alphabet(text: str) -> Alphabet:
    """A label's own symbols plus one it does not use, so that random frames can also say something wrong."""
    extra = next(char for char in "xyzqw0123456789" if char not in text)
    return Alphabet("".join(sorted(set(text))) + extra)


def merge_repeats(path: Sequence[int]) -> list[int]:
    """CTC's first rule: consecutive copies of a class become one."""
    return [int(c) for i, c in enumerate(path) if i == 0 or c != path[i - 1]]


def collapse(path: Sequence[int]) -> list[int]:
    """A path's label: merge repeats, then drop blanks."""
    return [c for c in merge_repeats(path) if c != BLANK]


@dataclass(frozen=True)
class CollapseSteps:
    """The best path and what CTC's two rules make of it."""

    path: list[int]  # most probable class at each time step
    merged: list[int]  # consecutive repeats merged into one
    text: str  # blanks dropped


def best_path_steps(probabilities: np.ndarray, alphabet: Alphabet) -> CollapseSteps:
    """Greedy CTC by hand: argmax per step, merge repeats, drop blanks."""
    path = [int(i) for i in probabilities.argmax(axis=1)]
    return CollapseSteps(path, merge_repeats(path), alphabet.decode(collapse(path)))


def with_blanks(label: Sequence[int]) -> list[int]:
    """The label as the forward algorithm's 2L + 1 states: a blank before, between and after the symbols."""
    states = [BLANK]
    for c in label:
        states += [int(c), BLANK]
    return states


def min_steps(label: Sequence[int]) -> int:
    """The fewest time steps that can hold the label: one per symbol, plus a blank between equal neighbours."""
    return len(label) + sum(1 for a, b in itertools.pairwise(label) if a == b)


def may_skip(states: list[int], s: int) -> bool:
    """Whether state s can be reached from s − 2, skipping a blank: not onto a blank, not between equal symbols."""
    return s >= 2 and states[s] != BLANK and states[s] != states[s - 2]


def next_states(states: list[int], s: int) -> list[int]:
    """The states a path in state s may be in at the next step: the same, the next, or over a blank."""
    return [n for n in (s, s + 1, s + 2) if n < len(states) and (n - s < 2 or may_skip(states, n))]


def count_alignments(label: Sequence[int], steps: int) -> int:
    """How many paths of `steps` classes collapse to `label` (dynamic programming over the 2L + 1 states)."""
    states = with_blanks(label)
    counts = [0] * len(states)
    counts[0] = 1
    if len(states) > 1:
        counts[1] = 1
    for _ in range(steps - 1):
        counts = [
            counts[s] + (counts[s - 1] if s >= 1 else 0) + (counts[s - 2] if may_skip(states, s) else 0)
            for s in range(len(states))
        ]
    return counts[-1] + (counts[-2] if len(states) > 1 else 0)


def alignments(label: Sequence[int], steps: int, limit: int = 1000) -> list[tuple[int, ...]]:
    """The paths of `steps` classes that collapse to `label`, in order of their states, at most `limit`."""
    states = with_blanks(label)
    last = len(states) - 1
    found: list[tuple[int, ...]] = []

    def extend(path: list[int], s: int) -> None:
        if len(found) >= limit:
            return
        t = len(path)
        if t == steps:
            if s >= last - 1:
                found.append(tuple(states[state] for state in path))
            return
        for nxt in next_states(states, s):
            if _steps_to_end(states, nxt) <= steps - t:  # the end is still reachable in the steps left
                extend([*path, nxt], nxt)

    for first in (0, 1)[: len(states)]:
        if _steps_to_end(states, first) <= steps:
            extend([first], first)
    return found


def _steps_to_end(states: list[int], s: int) -> int:
    """Fewest steps, this one included, from state s to a final state."""
    remaining = [c for c in states[s:] if c != BLANK]
    return min_steps(remaining) + (1 if states[s] == BLANK else 0)


@dataclass(frozen=True)
class Forward:
    """The forward algorithm's trellis and what it gives."""

    states: list[int]  # the label with blanks, 2L + 1 classes
    log_alpha: np.ndarray  # (T, 2L + 1): log of the probability of the paths ending in each state at each step
    log_likelihood: float  # log p(label | frames): the last two states at the last step

    @property
    def loss(self) -> float:
        """CTC's loss, −log p(label | frames)."""
        return -self.log_likelihood


def forward(log_probs: np.ndarray, label: Sequence[int]) -> Forward:
    """α over (time, state) in log space, so that 50 steps of small probabilities do not underflow.

    α_t(s) = (α_{t−1}(s) + α_{t−1}(s−1) [+ α_{t−1}(s−2) when a blank may be skipped]) · y_t(states[s]).

    Args:
        log_probs: (T, classes) log-probabilities of each class at each step.
        label: the classes of the label, blanks excluded.
    """
    states = with_blanks(label)
    steps = log_probs.shape[0]
    emit = log_probs[:, states]  # (T, S): the log-probability of each state's class at each step
    skip = np.array([may_skip(states, s) for s in range(len(states))])
    log_alpha = np.full((steps, len(states)), -np.inf)
    log_alpha[0, :2] = emit[0, :2]
    for t in range(1, steps):
        previous = log_alpha[t - 1]
        stay_or_step = np.logaddexp(previous, np.r_[-np.inf, previous[:-1]])
        skipped = np.where(skip, np.r_[-np.inf, -np.inf, previous[:-2]][: len(states)], -np.inf)
        log_alpha[t] = np.logaddexp(stay_or_step, skipped) + emit[t]
    final = log_alpha[-1, -2:] if len(states) > 1 else log_alpha[-1, -1:]
    return Forward(states, log_alpha, float(np.logaddexp.reduce(final)))


def path_log_probability(log_probs: np.ndarray, path: Sequence[int]) -> float:
    """log of one path's probability: the product over steps of its class's probability."""
    return float(log_probs[np.arange(len(path)), list(path)].sum())


def keras_ctc_loss(log_probs: np.ndarray, label: Sequence[int]) -> float:
    """The same loss from `keras.ops.ctc_loss` (which takes logits: log-probabilities pass through its log-softmax)."""
    from keras import ops

    loss = ops.ctc_loss(
        np.array([label], dtype=np.int32),
        log_probs[np.newaxis].astype(np.float32),
        np.array([len(label)], dtype=np.int32),
        np.array([log_probs.shape[0]], dtype=np.int32),
        mask_index=BLANK,
    )
    return float(np.asarray(loss)[0])


def ctc_loss(y_true, y_pred):
    """CTC loss of softmax outputs: `keras.ops.ctc_loss` on their logarithm.

    `ctc_loss` expects logits and applies a log-softmax; the log of probabilities that
    already sum to one passes through it unchanged.
    """
    import keras
    from keras import ops

    y_true = ops.cast(y_true, "int32")
    batch = ops.shape(y_pred)[0]
    output_length = ops.full((batch,), ops.shape(y_pred)[1], dtype="int32")
    label_length = ops.sum(ops.cast(ops.not_equal(y_true, BLANK), "int32"), axis=-1)
    log_probabilities = ops.log(ops.clip(y_pred, keras.config.epsilon(), 1.0))
    return ops.ctc_loss(y_true, log_probabilities, label_length, output_length, mask_index=BLANK)


# The readers are saved compiled with this loss: a reader loads compiled wherever this module was imported.
assets.register_custom_object("ctc_loss", ctc_loss)


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Insertions, deletions and substitutions that turn `a` into `b`: how far a reading is from the truth."""
    previous = list(range(len(b) + 1))
    for i, item_a in enumerate(a, start=1):
        current = [i]
        for j, item_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (item_a != item_b)))
        previous = current
    return previous[-1]


def random_frames(steps: int, classes: int, seed: int, sharpness: float = 2.0) -> np.ndarray:
    """(steps, classes) probabilities: a softmax of seeded Gaussian scores (larger `sharpness`, surer frames)."""
    scores = sharpness * np.random.default_rng(seed).standard_normal((steps, classes))
    scores -= scores.max(axis=1, keepdims=True)
    probabilities = np.exp(scores)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Candidate:
    """A labelling and its probability, summed over all its alignments."""

    label: tuple[int, ...]
    log_probability: float


def best_path(probs: np.ndarray) -> tuple[list[int], Candidate]:
    """Greedy decoding: the most probable class at each step, collapsed; with the labelling's full probability."""
    path = [int(c) for c in probs.argmax(axis=1)]
    label = tuple(collapse(path))
    return path, Candidate(label, forward(np.log(probs), label).log_likelihood)


def beam_search(probs: np.ndarray, beam_width: int, top_paths: int) -> list[Candidate]:
    """`keras.ops.ctc_decode`'s beam search; each labelling rescored exactly by the forward algorithm."""
    from keras import ops

    while True:
        try:
            decoded, _ = ops.ctc_decode(
                np.log(probs)[np.newaxis].astype(np.float32),
                np.array([probs.shape[0]], dtype=np.int32),
                strategy="beam_search",
                beam_width=beam_width,
                top_paths=top_paths,
                mask_index=BLANK,
            )
            break
        except Exception:  # TensorFlow refuses more paths than a tiny case has leaves: ask for fewer
            if top_paths == 1:
                raise
            top_paths -= 1
    labels = [tuple(int(c) for c in np.asarray(path)[0] if c > 0) for path in decoded]
    return [Candidate(label, forward(np.log(probs), label).log_likelihood) for label in dict.fromkeys(labels)]


MAX_EXACT_LABELLINGS = 20_000


def labelling_count(symbols: int, steps: int) -> int:
    """How many labellings of length 0 … steps there are over `symbols` symbols."""
    return sum(symbols**length for length in range(steps + 1))


def exact_best(probs: np.ndarray, top: int = 5) -> list[Candidate] | None:
    """The most probable labellings, found by trying every one that fits in the steps (None if there are too many).

    Labellings with a repeated symbol need the extra blank, so those longer than the steps allow are skipped.
    """
    steps, classes = probs.shape
    if labelling_count(classes - 1, steps) > MAX_EXACT_LABELLINGS:
        return None
    log_probs = np.log(probs)
    candidates = [
        Candidate(label, forward(log_probs, label).log_likelihood)
        for length in range(steps + 1)
        for label in itertools.product(range(1, classes), repeat=length)
        if min_steps(label) <= steps
    ]
    return sorted(candidates, key=lambda c: -c.log_probability)[:top]


# A classic case where the best path is not the best labelling: two steps, each 60 % blank and
# 40 % "a". The best path ε ε reads "" (0.36); "a" has three paths, a a, a ε and ε a (0.64).
GREEDY_DISAGREES = (Alphabet("a"), np.array([[0.6, 0.4], [0.6, 0.4]]))
