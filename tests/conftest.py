"""Shared test helpers: where the data sets are, and how to treat their absence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"


def dataset_folder(variable: str, default: Path) -> Path:
    """The folder named by `variable` (or `default`); skip the test if it is missing, fail under CI."""
    folder = Path(os.environ.get(variable, default))
    if not folder.is_dir():
        message = f"{variable} data not found at {folder}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must have it (see .ci/run).")
        pytest.skip(message)
    return folder


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoded data sets go to a cache shared by the test session, not the user's ~/.cache."""
    monkeypatch.setenv("CNN_RNN_LAB_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def cifar10_dir() -> Path:
    return dataset_folder("CIFAR10_DIR", SHARED_DATASETS / "cifar10")


@pytest.fixture
def captcha_dir() -> Path:
    return dataset_folder("CAPTCHA_DIR", SHARED_DATASETS / "captcha_images_v2")


@pytest.fixture
def cifar_on_the_page(cifar10_dir, monkeypatch):
    """The app reads CIFAR-10 from the offline copy (its shared caches forget any earlier answer)."""
    import streamlit as st

    monkeypatch.setenv("CIFAR10_DIR", str(cifar10_dir))
    st.cache_resource.clear()


@pytest.fixture
def captcha_on_the_page(captcha_dir, monkeypatch):
    """The app reads the captchas from the offline copy (its shared caches forget any earlier answer)."""
    import streamlit as st

    monkeypatch.setenv("CAPTCHA_DIR", str(captcha_dir))
    st.cache_resource.clear()


@pytest.fixture
def fsdd_dir() -> Path:
    return dataset_folder("FSDD_DIR", SHARED_DATASETS / "fsdd")


@pytest.fixture
def fsdd_on_the_page(fsdd_dir, monkeypatch):
    """The app reads the spoken digits from the offline copy (its shared caches forget any earlier answer)."""
    import streamlit as st

    monkeypatch.setenv("FSDD_DIR", str(fsdd_dir))
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out as ../shared/datasets, with a few pictures and clips."""
    from stand_in import make_datasets

    return make_datasets(tmp_path_factory.mktemp("datasets"))


@pytest.fixture(scope="session")
def archive_dir(datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stand-in hosts' archives, built from that folder."""
    from stand_in import TRAIN_LIMIT

    from devtools.stand_in_hosts import build_archives

    out = tmp_path_factory.mktemp("stand-in")
    build_archives(out, datasets, cifar_train_limit=TRAIN_LIMIT)
    return out
