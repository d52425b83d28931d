"""Every page's widgets over their whole allowed range (AppTest): no traceback, and a sentence where a setting cannot work.

Each sweep keeps one app open and moves one widget at a time, so that the sweep costs a
rerun per value, as a student's click does.
"""

from __future__ import annotations

import itertools
import json

import pytest
from apptest import open_page
from streamlit.testing.v1 import AppTest


def assert_no_exception(app: AppTest, setting: str) -> None:
    assert not app.exception, f"{setting}: {app.exception[0].message}"


CONV = "app_pages/cnn/convolution.py"
CONV_RANGES = {  # each number input from its minimum to its maximum
    "conv_height": range(1, 65, 7),
    "conv_width": range(1, 65, 9),
    "conv_channels": range(1, 5),
    "conv_k": range(1, 9),
    "conv_f": range(1, 12),
    "conv_s": range(0, 9),
    "conv_p": range(0, 11),
    "conv_seed": (0, 9999),
}


@pytest.mark.parametrize("key", CONV_RANGES)
def test_convolution_each_setting_over_its_range(key):
    """Test that each convolution setting, from its minimum to its maximum, gives a page or a sentence."""
    app = open_page(CONV)
    for value in CONV_RANGES[key]:
        app.number_input(key=key).set_value(value)
        app.run()
        assert_no_exception(app, f"{key}={value}")
        assert app.metric or app.error, f"{key}={value}: neither a result nor a message"


# (height, width, f, stride, padding): the combinations that make edge cases.
CONV_EDGES = [
    (6, 6, 6, 1, "valid"),  # f = n: a 1 × 1 output
    (1, 1, 1, 1, "valid"),  # a 1 × 1 input
    (6, 6, 3, 8, "valid"),  # a stride larger than the input: one window
    (6, 6, 1, 4, "same"),  # 'same' whose windows stop before the edge
    (7, 5, 2, 3, "same"),  # an odd extra zero after, on one axis only
    (64, 64, 11, 1, "valid"),  # the largest input: too big to draw step by step
    (20, 20, 3, 1, 0),  # exactly the largest drawn
    (1, 64, 1, 8, 10),  # a row of one, the largest padding
    (6, 6, 11, 1, 0),  # a filter that does not fit
]


@pytest.mark.parametrize(("height", "width", "f", "stride", "padding"), CONV_EDGES)
def test_convolution_edge_combinations(height, width, f, stride, padding):
    """Test that the edge combinations show their output (with the Keras check) or one sentence."""
    app = open_page(CONV)
    for key, value in (("conv_height", height), ("conv_width", width), ("conv_f", f), ("conv_s", stride)):
        app.number_input(key=key).set_value(value)
    app.selectbox(key="conv_padding_mode").set_value("number p" if isinstance(padding, int) else padding)
    if isinstance(padding, int):
        app.number_input(key="conv_p").set_value(padding)
    app.run()
    assert_no_exception(app, str((height, width, f, stride, padding)))
    if app.error:
        assert "does not fit" in app.error[0].value
    else:
        assert any("same" in s.value and "output" in s.value for s in app.success), "the Keras check is missing"
    for warning in app.warning:  # each padding mode explains uncovered cells by its own formula
        assert ("floor" in warning.value) == (padding != "same"), warning.value


def test_convolution_step_slider_follows_a_shrinking_output():
    """Test that the chosen output cell is kept in range when the settings shrink the output."""
    app = open_page(CONV)
    app.slider(key="conv_step").set_value(16)
    app.run()
    app.number_input(key="conv_s").set_value(2)  # 16 cells → 4
    app.run()
    assert_no_exception(app, "stride 2 after cell 16")
    assert app.slider(key="conv_step").value == 4
    app.number_input(key="conv_f").set_value(6)  # → a single cell: no slider at all
    app.number_input(key="conv_s").set_value(1)
    app.run()
    assert_no_exception(app, "f = n")
    assert not [s for s in app.slider if s.key == "conv_step"]
    assert any("single cell" in c.value for c in app.caption)


@pytest.mark.parametrize(("filter_index", "step"), list(itertools.product((0, 1), (1, 7, 16))))
def test_convolution_detail_follows_the_step(filter_index, step):
    """Test that the step slider and the filter choice drive the detail: its title names that output cell."""
    app = open_page(CONV)
    app.radio(key="conv_filter").set_value(filter_index)
    app.slider(key="conv_step").set_value(step)
    app.run()
    row, col = divmod(step - 1, 4)
    assert any(f"output cell ({row}, {col}) of filter {filter_index}" in m.value for m in app.markdown)


def test_convolution_animation_is_built_when_asked_and_gone_when_the_settings_change():
    """Test that the slide's animation appears only after its button, plays every step, and goes when f changes."""
    app = open_page(CONV)
    assert not app.get("plotly_chart"), "the animation is drawn before anyone asked for it"
    app.button(key="conv_animate").click()
    app.run()
    charts = app.get("plotly_chart")
    assert len(charts) == 1 and len(json.loads(charts[0].proto.spec)["frames"]) == 16
    app.number_input(key="conv_f").set_value(2)
    app.run()
    assert not app.get("plotly_chart") and not app.exception


LSTM = "app_pages/rnn/lstm.py"
LSTM_TABS = ("Sequence patterns", "return_sequences / return_state", "Stacking", "The cell")
LSTM_EXTREMES = {"lstm_batch": (1, 8), "lstm_timesteps": (1, 30), "lstm_features": (1, 16), "lstm_units": (1, 32)}


@pytest.mark.parametrize("tab", LSTM_TABS)
def test_lstm_sizes_at_their_extremes_in_every_tab(tab):
    """Test that every LSTM tab renders with each size at its minimum and its maximum."""
    app = open_page(LSTM, tab, "lstm_tab")
    for key, values in LSTM_EXTREMES.items():
        for value in values:
            app.number_input(key=key).set_value(value)
            app.run()
            assert_no_exception(app, f"{tab}: {key}={value}")
        app.number_input(key=key).set_value(values[0] + 1)  # back to a middle value for the next size


FORECAST = "app_pages/rnn/forecasting.py"


@pytest.mark.parametrize(
    ("length", "split", "look_back"),
    [(200, 0.5, 80), (200, 0.5, 99), (3000, 0.95, 2), (200, 0.95, 80), (1000, 0.9, 10)],
)
@pytest.mark.parametrize("long_memory", [False, True])
def test_forecasting_series_and_windows_at_their_extremes(length, split, look_back, long_memory):
    """Test that the shortest and longest series, with either model, give results, a Train prompt or a sentence."""
    app = open_page(FORECAST, "Train and results", "forecast_tab")
    app.number_input(key="forecast_length").set_value(length)
    app.slider(key="forecast_split").set_value(split)
    app.radio(key="forecast_kind").set_value(long_memory)
    app.run()
    if not long_memory:
        app.number_input(key="forecast_look_back").set_value(min(look_back, 80))
        app.run()
    assert_no_exception(app, f"N={length} split={split} look_back={look_back} long memory={long_memory}")
    assert app.error or app.info or any("the model's error is" in m.value for m in app.markdown)


CIFAR = "app_pages/cnn/cifar10.py"


@pytest.mark.parametrize(
    ("filters", "valid"),
    [
        ("16, 32, 64", True),
        ("1", True),
        ("512, 512, 512, 512, 512", True),
        ("", False),
        ("0, 8", False),
        ("a, b", False),
    ],
)
@pytest.mark.parametrize("preset", ["basic (the slides')", "improved"])
def test_cifar_model_settings_give_a_table_or_a_sentence(preset, filters, valid):
    """Test that any filters text, on either preset, builds a model whose caption counts its convs, or says why not."""
    app = open_page(CIFAR, "Model", "cifar_tab")
    app.radio(key="cifar_preset").set_value(preset)
    app.run()
    app.text_input(key=f"cifar_filters_{preset}").set_value(filters)
    app.run()
    assert_no_exception(app, f"{preset}: {filters!r}")
    assert bool(app.error) != valid
    blocks = len(filters.split(",")) if valid else 3
    convs = blocks * (2 if preset == "improved" else 1)
    assert any(f"{convs} conv layers in all" in m.value for m in app.markdown), "the caption does not match the model"


@pytest.mark.parametrize(
    ("recipe", "settings"),
    [
        ("the improved model's", {"cifar_augment_shift": 0, "cifar_augment_erasing": 0.0}),
        ("the improved model's", {"cifar_augment_shift": 8, "cifar_augment_erasing": 1.0}),
        ("the slides' three layers", {"cifar_augment_rotation": 0.0, "cifar_augment_zoom": 0.0}),
        ("the slides' three layers", {"cifar_augment_rotation": 0.5, "cifar_augment_zoom": 0.5}),
    ],
)
def test_cifar_augmentation_at_its_extremes(cifar_on_the_page, recipe, settings):
    """Test that each augmentation recipe draws its copies with every slider at its minimum and maximum."""
    app = open_page(CIFAR, "Augmentation", "cifar_tab")
    app.radio(key="cifar_augment_recipe").set_value(recipe)
    app.run()
    for key, value in settings.items():
        app.slider(key=key).set_value(value)
    app.number_input(key="cifar_augment_image").set_value(4999)
    app.run()
    assert_no_exception(app, f"{recipe}: {settings}")
    caption = next(c.value for c in app.caption if "new random draw" in c.value)
    shown = {"shifts": settings.get("cifar_augment_shift"), "cutout": settings.get("cifar_augment_erasing")}
    shown |= {"rotations": settings.get("cifar_augment_rotation"), "zooms": settings.get("cifar_augment_zoom")}
    for word, value in shown.items():  # the caption names exactly the transformations in use
        if value is not None:
            assert (word in caption) == bool(value), caption


@pytest.mark.parametrize("image", [0, 4999])
def test_cifar_inspect_first_and_last_test_image(cifar_on_the_page, image):
    """Test that Inspect opens instantly on a pretrained model and looks inside the first and the last test image."""
    app = open_page(CIFAR, "Inspect", "cifar_tab")
    app.radio(key="cifar_inspect_model").set_value("pretrained improved")
    app.run()
    app.number_input(key="cifar_inspect_image").set_value(image)
    app.run()
    assert_no_exception(app, f"image {image}")
    assert any("feature maps, each" in m.value for m in app.markdown)


CAPTCHA = "app_pages/rnn/captcha.py"


@pytest.mark.parametrize("beam", [1, 50])
def test_captcha_beam_width_at_its_extremes(beam):
    """Test that beam search with 1 and 50 beams reads the sample."""
    app = open_page(CAPTCHA)
    app.slider(key="captcha_beam").set_value(beam)
    app.run()
    assert_no_exception(app, f"beam {beam}")
    assert any("Reading:" in m.value for m in app.markdown)


def test_forecasting_window_slider_follows_a_shorter_series():
    """Test that a window start near the end of a long series stays at the end when the series gets shorter."""
    app = open_page(FORECAST, "Windows", "forecast_tab")
    app.number_input(key="forecast_length").set_value(3000)
    app.run()
    app.slider(key="forecast_window_start").set_value(2500)
    app.run()
    app.number_input(key="forecast_length").set_value(200)
    app.run()
    assert_no_exception(app, "window start 2500 on 200 values")
    assert app.slider(key="forecast_window_start").value == 180 - 10 - 1  # the last window of 180 training values
