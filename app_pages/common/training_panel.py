"""One training panel for every page: Train starts a job that outlives the script run; the panel follows it.

The job (`core.shared.jobs.TrainingJob`) trains in a worker process (`core.shared.worker`), so moving a slider,
switching tabs or visiting another page does not stop it; Stop does, after the current batch, and so does
closing the browser tab. The panel refreshes itself once a second while the job runs.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app_pages.common.charts import show_chart
from app_pages.common.runtime import timed_fragment
from app_pages.registry import training_button_keys
from core.shared.jobs import TrainingJob
from core.shared.runners import training_run
from core.shared.training import History, server_training_queue, waiting_notice
from core.shared.training_plots import curves_figure
from core.shared.worker import TrainingTask


@dataclass
class SessionTraining:
    """A model this browser tab trains, with the job that trains it; kept in `st.session_state`.

    A page that keeps more with it (the settings it was trained for, results computed once)
    extends it with keyword-only fields.
    """

    model: Any  # a keras.Model, typed loosely so that pages need not import Keras to hold one
    job: TrainingJob
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # tells its cached results from an earlier model's

    @property
    def history(self) -> History:
        return self.job.history

    @property
    def finished(self) -> bool:
        """Trained for at least one epoch and no longer training: the page may use the model."""
        return bool(self.history.epochs) and not self.job.active


def session_training(key: str) -> SessionTraining | None:
    """This session's training kept under `key`, if it has started one."""
    return st.session_state.get(key)


def finished_training(key: str) -> SessionTraining | None:
    """This session's training under `key` once its model is ready to use."""
    trained = session_training(key)
    return trained if trained is not None and trained.finished else None


def session_job(key: str) -> TrainingJob | None:
    """The job of this session's training under `key`, if any."""
    trained = session_training(key)
    return trained.job if trained is not None else None


def summary_ending(history: History) -> str:
    """The end of a training's summary line: whether it stopped early, and whose model it is."""
    stopped = " Stopped early; the model keeps its weights so far." if history.stopped_early else ""
    return f"{stopped} It belongs to this browser tab only."


def training_summary(history: History) -> str:
    """The line under a finished training's curves, unless a page says more."""
    return f"{history.trained_in_words()} in {sum(history.seconds) / 60:.1f} min.{summary_ending(history)}"


def start_training(task: TrainingTask, model) -> TrainingJob:
    """Train `task` in a worker process (or on the Ray cluster) as this session's job, through the server's queue.

    The trained weights go to `model`, the session's copy that the page shows once the job has ended.
    """
    session_id = get_script_run_ctx().session_id

    def alive() -> bool:
        # Without a server (AppTest, bare mode) there is no browser tab to close.
        return not runtime.exists() or runtime.get_instance().is_active_session(session_id)

    job = TrainingJob(training_run(task, model.set_weights), server_training_queue(), alive)
    job.start()
    return job


def show_job(job: TrainingJob, key: str, summary: Callable[[History], str] = training_summary) -> None:
    """Progress, queue place, live curves and the summary line of `job`, refreshed while it runs."""

    def panel() -> None:
        if job.status == "waiting" and job.queue_position > 0:
            st.info(waiting_notice(server_training_queue().slots, job.queue_position))
        elif job.active:
            st.progress(min(job.progress, 1.0), text=job.progress_text)
        if job.history.epochs:
            show_chart(st, curves_figure({"my model": job.history.metrics}), key=f"{key}_curves")
        if job.status == "failed":
            st.error(f"The training failed: {job.error}")
        elif not job.active and job.history.epochs:
            st.caption(summary(job.history))
        if not job.active and st.session_state.get(f"_followed_{key}") is job:
            # Just ended: one run of the whole page, so that the other tabs offer the new model
            # and this panel stops refreshing itself.
            st.session_state[f"_followed_{key}"] = None
            st.rerun(scope="app")

    if job.active:
        st.session_state[f"_followed_{key}"] = job
    st.fragment(timed_fragment(panel, key), run_every=1.0 if job.active else None)()


def training_buttons(page: str, job: TrainingJob | None, unavailable: bool = False, label: str = "Train") -> bool:
    """Train (or what `label` says the training does) and Stop side by side, keyed by
    `registry.training_button_keys(page)`; Stop ends `job` after its batch.

    Train is off while `job` runs (one training per browser tab) or when the data is `unavailable`.
    Returns whether Train was pressed.
    """
    running = bool(job and job.active)
    train_key, stop_key = training_button_keys(page)
    left, right = st.columns(2)
    train = left.button(
        label,
        type="primary",
        key=train_key,
        disabled=unavailable or running,
        help="One training at a time per browser tab: stop this one first." if running else None,
    )
    if right.button("Stop", key=stop_key, help="Stops after the current batch and keeps the model trained so far."):
        if job:
            job.stop()
    return train
