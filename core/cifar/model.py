"""The class's CIFAR-10 networks: the basic CNN of the slides and an improved one.

Both models take uint8 images (batch, 32, 32, 3) and scale them to [0, 1] in their first
layer, so the data set stays uint8 in memory and only a batch at a time exists as float32.

Example:
    >>> build_model(CifarConfig.basic()).count_params()
    553514
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import keras
import numpy as np

from core.shared.datasets import CIFAR10_CLASSES, ImagesOnDisk, load_cifar10
from core.shared.fitting import EarlyStop, fit
from core.shared.training import History, Report, StopSignal, TrainingHooks

NUM_CLASSES = len(CIFAR10_CLASSES)


@dataclass(frozen=True)
class CifarConfig:
    """Everything that shapes a CIFAR-10 model; `basic()` and `improved()` are the two presets."""

    filters: tuple[int, ...] = (16, 32, 64)  # one conv block per entry, each with one 2×2 max pooling
    convs_per_block: tuple[int, ...] = (1, 1, 1)  # conv layers in each block
    # Pool after a block's first conv instead of after its last: the block's other convs then
    # run on a quarter of the pixels, which makes a wide network affordable on a CPU.
    pool_early: bool = False
    global_pool: bool = False  # GlobalMaxPooling2D instead of Flatten before the dense layers
    dense_units: int = 512  # hidden dense layer (0 = none); the slides' code says 256, their summary 512
    leaky_slope: float = 0.02  # LeakyReLU's negative slope (the slides' alpha)
    batch_norm: bool = False  # BatchNormalization after each conv
    dropout: float = 0.0  # dropout after each block and before the output (0 = none)
    augment: bool = False  # RandomFlip, RandomRotation, RandomZoom, RandomTranslation while training
    rotation: float = 0.05  # RandomRotation factor (fraction of a full turn)
    zoom: float = 0.1  # RandomZoom height/width factor
    translation: float = 0.0  # RandomTranslation factor (fraction of the side, 0.1 ≈ 3 pixels)
    erasing: float = 0.0  # chance that RandomErasing blanks a patch of 4–10 % of the image (cutout)

    @classmethod
    def basic(cls) -> CifarConfig:
        """Exactly the slides' model: 3 × (Conv2D + LeakyReLU(0.02) + MaxPooling), Dense(512), 553,514 parameters."""
        return cls()

    @classmethod
    def improved(cls) -> CifarConfig:
        """6 conv layers with batch normalisation, dropout and data augmentation.

        Wide blocks of two convs that pool early and a global max pool in place of the big dense
        layer, after the fast CIFAR-10 networks of Keller Jordan's airbench. The slides' 5 conv
        layers (one in the first block) stopped at 0.894 test accuracy; the sixth, at 16×16 with
        64 filters, costs 2 % more parameters and brings 0.906 (docs/cifar10.md). Flips, 4-pixel shifts and
        cutout against overfitting; rotation and zoom slow the learning of a short run more than
        they help it.
        """
        return cls(
            filters=(64, 256, 256),
            convs_per_block=(2, 2, 2),
            pool_early=True,
            global_pool=True,
            dense_units=0,
            batch_norm=True,
            dropout=0.1,
            augment=True,
            rotation=0.0,
            zoom=0.0,
            translation=0.125,
            erasing=0.5,
        )

    def with_changes(self, **changes) -> CifarConfig:
        return replace(self, **changes)


# The Model tab's "Start from" choices, which also name its filters field (the quiz sets both).
PRESET_NAMES = ("basic (the slides')", "improved")

MAX_FILTERS = 512
MAX_BLOCKS = 5


def parse_filters(text: str) -> tuple[int, ...] | None:
    """A student's list of filters per block, or None unless it is 1 to 5 whole numbers from 1 to 512.

    Example:
        >>> parse_filters("16, 32,64"), parse_filters("16, x"), parse_filters("0")
        ((16, 32, 64), None, None)
    """
    try:
        filters = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        return None
    return filters if 1 <= len(filters) <= MAX_BLOCKS and all(1 <= f <= MAX_FILTERS for f in filters) else None


def augmentation_layers(config: CifarConfig, seed: int | None = None) -> list:
    """The random transformations of `config` (a factor of 0 leaves its layer out), active only in training."""
    from keras import layers

    stack: list = [layers.RandomFlip("horizontal", seed=seed, name="random_flip")]
    if config.rotation:
        stack.append(layers.RandomRotation(config.rotation, fill_mode="reflect", seed=seed, name="random_rotation"))
    if config.zoom:
        stack.append(layers.RandomZoom(config.zoom, fill_mode="reflect", seed=seed, name="random_zoom"))
    if config.translation:
        translation = layers.RandomTranslation(
            config.translation, config.translation, fill_mode="reflect", seed=seed, name="random_translation"
        )
        # Keras marks this layer unfit for XLA (TensorFlow's XLA lacks its image transform), and one such layer
        # makes Keras run the whole training step op by op. JAX compiles it fine: an epoch on an H100 took 103 s
        # without this line, 0.6 s with it.
        translation.supports_jit = keras.backend.backend() == "jax"
        stack.append(translation)
    if config.erasing:
        # A tuple makes `erasing` the chance itself; one number would draw the chance from [0, erasing].
        erase = (config.erasing, config.erasing)
        stack.append(
            layers.RandomErasing(
                erase, scale=(0.04, 0.1), fill_value=0, value_range=(0, 255), seed=seed, name="random_erasing"
            )
        )
    return stack


def build_model(config: CifarConfig, seed: int = 0):
    """A compiled Sequential CNN for uint8 CIFAR-10 images: Adam, categorical cross-entropy."""
    from keras import layers

    keras.utils.set_random_seed(seed)
    stack: list = [keras.Input(shape=(32, 32, 3), name="image")]
    if config.augment:
        stack += augmentation_layers(config)
    stack.append(layers.Rescaling(1 / 255, name="scale_to_0_1"))
    # Layers named by their place (block2_conv1, …), not Keras's counters (conv2d_6), so the tables read alike.
    for block, (filters, convs) in enumerate(zip(config.filters, config.convs_per_block, strict=True), start=1):
        for index in range(1, convs + 1):
            name = f"block{block}_{{}}{index}"
            stack.append(layers.Conv2D(filters, (3, 3), padding="same", name=name.format("conv")))
            if config.pool_early and index == 1:
                stack.append(layers.MaxPooling2D(pool_size=(2, 2), padding="same", name=f"block{block}_pool"))
            if config.batch_norm:
                # Keras's default momentum of 0.99 averages the statistics over ~100 steps, too slow for a short run.
                stack.append(layers.BatchNormalization(momentum=0.9, name=name.format("norm")))
            stack.append(layers.LeakyReLU(negative_slope=config.leaky_slope, name=name.format("leaky_relu")))
        if not config.pool_early:
            stack.append(layers.MaxPooling2D(pool_size=(2, 2), padding="same", name=f"block{block}_pool"))
        if config.dropout:
            stack.append(layers.Dropout(config.dropout, name=f"block{block}_dropout"))
    stack.append(
        layers.GlobalMaxPooling2D(name="global_max_pool") if config.global_pool else layers.Flatten(name="flatten")
    )
    if config.dense_units:
        stack += [
            layers.Dense(config.dense_units, name="dense"),
            layers.LeakyReLU(negative_slope=config.leaky_slope, name="dense_leaky_relu"),
        ]
        if config.dropout:
            stack.append(layers.Dropout(config.dropout, name="dense_dropout"))
    # float32 probabilities even under a mixed-precision policy: bfloat16 keeps only 3 significant digits.
    stack.append(layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32", name="class_probabilities"))
    model = keras.Sequential(stack, name="cifar10_cnn")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def describe(config: CifarConfig) -> str:
    """The network `config` builds, in a sentence or two a student can check against the layer table."""
    convs = sum(config.convs_per_block)
    blocks = len(config.filters)
    per_block = (
        f"{config.convs_per_block[0]} conv(s) each"
        if len(set(config.convs_per_block)) == 1
        else "convs " + " + ".join(map(str, config.convs_per_block))
    )
    pooling = "right after its first conv" if config.pool_early else "after its last conv"
    parts = [
        f"{blocks} block(s) of {per_block}, {convs} conv layers in all, with {', '.join(map(str, config.filters))} "
        f"filters; each block halves the picture with a 2 × 2 max pooling {pooling}."
    ]
    head = "a global max pool (the strongest response of each filter)" if config.global_pool else "Flatten"
    dense = f" and a hidden Dense({config.dense_units})" if config.dense_units else ""
    parts.append(f"Then {head}{dense} before the 10 outputs.")
    extras = []
    if config.batch_norm:
        extras.append("batch normalisation after each conv")
    if config.dropout:
        extras.append(f"dropout {config.dropout:g}")
    if config.augment:
        extras.append("augmentation while training: " + ", ".join(augmentation_names(config)))
    if extras:
        parts.append("With " + "; ".join(extras) + ".")
    return " ".join(parts)


def augmentation_names(config: CifarConfig) -> list[str]:
    """What `augmentation_layers(config)` does to a training picture, in words."""
    names = ["mirror images (left–right)"]
    if config.rotation:
        names.append(f"rotations of up to ±{config.rotation * 360:g}°")
    if config.zoom:
        names.append(f"zooms of up to ±{config.zoom:.0%}")
    if config.translation:
        names.append(f"shifts of up to {config.translation * 32:g} pixels")
    if config.erasing:
        names.append(f"cutout (a blanked patch) on {config.erasing:.0%} of the pictures")
    return names


def augmented_copies(image: np.ndarray, config: CifarConfig, count: int, seed: int) -> np.ndarray:
    """`count` random draws of `config`'s augmentation of one uint8 image (32, 32, 3), as uint8."""
    batch = np.repeat(image[np.newaxis].astype(np.float32), count, axis=0)
    for layer in augmentation_layers(config, seed=seed):
        batch = np.asarray(layer(batch, training=True))
    return batch.clip(0, 255).astype(np.uint8)


def multiply_adds(config: CifarConfig) -> int:
    """Multiply-adds of one forward pass of one image: what a training step's time grows with.

    Example:
        >>> multiply_adds(CifarConfig.basic())
        3331072
    """
    total, size, channels = 0, 32, 3
    for filters, convs in zip(config.filters, config.convs_per_block, strict=True):
        for index in range(convs):
            if config.pool_early and index == 1:
                size = (size + 1) // 2  # the first conv ran before the pooling, the others after it
            total += size * size * 9 * channels * filters
            channels = filters
        if config.pool_early and convs == 1 or not config.pool_early:
            size = (size + 1) // 2
    features = channels if config.global_pool else size * size * channels
    if config.dense_units:
        total += features * config.dense_units
        features = config.dense_units
    return total + features * NUM_CLASSES


# Training seconds per image on this project's 2 CPU cores (TensorFlow), validation included, measured by
# `python -m core train cifar10`: the basic preset, 141.9 s for 9 epochs of 45,000 images (its .json); the
# improved preset, 148, 132 and 137 s for epochs of 49,000 images (3 epochs of its command, docs/cifar10.md).
MEASURED_SECONDS_PER_IMAGE = {"basic": 141.9 / (9 * 45_000), "improved": (148 + 132 + 137) / 3 / 49_000}


def expected_training_seconds(config: CifarConfig, images: int, epochs: int) -> float:
    """About how long training `config` on `images` images for `epochs` epochs takes on 2 CPU cores.

    The time per image is drawn through the two presets' measured times by multiply-adds: a
    small network pays a fixed cost per image, a big one its arithmetic.
    """
    basic, improved = CifarConfig.basic(), CifarConfig.improved()
    x0, x1 = multiply_adds(basic), multiply_adds(improved)
    y0, y1 = MEASURED_SECONDS_PER_IMAGE["basic"], MEASURED_SECONDS_PER_IMAGE["improved"]
    per_image = max(y0 + (y1 - y0) * (multiply_adds(config) - x0) / (x1 - x0), y0 / 4)
    return per_image * images * epochs


def use_mixed_bfloat16() -> None:
    """Compute in bfloat16, keep the weights in float32 (Keras mixed precision) for models built after this.

    Faster on CPUs with AMX units and on GPUs (docs/cifar10.md: step times); the weights and the
    loss stay float32, so training is as stable as in float32.
    """

    keras.mixed_precision.set_global_policy("mixed_bfloat16")


def float32_copy(model, config: CifarConfig):
    """The same network with the same weights under the float32 policy: what the app loads and predicts with.

    The global policy is put back afterwards, so models built later are as before.
    """

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        copy = build_model(config)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    copy.set_weights(model.get_weights())
    return copy


def one_cycle_schedule(steps: int, peak_learning_rate: float):
    """Learning rate rising linearly from 0 to the peak over the first fifth of `steps`, then a cosine down to 0.

    A large rate early explores, a small one at the end settles into a minimum; a built-in
    Keras schedule, so a saved model loads without custom objects.
    """

    warmup = max(1, steps // 5)
    return keras.optimizers.schedules.CosineDecay(
        0.0, max(1, steps - warmup), warmup_target=peak_learning_rate, warmup_steps=warmup
    )


def compile_for_a_short_run(model, steps: int, peak_learning_rate: float = 0.2) -> None:
    """Recompile for a fast run of `steps` batches: the recipe the improved pretrained model is trained with.

    SGD with Nesterov momentum on a one-cycle schedule, label smoothing 0.2 (targets
    0.82 / 0.02 instead of 1 / 0, so the network is not pushed to ever more confident
    outputs), and weight decay on the kernels only.
    """

    schedule = one_cycle_schedule(steps, peak_learning_rate)
    # Keras's weight decay is decoupled (w -= lr·wd·w); 5e-3 here is about PyTorch's coupled 5e-4 under momentum 0.9.
    optimizer = keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True, weight_decay=5e-3)
    optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=0.2)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])


def one_hot(labels: np.ndarray) -> np.ndarray:
    """Class indices (N,) → one-hot float32 (N, 10), as `keras.utils.to_categorical` makes them."""
    return np.eye(NUM_CLASSES, dtype=np.float32)[labels]


class UInt8Batches(keras.utils.PyDataset):
    """(images, one-hot labels) batches taken from uint8 arrays by index, reshuffled every epoch.

    Given NumPy arrays, `model.fit` first copies them whole into a tensor (150 MB more for
    CIFAR-10's training set); this hands Keras one batch of 32 images at a time instead.
    `images` may also be an `ImagesOnDisk`: each batch is then read from the cache file.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool, seed: int = 0) -> None:
        # Two threads prepare the next batches while the model trains on this one: with Keras's
        # default of one, every step waits for its batch (docs/cifar10.md: speed and memory).
        super().__init__(workers=2)
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(images)) if shuffle else np.arange(len(images))

    def __len__(self) -> int:
        return int(np.ceil(len(self.images) / self.batch_size))

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return self.images[chosen], one_hot(self.labels[chosen])

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self.order = self.rng.permutation(len(self.images))


def train(
    model,
    x_train: np.ndarray | ImagesOnDisk,
    y_train: np.ndarray,
    epochs: int,
    batch_size: int = 32,
    validation_split: float = 0.1,
    hooks: TrainingHooks | None = None,
    short_run: bool = False,
    patience: int = 0,
) -> History:
    """Fit on uint8 images and integer labels; reports each batch and epoch; Stop ends after a batch.

    With `short_run`, the model is recompiled with `compile_for_a_short_run` for exactly
    this many epochs. With `patience`, training ends once the validation accuracy has not improved
    for that many epochs, and the weights of the best epoch are kept (the basic model
    overfits after a few epochs: its training accuracy keeps climbing, its validation
    accuracy does not).
    """
    # The last part is for validation, as Keras's validation_split takes it (the data are shuffled once already).
    split = len(x_train) - int(len(x_train) * validation_split)
    train_batches = UInt8Batches(x_train[:split], y_train[:split], batch_size, shuffle=True)
    # Validation batches as large as the training ones (Keras's default): a batch of 500 would
    # hold about 100 MB of activations at once for the basic model.
    validation = (
        UInt8Batches(x_train[split:], y_train[split:], batch_size, shuffle=False) if split < len(x_train) else None
    )
    if short_run:
        compile_for_a_short_run(model, epochs * len(train_batches))
    return fit(
        model,
        train_batches,
        validation,
        epochs,
        hooks=hooks,
        early_stop=EarlyStop("val_accuracy", patience),
    )


def train_task(
    history: History,
    stop: StopSignal,
    report: Report,
    config: CifarConfig,
    subset: int,
    epochs: int,
    batch_size: int,
    validation: float,
) -> list[np.ndarray]:
    """The page's training, for a worker process: the first `subset` training images, read from the data cache."""
    data = load_cifar10(train_images_in_memory=False)
    # The student's subset in this process's memory, read in one go (this process ends with the
    # training): a batch is then cut from memory, not read image by image from the file.
    images = data.x_train[:subset]
    images = images.load() if isinstance(images, ImagesOnDisk) else images
    model = build_model(config)

    train(
        model,
        images,
        data.y_train[:subset],
        epochs,
        batch_size,
        validation,
        hooks=TrainingHooks.reporting(history, stop, report, epochs),
    )
    return model.get_weights()


def predict_probabilities(
    model, images: np.ndarray, batch_size: int = 100, mirror: bool = True, on_progress=None
) -> np.ndarray:
    """Class probabilities (N, 10) for uint8 images (N, 32, 32, 3), a batch at a time.

    With `mirror` (test-time augmentation), each image's probabilities are averaged with those
    of its left–right mirror image: both show the same class, and the network's mistakes on
    the two views are partly independent, so the average is right more often.
    """
    if mirror:
        return predict_with_and_without_mirror(model, images, batch_size)[0]
    return classify(model, images, batch_size, on_progress)


def predict_with_and_without_mirror(model, images: np.ndarray, batch_size: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The mirror-averaged probabilities and those of the images as they are, from one pass over each view."""
    as_is = classify(model, images, batch_size)
    return (as_is + classify(model, images[:, :, ::-1], batch_size)) / 2, as_is


def classify(model, images: np.ndarray, batch_size: int, on_progress=None) -> np.ndarray:
    """The model's class probabilities for each image, one view, a batch at a time.

    `on_progress`, if given, is called with the fraction done after each batch.
    """
    outputs = []
    for start in range(0, len(images), batch_size):
        outputs.append(np.asarray(model(images[start : start + batch_size], training=False)))
        if on_progress:
            on_progress(min(start + batch_size, len(images)) / len(images))
    return np.concatenate(outputs) if outputs else np.zeros((0, NUM_CLASSES), dtype=np.float32)


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(probabilities, axis=1) == labels)) if len(labels) else 0.0


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """(10, 10) counts: rows are the true class, columns the predicted class."""
    matrix = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def test_probabilities_path(model_path: Path) -> Path:
    """Where a shipped model's test-set probabilities are kept, beside the model."""
    return model_path.with_suffix(".test_probabilities.npz")


def images_fingerprint(images: np.ndarray) -> str:
    """A short hash of uint8 images, to tell whether stored probabilities are for these very images."""
    return hashlib.sha1(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]


# A picture's sketch: the mean of each of its 4 × 4 blocks of 8 × 8 pixels, per channel (48 numbers). A JPEG copy
# of a picture keeps its sketch within a level or two (3 at quality 50), while another picture, even the same one
# mirrored, is 7 or more levels away on average: so two copies whose sketches are this close hold the same pictures.
SKETCH_BLOCK = 8
SAME_PICTURE_LEVELS = 4.0


def picture_sketches(images: np.ndarray) -> np.ndarray:
    """(N, 4, 4, 3) uint8: each 32 × 32 picture's block means."""
    blocks = images.reshape(len(images), 32 // SKETCH_BLOCK, SKETCH_BLOCK, 32 // SKETCH_BLOCK, SKETCH_BLOCK, 3)
    return blocks.mean(axis=(2, 4)).round().astype(np.uint8)


def same_pictures(sketches: np.ndarray, images: np.ndarray) -> bool:
    """Whether `images` are the sketched pictures, in the same order, up to a re-encoding's shade of difference."""
    if len(sketches) != len(images) or not len(images):
        return False
    difference = np.abs(sketches.astype(np.int16) - picture_sketches(images).astype(np.int16))
    return bool(difference.mean(axis=(1, 2, 3)).max() <= SAME_PICTURE_LEVELS)


@dataclass(frozen=True)
class StoredProbabilities:
    """A shipped model's probabilities for the test pictures, and whether they were made on these very pixels."""

    mirror: np.ndarray  # (N, 10): averaged over each picture and its mirror image
    one_view: np.ndarray  # (N, 10): the picture as it is
    exact: bool  # False: made on another copy of the same pictures (the offline JPEG copy of Toronto's originals)


def save_test_probabilities(path: Path, averaged: np.ndarray, as_is: np.ndarray, images: np.ndarray) -> None:
    """Keep a model's probabilities for the test images (float16: 100 KB a view), so no server recomputes them."""
    np.savez_compressed(
        path,
        mirror=averaged.astype(np.float16),
        one_view=as_is.astype(np.float16),
        fingerprint=np.array(images_fingerprint(images)),
        sketches=picture_sketches(images),
    )


def load_test_probabilities(path: Path, images: np.ndarray) -> StoredProbabilities | None:
    """The stored probabilities if they were made for `images` or for another copy of the same pictures, else None."""
    if not path.exists():
        return None
    with np.load(path) as stored:
        exact = str(stored["fingerprint"]) == images_fingerprint(images)
        if not exact and not ("sketches" in stored and same_pictures(stored["sketches"], images)):
            return None  # other pictures: the model must classify them
        return StoredProbabilities(stored["mirror"].astype(np.float32), stored["one_view"].astype(np.float32), exact)
