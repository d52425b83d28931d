"""Keyboard only (issue #34): each page's main task done with Tab, Shift+Tab, arrows, Enter, Space and typing.

No test here clicks, fills or moves a mouse: controls are reached with `devtools.keyboard.tab_to`, which
presses Tab until the control, found by its role and accessible name, has the focus. Locators only read the
page. A file is chosen by pressing the uploader's Upload button with a key, which opens the browser's file chooser
(Playwright answers it as a student's file dialog would).
"""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from core.ctc import algorithm as ctc
from core.shared import assets
from devtools.keyboard import tab_to
from devtools.served_app import wait_for_app

RERUN = 30_000  # ms: what an `expect` waits for a rerun's result (its own default is 5 s)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def metric_value(page, label: str):
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]')


def press(page, key: str) -> None:
    """Press `key` on the focused control and wait for the script run it starts (if any) to end."""
    page.keyboard.press(key)
    wait_for_app(page)


def upload_with_keyboard(page, path) -> None:
    """Tab to the uploader's Upload button, press Enter, and choose `path` in the file chooser it opens."""
    upload = page.get_by_role("button", name="Upload", exact=True)
    tab_to(page, upload)
    # Once in a CI run the chooser did not open on the first Enter (focus on Upload, no "filechooser" in 60 s):
    # as a student would, press it again, still with the keyboard alone.
    for attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=15_000) as chooser:
                page.keyboard.press("Enter")
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            tab_to(page, upload)
    chooser.value.set_files(path)
    wait_for_app(page)


def test_convolution_stride_by_keyboard(page, app_url):
    """Test that Stride s is reached with Tab and changed with the arrow keys (Enter, then leaving the field,
    commits it), and that the output shape follows."""
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    expect(metric_value(page, "Output shape")).to_have_text("4 × 4 × 2")
    stride = page.get_by_role("spinbutton", name="Stride s")
    tab_to(page, stride)
    page.keyboard.press("ArrowUp")
    press(page, "Enter")
    expect(stride).to_have_value("2")
    expect(metric_value(page, "Output shape")).to_have_text("2 × 2 × 2", timeout=RERUN)
    # Typed over: Tab into a field selects its text. Out with Tab, back with Shift+Tab, type, out again.
    page.keyboard.press("Tab")
    tab_to(page, stride, backwards=True)
    page.keyboard.type("1")
    press(page, "Tab")
    expect(stride).to_have_value("1")
    expect(metric_value(page, "Output shape")).to_have_text("4 × 4 × 2", timeout=RERUN)
    no_exception(page)


def test_cifar_training_started_and_stopped_by_keyboard(page, app_url):
    """Test the Train tab without a mouse: the arrow keys open it from Data, Epochs is typed, Home gives the fewest
    training images, Enter presses Train, and Space presses Stop once the epochs show."""
    page.goto(f"{app_url}/cifar10")
    wait_for_app(page)
    tab_to(page, page.get_by_role("tab", name="Data"))
    press(page, "ArrowRight")  # Model
    press(page, "ArrowRight")  # Train
    expect(page.get_by_role("tab", name="Train")).to_have_attribute("aria-selected", "true", timeout=RERUN)
    epochs = page.get_by_role("spinbutton", name="Epochs")
    tab_to(page, epochs)
    page.keyboard.type("30")
    press(page, "Enter")
    expect(epochs).to_have_value("30")
    subset = page.get_by_role("slider", name="Training images")
    tab_to(page, subset)
    press(page, "Home")
    expect(subset).to_have_attribute("aria-valuetext", "1,000", timeout=RERUN)
    tab_to(page, page.get_by_role("button", name="Train"))
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"Epoch \d+/30")).first.wait_for(timeout=120_000)
    tab_to(page, page.get_by_role("button", name="Stop"))
    page.keyboard.press("Space")
    page.get_by_text("Stopped early").first.wait_for(timeout=60_000)
    expect(page.get_by_text("Epoch 30/30")).to_have_count(0)
    no_exception(page)


def test_lstm_return_sequences_by_keyboard(page, app_url):
    """Test that the arrow keys open the return_sequences / return_state tab and Space flips return_sequences."""
    page.goto(f"{app_url}/lstm")
    wait_for_app(page)
    tab_to(page, page.get_by_role("tab", name="Sequence patterns"))
    press(page, "ArrowRight")
    explorer = page.get_by_role("tab", name="return_sequences / return_state")
    expect(explorer).to_have_attribute("aria-selected", "true", timeout=RERUN)
    page.get_by_text("shape (2, 4)").first.wait_for()
    switch = page.get_by_role("switch", name="return_sequences", exact=True)
    tab_to(page, switch)
    press(page, "Space")
    expect(switch).to_be_checked(timeout=RERUN)
    page.get_by_text("shape (2, 5, 4)").first.wait_for()
    page.get_by_text("Python gets one tensor:").wait_for()
    no_exception(page)


def test_forecasting_training_by_keyboard(page, app_url):
    """Test that the arrow keys open Train and results, two epochs are typed into Epochs, Train is pressed with Enter,
    and the trained model's results show."""
    page.goto(f"{app_url}/forecasting")
    wait_for_app(page)
    tab_to(page, page.get_by_role("tab", name="Series"))
    press(page, "ArrowRight")  # Windows
    press(page, "ArrowRight")  # Train and results
    expect(page.get_by_role("tab", name="Train and results")).to_have_attribute("aria-selected", "true", timeout=RERUN)
    epochs = page.get_by_role("spinbutton", name="Epochs")
    tab_to(page, epochs)
    page.keyboard.type("2")
    press(page, "Enter")
    expect(epochs).to_have_value("2")
    tab_to(page, page.get_by_role("button", name="Train"))
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"^2 epochs in [\d.]+ s\.")).wait_for(timeout=120_000)
    page.get_by_text("Showing your model (2 epochs).").wait_for(timeout=60_000)
    no_exception(page)


def test_ctc_label_typed(page, app_url):
    """Test that a label typed into the Label field (Enter commits it) redraws its states and alignments."""
    page.goto(f"{app_url}/ctc")
    wait_for_app(page)
    page.get_by_text("of 'aab' to T = 5 steps").wait_for()
    label = page.get_by_role("textbox", name="Label (1 to 4 letters or digits)")
    tab_to(page, label)
    page.keyboard.type("ab")
    press(page, "Enter")
    expect(label).to_have_value("ab")
    count = ctc.count_alignments([1, 2], 5)
    page.get_by_text(f"{count:,} alignments of 'ab' to T = 5 steps").wait_for()
    page.get_by_text("(2 symbols → 2·2 + 1 = 5 states)").wait_for()
    no_exception(page)


def test_speech_upload_by_keyboard(page, app_url):
    """Test that the arrow keys choose "upload a file", Enter on Upload opens the file chooser, and the
    uploaded sample is read."""
    page.goto(f"{app_url}/speech?speech_tab=Talk+to+it")
    wait_for_app(page)
    sound = page.get_by_role("radiogroup", name="Sound")
    tab_to(page, sound)
    press(page, "ArrowRight")  # record
    press(page, "ArrowRight")  # upload a file
    expect(sound.get_by_role("radio", name="upload a file")).to_be_checked(timeout=RERUN)
    upload_with_keyboard(page, assets.SPEECH_SAMPLES / "4_jackson_0.wav")
    heading = page.get_by_role("heading", name="Heard:")
    heading.wait_for(timeout=60_000)
    assert heading.inner_text().split(":", 1)[1].split() == ["4"]
    no_exception(page)


def test_captcha_upload_by_keyboard(page, app_url, captcha_dir):
    """Test that the arrow keys choose "upload a picture" and a captcha chosen through Upload is read."""
    path = sorted(captcha_dir.glob("*.png"))[-1]
    page.goto(f"{app_url}/captcha")
    wait_for_app(page)
    source = page.get_by_role("radiogroup", name="Read")
    tab_to(page, source)
    press(page, "ArrowRight")
    expect(source.get_by_role("radio", name="upload a picture")).to_be_checked(timeout=RERUN)
    upload_with_keyboard(page, path)
    page.get_by_text("what the network sees: 50 × 200 greyscale").wait_for()
    page.get_by_role("heading", name=f"Reading: {path.stem}").wait_for()
    no_exception(page)
