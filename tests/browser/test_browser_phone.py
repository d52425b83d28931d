"""Every page on a phone: 390 × 844 with touch, as a student opens the app in class without a laptop."""

from __future__ import annotations

import numpy as np
import pytest

from devtools.accessibility import each_tab, wider_than_the_screen
from devtools.canvas_drawing import mouse_strokes, settled_reading, touch_strokes
from devtools.served_app import PAGES, wait_for_app

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_wider_than_a_phone(phone, app_url, path):
    """Test that on every tab nothing reaches past a 390-px screen, except blocks that scroll by themselves."""
    phone.goto(f"{app_url}/{path}")
    wait_for_app(phone)
    wide = {tab or "the page": wider_than_the_screen(phone) for tab in each_tab(phone)}
    assert not any(wide.values()), {tab: elements for tab, elements in wide.items() if elements}
    assert phone.locator('[data-testid="stException"]').count() == 0


def test_a_finger_drawing_on_a_phone_is_read(phone, app_url):
    """Test that on a phone the canvas, its bin included, fits the screen and a text drawn by touch is read."""
    phone.goto(f"{app_url}/captcha")
    wait_for_app(phone)
    phone.get_by_role("radiogroup", name="Model").get_by_text("pretrained: captchas + drawings", exact=True).tap()
    wait_for_app(phone)
    phone.get_by_text("draw", exact=True).tap()
    wait_for_app(phone)
    phone.locator("canvas.upper-canvas").first.wait_for()
    touch_strokes(phone, mouse_strokes("b3dx7", np.random.default_rng(0)))
    reading = settled_reading(phone)
    # Read by the model, as any drawing is: one character may be misread (these strokes give "b5dx7").
    assert len(reading) == 5 and sum(a != b for a, b in zip(reading, "b3dx7", strict=True)) <= 1, reading
    bin_icon = phone.get_by_title("Reset canvas & history").bounding_box()
    assert bin_icon is not None and bin_icon["x"] + bin_icon["width"] <= 390
