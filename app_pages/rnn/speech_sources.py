"""What the spoken-digits page's tabs share: the clips, the shipped readers, and a recording from the student."""

import streamlit as st

from app_pages.common.data_notice import data_now
from app_pages.common.layout import MEDIA_UPLOAD_MB
from app_pages.registry import recorder_keys
from core.shared import assets
from core.shared.datasets import DatasetUnavailable
from core.speech import readers, utterances

PRETRAINED = "pretrained ear + our head"
SCRATCH = "trained from scratch (five speakers)"
EAR_CREDIT = (
    "The ear is Google's *speech_embedding* model (Lin et al., 2020, “Training Keyword Spotters with Limited and "
    "Synthesized Speech Data”, Apache-2.0), trained by Google to tell spoken words apart; this page uses it frozen, "
    "as published. What the class trains is the head: two bidirectional GRUs and CTC, on five speakers."
)
MY_VOICE = "my voice"


@st.cache_resource(show_spinner="Reading the spoken digits…")
def read_all_clips() -> utterances.Clips | DatasetUnavailable:
    try:
        return utterances.load_clips()
    except DatasetUnavailable as error:
        return error


def all_clips() -> utterances.Clips | DatasetUnavailable:
    """Every FSDD clip once the data set is here, else why not (never waits for its download)."""
    return data_now("fsdd", read_all_clips)


@st.cache_resource(show_spinner=False)
def shipped_clips() -> utterances.Clips:
    """Take 0 of every digit by every speaker, shipped with the app: the page works without the data set."""
    return utterances.load_clips(assets.SPEECH_SAMPLES)


@st.cache_resource(show_spinner="Loading the pretrained speech reader…")
def pretrained_reader():
    """The page's reader: the head over the pretrained ear (the ear itself is built once per process, `ear.ear`)."""
    return _shipped_reader(assets.SPEECH_HEAD_MODEL)


@st.cache_resource(show_spinner="Loading the reader trained from scratch…")
def scratch_reader():
    return _shipped_reader(assets.SPEECH_MODEL)


def _shipped_reader(path):
    if not path.exists():
        return None
    model = assets.load_model(path, compile=False)
    readers.warm_up(model)  # before sessions share it, and so that no student waits for a trace
    return model


def microphone_or_file(source: str, key: str, how: str) -> bytes | None:
    """A recording from the microphone (`source` "record") or a file, keyed by `registry.recorder_keys(key)`."""
    record_key, upload_key = recorder_keys(key)
    if source == "record":
        st.caption(how + " Your browser asks once for the microphone.")
        recording = st.audio_input("Your voice", key=record_key)
        return recording.getvalue() if recording else None
    # Any file is taken and read: one that is not sound gets a sentence saying which files work, where the
    # uploader's own type filter refused it with a red icon only.
    upload = st.file_uploader("A recording (WAV, FLAC, OGG or MP3)", key=upload_key, max_upload_size=MEDIA_UPLOAD_MB)
    return upload.getvalue() if upload else None
