"""Running a training job to its end in a test, as the local worker and the Ray tests both do."""

from __future__ import annotations

import time

from core.shared.jobs import TrainingJob, TrainingRun
from core.shared.training import TrainingQueue


def run_job(
    run: TrainingRun,
    stop_after_epochs: int | None = None,
    queue: TrainingQueue | None = None,
    wait_s: float = 120,
    join_s: float = 180,
) -> TrainingJob:
    """Start a job of `run`; press Stop once `stop_after_epochs` epochs are done (waiting up to `wait_s`); join it."""
    job = TrainingJob(run, queue or TrainingQueue(slots=1))
    job.start()
    if stop_after_epochs is not None:
        deadline = time.monotonic() + wait_s
        while job.history.epochs < stop_after_epochs and time.monotonic() < deadline:
            time.sleep(0.05)
        job.stop()
    job.join(join_s)
    return job
