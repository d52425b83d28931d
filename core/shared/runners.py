"""Where a training runs: on a Ray cluster when `CNN_RNN_LAB_RAY_ADDRESS` is set, else in a local worker process.

The one place that knows both runners; each of them knows only the messages they share (`core.shared.worker`),
so neither imports the other's caller.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.shared import ray_runner
from core.shared.jobs import TrainingRun
from core.shared.worker import TrainingTask, in_worker_process


def training_run(task: TrainingTask, on_weights: Callable[[list[np.ndarray]], None]) -> TrainingRun:
    """The task's run on a Ray cluster when `CNN_RNN_LAB_RAY_ADDRESS` is set, else in a local worker process.

    Ray itself is imported only when a cluster is asked for (`ray_runner.on_ray`).
    """
    if ray_runner.ray_address() is not None:
        return ray_runner.on_ray(task, on_weights)
    return in_worker_process(task, on_weights)
