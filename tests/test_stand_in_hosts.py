"""Tests of the stand-in data hosts on a tiny fake datasets folder: the archives' layouts and how each mode answers."""

from __future__ import annotations

import pickle
import socket
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from stand_in import TEST_PER_CLASS, TRAIN_LIMIT

from core.shared.datasets import CIFAR10_CLASSES
from devtools.stand_in_hosts import (
    CAPTCHA,
    CIFAR,
    FSDD,
    REDIRECTS,
    Mode,
    Request,
    StandInHosts,
    build_archives,
    cifar_md5,
)

(CIFAR_TORONTO,) = (url for url in CIFAR.urls if "toronto" in url)
(CIFAR_MIRROR,) = (url for url in CIFAR.urls if url != CIFAR_TORONTO)
CAPTCHA_URL, FSDD_URL = REDIRECTS  # what the app asks github.com for


def offline_pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def cifar_member(archive_dir: Path, name: str) -> dict:
    """One file of the CIFAR archive, unpickled as Keras's `cifar10.load_data` does."""
    with tarfile.open(archive_dir / CIFAR.file_name, "r:gz") as tar:
        file = tar.extractfile(f"cifar-10-batches-py/{name}")
        assert file is not None
        pickled = file.read()
    assert b"_codecs" not in pickled  # bytes are Python 2's strings, as in the real batches
    return pickle.loads(pickled, encoding="bytes")


def pictures(batch: dict) -> np.ndarray:
    """A batch's rows as (pictures, 32, 32, 3), as Keras reshapes and transposes them."""
    return batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_cifar_archive_has_the_real_layout_and_pickles(archive_dir: Path, datasets: Path):
    """Test that the CIFAR archive holds five training batches, a test batch and the meta, each with its offline pictures and labels."""
    with tarfile.open(archive_dir / CIFAR.file_name, "r:gz") as tar:
        names = set(tar.getnames())
    batches = [f"data_batch_{number}" for number in range(1, 6)]
    expected = {"test_batch", "batches.meta", "readme.html", *batches}
    assert names == {"cifar-10-batches-py"} | {f"cifar-10-batches-py/{name}" for name in expected}
    label_of = {
        offline_pixels(path).tobytes(): label
        for label, name in enumerate(CIFAR10_CLASSES)
        for path in (datasets / "cifar10" / "train" / name).glob("*.jpg")
    }
    seen = []
    for number, name in enumerate(batches, start=1):
        batch = cifar_member(archive_dir, name)
        assert batch[b"batch_label"] == f"training batch {number} of 5".encode()
        assert batch[b"data"].dtype == np.uint8 and batch[b"data"].shape == (TRAIN_LIMIT // 5, 3072)
        assert all(type(label) is int for label in batch[b"labels"])
        assert [label_of[picture.tobytes()] for picture in pictures(batch)] == batch[b"labels"]
        assert all(
            name.startswith(CIFAR10_CLASSES[label].encode())
            for name, label in zip(batch[b"filenames"], batch[b"labels"], strict=True)
        )
        seen += [picture.tobytes() for picture in pictures(batch)]
    assert len(set(seen)) == TRAIN_LIMIT
    meta = cifar_member(archive_dir, "batches.meta")
    assert meta == {
        b"num_cases_per_batch": 10000,
        b"label_names": [name.encode() for name in CIFAR10_CLASSES],
        b"num_vis": 3072,
    }


def test_first_test_pictures_of_each_class_are_the_offline_ones(archive_dir: Path, datasets: Path):
    """Test that the first pictures of each class in the test batch's order are the offline ones in file-name order, then their mirror images."""
    batch = cifar_member(archive_dir, "test_batch")
    labels = np.array(batch[b"labels"])
    assert batch[b"data"].shape == (2 * TEST_PER_CLASS * 10, 3072)
    assert np.bincount(labels).tolist() == [2 * TEST_PER_CLASS] * 10
    assert labels.tolist() != sorted(labels.tolist())  # the classes are interleaved
    for label, name in enumerate(CIFAR10_CLASSES):
        in_batch = pictures(batch)[labels == label]
        offline = np.stack(
            [offline_pixels(path) for path in sorted((datasets / "cifar10" / "test" / name).glob("*.jpg"))]
        )
        np.testing.assert_array_equal(in_batch[:TEST_PER_CLASS], offline)
        np.testing.assert_array_equal(in_batch[TEST_PER_CLASS:], offline[:, :, ::-1])


def test_md5_is_written_beside_and_a_second_build_keeps_the_archives(archive_dir: Path, datasets: Path):
    """Test that the md5 file beside the CIFAR archive holds its md5 and building again rewrites nothing."""
    before = {path.name: path.stat().st_mtime_ns for path in archive_dir.iterdir()}
    paths = build_archives(archive_dir, datasets, cifar_train_limit=TRAIN_LIMIT)
    assert {path.name: path.stat().st_mtime_ns for path in archive_dir.iterdir()} == before
    assert sorted(before) == sorted([CAPTCHA.file_name, CIFAR.file_name, CIFAR.file_name + ".md5", FSDD.file_name])
    assert (archive_dir / (CIFAR.file_name + ".md5")).read_text() == f"{cifar_md5(archive_dir)}  {CIFAR.file_name}\n"
    assert cifar_md5(archive_dir) != "c58f30108f718f92721af3b95e74349a"
    assert paths == {
        "cifar10": archive_dir / CIFAR.file_name,
        "captcha": archive_dir / CAPTCHA.file_name,
        "fsdd": archive_dir / FSDD.file_name,
    }


def test_zips_have_their_top_folders(archive_dir: Path, datasets: Path):
    """Test that the captcha zip holds captcha_images_v2/ with the PNGs and FSDD's holds its tag's folder with recordings/ and more."""
    with zipfile.ZipFile(archive_dir / CAPTCHA.file_name) as archive:
        names = archive.namelist()
    assert names[0] == "captcha_images_v2/"
    assert sorted(names[1:]) == sorted(
        f"captcha_images_v2/{path.name}" for path in (datasets / "captcha_images_v2").iterdir()
    )
    with zipfile.ZipFile(archive_dir / FSDD.file_name) as archive:
        names = archive.namelist()
        clip = archive.read("free-spoken-digit-dataset-1.0.10/recordings/9_jackson_12.wav")
    assert all(name.startswith("free-spoken-digit-dataset-1.0.10/") for name in names)
    recordings = [name for name in names if name.endswith(".wav")]
    assert [name.rpartition("/")[2] for name in recordings] == ["0_george_0.wav", "1_george_0.wav", "9_jackson_12.wav"]
    assert {"free-spoken-digit-dataset-1.0.10/README.md", "free-spoken-digit-dataset-1.0.10/utils/"} <= set(names)
    assert clip == (datasets / "fsdd" / "recordings" / "9_jackson_12.wav").read_bytes()


def test_github_downloads_redirect_to_their_file_hosts(archive_dir: Path):
    """Test that urlopen follows github.com's 302s to raw.githubusercontent.com and codeload.github.com and gets the zips."""
    with StandInHosts(archive_dir) as hosts:
        for url, archive in ((CAPTCHA_URL, CAPTCHA), (FSDD_URL, FSDD)):
            with urllib.request.urlopen(hosts.url(url), timeout=5) as response:
                assert response.url == hosts.url(archive.urls[0])
                assert response.read() == (archive_dir / archive.file_name).read_bytes()
        size = (archive_dir / CAPTCHA.file_name).stat().st_size
        assert wait_for_requests(hosts, 4)[:2] == [
            Request(
                "github.com", "/github.com/AakashKumarNain/CaptchaCracker/raw/master/captcha_images_v2.zip", 302, 0
            ),
            Request(
                "raw.githubusercontent.com",
                "/raw.githubusercontent.com/AakashKumarNain/CaptchaCracker/master/captcha_images_v2.zip",
                200,
                size,
            ),
        ]


def test_codeload_streams_without_a_content_length(archive_dir: Path):
    """Test that codeload.github.com answers chunked, without a Content-Length, as GitHub streams a tag's zip."""
    with StandInHosts(archive_dir) as hosts, urllib.request.urlopen(hosts.url(FSDD.urls[0]), timeout=5) as response:
        assert response.headers["Content-Length"] is None
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.read() == (archive_dir / FSDD.file_name).read_bytes()


def test_range_resumes_a_download_and_head_gives_the_size(archive_dir: Path):
    """Test that `Range: bytes=N-` gets 206 with the bytes from N and their Content-Range, and HEAD the size without a body."""
    whole = (archive_dir / CIFAR.file_name).read_bytes()
    with StandInHosts(archive_dir) as hosts:
        asked = urllib.request.Request(hosts.url(CIFAR_TORONTO), headers={"Range": "bytes=100-"})
        with urllib.request.urlopen(asked, timeout=5) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
            assert response.read() == whole[100:]
        with urllib.request.urlopen(
            urllib.request.Request(hosts.url(CIFAR_MIRROR), method="HEAD"), timeout=5
        ) as response:
            assert response.status == 200
            assert response.headers["Content-Length"] == str(len(whole))
            assert response.read() == b""


def test_slow_mode_takes_size_over_rate(archive_dir: Path):
    """Test that `slow:50` sends the captcha zip in about its size / 50 kB seconds."""
    size = (archive_dir / CAPTCHA.file_name).stat().st_size
    assert size > 30_000  # enough to time
    with StandInHosts(archive_dir, {"raw.githubusercontent.com": "slow:50"}) as hosts:
        started = time.monotonic()
        with urllib.request.urlopen(hosts.url(CAPTCHA.urls[0]), timeout=5) as response:
            assert len(response.read()) == size
        elapsed = time.monotonic() - started
    assert size / 50_000 * 0.8 < elapsed < size / 50_000 * 2 + 0.5


def test_silent_host_makes_the_client_time_out(archive_dir: Path):
    """Test that a silent host makes `urlopen(..., timeout=1)` raise a timeout, and its request is recorded with status 0."""
    with StandInHosts(archive_dir, default_mode="silent") as hosts:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            urllib.request.urlopen(hosts.url(CIFAR_TORONTO), timeout=1)
        assert 0.9 < time.monotonic() - started < 3
        assert wait_for_requests(hosts, 1) == [
            Request("www.cs.toronto.edu", "/www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", 0, 0)
        ]


def test_error_mode_answers_its_status(archive_dir: Path):
    """Test that `error:503` answers HTTP 503 on that host while the others serve."""
    with StandInHosts(archive_dir, {"www.cs.toronto.edu": "error:503"}) as hosts:
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(hosts.url(CIFAR_TORONTO), timeout=5)
        assert raised.value.code == 503
        with urllib.request.urlopen(hosts.url(CIFAR_MIRROR), timeout=5) as response:
            assert response.status == 200


def test_a_host_set_silent_mid_transfer_stalls_it(archive_dir: Path):
    """Test that setting a host silent while it sends slowly stops the bytes, so the client's read times out."""
    with StandInHosts(archive_dir, {"raw.githubusercontent.com": "slow:20"}) as hosts:
        with urllib.request.urlopen(hosts.url(CAPTCHA.urls[0]), timeout=1) as response:
            assert len(response.read(2000)) == 2000
            hosts.set_mode("raw.githubusercontent.com", "silent")
            with pytest.raises(TimeoutError):
                response.read()


def test_stops_within_a_second_with_a_silent_connection_open(archive_dir: Path):
    """Test that the stand-in stops within a second while a silent host holds a connection, and closes it."""
    with socket.socket() as client:
        with StandInHosts(archive_dir, {"github.com": "silent"}) as hosts:
            client.connect(("127.0.0.1", int(hosts.base_url.rpartition(":")[2])))
            client.sendall(
                f"GET {hosts.url(FSDD_URL).removeprefix(hosts.base_url)} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
            )
            time.sleep(0.3)
            started = time.monotonic()
        assert time.monotonic() - started < 1
        client.settimeout(1)
        assert client.recv(100) == b""  # the connection closed, nothing answered
        assert hosts.requests == [
            Request(
                "github.com", "/github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip", 0, 0
            )
        ]


def test_a_mode_it_does_not_know_is_refused():
    """Test that a mode outside the four forms is refused with the forms it takes."""
    assert Mode.parse("slow:70") == Mode("slow", 70) and Mode.parse("error:503") == Mode("error", 503)
    for text in ("fast", "slow", "slow:0", "error:200", "silent:1"):
        with pytest.raises(ValueError, match="full, slow:KBPS"):
            Mode.parse(text)


def wait_for_requests(hosts: StandInHosts, count: int) -> list[Request]:
    """The requests recorded, once there are `count` (a request is recorded just after its answer ends)."""
    deadline = time.monotonic() + 2
    while len(hosts.requests) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return hosts.requests
