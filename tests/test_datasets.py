"""Tests of the data loaders on small generated folders and on the real offline copies."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.shared import downloads
from core.shared.datasets import (
    CIFAR10_CLASSES,
    DatasetUnavailable,
    ImagesOnDisk,
    load_captcha_files,
    load_cifar10,
    load_fsdd_files,
    load_image_folder,
    why_download_failed,
)


def _write_image(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (32, 32)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


def _tiny_cifar(root: Path) -> None:
    for split, per_class in (("train", 2), ("test", 1)):
        for label, name in enumerate(CIFAR10_CLASSES[:3]):
            for index in range(per_class):
                _write_image(root / split / name / f"{index}.png", (label * 80, index * 50, 0))


def test_image_folder_labels_follow_class_order(tmp_path):
    """Test that images get the index of their class folder and keep their pixels as uint8."""
    _tiny_cifar(tmp_path)
    data = load_image_folder(tmp_path / "train", CIFAR10_CLASSES)
    assert data.images.shape == (6, 32, 32, 3)
    assert data.images.dtype == np.uint8
    assert data.labels.tolist() == [0, 0, 1, 1, 2, 2]
    assert data.images[2, 0, 0, 0] == 80


def test_corrupt_file_is_skipped_with_a_warning(tmp_path):
    """Test that an unreadable file is skipped, named in a warning, and the rest still loads."""
    _tiny_cifar(tmp_path)
    broken = tmp_path / "train" / "bird" / "broken.jpg"
    broken.write_bytes(b"this is not a jpeg")
    with pytest.warns(UserWarning, match="broken.jpg"):
        data = load_image_folder(tmp_path / "train", CIFAR10_CLASSES)
    assert len(data.images) == 6
    assert any("broken.jpg" in entry for entry in data.skipped)


def test_other_sizes_are_resized(tmp_path):
    """Test that a picture of another size and mode comes out 32×32 RGB."""
    path = tmp_path / "cat" / "big.png"
    path.parent.mkdir(parents=True)
    Image.new("L", (100, 60), 128).save(path)
    data = load_image_folder(tmp_path, CIFAR10_CLASSES)
    assert data.images.shape == (1, 32, 32, 3)
    assert data.labels.tolist() == [3]


def test_empty_folder_gives_a_clear_error(tmp_path):
    """Test that a folder with no images raises DatasetUnavailable naming the expected layout."""
    (tmp_path / "train" / "cat").mkdir(parents=True)
    with pytest.raises(DatasetUnavailable, match=r"<class>/\*\.jpg"):
        load_cifar10(tmp_path)


def test_missing_folder_gives_a_clear_error(tmp_path):
    """Test that a CIFAR10_DIR that does not exist is reported as such."""
    with pytest.raises(DatasetUnavailable, match="not a folder"):
        load_cifar10(tmp_path / "nowhere")


def test_folder_is_decoded_once_then_cached(tmp_path):
    """Test that a second load reads the cache (same arrays) and notices added files."""
    _tiny_cifar(tmp_path)
    first = load_cifar10(tmp_path)
    second = load_cifar10(tmp_path)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    time.sleep(0.01)
    _write_image(tmp_path / "train" / "cat" / "new.png", (1, 2, 3))
    third = load_cifar10(tmp_path)
    assert len(third.x_train) == len(first.x_train) + 1


def test_captcha_labels_are_file_stems(tmp_path):
    """Test that captcha labels are the PNG file names without the extension."""
    for label in ("226md", "2b827"):
        _write_image(tmp_path / f"{label}.png", (255, 255, 255), size=(200, 50))
    files = load_captcha_files(tmp_path)
    assert files.labels == ("226md", "2b827")


def test_captcha_empty_folder_gives_a_clear_error(tmp_path):
    """Test that a captcha folder without PNGs raises DatasetUnavailable."""
    with pytest.raises(DatasetUnavailable, match="No PNG files"):
        load_captcha_files(tmp_path)


def test_real_cifar10_loads_and_cached_load_is_fast(cifar10_dir):
    """Test that the offline CIFAR-10 copy decodes to 50,000 + 5,000 uint8 images and reloads in under 2 s."""
    data = load_cifar10(cifar10_dir)
    assert data.x_train.shape == (50_000, 32, 32, 3)
    assert data.x_train.dtype == np.uint8
    assert np.bincount(data.y_test).tolist() == [500] * 10
    start = time.perf_counter()
    load_cifar10(cifar10_dir)
    assert time.perf_counter() - start < 2.0


def test_real_captcha_folder_has_five_character_labels(captcha_dir):
    """Test that the offline captcha copy has its PNGs with 5-character labels."""
    files = load_captcha_files(captcha_dir)
    assert len(files.paths) > 100
    assert all(len(label) == 5 for label in files.labels)


def test_folder_training_set_is_shuffled_once(tmp_path):
    """Test that a class-by-class folder comes out shuffled (seeded), so validation_split sees every class."""
    _tiny_cifar(tmp_path)
    first = load_cifar10(tmp_path)
    assert sorted(first.y_train.tolist()) == [0, 0, 1, 1, 2, 2]
    assert first.y_train.tolist() != sorted(first.y_train.tolist())
    assert first.y_test.tolist() == [0, 1, 2]


@pytest.mark.parametrize("cached_first", [False, True])
def test_training_images_can_stay_on_disk(tmp_path, cached_first):
    """Test that on-disk training images give the same pixels as the in-memory array, sliced and indexed."""
    _tiny_cifar(tmp_path)
    if cached_first:
        load_cifar10(tmp_path)
    on_disk = load_cifar10(tmp_path, train_images_in_memory=False)
    in_memory = load_cifar10(tmp_path)
    assert isinstance(on_disk.x_train, ImagesOnDisk)
    assert on_disk.x_train.shape == in_memory.x_train.shape == (6, 32, 32, 3)
    np.testing.assert_array_equal(on_disk.x_train[np.arange(6)], in_memory.x_train)
    np.testing.assert_array_equal(on_disk.x_train[[4, 0, 4]], in_memory.x_train[[4, 0, 4]])
    tail = on_disk.x_train[4:]
    assert len(tail) == 2 and len(on_disk.x_train[:4]) == 4
    np.testing.assert_array_equal(tail[[1, 0]], in_memory.x_train[[5, 4]])
    with pytest.raises(IndexError):
        tail[[2]]
    np.testing.assert_array_equal(on_disk.x_train[1:5].load(), in_memory.x_train[1:5])
    np.testing.assert_array_equal(on_disk.x_train.load(), in_memory.x_train)
    assert on_disk.x_train[3:3].load().shape == (0, 32, 32, 3)


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (OSError("<urlopen error [Errno -3] Temporary failure in name resolution>"), "cannot reach the internet"),
        (Exception("URL fetch failure on https://x: None -- [Errno 101] Network is unreachable"), "cannot reach"),
        (ValueError("checksum mismatch\nmore"), "the download failed (checksum mismatch)"),
    ],
)
def test_a_failed_download_is_explained_in_plain_words(error, cause):
    """Test that an offline download is called that, and any other failure names its first line."""
    assert cause in why_download_failed(error)


@pytest.mark.parametrize(
    "load, variable, what",
    [(load_captcha_files, "CAPTCHA_DIR", "The captcha images"), (load_fsdd_files, "FSDD_DIR", "The spoken digits")],
)
def test_offline_download_says_so_once(monkeypatch, tmp_path, load, variable, what):
    """Test that an offline download gives one plain sentence, and the details apart."""
    monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("CNN_RNN_LAB_CACHE", str(tmp_path))
    monkeypatch.setattr(downloads, "RETRY_PAUSE_S", 0.0)
    downloads.forget_downloads()

    def offline(*args, **kwargs):
        raise OSError("<urlopen error [Errno -3] Temporary failure in name resolution>")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    with pytest.raises(DatasetUnavailable) as raised:
        load()
    assert raised.value.summary == f"{what} could not be downloaded: this server cannot reach the internet."
    assert variable in raised.value.details and "urlopen" not in str(raised.value)
