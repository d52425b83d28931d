"""What a class runs into (AppTest): pages without their data sets, and controls that must do what they say."""

from __future__ import annotations

import re

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest

from core.cifar import model as cifar
from core.shared import assets


@pytest.fixture
def no_data_sets(monkeypatch, tmp_path):
    """The data set folders point nowhere, as on a server that was given a wrong path."""
    monkeypatch.setenv("CIFAR10_DIR", str(tmp_path / "no-cifar"))
    monkeypatch.setenv("CAPTCHA_DIR", str(tmp_path / "no-captchas"))
    monkeypatch.setenv("FSDD_DIR", str(tmp_path / "no-spoken-digits"))
    import streamlit as st

    from app_pages.common import data_notice  # noqa: F401  (the pages' caches are per process: clear them)

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("source", ["a sample", "upload a picture", "draw", "draw over a captcha", "type a text"])
def test_captcha_reads_without_the_data_set(no_data_sets, source):
    """Test that every way of reading works from the shipped samples when the captchas cannot be had."""
    app = open_page("app_pages/rnn/captcha.py")
    app.radio(key="captcha_source").set_value(source)
    app.run()
    assert not app.exception, app.exception[0].message if app.exception else ""
    if source in ("a sample", "draw over a captcha", "type a text"):
        assert any("Reading:" in m.value for m in app.markdown), "no reading of the shipped sample"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Type 1 to 6 characters."),
        ("hello", "Not in them: h, l, o."),
        ("b3dx7", None),
        ("2345678", None),  # cut to 6 by the field itself
    ],
)
def test_a_typed_text_is_drawn_and_read_or_said_why_not(text, says):
    """Test that typing a text (the keyboard's way to a drawing) reads it, or says in a sentence what is wrong."""
    app = open_page("app_pages/rnn/captcha.py")
    app.radio(key="captcha_source").set_value("type a text")
    app.run()
    app.text_input(key="captcha_typed_text").set_value(text)
    app.run()
    assert not app.exception
    if says:
        assert [w.value for w in app.warning if says in w.value], [w.value for w in app.warning]
        assert not any("Reading:" in m.value for m in app.markdown)
    else:
        assert any("Reading:" in m.value for m in app.markdown)


@pytest.mark.parametrize(
    ("page", "tab_key", "tabs"),
    [
        ("app_pages/rnn/captcha.py", "captcha_tab", ["Data", "Train"]),
        ("app_pages/cnn/cifar10.py", "cifar_tab", ["Data", "Train", "Inspect", "Augmentation"]),
        ("app_pages/rnn/speech.py", "speech_tab", ["Train"]),
    ],
)
def test_a_missing_data_set_is_said_once(no_data_sets, page, tab_key, tabs):
    """Test that a page without its data set says so in one warning, and a tab that needs it only points to it."""
    for tab in tabs:
        app = open_page(page, tab, tab_key)
        assert not app.exception
        assert len(app.warning) == 1, [w.value for w in app.warning]
        assert "not where this app was told to find them" in app.warning[0].value
        assert "_DIR" not in app.warning[0].value  # the set-up details are in the expander
        assert any("see the note at the top" in i.value for i in app.info), f"tab {tab} does not say why it is empty"


def test_grad_cam_class_follows_the_image(cifar_on_the_page):
    """Test that choosing another image starts Grad-CAM at that image's predicted class, not at the last choice."""
    app = open_page("app_pages/cnn/cifar10.py", "Inspect", "cifar_tab")
    first = app.number_input(key="cifar_inspect_image").value
    cam = next(s for s in app.selectbox if s.key.startswith("cifar_cam_class_"))
    other = next(name for name in cam.options if name != cam.value)
    cam.set_value(other)
    app.run()
    assert any(f"where it looked for '{other}'" in c for c in captions_of_images(app))
    app.number_input(key="cifar_inspect_image").set_value(first + 1)
    app.run()
    cam = next(s for s in app.selectbox if s.key.startswith("cifar_cam_class_"))
    predicted = next(c for c in captions_of_images(app) if c.startswith("true:")).split("predicted: ")[1]
    assert cam.value == predicted
    assert any(f"where it looked for '{predicted}': yellow most" in c for c in captions_of_images(app))


def captions_of_images(app: AppTest) -> list[str]:
    """The captions under the page's pictures."""
    return [caption for image in app.get("image") for caption in image.captions if caption]


def test_feature_maps_say_how_many_are_shown(cifar_on_the_page):
    """Test that a layer with more maps than are drawn says 'the first 64 of 256'."""
    app = open_page("app_pages/cnn/cifar10.py", "Inspect", "cifar_tab")
    app.radio(key="cifar_inspect_model").set_value("pretrained improved")
    app.run()
    text = " ".join(m.value for m in app.markdown)
    assert "the first 64 of 256 feature maps" in text and "all 64 feature maps" in text


def test_no_paths_or_commands_outside_expanders():
    """Test that what a student reads names no file, folder, script or command: those sit in expanders for the teacher."""
    for page, tab_key, tabs in (
        ("app_pages/cnn/convolution.py", None, [None]),
        ("app_pages/cnn/cifar10.py", "cifar_tab", ["Data", "Model", "Train", "Inspect", "Augmentation", "Try it"]),
        ("app_pages/rnn/lstm.py", "lstm_tab", ["Sequence patterns", "The cell"]),
        ("app_pages/rnn/forecasting.py", "forecast_tab", ["Series", "Windows", "Train and results", "Look-back"]),
        ("app_pages/rnn/captcha.py", "captcha_tab", ["Read a captcha", "Data", "Model", "Train"]),
        ("app_pages/rnn/speech.py", "speech_tab", ["Talk to it", "Sounds", "Model", "Train"]),
    ):
        for tab in tabs:
            app = open_page(page, tab, tab_key)
            texts = [e.value for e in (*app.markdown, *app.caption, *app.info, *app.warning)]
            for text in texts:
                for marker in ("python -m", "benchmarks/", "core/", "README", ".py`", "/datasets/"):
                    assert marker not in text, f"{page} {tab}: {text[:100]!r}"


@pytest.mark.parametrize(
    ("page", "tab_key", "tab"),
    [
        ("app_pages/cnn/cifar10.py", "cifar_tab", "Train"),
        ("app_pages/rnn/captcha.py", "captcha_tab", "Train"),
        ("app_pages/rnn/speech.py", "speech_tab", "Train"),
    ],
)
def test_train_says_what_it_will_cost(cifar_on_the_page, captcha_on_the_page, fsdd_on_the_page, page, tab_key, tab):
    """Test that before Train the page says about how long the chosen settings take on this server."""
    app = open_page(page, tab, tab_key)
    assert any("takes about" in c.value for c in app.caption)


def test_cifar_estimate_counts_the_start_and_never_says_zero(cifar_on_the_page):
    """Test the Train tab's estimate for every subset at 1 and 50 epochs: the start counted, never "about 0 s"."""
    app = open_page("app_pages/cnn/cifar10.py", "Train", "cifar_tab")
    start = f"{assets.training_start_seconds(cifar.train_task.__module__):.0f} s"
    for shown in app.select_slider(key="cifar_subset").options:  # "1,000", "5,000"…
        app.select_slider(key="cifar_subset").set_value(int(shown.replace(",", "")))
        for epochs in (1, 50):
            app.number_input(key="cifar_epochs").set_value(epochs).run()
            caption = next(c.value for c in app.caption if "takes about" in c.value)
            assert not re.search(r"about 0 (s|min)", caption)
            assert re.search(rf"{start} to start|{start}, to start", caption), caption


def test_settings_survive_a_visit_to_another_page():
    """Test that a convolution setting and a forecasting choice are still there after the student visits the LSTM page."""
    app = open_page("app_pages/cnn/convolution.py")
    app.number_input(key="conv_k").set_value(7)
    app.run()
    app.switch_page("app_pages/rnn/forecasting.py")
    app.run()
    app.radio(key="forecast_kind").set_value(True)
    app.run()
    app.switch_page("app_pages/rnn/lstm.py")
    app.run()
    app.switch_page("app_pages/cnn/convolution.py")
    app.run()
    assert app.number_input(key="conv_k").value == 7
    app.switch_page("app_pages/rnn/forecasting.py")
    app.run()
    assert app.radio(key="forecast_kind").value is True
    assert not app.exception
