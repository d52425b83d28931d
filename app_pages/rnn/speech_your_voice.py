"""The spoken-digits page's Your voice tab: one recording of zero to nine cut into its digits, then the page's
reader (its head; the pretrained ear stays as it is) adapted to them in a worker process."""

import dataclasses
import json

import numpy as np
import streamlit as st

from app_pages.common import training_panel as panel
from app_pages.common.charts import show_chart
from app_pages.common.layout import SETTING_WIDTH
from app_pages.registry import retake_key
from app_pages.rnn.speech_sources import MY_VOICE, microphone_or_file, pretrained_reader, shipped_clips
from core.shared import assets
from core.shared.datasets import DatasetUnavailable
from core.shared.jobs import TrainingJob
from core.shared.training import History, duration_in_words
from core.shared.worker import TrainingTask
from core.speech import audio, ear_reader, enrolment, utterances
from core.speech.plots import cut_figure

ENROL_SOURCES = ["record", "upload a file", "an example voice"]
# A recording as a student makes it: the pauses of a clean joined utterance, but longer.
STUDENT_PAUSES = dataclasses.replace(utterances.CLEAN, gap_s=(0.35, 0.6))
PIECE_WIDTH = 190  # pixels: an audio player with its play button, position and menu
# What the head hears besides the new voice while it adapts (`enrolment.HeadEnrolmentSetup.own_share`): with the
# voices it knows it forgets them least, alone with the new voice it learns that voice best and forgets the
# others more (measured for the reader trained from scratch by benchmarks/speech_enrolment_setups.py).
TEACHING_MIXES = {"your voice and the voices it knows": enrolment.HeadEnrolmentSetup.own_share, "only your voice": 1.0}


@st.cache_data(max_entries=16, show_spinner="Cutting the recording into its ten digits…")
def cut_recording(data: bytes) -> enrolment.Cut:
    """The recording cut at its pauses and each piece read by the pretrained reader (raises AudioProblem)."""
    return enrolment.cut_digits(pretrained_reader(), audio.read_audio(data))


@st.cache_data(max_entries=32, show_spinner=False)
def one_digit(data: bytes) -> np.ndarray:
    """A recording of one digit, its silence cut off (raises AudioProblem)."""
    return audio.trim_silence(audio.read_audio(data), margin_s=0.0).samples


def example_voice(speaker: str, clips: utterances.Clips) -> bytes:
    """Zero to nine by a speaker of the data set, a take each, with the pauses a student leaves: to try the cut."""
    own = clips.of_speakers([speaker])
    sounds = [own.sounds[int(np.flatnonzero(own.digits == digit)[-1])] for digit in range(10)]
    return audio.wav_bytes(utterances.join_clips(sounds, np.random.default_rng(0), STUDENT_PAUSES))


def enrolment_recording(clips: utterances.Clips) -> bytes | None:
    source = st.radio("Recording", ENROL_SOURCES, horizontal=True, key="speech_enrol_source")
    if source == "an example voice":
        speaker = st.selectbox("Voice", clips.speaker_names, key="speech_enrol_voice", width=SETTING_WIDTH)
        st.caption("A voice the reader already knows, to see how the cut works; your own is what it needs.")
        return example_voice(speaker, clips)
    return microphone_or_file(
        source,
        "speech_enrol",
        "Press the microphone and say the ten digits in English, zero to nine, with a pause of about a second after "
        "each; then press stop.",
    )


def show_cut(cut: enrolment.Cut) -> dict[int, np.ndarray]:
    """The cut on the waveform, each piece playable, and a recorder for each digit not found; the pieces by digit."""
    names = [enrolment.DIGIT_NAMES[d] if d is not None else "?" for d in cut.digits]
    unsure = [d is None or d in cut.doubtful for d in cut.digits]
    show_chart(st, cut_figure(cut.samples, cut.spans, names, unsure), key="speech_enrol_cut")
    pieces = cut.pieces
    # Pieces of a fixed width that wrap: five a row on a laptop, two on a split screen, each player whole.
    row = st.container(horizontal=True, wrap=True)
    for span, digit, heard in zip(cut.spans, cut.digits, cut.heard, strict=True):
        with row.container(width=PIECE_WIDTH):
            if digit is None:
                st.markdown("**left over**")
            else:
                st.markdown(f"**{enrolment.DIGIT_NAMES[digit]}**" + (" ⚠" if digit in cut.doubtful else ""))
            st.audio(audio.wav_bytes(cut.samples[span[0] : span[1]]), format="audio/wav")
            st.caption(f"heard: {heard or 'nothing'}")
    if cut.doubtful:
        st.caption(
            "⚠: the pretrained reader hears another digit in this piece. Listen to it: if it is the right digit, that "
            "is the reader's mistake, which teaching it your voice is for; if not, record the ten digits again."
        )
    for digit in cut.missing:
        st.warning(
            f"**{enrolment.DIGIT_NAMES[digit].capitalize()}** was not found: record just that digit here, or record "
            "all ten again with a longer pause after each."
        )
        recording = st.audio_input(f"{enrolment.DIGIT_NAMES[digit]}, alone", key=retake_key(digit))
        if recording is not None:
            try:
                pieces[digit] = one_digit(recording.getvalue())
            except audio.AudioProblem as error:
                st.error(str(error))
    return pieces


def enrolment_summary(history: History) -> str:
    stopped = " Stopped early; it keeps what it learnt so far." if history.stopped_early else ""
    return (
        f"Adapted to your voice in {sum(history.seconds):.0f} s.{stopped} Choose *{MY_VOICE}* in Talk to it and "
        "compare it with the pretrained reader on the same recording. It belongs to this browser tab only."
    )


def start_enrolment(pieces: dict[int, np.ndarray], own_share: float) -> TrainingJob:
    model = ear_reader.build_head()
    job = panel.start_training(TrainingTask(enrolment.enrol_task, {"pieces": pieces, "own_share": own_share}), model)
    st.session_state.speech_voice_model = panel.SessionTraining(model, job)
    return job


def enrolment_seconds() -> float | None:
    """How long an enrolment takes here: as measured on the page, press to done; else the measured start, then
    the median adaptation of the benchmark's voices."""
    measured = assets.page_training_seconds(enrolment.enrol_task.__module__)
    if measured is not None:
        return measured
    if not assets.SPEECH_HEAD_ENROLMENT_RESULTS.exists():
        return None
    runs = json.loads(assets.SPEECH_HEAD_ENROLMENT_RESULTS.read_text())["runs"]
    adapting = float(np.median([run["enrol_seconds"] for run in runs]))
    return assets.training_start_seconds(enrolment.enrol_task.__module__) + adapting


def teaching_mix_figures(own_share: float) -> str | None:
    """What teaching with `own_share` of the new voice gave on the benchmark's unheard voices, in words (measured
    for the page's mix only)."""
    if own_share != enrolment.HeadEnrolmentSetup.own_share or not assets.SPEECH_HEAD_ENROLMENT_RESULTS.exists():
        return None
    runs = json.loads(assets.SPEECH_HEAD_ENROLMENT_RESULTS.read_text())["runs"]
    losses = [
        run["trained_voices_before"]["digit_accuracy"] - run["trained_voices_after"]["digit_accuracy"] for run in runs
    ]
    single = np.mean([run["enrolled"]["digit_accuracy"] for run in runs])
    sequences = np.mean([run["enrolled"]["sequence_exact"] for run in runs])
    return (
        f"Tried on {len(runs)} voices the reader had never heard: after teaching, {single:.1%} of single digits "
        f"and {sequences:.1%} of sequences right; the voices it knew lose {100 * float(np.mean(losses)):.1f} "
        "points of single digits."
    )


def show_your_voice(clips: utterances.Clips | DatasetUnavailable) -> None:
    if pretrained_reader() is None:
        st.info("The pretrained reader is not installed here, so there is no reader to teach.")
        return
    st.markdown(
        "**Teach it your voice.** The reader's head learnt from five speakers; yours is new to it. Say the ten digits "
        "once, and the page cuts the recording at your pauses into ten pieces, then adapts a copy of the head to "
        "them (the pretrained ear stays as it is): it trains on sequences joined from your pieces, varied in speed, pitch and noise, mixed with the voices it "
        "already knows so that it does not forget them (or, if you choose, with your voice alone: it learns yours "
        "better and forgets the others more)."
    )
    known = clips if isinstance(clips, utterances.Clips) else shipped_clips()
    data = enrolment_recording(known)
    if data is None:
        return
    try:
        cut = cut_recording(data)
    except audio.AudioProblem as error:
        st.error(str(error))
        return
    pieces = show_cut(cut)
    missing = [enrolment.DIGIT_NAMES[d] for d in range(10) if d not in pieces]
    job = panel.session_job("speech_voice_model")
    mix = st.radio(
        "While it learns your voice, it hears",
        list(TEACHING_MIXES),
        horizontal=True,
        key="speech_enrol_mix",
        disabled=bool(job and job.active),
    )
    seconds = enrolment_seconds()
    said = [
        teaching_mix_figures(TEACHING_MIXES[mix]),
        f"Teaching takes {duration_in_words(seconds)} on this server when nobody else trains." if seconds else None,
    ]
    if any(said):
        st.caption(" ".join(part for part in said if part))
    if panel.training_buttons("speech_enrol", job, unavailable=bool(missing), label="Teach it my voice"):
        job = start_enrolment(pieces, TEACHING_MIXES[mix])
    if missing:
        st.info(f"Teaching waits for every digit: {', '.join(missing)} still missing.")
    if job:
        panel.show_job(job, "speech_enrol_training", enrolment_summary)
