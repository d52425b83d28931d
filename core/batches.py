"""Batches cut from uint8 arrays on the fly, so training never holds a second copy of the data set."""

from __future__ import annotations

import keras
import numpy as np

from core.cifar import one_hot


class UInt8Batches(keras.utils.PyDataset):
    """(images, one-hot labels) batches taken from uint8 arrays by index, reshuffled every epoch.

    Given NumPy arrays, `model.fit` first copies them whole into a tensor (150 MB more for
    CIFAR-10's training set); this hands Keras one batch of 32 images at a time instead.
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
