"""Take it home in Chromium: the notebook a page downloads carries the student's settings, from any tab; a model
trained on the page goes home and comes back to Inspect, and a model with code in it is refused."""

from __future__ import annotations

import json
import re

import keras
import nbformat
from playwright.sync_api import expect

from core.shared.model_files import model_file_bytes
from devtools.served_app import start_small_cifar_training, wait_for_app


def downloaded_notebook(page) -> nbformat.NotebookNode:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the notebook").click()
    path = download.value.path()
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    return notebook


def test_the_convolution_notebook_carries_the_stride_the_student_set(page, app_url):
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    stride = page.get_by_role("spinbutton", name="Stride s")
    stride.fill("2")
    stride.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("2 × 2 × 2").first).to_be_visible()
    notebook = downloaded_notebook(page)
    assert "- stride s: **2**" in notebook.cells[0].source
    assert "f, s, K = 3, 2, 2" in notebook.cells[2].source
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_lstm_notebook_has_the_switch_set_on_a_tab_that_is_now_closed(page, app_url):
    page.goto(f"{app_url}/lstm?lstm_tab=return_sequences+%2F+return_state")
    wait_for_app(page)
    page.get_by_text("return_state", exact=True).first.click()
    wait_for_app(page)
    page.get_by_role("tab", name="The cell").click()
    wait_for_app(page)
    source = json.dumps([cell.source for cell in downloaded_notebook(page).cells])
    assert "return_state=True" in source and "return_sequences=False" in source


def test_a_model_trained_on_the_page_goes_home_and_comes_back_to_inspect(page, app_url, tmp_path):
    start_small_cifar_training(page, app_url, epochs=1)
    page.get_by_role("button", name="Download the model (.keras)").wait_for(timeout=180_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the model (.keras)").click()
    model_file = tmp_path / download.value.suggested_filename
    download.value.save_as(model_file)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download its settings and curves (.json)").click()
    record = json.loads(open(download.value.path()).read())
    assert record["training"]["training_images"] == 1000 and record["trained"] == "1 epoch"
    assert set(record["curves"]) >= {"loss", "val_loss"}
    notebook = downloaded_notebook(page)  # and the notebook of the same model and training, to run at home
    assert "EPOCHS, BATCH_SIZE, PICTURES, VALIDATION = 1, 32, 1000, 0.1" in notebook.cells[2].source

    page.get_by_role("tab", name="Inspect").click()
    wait_for_app(page)
    upload = page.locator(".st-key-cifar_model_upload input[type='file']")
    upload.set_input_files(str(model_file))
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Model").get_by_text(f"uploaded: {model_file.name}").click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"Your model classifies each test image once")).wait_for(timeout=120_000)
    page.get_by_test_id("stMetricLabel").get_by_text("Test accuracy").wait_for()
    page.get_by_text("The first layer's filters").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0

    with_code = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Lambda(lambda x: x / 255),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ]
    )
    upload.set_input_files(
        files=[{"name": "with_code.keras", "mimeType": "application/zip", "buffer": model_file_bytes(with_code)}]
    )
    wait_for_app(page)
    page.get_by_text("The model has a Lambda layer").wait_for()
    expect(page.get_by_role("radio", name="uploaded: with_code.keras")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_captcha_reader_brought_back_reads_and_one_of_other_shapes_is_refused(page, app_url):
    from core.captcha import reader as captcha

    page.goto(f"{app_url}/captcha")
    wait_for_app(page)
    page.get_by_text("Bring back a reader you trained at home").click()
    upload = page.locator(".st-key-captcha_model_upload input[type='file']")
    reader = {
        "name": "home_reader.keras",
        "mimeType": "application/zip",
        "buffer": model_file_bytes(captcha.build_model()),
    }
    upload.set_input_files(files=[reader])
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Model").get_by_text("uploaded: home_reader.keras").click()
    wait_for_app(page)
    expect(page.get_by_role("radio", name="uploaded: home_reader.keras")).to_be_checked()
    page.get_by_role("heading", name=re.compile(r"^Reading: ")).wait_for(timeout=60_000)  # an untrained reader's
    assert page.locator('[data-testid="stException"]').count() == 0

    pictures = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)])
    upload.set_input_files(
        files=[{"name": "cifar.keras", "mimeType": "application/zip", "buffer": model_file_bytes(pictures)}]
    )
    wait_for_app(page)
    page.get_by_text("The model takes inputs of shape (32, 32, 3)").wait_for()
    expect(page.get_by_role("radiogroup", name="Model").get_by_text("uploaded: home_reader.keras")).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0
