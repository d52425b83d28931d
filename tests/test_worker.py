"""Trainings in a worker process: progress and curves come back, then the weights; Stop and failures are reported."""

from __future__ import annotations

import os

import numpy as np
from job_runs import run_job

from core.forecast import model as forecast
from core.shared.jobs import TrainingJob
from core.shared.worker import TrainingTask, in_worker_process

SMALL = forecast.ModelSettings(forecast.SeriesConfig(length=300), look_back=5, units=4, second_layer_units=0)


def failing_task(history, stop, report):
    raise ValueError("the data set is not there")


def dying_task(history, stop, report):
    os._exit(3)  # as the system's out-of-memory killer would end it


def run_in_worker(task: TrainingTask, received: list, stop_after_epochs: int | None = None) -> TrainingJob:
    return run_job(in_worker_process(task, received.append), stop_after_epochs)


def test_a_worker_trains_and_hands_back_weights_that_fit_the_page_model():
    """Test that the worker's curves reach the job and its weights load into a model built by the page."""
    received = []
    job = run_in_worker(TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 2, "batch_size": 32}), received)
    assert job.status == "finished", job.error
    assert job.history.epochs == 2 and len(job.history.metrics["loss"]) == 2
    series = forecast.make_series(SMALL.series)
    model = forecast.new_forecaster(SMALL, forecast.split_windows(series, SMALL.look_back))
    model.set_weights(received[0])
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), received[0], strict=True))


def test_stop_reaches_the_worker_which_still_returns_its_weights():
    """Test that Stop ends a long training early, marked stopped, with the weights so far delivered."""
    received = []
    task = TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 500, "batch_size": 32})
    job = run_in_worker(task, received, stop_after_epochs=1)
    assert job.status == "stopped" and job.history.stopped_early
    assert 1 <= job.history.epochs < 500 and len(received) == 1


def test_a_failing_task_fails_the_job_with_its_message():
    """Test that an exception in the worker becomes the job's error, as the page shows it."""
    job = run_in_worker(TrainingTask(failing_task), [])
    assert job.status == "failed" and "ValueError: the data set is not there" in job.error


def test_a_worker_that_dies_fails_the_job_with_its_exit_code():
    """Test that a worker ended from outside (out of memory) fails the job instead of leaving it running."""
    job = run_in_worker(TrainingTask(dying_task), [])
    assert job.status == "failed" and "exit code 3" in job.error


def test_a_worker_does_not_run_the_page_that_streamlit_runs_as_main(tmp_path, monkeypatch):
    """Test that the worker process does not import the parent's `__main__` again (under Streamlit: the page,
    whose every st call logged "missing ScriptRunContext" in the worker), and that `__main__` is put back."""
    import sys
    import types

    marker = tmp_path / "the page ran"
    page_file = tmp_path / "page.py"
    page_file.write_text(f"open({str(marker)!r}, 'w').close()\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(page_file)
    monkeypatch.setitem(sys.modules, "__main__", page)
    job = run_in_worker(TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 1, "batch_size": 32}), [])
    assert job.status == "finished", job.error
    assert not marker.exists()
    assert sys.modules["__main__"] is page


def test_a_task_with_a_misspelt_or_missing_setting_fails_when_made():
    """Test that a TrainingTask checks its arguments against the train function: the page hears of it at once."""
    import pytest

    with pytest.raises(TypeError, match="epoch"):
        TrainingTask(forecast.train_task, {"settings": SMALL, "epoch": 2, "batch_size": 32})
    with pytest.raises(TypeError, match="batch_size"):
        TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 2})
    TrainingTask(forecast.train_task, {"settings": SMALL, "epochs": 2, "batch_size": 32})
