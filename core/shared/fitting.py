"""The one `model.fit` of every training here, and its callback: progress reports to the page, and Stop."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import keras

from core.shared.training import History, TrainingHooks


class ProgressCallback(keras.callbacks.Callback):
    """Reports each batch and epoch through `hooks`, and stops after the current batch when `hooks.stop` is set."""

    def __init__(self, hooks: TrainingHooks) -> None:
        super().__init__()
        self.hooks = hooks
        self._epoch = 0
        self._epoch_start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch
        self._epoch_start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.hooks.on_batch is not None:
            self.hooks.on_batch(self._epoch, batch + 1, self.params.get("steps") or 0)
        if self.hooks.stop.is_set():
            self.model.stop_training = True
            self.hooks.history.stopped_early = True
            steps = self.params.get("steps") or 0
            if batch + 1 < steps:  # Keras still ends this epoch as a whole one: say how much of it ran
                self.hooks.history.unfinished_batches = (batch + 1, steps)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        history = self.hooks.history
        history.seconds.append(time.perf_counter() - self._epoch_start)
        for name, value in (logs or {}).items():
            history.metrics.setdefault(name, []).append(float(value))
        if self.hooks.on_epoch is not None:
            self.hooks.on_epoch(history)


@dataclass(frozen=True)
class EarlyStop:
    """End training once `monitor` has not improved for `patience` epochs, keeping the best epoch's weights."""

    monitor: str  # "val_loss", "val_accuracy"
    patience: int  # 0: never stop early


def fit(
    model,
    training,
    validation,
    epochs: int,
    batch_size: int | None = None,
    hooks: TrainingHooks | None = None,
    early_stop: EarlyStop | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> History:
    """`model.fit` on arrays `(x, y)` or a `keras.utils.PyDataset`, reporting progress; Stop ends after a batch.

    `hooks` follow and stop it (none: a training nobody watches). Arrays are shuffled every epoch;
    a PyDataset shuffles itself.

    Returns:
        The `History` of `hooks`, epoch by epoch.
    """
    hooks = hooks if hooks is not None else TrainingHooks()
    every = [ProgressCallback(hooks), *callbacks]
    if early_stop is not None and early_stop.patience:
        every.append(
            keras.callbacks.EarlyStopping(
                monitor=early_stop.monitor, patience=early_stop.patience, restore_best_weights=True
            )
        )
    arrays = isinstance(training, tuple)
    model.fit(
        training[0] if arrays else training,
        training[1] if arrays else None,
        validation_data=validation,
        epochs=epochs,
        batch_size=batch_size if arrays else None,
        shuffle=arrays,
        verbose=0,
        callbacks=every,
    )
    return hooks.history
