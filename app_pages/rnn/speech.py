"""Spoken digits: a reader a student talks to (Google's pretrained ear, then the class's BiGRU + CTC head), its
sounds, its model beside the one trained from scratch, and its training."""

import dataclasses
import hashlib
import json
import time

import numpy as np
import streamlit as st

from app_pages.common import training_panel as panel
from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import check_yourself
from app_pages.common.data_notice import needs_data, show_data_notice
from app_pages.common.layout import (
    SETTING_WIDTH,
    Tab,
    keep_in_range,
    settings_row,
    show_layer_table,
    show_tabs,
)
from app_pages.common.session_trainings import SpeechTraining
from app_pages.common.take_home import offer_trained_model, take_home
from app_pages.registry import recorder_keys, retake_key
from app_pages.rnn.speech_sources import (
    EAR_CREDIT,
    MY_VOICE,
    PRETRAINED,
    SCRATCH,
    all_clips,
    microphone_or_file,
    pretrained_reader,
    scratch_reader,
    shipped_clips,
)
from app_pages.rnn.speech_your_voice import show_your_voice
from core.ctc import algorithm as ctc
from core.shared import assets
from core.shared.datasets import DatasetUnavailable
from core.shared.jobs import TrainingJob
from core.shared.summary import layer_table
from core.shared.training import duration_in_words
from core.shared.worker import TrainingTask
from core.speech import audio, ear, ear_reader, readers, sound_features, utterances
from core.speech import reader as speech
from core.speech.notebook import speech_notebook
from core.speech.plots import (
    SPECTROGRAM_RANGE_DB,
    pipeline_figure,
    reading_figure,
    spectrogram_figure,
    waveform_figure,
)

SOURCES = ["a sample", "record", "upload a file", "join digits"]
# Joined from the shipped clips: (digits, speaker).
SAMPLES = {
    "4 1 7 (jackson)": ("417", "jackson"),
    "2 0 2 6 (nicolas)": ("2026", "nicolas"),
    "9 (george)": ("9", "george"),
    "3 3 8 (lucas)": ("338", "lucas"),
    "5 0 6 1 2 (yweweler)": ("50612", "yweweler"),
}
WINDOWS = [64, 128, 256, 512, 1024]  # samples: 8 ms … 128 ms at 8 kHz
HOPS = [16, 32, 64, 128, 256]
# What the Train tab trains: the head on the frozen ear, or the whole reader from scratch.
TRAININGS = {"a head on the pretrained ear": True, "a whole reader from scratch": False}
MY_MODEL = "my model"
# This session's own readers, by name, and where each is kept in the session.
SESSION_READERS = {MY_VOICE: "speech_voice_model", MY_MODEL: "speech_model"}
MAX_TYPED = 40  # characters in the digits field: spaces between digits do not count against MAX_DIGITS


@st.cache_resource(show_spinner=False)
def model_summary(on_the_ear: bool) -> tuple[list[dict], int]:
    """The layers of a head on the ear, or of the reader trained from scratch, and their parameters."""
    model = ear_reader.build_head() if on_the_ear else speech.build_model()
    return layer_table(model), model.count_params()


@st.cache_resource(show_spinner=False)
def ear_summary() -> tuple[list[dict], int]:
    model = ear.ear()
    return layer_table(model), model.count_params()


def joined(digits: str, speaker: str) -> bytes:
    """A WAV of clips of `digits` by `speaker`, with the pauses of a clean training utterance.

    The clips are the data set's where it is here (a repeated digit is then another take), the shipped ones elsewhere.
    """
    clips = all_clips()
    clips = clips if isinstance(clips, utterances.Clips) else shipped_clips()
    samples = utterances.say(clips.of_speakers([speaker]), digits, np.random.default_rng(len(digits)))
    return audio.wav_bytes(samples)


@st.cache_data(max_entries=32, show_spinner=False)
def hear(model_key: str, _model, data: bytes) -> tuple[audio.Audio, readers.Reading, float]:
    """Decode, trim and read one recording (once per recording and model; raises AudioProblem)."""
    prepared = speech.prepare(audio.read_audio(data))
    start = time.perf_counter()
    reading = readers.read(_model, prepared.samples)
    return prepared, reading, time.perf_counter() - start


@st.cache_resource(max_entries=32, show_spinner=False)
def reading_chart(reading_key: str, _reading: readers.Reading):
    """The reading's chart, drawn once per recording and model (moving the beam slider redraws nothing)."""
    return reading_figure(_reading)


def sound_to_read() -> bytes | None:
    """The bytes of what the student chose to read: a recording, a file, a sample or joined digits."""
    source = st.radio("Sound", SOURCES, horizontal=True, key="speech_source")
    if source in ("record", "upload a file"):
        return microphone_or_file(
            source,
            "speech",
            "Press the microphone, say one to five digits in English (zero to nine) with a short pause between them, "
            "then press stop.",
        )
    if source == "a sample":
        name = st.selectbox("Sample", list(SAMPLES), key="speech_sample", width=300)
        return joined(*SAMPLES[name])
    with settings_row():
        typed = st.text_input(
            f"Digits (1 to {utterances.MAX_DIGITS})", "3141", max_chars=MAX_TYPED, key="speech_digits", width=200
        )
        speaker = st.selectbox("Voice", shipped_clips().speaker_names, key="speech_voice", width=SETTING_WIDTH)
    digits = "".join(char for char in typed if not char.isspace())
    if not digits:
        st.info("Type the digits to join, for example 3141.")
        return None
    if not digits.isdigit():
        st.error("Only the digits 0 to 9 (and spaces): the reader knows no other words.")
        return None
    if len(digits) > utterances.MAX_DIGITS:
        st.warning(
            f"{len(digits)} digits typed: only the first {utterances.MAX_DIGITS}, {' '.join(digits[: utterances.MAX_DIGITS])}, "
            f"are joined. The reader was trained on one to {utterances.MAX_DIGITS} digits."
        )
        digits = digits[: utterances.MAX_DIGITS]
    st.caption("The page joins real recordings of these digits by that voice, with short pauses between them.")
    return joined(digits, speaker)


def show_path(probabilities: np.ndarray) -> None:
    """The best path and CTC's two rules, one line each."""
    steps = ctc.best_path_steps(probabilities, utterances.DIGITS)

    def symbols(classes) -> str:
        return " ".join(utterances.DIGITS.symbol(int(c)) for c in classes)

    st.markdown("**From steps to digits**: the likeliest class at each step, then CTC's two rules.")
    st.code(
        f"best path     {symbols(steps.path)}\n"
        f"merge repeats {symbols(steps.merged)}\n"
        f"drop blanks   {' '.join(steps.text) or '(nothing)'}",
        language=None,
    )


def show_reading(model, model_key: str, data: bytes) -> None:
    try:
        prepared, reading, seconds = hear(model_key, model, data)
    except audio.AudioProblem as error:
        st.error(str(error))
        return
    st.markdown(f"## Heard: `{' '.join(reading.text) or '(nothing)'}`")
    if not reading.text:
        st.warning(
            "It heard no digit: at every step its likeliest class is the blank. A reader trained for only a few "
            "epochs says that to everything. With your own voice, speak a little louder and closer, with a short "
            "pause between digits."
        )
    elif len(reading.text) > utterances.MAX_DIGITS:
        st.info(f"The reader was trained on one to {utterances.MAX_DIGITS} digits; longer readings are less reliable.")
    notes = ", ".join(prepared.notes)
    network = "The ear and the head took" if isinstance(reading, ear_reader.EarReading) else "The network took"
    # What the student gave, trimmed, and what the reader heard: the page adds a pause on each side (`speech.prepare`).
    sound = prepared.seconds - 2 * speech.PAUSE_S
    st.caption(
        f"{sound:.2f} s of sound{' (' + notes + ')' if notes else ''}, read with {speech.PAUSE_S:.2f} s of its own "
        f"background added before and after it, as the training sentences have: {prepared.seconds:.2f} s in all. "
        f"{network} {seconds * 1000:.0f} ms."
    )
    st.audio(audio.wav_bytes(prepared.samples), format="audio/wav")
    reading_key = f"{model_key}/{hashlib.sha1(data).hexdigest()}"
    show_chart(st, reading_chart(reading_key, reading), key="speech_reading")
    if isinstance(reading, ear_reader.EarReading):
        st.caption(
            "In the middle chart each of the ear's 96 numbers is drawn against its own average over the recording, "
            "so what changes when a digit is said stands out. " + EAR_CREDIT
        )
    show_path(reading.probabilities)
    beam_width = st.slider("Beam width", 1, 16, 4, key="speech_beam", width=300)
    candidates = ctc.beam_search(np.clip(reading.probabilities, 1e-12, 1.0), beam_width, min(3, beam_width))
    st.markdown(
        "**Beam search** (`keras.ops.ctc_decode`): the best whole readings, each with its probability summed over "
        "all its paths:  \n"
        + "  \n".join(
            f"`{' '.join(utterances.DIGITS.decode(c.label)) or '(nothing)'}`: {np.exp(c.log_probability):.1%}"
            for c in candidates
        )
    )


def reader_label(name: str) -> str:
    """A reader's name in the choice; the student's own say how long they trained."""
    if name not in SESSION_READERS:
        return name
    history = st.session_state[SESSION_READERS[name]].history
    stopped = ", stopped early" if history.stopped_early else ""
    if name == MY_VOICE:
        return f"{MY_VOICE} (adapted in {sum(history.seconds):.0f} s{stopped})"
    return f"{MY_MODEL} ({history.trained_in_words()}{stopped})"


def show_talk(models: dict) -> None:
    if not models:
        st.info("No reader yet: train one in the Train tab.")
        return
    name = st.radio("Reader", list(models), format_func=reader_label, horizontal=True, key="speech_model_choice")
    if MY_VOICE not in models and PRETRAINED in models:
        st.caption("Teach it your voice in the Your voice tab, from one recording of zero to nine.")
    data = sound_to_read()
    if data is not None:
        model = models[name]() if name == SCRATCH else models[name]
        show_reading(model, session_reader_id(name), data)


def session_reader_id(name: str) -> str:
    """What tells one of this session's readers from another in the caches: a trained one's id, else its name."""
    return st.session_state[SESSION_READERS[name]].id if name in SESSION_READERS else name


def session_readers() -> dict:
    """This session's own readers that have finished: the one trained from scratch, the one adapted to a voice."""
    return {name: trained.model for name, key in SESSION_READERS.items() if (trained := panel.finished_training(key))}


def clip_picker(clips: utterances.Clips) -> np.ndarray:
    with settings_row():
        digit = st.selectbox("Digit", range(10), index=7, key="speech_clip_digit", width=SETTING_WIDTH)
        speaker = st.selectbox("Speaker", clips.speaker_names, key="speech_clip_speaker", width=SETTING_WIDTH)
        takes = np.flatnonzero((clips.digits == digit) & (np.array(clips.speakers) == speaker))
        keep_in_range("speech_clip_take", 1, len(takes))
        take = st.number_input("Take", 1, len(takes), 1, key="speech_clip_take", width=SETTING_WIDTH)
    return clips.sounds[takes[int(take) - 1]]


@st.fragment  # its clip, window and hop rerun this section alone
def show_sounds(clips: utterances.Clips) -> None:
    st.markdown(
        "Sound is air pressure sampled 8,000 times a second here. A **spectrogram** cuts it into short overlapping "
        "windows and shows how loud each frequency is in each: vowels are horizontal bands, consonants short bursts."
    )
    samples = clip_picker(clips)
    st.audio(audio.wav_bytes(samples), format="audio/wav")
    show_chart(st, waveform_figure(samples), key="speech_waveform")
    with settings_row():
        window = st.select_slider("Window (samples)", WINDOWS, 256, key="speech_window", width=260)
        hop = st.select_slider("Hop (samples)", HOPS, 128, key="speech_hop", width=260)
        mel = st.toggle("What the reader hears", key="speech_mel")
    if mel:
        st.caption(
            f"The reader's own input: a {sound_features.N_FFT}-sample window every {sound_features.HOP} samples, pooled into "
            f"{sound_features.N_MELS} mel bands (finer at low pitches, as the ear), as logarithms, then normalised over the "
            "recording: each band minus its mean, all divided by their spread. A louder voice or another microphone "
            "then gives nearly the same picture."
        )
    else:
        st.caption(
            f"A window of {window} samples ({window / 8:.0f} ms) separates frequencies {audio.RATE / window:.0f} Hz "
            f"apart; a hop of {hop} samples gives a column every {hop / 8:.0f} ms. Long windows: sharp pitch, blurred "
            f"time. Short windows: the reverse. The darkest colour is {SPECTROGRAM_RANGE_DB} dB or more below the "
            "loudest sound: quieter still, but drawn alike."
        )
    show_chart(st, spectrogram_figure(samples, window, hop, mel=mel), key="speech_spectrogram")


@dataclasses.dataclass(frozen=True)
class TrainingExample:
    """One made training utterance, as the Sounds tab shows it: the sounds, their chart, and what they say."""

    speaker: str
    digits: str
    clean_wav: bytes
    varied_wav: bytes
    speed: float  # the clean sound's length over the varied one's
    warp: float
    figure: object
    frames: int


# Built once per choice and shared by every session: the chart's plotly figure was most of the section's
# server time, and a class pressing through the same examples makes the same few (32 of them: about 6 MB).
@st.cache_resource(max_entries=32, show_spinner=False)
def training_example(_clips: utterances.Clips, shipped: bool, count: int, seed: int) -> TrainingExample:
    augmentation = utterances.Augmentation()
    chosen = utterances.pick_clips(_clips, np.random.default_rng(seed), count)
    sounds = [_clips.sounds[i] for i in chosen]
    # The same seed draws the same pauses for both: only the variations differ.
    clean = utterances.join_clips(sounds, np.random.default_rng(seed), utterances.CLEAN)
    rng = np.random.default_rng(seed)
    varied = utterances.join_clips(sounds, rng, augmentation)
    warp = rng.uniform(*augmentation.warp)
    masked = utterances.spec_augment(sound_features.features(varied, warp), rng, augmentation)
    return TrainingExample(
        speaker_of(_clips, chosen),
        " ".join(str(_clips.digits[i]) for i in chosen),
        audio.wav_bytes(clean),
        audio.wav_bytes(varied),
        len(clean) / len(varied),
        warp,
        pipeline_figure(clean, varied, masked),
        len(masked),
    )


@st.fragment  # its digits and example rerun this section alone
def show_pipeline(clips: utterances.Clips, shipped: bool) -> None:
    st.markdown(
        "**How a training utterance is made.** The reader never hears the same sentence twice: each batch joins "
        "random clips of one speaker with random pauses, then varies the voice: played faster or slower, with a "
        "longer or shorter vocal tract, over noise, sometimes in a room's echo. On the spectrogram, a few bands "
        "and a few moments are blanked out (SpecAugment), so no single detail can be relied on."
    )
    with settings_row():
        count = st.slider("Digits", 1, utterances.MAX_DIGITS, 3, key="speech_pipeline_digits", width=260)
        seed = st.number_input("Example", 0, 10_000, 0, key="speech_pipeline_seed", width=SETTING_WIDTH)
    example = training_example(clips, shipped, int(count), int(seed))
    heard = len(example.digits.split())
    left, right = st.columns(2)
    left.markdown(f"**1. Joined**: {example.speaker} says {example.digits}, with random pauses.")
    left.audio(example.clean_wav, format="audio/wav")
    right.markdown(
        f"**2. Varied**: {example.speed:.2f} × the speed, noise, maybe an echo; then the vocal tract warped "
        f"by {example.warp:.2f} on the spectrogram."
    )
    right.audio(example.varied_wav, format="audio/wav")
    st.markdown(
        "**3. What the reader trained from scratch trains on**: the varied sound's mel bands, with SpecAugment's "
        "masks (the chart's lower part). The page's reader hears the same varied sound through the pretrained ear "
        "instead: its 96 numbers every 80 ms, drawn under every reading in Talk to it."
    )
    show_chart(st, example.figure, key="speech_pipeline")
    st.caption(
        f"The label is only the {heard} digit{'s' if heard > 1 else ''} {example.digits}, with no times. For these "
        f"{example.frames} frames the reader gives {sound_features.output_steps(example.frames)} steps, each a "
        f"probability for {utterances.DIGITS.classes} classes (the ten digits and the blank), and CTC finds where "
        "each digit lies."
    )


def speaker_of(clips: utterances.Clips, chosen: np.ndarray) -> str:
    return clips.speakers[int(chosen[0])]


def heard_by_the_shipped_readers() -> tuple[str, ...]:
    """The FSDD speakers the shipped readers were trained on (their summary says)."""
    summary = assets.read_summary(assets.SPEECH_HEAD_MODEL)
    return tuple(summary.figures.get("speakers_heard", ())) if summary else ()


def show_split(clips: utterances.Clips) -> None:
    heard = heard_by_the_shipped_readers()
    rows = [
        {
            "speaker": name,
            "clips": int(np.sum(np.array(clips.speakers) == name)),
            "the shipped readers heard it": name in heard,
        }
        for name in clips.speaker_names
    ]
    st.markdown(
        "**Split by speaker.** A class will speak with voices the reader has never heard, so it is checked the same "
        "way: the Train tab holds one speaker out, and the validation loss is on that voice alone. Splitting clips "
        "at random instead would put every voice in both parts and promise more than a new voice gets."
    )
    st.dataframe(rows, hide_index=True, width=420)
    if new := [name for name in clips.speaker_names if heard and name not in heard]:
        st.markdown(
            f"This copy of the data set has {len(clips.speaker_names)} speakers. The shipped readers and the figures "
            f"in the Model tab come from {len(heard)} of them ({', '.join(heard)}); "
            f"{' and '.join(new)} {'is a voice' if len(new) == 1 else 'are voices'} they never heard: leave "
            f"{'it' if len(new) == 1 else 'one'} out in the Train tab to see what a voice new to your own model costs."
        )


def show_model() -> None:
    head_rows, head_total = model_summary(True)
    ear_rows, ear_total = ear_summary()
    st.markdown(
        "**Transfer learning, as with pictures.** The page's reader has two parts. A pretrained ear, a CNN that "
        f"Google trained on speech, turns the sound into 96 numbers every 80 ms ({ear_total:,} numbers, none of them "
        f"trained here). Our head, {head_total:,} parameters, reads those numbers both ways with two bidirectional "
        "GRUs and gives 11 probabilities per step: the ten digits and the CTC blank. Only the head learns."
    )
    st.caption(EAR_CREDIT)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Pretrained ear + our head**: the head's {head_total:,} parameters")
        show_layer_table(head_rows)
        with st.expander(f"The ear's layers ({ear_total:,} numbers, frozen)"):
            show_layer_table(ear_rows)
        show_speaker_figures(assets.SPEECH_HEAD_SPEAKER_RESULTS, assets.SPEECH_HEAD_ENROLMENT_RESULTS)
    with right:
        rows, total = model_summary(False)
        st.markdown(f"**Trained from scratch**: {total:,} parameters, all learnt from our five speakers")
        show_layer_table(rows)
        show_speaker_figures(assets.SPEECH_SPEAKER_RESULTS, assets.SPEECH_ENROLMENT_RESULTS)
    st.markdown(
        "**Digits, not letters.** The Keras example this follows reads English sentences, so it outputs letters. "
        "Here the vocabulary is ten words: one class per word gives CTC one label per spoken word to place. Spelling "
        "*seven* would ask the network to learn spelling from ten words and to fit five letters into a short sound."
    )
    st.caption("The loss is `keras.ops.ctc_loss`: it sums over every alignment of the digits to the steps.")
    st.caption(
        "On the voices they trained on, both readers get nearly every digit right. A new voice is harder: five "
        "speakers are few, which is why the pretrained ear, which heard far more, helps. Teach it your voice in the "
        "Your voice tab, or speak clearly, with a short pause between digits."
    )


def show_speaker_figures(speaker_results, enrolment_results) -> None:
    """A reader's leave-one-speaker-out figures, and after teaching each left-out voice, where measured."""
    if not speaker_results.exists():
        return
    results = json.loads(speaker_results.read_text())
    st.markdown(
        f"**On voices it has never heard.** The same training{synthetic_words(results['setup'])}, once for each of "
        f"the {len(results['runs'])} FSDD speakers it was measured on, each time without that speaker, then scored on "
        "the speaker's clips and on joined sequences of 2–5 of them:"
    )
    st.dataframe(
        [
            {
                "left out": row["held_out"],
                "single digits right": 100 * row["digit_accuracy"],
                "sequences exactly right": 100 * row["sequence_exact"],
                "digit error rate": 100 * row["der"],
            }
            for row in results["runs"]
        ],
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.1f%%")
            for name in ("single digits right", "sequences exactly right", "digit error rate")
        },
    )
    show_enrolment_figures(enrolment_results)


def show_enrolment_figures(enrolment_results) -> None:
    if not enrolment_results.exists():
        return
    results = json.loads(enrolment_results.read_text())
    takes = results["takes"]
    st.markdown(
        f"**After teaching it the new voice.** Each of the readers above, adapted as the Your voice tab does to "
        f"{'one take' if takes == 1 else f'{takes} takes'} of each digit by the voice it never heard, then scored on "
        "that voice's other recordings; and, to see what it forgets, on the four voices it trained on, before and "
        "after:"
    )
    # Short headers with their meaning on hover: a half-width column at 1400 px shows all six without a scroll.
    columns = {
        "taught": st.column_config.TextColumn("taught", help="the voice the reader never heard, then was taught"),
        "digits": st.column_config.NumberColumn(
            "digits", format="%.1f%%", help="single digits of the taught voice read right"
        ),
        "sequences": st.column_config.NumberColumn(
            "sequences", format="%.1f%%", help="sequences of 2 to 5 of its digits read exactly right"
        ),
        "known, before": st.column_config.NumberColumn(
            "known, before", format="%.1f%%", help="single digits of the voices it trained on, before teaching"
        ),
        "after": st.column_config.NumberColumn(
            "after", format="%.1f%%", help="the same, after teaching: what teaching costs the voices it knew"
        ),
        "s": st.column_config.NumberColumn("s", format="%.0f", help="seconds of teaching"),
    }
    st.dataframe(
        [
            {
                "taught": run["speaker"],
                "digits": 100 * run["enrolled"]["digit_accuracy"],
                "sequences": 100 * run["enrolled"]["sequence_exact"],
                "known, before": 100 * run["trained_voices_before"]["digit_accuracy"],
                "after": 100 * run["trained_voices_after"]["digit_accuracy"],
                "s": run["enrol_seconds"],
            }
            for run in results["runs"]
        ],
        hide_index=True,
        column_config=columns,
    )
    st.caption(
        "digits: single digits right; sequences: sequences of 2 to 5 exactly right; known, before and after: single "
        "digits of the voices it trained on, before and after teaching; s: seconds of teaching."
    )


def synthetic_words(figures: dict) -> str:
    """' (and N computer voices …)' when a training also heard synthetic voices, else nothing."""
    voices = figures.get("synthetic_voices")
    if not voices:
        return ""
    return (
        f" (and {voices} computer voices from a text-to-speech engine, which said "
        f"{figures['synthetic_share']:.0%} of its training sentences)"
    )


def training_task(on_the_ear: bool):
    """What the Train tab runs: a head on the frozen ear, or a whole reader from scratch."""
    return ear_reader.head_task if on_the_ear else speech.train_task


def start_speech_training(epochs: int, held_out: str, on_the_ear: bool) -> TrainingJob:
    model = ear_reader.build_head() if on_the_ear else speech.build_model()
    task = TrainingTask(training_task(on_the_ear), {"epochs": epochs, "held_out": held_out})
    job = panel.start_training(task, model)
    st.session_state.speech_model = SpeechTraining(model, job, epochs=epochs, held_out=held_out)
    return job


def show_training(clips: utterances.Clips) -> None:
    trained = panel.session_training("speech_model")
    job = trained.job if trained else None
    running = bool(job and job.active)
    if running:  # the fields show what the training runs with, and wait for it to end
        st.session_state.speech_held_out = trained.held_out
        st.session_state.speech_epochs = trained.epochs
        st.session_state.speech_training_kind = next(
            name for name, on_ear in TRAININGS.items() if on_ear == readers.hears_embeddings(trained.model)
        )
    kind = st.radio("Train", list(TRAININGS), horizontal=True, key="speech_training_kind", disabled=running)
    on_the_ear = TRAININGS[kind]
    with settings_row():
        held_out = st.selectbox(
            "Voice left out", clips.speaker_names, key="speech_held_out", width=SETTING_WIDTH, disabled=running
        )
        epochs = st.number_input("Epochs", 1, 60, 10, key="speech_epochs", width=SETTING_WIDTH, disabled=running)
    summary = assets.read_summary(assets.SPEECH_HEAD_MODEL if on_the_ear else assets.SPEECH_MODEL)
    estimate = ""
    module = training_task(on_the_ear).__module__
    if (seconds := assets.expected_training_seconds(module, int(epochs), summary)) is not None:
        estimate = f" Training takes {duration_in_words(seconds)} on this server when nobody else trains."
    if on_the_ear:
        head = ear_reader.HeadSetup()
        others = clips.of_speakers([name for name in clips.speaker_names if name != held_out])
        listening = ""
        if not ear_reader.kept_path(others, head).exists() and summary is not None:
            seconds_heard = summary.figures.get("hearing_seconds", 0)
            listening = (
                f" Nobody has trained without {held_out} on this server yet, so the ear listens first: "
                f"{duration_in_words(seconds_heard)} more."
            )
        st.caption(
            f"First the ear listens once to {head.utterances:,} utterances by the other voices; it never changes, so "
            f"what it hears is kept for every later training without the same voice, anyone's. Then each epoch the "
            f"head reads all of them, {head.steps_per_epoch} batches of {head.batch_size}. The validation loss is on "
            f"{head.validation_sequences} sequences by the voice left out.{estimate}{listening}"
        )
    else:
        setup = speech.TrainingSetup()
        st.caption(
            f"Each epoch is {setup.steps_per_epoch} batches of {setup.batch_size} new utterances by the other voices; "
            f"the validation loss is on {setup.validation_sequences} sequences by the voice left out.{estimate}"
        )
    st.caption(
        "For the first epochs the reader answers *blank* at every step and reads nothing: CTC cannot yet tell "
        "where the digits are, and the blank is the safest guess. Once it finds them, the loss falls fast."
    )
    if panel.training_buttons("speech", job):
        job = start_speech_training(int(epochs), held_out, on_the_ear)
    if job:
        st.caption("The training goes on while you talk to the reader or visit other pages; come back to follow it.")
        panel.show_job(job, "speech_training")
    if trained := panel.finished_training("speech_model"):
        record = {
            "epochs": trained.epochs,
            "voice_left_out": trained.held_out,
            "trained": "a head on the pretrained ear" if readers.hears_embeddings(trained.model) else "from scratch",
        }
        offer_trained_model("spoken-digits", trained, record)
    if summary is not None:
        name = "The page's head" if on_the_ear else "The reader trained from scratch"
        st.markdown(
            f"**{name}** heard all five speakers{synthetic_words(summary.figures)}: {summary.epochs} "
            f"epochs in {summary.train_seconds / 60:.0f} min on {summary.trained_on}."
        )
        with st.expander("How the shipped reader was made (for the teacher)"):
            st.code(summary.command, language="bash", wrap_lines=True)
    take_home(
        "speech",
        lambda: speech_notebook(int(epochs), held_out),
        "the reader trained from scratch and its training: FSDD with the voice you chose left out, the mel bands in "
        "NumPy, the CNN + BiGRU with CTC, and reading a WAV file",
    )


st.title("Spoken digits: speech recognition with CTC")
st.markdown(
    "Say a few digits and a network writes them down. A pretrained ear, a CNN Google trained on speech, turns the "
    "sound into 96 numbers every 80 ms; our head, two bidirectional GRUs, reads them and every 80 ms says which "
    "digit it hears, or none (the CTC *blank*). Nobody told it where each digit starts: CTC lines the digits up "
    "with time on its own, as on the CTC page."
)
clips = all_clips()
show_data_notice("fsdd", clips, "The pretrained reader reads your voice, files and the shipped samples meanwhile.")
models = {}
# The pretrained reader first, so that it is the default: a student's model, even one stopped after an epoch
# that reads nothing yet, is offered beside it. The reader trained from scratch is loaded when first chosen.
if (pretrained := pretrained_reader()) is not None:
    models[PRETRAINED] = pretrained
if assets.SPEECH_MODEL.exists():
    models[SCRATCH] = scratch_reader
models |= session_readers()


def show_sounds_tab() -> None:
    shipped = not isinstance(clips, utterances.Clips)
    heard = shipped_clips() if shipped else clips
    show_sounds(heard)
    show_pipeline(heard, shipped)
    if isinstance(clips, utterances.Clips):
        show_split(clips)


def show_train_tab() -> None:
    if isinstance(clips, DatasetUnavailable):
        needs_data("the spoken digits")
    else:
        show_training(clips)


show_tabs(
    [
        Tab("Talk to it", lambda: show_talk(models), holds=recorder_keys("speech")),
        Tab(
            "Your voice",
            lambda: show_your_voice(clips),
            holds=(*recorder_keys("speech_enrol"), *map(retake_key, range(10))),
        ),
        Tab("Sounds", show_sounds_tab),
        Tab("Model", show_model),
        Tab("Train", show_train_tab),
        Tab("Check yourself", lambda: check_yourself("speech")),
    ],
    key="speech_tab",
)
