"""Trainings as jobs: they run in their own thread, wait their turn, stop when asked or when their tab closes."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from core.captcha import reader as captcha
from core.cifar import model as cifar
from core.forecast import model as forecast
from core.shared import assets
from core.shared.jobs import TrainingJob
from core.shared.training import TrainingQueue, duration_in_words
from core.speech import enrolment
from core.speech import reader as speech

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The train functions the pages hand to a worker process or to Ray, which find them again by module path.
PAGE_TASKS = (cifar.train_task, forecast.train_task, captcha.train_task, speech.train_task, enrolment.enrol_task)


def counting_run(batches: int, started: threading.Event | None = None):
    """A stand-in training: one 'epoch' per batch, 10 ms each, stopping after the current batch when asked."""

    def run(history, stop, report):
        if started:
            started.set()
        for batch in range(batches):
            if stop.is_set():
                return
            time.sleep(0.01)
            history.seconds.append(0.01)
            report((batch + 1) / batches, f"batch {batch + 1}")

    return run


def test_two_sessions_with_one_slot_take_turns():
    """Test that with one training place the second job waits, then runs once the first has finished."""
    queue = TrainingQueue(slots=1)
    first_started = threading.Event()
    first = TrainingJob(counting_run(30, first_started), queue)
    second = TrainingJob(counting_run(5), queue)
    first.start()
    first_started.wait(5)
    second.start()
    time.sleep(0.1)
    assert first.status == "running" and second.status == "waiting" and second.queue_position == 1
    first.join(5)
    second.join(5)
    assert (first.status, second.status) == ("finished", "finished")
    assert second.history.epochs == 5 and queue.running == 0


def test_a_job_on_an_idle_server_never_says_it_waits_for_a_place():
    """Test that a training nobody is ahead of says it is being prepared until its run reports, not that it waits."""
    queue = TrainingQueue(slots=1)
    release = threading.Event()
    job = TrainingJob(lambda history, stop, report: release.wait(5), queue)
    assert job.progress_text == "Preparing the training…"
    job.start()
    time.sleep(0.1)
    assert job.status == "running" and job.queue_position == 0
    assert "wait" not in job.progress_text.lower()
    release.set()
    job.join(5)


def test_stop_ends_after_the_current_batch_and_keeps_what_was_done():
    """Test that Stop ends a running job early, marked as stopped, with its epochs so far."""
    job = TrainingJob(counting_run(1000), TrainingQueue(slots=1))
    job.start()
    time.sleep(0.1)
    job.stop()
    job.join(5)
    assert job.status == "stopped" and job.history.stopped_early and 0 < job.history.epochs < 1000


def test_a_closed_tab_stops_its_job_and_frees_the_place():
    """Test that a job whose session has ended stops at its next report and leaves the queue."""
    queue = TrainingQueue(slots=1)
    alive = threading.Event()
    alive.set()
    job = TrainingJob(counting_run(1000), queue, alive=alive.is_set)
    job.start()
    time.sleep(0.1)
    alive.clear()  # the browser tab closed
    job.join(5)
    assert job.status == "stopped" and queue.running == 0 and queue.waiting == 0


def test_a_failing_training_says_why():
    """Test that an error in the training is kept for the page, and the place is freed."""
    queue = TrainingQueue(slots=1)

    def broken(history, stop, report):
        raise ValueError("no data")

    job = TrainingJob(broken, queue)
    job.start()
    job.join(5)
    assert job.status == "failed" and job.error == "ValueError: no data" and queue.running == 0


def test_a_duration_is_never_zero_and_grows_with_the_seconds():
    """Test the estimate's words from 0 s to 3 hours: never "about 0", and never shorter for a longer training."""
    said = [duration_in_words(seconds) for seconds in [i / 10 for i in range(0, 1000)] + list(range(100, 10_800, 7))]
    assert not any(re.fullmatch(r"about 0 (s|min)", words) for words in said)
    in_seconds = [int(words.split()[1]) * (60 if words.endswith("min") else 1) for words in said]
    assert in_seconds == sorted(in_seconds)


def test_benchmark_measured_each_pages_start():
    """Test that every page that trains has its measured seconds before the first batch (benchmarks/training_start.py)."""
    for train in PAGE_TASKS:
        assert 1 < assets.training_start_seconds(train.__module__) < 60


def test_every_page_task_reaches_a_new_process_by_its_module_path():
    """Test that each page's train function, pickled as the worker and Ray get it, loads in a fresh interpreter."""
    found = subprocess.run(
        [sys.executable, "-c", "import pickle, sys; print(*(t.__qualname__ for t in pickle.load(sys.stdin.buffer)))"],
        input=pickle.dumps(PAGE_TASKS),
        capture_output=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert found.stdout.decode().split() == [train.__qualname__ for train in PAGE_TASKS], found.stderr.decode()[-500:]
