"""The class's CIFAR-10 networks: the basic CNN of the slides and an improved one.

Both models take uint8 images (batch, 32, 32, 3) and scale them to [0, 1] in their first
layer, so the data set stays uint8 in memory and only a batch at a time exists as float32.

Example:
    >>> build_model(CifarConfig.basic()).count_params()
    553514
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

from core.datasets import CIFAR10_CLASSES, ImagesOnDisk
from core.training import History

NUM_CLASSES = len(CIFAR10_CLASSES)


@dataclass(frozen=True)
class CifarConfig:
    """Everything that shapes a CIFAR-10 model; `basic()` and `improved()` are the two presets."""

    filters: tuple[int, ...] = (16, 32, 64)  # one conv block per entry, each followed by 2×2 max pooling
    convs_per_block: tuple[int, ...] = (1, 1, 1)  # conv layers in each block
    dense_units: int = 512  # the slides' code says 256, their summary shows 512
    leaky_slope: float = 0.02  # LeakyReLU's negative slope (the slides' alpha)
    batch_norm: bool = False  # BatchNormalization after each conv
    dropout: float = 0.0  # dropout after each block and before the output (0 = none)
    augment: bool = False  # RandomFlip, RandomRotation, RandomZoom, RandomTranslation while training
    rotation: float = 0.05  # RandomRotation factor (fraction of a full turn)
    zoom: float = 0.1  # RandomZoom height/width factor
    translation: float = 0.1  # RandomTranslation factor

    @classmethod
    def basic(cls) -> CifarConfig:
        """Exactly the slides' model: 3 × (Conv2D + LeakyReLU(0.02) + MaxPooling), Dense(512), 553,514 parameters."""
        return cls()

    @classmethod
    def improved(cls) -> CifarConfig:
        """5 conv layers with batch normalisation, dropout and data augmentation."""
        return cls(
            filters=(64, 128, 256),
            convs_per_block=(2, 2, 1),
            dense_units=512,
            batch_norm=True,
            dropout=0.3,
            augment=True,
        )

    def with_changes(self, **changes) -> CifarConfig:
        return replace(self, **changes)


def augmentation_layers(config: CifarConfig, seed: int | None = None) -> list:
    """The random transformations of `config`, active only in training."""
    from keras import layers

    return [
        layers.RandomFlip("horizontal", seed=seed),
        layers.RandomRotation(config.rotation, fill_mode="reflect", seed=seed),
        layers.RandomZoom(config.zoom, fill_mode="reflect", seed=seed),
        layers.RandomTranslation(config.translation, config.translation, fill_mode="reflect", seed=seed),
    ]


def build_model(config: CifarConfig, seed: int = 0):
    """A compiled Sequential CNN for uint8 CIFAR-10 images: Adam, categorical cross-entropy."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    stack: list = [keras.Input(shape=(32, 32, 3), name="image")]
    if config.augment:
        stack += augmentation_layers(config)
    stack.append(layers.Rescaling(1 / 255, name="scale_to_0_1"))
    for filters, convs in zip(config.filters, config.convs_per_block, strict=True):
        for _ in range(convs):
            stack.append(layers.Conv2D(filters, (3, 3), padding="same"))
            if config.batch_norm:
                stack.append(layers.BatchNormalization())
            stack.append(layers.LeakyReLU(negative_slope=config.leaky_slope))
        stack.append(layers.MaxPooling2D(pool_size=(2, 2), padding="same"))
        if config.dropout:
            stack.append(layers.Dropout(config.dropout))
    stack += [layers.Flatten(), layers.Dense(config.dense_units), layers.LeakyReLU(negative_slope=config.leaky_slope)]
    if config.dropout:
        stack.append(layers.Dropout(config.dropout))
    stack.append(layers.Dense(NUM_CLASSES, activation="softmax"))
    model = keras.Sequential(stack, name="cifar10_cnn")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def one_hot(labels: np.ndarray) -> np.ndarray:
    """Class indices (N,) → one-hot float32 (N, 10), as `keras.utils.to_categorical` makes them."""
    return np.eye(NUM_CLASSES, dtype=np.float32)[labels]


def train(
    model,
    x_train: np.ndarray | ImagesOnDisk,
    y_train: np.ndarray,
    epochs: int,
    batch_size: int = 32,
    validation_split: float = 0.1,
    on_epoch=None,
    on_batch=None,
    stop: threading.Event | None = None,
    history: History | None = None,
    learning_rate_schedule: bool = False,
    patience: int = 0,
) -> History:
    """Fit on uint8 images and integer labels; reports each batch and epoch; Stop ends after a batch.

    With `learning_rate_schedule`, Adam's learning rate follows a cosine decay to zero over
    the run. With `patience`, training ends once the validation accuracy has not improved
    for that many epochs, and the weights of the best epoch are kept (the basic model
    overfits after a few epochs: its training accuracy keeps climbing, its validation
    accuracy does not).
    """
    import keras

    from core.batches import UInt8Batches
    from core.keras_callbacks import ProgressCallback

    history = history if history is not None else History()
    if learning_rate_schedule:
        steps = epochs * int(np.ceil((len(x_train) - int(len(x_train) * validation_split)) / batch_size))
        schedule = keras.optimizers.schedules.CosineDecay(1e-3, steps)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy", metrics=["accuracy"])
    callbacks = [ProgressCallback(history, on_batch=on_batch, on_epoch=on_epoch, stop=stop)]
    if patience:
        callbacks.append(
            keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=patience, restore_best_weights=True)
        )
    # The last part is for validation, as Keras's validation_split takes it (the data are shuffled once already).
    split = len(x_train) - int(len(x_train) * validation_split)
    train_batches = UInt8Batches(x_train[:split], y_train[:split], batch_size, shuffle=True)
    # Validation batches as large as the training ones (Keras's default): a batch of 500 would
    # hold about 100 MB of activations at once for the basic model.
    validation = (
        UInt8Batches(x_train[split:], y_train[split:], batch_size, shuffle=False) if split < len(x_train) else None
    )
    model.fit(train_batches, validation_data=validation, epochs=epochs, verbose=0, callbacks=callbacks)
    return history


def predict_probabilities(model, images: np.ndarray, batch_size: int = 100) -> np.ndarray:
    """Class probabilities (N, 10) for uint8 images (N, 32, 32, 3), a batch at a time."""
    outputs = [
        np.asarray(model(images[start : start + batch_size], training=False))
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs) if outputs else np.zeros((0, NUM_CLASSES), dtype=np.float32)


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(probabilities, axis=1) == labels)) if len(labels) else 0.0


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """(10, 10) counts: rows are the true class, columns the predicted class."""
    matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix
