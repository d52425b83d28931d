"""Shipped models that more than one page uses, loaded once per server and shared by every session."""

from pathlib import Path

import numpy as np
import streamlit as st

from core.captcha import reader as captcha
from core.shared import assets


@st.cache_resource(show_spinner="Loading a pretrained captcha reader…")
def captcha_reader(path: Path):
    """A shipped captcha reader, or None if it has not been trained yet."""
    if not path.exists():
        return None
    model = assets.load_model(path)
    # Build the compiled predict step once, before sessions share the model.
    captcha.predict_probabilities(model, np.zeros((1, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), dtype=np.float32))
    return model
