"""Entry point: page configuration, server set-up and navigation only; each page draws itself."""

import os

# TensorFlow's start-up lines (oneDNN, CPU instructions) are not for an operator: keep its warnings and errors.
# Set before anything imports TensorFlow; the trainings' worker processes inherit it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

# Plotly asks whether pandas is loaded by looking in sys.modules, so a chart drawn while another session's first run
# is importing pandas finds it half made (AttributeError: 'pandas' has no attribute 'Series': seen with a class of 30
# on a server's first start). Imported here, before any page, every run waits until pandas is whole.
import pandas  # noqa: E402, F401
import streamlit as st  # noqa: E402

from app_pages.common.layout import apply_house_style, keep_widget_values
from app_pages.common.runtime import (
    keep_keras_state_between_runs,
    share_memory_arenas,
    show_heading_while_tensorflow_loads,
    timed_run,
)
from app_pages.registry import PAGES, kept_widget, page_at

APP_NAME = "CNN & RNN Lab"
st.set_page_config(page_title=APP_NAME, page_icon=":material/neurology:", layout="wide")

# The registry lists every page once; the first is the default (the home page).
pages: dict[str, list] = {}
for entry in PAGES:
    page_object = st.Page(entry.path, title=entry.title, icon=entry.icon, default=entry is PAGES[0])
    pages.setdefault(entry.section, []).append(page_object)

apply_house_style()
keep_keras_state_between_runs()
share_memory_arenas()
# A page's setting keeps its value through a visit to another tab or page (the registry says which keys).
keep_widget_values(kept_widget)
page = st.navigation(pages)
# The browser's tab and a screen reader name the page a student is on, not only the app.
st.set_page_config(page_title=f"{page.title} · {APP_NAME}")
# Every page but the home page computes with Keras: the first visit after a start shows its heading while it loads.
if page.url_path:
    show_heading_while_tensorflow_loads(page_at(page.url_path).heading)
# "student" tags the runs of a simulated student in the class-load benchmark's log; otherwise unused.
timed_run(page.run, page.url_path, st.query_params.get("student", ""))
