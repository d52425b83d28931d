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


def read_uploaded_model(
    label: str, key: str, holder: str, shapes: Shapes, takes: str, choice: str
) -> UploadedModel | None:
    """The model in the file uploaded by the widget `key`, opened once per file and kept under `holder`.

    A model just accepted becomes the value of the page's Model choice (the radio keyed `choice`), once: the
    student may then choose another. The server's upload limit is the files' limit (a model file is the largest
    upload the app takes). A refused file is kept as a `Refused`, and the model it replaces, if any, goes: the
    page says so with `show_refusal`, beside its Model choice, where the student looks.
    """
    limit = st.get_option("server.maxUploadSize")
    file = st.file_uploader(
        label,
        type=["keras"],
        key=key,
        max_upload_size=limit,
        help=f"Saved with model.save('name.keras'), at most {limit} MB. {takes} Only you see it.",
    )
    # The browser refuses a larger file itself, with a red line in the box that Streamlit keeps until its × is
    # clicked: the server never hears of that file, so only this sentence, said beforehand, can explain it.
    st.caption(
        f"At most {limit} MB: the browser refuses a larger file in the box itself, in red, and the app never sees "
        "it. The next file you choose is read all the same; × removes the red line."
    )
    if file is None:
        # Streamlit empties the upload for a moment when a file replaces another: the model that goes is remembered
        # so that a refused file coming next can say it went.
        if gone := replaced_name(st.session_state.pop(holder, None)):
            st.session_state[f"{holder}_before"] = gone
        return None
    data = file.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    held = st.session_state.get(holder)
    if held is None or held.digest != digest:
        try:
            with st.spinner("Checking and opening the model…"):
                opened = UploadedModel(f"uploaded: {file.name}", digest, load_uploaded_model(data, shapes, limit))
        except ModelFileProblem as problem:
            replaced = replaced_name(held) or st.session_state.get(f"{holder}_before")
            opened = Refused(digest, file.name, str(problem), replaced)
        else:
            st.session_state.pop(f"{holder}_before", None)
            st.session_state[choice] = opened.name  # drawn after this, the Model choice shows what came back
        held = st.session_state[holder] = opened
    return held if isinstance(held, UploadedModel) else None


@dataclasses.dataclass(frozen=True)
class Refused:
    """A file that was refused, remembered so that it is not opened again on every rerun."""

    digest: str
    file_name: str  # "my_cnn.keras"
    reason: str
    replaced: str | None  # the model brought back before the refused file, no longer offered


def replaced_name(held: UploadedModel | Refused | None) -> str | None:
    """The brought-back model a new file takes the place of: the one held, or the one an earlier refusal replaced."""
    if isinstance(held, UploadedModel):
        return held.name
    return held.replaced if isinstance(held, Refused) else None


def refusal_sentence(refused: Refused) -> str:
    """Why the file was refused and, when it replaced a model brought back before, that this model went."""
    sentence = f"{refused.file_name} was not taken. {refused.reason}"
    if refused.replaced:
        sentence += (
            f" The model brought back before it, {refused.replaced}, is no longer offered: upload its file again "
            "to choose it."
        )
    return sentence


def show_refusal(holder: str) -> None:
    """Says, where the page draws it (above its Model choice, outside any expander), why the file was refused."""
    held = st.session_state.get(holder)
    if isinstance(held, Refused):
        st.error(refusal_sentence(held))


def holds_a_file(holder: str) -> bool:
    """Whether the upload under `holder` holds a file, accepted or refused: its expander stays open on it."""
    return st.session_state.get(holder) is not None


def held_model(holder: str) -> UploadedModel | None:
    """The model this session brought back under `holder`, if one was accepted."""
    held = st.session_state.get(holder)
    return held if isinstance(held, UploadedModel) else None


def model_key(holder: str) -> str:
    """The name caches shared by the server know the brought-back model by: its file's digest."""
    return f"uploaded {st.session_state[holder].digest}"
