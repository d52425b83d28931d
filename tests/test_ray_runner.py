"""Trainings on a real local Ray (2 CPUs): the same results as the local worker, progress, Stop and failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import job_runs
import numpy as np
import pytest

from core.cifar import model as cifar
from core.forecast import model as forecast
from core.shared.jobs import TrainingJob
from core.shared.training import TrainingQueue
from core.shared.worker import TrainingTask, in_worker_process

ray = pytest.importorskip("ray", reason="Ray is optional: pip install -r requirements-cluster.txt")
from core.shared import ray_runner  # noqa: E402

SMALL = forecast.ModelSettings(forecast.SeriesConfig(length=300), look_back=5, units=4, second_layer_units=0)


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    # The tasks below live in this test module: the workers import it from the tests folder.
    tests = os.path.dirname(__file__)
    path = os.pathsep.join([tests, os.path.dirname(tests), os.environ.get("PYTHONPATH", "")])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": path}})
    yield
    ray.shutdown()


def failing_task(history, stop, report):
    raise ValueError("the data set is not there")


def dying_task(history, stop, report):
    report(0.0, "about to die")
    os.kill(os.getpid(), signal.SIGKILL)  # as the system's out-of-memory killer would end it


def sleeping_task(history, stop, report, seconds: float) -> list[np.ndarray]:
    """Reports when it started and ended (in its progress text), for the test of two at once."""
    report(0.0, f"start {time.time()}")
    time.sleep(seconds)
    report(1.0, f"end {time.time()}")
    return [np.zeros(1)]


def run_job(run, stop_after_epochs: int | None = None) -> TrainingJob:
    """A job run to its end, with the longer waits a Ray worker's start needs on a busy machine."""
    return job_runs.run_job(run, stop_after_epochs, wait_s=180, join_s=300)


def test_a_forecast_training_on_ray_matches_the_local_worker():
    """Test a short forecast training both ways: weights of the same shapes, the loss falls, progress arrives."""
    task = TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 3, "batch_size": 32})
    on_ray, local = [], []
    progress = []
    job = run_job(ray_runner.on_ray(task, on_ray.append))
    assert job.status == "finished", job.error
    progress.append(job.progress_text)
    run_job(in_worker_process(task, local.append))
    assert [w.shape for w in on_ray[0]] == [w.shape for w in local[0]]
    losses = job.history.metrics["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert job.progress == 1.0 and "Epoch 3" in progress[0]


def test_a_cifar_training_on_ray_returns_weights_for_the_page_model():
    """Test a short CIFAR training (one epoch of 256 pictures) on Ray: its weights load into the page's model."""
    received = []
    task = TrainingTask(
        cifar.train_task,
        {"config": cifar.CifarConfig.basic(), "subset": 256, "epochs": 1, "batch_size": 32, "validation": 0.1},
    )
    job = run_job(ray_runner.on_ray(task, received.append))
    if job.status == "failed" and "CIFAR-10" in (job.error or ""):
        pytest.skip("no CIFAR-10 here (set CIFAR10_DIR)")
    assert job.status == "finished", job.error
    model = cifar.build_model(cifar.CifarConfig.basic())
    model.set_weights(received[0])
    assert job.history.epochs == 1


def test_stop_on_ray_ends_after_a_batch_and_returns_the_weights():
    """Test that Stop reaches the task on the cluster: marked stopped, weights so far delivered."""
    received = []
    task = TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 500, "batch_size": 32})
    job = run_job(ray_runner.on_ray(task, received.append), stop_after_epochs=1)
    assert job.status == "stopped" and job.history.stopped_early
    assert 1 <= job.history.epochs < 500 and len(received) == 1


def test_a_raising_task_on_ray_fails_the_job_with_its_message():
    job = run_job(ray_runner.on_ray(TrainingTask(failing_task), []))
    assert job.status == "failed" and "ValueError: the data set is not there" in job.error


def test_a_killed_ray_worker_fails_the_job_with_a_sentence():
    job = run_job(ray_runner.on_ray(TrainingTask(dying_task), []))
    assert job.status == "failed" and "worker running the training died" in job.error
    assert len(job.error) < 200  # a sentence, not Ray's pages of context


def test_two_sessions_with_two_slots_train_at_once_on_ray():
    """Test that two jobs through a queue of two slots run on the cluster at the same time."""
    queue = TrainingQueue(slots=2)
    task = TrainingTask(sleeping_task, {"seconds": 10.0})  # long enough to overlap on a busy machine
    texts: list[list[str]] = [[], []]
    jobs = []
    for seen in texts:
        job = TrainingJob(ray_runner.on_ray(task, lambda weights: None), queue)
        original = job._report

        def report(fraction, text, original=original, seen=seen):
            seen.append(text)
            original(fraction, text)

        job._report = report
        job.start()
        jobs.append(job)
    for job in jobs:
        job.join(120)
    assert [job.status for job in jobs] == ["finished", "finished"]
    starts = [float(next(t for t in seen if t.startswith("start")).split()[1]) for seen in texts]
    ends = [float(next(t for t in seen if t.startswith("end")).split()[1]) for seen in texts]
    assert max(starts) < min(ends)  # they overlapped


def test_without_the_address_the_local_worker_runs_and_ray_is_not_needed(monkeypatch):
    """Test that `training_run` keeps the local worker when the variable is unset."""
    from core.shared import runners

    monkeypatch.delenv(ray_runner.ADDRESS_VARIABLE, raising=False)
    run = runners.training_run(TrainingTask(failing_task), lambda weights: None)
    assert run.__qualname__.startswith("in_worker_process")
    monkeypatch.setenv(ray_runner.ADDRESS_VARIABLE, "local")
    assert runners.training_run(TrainingTask(failing_task), lambda weights: None).__qualname__.startswith("on_ray")


LOCAL_RAY_OUTLIVES_ITS_FIRST_CALLER = """
import threading, ray
from core.shared import ray_runner
caller = threading.Thread(target=ray_runner.connect)  # as a training's thread, which ends with its training
caller.start()
caller.join()
print("answer", ray.get(ray.remote(lambda: 42).remote(), timeout=60))
"""


def test_a_local_ray_started_by_a_training_outlives_the_training_thread():
    """Test that Ray's processes live on after the thread that first connected ends (they used to die with it).

    In a fresh interpreter: this module's Ray is already initialised in the test process.
    """
    env = {**os.environ, ray_runner.ADDRESS_VARIABLE: "local"}
    result = subprocess.run(
        [sys.executable, "-c", LOCAL_RAY_OUTLIVES_ITS_FIRST_CALLER],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert "answer 42" in result.stdout, result.stderr[-2000:]
