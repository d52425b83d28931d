"""Check yourself: every question's answer against an independent computation, over hundreds of seeds;
answers compared sensibly; the pages take a right and a wrong answer and show a question's case."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import keras
import numpy as np
import pytest
from apptest import open_page

from app_pages import registry
from core import quiz
from core.captcha import questions as captcha_questions
from core.captcha import reader as captcha
from core.cifar import model as cifar
from core.cifar import questions as cifar_questions
from core.conv import questions as conv_questions
from core.conv.layer import ConvSpec
from core.ctc import algorithm as ctc
from core.ctc import questions as ctc_questions
from core.forecast import questions as forecast_questions
from core.lstm import questions as lstm_questions
from core.speech import ear
from core.speech import questions as speech_questions

SEEDS = range(300)
TOPICS = [entry.quiz for entry in registry.PAGES if entry.quiz]  # the registry names each page's topic


def questions(maker) -> list[quiz.Question]:
    return [maker(np.random.default_rng(seed)) for seed in SEEDS]


# ---------------------------------------------------------------- comparing answers


@pytest.mark.parametrize(
    ("kind", "answer", "given", "right"),
    [
        ("number", "1792", "1,792", True),
        ("number", "1792", " 1 792 ", True),
        ("number", "1792", "1793", False),
        ("number", "1792", "about 1792", False),
        ("shape", "(None, 16, 16, 32)", "(16, 16, 32)", True),
        ("shape", "(None, 16, 16, 32)", "[None, 16,16,32]", True),
        ("shape", "(None, 16, 16, 32)", "16 x 16 x 32", True),
        ("shape", "(None, 16, 16, 32)", "(16, 16)", False),
        ("shape", "(4, 4, 2)", "4 × 4 × 2", True),
        ("shape", "(4, 4, 2)", "(None, 4, 4, 2)", False),  # a shape with a known first size has no None to drop
        ("shapes", "(2, 5, 4), (2, 4), (2, 4)", "(2,5,4) (2,4) (2,4)", True),
        ("shapes", "(2, 5, 4), (2, 4), (2, 4)", "(2, 5, 4), (2, 4)", False),
        ("shapes", "(2, 4)", "2, 4", True),
        ("text", "ab a", "aba", True),
        ("text", "aba", "ABA", True),
        ("text", "aba", "ab", False),
        ("choice", "yes", "no", False),
        ("number", "3", "", False),
        ("shape", "(2, 3)", "", False),
    ],
)
def test_answers_are_compared_sensibly(kind, answer, given, right):
    """Test that numbers, shapes (with or without None, any brackets) and text are compared as a teacher would."""
    question = quiz.Question("?", kind, answer, "", choices=("yes", "no"))
    assert quiz.is_right(question, given) is right


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_question_takes_its_own_answer_and_is_the_same_for_a_seed(topic):
    """Test that each question accepts its answer, is reproducible from its seed, and that choices hold the answer."""
    for number in range(40):
        question = quiz.question(topic, 11, number)
        assert question == quiz.question(topic, 11, number)
        assert question.answer.strip() and quiz.is_right(question, question.answer)
        assert question.kind != "choice" or question.answer in question.choices
    assert len({quiz.question(topic, seed, 0).prompt for seed in range(30)}) > 5  # the seed changes the question


# ---------------------------------------------------------------- each answer, computed another way


def keras_conv_output(spec: ConvSpec) -> tuple[tuple, int]:
    conv = keras.layers.Conv2D(spec.filters, spec.filter_size, strides=spec.stride, padding="valid")
    stack = [keras.Input((spec.height, spec.width, spec.channels))]
    if isinstance(spec.padding, int):
        stack.append(keras.layers.ZeroPadding2D(spec.padding))
    else:
        conv = keras.layers.Conv2D(spec.filters, spec.filter_size, strides=spec.stride, padding=spec.padding)
    model = keras.Sequential([*stack, conv])
    return model.output_shape[1:], conv.count_params()


def spec_of(question: quiz.Question) -> ConvSpec:
    show = question.show
    padding = show.get("conv_p", 0) if show["conv_padding_mode"] == "number p" else show["conv_padding_mode"]
    return ConvSpec(*(show[k] for k in ("conv_height", "conv_width", "conv_channels", "conv_f", "conv_s")), padding,
                    show["conv_k"])  # fmt: skip


def test_conv_shapes_and_parameters_are_keras_layers():
    """Test the output shape and parameter questions against real Keras layers (60 seeds each: building is slow)."""
    for question in questions(conv_questions.conv_output_shape)[:60]:
        shape, _ = keras_conv_output(spec_of(question))
        assert quiz.parse_shape(question.answer) == shape
    for question in questions(conv_questions.conv_parameters)[:60]:
        _, params = keras_conv_output(spec_of(question))
        assert int(question.answer) == params


def test_conv_padding_keeps_the_size_and_possible_means_keras_builds_it():
    """Test 'the padding that keeps the size' and 'possible at all' by the formula and by Keras."""
    for question in questions(conv_questions.conv_same_padding):
        spec = spec_of(question)
        assert (spec.height + 2 * int(question.answer) - spec.filter_size) + 1 == spec.height
    answers = set()
    for question in questions(conv_questions.conv_possible)[:80]:
        try:
            keras_conv_output(spec_of(question))
            built = "yes"
        except ValueError:
            built = "no"
        assert question.answer == built
        answers.add(built)
    assert answers == {"yes", "no"}


def test_cifar_layers_are_the_keras_model():
    """Test `cifar_layers` (what the questions ask) against the real model's layers, for every filter choice."""
    for first in (8, 16, 32):
        config = cifar.CifarConfig.basic().with_changes(filters=(first, 2 * first, 4 * first))
        model = cifar.build_model(config)
        real = {layer.name: (layer.output.shape[1:], layer.count_params()) for layer in model.layers}
        for name, shape, params in cifar_questions.cifar_layers(config):
            assert real[name] == (shape, params), name
    assert (
        sum(params for _, _, params in cifar_questions.cifar_layers(cifar.CifarConfig.basic())) == 553_514
    )  # the slides'


def test_cifar_questions_ask_about_layers_of_the_model():
    """Test that every CIFAR question's answer is the layer table's (shapes with the batch's None)."""
    for question in questions(cifar_questions.cifar_layer_question):
        filters = tuple(int(f) for f in question.show[f"cifar_filters_{cifar.PRESET_NAMES[0]}"].split(", "))
        layers = cifar_questions.cifar_layers(cifar.CifarConfig.basic().with_changes(filters=filters))
        name = question.prompt.split("**")[-2]
        _, shape, params = next(layer for layer in layers if layer[0] == name)
        assert question.answer in (str(params), quiz.shape_text((None, *shape)))
    for question in questions(cifar_questions.cifar_flattened):
        filters = [int(f) for f in question.show[f"cifar_filters_{cifar.PRESET_NAMES[0]}"].split(", ")]
        assert int(question.answer) == 4 * 4 * filters[-1]


def test_lstm_outputs_and_parameters_are_a_keras_lstm():
    """Test the LSTM questions against a Keras LSTM run on an input of the question's shape (40 seeds)."""
    for question in questions(lstm_questions.lstm_outputs)[:40]:
        case = question.show
        layer = keras.layers.LSTM(
            case["lstm_units"],
            return_sequences=case["lstm_return_sequences"],
            return_state=case["lstm_return_state"],
        )
        shape = (case["lstm_batch"], case["lstm_timesteps"], case["lstm_features"])
        outputs = layer(np.zeros(shape, np.float32))
        outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
        assert quiz.parse_shapes(question.answer) == [tuple(output.shape) for output in outputs]
        assert layer.count_params() == 4 * (layer.units * (layer.units + shape[2]) + layer.units)
    for question in questions(lstm_questions.lstm_parameters)[:40]:
        layer = keras.layers.LSTM(question.show["lstm_units"])
        layer.build((None, 3, question.show["lstm_features"]))
        assert int(question.answer) == layer.count_params()


def test_lstm_equal_tensors_are_equal_in_keras():
    """Test that the tensors the answer names are equal in a real LSTM's outputs, and the other pair is not."""
    question = lstm_questions.lstm_equal_tensors(np.random.default_rng(3))
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    sequence, hidden, cell = layer(np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32))
    assert question.answer == lstm_questions.EQUAL_CHOICES[0]
    np.testing.assert_allclose(sequence[:, -1, :], hidden)
    assert not np.allclose(hidden, cell)


def slides_create_dataset(dataset: np.ndarray, look_back: int) -> tuple[np.ndarray, np.ndarray]:
    """The slides' create_dataset, as printed: it loops over range(len(dataset) - look_back - 1)."""
    data_x, data_y = [], []
    for i in range(len(dataset) - look_back - 1):
        data_x.append(dataset[i : (i + look_back)])
        data_y.append(dataset[i + look_back])
    return np.array(data_x), np.array(data_y)


def test_window_counts_are_the_slides_plus_the_pair_they_drop():
    """Test the forecasting questions against the slides' own `create_dataset`, which makes one pair fewer."""
    for question in questions(forecast_questions.forecast_window_count):
        length, look_back = (int(part.strip("*")) for part in question.prompt.split("**")[1:4:2])
        x, _ = slides_create_dataset(np.arange(length), look_back)
        assert int(question.answer) == len(x) + 1
    for question in questions(forecast_questions.forecast_input_shape):
        length, look_back = (int(part.strip("*")) for part in question.prompt.split("**")[1:4:2])
        x, _ = slides_create_dataset(np.arange(length), look_back)
        assert quiz.parse_shape(question.answer) == (len(x) + 1, look_back, 1)


def brute_collapse(path) -> list[int]:
    return [symbol for symbol, _ in itertools.groupby(path) if symbol != ctc.BLANK]


def test_ctc_answers_by_brute_force_over_every_path():
    """Test the CTC questions by listing every path of T steps over ε, a, b."""
    letters = ctc_questions.CTC_LETTERS
    for question in questions(ctc_questions.ctc_collapse):
        path = [
            letters.symbols.index(s) + 1 if s != ctc.BLANK_SYMBOL else 0 for s in question.prompt.split("**")[1].split()
        ]
        assert question.answer == letters.decode(brute_collapse(path))
    for question in questions(ctc_questions.ctc_alignment_count)[:100]:
        label, steps = letters.encode(question.show["ctc_label"]), question.show["ctc_steps"]
        paths = itertools.product(range(letters.classes), repeat=steps)
        assert int(question.answer) == sum(brute_collapse(path) == label for path in paths)
    for question in questions(ctc_questions.ctc_min_steps):
        label = letters.encode(question.show["ctc_label"])
        smallest = next(
            t for t in range(1, 12) if any(brute_collapse(p) == label for p in itertools.product(range(3), repeat=t))
        )
        assert int(question.answer) == smallest
    answers = set()
    for question in questions(ctc_questions.ctc_valid_path):
        path_text, label = question.prompt.split("**")[1], question.prompt.split("'")[1]
        path = [letters.symbols.index(s) + 1 if s != ctc.BLANK_SYMBOL else 0 for s in path_text.split()]
        answers.add(question.answer)
        assert question.answer == ("yes" if letters.decode(brute_collapse(path)) == label else "no")
    assert answers == {"yes", "no"}


def probabilities_in(question: quiz.Question) -> tuple[list[str], np.ndarray]:
    lines = [line for line in question.prompt.splitlines() if line.startswith("|")]
    symbols = [cell.strip() for cell in lines[0].strip("|").split("|")][1:]
    rows = [[float(cell) for cell in line.strip("|").split("|")[1:]] for line in lines[2:]]
    return symbols, np.array(rows)


@pytest.mark.parametrize("maker", [captcha_questions.captcha_best_path, speech_questions.speech_best_path])
def test_best_path_questions_read_their_table(maker):
    """Test the best-path questions from the table the student sees: rows sum to 1, one clear winner, its reading."""
    for question in questions(maker):
        symbols, probs = probabilities_in(question)
        np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-9)
        winners = [symbols[i] for i in probs.argmax(axis=1)]
        assert np.all(np.sort(probs, axis=1)[:, -1] - np.sort(probs, axis=1)[:, -2] >= 0.05 - 1e-9)
        read = "".join(s for s, _ in itertools.groupby(winners) if s != ctc.BLANK_SYMBOL)
        assert question.answer == read


def test_output_steps_are_the_readers_own():
    """Test the steps questions: the page's reader's output length for the question's seconds (the ear's embeddings,
    one per head step), the captcha's width/4."""
    for question in questions(speech_questions.speech_steps)[:25]:
        seconds = float(question.prompt.split("**")[1].split()[0])
        hearing = ear.hear(np.zeros(int(seconds * ear.RATE), np.float32))
        assert int(question.answer) == len(hearing.embeddings)
    for question in questions(captcha_questions.captcha_steps):
        width = int(question.prompt.split("**")[1])
        assert int(question.answer) * captcha.IMAGE_WIDTH == width * captcha.TIME_STEPS


# ---------------------------------------------------------------- each question, solved from its own text
# A student has the question as the page shows it (its text, and a choice question's choices) and, for a question
# about the page's shipped model, what the page shows of that model. Each solver below reads its numbers out of
# the text with regular expressions, never the question's answer, worked answer or widget values, and works the
# answer out by the textbook's formula; the page's own marking (`quiz.is_right`) must take it.

SOLVERS: dict[str, Callable[[str, tuple[str, ...], Any], str]] = {}  # question maker's name → its solver


def solves(*makers: Callable) -> Callable:
    """Register the decorated function as the solver of the questions `makers` make."""

    def register(solver: Callable[[str, tuple[str, ...], Any], str]) -> Callable[[str, tuple[str, ...], Any], str]:
        SOLVERS.update({maker.__name__: solver for maker in makers})
        return solver

    return register


def read(prompt: str) -> str:
    """The prompt as a student reads it: Markdown's bold and code marks dropped."""
    return re.sub(r"\*\*|`", "", prompt)


def found(pattern: str, text: str) -> tuple[str, ...]:
    match = re.search(pattern, text)
    assert match, f"the question does not say what its solver needs ({pattern!r}): {text}"
    return match.groups()


def collapsed(path: Iterable[str]) -> str:
    """A CTC path read as the slides do: merge repeats, then drop the blanks ε."""
    return "".join(symbol for symbol, _ in itertools.groupby(path) if symbol != "ε")


@solves(conv_questions.conv_output_shape)
def solve_conv_output_shape(text: str, choices: tuple[str, ...], page: None) -> str:
    n, _, filters, f, s, p, mode = found(
        r"(\d+) × \1 × (\d+) input and has (\d+) filters? of (\d+) × \4, stride (\d+), padding (?:p = (\d+)|'(\w+)')",
        text,
    )
    if mode == "same":  # Keras pads just enough for one output per stride
        side = math.ceil(int(n) / int(s))
    else:
        side = (int(n) + 2 * int(p or 0) - int(f)) // int(s) + 1
    return f"({side}, {side}, {filters})"


@solves(conv_questions.conv_parameters)
def solve_conv_parameters(text: str, choices: tuple[str, ...], page: None) -> str:
    filters, f, channels = map(int, found(r"(\d+) filters? of (\d+) × \2 on an input with (\d+) channels", text))
    return str((f * f * channels + 1) * filters)


@solves(conv_questions.conv_same_padding)
def solve_conv_same_padding(text: str, choices: tuple[str, ...], page: None) -> str:
    f, n = map(int, found(r"(\d+) × \1 filter and stride 1, .* keep a (\d+) × \2 input \2 × \2", text))
    return str(next(p for p in range(n) if n + 2 * p - f + 1 == n))


@solves(conv_questions.conv_possible)
def solve_conv_possible(text: str, choices: tuple[str, ...], page: None) -> str:
    f, p, n = map(int, found(r"(\d+) × \1 filter with padding p = (\d+) slide over a (\d+) × \3 input", text))
    return "yes" if n + 2 * p >= f else "no"


def cnn_layers(text: str) -> dict[str, tuple[tuple[int, ...], int | None]]:
    """Output shape and parameters of each layer of the CNN a question describes, by its Keras name."""
    filters = [int(k) for k in found(r"(?:conv layers of|pooling with) ([\d, ]+) filters", text)[0].split(", ")]
    size, channels = map(int, found(r"(\d+) × \1 × (\d+) image", text))
    kernel = re.search(r"\((\d+) × \1, padding 'same'", text)  # only the shapes are asked when it is not given
    found(r"(padding 'same'|\('same'\)).* 2 × 2 max pooling", text)
    layers: dict[str, tuple[tuple[int, ...], int | None]] = {}
    for block, count in enumerate(filters, start=1):
        params = (int(kernel[1]) ** 2 * channels + 1) * count if kernel else None
        layers[f"block{block}_conv1"] = ((size, size, count), params)
        size, channels = size // 2, count  # 'same' keeps the size, the pooling halves it
        layers[f"block{block}_pool"] = ((size, size, channels), 0)
    flat = size * size * channels
    layers["flatten"] = ((flat,), 0)
    if dense := re.search(r"Dense\((\d+)\) and Dense\((\d+)\)", text):
        hidden, classes = int(dense[1]), int(dense[2])
        layers["dense"] = ((hidden,), (flat + 1) * hidden)
        layers["class_probabilities"] = ((classes,), (hidden + 1) * classes)  # the last Dense, a unit per class
    return layers


@solves(cifar_questions.cifar_layer_question)
def solve_cifar_layer_question(text: str, choices: tuple[str, ...], page: None) -> str:
    layers = cnn_layers(text)
    if "How many parameters" in text:
        return str(layers[found(r"How many parameters has (\w+)\?", text)[0]][1])
    return quiz.shape_text(layers[found(r"output shape of (\w+) \(without the batch\)", text)[0]][0])


@solves(cifar_questions.cifar_flattened)
def solve_cifar_flattened(text: str, choices: tuple[str, ...], page: None) -> str:
    return str(cnn_layers(text)["flatten"][0][0])


@solves(cifar_questions.cifar_augmentation)
def solve_cifar_augmentation(text: str, choices: tuple[str, ...], page: None) -> str:
    change = found(r"is (.+) a good augmentation", text)[0]
    # No CIFAR-10 test picture is upside down; mirrored, shifted, slightly turned, zoomed or partly hidden, a
    # picture still shows its class.
    degrees = re.search(r"rotation by (\d+)°", change)
    return "no" if "upside-down" in change or (degrees and int(degrees[1]) >= 90) else "yes"


@solves(cifar_questions.cifar_confusion)
def solve_cifar_confusion(text: str, choices: tuple[str, ...], page: cifar_questions.CifarFacts) -> str:
    from core.shared.datasets import CIFAR10_CLASSES

    model, true, predicted = found(r"matrix of the (.+) model \(Inspect tab\).* of a (\w+) did it call a (\w+)\?", text)
    assert model == page.model
    return str(page.confusion[CIFAR10_CLASSES.index(true), CIFAR10_CLASSES.index(predicted)])  # row true, column said


@solves(lstm_questions.lstm_outputs)
def solve_lstm_outputs(text: str, choices: tuple[str, ...], page: None) -> str:
    units, sequences, state, batch, steps, _ = found(
        r"LSTM\((\d+), return_sequences=(\w+), return_state=(\w+)\) gets an input of shape \((\d+), (\d+), (\d+)\)",
        text,
    )
    hidden = f"({batch}, {units})"
    first = f"({batch}, {steps}, {units})" if sequences == "True" else hidden  # h at every step, or the last h
    return ", ".join([first, hidden, hidden] if state == "True" else [first])  # then the final h and c


@solves(lstm_questions.lstm_parameters)
def solve_lstm_parameters(text: str, choices: tuple[str, ...], page: None) -> str:
    u, d = map(int, found(r"LSTM\((\d+)\) on inputs with (\d+) features", text))
    return str(4 * (u * (u + d) + u))


@solves(lstm_questions.lstm_equal_tensors)
def solve_lstm_equal_tensors(text: str, choices: tuple[str, ...], page: None) -> str:
    found(r"return_state=True\) returns three tensors", text)
    # The output at a step is that step's hidden state h, so the last one is the final hidden state; c is not h.
    return next(choice for choice in choices if "last step" in choice and "final_hidden_state" in choice)


@solves(forecast_questions.forecast_window_count)
def solve_forecast_window_count(text: str, choices: tuple[str, ...], page: None) -> str:
    length, look_back = map(int, found(r"series of (\d+) values is cut into windows of look_back = (\d+)", text))
    return str(length - look_back)  # a target for every value after the first window


@solves(forecast_questions.forecast_input_shape)
def solve_forecast_input_shape(text: str, choices: tuple[str, ...], page: None) -> str:
    length, look_back = map(int, found(r"series of (\d+) values, windows of look_back = (\d+)", text))
    return f"({length - look_back}, {look_back}, 1)"


@solves(forecast_questions.forecast_lowest_error)
def solve_forecast_lowest_error(text: str, choices: tuple[str, ...], page: forecast_questions.ForecastFacts) -> str:
    lowest = found(r"which forecast has the (lowest|highest) error", text)[0] == "lowest"
    return (min if lowest else max)(choices, key=lambda name: page.rmse[name])


@solves(forecast_questions.forecast_horizon)
def solve_forecast_horizon(text: str, choices: tuple[str, ...], page: forecast_questions.ForecastFacts) -> str:
    level = float(found(r"first pass (\d+(?:\.\d+)?)\?", text)[0])
    return str(next(step for step, error in enumerate(page.recursive_error, start=1) if error > level))


@solves(captcha_questions.captcha_best_path, speech_questions.speech_best_path)
def solve_best_path(text: str, choices: tuple[str, ...], page: None) -> str:
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("|")]
    symbols, table = rows[0][1:], [[float(p) for p in row[1:]] for row in rows[2:]]
    return collapsed(symbols[row.index(max(row))] for row in table)


@solves(captcha_questions.captcha_steps)
def solve_captcha_steps(text: str, choices: tuple[str, ...], page: None) -> str:
    poolings = ("one", "two", "three").index(found(r"its (one|two|three) 2 × 2 max poolings? halve", text)[0]) + 1
    return str(int(found(r"(\d+) pixels wide", text)[0]) // 2**poolings)


@solves(speech_questions.speech_steps)
def solve_speech_steps(text: str, choices: tuple[str, ...], page: None) -> str:
    rate, window, hop = (
        int(number.replace(",", ""))
        for number in found(r"hears ([\d,]+) samples a second.+windows of (\d+) samples, one every (\d+) samples", text)
    )
    frames_per_step, step = (
        int(n) for n in found(r"for every (\d+) frames that fit whole, one every (\d+) frames", text)
    )
    seconds = float(found(r"for (\d+(?:\.\d+)?) s of sound", text)[0])
    frames = 1 + (round(seconds * rate) - window) // hop  # every window that fits whole
    return str(1 + (frames - frames_per_step) // step)


@solves(ctc_questions.ctc_collapse)
def solve_ctc_collapse(text: str, choices: tuple[str, ...], page: None) -> str:
    return collapsed(found(r"reads (.+) \(ε is the blank\)", text)[0].split())


@functools.cache
def alignment_count(label: str, steps: int) -> int:
    return sum(collapsed(path) == label for path in itertools.product("εab", repeat=steps))


@solves(ctc_questions.ctc_alignment_count)
def solve_ctc_alignment_count(text: str, choices: tuple[str, ...], page: None) -> str:
    steps, label = found(r"T = (\d+) steps collapse to the label '(\w+)'", text)
    return str(alignment_count(label, int(steps)))


@solves(ctc_questions.ctc_min_steps)
def solve_ctc_min_steps(text: str, choices: tuple[str, ...], page: None) -> str:
    label = found(r"CTC can output '(\w+)'", text)[0]
    return str(len(label) + sum(a == b for a, b in itertools.pairwise(label)))  # a blank between equal neighbours


@solves(ctc_questions.ctc_valid_path)
def solve_ctc_valid_path(text: str, choices: tuple[str, ...], page: None) -> str:
    path, label = found(r"Is (.+) a valid alignment of the label '(\w+)'", text)
    return "yes" if collapsed(path.split()) == label else "no"


def page_facts(topic: str) -> object:
    """What a page shows of its shipped model, made up: a confusion matrix, a results table and a steps-ahead curve."""
    if topic == "cifar":
        matrix = np.random.default_rng(0).integers(0, 60, size=(10, 10)) + np.eye(10, dtype=int) * 800
        return cifar_questions.CifarFacts("pretrained basic", matrix)
    error = np.abs(np.random.default_rng(1).standard_normal(120)).cumsum() / 40
    return forecast_questions.ForecastFacts(
        {"LSTM": 0.31, "linear predictor": 0.3, "persistence": 0.42, "noise floor": 0.29}, error
    )


# Every question maker of every topic, with whether it asks about the page's facts.
MAKERS = [
    (topic, maker, asks_facts)
    for topic in TOPICS
    for makers, asks_facts in zip(quiz.topic_questions(topic), (False, True), strict=True)
    for maker in makers
]


@pytest.mark.parametrize(("topic", "maker", "asks_facts"), MAKERS, ids=[maker.__name__ for _, maker, _ in MAKERS])
def test_every_question_can_be_solved_from_its_own_text(topic, maker, asks_facts):
    """Test that each maker's question text (with what its page shows) is all a student needs, for 40 seeds."""
    if maker.__name__ not in SOLVERS:
        pytest.fail(f"{maker.__name__} has no solver here: write one that answers its question from the text alone")
    facts = page_facts(topic) if asks_facts else None
    for seed in range(40):
        rng = np.random.default_rng(seed)
        question = maker(rng, facts) if asks_facts else maker(rng)
        given = SOLVERS[maker.__name__](read(question.prompt), question.choices, facts)
        assert quiz.is_right(question, given), (question.prompt, given, question.answer)


# ---------------------------------------------------------------- on the pages

# Each quiz's page, and the tab that holds it where the page's tabs are in its address (captcha's are not).
PAGES = {
    topic: (entry.path, entry.quiz_tab if entry.tab_key else None, entry.tab_key)
    for topic, entry in registry.QUIZ_PAGES.items()
}


def answer_on_page(app, topic: str, given: str) -> None:
    question = quiz.question(topic, 42, 0)
    if question.kind == "choice":
        app.radio(key=f"quiz_{topic}_choice_42_0").set_value(given)
    else:
        app.text_input(key=f"quiz_{topic}_text_42_0").set_value(given)
    next(button for button in app.button if button.label == "Check").click()
    app.run()


def wrong_answer(question: quiz.Question) -> str:
    if question.kind == "choice":
        return next(choice for choice in question.choices if choice != question.answer)
    return {"number": "999999", "shape": "(1, 2, 3, 4, 5)", "shapes": "(9, 9, 9)", "text": "zzzzzz"}[question.kind]


@pytest.mark.parametrize("topic", sorted(PAGES))
def test_each_page_takes_a_right_and_a_wrong_answer(topic):
    """Test on each page, with ?quiz=42 in the address: a wrong answer then the right one to the next question."""
    page, tab, tab_key = PAGES[topic]
    app = open_page(page, tab, tab_key)
    app.query_params["quiz"] = "42"
    app.run()
    question = quiz.question(topic, 42, 0)
    assert any(question.prompt.split("**")[0][:40] in m.value for m in app.markdown)  # the address's quiz
    answer_on_page(app, topic, wrong_answer(question))
    assert any(question.answer in e.value for e in app.error) and not app.exception
    answer_on_page(app, topic, question.answer)  # a second answer to the same question does not count
    assert any("0 of 1 right" in c.value for c in app.caption)
    next(button for button in app.button if button.label == "Next question").click()
    app.run()
    following = quiz.question(topic, 42, 1)
    key = f"quiz_{topic}_{'choice' if following.kind == 'choice' else 'text'}_42_1"
    (app.radio if following.kind == "choice" else app.text_input)(key=key).set_value(following.answer)
    next(button for button in app.button if button.label == "Check").click()
    app.run()
    assert any(e.value.startswith("Right") for e in app.success)
    assert any("1 of 2 right" in c.value for c in app.caption)
    assert not app.exception


@pytest.mark.parametrize("topic", [topic for topic in sorted(PAGES) if topic not in {"forecast", "captcha"}])
def test_show_it_on_the_page_sets_widgets_the_page_accepts(topic):
    """Test "Show it on the page" for several questions of each page: the page runs with the case's values."""
    page, tab, tab_key = PAGES[topic]
    app = open_page(page, tab, tab_key)
    for number in range(len(quiz.topic_questions(topic)[0]) * 2):
        question = quiz.question(topic, 5, number)
        if not question.show:
            continue
        for key, value in question.show.items():
            app.session_state[key] = value
        app.run()
        assert not app.exception, (number, question.show)
        shown = {key: app.session_state[key] for key in question.show}
        assert shown == question.show
        assert not app.error or topic == "conv", [e.value for e in app.error]
        if tab_key:
            app.session_state[tab_key] = tab
            app.run()


def test_confusion_questions_read_the_matrix_the_inspect_tab_shows():
    """Test that a confusion question names a cell among the ten biggest mix-ups and answers with its count."""
    from core.shared.datasets import CIFAR10_CLASSES

    matrix = np.random.default_rng(0).integers(0, 60, size=(10, 10)) + np.eye(10, dtype=int) * 800
    facts = cifar_questions.CifarFacts("pretrained basic", matrix)
    tenth_biggest = sorted(matrix[~np.eye(10, dtype=bool)])[-10]
    for seed in SEEDS:
        question = cifar_questions.cifar_confusion(np.random.default_rng(seed), facts)
        true, predicted = (CIFAR10_CLASSES.index(name) for name in question.prompt.split("**")[3:6:2])
        assert int(question.answer) == matrix[true, predicted] >= tenth_biggest and true != predicted
        assert question.show["cifar_inspect_model"] == "pretrained basic"


def test_forecast_questions_read_the_results_table_and_the_steps_ahead_chart():
    """Test the lowest/highest error among the three forecasters and the first step past a level, found by a loop."""
    error = np.abs(np.random.default_rng(1).standard_normal(120)).cumsum() / 40
    facts = forecast_questions.ForecastFacts(
        {"LSTM": 0.31, "linear predictor": 0.3, "persistence": 0.42, "noise floor": 0.29}, error
    )
    answers = set()
    for seed in SEEDS:
        question = forecast_questions.forecast_lowest_error(np.random.default_rng(seed), facts)
        answers.add(question.answer)
        assert question.answer == ("linear predictor" if "lowest" in question.prompt else "persistence")
        assert "noise floor" not in question.choices
        question = forecast_questions.forecast_horizon(np.random.default_rng(seed), facts)
        level = float(question.prompt.split("**")[-2])
        first = next(step for step, value in enumerate(error, start=1) if value > level)
        assert int(question.answer) == first
    assert answers == {"linear predictor", "persistence"}


def test_fact_questions_join_the_turns_only_when_the_page_has_facts():
    """Test that without facts a topic's questions never need them, and with facts they come in turn."""
    facts = forecast_questions.ForecastFacts(
        {"LSTM": 1.0, "linear predictor": 2.0, "persistence": 3.0, "noise floor": 0.5}, np.ones(9)
    )
    without = [quiz.question("forecast", 3, n).prompt for n in range(8)]
    with_facts = [quiz.question("forecast", 3, n, facts).prompt for n in range(8)]
    assert not any("shipped model" in prompt for prompt in without)
    assert sum("shipped model" in prompt for prompt in with_facts) == 4  # two of every four turns
