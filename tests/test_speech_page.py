"""The spoken-digits page in AppTest: every tab, the settings' extremes, joined digits read, and no data set."""

from __future__ import annotations

import itertools
import json
import re
from types import SimpleNamespace

import pytest
import streamlit as st
from apptest import open_page

from app_pages.common.session_trainings import SpeechTraining
from app_pages.common.training_panel import SessionTraining
from app_pages.rnn.speech import HOPS, PRETRAINED, SAMPLES, SCRATCH, WINDOWS
from core.shared.training import History
from core.speech import reader as speech
from core.speech.enrolment import DIGIT_NAMES

PAGE = "app_pages/rnn/speech.py"
TABS = ["Talk to it", "Sounds", "Model", "Train"]


def heard(app) -> str:
    return next(m.value for m in app.markdown if m.value.startswith("## Heard:"))


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_runs(fsdd_on_the_page, tab):
    """Test each tab with the data set: no exception, no error."""
    app = open_page(PAGE, tab, "speech_tab")
    assert not app.exception and not app.error


@pytest.mark.parametrize("reader", [PRETRAINED, SCRATCH])
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_sample_is_read_right_by_both_readers(fsdd_on_the_page, sample, reader):
    """Test the shipped samples (voices both readers trained on): the heading says their digits, with the ear's
    picture (three charts in one) under the page's reader and its credit."""
    app = open_page(PAGE, "Talk to it", "speech_tab")
    app.radio(key="speech_model_choice").set_value(reader).run()
    app.selectbox(key="speech_sample").select(sample).run()
    assert heard(app).split(":", 1)[1].replace("`", "").split() == list(SAMPLES[sample][0])
    assert not app.exception
    credit = [c.value for c in app.caption if "speech_embedding" in c.value]
    assert len(credit) == (reader == PRETRAINED)


def test_joined_digits_are_read(fsdd_on_the_page):
    """Test the clips made on the page from typed digits, repeats included (5 5 5 5 5 needs a blank between each),
    in every voice: the reader reads 0.98 of these voices' single clips, so at most one reading in ten may slip."""
    app = open_page(PAGE, "Talk to it", "speech_tab")
    app.radio(key="speech_source").set_value("join digits").run()
    readings = []
    for voice in app.selectbox(key="speech_voice").options:
        app.selectbox(key="speech_voice").select(voice).run()
        for typed, expected in (("3141", "3 1 4 1"), ("0", "0"), ("9 8 7", "9 8 7"), ("55555", "5 5 5 5 5")):
            app.text_input(key="speech_digits").input(typed).run()
            readings.append(heard(app) == f"## Heard: `{expected}`")
    assert len(readings) == 20 and sum(readings) >= 18, readings
    assert not app.exception


@pytest.mark.parametrize("typed, message", [("", "Type the digits"), ("12a", "Only the digits"), ("   ", "Type")])
def test_typed_digits_that_cannot_be_joined(typed, message):
    """Test an empty or non-digit entry: a plain message, no reading, no exception."""
    app = open_page(PAGE, "Talk to it", "speech_tab")
    app.radio(key="speech_source").set_value("join digits").run()
    app.text_input(key="speech_digits").input(typed).run()
    shown = [m.value for m in (*app.info, *app.error)]
    assert any(message in text for text in shown) and not app.exception


def test_spectrogram_settings_at_every_extreme(fsdd_on_the_page):
    """Test every window with every hop (a hop longer than the window included), and the reader's own view."""
    app = open_page(PAGE, "Sounds", "speech_tab")
    for window, hop in itertools.product(WINDOWS, HOPS):
        app.select_slider(key="speech_window").set_value(window)
        app.select_slider(key="speech_hop").set_value(hop).run()
        assert not app.exception, (window, hop)
    assert any("80 dB or more below the loudest sound" in c.value for c in app.caption)
    app.toggle(key="speech_mel").set_value(True).run()
    assert not app.exception


def test_every_clip_take_and_pipeline_length(fsdd_on_the_page):
    """Test the last take of a clip and the training-utterance view for 1 to 5 digits."""
    app = open_page(PAGE, "Sounds", "speech_tab")
    app.number_input(key="speech_clip_take").set_value(50).run()
    for digits in range(1, 6):
        app.slider(key="speech_pipeline_digits").set_value(digits).run()
        assert not app.exception, digits


def test_without_the_data_set(tmp_path, monkeypatch):
    """Test an empty FSDD_DIR: one warning; sounds from the shipped clips; Train says it needs the data."""
    monkeypatch.setenv("FSDD_DIR", str(tmp_path))
    st.cache_resource.clear()
    app = open_page(PAGE, "Sounds", "speech_tab")
    assert any("spoken-digit folder" in w.value for w in app.warning)
    assert not app.exception
    app.session_state["speech_tab"] = "Train"
    app.run()
    assert any("needs the spoken digits" in i.value for i in app.info)
    st.cache_resource.clear()


@pytest.mark.parametrize(
    "typed, expected, cut",
    [("1 2 3 4 5", "1 2 3 4 5", False), (" 9  0 ", "9 0", False), ("1234567", "1 2 3 4 5", True)],
)
def test_typed_digits_count_digits_not_spaces(fsdd_on_the_page, typed, expected, cut):
    """Test that spaces do not count against the five digits, and that digits past five are cut with a word."""
    app = open_page(PAGE, "Talk to it", "speech_tab")
    app.radio(key="speech_source").set_value("join digits").run()
    app.text_input(key="speech_digits").input(typed).run()
    assert heard(app) == f"## Heard: `{expected}`"
    assert any("only the first 5" in w.value for w in app.warning) == cut


def test_pipeline_caption_counts_digits_and_the_models_classes(fsdd_on_the_page):
    """Test the training-utterance caption for 1 to 5 digits: that many digits, and 11 classes (digits and blank)."""
    app = open_page(PAGE, "Sounds", "speech_tab")
    for count in range(1, 6):
        app.slider(key="speech_pipeline_digits").set_value(count).run()
        caption = next(c.value for c in app.caption if c.value.startswith("The label is"))
        digits = re.search(r"only the (\d) digits? ([\d ]+), with no times", caption)
        assert digits and int(digits.group(1)) == count == len(digits.group(2).split()), caption
        assert "11 classes (the ten digits and the blank)" in caption


def test_a_students_barely_trained_reader_is_offered_beside_the_pretrained_one(fsdd_on_the_page):
    """Test that after a training stopped 2 batches in, the pretrained reader stays chosen and "my model" says so."""
    app = open_page(PAGE, "Talk to it", "speech_tab")
    history = History({"loss": [30.0]}, [40.0], stopped_early=True, unfinished_batches=(2, 100))
    job = SimpleNamespace(active=False, history=history)
    app.session_state["speech_model"] = SpeechTraining(speech.build_model(), job, "x", epochs=1, held_out="george")
    app.run()
    reader = app.radio(key="speech_model_choice")
    assert reader.value == PRETRAINED
    assert reader.options == [PRETRAINED, SCRATCH, "my model (2 batches of 100, stopped early)"]  # not "1 epoch"
    assert heard(app) != "## Heard: `(nothing)`"


def test_held_out_figures_share_one_percent_format(fsdd_on_the_page):
    """Test the Model tab's figure tables: every rate a percentage with one decimal."""
    app = open_page(PAGE, "Model", "speech_tab")
    tables = [json.loads(table.proto.columns) for table in app.dataframe]
    held_out = next(config for config in tables if "digit error rate" in config)
    formats = {column["type_config"]["format"] for name, column in held_out.items() if name != "_index"}
    assert formats == {"%.1f%%"} and len(held_out) == 4
    for config in tables:
        rates = [column for name, column in config.items() if "right" in name or "voices" in name or name == "after"]
        assert all(column["type_config"]["format"] == "%.1f%%" for column in rates)


@pytest.mark.parametrize("voice", ["george", "yweweler"])
def test_your_voice_cuts_an_example_into_ten_playable_digits(fsdd_on_the_page, voice):
    """Test the Your voice tab on an example voice: the cut drawn, ten pieces to play, Train offered."""
    app = open_page(PAGE, "Your voice", "speech_tab")
    app.radio(key="speech_enrol_source").set_value("an example voice").run()
    app.selectbox(key="speech_enrol_voice").select(voice).run()
    assert not app.exception and not app.error
    names = [m.value for m in app.markdown if m.value.startswith("**") and m.value.strip("*⚠ ") in DIGIT_NAMES]
    assert sorted(name.strip("*⚠ ") for name in names) == sorted(DIGIT_NAMES)  # five columns: read down, then across
    teach = app.button(key="speech_enrol_train")
    assert not teach.disabled and teach.label == "Teach it my voice"  # says what it does, not "Train"
    assert any("Teaching takes about" in c.value for c in app.caption)


def test_your_voice_offers_both_teaching_mixes_with_the_measured_figures_of_the_pages(fsdd_on_the_page):
    """Test the choice of what the head hears besides the new voice: both mixes, the less forgetful one first, with
    the figures measured for it (the page's mix) in words, and the time either takes."""
    app = open_page(PAGE, "Your voice", "speech_tab")
    app.radio(key="speech_enrol_source").set_value("an example voice").run()
    mix = app.radio(key="speech_enrol_mix")
    assert mix.options == ["your voice and the voices it knows", "only your voice"] and mix.index == 0
    said = {}
    for option in mix.options:
        app.radio(key="speech_enrol_mix").set_value(option).run()
        assert not app.exception and not app.error
        said[option] = " ".join(c.value for c in app.caption)
        assert "Teaching takes about" in said[option]
    assert "Tried on 5 voices the reader had never heard" in said[mix.options[0]]
    assert "Tried on" not in said[mix.options[1]]  # measured for the page's mix only: no figures borrowed


def test_your_voice_without_the_data_set_uses_the_shipped_voices(tmp_path, monkeypatch):
    """Test the Your voice tab offline: the example voices come from the shipped clips, and the cut works."""
    monkeypatch.setenv("FSDD_DIR", str(tmp_path))
    st.cache_resource.clear()
    app = open_page(PAGE, "Your voice", "speech_tab")
    app.radio(key="speech_enrol_source").set_value("an example voice").run()
    assert not app.exception
    assert not app.button(key="speech_enrol_train").disabled
    st.cache_resource.clear()


def test_my_voice_is_offered_beside_the_pretrained_reader(fsdd_on_the_page):
    """Test that a finished enrolment adds "my voice", saying how long it took, and the pretrained reader stays first."""
    app = open_page(PAGE, "Talk to it", "speech_tab")
    history = History({"loss": [3.0]}, [12.0, 13.0])
    job = SimpleNamespace(active=False, history=history)
    app.session_state["speech_voice_model"] = SessionTraining(speech.build_model(), job, "v")
    app.run()
    reader = app.radio(key="speech_model_choice")
    assert reader.options == [PRETRAINED, SCRATCH, "my voice (adapted in 25 s)"] and reader.value == PRETRAINED


def test_a_sixth_speaker_is_named_as_new_to_the_shipped_readers(fsdd_dir, monkeypatch, tmp_path):
    """Test that with FSDD v1.0.10's sixth voice (here the one more voice we have, named theo), the Sounds tab
    lists six speakers, says which the shipped readers heard, and offers the new one to leave out in Train."""
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    for clip in (fsdd_dir / "recordings").glob("*.wav"):
        (recordings / clip.name).symlink_to(clip)
    more = fsdd_dir.parent / "voices_more"
    for digit in range(10):
        (recordings / f"{digit}_theo_0.wav").symlink_to(more / f"{digit}_asteriskallison_0.wav")
    monkeypatch.setenv("FSDD_DIR", str(tmp_path))
    st.cache_resource.clear()
    app = open_page(PAGE, "Sounds", "speech_tab")
    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "the shipped readers heard it" in frame.value.columns)
    assert dict(zip(table["speaker"], table["the shipped readers heard it"], strict=True)) == {
        "george": True,
        "jackson": True,
        "lucas": True,
        "nicolas": True,
        "theo": False,
        "yweweler": True,
    }
    assert any("6 speakers" in m.value and "theo is a voice they never heard" in m.value for m in app.markdown)
    app.session_state["speech_tab"] = "Train"
    app.run()
    assert "theo" in app.selectbox(key="speech_held_out").options


@pytest.mark.parametrize("typed", ["7", "42", "314", "2718", "31415"])
def test_the_reading_caption_says_which_length_is_which(fsdd_on_the_page, typed):
    """Test that under a reading, the sound's length (trimmed) and the length read (with the page's own pauses)
    are told apart, and add up, for sounds of one to five digits."""
    app = open_page(PAGE)
    app.radio(key="speech_source").set_value("join digits").run()
    app.text_input(key="speech_digits").input(typed).run()
    caption = next(c.value for c in app.caption if " s of sound" in c.value)
    sound, pause, in_all = (float(n) for n in re.findall(r"(\d+\.\d+) s (?:of sound|of its own|in all)", caption))
    assert pause == speech.PAUSE_S
    assert in_all == pytest.approx(sound + 2 * pause, abs=0.011)
