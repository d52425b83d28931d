"""Trainings on a Ray cluster: the same `TrainingTask` as the local worker, submitted as a Ray task.

Chosen by `CNN_RNN_LAB_RAY_ADDRESS`: `local` starts a Ray instance inside this server (for trying it),
`auto` joins the cluster this machine belongs to (`ray start --head` / `ray start --address=…`), and
`ray://head:10001` connects to a remote one through Ray Client. Unset, nothing here runs and Ray is
never imported. The page sees what the local worker gives it: progress and curves through a small
actor (`Channel`), Stop after the current batch with the weights so far, a failure as a sentence.

Code and data reach the cluster's workers the Ray way: for a cluster, the project is sent as the
job's `working_dir` (without the virtual environment, Git's files and screenshots) and the data
folders' variables go in `env_vars`; a local instance runs in this project and this environment.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from core.shared.jobs import TrainingRun
from core.shared.training import History, Report
from core.shared.worker import TrainingTask, apply_message, train_and_send

ADDRESS_VARIABLE = "CNN_RNN_LAB_RAY_ADDRESS"
# What a cluster's workers need of this server's environment: the data folders and the download cache.
PASSED_VARIABLES = ("CIFAR10_DIR", "CAPTCHA_DIR", "FSDD_DIR", "CNN_RNN_LAB_CACHE")
PROJECT_ROOT = Path(__file__).resolve().parents[2]  # core/shared/ray_runner.py
NOT_SENT = [".venv", ".git", "test-artifacts", "assets/screenshots", "**/__pycache__"]
STOP_POLL_S = 0.25  # how often a training on the cluster asks whether Stop was pressed

_connecting = threading.Lock()


def ray_address() -> str | None:
    return os.environ.get(ADDRESS_VARIABLE) or None


def connect():
    """Ray, initialised once for this server process at `CNN_RNN_LAB_RAY_ADDRESS`.

    A local instance's processes (GCS, raylet) are killed by Linux when the thread that started them ends
    (Ray starts them with PR_SET_PDEATHSIG), and 60 s later Ray ends this whole process. A training's thread
    ends with its training, so Ray is started from a thread of its own that lives as long as the server.
    """
    import ray

    with _connecting:
        if not ray.is_initialized():
            initialised: Future[None] = Future()
            threading.Thread(target=_own_ray, args=(ray, initialised), name="ray-owner", daemon=True).start()
            initialised.result()  # raises here, on the training's thread, what ray.init raised
    return ray


def _own_ray(ray, initialised: Future[None]) -> None:
    try:
        _initialise(ray)
    except BaseException as error:
        initialised.set_exception(error)
        return
    initialised.set_result(None)
    threading.Event().wait()  # keeps this thread, and with it a local instance's processes, alive


def _initialise(ray) -> None:
    address = ray_address()
    if address == "local":
        ray.init(include_dashboard=False, log_to_driver=False)
    else:
        env_vars = {name: os.environ[name] for name in PASSED_VARIABLES if name in os.environ}
        runtime_env = {"working_dir": str(PROJECT_ROOT), "excludes": NOT_SENT, "env_vars": env_vars}
        ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)


class Channel:
    """A training's messages and its Stop, between the page's server and the task on the cluster (a Ray actor)."""

    def __init__(self) -> None:
        self.messages: list[tuple] = []
        self.stopped = False

    def put(self, message: tuple) -> None:
        self.messages.append(message)

    def take(self) -> list[tuple]:
        taken, self.messages = self.messages, []
        return taken

    def stop(self) -> None:
        self.stopped = True

    def is_stopped(self) -> bool:
        return self.stopped


class ChannelStop:
    """The task's Stop signal: asks the channel at most every `STOP_POLL_S` (a batch can take a millisecond)."""

    def __init__(self, channel) -> None:
        self.channel, self.stopped, self.asked = channel, False, 0.0

    def is_set(self) -> bool:
        import ray

        if not self.stopped and time.monotonic() - self.asked >= STOP_POLL_S:
            self.stopped, self.asked = ray.get(self.channel.is_stopped.remote()), time.monotonic()
        return self.stopped


def train_on_cluster(task: TrainingTask, channel) -> None:
    """The Ray task: train as the local worker does, with messages and Stop through `channel`."""
    import ray

    train_and_send(task, lambda message: channel.put.remote(message), ChannelStop(channel))
    # The puts above are sent without waiting. An actor runs one caller's calls in order, so once this call
    # has run, the weights are in the channel before the task ends and the server looks for them.
    ray.get(channel.is_stopped.remote())


def on_ray(task: TrainingTask, on_weights: Callable[[list[np.ndarray]], None]) -> TrainingRun:
    """A job's run that trains `task` as a Ray task and gives its weights to `on_weights` at the end.

    A task that raises, or whose worker dies, fails the job with a sentence.
    """

    def run(history: History, stop, report: Report) -> None:
        ray = connect()
        channel = ray.remote(Channel).options(num_cpus=0).remote()
        # max_calls=1: a fresh worker process per training, as on one server (a process that fits models keeps
        # ~17 MB of TensorFlow's per training, docs/trainings.md); max_retries=0: a training that died would die again.
        remote = ray.remote(max_calls=1, max_retries=0)(train_on_cluster).options(
            num_cpus=task.num_cpus, num_gpus=task.num_gpus
        )
        reference = remote.remote(task, channel)
        report(0.0, "Waiting for a place on the cluster…")
        try:
            while True:
                if stop.is_set():
                    channel.stop.remote()
                if _apply_all(ray.get(channel.take.remote()), history, report, on_weights):
                    return
                finished, _ = ray.wait([reference], timeout=0.2)
                if finished:
                    _raise_if_failed(ray, reference)
                    if _apply_all(ray.get(channel.take.remote()), history, report, on_weights):
                        return
                    raise RuntimeError("the training on the cluster ended without sending its weights")
        finally:
            if not ray.wait([reference], timeout=0)[0]:  # the page gave up on it (a failure on this side)
                ray.cancel(reference, force=True)
            ray.kill(channel)

    return run


def _apply_all(messages: list[tuple], history: History, report: Report, on_weights) -> bool:
    return any(apply_message(kind, payload, history, report, on_weights) for kind, payload in messages)


def _raise_if_failed(ray, reference) -> None:
    """A sentence for a task that raised or whose worker died (Ray's own errors carry pages of context)."""
    try:
        ray.get(reference)
    except ray.exceptions.RayTaskError as error:  # raised outside the training (train_and_send reports its own)
        cause = error.cause
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        raise RuntimeError(f"the training on the cluster failed: {type(cause).__name__}: {first_line[:200]}") from None
    except ray.exceptions.RayError as error:  # the worker or its machine died, ran out of memory, was cancelled
        raise RuntimeError(f"the cluster's worker running the training died ({type(error).__name__})") from None
