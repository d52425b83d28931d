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

`core.shared.runners.training_run` picks where a task trains: here, or on a Ray cluster when
`CNN_RNN_LAB_RAY_ADDRESS` is set (`core.shared.ray_runner`). Both send the same messages ("progress", "history", "failed", "weights") and the
page-side loop reads them with `apply_message`.
"""

from __future__ import annotations

import inspect
import multiprocessing
import queue
import sys
import time
import traceback
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from core.shared.jobs import TrainingRun
from core.shared.training import History, Report, StopSignal

# The worker reports progress at most this often: a batch can take a millisecond.
REPORT_INTERVAL_S = 0.25


@dataclass(frozen=True)
class TrainingTask:
    """What a worker process trains: `train(history, stop, report, **arguments)` returns the weights."""

    train: Callable[..., list[np.ndarray]]
    arguments: dict = field(default_factory=dict)
    num_cpus: float = 1.0  # what a Ray cluster reserves for it (the local worker takes what the machine has)
    num_gpus: float = 0.0

    def __post_init__(self) -> None:
        """Check the arguments against the train function here, on the page, not later inside the worker.

        Raises:
            TypeError: naming the argument that `train` does not take, or the one it lacks.
        """
        inspect.signature(self.train).bind(None, None, None, **self.arguments)


def apply_message(
    kind: str, payload, history: History, report: Report, on_weights: Callable[[list[np.ndarray]], None]
) -> bool:
    """Act on one message of a training: True once its weights have come (the training is over).

    Raises:
        RuntimeError: the training failed, with its error as the message.
    """
    if kind == "progress":
        report(*payload)
    elif kind == "history":
        history.metrics, history.seconds = payload.metrics, payload.seconds
        history.unfinished_batches = payload.unfinished_batches
    elif kind == "failed":
        raise RuntimeError(payload)
    else:  # "weights": the training is over
        on_weights(payload)
        return True
    return False


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
        with _bare_main_module():
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
                if apply_message(kind, payload, history, report, on_weights):
                    return
        finally:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()

    return run


@contextmanager
def _bare_main_module() -> Iterator[None]:
    """Start a process with an empty `__main__`, not the page that Streamlit runs as `__main__`.

    A spawned process imports its parent's `__main__` again. Under Streamlit that is the page being
    run, so each worker ran `app.py` and the page once more, and filled the server's log with a dozen
    "missing ScriptRunContext" warnings per training.
    """
    page = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = page


def _worker_main(task: TrainingTask, messages, stop) -> None:
    train_and_send(task, messages.put, stop)


def train_and_send(task: TrainingTask, send: Callable[[tuple], object], stop: StopSignal) -> None:
    """Where the training runs: train, sending progress, the curves after each epoch, then the weights."""
    history = History()
    sent = {"epochs": 0, "time": 0.0}

    def curves() -> History:  # a copy: the queue pickles it later, in its own thread
        metrics = {name: list(values) for name, values in history.metrics.items()}
        return History(metrics, list(history.seconds), unfinished_batches=history.unfinished_batches)

    def report(fraction: float, text: str) -> None:
        now = time.monotonic()
        if history.epochs != sent["epochs"]:
            send(("history", curves()))
            sent["epochs"] = history.epochs
        if now - sent["time"] >= REPORT_INTERVAL_S or fraction >= 1:
            send(("progress", (fraction, text)))
            sent["time"] = now

    try:
        weights = task.train(history, stop, report, **task.arguments)
    except Exception as error:  # the page shows the job's failure; the server's log gets the traceback
        traceback.print_exc()
        send(("failed", f"{type(error).__name__}: {error}"))
        return
    send(("history", curves()))
    send(("weights", weights))
