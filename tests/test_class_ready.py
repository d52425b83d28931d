"""What a class runs into (AppTest): pages without their data sets, and controls that must do what they say."""

from __future__ import annotations

import pytest
from apptest import open_page


@pytest.fixture
def no_data_sets(monkeypatch, tmp_path):
    """The data set folders point nowhere, as on a server that was given a wrong path."""
    monkeypatch.setenv("CIFAR10_DIR", str(tmp_path / "no-cifar"))
    monkeypatch.setenv("CAPTCHA_DIR", str(tmp_path / "no-captchas"))
    import streamlit as st

    from app_pages.common import data_notice  # noqa: F401  (the pages' caches are per process: clear them)

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("source", ["a sample", "upload a picture", "draw", "draw over a captcha"])
def test_captcha_reads_without_the_data_set(no_data_sets, source):
    """Test that every way of reading works from the shipped samples when the captchas cannot be had."""
    app = open_page("app_pages/rnn/captcha.py")
    app.radio(key="captcha_source").set_value(source)
    app.run()
    assert not app.exception, app.exception[0].message if app.exception else ""
    if source in ("a sample", "draw over a captcha"):
        assert any("Reading:" in m.value for m in app.markdown), "no reading of the shipped sample"


@pytest.mark.parametrize(
    ("page", "tab_key", "tabs"),
    [
        ("app_pages/rnn/captcha.py", None, [None]),
        ("app_pages/cnn/cifar10.py", "cifar_tab", ["Data", "Train", "Inspect", "Augmentation"]),
    ],
)
def test_a_missing_data_set_is_said_once(no_data_sets, page, tab_key, tabs):
    """Test that a page without its data set says so in one warning, and a tab that needs it only points to it."""
    for tab in tabs:
        app = open_page(page, tab, tab_key)
        assert not app.exception
        assert len(app.warning) == 1, [w.value for w in app.warning]
        assert "not where this app was told to find them" in app.warning[0].value
        assert "_DIR" not in app.warning[0].value  # the set-up details are in the expander
        assert any("see the note at the top" in i.value for i in app.info), f"tab {tab} does not say why it is empty"
