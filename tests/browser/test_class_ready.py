"""Browser tests of the app as a class meets it: shared links, split screens and projectors."""

from __future__ import annotations

from conftest import server_environment
from streamlit_browser import wait_for_app

from benchmarks.app_server import served_app

# Every page's address and its title.
PAGES = {
    "": "CNN & RNN Lab",
    "convolution": "Convolution layer",
    "cifar10": "CIFAR-10: a CNN that recognises pictures",
    "lstm": "LSTM",
    "forecasting": "Forecasting a series with an LSTM",
    "captcha": "Reading captchas: CNN + BiLSTM + CTC",
}


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
