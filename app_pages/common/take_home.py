""" "Take it home": a page's download of a Jupyter notebook that rebuilds what the student has on the screen."""

import json
from collections.abc import Callable

import streamlit as st

from app_pages.common.layout import settings_row
from app_pages.common.training_panel import SessionTraining
from app_pages.registry import QUIZ_PAGES
from core.shared.model_files import model_file_bytes
from core.shared.notebook import Notebook, file_name
from core.shared.training import History


def take_home(topic: str, notebook: Callable[[], Notebook], what: str) -> None:
    """The section with the download of `topic`'s notebook (the registry's quiz name), which rebuilds `what`.

    The notebook is written when the button is pressed (a callable `data`), so the page's reruns never pay for it,
    and the press does not rerun the page.
    """
    page = QUIZ_PAGES[topic].title
    st.header("Take it home")
    st.markdown(
        f"A Jupyter notebook of {what}, with your settings: plain Keras and NumPy, a step per cell, to run and "
        "change in Jupyter, VS Code or Colab."
    )
    st.download_button(
        "Download the notebook",
        data=lambda: notebook().to_bytes(page),
        file_name=file_name(page),
        mime="application/x-ipynb+json",
        on_click="ignore",
        icon=":material/download:",
    )


def history_record(history: History) -> dict[str, object]:
    """A training's figures and curves, for its settings file: what was trained, each epoch's metrics and seconds."""
    return {
        "trained": history.trained_in_words(),
        "stopped_early": history.stopped_early,
        "seconds_per_epoch": [round(seconds, 2) for seconds in history.seconds],
        "curves": {name: [round(float(value), 5) for value in values] for name, values in history.metrics.items()},
    }


def offer_trained_model(name: str, trained: SessionTraining, settings: dict[str, object]) -> None:
    """The downloads of a model the student trained here: the model file, and a small file of its `settings`,
    figures and curves. Both are written only when pressed; CIFAR-10's Inspect and the captcha page's Read take
    such a model file back."""
    record = settings | history_record(trained.history)
    model = trained.model
    st.markdown(
        "**Take your model home**: the model file opens with `keras.saving.load_model` to train on or to look "
        "inside; the settings file says how it was made and holds its curves."
    )
    with settings_row():
        st.download_button(
            "Download the model (.keras)",
            data=lambda: model_file_bytes(model),
            file_name=f"{name}-my-model.keras",
            mime="application/zip",
            on_click="ignore",
            icon=":material/download:",
        )
        st.download_button(
            "Download its settings and curves (.json)",
            data=lambda: json.dumps(record, indent=2),
            file_name=f"{name}-my-model.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
        )
