"""What a training run reports, shared by every page that trains in the browser.

Kept free of Keras so that pages can hold a history without importing TensorFlow; the
Keras callback that fills it is in `core.shared.fitting`.
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class StopSignal(Protocol):
    """What a training polls after each batch: a `threading.Event`, or a `multiprocessing` one in a worker."""

    def is_set(self) -> bool: ...


# How a training reports progress: report(fraction done, text for the page).
Report = Callable[[float, str], None]

# Called after every batch as on_batch(epoch, batch, batches per epoch).
BatchHook = Callable[[int, int, int], None]


@dataclass
class History:
    """Metrics per finished epoch, and how long each took."""

    metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False  # True when Stop was pressed before the last epoch
    # (batches done, batches per epoch) of the last epoch when Stop cut it short; Keras still ends it as an epoch.
    unfinished_batches: tuple[int, int] | None = None

    @property
    def epochs(self) -> int:
        return len(self.seconds)

    def trained_in_words(self) -> str:
        """What was trained: '3 epochs', or, when Stop cut the last epoch short, '1 epoch and 2 batches of 100'.

        Example:
            >>> History(seconds=[1.0, 1.0]).trained_in_words()
            '2 epochs'
            >>> History(seconds=[1.0, 0.1], unfinished_batches=(1, 100)).trained_in_words()
            '1 epoch and 1 batch of 100'
            >>> History(seconds=[0.1], unfinished_batches=(2, 100)).trained_in_words()
            '2 batches of 100'
        """
        if self.unfinished_batches is None:
            return _counted(self.epochs, "epoch")
        done, per_epoch = self.unfinished_batches
        batches = f"{_counted(done, 'batch', 'batches')} of {per_epoch}"
        full = self.epochs - 1
        return f"{_counted(full, 'epoch')} and {batches}" if full else batches


def _counted(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def batch_report(report: Report, epochs: int) -> BatchHook:
    """An `on_batch(epoch, batch, batches)` for `fitting.fit` that reports every batch of `epochs` to `report`.

    Every page reports batches, not epochs: an epoch can take a minute, and a bar that stays empty
    that long looks broken (a closed tab is also noticed at the next report).

    Example:
        >>> batch_report(lambda fraction, text: print(f"{fraction:.2f} {text}"), epochs=2)(1, 5, 10)
        0.75 Epoch 2/2, batch 5/10
    """

    def on_batch(epoch: int, batch: int, batches: int) -> None:
        report((epoch + batch / max(batches, 1)) / epochs, f"Epoch {epoch + 1}/{epochs}, batch {batch}/{batches}")

    return on_batch


@dataclass
class TrainingHooks:
    """How the caller follows and stops one training: every `train` here takes one, and `fitting.fit` uses it.

    Attributes:
        history: filled in place as epochs finish, so a caller that keeps it sees the epochs done even
            when the run is interrupted.
        stop: when set, training ends after the batch in progress; the weights so far are kept.
        on_batch: called as `on_batch(epoch, batch, batches_per_epoch)` after every batch.
        on_epoch: called as `on_epoch(history)` after every epoch.
    """

    history: History = field(default_factory=History)
    stop: StopSignal = field(default_factory=threading.Event)
    on_batch: BatchHook | None = None
    on_epoch: Callable[[History], None] | None = None

    @classmethod
    def reporting(cls, history: History, stop: StopSignal, report: Report, epochs: int) -> TrainingHooks:
        """The hooks of a worker's training task: every batch of `epochs` reported to the page's `report`."""
        return cls(history, stop, on_batch=batch_report(report, epochs))


class TrainingQueue:
    """First come, first served places for trainings that share the server's few CPU cores.

    A session joins, waits until its position is 0, trains, then leaves (always, in a
    `finally`: Stop, an error or a closed tab end the script run and so free the place).

    Example:
        >>> queue = TrainingQueue(slots=1)
        >>> first, second = queue.join(), queue.join()
        >>> queue.position(first), queue.position(second)
        (0, 1)
        >>> queue.leave(first); queue.position(second)
        0
    """

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots must be at least 1; got {slots}.")
        self.slots = slots
        self._lock = threading.Lock()
        self._tickets: list[int] = []
        self._next = 0

    def join(self) -> int:
        with self._lock:
            self._next += 1
            self._tickets.append(self._next)
            return self._next

    def position(self, ticket: int) -> int:
        """0 when this ticket may train now; otherwise how many trainings must finish first."""
        with self._lock:
            index = self._tickets.index(ticket)
            return max(index - self.slots + 1, 0)

    def leave(self, ticket: int) -> None:
        with self._lock:
            if ticket in self._tickets:
                self._tickets.remove(ticket)

    @property
    def running(self) -> int:
        with self._lock:
            return min(len(self._tickets), self.slots)

    @property
    def waiting(self) -> int:
        with self._lock:
            return max(len(self._tickets) - self.slots, 0)


def duration_in_words(seconds: float) -> str:
    """How long a training takes, as a page says it: seconds to the next 5 (never "0 s"), then minutes.

    Example:
        >>> duration_in_words(0.4), duration_in_words(44), duration_in_words(130), duration_in_words(4000)
        ('about 5 s', 'about 45 s', 'about 2 min', 'about 67 min')
    """
    if seconds < 90:
        return f"about {5 * max(1, math.ceil(seconds / 5))} s"
    return f"about {round(seconds / 60)} min"


def waiting_notice(slots: int, position: int) -> str:
    """What a student waiting at `position` (1 = next) in a queue of `slots` training places is told.

    Example:
        >>> waiting_notice(1, 1)
        'The server trains 1 model at a time and it is busy: 1 training must end before yours, which then starts by itself.'
    """
    places = "1 model" if slots == 1 else f"{slots} models"
    ahead = "1 training must end" if position == 1 else f"{position} trainings must end"
    return f"The server trains {places} at a time and it is busy: {ahead} before yours, which then starts by itself."


@functools.cache
def server_training_queue() -> TrainingQueue:
    """The one queue of this server process: `CNN_RNN_LAB_TRAINING_SLOTS` trainings at once (default 1)."""
    return TrainingQueue(int(os.environ.get("CNN_RNN_LAB_TRAINING_SLOTS", "1")))
