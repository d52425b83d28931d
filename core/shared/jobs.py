"""Trainings that run apart from the script run, so that what a student clicks meanwhile does not stop them.

A page starts a `TrainingJob` and shows its progress; the job's thread waits for a place in
the server's training queue, then calls its run (the pages' run trains in a worker process:
`core.shared.worker.in_worker_process`) and keeps its `History` up to date as it goes. Stop ends it
after the current batch; so does the end of the browser session that owns it (`alive`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.shared.training import History, Report, StopSignal, TrainingQueue

# What a job runs: it trains, fills `history`, calls `report(fraction_done, text)` after each
# batch, and ends after the current batch once `stop` is set.
TrainingRun = Callable[[History, StopSignal, Report], None]


class TrainingJob:
    """One training in a worker thread, through the server's queue.

    Example:
        >>> queue = TrainingQueue(slots=1)
        >>> job = TrainingJob(lambda history, stop, report: report(1.0, "done"), queue)
        >>> job.start(); job.join(); job.status
        'finished'
    """

    def __init__(self, run: TrainingRun, queue: TrainingQueue, alive: Callable[[], bool] = lambda: True) -> None:
        self.history = History()
        self.status = "waiting"  # waiting → running → finished | stopped | failed
        self.queue_position = 0  # trainings ahead while waiting
        self.progress = 0.0  # fraction of the training done
        # Until the queue says someone is ahead (`queue_position`), the job is only getting ready.
        self.progress_text = "Preparing the training…"
        self.error: str | None = None
        self._run, self._queue, self._alive = run, queue, alive
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="training-job", daemon=True)

    @property
    def active(self) -> bool:
        return self.status in ("waiting", "running")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the training after the current batch (or leave the queue); the model keeps its weights so far."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _report(self, fraction: float, text: str) -> None:
        self.progress, self.progress_text = fraction, text
        if not self._alive():  # the browser tab that started it has closed
            self._stop.set()

    def _main(self) -> None:
        ticket = self._queue.join()
        try:
            while (position := self._queue.position(ticket)) > 0:
                self.queue_position = position
                if self._stop.is_set() or not self._alive():
                    self.status = "stopped"
                    return
                time.sleep(0.5)
            self.status = "running"
            self._run(self.history, self._stop, self._report)
            self.status = "stopped" if self._stop.is_set() else "finished"
            self.history.stopped_early = self._stop.is_set()
        except Exception as error:  # shown on the page: a failed training must not pass silently
            self.error = f"{type(error).__name__}: {error}"
            self.status = "failed"
        finally:
            self._queue.leave(ticket)
