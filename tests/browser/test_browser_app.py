"""Real-browser tests: each page opens in Chromium, renders, and reacts to its controls."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from core.shared.datasets import CIFAR10_CLASSES
from devtools.canvas_drawing import draw_strokes, mouse_strokes, settled_reading
from devtools.served_app import PAGES, start_small_cifar_training, visit_during_a_training, wait_for_app

DRAWN_TEXT = "b3dx7"  # letter shapes of devtools/canvas_drawing.py, not the training ones


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_exception(page, app_url, path):
    """Test that the page shows its title and no exception block."""
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES[path]).wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def _metric(page, label: str):
    """The value of the metric labelled `label`, as a locator for a waiting `expect`."""
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]')


def _set_number(page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    wait_for_app(page)


def test_convolution_shape_follows_the_settings(page, app_url):
    """Test that changing the stride, then the filter size, changes the output shape on screen."""
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    expect(_metric(page, "Output shape")).to_have_text("4 × 4 × 2")
    _set_number(page, "Stride s", 2)
    page.wait_for_function("() => document.body.innerText.includes('2 × 2 × 2')")
    _set_number(page, "Filter size f", 1)
    page.wait_for_function("() => document.body.innerText.includes('3 × 3 × 2')")
    expect(_metric(page, "Parameters")).to_have_text(f"{(1 * 1 * 3 + 1) * 2}")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_convolution_stride_zero_shows_a_message(page, app_url):
    """Test that stride 0 shows the explanation instead of a traceback."""
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    _set_number(page, "Stride s", 0)
    page.get_by_text("Stride s must be at least 1").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_lstm_toggles_change_the_returned_shapes(page, app_url):
    """Test that flipping return_sequences then return_state changes what the page says Python gets."""
    page.goto(f"{app_url}/lstm")
    wait_for_app(page)
    page.get_by_role("tab", name="return_sequences / return_state").click()
    page.get_by_text("shape (2, 4)").first.wait_for()
    page.get_by_role("switch", name="return_sequences", exact=True).click(force=True)
    wait_for_app(page)
    page.get_by_text("shape (2, 5, 4)").first.wait_for()
    page.get_by_text("Python gets one tensor:").wait_for()
    page.get_by_role("switch", name="return_state", exact=True).click(force=True)
    wait_for_app(page)
    page.get_by_text("a list of 3 tensors").wait_for()
    page.get_by_text("last cell state, shape (2, 4)").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def _normalisation_text(page) -> str:
    return page.get_by_text("Normalisation uses the training part only").inner_text()


def test_forecasting_noise_level_redraws_the_series(page, app_url):
    """Test that moving the noise slider redraws the series (its training statistics change)."""
    page.goto(f"{app_url}/forecasting")
    wait_for_app(page)
    before = _normalisation_text(page)
    slider = page.get_by_role("slider", name="Noise σ")
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    wait_for_app(page)
    page.wait_for_function(f"() => !document.body.innerText.includes({before!r})")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_forecasting_train_then_stop_keeps_the_partial_model(page, app_url):
    """Test that Train shows live epochs and Stop ends it early, keeping the model trained so far."""
    page.goto(f"{app_url}/forecasting?forecast_tab=Train+and+results")
    wait_for_app(page)
    _set_number(page, "Epochs", 200)
    page.get_by_role("button", name="Train").click()
    # Epochs take a fraction of a second: wait for any of them rather than one in particular.
    page.get_by_text(re.compile(r"Epoch \d+/200")).wait_for()
    page.get_by_role("button", name="Stop").click()
    wait_for_app(page)
    page.get_by_text("stopped early").first.wait_for()  # the summary line, and the results caption once shown
    expect(page.get_by_text("Epoch 200/200")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0


def _png(color: tuple[int, int, int], size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_cifar_upload_gives_a_prediction_and_a_bad_file_a_message(page, app_url):
    """Test that an uploaded picture is shown at 32 × 32 with both models' predictions, still there after a look at
    another tab, and that a non-image gets a message."""
    page.goto(f"{app_url}/cifar10")
    wait_for_app(page)
    page.get_by_role("tab", name="Try it").click()
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.set_input_files(files=[{"name": "sky.png", "mimeType": "image/png", "buffer": _png((90, 140, 230))}])
    wait_for_app(page)
    page.get_by_text("what the network sees: 32 × 32 (from 120 × 80)").wait_for()
    expect(page.get_by_text("…or pick a sample")).to_have_count(0)  # an upload replaces the samples' choice
    for variant in ("basic", "improved"):  # the two shipped models side by side
        page.get_by_text(re.compile(rf"pretrained {variant}: (" + "|".join(CIFAR10_CLASSES) + ")")).wait_for()
    page.get_by_role("tab", name="Data").click()  # a look at another tab keeps the upload
    wait_for_app(page)
    page.get_by_role("tab", name="Try it").click()
    wait_for_app(page)
    page.get_by_text("what the network sees: 32 × 32 (from 120 × 80)").wait_for()
    upload.set_input_files(files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture at all"}])
    wait_for_app(page)
    page.get_by_text("This file is not a picture that can be read").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_cifar_training_curve_grows_then_stop(page, app_url):
    """Test that training on a small subset draws a growing curve and Stop ends it, keeping the model."""
    start_small_cifar_training(page, app_url, epochs=30)
    page.get_by_text(re.compile(r"Epoch [2-9]/30")).first.wait_for(timeout=120_000)
    page.get_by_role("button", name="Stop").click()
    wait_for_app(page)
    page.get_by_text("Stopped early").first.wait_for()
    expect(page.get_by_text("Epoch 30/30")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_cifar_settings_survive_a_visit_to_another_page_while_a_training_runs(page, app_url):
    """Test that the Train tab's settings are as chosen after a visit to another page during a training.

    The training panel refreshes itself once a second; after such a refresh, leaving the page made Streamlit
    drop the values of the page's other widgets (streamlit/streamlit#10805).
    """
    start_small_cifar_training(page, app_url, epochs=30)
    visit_during_a_training(page, "Convolution layer", "CIFAR-10 CNN")
    expect(page.get_by_label("Epochs", exact=True)).to_have_value("30")
    expect(page.get_by_role("slider", name="Training images")).to_have_attribute("aria-valuetext", "1,000")
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped early").first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_captcha_upload_is_read(page, app_url, captcha_dir):
    """Test that uploading a captcha shows the 50 × 200 input and the pretrained model's reading of it."""
    path = sorted(captcha_dir.glob("*.png"))[-1]
    page.goto(f"{app_url}/captcha")
    wait_for_app(page)
    page.get_by_text("upload a picture").click()
    wait_for_app(page)
    page.locator(".st-key-captcha_upload input[type='file']").set_input_files(str(path))
    wait_for_app(page)
    page.get_by_text("what the network sees: 50 × 200 greyscale").wait_for()
    page.get_by_role("heading", name=f"Reading: {path.stem}").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_captcha_canvas_blank_then_drawn(page, app_url):
    """Test that an empty canvas asks for a drawing, and mouse strokes on it are read by the model."""
    page.goto(f"{app_url}/captcha")
    wait_for_app(page)
    page.get_by_text("draw", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Draw something first.").wait_for()
    box = page.locator("canvas.upper-canvas").first.bounding_box()  # Fabric.js draws on its upper canvas
    page.mouse.move(box["x"] + 60, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 30):
        page.mouse.move(box["x"] + 60 + step * 15, box["y"] + 40 + (step % 6) * 12)
    page.mouse.up()
    wait_for_app(page)
    page.get_by_text("what the network sees: 50 × 200 greyscale").wait_for()
    page.get_by_role("heading", name="Reading:").wait_for()
    expect(page.get_by_text("Draw something first.")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0


def draw_for_the_drawings_reader(page, app_url: str) -> None:
    """Open the captcha page, choose the reader trained on drawings, and draw `DRAWN_TEXT` on its canvas."""
    page.goto(f"{app_url}/captcha")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Model").get_by_text("pretrained: captchas + drawings", exact=True).click()
    wait_for_app(page)
    page.get_by_text("draw", exact=True).click()
    wait_for_app(page)
    draw_strokes(page, mouse_strokes(DRAWN_TEXT, np.random.default_rng(0)))


def test_captcha_reads_text_drawn_with_the_mouse(page, app_url):
    """Test that characters drawn on the canvas with the mouse are read back as that text."""
    draw_for_the_drawings_reader(page, app_url)
    assert settled_reading(page) == DRAWN_TEXT


def test_a_captcha_drawing_outlasts_a_look_at_another_tab(page, app_url):
    """Test that after drawing, opening the Model tab and coming back, the drawing and its reading are still there."""
    draw_for_the_drawings_reader(page, app_url)
    before = settled_reading(page)
    page.get_by_role("tab", name="Model").click()
    wait_for_app(page)
    page.get_by_text("parameters").first.wait_for()
    page.get_by_role("tab", name="Read a captcha").click()
    wait_for_app(page)
    expect(page.get_by_text("Draw something first.")).to_have_count(0)
    assert settled_reading(page) == before
    assert page.locator('[data-testid="stException"]').count() == 0


def test_forecasting_switches_to_the_long_memory_model(page, app_url):
    """Test that choosing the long-memory forecaster shows what it sees and its pretrained result."""
    page.goto(f"{app_url}/forecasting")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="What the model sees").get_by_text("long memory", exact=False).click()
    wait_for_app(page)
    page.get_by_role("tab", name="Windows").click()
    page.get_by_text("AveragePooling1D").wait_for()
    page.get_by_role("tab", name="Train and results").click()
    page.get_by_text("Showing the pretrained model").wait_for()
    page.get_by_text(re.compile(r"with 170 values, most of them averaged")).wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
