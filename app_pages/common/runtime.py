"""How the Streamlit server treats Keras between script runs."""

from streamlit.runtime.scriptrunner import script_runner


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
