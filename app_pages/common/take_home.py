""" "Take it home": a page's download of a Jupyter notebook that rebuilds what the student has on the screen."""

from collections.abc import Callable

import streamlit as st

from app_pages.registry import QUIZ_PAGES
from core.shared.notebook import Notebook, file_name


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
