"""Models brought back: a page's upload of a `.keras` file trained at home, checked, opened once, kept in the session."""

import dataclasses
import hashlib
from typing import Any

import numpy as np
import streamlit as st

from core.shared.model_files import ModelFileProblem, Shapes, load_uploaded_model


@dataclasses.dataclass
class UploadedModel:
    """A model a student brought back, kept in their session only: its file's name and digest, and what it gives."""

    name: str  # "uploaded: my_cnn.keras"
    digest: str  # of the file: caches shared by the server tell models apart by it
    model: Any
    probabilities: np.ndarray | None = None  # on a page's test set, computed once when first needed


def read_uploaded_model(label: str, key: str, holder: str, shapes: Shapes, takes: str) -> UploadedModel | None:
    """The model in the file uploaded by the widget `key`, opened once per file and kept under `holder`.

    The server's upload limit is the files' limit (a model file is the largest upload the app takes); a refused
    file is said in a sentence, and the model it replaces, if any, goes.
    """
    limit = st.get_option("server.maxUploadSize")
    file = st.file_uploader(
        label,
        type=["keras"],
        key=key,
        max_upload_size=limit,
        help=f"Saved with model.save('name.keras'), at most {limit} MB. {takes} Only you see it.",
    )
    if file is None:
        st.session_state.pop(holder, None)
        return None
    data = file.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    held = st.session_state.get(holder)
    if held is None or held.digest != digest:
        try:
            with st.spinner("Checking and opening the model…"):
                held = UploadedModel(f"uploaded: {file.name}", digest, load_uploaded_model(data, shapes, limit))
        except ModelFileProblem as problem:
            held = Refused(digest, str(problem))
        st.session_state[holder] = held
    if isinstance(held, Refused):
        st.error(held.reason)
        return None
    return held


@dataclasses.dataclass(frozen=True)
class Refused:
    """A file that was refused, remembered so that it is not opened again on every rerun."""

    digest: str
    reason: str


def held_model(holder: str) -> UploadedModel | None:
    """The model this session brought back under `holder`, if one was accepted."""
    held = st.session_state.get(holder)
    return held if isinstance(held, UploadedModel) else None


def model_key(holder: str) -> str:
    """The name caches shared by the server know the brought-back model by: its file's digest."""
    return f"uploaded {st.session_state[holder].digest}"
