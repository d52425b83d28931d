"""Real-browser tests: each page opens in Chromium, renders, and reacts to its controls."""

from __future__ import annotations

import pytest
from streamlit_browser import wait_for_app

PAGES = {"": "CNN & RNN Lab", "convolution": "Convolution layer"}


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_exception(page, app_url, path):
    """Test that the page shows its title and no exception block."""
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES[path]).wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def _set_number(page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    wait_for_app(page)


def test_convolution_shape_follows_the_settings(page, app_url):
    """Test that changing the stride, then the filter size, changes the output shape on screen."""
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    assert _metric(page, "Output shape") == "4 × 4 × 2"
    _set_number(page, "Stride s", 2)
    page.wait_for_function("() => document.body.innerText.includes('2 × 2 × 2')")
    _set_number(page, "Filter size f", 1)
    page.wait_for_function("() => document.body.innerText.includes('3 × 3 × 2')")
    assert _metric(page, "Parameters") == f"{(1 * 1 * 3 + 1) * 2}"
    assert page.locator('[data-testid="stException"]').count() == 0


def test_convolution_stride_zero_shows_a_message(page, app_url):
    """Test that stride 0 shows the explanation instead of a traceback."""
    page.goto(f"{app_url}/convolution")
    wait_for_app(page)
    _set_number(page, "Stride s", 0)
    page.get_by_text("Stride s must be at least 1").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
