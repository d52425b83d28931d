"""What a page says when its data set cannot be had: once, in plain words, with the fix apart."""

import streamlit as st

from core.shared.datasets import DatasetUnavailable


def show_data_unavailable(error: DatasetUnavailable, still_works: str) -> None:
    """One warning at the top of the page, and how to get the data in an expander for whoever runs the app."""
    st.warning(f"{error.summary} {still_works}", icon=":material/cloud_off:")
    with st.expander("How to get the data (for whoever runs the app)"):
        st.markdown(error.details)


def needs_data(what: str) -> None:
    """The short note in a tab that cannot work without the data set."""
    st.info(f"This part needs {what}: see the note at the top of the page.")
