"""Trainings in a worker process that ends with them, so that the server's memory does not grow with each one.

Every `model.fit` of a new model leaves about 17 MB inside TensorFlow for the life of the
process, even after the model is freed, `keras.backend.clear_session()` and `malloc_trim`
(`benchmarks/fit_memory.py`: 8 trainings of the basic CIFAR model in one process, 823 → 950 MB;
8 new models that only predict, 771 → 774 MB). A class trains dozens of
models, so the server does not train: `in_worker_process` runs a `TrainingTask` in a fresh
Python process started for it, relays its progress and curves, and hands the trained weights
back to the page's model. The process's memory goes back to the system when it ends.

A task is a module-level function (so that the new process can import it by name) called as
`train(history, stop, report, **arguments)`; it returns the trained model's weights.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.jobs import TrainingRun
from core.training import History, Report, StopSignal

# The worker reports progress at most this often: a batch can take a millisecond.
REPORT_INTERVAL_S = 0.25


@dataclass(frozen=True)
class TrainingTask:
    """What a worker process trains: `train(history, stop, report, **arguments)` returns the weights."""

    train: Callable[..., list[np.ndarray]]
    arguments: dict = field(default_factory=dict)


def in_worker_process(task: TrainingTask, on_weights: Callable[[list[np.ndarray]], None]) -> TrainingRun:
    """A job's run that trains `task` in a new process and gives its weights to `on_weights` at the end.

    Stop reaches the worker, which ends after its current batch and still returns its weights;
    a worker that dies (out of memory, killed) fails the job with its exit code.
    """

    def run(history: History, stop: StopSignal, report: Report) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs TensorFlow threads
        messages = context.Queue()
        worker_stop = context.Event()
        worker = context.Process(target=_worker_main, args=(task, messages, worker_stop), daemon=True)
        report(0.0, "Starting the training…")
        worker.start()
        try:
            while True:
                if stop.is_set():
                    worker_stop.set()
                try:
                    kind, payload = messages.get(timeout=0.2)
                except queue.Empty:
                    if not worker.is_alive():
                        raise RuntimeError(
                            f"the training process ended unexpectedly (exit code {worker.exitcode})"
                        ) from None
                    continue
                if kind == "progress":
                    report(*payload)
                elif kind == "history":
                    history.metrics, history.seconds = payload.metrics, payload.seconds
                elif kind == "failed":
                    raise RuntimeError(payload)
                else:  # "weights": the training is over
                    on_weights(payload)
                    return
        finally:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()

    return run


def _worker_main(task: TrainingTask, messages, stop) -> None:
    """In the worker process: train, sending progress, the curves after each epoch, then the weights."""
    history = History()
    sent = {"epochs": 0, "time": 0.0}

    def curves() -> History:  # a copy: the queue pickles it later, in its own thread
        return History({name: list(values) for name, values in history.metrics.items()}, list(history.seconds))

    def report(fraction: float, text: str) -> None:
        now = time.monotonic()
        if history.epochs != sent["epochs"]:
            messages.put(("history", curves()))
            sent["epochs"] = history.epochs
        if now - sent["time"] >= REPORT_INTERVAL_S or fraction >= 1:
            messages.put(("progress", (fraction, text)))
            sent["time"] = now

    try:
        weights = task.train(history, stop, report, **task.arguments)
    except Exception as error:  # the page shows the job's failure; the server's log gets the traceback
        traceback.print_exc()
        messages.put(("failed", f"{type(error).__name__}: {error}"))
        return
    messages.put(("history", curves()))
    messages.put(("weights", weights))
