"""What a page says of its data set: on its way (with its progress), or not to be had (once, in plain words).

No page waits for a download: `data_now` answers at once, and a part that needs the data set says so while the
rest of the page works. The note at the top of the page follows the download and reruns the page when it ends.
"""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.shared.datasets import DatasetUnavailable, arrival_of, unavailable
from core.shared.downloads import progress_in_words

T = TypeVar("T")
# How often the note at the top of a page looks at a download: often enough for a live progress bar, and a
# look is a read of a few numbers.
ARRIVAL_REFRESH_S = 1.0


class DataOnItsWay(DatasetUnavailable):
    """A data set still downloading: every part that needs it says so, as for one that cannot be had."""


def data_now(name: str, load: Callable[[], T | DatasetUnavailable]) -> T | DatasetUnavailable:
    """The data set `name` ("cifar10", "captchas", "fsdd") if it is here, else why not, without waiting.

    `load` reads it once it is here (a function the server caches); the download starts in the background.
    """
    progress = arrival_of(name)
    if progress.stage == "ready":
        return load()
    if progress.stage == "failed":
        return unavailable(progress)
    return DataOnItsWay(progress_in_words(progress), "")


def show_data_notice(name: str, data: object, still_works: str) -> None:
    """The note at the top of a page: the download's progress, or why the data set cannot be had; nothing if here."""
    if isinstance(data, DataOnItsWay):
        arrival_note(name, still_works)
    elif isinstance(data, DatasetUnavailable):
        show_data_unavailable(data, still_works)


@st.fragment(run_every=ARRIVAL_REFRESH_S)
def arrival_note(name: str, still_works: str) -> None:
    """A data set's download as it goes; the whole page runs again once it has arrived (or failed)."""
    progress = arrival_of(name)
    if progress.stage in ("ready", "failed"):
        st.rerun()
    st.info(f"{progress_in_words(progress)} {still_works}", icon=":material/downloading:")
    size = f"{progress.total / 1e6:.1f} MB" if progress.total else f"about {progress.expected / 1e6:.0f} MB"
    st.progress(progress.fraction, text=f"{progress.done / 1e6:.1f} MB of {size} here")


def show_data_unavailable(error: DatasetUnavailable, still_works: str) -> None:
    """One warning at the top of the page, and how to get the data in an expander for whoever runs the app."""
    st.warning(f"{error.summary} {still_works}", icon=":material/cloud_off:")
    with st.expander("How to get the data (for whoever runs the app)"):
        st.markdown(error.details)


def where_from(source: str) -> str:
    """Where a data set came from, in a student's words: a local folder's path is for whoever runs the app."""
    return "a copy kept on this server" if source.startswith("folder ") else source


def needs_data(what: str) -> None:
    """The short note in a tab that cannot work without the data set."""
    st.info(f"This part needs {what}: see the note at the top of the page.")
