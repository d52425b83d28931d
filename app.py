"""Entry point: page configuration, server set-up and navigation only; each page draws itself."""

import os

# TensorFlow's start-up lines (oneDNN, CPU instructions) are not for an operator: keep its warnings and errors.
# Set before anything imports TensorFlow; the trainings' worker processes inherit it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

import streamlit as st  # noqa: E402

from app_pages.common.layout import keep_widget_values
from app_pages.common.runtime import keep_keras_state_between_runs, share_memory_arenas, timed_run

st.set_page_config(page_title="CNN & RNN Lab", page_icon=":material/neurology:", layout="wide")

pages = {
    "Start": [
        st.Page("app_pages/start/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Convolutional networks": [
        st.Page("app_pages/cnn/convolution.py", title="Convolution layer", icon=":material/grid_on:"),
        st.Page("app_pages/cnn/cifar10.py", title="CIFAR-10 CNN", icon=":material/image:"),
    ],
    "Recurrent networks": [
        st.Page("app_pages/rnn/lstm.py", title="LSTM", icon=":material/memory:"),
        st.Page("app_pages/rnn/forecasting.py", title="Forecasting", icon=":material/show_chart:"),
        st.Page("app_pages/rnn/captcha.py", title="Captcha OCR", icon=":material/password:"),
        st.Page("app_pages/rnn/ctc.py", title="CTC", icon=":material/linear_scale:"),
        st.Page("app_pages/rnn/speech.py", title="Spoken digits", icon=":material/mic:"),
    ],
}

keep_keras_state_between_runs()
share_memory_arenas()
# Every page's widgets start with its own prefix; their values outlive a visit to another page.
keep_widget_values(("conv_", "cifar_", "lstm_", "forecast_", "captcha_", "ctc_", "speech_"))
page = st.navigation(pages)
# "student" tags the runs of a simulated student in the class-load benchmark's log; otherwise unused.
timed_run(page.run, page.url_path, st.query_params.get("student", ""))
