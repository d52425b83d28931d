"""Every page's widgets over their whole allowed range (AppTest): no traceback, and a sentence where a setting cannot work.

Each sweep keeps one app open and moves one widget at a time, so that the sweep costs a
rerun per value, as a student's click does.
"""

from __future__ import annotations

import itertools

import pytest
from streamlit.testing.v1 import AppTest


def open_page(page: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception
    return app


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
