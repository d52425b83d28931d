"""The CIFAR-10 page's take-home notebook: the student's model and training settings, on `keras.datasets.cifar10`."""

from __future__ import annotations

from core.cifar.model import CifarConfig
from core.shared.datasets import CIFAR10_CLASSES
from core.shared.notebook import Cell, Notebook, code, curves_code, words

QUICK_IMAGES_PER_CLASS = 20  # the tests' quick switch: 200 training and 200 test pictures, one epoch

DATA_CODE = """
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()  # 170 MB, downloaded once
y_train, y_test = y_train[:, 0], y_test[:, 0]
"""
# The tests run the notebook offline, on the app's JPEG copy of CIFAR-10 (CIFAR10_DIR): a few pictures a class.
QUICK_DATA_CODE = f"""
import os
import pathlib

from PIL import Image


def read(part):
    pictures, labels = [], []
    for label, name in enumerate(CLASSES):
        for path in sorted(pathlib.Path(os.environ["CIFAR10_DIR"], part, name).glob("*.jpg"))[:{QUICK_IMAGES_PER_CLASS}]:
            pictures.append(np.asarray(Image.open(path).convert("RGB")))
            labels.append(label)
    return np.stack(pictures), np.array(labels, dtype="uint8")


(x_train, y_train), (x_test, y_test) = read("train"), read("test")
"""


def layers_code(config: CifarConfig) -> list[str]:
    """The model's layers as `keras.Sequential` list items, one a line, as the page builds it."""
    lines = ["keras.Input(shape=(32, 32, 3)),"]
    if config.augment:
        lines.append('layers.RandomFlip("horizontal"),')
        if config.rotation:
            lines.append(f'layers.RandomRotation({config.rotation!r}, fill_mode="reflect"),')
        if config.zoom:
            lines.append(f'layers.RandomZoom({config.zoom!r}, fill_mode="reflect"),')
        if config.translation:
            lines.append(
                f'layers.RandomTranslation({config.translation!r}, {config.translation!r}, fill_mode="reflect"),'
            )
        if config.erasing:
            lines.append(
                f"layers.RandomErasing(({config.erasing!r}, {config.erasing!r}), scale=(0.04, 0.1), value_range=(0, 255)),"
            )
    lines.append("layers.Rescaling(1 / 255),  # pictures go in as they are, 0 to 255")
    slope = config.leaky_slope
    for filters, convs in zip(config.filters, config.convs_per_block, strict=True):
        for index in range(1, convs + 1):
            lines.append(f'layers.Conv2D({filters}, (3, 3), padding="same"),')
            if config.pool_early and index == 1:
                lines.append('layers.MaxPooling2D((2, 2), padding="same"),')
            if config.batch_norm:
                lines.append("layers.BatchNormalization(momentum=0.9),")
            lines.append(f"layers.LeakyReLU(negative_slope={slope!r}),")
        if not config.pool_early:
            lines.append('layers.MaxPooling2D((2, 2), padding="same"),')
        if config.dropout:
            lines.append(f"layers.Dropout({config.dropout!r}),")
    lines.append("layers.GlobalMaxPooling2D()," if config.global_pool else "layers.Flatten(),")
    if config.dense_units:
        lines += [f"layers.Dense({config.dense_units}),", f"layers.LeakyReLU(negative_slope={slope!r}),"]
        if config.dropout:
            lines.append(f"layers.Dropout({config.dropout!r}),")
    lines.append(f'layers.Dense({len(CIFAR10_CLASSES)}, activation="softmax"),')
    return lines


def cifar_notebook(
    config: CifarConfig, epochs: int, batch_size: int, subset: int, validation: float, quick: bool = False
) -> Notebook:
    """The page's model for `config`, trained on `subset` pictures as the page trains it; `quick` is the tests'."""
    settings = {
        "model": "the slides' basic CNN" if config == CifarConfig.basic() else "your settings on the Model tab",
        "epochs, batch size": f"{epochs}, {batch_size}",
        "training pictures, validation split": f"{subset:,}, {validation:g}",
    }
    model_lines = "\n".join("    " + line for line in layers_code(config))
    head = (
        f"a dense layer of {config.dense_units} units and ten softmax outputs"
        if config.dense_units
        else "ten softmax outputs, with no hidden dense layer"
    )
    cells: list[Cell] = [
        words(
            """
            ## 1. The data (slide *CIFAR-10, CNN example*)
            60,000 colour pictures of 32 × 32 pixels in ten classes: 50,000 to train on, 10,000 to test.
            """
        ),
        code(
            f"""
            import keras
            import matplotlib.pyplot as plt
            import numpy as np
            from keras import layers

            CLASSES = {list(CIFAR10_CLASSES)!r}
            EPOCHS, BATCH_SIZE, PICTURES, VALIDATION = {1 if quick else epochs}, {batch_size}, {subset}, {validation!r}
            """
        ),
        code(QUICK_DATA_CODE if quick else DATA_CODE),
        code(
            """
            keras.utils.set_random_seed(0)
            chosen = np.random.permutation(len(x_train))[:PICTURES]  # the page trains on a share too
            x_train, y_train = x_train[chosen], y_train[chosen]
            print("training pictures:", x_train.shape, " test pictures:", x_test.shape)
            """
        ),
        words(
            f"""
            ## 2. The model (slide *CIFAR-10, Basic Model*)
            Blocks of 3 × 3 convolutions, each followed by LeakyReLU and a 2 × 2 max pooling that halves the
            picture; then {head}. The first layer scales the pixels to 0–1, so the model takes pictures as they
            are, like the app's.
            """
        ),
        code(
            "model = keras.Sequential([\n"
            + model_lines
            + "\n])\n"
            + 'model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])\n'
            + "model.summary()\n"
            + 'print(f"parameters: {model.count_params():,}")'
        ),
        words(
            """
            ## 3. Training
            Labels one-hot, as `categorical_crossentropy` takes them; the last part of the training pictures is
            kept aside to validate on.
            """
        ),
        code(
            """
            history = model.fit(
                x_train, keras.utils.to_categorical(y_train, 10), epochs=EPOCHS, batch_size=BATCH_SIZE,
                validation_split=VALIDATION, verbose=2,
            )
            """,
            curves_code("accuracy", '"validation"'),
        ),
        words(
            """
            ## 4. Test accuracy and the confusion matrix
            Row: the true class; column: what the model said. The diagonal is right.
            """
        ),
        code(
            """
            predicted = model.predict(x_test, verbose=0).argmax(axis=1)
            print(f"test accuracy: {np.mean(predicted == y_test):.1%}")
            matrix = np.zeros((10, 10), dtype=int)
            np.add.at(matrix, (y_test, predicted), 1)
            plt.imshow(matrix, cmap="Blues")
            plt.xticks(range(10), CLASSES, rotation=90)
            plt.yticks(range(10), CLASSES)
            plt.show()
            """
        ),
        words(
            """
            ## 5. Bring it back
            Save it, then upload the file on the app's CIFAR-10 page, Inspect tab, to look inside it there.
            """
        ),
        code('model.save("my_cifar10_cnn.keras")'),
    ]
    return Notebook("CIFAR-10: a CNN trained on your settings", settings, cells)
