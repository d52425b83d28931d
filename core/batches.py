"""Training batches made on the fly: cut from uint8 arrays, or mixed with freshly drawn text."""

from __future__ import annotations

import keras
import numpy as np

from core.cifar import one_hot
from core.handwriting import pad_labels, synthetic_batch


class UInt8Batches(keras.utils.PyDataset):
    """(images, one-hot labels) batches taken from uint8 arrays by index, reshuffled every epoch.

    Given NumPy arrays, `model.fit` first copies them whole into a tensor (150 MB more for
    CIFAR-10's training set); this hands Keras one batch of 32 images at a time instead.
    `images` may also be an `ImagesOnDisk`: each batch is then read from the cache file.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool, seed: int = 0) -> None:
        super().__init__()
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


class CaptchaAndDrawingBatches(keras.utils.PyDataset):
    """Half real captchas, half synthetic drawings of random texts, new ones in every batch.

    A batch's drawings depend only on (seed, epoch, index), so the two worker threads that
    prepare batches while the model trains give the same data as one would.
    """

    def __init__(
        self, images: np.ndarray, labels: np.ndarray, batch_size: int, steps: int, seed: int = 0, workers: int = 2
    ) -> None:
        super().__init__(workers=workers)
        self.images, self.labels = images, pad_labels(labels)  # (n, 200, 50, 1), (n, 6)
        self.batch_size, self.steps, self.seed = batch_size, steps, seed
        self.epoch = 0

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng((self.seed, self.epoch, index))
        real = rng.choice(len(self.images), self.batch_size // 2, replace=False)
        drawn_images, drawn_labels, _ = synthetic_batch(self.batch_size - len(real), rng)
        return np.concatenate([self.images[real], drawn_images]), np.concatenate([self.labels[real], drawn_labels])

    def on_epoch_end(self) -> None:
        self.epoch += 1
