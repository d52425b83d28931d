"""Check yourself on the CIFAR-10 CNNs: layer shapes and parameters, augmentations, the shipped model's confusions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.cifar.model import PRESET_NAMES, CifarConfig
from core.quiz import NO, YES, Question, shape_text


def cifar_layers(config: CifarConfig) -> list[tuple[str, tuple[int, ...], int]]:
    """(name, output shape without the batch, parameters) of each layer of a plain (no batch norm) model."""
    assert not config.batch_norm and not config.global_pool and not config.pool_early
    layers: list[tuple[str, tuple[int, ...], int]] = []
    size, channels = 32, 3
    for block, filters in enumerate(config.filters, start=1):
        layers.append((f"block{block}_conv1", (size, size, filters), (3 * 3 * channels + 1) * filters))
        size, channels = math.ceil(size / 2), filters
        layers.append((f"block{block}_pool", (size, size, channels), 0))
    flat = size * size * channels
    layers.append(("flatten", (flat,), 0))
    layers.append(("dense", (config.dense_units,), (flat + 1) * config.dense_units))
    layers.append(("class_probabilities", (10,), (config.dense_units + 1) * 10))
    return layers


def _cifar_filters(rng: np.random.Generator) -> CifarConfig:
    first = int(rng.choice([8, 16, 32]))
    return CifarConfig.basic().with_changes(filters=(first, 2 * first, 4 * first))


def _cifar_show(config: CifarConfig) -> dict[str, object]:
    # The Model tab's "Start from" radio and its filters field, whose key carries the preset's label.
    preset = PRESET_NAMES[0]
    return {
        "cifar_tab": "Model",
        "cifar_preset": preset,
        f"cifar_filters_{preset}": ", ".join(map(str, config.filters)),
    }


def cifar_layer_question(rng: np.random.Generator) -> Question:
    config = _cifar_filters(rng)
    layers = cifar_layers(config)
    name, shape, params = layers[int(rng.integers(len(layers)))]
    ask_params = params > 0 and rng.random() < 0.5
    filters = ", ".join(map(str, config.filters))
    prompt = (
        f"The slides' CNN with conv layers of **{filters}** filters (3 × 3, padding 'same', each followed by a "
        f"2 × 2 max pooling), then Flatten, Dense(512) and Dense(10), on 32 × 32 × 3 images. "
    )
    if ask_params:
        return Question(
            prompt + f"How many parameters has **{name}**?",
            "number",
            str(params),
            _cifar_params_worked(name, layers),
            show=_cifar_show(config),
        )
    return Question(
        prompt + f"What is the output shape of **{name}** (without the batch)?",
        "shape",
        shape_text((None, *shape)),
        _cifar_shape_worked(name, layers),
        show=_cifar_show(config),
    )


def _cifar_shape_worked(name: str, layers: list) -> str:
    steps = " → ".join(f"{layer}: {shape_text(shape)}" for layer, shape, _ in layers[: _index(name, layers) + 1])
    return f"'same' keeps the size, each pooling halves it, a conv has as many channels as filters: {steps}."


def _cifar_params_worked(name: str, layers: list) -> str:
    index = _index(name, layers)
    previous = layers[index - 1][1] if index else (32, 32, 3)
    _, shape, params = layers[index]
    if name.startswith("block"):
        return rf"$(3 \cdot 3 \cdot {previous[-1]} + 1) \cdot {shape[-1]} = {params}$ (a weight per filter cell, and a bias)."
    return rf"$({previous[-1]} + 1) \cdot {shape[-1]} = {params}$: every input to every unit, and a bias each."


def _index(name: str, layers: list) -> int:
    return [layer for layer, _, _ in layers].index(name)


def cifar_flattened(rng: np.random.Generator) -> Question:
    config = _cifar_filters(rng)
    layers = cifar_layers(config)
    flat = layers[_index("flatten", layers)][1][0]
    last = config.filters[-1]
    return Question(
        f"Three blocks of conv ('same') + 2 × 2 max pooling with **{', '.join(map(str, config.filters))}** filters "
        "turn a 32 × 32 × 3 image into a map that Flatten makes one vector. How long is it (what the Dense "
        "layer sees)?",
        "number",
        str(flat),
        rf"32 → 16 → 8 → 4 after three poolings; $4 \cdot 4 \cdot {last} = {flat}$.",
        show=_cifar_show(config),
    )


AUGMENTATIONS = {
    "a left–right flip": (YES, "a ship or a cat seen in a mirror is still a ship or a cat"),
    "a shift by 3 pixels": (YES, "where the object sits in the picture does not change what it is"),
    "a rotation by 10°": (YES, "a slightly tilted camera shows the same thing"),
    "a zoom by 10 %": (YES, "a little nearer or farther is the same object"),
    "blanking a small patch (cutout)": (YES, "the rest of the object still shows what it is"),
    "an upside-down flip": (NO, "the test pictures never show a ship, horse or truck upside down: the network "
                                "would spend its capacity on pictures it will never be shown"),
    "a rotation by 180°": (NO, "it turns the picture upside down, which CIFAR-10's pictures never are"),
}  # fmt: skip


def cifar_augmentation(rng: np.random.Generator) -> Question:
    name = list(AUGMENTATIONS)[int(rng.integers(len(AUGMENTATIONS)))]
    answer, why = AUGMENTATIONS[name]
    return Question(
        f"Training on CIFAR-10, is **{name}** a good augmentation (it keeps the label and looks like a real "
        "test picture)?",
        "choice",
        answer,
        f"{answer.capitalize()}: {why}.",
        choices=(YES, NO),
        show={"cifar_tab": "Augmentation"},
    )


@dataclass(frozen=True)
class CifarFacts:
    """What the Inspect tab shows of a shipped model: its confusion matrix on the test images."""

    model: str  # the Inspect tab's name for it
    confusion: np.ndarray  # (10, 10): row = true class, column = predicted


def cifar_confusion(rng: np.random.Generator, facts: CifarFacts) -> Question:
    from core.shared.datasets import CIFAR10_CLASSES

    matrix = facts.confusion
    off_diagonal = [(int(matrix[t, p]), t, p) for t in range(10) for p in range(10) if t != p]
    _, true, predicted = sorted(off_diagonal, reverse=True)[int(rng.integers(10))]  # one of the ten biggest mix-ups
    count, total = int(matrix[true, predicted]), int(matrix[true].sum())
    true_name, predicted_name = CIFAR10_CLASSES[true], CIFAR10_CLASSES[predicted]
    return Question(
        f"In the confusion matrix of the **{facts.model}** model (Inspect tab), how many test pictures of a "
        f"**{true_name}** did it call a **{predicted_name}**?",
        "number",
        str(count),
        f"Row {true_name} (the true class), column {predicted_name} (what the model said): {count} of the "
        f"{total} {true_name} pictures, {count / total:.1%}. The biggest mix-ups are between classes that look "
        "alike at 32 × 32 pixels.",
        show={"cifar_tab": "Inspect", "cifar_inspect_model": facts.model},
    )


# The makers take turns on the page, in this order.
QUESTIONS = (
    cifar_layer_question,
    cifar_flattened,
    cifar_augmentation,
)
# Questions about what the page shows of its shipped model, asked when the page passes those facts.
FACT_QUESTIONS = (cifar_confusion,)
