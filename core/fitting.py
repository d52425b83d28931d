"""The one `model.fit` of every training here, and its callback: progress reports to the page, and Stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras

from core.training import History, StopSignal


class ProgressCallback(keras.callbacks.Callback):
    """Reports each batch and epoch to the page, and stops after the current batch on request.

    Args:
        history: filled in as epochs finish.
        on_batch: called as `on_batch(epoch, batch, batches_per_epoch)` after every batch.
        on_epoch: called as `on_epoch(history)` after every epoch.
        stop: when set, training ends after the batch in progress; the weights so far are kept.
    """

    def __init__(
        self,
        history: History,
        on_batch: Callable[[int, int, int], None] | None = None,
        on_epoch: Callable[[History], None] | None = None,
        stop: StopSignal | None = None,
    ) -> None:
        super().__init__()
        self.history_so_far = history
        self.on_batch = on_batch
        self.on_epoch = on_epoch
        self.stop = stop or threading.Event()
        self._epoch = 0
        self._epoch_start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch
        self._epoch_start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.on_batch is not None:
            self.on_batch(self._epoch, batch + 1, self.params.get("steps") or 0)
        if self.stop.is_set():
            self.model.stop_training = True
            self.history_so_far.stopped_early = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.history_so_far.seconds.append(time.perf_counter() - self._epoch_start)
        for name, value in (logs or {}).items():
            self.history_so_far.metrics.setdefault(name, []).append(float(value))
        if self.on_epoch is not None:
            self.on_epoch(self.history_so_far)


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
    history: History | None = None,
    on_batch: Callable[[int, int, int], None] | None = None,
    on_epoch: Callable[[History], None] | None = None,
    stop: StopSignal | None = None,
    early_stop: EarlyStop | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> History:
    """`model.fit` on arrays `(x, y)` or a `keras.utils.PyDataset`, reporting progress; Stop ends after a batch.

    `history`, if given, is filled in place, so a caller that keeps it sees the epochs done
    even when the run is interrupted. Arrays are shuffled every epoch; a PyDataset shuffles itself.

    Returns:
        The `History`, epoch by epoch.
    """
    history = history if history is not None else History()
    every = [ProgressCallback(history, on_batch=on_batch, on_epoch=on_epoch, stop=stop), *callbacks]
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
    return history
