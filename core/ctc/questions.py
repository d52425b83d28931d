"""Check yourself on CTC: collapsing, counting alignments, the fewest steps, valid paths; and the best-path
question the CTC readers (captcha, speech) ask with their own symbols."""

from __future__ import annotations

import numpy as np

from core.ctc import algorithm as ctc
from core.quiz import NO, YES, Question

CTC_LETTERS = ctc.Alphabet("ab")


def _path_text(path: list[int]) -> str:
    return " ".join(CTC_LETTERS.symbol(index) for index in path)


def ctc_collapse(rng: np.random.Generator) -> Question:
    path = [0]
    while not ctc.collapse(path):  # a path of blanks only reads nothing, which an answer field cannot hold
        path = [int(i) for i in rng.integers(0, CTC_LETTERS.classes, size=int(rng.integers(5, 10)))]
    merged = ctc.merge_repeats(path)
    collapsed = CTC_LETTERS.decode(ctc.collapse(path))
    return Question(
        f"A best path over T = {len(path)} steps reads **{_path_text(path)}** (ε is the blank). What text does it "
        "collapse to?",
        "text",
        collapsed or "",
        f"Merge repeats: {_path_text(merged)}; drop the blanks: '{collapsed}'.",
    )


def _random_label(rng: np.random.Generator, longest: int = 3) -> str:
    return "".join(rng.choice(list("ab"), size=int(rng.integers(1, longest + 1))))


def ctc_alignment_count(rng: np.random.Generator) -> Question:
    label = _random_label(rng)
    encoded = CTC_LETTERS.encode(label)
    steps = ctc.min_steps(encoded) + int(rng.integers(0, 4))
    count = ctc.count_alignments(encoded, steps)
    return Question(
        f"How many paths of T = **{steps}** steps collapse to the label **'{label}'**?",
        "number",
        str(count),
        f"Count them on the trellis of ε{'ε'.join(label)}ε: {count:,} path{'s' if count != 1 else ''} start in the first blank or letter, "
        "move on by one or two states each step (skipping a blank only between different letters) and end in "
        "the last letter or blank.",
        show={"ctc_tab": "Alignments", "ctc_label": label, "ctc_steps": steps},
    )


def ctc_min_steps(rng: np.random.Generator) -> Question:
    label = _random_label(rng, 4)
    encoded = CTC_LETTERS.encode(label)
    steps = ctc.min_steps(encoded)
    repeats = sum(a == b for a, b in zip(label, label[1:], strict=False))
    return Question(
        f"What is the smallest number of time steps T in which CTC can output **'{label}'**?",
        "number",
        str(steps),
        f"One step per letter ({len(label)}) plus a blank between each pair of equal neighbours ({repeats}), "
        f"or they would merge: {len(label)} + {repeats} = {steps}.",
        show={"ctc_tab": "Alignments", "ctc_label": label, "ctc_steps": steps},
    )


def ctc_valid_path(rng: np.random.Generator) -> Question:
    label = _random_label(rng)
    path = [int(i) for i in rng.integers(0, CTC_LETTERS.classes, size=int(rng.integers(4, 8)))]
    if rng.random() < 0.5:  # half the time a path that does collapse to the label
        alignments = ctc.alignments(CTC_LETTERS.encode(label), max(len(path), ctc.min_steps(CTC_LETTERS.encode(label))))
        path = list(alignments[int(rng.integers(len(alignments)))])
    collapsed = CTC_LETTERS.decode(ctc.collapse(path))
    answer = YES if collapsed == label else NO
    return Question(
        f"Is **{_path_text(path)}** a valid alignment of the label **'{label}'**? (ε is the blank.)",
        "choice",
        answer,
        f"It collapses to '{collapsed}' ({_path_text(ctc.merge_repeats(path))} without its blanks), "
        + ("which is the label." if answer == YES else "not the label."),
        choices=(YES, NO),
    )


def best_path_question(rng: np.random.Generator, alphabet: ctc.Alphabet, symbols: str, what: str) -> Question:
    steps = int(rng.integers(5, 9))
    chosen = [0, *(alphabet.encode(symbol)[0] for symbol in symbols)]
    probs = np.zeros((steps, alphabet.classes))
    while not ctc.collapse(probs.argmax(axis=1)):  # at least one symbol: an answer field cannot hold "nothing"
        probs = probability_rows(rng, steps, chosen, alphabet.classes)
    path = [int(c) for c in probs.argmax(axis=1)]
    text = alphabet.decode(ctc.collapse(path))
    header = "| step | " + " | ".join(alphabet.symbol(i) for i in chosen) + " |\n|" + " --- |" * (len(chosen) + 1)
    rows = "\n".join(f"| {t + 1} | " + " | ".join(f"{probs[t, i]:.2f}" for i in chosen) + " |" for t in range(steps))
    return Question(
        f"The {what} outputs these probabilities (ε is the blank; every other symbol has 0). What does the best "
        f"path read?\n\n"
        f"{header}\n{rows}",
        "text",
        text,
        f"Take the most likely symbol at each step: {' '.join(alphabet.symbol(i) for i in path)}; merge repeats "
        f"and drop the blanks: '{text}'.",
    )


def probability_rows(rng: np.random.Generator, steps: int, chosen: list[int], classes: int) -> np.ndarray:
    """Two-decimal probabilities over the `chosen` classes that sum to 1 at each step, with one clear winner."""
    probs = np.zeros((steps, classes))
    for t in range(steps):
        while True:
            shares = np.round(rng.dirichlet(np.ones(len(chosen)) * 0.6), 2)
            shares[int(np.argmax(shares))] += 1 - shares.sum()
            top = np.sort(shares)
            if top[-1] - top[-2] >= 0.05:
                break
        probs[t, chosen] = shares
    return probs


# The makers take turns on the page, in this order.
QUESTIONS = (
    ctc_collapse,
    ctc_alignment_count,
    ctc_min_steps,
    ctc_valid_path,
)
