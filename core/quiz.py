"""Check yourself: questions made with random settings, answered from the same code that draws the pages.

This is the engine: the question, answers compared, seeds. Each topic has its own makers in
`core/<topic>/questions.py`: `QUESTIONS`, `make(rng) -> Question`, and where a page has results of its own,
`FACT_QUESTIONS`, `make(rng, facts) -> Question` (the shipped CIFAR model's confusion matrix, the shipped
forecaster's errors), used when the page has them. A question carries its answer, a worked answer (the
formula with the numbers in it, or the collapse step by step) and the widget values that show its case on
the page. `question(topic, seed, number)` is the same for the same seed, so a teacher can give a whole
class the same questions.

Example:
    >>> q = question("conv", seed=7, number=0)
    >>> q == question("conv", seed=7, number=0) and is_right(q, q.answer)
    True
"""

from __future__ import annotations

import importlib
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

AnswerKind = Literal["number", "shape", "shapes", "text", "choice"]
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    """One question: what is asked, its answer, how to get there, and the page's widgets that show it."""

    prompt: str  # Markdown
    kind: AnswerKind
    answer: str  # as the worked answer writes it
    worked: str  # Markdown, with $…$ formulas
    choices: tuple[str, ...] = ()
    show: dict[str, object] = field(default_factory=dict)  # widget key → value


# ---------------------------------------------------------------- comparing answers

SHAPE_GROUP = re.compile(r"[\(\[]([^\)\]]*)[\)\]]")


def parse_number(text: str) -> int | None:
    """ "1,792", "1 792" or "1792" → 1792; anything else → None."""
    cleaned = re.sub(r"[\s,_']", "", text)
    return int(cleaned) if re.fullmatch(r"-?\d+", cleaned) else None


def parse_shape(text: str) -> tuple[int | None, ...] | None:
    """ "(None, 10, 32)", "[2, 4]", "2 × 4", "2x4" → a tuple; None for text that is not a shape."""
    parts = [part for part in re.split(r"[\s,×x*]+", text.strip().strip("()[]").lower()) if part]
    if not parts or not all(part == "none" or part.isdigit() for part in parts):
        return None
    return tuple(None if part == "none" else int(part) for part in parts)


def same_shape(given: tuple[int | None, ...], expected: tuple[int | None, ...]) -> bool:
    """Shapes match; a leading `None` (the batch) may be written or left out."""
    return given == expected or (expected[:1] == (None,) and given == expected[1:])


def parse_shapes(text: str) -> list[tuple[int | None, ...]] | None:
    """ "(2, 5, 4), (2, 4)" → two shapes; None if any group is not a shape."""
    groups = SHAPE_GROUP.findall(text) or [text]
    shapes = [parse_shape(group) for group in groups]
    return None if any(shape is None for shape in shapes) else shapes  # type: ignore[return-value]


def is_right(question: Question, given: str) -> bool:
    """Whether `given` answers `question`: numbers exactly, shapes with or without None, text without spaces."""
    if question.kind == "number":
        return parse_number(given) == parse_number(question.answer)
    if question.kind == "shape":
        shape, expected = parse_shape(given), parse_shape(question.answer)
        return shape is not None and expected is not None and same_shape(shape, expected)
    if question.kind == "shapes":
        shapes, expected_shapes = parse_shapes(given), parse_shapes(question.answer)
        return (
            shapes is not None
            and expected_shapes is not None
            and len(shapes) == len(expected_shapes)
            and all(same_shape(a, b) for a, b in zip(shapes, expected_shapes, strict=True))
        )
    if question.kind == "text":
        return re.sub(r"\s", "", given).lower() == re.sub(r"\s", "", question.answer).lower()
    return given == question.answer


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


# ---------------------------------------------------------------- a topic's questions

Maker = Callable[[np.random.Generator], Question]
FactMaker = Callable[[np.random.Generator, Any], Question]


def topic_questions(topic: str) -> tuple[tuple[Maker, ...], tuple[FactMaker, ...]]:
    """A topic's makers, `QUESTIONS` and `FACT_QUESTIONS`, from `core/<topic>/questions.py`.

    The topics are the registry's `quiz` names: a new topic's page needs its questions module, no line here.
    """
    module = importlib.import_module(f"core.{topic}.questions")
    return tuple(module.QUESTIONS), tuple(getattr(module, "FACT_QUESTIONS", ()))


def _asking_about(make: FactMaker, facts: object) -> Maker:
    return lambda rng: make(rng, facts)


def question(topic: str, seed: int, number: int, facts: object | None = None) -> Question:
    """Question `number` of a topic's quiz `seed`: the makers take turns, each with its own seeded draw."""
    questions, fact_questions = topic_questions(topic)
    makers = [*questions]
    if facts is not None:
        makers += [_asking_about(make, facts) for make in fact_questions]
    rng = np.random.default_rng((seed, zlib.crc32(topic.encode()), number))  # each topic its own draws
    return makers[number % len(makers)](rng)
