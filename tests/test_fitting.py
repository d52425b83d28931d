"""The one fit helper: progress, Stop after a batch, early stopping with the best weights kept."""

from __future__ import annotations

import threading

import keras
import numpy as np

from core.shared.fitting import EarlyStop, fit
from core.shared.training import TrainingHooks


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def data(rows: int = 64):
    x = np.random.default_rng(0).standard_normal((rows, 3)).astype("float32")
    return x, x @ np.array([1.0, -2.0, 0.5], dtype="float32")


def test_fit_reports_every_batch_and_epoch():
    """Test that the callbacks see each of 4 batches of 3 epochs, and the history holds 3 epochs of loss."""
    batches, epochs = [], []
    x, y = data()
    hooks = TrainingHooks(on_batch=lambda *a: batches.append(a), on_epoch=epochs.append)
    history = fit(tiny_model(), (x, y), (x, y), 3, batch_size=16, hooks=hooks)
    assert history.epochs == 3 and len(history.metrics["loss"]) == 3 and "val_loss" in history.metrics
    assert len(batches) == 12 and batches[-1] == (2, 4, 4) and len(epochs) == 3


def test_stop_ends_after_the_current_batch():
    """Test that a set stop signal ends the training after its first batch, marked as stopped early."""
    stop = threading.Event()
    stop.set()
    x, y = data()
    history = fit(tiny_model(), (x, y), None, 50, batch_size=16, hooks=TrainingHooks(stop=stop))
    assert history.epochs == 1 and history.stopped_early


def test_a_stop_in_the_middle_of_an_epoch_says_how_much_of_it_ran():
    """Test that Stop pressed during batch 1 of epoch 2 counts 1 epoch and 1 batch of 4, not 2 epochs."""
    stop = threading.Event()

    def press_stop(epoch: int, batch: int, batches: int) -> None:
        if (epoch, batch) == (1, 1):
            stop.set()

    x, y = data()
    history = fit(tiny_model(), (x, y), None, 5, batch_size=16, hooks=TrainingHooks(stop=stop, on_batch=press_stop))
    assert history.unfinished_batches == (1, 4) and history.stopped_early
    assert history.trained_in_words() == "1 epoch and 1 batch of 4"


def test_early_stop_keeps_the_best_epoch():
    """Test that with validation targets that only get worse, training ends after `patience` more epochs."""
    x, y = data()
    history = fit(tiny_model(), (x, y), (x, -10 * y), 50, batch_size=16, early_stop=EarlyStop("val_loss", 2))
    assert history.epochs < 50
