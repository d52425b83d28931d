"""Browser tests of the app as a class meets it: shared links, split screens and projectors."""

from __future__ import annotations

import re

import pytest
from conftest import SCREENSHOTS, server_environment

from devtools.served_app import PAGES, served_app, wait_for_app


def test_first_visit_to_a_deep_link_on_a_fresh_server(browser, tmp_path):
    """Test that a freshly started server opens a shared page address at once, with no "Page not found"."""
    with served_app(env=server_environment(tmp_path / "cache")) as url:
        page = browser.new_page()
        page.goto(f"{url}/convolution")
        wait_for_app(page)
        page.get_by_role("heading", name=PAGES["convolution"]).wait_for()
        page.get_by_role("link", name="Convolution layer").wait_for()  # app.py's navigation ran
        page.wait_for_timeout(1_000)
        assert page.get_by_text("Page not found").count() == 0
        page.close()


# Elements of the page wider than the window (a code block scrolls on its own, so it does not count).
CLIPPED_JS = """() => {
  const width = window.innerWidth, clipped = [];
  for (const element of document.querySelectorAll('[data-testid="stMain"] *')) {
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    if (style.visibility === 'hidden' || box.width <= 2 || box.height <= 2) continue;
    if (element.closest('pre, [data-testid="stCode"], [data-testid="stDataFrame"], [data-testid="stExpanderDetails"]')) continue;
    if (box.right > width + 2) clipped.push((element.getAttribute('data-testid') || element.tagName) + ': '
      + (element.innerText || element.textContent || '').slice(0, 60));
  }
  return clipped.slice(0, 5);
}"""


@pytest.mark.parametrize("width", [800, 1920])
@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_split_screen_and_a_projector(browser, app_url, path, width):
    """Test that every page renders at 800 px (a split screen) and 1920 px (a projector) with nothing cut off."""
    context = browser.new_context(viewport={"width": width, "height": 900 if width == 800 else 1080})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("heading", name=PAGES[path]).wait_for()
    page.wait_for_timeout(1_000)  # charts size themselves after the run
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate(CLIPPED_JS) == []
        assert page.evaluate(METRIC_CUT_JS) == []
    finally:
        page.screenshot(path=SCREENSHOTS / f"page-{path or 'home'}-{width}.png", full_page=True)
        context.close()


def _opened_with(browser, width: int, address: str, choice: str):
    """A new browser context `width` px wide on `address`, with the option labelled `choice` clicked."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(address)
    wait_for_app(page)
    page.get_by_text(choice, exact=True).click()
    wait_for_app(page)
    return context, page


# Text in a metric that is cut off with an ellipsis ("p('abba') = α in the las…"): wider than its box.
METRIC_CUT_JS = """() => [...document.querySelectorAll('[data-testid="stMetric"] *')]
  .filter(element => getComputedStyle(element).textOverflow === 'ellipsis')
  .filter(element => element.scrollWidth > element.clientWidth + 1)
  .map(element => element.innerText)"""


@pytest.mark.parametrize("width", [800, 1400])
@pytest.mark.parametrize("source", ["random frames (seeded)", "the captcha reader's output"])
def test_ctc_forward_numbers_are_whole_on_a_split_screen(browser, app_url, width, source):
    """Test that the forward tab's probability and losses are shown whole, labels included, at 800 and 1400 px."""
    context, page = _opened_with(browser, width, f"{app_url}/ctc?ctc_tab=Forward+algorithm", source)
    if source.startswith("random"):
        label = page.get_by_label("Label (1 to 4 letters or digits)")
        label.fill("abba")
        label.press("Enter")
        wait_for_app(page)
    metrics = page.locator('[data-testid="stMetric"]')
    metrics.first.wait_for()
    try:
        assert metrics.count() == 3
        assert page.evaluate(METRIC_CUT_JS) == []
    finally:
        page.screenshot(path=SCREENSHOTS / f"ctc-forward-{width}-{source[:6]}.png", full_page=True)
        context.close()


@pytest.mark.parametrize("width", [800, 1400, 1920])
@pytest.mark.parametrize("source", ["draw", "draw over a captcha"])
def test_captcha_canvas_and_its_toolbar_fit_and_cover_no_text(browser, app_url, width, source):
    """Test that the drawing canvas and its bin and undo buttons are inside the window and below the instructions."""
    context, page = _opened_with(browser, width, f"{app_url}/captcha", source)
    canvas_box = page.locator("canvas.upper-canvas").first.bounding_box()  # Fabric.js draws on its upper canvas
    page.mouse.move(canvas_box["x"] + 40, canvas_box["y"] + 30)  # the toolbar shows while the pointer is on it
    bin_box = page.get_by_title("Reset canvas & history").bounding_box()
    texts_above = [
        box
        for box in (caption.bounding_box() for caption in page.locator('[data-testid="stCaptionContainer"]').all())
        if box is not None and box["y"] < canvas_box["y"]
    ]
    try:
        assert canvas_box["x"] + canvas_box["width"] <= width
        assert bin_box is not None and bin_box["x"] + bin_box["width"] <= width
        assert texts_above and bin_box["y"] >= max(box["y"] + box["height"] for box in texts_above)
    finally:
        page.screenshot(path=SCREENSHOTS / f"captcha-canvas-{width}-{source[:4]}.png", full_page=True)
        context.close()


def test_clicking_a_confusion_matrix_square_shows_its_images(page, app_url):
    """Test that a click on the (cat, dog) square of the confusion matrix shows the cats taken for dogs."""
    page.goto(f"{app_url}/cifar10")
    wait_for_app(page)
    page.get_by_role("tab", name="Inspect").click()
    wait_for_app(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="predicted class")
    square = (
        chart.locator(".scatterlayer .trace").first.locator("path.point").nth(3 * 10 + 5)
    )  # true cat, predicted dog
    square.scroll_into_view_if_needed()
    square.click(force=True)
    wait_for_app(page)
    page.get_by_text(re.compile(r"True cat, predicted dog: \d+ images")).wait_for()
    # The matrix stays readable from the back of a room: no square or number faded, the picked one marked.
    trace = chart.locator(".scatterlayer .trace").first
    faded = trace.evaluate(
        """trace => [...trace.querySelectorAll('path.point, .textpoint text')]
          .filter(element => Number(getComputedStyle(element).opacity) < 1 || Number(element.getAttribute('opacity') ?? 1) < 1
                             || Number(element.style.fillOpacity || 1) < 1).length"""
    )
    assert faded == 0
    picked = trace.locator("path.point").nth(3 * 10 + 5).evaluate("square => getComputedStyle(square).fill")
    assert picked == "rgb(194, 24, 91)"  # PICKED
    assert page.locator('[data-testid="stException"]').count() == 0


def test_training_goes_on_while_the_student_explores(page, app_url):
    """Test that a CIFAR training keeps going through a widget change in another tab and a visit to another page."""
    page.goto(f"{app_url}/cifar10?cifar_tab=Train")
    wait_for_app(page)
    _set_epochs(page, 30)
    page.get_by_role("button", name="Train").click()
    page.get_by_text(re.compile(r"Epoch 1/30, batch")).wait_for(timeout=120_000)
    page.get_by_role("tab", name="Augmentation").click()
    wait_for_app(page)
    shift = page.get_by_role("slider", name="RandomTranslation: shift")
    shift.focus()
    shift.press("ArrowLeft")  # a widget change: a rerun, which used to end the training
    wait_for_app(page)
    page.get_by_role("link", name="LSTM").click()  # another page, as a student goes: by the sidebar
    wait_for_app(page)
    page.get_by_role("heading", name="LSTM").wait_for()
    page.get_by_role("link", name="CIFAR-10 CNN").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Train").click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"Epoch ([3-9]|\d\d)/30, batch")).wait_for(timeout=180_000)  # still advancing
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped early").first.wait_for(timeout=120_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def _set_epochs(page, epochs: int) -> None:
    field = page.get_by_label("Epochs", exact=True)
    field.fill(str(epochs))
    field.press("Enter")
    wait_for_app(page)
