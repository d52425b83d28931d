"""The data sets the app teaches with: CIFAR-10, the captcha images and spoken digits.

Each comes from a local folder when an environment variable names one (`CIFAR10_DIR`,
`CAPTCHA_DIR`, `FSDD_DIR`), otherwise from the internet the way the class material gets it. When
neither works, `DatasetUnavailable` carries one message that says how to get the data,
so a page can show it and carry on with everything that does not need it.

CIFAR-10 is decoded once into an uncompressed `.npz` of uint8 arrays under the cache
folder (`CNN_RNN_LAB_CACHE`, default `~/.cache/cnn-rnn-lab`): later loads are a memory
copy. It stays uint8 in memory (150 MB for the training set, against 614 MB as float32);
scaling to [0, 1] happens batch by batch in the models. A training process that needs
nothing else can leave even those 150 MB on disk (`train_images_in_memory=False`): its
batches are then read from the cache file, which the operating system keeps in its file
cache, outside the process.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import urllib.request
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
# The archive the Keras example "OCR model for reading Captchas" downloads.
CAPTCHA_URL = "https://github.com/AakashKumarNain/CaptchaCracker/raw/master/captcha_images_v2.zip"
# The Free Spoken Digit Dataset's release archive: recordings/<digit>_<speaker>_<index>.wav, 8 kHz mono.
FSDD_URL = "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"
# <digit>_<speaker>_<index>.wav; a speaker's name is letters, digits, "-" and "." (7_Maria_3, 7_en-us_1).
FSDD_NAME = re.compile(r"(?P<digit>[0-9])_(?P<speaker>(?:[^\W_]|[.-])+)_(?P<index>[0-9]+)")


class DatasetUnavailable(RuntimeError):
    """A data set could not be found or downloaded.

    `summary` is one sentence for a student: what is missing and why. `details` tells
    whoever runs the app how to get the data. The message is both, for the commands.
    """

    def __init__(self, summary: str, details: str) -> None:
        super().__init__(f"{summary} {details}")
        self.summary = summary
        self.details = details


# What a failed download says when the machine is offline, in the words of urllib and Keras.
OFFLINE_SIGNS = (
    "name resolution",
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo",
    "Network is unreachable",
    "timed out",
    "Connection refused",
)


def why_download_failed(error: BaseException) -> str:
    """The cause of a failed download in plain words, for the sentence a student reads."""
    text = str(error)
    if any(sign in text for sign in OFFLINE_SIGNS):
        return "this server cannot reach the internet"
    first_line = text.strip().splitlines()[0][:120] if text.strip() else type(error).__name__
    return f"the download failed ({first_line})"


def cache_dir() -> Path:
    """Folder for decoded data and downloads (`CNN_RNN_LAB_CACHE`, default `~/.cache/cnn-rnn-lab`)."""
    path = Path(os.environ.get("CNN_RNN_LAB_CACHE", Path.home() / ".cache" / "cnn-rnn-lab"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class LabelledImages:
    """Images of one size with integer labels, and the files that could not be read."""

    images: np.ndarray  # (N, height, width, 3) uint8
    labels: np.ndarray  # (N,) uint8, index into the class names
    skipped: tuple[str, ...]  # "path: reason" for each unreadable file


@dataclass(frozen=True)
class Cifar10:
    """CIFAR-10 as uint8 arrays, in Keras's class order (`CIFAR10_CLASSES`)."""

    x_train: np.ndarray | ImagesOnDisk  # (N, 32, 32, 3) uint8
    y_train: np.ndarray  # (N,) uint8
    x_test: np.ndarray  # (M, 32, 32, 3) uint8
    y_test: np.ndarray  # (M,) uint8
    source: str  # where it came from, for the page to say


class ImagesOnDisk:
    """A uint8 image array stored in an uncompressed `.npz`, read from the file when indexed.

    Supports what training needs of an array: `len`, slices (`x[:n]`, another view of the
    file) and integer-array indexing (`x[[3, 1, 4]]`, one read per image).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "images.npz"
        >>> np.savez(path, x_train=np.zeros((10, 32, 32, 3), np.uint8))
        >>> images = ImagesOnDisk(path, "x_train")
        >>> images[np.array([0, 5])].shape, len(images[2:7])
        ((2, 32, 32, 3), 5)
    """

    def __init__(self, path: Path, member: str, start: int = 0, stop: int | None = None) -> None:
        self.path = Path(path)
        self.member = member
        self.offset, full_shape, self.dtype = _npz_member_layout(self.path, member)
        self.item_shape = full_shape[1:]
        self.item_bytes = int(np.prod(self.item_shape)) * self.dtype.itemsize
        self.start, self.stop = start, full_shape[0] if stop is None else stop

    def __len__(self) -> int:
        return self.stop - self.start

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self), *self.item_shape)

    def load(self) -> np.ndarray:
        """These images as an array in memory, read from the file in one go."""
        with open(self.path, "rb") as file:
            data = os.pread(file.fileno(), len(self) * self.item_bytes, self.offset + self.start * self.item_bytes)
        return np.frombuffer(data, self.dtype).reshape(self.shape).copy()

    def __getitem__(self, key):
        if isinstance(key, slice):
            first, last, step = key.indices(len(self))
            if step != 1:
                raise ValueError(f"ImagesOnDisk slices take a step of 1, got {step}")
            return ImagesOnDisk(self.path, self.member, self.start + first, self.start + max(first, last))
        indices = np.asarray(key, dtype=np.int64).reshape(-1)
        if indices.size and (indices.min() < 0 or indices.max() >= len(self)):
            raise IndexError(f"index out of range for {len(self)} images")
        out = np.empty((len(indices), *self.item_shape), dtype=self.dtype)
        with open(self.path, "rb") as file:
            for row, index in enumerate(indices):
                position = self.offset + (self.start + int(index)) * self.item_bytes
                out[row] = np.frombuffer(os.pread(file.fileno(), self.item_bytes, position), self.dtype).reshape(
                    self.item_shape
                )
        return out


def _npz_member_layout(path: Path, member: str) -> tuple[int, tuple[int, ...], np.dtype]:
    """Where an uncompressed `.npz` member's array data start in the file, its shape and dtype."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{member}.npy")
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{path}: {member} is compressed; it can only be read whole")
    with open(path, "rb") as file:
        file.seek(info.header_offset)
        name_length, extra_length = struct.unpack("<HH", file.read(30)[26:30])  # the zip local file header
        file.seek(info.header_offset + 30 + name_length + extra_length)
        version = np.lib.format.read_magic(file)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(file)
        if fortran_order:
            raise ValueError(f"{path}: {member} is stored in Fortran order")
        return file.tell(), shape, dtype


def read_rgb(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Decode one image file to a (height, width, 3) uint8 array, resized if it is another size."""
    with Image.open(path) as opened:
        image = opened.convert("RGB")
        if image.size != (size[1], size[0]):
            image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        return np.asarray(image, dtype=np.uint8)


def load_image_folder(root: Path, class_names: tuple[str, ...], size: tuple[int, int] = (32, 32)) -> LabelledImages:
    """Read `root/<class>/*.(jpg|jpeg|png)`, the label being the class folder's index.

    Unreadable files are skipped with a warning that names them; missing class folders
    simply contribute no images.

    Raises:
        DatasetUnavailable: if `root` holds no readable image of any class.
    """
    images, labels, skipped = [], [], []
    for label, name in enumerate(class_names):
        folder = root / name
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
            try:
                images.append(read_rgb(path, size))
            except (OSError, UnidentifiedImageError, ValueError) as error:
                skipped.append(f"{path}: {error}")
                continue
            labels.append(label)
    if skipped:
        warnings.warn(f"Skipped {len(skipped)} unreadable image(s): " + "; ".join(skipped[:5]), stacklevel=2)
    if not images:
        raise DatasetUnavailable(
            "The image folder this app was given holds no images.",
            f"No images found in {root}. Expected {root}/<class>/*.jpg or *.png with class folders "
            f"named {', '.join(class_names)}.",
        )
    return LabelledImages(np.stack(images), np.asarray(labels, dtype=np.uint8), tuple(skipped))


# Bump when the cached arrays change meaning (2: the training set is shuffled).
CACHE_VERSION = 2


def _folder_fingerprint(root: Path) -> str:
    """Changes when files are added to or removed from any class folder (their mtimes change)."""
    parts = [f"v{CACHE_VERSION}", str(root.resolve())]
    for split in ("train", "test"):
        for name in CIFAR10_CLASSES:
            folder = root / split / name
            if folder.is_dir():
                parts.append(f"{split}/{name}:{folder.stat().st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def _save_npz_atomically(path: Path, **arrays: np.ndarray) -> None:
    # Several sessions may decode at once: write aside, then rename, so no reader sees half a file.
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)  # type: ignore[arg-type]  # numpy's stubs take any keyword for allow_pickle
    tmp.replace(path)


def _cifar10_from_cache(path: Path, source: str, train_images_in_memory: bool = True) -> Cifar10 | None:
    if not path.exists():
        return None
    with np.load(path) as data:  # an NpzFile reads a member only when it is asked for
        x_train = data["x_train"] if train_images_in_memory else ImagesOnDisk(path, "x_train")
        return Cifar10(x_train, data["y_train"], data["x_test"], data["y_test"], source)


def _from_cache_just_written(path: Path, source: str) -> Cifar10:
    """The cache this process has just written, with the training images read from the file when used."""
    data = _cifar10_from_cache(path, source, train_images_in_memory=False)
    if data is None:
        raise OSError(f"the CIFAR-10 cache {path} was written but cannot be read back")
    return data


def _cifar10_from_folder(root: Path, train_images_in_memory: bool = True) -> Cifar10:
    if not root.is_dir():
        raise DatasetUnavailable(
            "The CIFAR-10 images are not where this app was told to find them.",
            f"CIFAR10_DIR is set to {root}, which is not a folder.",
        )
    cache = cache_dir() / f"cifar10-folder-{_folder_fingerprint(root)}.npz"
    source = f"folder {root}"
    cached = _cifar10_from_cache(cache, source, train_images_in_memory)
    if cached is not None:
        return cached
    train = load_image_folder(root / "train", CIFAR10_CLASSES)
    test = load_image_folder(root / "test", CIFAR10_CLASSES)
    # A folder is read class by class; shuffle the training set once (seeded), as Keras's copy
    # already is, so that a subset or Keras's validation_split (the last 10 %) holds every class.
    order = np.random.default_rng(0).permutation(len(train.labels))
    x_train, y_train = train.images[order], train.labels[order]
    _save_npz_atomically(cache, x_train=x_train, y_train=y_train, x_test=test.images, y_test=test.labels)
    if not train_images_in_memory:
        return _from_cache_just_written(cache, source)
    return Cifar10(x_train, y_train, test.images, test.labels, source)


def _cifar10_from_keras(train_images_in_memory: bool = True) -> Cifar10:
    cache = cache_dir() / f"cifar10-keras-v{CACHE_VERSION}.npz"
    source = "keras.datasets.cifar10"
    cached = _cifar10_from_cache(cache, source, train_images_in_memory)
    if cached is not None:
        return cached
    import keras  # imported here: TensorFlow takes seconds to load

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    except Exception as error:  # the download raises several kinds of error when offline
        raise DatasetUnavailable(
            f"The CIFAR-10 images could not be downloaded: {why_download_failed(error)}.",
            "Connect the server to the internet and reload the page (the download is 170 MB, once), or set "
            "CIFAR10_DIR to a folder laid out as <root>/{train,test}/<class>/*.jpg and restart the app.",
        ) from error
    arrays = {
        "x_train": x_train,
        "y_train": y_train.reshape(-1).astype(np.uint8),
        "x_test": x_test,
        "y_test": y_test.reshape(-1).astype(np.uint8),
    }
    _save_npz_atomically(cache, **arrays)
    if not train_images_in_memory:
        return _from_cache_just_written(cache, source)
    return Cifar10(**arrays, source=source)


def load_cifar10(root: str | Path | None = None, train_images_in_memory: bool = True) -> Cifar10:
    """CIFAR-10 from `root`, else the folder in `CIFAR10_DIR`, else Keras's download.

    Args:
        train_images_in_memory: False leaves the training images in the cache file
            (`x_train` is then an `ImagesOnDisk`), for a process that only trains.

    Raises:
        DatasetUnavailable: with a message that says how to get the data.
    """
    root = root or os.environ.get("CIFAR10_DIR")
    if root:
        return _cifar10_from_folder(Path(root), train_images_in_memory)
    return _cifar10_from_keras(train_images_in_memory)


@dataclass(frozen=True)
class CaptchaFiles:
    """Captcha image files and their labels (the file stem)."""

    paths: tuple[Path, ...]
    labels: tuple[str, ...]
    source: str


def _download_archive(
    url: str, archive_name: str, unpack: Callable[[zipfile.ZipFile], None], what: str, fix: str
) -> None:
    """Download a zip archive into the cache folder and `unpack` it; if that fails, say why in one sentence.

    Raises:
        DatasetUnavailable: "<what> could not be downloaded: <why>.", with `fix` (how to get the data) apart.
    """
    archive = cache_dir() / archive_name
    try:
        urllib.request.urlretrieve(url, archive)
        with zipfile.ZipFile(archive) as zipped:
            unpack(zipped)
    except (OSError, zipfile.BadZipFile) as error:
        raise DatasetUnavailable(
            f"{what} could not be downloaded: {why_download_failed(error)}.",
            f"Connect the server to the internet and reload the page (it downloads once), or {fix}",
        ) from error


def _download_captcha_archive() -> Path:
    target = cache_dir() / "captcha_images_v2"
    if target.is_dir() and any(target.glob("*.png")):
        return target
    _download_archive(
        CAPTCHA_URL,
        "captcha_images_v2.zip",
        lambda zipped: zipped.extractall(cache_dir()),
        "The captcha images",
        "set CAPTCHA_DIR to a folder of PNG files named by their text (for example 226md.png) and restart the app.",
    )
    return target


def load_captcha_files(root: str | Path | None = None) -> CaptchaFiles:
    """The captcha PNGs in `root`, else in `CAPTCHA_DIR`, else in the downloaded archive.

    Raises:
        DatasetUnavailable: if there is no folder or no PNG in it.
    """
    root = root or os.environ.get("CAPTCHA_DIR")
    folder = Path(root) if root else _download_captcha_archive()
    if not folder.is_dir():
        raise DatasetUnavailable(
            "The captcha images are not where this app was told to find them.",
            f"CAPTCHA_DIR is set to {folder}, which is not a folder.",
        )
    paths = tuple(sorted(folder.glob("*.png")))
    if not paths:
        raise DatasetUnavailable(
            "The captcha folder this app was given holds no captchas.",
            f"No PNG files in {folder}: expected captchas named by their text, like 226md.png.",
        )
    return CaptchaFiles(paths, tuple(path.stem for path in paths), f"folder {folder}")


@dataclass(frozen=True)
class SpokenDigitFiles:
    """The Free Spoken Digit Dataset's recordings: one digit each, and who spoke it."""

    paths: tuple[Path, ...]
    digits: tuple[int, ...]
    speakers: tuple[str, ...]
    source: str
    takes: tuple[int, ...] = ()  # the <index> of each file's name: 0 for a speaker's first take of a digit


def _download_fsdd_archive() -> Path:
    target = cache_dir() / "fsdd" / "recordings"
    if target.is_dir() and any(target.glob("*.wav")):
        return target

    def keep_recordings(zipped: zipfile.ZipFile) -> None:
        # The archive's top folder carries the release's name: keep only the recordings, flat.
        target.mkdir(parents=True, exist_ok=True)
        for member in zipped.namelist():
            if "/recordings/" in member and member.endswith(".wav"):
                (target / Path(member).name).write_bytes(zipped.read(member))

    _download_archive(
        FSDD_URL,
        "fsdd.zip",
        keep_recordings,
        "The spoken digits",
        "set FSDD_DIR to the Free Spoken Digit Dataset's recordings folder (files like 7_george_12.wav) and "
        "restart the app.",
    )
    return target


def load_fsdd_files(root: str | Path | None = None) -> SpokenDigitFiles:
    """The FSDD recordings in `root`, else in `FSDD_DIR`, else in the downloaded archive.

    A folder that holds a `recordings/` folder is taken to mean that one. Files not named
    `<digit>_<speaker>_<index>.wav` are left out.

    Raises:
        DatasetUnavailable: if there is no folder or no recording in it.
    """
    root = root or os.environ.get("FSDD_DIR")
    folder = Path(root) if root else _download_fsdd_archive()
    if (folder / "recordings").is_dir():
        folder = folder / "recordings"
    if not folder.is_dir():
        raise DatasetUnavailable(
            "The spoken digits are not where this app was told to find them.",
            f"FSDD_DIR is set to {folder}, which is not a folder.",
        )
    named = [(path, match) for path in sorted(folder.glob("*.wav")) if (match := FSDD_NAME.fullmatch(path.stem))]
    if not named:
        raise DatasetUnavailable(
            "The spoken-digit folder this app was given holds no recordings.",
            f"No WAV files named like 7_george_12.wav in {folder}.",
        )
    return SpokenDigitFiles(
        tuple(path for path, _ in named),
        tuple(int(match["digit"]) for _, match in named),
        tuple(match["speaker"] for _, match in named),
        f"folder {folder}",
        tuple(int(match["index"]) for _, match in named),
    )
