"""A first start as on Streamlit Community Cloud, in AppTest: no data on the disk, the hosts silent or slow.

What the shipped models do works at once; a part that needs a data set says it is on its way, and the page
shows the data once they have arrived.
"""

from __future__ import annotations

import contextlib
import time

import pytest
import streamlit as st
from apptest import open_page

from core.shared import downloads
from core.shared.datasets import ARCHIVES, arrival_of
from devtools.stand_in_hosts import MD5_VARIABLE, StandInHosts, cifar_md5

PAGES = {
    # page: (the tab the shipped models answer in, what their answer says, a tab that needs the data set)
    "app_pages/cnn/cifar10.py": ("Try it", "**pretrained basic**:", "Inspect"),
    "app_pages/rnn/captcha.py": ("Read a captcha", "Reading:", "Data"),
    "app_pages/rnn/speech.py": ("Talk to it", "## Heard:", "Train"),
}
TAB_KEYS = {"app_pages/cnn/cifar10.py": "cifar_tab", "app_pages/rnn/captcha.py": "captcha_tab"}


@contextlib.contextmanager
def first_start(archive_dir, tmp_path, monkeypatch, default_mode: str):
    """An empty cache, no local folders, the stand-in hosts answering in `default_mode`."""
    monkeypatch.setenv("CNN_RNN_LAB_CACHE", str(tmp_path / "cache"))
    for variable in ("CIFAR10_DIR", "CAPTCHA_DIR", "FSDD_DIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv(MD5_VARIABLE, cifar_md5(archive_dir))
    monkeypatch.setattr(downloads, "READ_TIMEOUT_S", 60.0)  # silent hosts stay silent for the whole test
    downloads.forget_downloads()
    st.cache_resource.clear()
    with StandInHosts(archive_dir, default_mode=default_mode) as hosts:
        monkeypatch.setenv(downloads.DATA_HOSTS_VARIABLE, hosts.base_url)
        yield hosts
    downloads.forget_downloads()
    st.cache_resource.clear()


@pytest.mark.parametrize("page", list(PAGES))
def test_shipped_models_answer_while_every_host_is_silent(archive_dir, tmp_path, monkeypatch, page):
    """Test that with every data host silent a page opens with its shipped models answering, a note that its data
    are on their way, and the tab that needs them saying so."""
    answers_in, answer, needs_data = PAGES[page]
    tab_key = TAB_KEYS.get(page, "speech_tab")
    with first_start(archive_dir, tmp_path, monkeypatch, "silent"):
        started = time.monotonic()
        app = open_page(page, answers_in, tab_key)
        assert time.monotonic() - started < 60  # not held by the download (a silent host holds it for 60 s)
        assert not app.exception, app.exception[0].message if app.exception else ""
        assert any(answer in m.value for m in app.markdown), f"no answer of the shipped models on {page}"
        notes = [info.value for info in app.info]
        assert any("meanwhile" in note and ("Finding" in note or "Waiting" in note) for note in notes), notes
        app.session_state[tab_key] = needs_data
        app.run()
        assert not app.exception
        assert any(info.value.startswith("This part needs") for info in app.info)


def test_the_page_shows_the_data_once_they_have_arrived(archive_dir, tmp_path, monkeypatch):
    """Test that a page opened while CIFAR-10 downloads shows the pictures on its first run after they arrive."""
    with first_start(archive_dir, tmp_path, monkeypatch, "full"):
        app = open_page("app_pages/cnn/cifar10.py", "Inspect", "cifar_tab")
        downloads.wait_for(ARCHIVES["cifar10"])
        assert arrival_of("cifar10").stage == "ready"
        app.run()
        assert not app.exception
        assert [metric.label for metric in app.metric] == ["Test accuracy"]
        assert not any(info.value.startswith("This part needs") for info in app.info)
