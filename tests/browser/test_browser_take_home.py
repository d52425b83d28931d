"""Take it home in Chromium: the notebook a page downloads carries the student's settings, from any tab."""

from __future__ import annotations

import json

import nbformat
from playwright.sync_api import expect

from devtools.served_app import wait_for_app


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
