"""How the Streamlit server process is set up: Keras between script runs, memory arenas, a log of run costs."""

import ctypes
import functools
import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx, script_runner


def keep_keras_state_between_runs() -> None:
    """Stop Streamlit from calling `keras.backend.clear_session()` after every script run.

    Streamlit does it for every run of every session once Keras is imported
    (`script_runner._clean_problem_modules`), to free models that scripts rebuild on each
    run. Here models are built once and shared, or kept in a session, so there is nothing
    for it to free, and it costs on every click: its `gc.collect()` takes about 0.15 s with
    TensorFlow loaded. It also swaps Keras's per-thread settings (the dtype policy, name
    counters) under trainings that other sessions are running at that moment.
    """
    script_runner._clean_problem_modules = _no_cleanup


def _no_cleanup() -> None:
    """Nothing to clean: see `keep_keras_state_between_runs`."""


def show_heading_while_tensorflow_loads(heading: str) -> None:
    """On a server that has not loaded TensorFlow yet, the page's heading and a note while it loads, then neither.

    The first visit after a start (every wake on Community Cloud) pays TensorFlow's import, 5 to 10 s, before the
    page's own first line runs: without this, a student looks at an empty page for that long. The page draws its
    heading again, at once, when the note goes.
    """
    if "keras" in sys.modules:
        return
    holder = st.empty()
    with holder.container():
        st.title(heading)
        st.caption("Starting up: TensorFlow loads once each time the server starts, in about 10 s…")
    importlib.import_module("keras")
    holder.empty()


# glibc's mallopt parameter for the number of memory arenas (malloc.h: M_ARENA_MAX).
M_ARENA_MAX = -8


@functools.cache  # once per server process: app.py runs on every rerun
def share_memory_arenas(arenas: int = 2) -> None:
    """Let the server's threads share `arenas` glibc memory arenas instead of one each.

    Streamlit runs every script run in a thread of its own, and glibc gives threads their own
    arenas (up to 8 per core), which keep the memory they once held. Measured with
    `benchmarks/session_memory.py` (8 sessions that each train and inspect a CIFAR model, then
    expire): the server stayed 62 MB above its level after the first training with glibc's
    default, 40 MB with this call. Does nothing on a system without glibc.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, arenas)


# Where `timed_run` appends one line per script run; unset (the default), nothing is timed or written.
RUN_LOG_VARIABLE = "CNN_RNN_LAB_RUN_LOG"
_run_log_lock = threading.Lock()


def timed_run(run: Callable[[], None], page: str, student: str) -> None:
    """Run a page; with `CNN_RNN_LAB_RUN_LOG` set, log the run's CPU time in its thread and its wall time.

    The class-load benchmark (`benchmarks/class_load.py`) reads the log to find what each student action
    cost the server. Thread CPU time leaves out TensorFlow's own thread pools, so the benchmark also
    reports the server process's total CPU time per action.
    """
    path = os.environ.get(RUN_LOG_VARIABLE)
    if not path:
        run()
        return
    cpu, wall = time.thread_time(), time.perf_counter()
    try:
        run()
    finally:  # st.stop and st.rerun end a run with an exception: it still cost what it cost
        line = {
            "page": page,
            "student": student,
            "cpu_s": time.thread_time() - cpu,
            "wall_s": time.perf_counter() - wall,
        }
        with _run_log_lock, open(path, "a") as log:
            log.write(json.dumps({"time": time.time(), **line}) + "\n")


def timed_fragment(draw: Callable[[], None], name: str) -> Callable[[], None]:
    """`draw`, for `st.fragment`, logged like a page run (`timed_run`, as `name`) when it reruns on its own.

    A fragment's own rerun (a stroke on the captcha canvas, a training panel's refresh) does not pass
    through `app.py`, whose `timed_run` times the whole runs that include it.
    """

    @functools.wraps(draw)
    def run() -> None:
        context = get_script_run_ctx()
        if context is None or not context.fragment_ids_this_run:  # part of a whole run, timed already
            draw()
        else:
            timed_run(draw, name, st.query_params.get("student", ""))

    return run
