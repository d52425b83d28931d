"""AppTest smoke tests: every page runs without an exception, and the convolution page reacts."""

from __future__ import annotations

import itertools
import json

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from app_pages import registry

PAGES = tuple(entry.path for entry in registry.PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page):
    """Test that the page renders with no exception and a title."""
    app = open_page(page)
    assert not app.exception
    assert app.title


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_convolution_defaults_are_the_material_example():
    """Test that the page opens on the class example: 4 × 4 × 2 output, 56 parameters, Keras agreeing."""
    app = open_page("app_pages/cnn/convolution.py")
    assert metric(app, "Output shape") == "4 × 4 × 2"
    assert metric(app, "Parameters") == "56"
    assert any("same (4, 4, 2) output" in s.value for s in app.success)


def test_convolution_settings_change_the_shape():
    """Test that stride 2 and 'same' padding give ceil(6/2) = 3 rows and columns."""
    app = open_page("app_pages/cnn/convolution.py")
    app.number_input(key="conv_s").set_value(2)
    app.selectbox(key="conv_padding_mode").set_value("same")
    app.run()
    assert metric(app, "Output shape") == "3 × 3 × 2"
    assert not app.exception


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("conv_s", 0, "Stride s must be at least 1"), ("conv_f", 9, "does not fit in the padded input")],
)
def test_convolution_impossible_settings_show_a_message(key, value, message):
    """Test that stride 0 or a filter larger than the input gives an error message, not a traceback."""
    app = open_page("app_pages/cnn/convolution.py")
    app.number_input(key=key).set_value(value)
    app.run()
    assert not app.exception
    assert any(message in e.value for e in app.error)


@pytest.mark.parametrize(("return_sequences", "return_state"), list(itertools.product((False, True), repeat=2)))
def test_lstm_page_shows_each_toggle_combination(return_sequences, return_state):
    """Test that each return_sequences / return_state combination renders its tensors and all identities hold."""
    app = open_page("app_pages/rnn/lstm.py", "return_sequences / return_state", "lstm_tab")
    app.toggle(key="lstm_return_sequences").set_value(return_sequences)
    app.toggle(key="lstm_return_state").set_value(return_state)
    app.run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    first = "(2, 5, 4)" if return_sequences else "(2, 4)"
    assert f"shape **{first}**" in text
    assert ("a list of 3 tensors" in text) == return_state
    assert ":red[" not in text  # every identity check passed


def test_lstm_page_explains_a_broken_stack():
    """Test that switching off return_sequences under another LSTM shows the explanation."""
    app = open_page("app_pages/rnn/lstm.py", "Stacking", "lstm_tab")
    app.toggle(key="lstm_stack_seq_0_2").set_value(False)
    app.run()
    assert not app.exception
    assert any("needs a 3-D input" in e.value for e in app.error)


def test_forecasting_opens_with_the_pretrained_result():
    """Test that with the material's settings the page shows results at once, from the shipped model."""
    app = open_page("app_pages/rnn/forecasting.py", "Train and results", "forecast_tab")
    assert not app.exception
    assert any("pretrained model" in c.value for c in app.caption)
    assert any("the model's error is" in m.value for m in app.markdown)
    # The linear reference from the same 10 values: 11 numbers against the LSTM's 40,901.
    assert any("11 numbers, where the model has 40,901" in m.value for m in app.markdown)


def test_forecasting_trains_a_session_model_for_new_settings():
    """Test that other settings ask for training, and Train gives this session its own model and results."""
    app = open_page("app_pages/rnn/forecasting.py", "Train and results", "forecast_tab")
    app.number_input(key="forecast_look_back").set_value(5)
    app.number_input(key="forecast_material_units").set_value(8)
    app.number_input(key="forecast_material_epochs").set_value(2)
    app.run()
    assert any("press **Train**" in i.value for i in app.info)
    assert any("Training takes about" in m.value for m in app.markdown), "no word on what Train costs"
    app.button(key="forecast_train").click()
    app.run()
    app.session_state["forecast_model"].job.join(timeout=120)  # the training runs in a worker process
    app.run()
    assert not app.exception
    assert any("your model (2 epochs" in c.value for c in app.caption)
    downloads = [button.proto.label for button in app.get("download_button")]
    assert downloads == [
        "Download the model (.keras)",
        "Download its settings and curves (.json)",
        "Download the notebook",
    ]
    app.slider(key="forecast_noise").set_value(
        0.7
    )  # another series: the model is kept, and the page says why it is not shown
    app.run()
    assert any("noise σ 0.5 → 0.7" in i.value for i in app.info)
    app.session_state["forecast_tab"] = "Look-back"
    app.run()
    assert look_back_marks(app) == ["the pretrained model on this page", "your model"]


def look_back_marks(app) -> list[str]:
    """The names of the stars on the forecasting page's look-back chart."""
    chart = next(c for c in app.get("plotly_chart") if "look_back" in json.dumps(json.loads(c.proto.spec)["layout"]))
    return [
        trace["name"]
        for trace in json.loads(chart.proto.spec)["data"]
        if trace.get("marker", {}).get("symbol") == "star"
    ]


def test_the_look_back_chart_stays_as_it_is_while_the_series_settings_move():
    """Test that the look-back chart does not change with the noise (redrawing it was a third of a press's wait):
    it always marks the pretrained model, on the benchmark's own series."""
    app = open_page("app_pages/rnn/forecasting.py", "Look-back", "forecast_tab")

    def spec() -> str:
        return next(c.proto.spec for c in app.get("plotly_chart") if '"look_back' in c.proto.spec)

    before = spec()
    app.slider(key="forecast_noise").set_value(0.7).run()
    assert spec() == before and look_back_marks(app) == ["the pretrained model on this page"]


def test_a_rerun_keeps_keras_state():
    """Test that a script run does not reset Keras (Streamlit's clear_session costs 0.15 s a click)."""
    import keras

    app = open_page("app_pages/cnn/convolution.py")  # its Keras check imports keras
    before = keras.layers.Dense(1).name
    app.run()
    after = keras.layers.Dense(1).name
    assert after != before, "Keras's name counter was reset: clear_session ran after the script"


def test_forecasting_long_memory_shows_its_pretrained_model_then_trains_one():
    """Test that the long-memory choice shows the shipped model beside its linear part, and trains a session's own."""
    app = open_page("app_pages/rnn/forecasting.py", "Windows", "forecast_tab")
    app.radio(key="forecast_kind").set_value(True)
    app.run()
    assert any("AveragePooling1D" in m.value for m in app.markdown)
    app.session_state["forecast_tab"] = "Train and results"
    app.run()
    assert not app.exception
    assert any("pretrained model" in c.value for c in app.caption)
    table = app.table[0].value
    assert list(table["forecast"][:2]) == ["long-memory LSTM", "linear predictor on the same 26 inputs (27 numbers)"]
    app.number_input(key="forecast_long_units").set_value(8)
    app.number_input(key="forecast_long_epochs").set_value(2)
    app.run()
    app.button(key="forecast_train").click()
    app.run()
    app.session_state["forecast_model"].job.join(timeout=120)
    app.run()
    assert not app.exception
    assert any("your model (2 epochs" in c.value for c in app.caption)


def test_forecasting_long_memory_on_a_series_too_short_for_it():
    """Test that a training part shorter than the model's 170 values gets a sentence, not a traceback."""
    app = open_page("app_pages/rnn/forecasting.py")
    app.radio(key="forecast_kind").set_value(True)
    app.number_input(key="forecast_length").set_value(200)
    app.slider(key="forecast_split").set_value(0.5)
    app.run()
    assert not app.exception
    assert any("Make the series longer" in e.value for e in app.error)


# Widget kinds whose value a run can write back through the session state, and those Streamlit refuses
# (a chart is a widget only when the student can select in it).
SETTABLE = {"slider", "select_slider", "number_input", "selectbox", "radio", "checkbox", "toggle", "text_input"}
REFUSED = {"button", "audio_input", "file_uploader", "tab_container", "plotly_chart"}


def keyed_widgets(node, found: dict[str, str]) -> dict[str, str]:
    """Every keyed element under `node` of AppTest's tree, as key → kind."""
    for child in node.children.values() if isinstance(getattr(node, "children", None), dict) else ():
        keyed_widgets(child, found)
    key = getattr(node, "key", None) if not isinstance(node, type) else None
    if isinstance(key, str):
        found[key] = getattr(node, "type", type(node).__name__)
    return found


@pytest.mark.parametrize("entry", [entry for entry in registry.PAGES if entry.widgets], ids=lambda e: e.address)
def test_every_setting_is_kept_and_every_refused_widget_is_not(entry):
    """Test, on each tab of each page, that the registry keeps the settings' values and never a button's or upload's.

    A kept key that Streamlit refuses would break the page on its next run; a setting not kept would be
    forgotten when the student visits another page.
    """
    app = open_page(entry.path)
    labels = [tab.label for tab in app.tabs] if entry.tab_key else [None]
    found: dict[str, str] = {}
    for label in labels:
        if label is not None:
            app.session_state[entry.tab_key] = label
        app.run()
        app.run()  # the second run writes every kept value back
        assert not app.exception, f"{label}: {app.exception[0].message}"
        found |= {key: kind for key, kind in keyed_widgets(app._tree, {}).items() if key in app.session_state}
    mine = {key: kind for key, kind in found.items() if key.startswith(entry.widgets.prefix)}
    assert {kind for kind in mine.values()} <= SETTABLE | REFUSED, mine
    assert [key for key, kind in mine.items() if kind in SETTABLE and not entry.keeps(key)] == []
    assert [key for key, kind in mine.items() if kind in REFUSED and entry.keeps(key)] == []
