"""A local stand-in of the real data hosts, to rehearse the app's first start on a machine without internet.

On Streamlit Community Cloud the app starts with no data and downloads it from hosts that can be slow
(cs.toronto.edu serves CIFAR-10 at about 70 kB/s) or hang. This module builds the three archives in the
real ones' layouts from the offline copies in `../shared/datasets`, and serves them over HTTP at
`{base_url}/HOST/PATH` for each real `https://HOST/PATH`: the app rewrites its URLs that way when
`CNN_RNN_LAB_DATA_HOSTS` holds the stand-in's base URL.

    python -m devtools.stand_in_hosts build --out data-cache/stand-in
    python -m devtools.stand_in_hosts serve --dir data-cache/stand-in --port 8765 \\
        --mode www.cs.toronto.edu=slow:70 --mode github.com=silent --default full

What each archive holds:

- `cifar-10-python.tar.gz` (at cs.toronto.edu and at Ray's S3 mirror): `cifar-10-batches-py/` with
  `data_batch_1` … `data_batch_5`, `test_batch`, `batches.meta` and `readme.html`, pickled as the real
  ones (protocol 2, bytes keys, bytes written as Python 2's strings). The training batches hold the 50,000
  offline training pictures in a seeded random order. The offline copy has only 5,000 of the 10,000 test
  pictures, in the original the first 500 of each class in the test batch's order; so the test batch
  holds, for each class, its 500 offline pictures in file-name order followed by the same 500 mirrored
  left-right, the classes interleaved in a seeded random order that keeps each class's own order. The
  first 500 test pictures of each class, in the batch's order, are exactly the offline ones. Its md5 is
  not the real archive's (`c58f30108f718f92721af3b95e74349a`): `build` writes it beside the archive, in
  `md5sum`'s format, as `cifar-10-python.tar.gz.md5`, and `cifar_md5` computes it.
- `captcha_images_v2.zip`: one folder `captcha_images_v2/` of the offline PNGs.
- `free-spoken-digit-dataset-1.0.10.zip`, GitHub's zip of the tag: `free-spoken-digit-dataset-1.0.10/`
  with `recordings/` (the offline clips) and stub `README.md`, `metadata.py` and `utils/`.

How the stand-in answers, host by host (a host is the first segment of the path), in one of four modes:
`full` (as fast as it can), `slow:KBPS` (that many kilobytes, of 1,000 bytes, a second, in small chunks),
`silent` (reads the request, then never answers: a host that hangs) and `error:CODE` (that HTTP status).
`full` and `slow` answer HEAD and `Range: bytes=N-` (206, so a download can resume), except
codeload.github.com, which streams its zip as GitHub makes it: chunked, without a Content-Length, and
from the start whatever the Range. github.com answers its two downloads with a 302 to
raw.githubusercontent.com and codeload.github.com on the same stand-in, as GitHub does; each of the three
hosts has its own mode. A mode set at run time reaches the transfers under way at their next chunk:
`silent` stalls them, `error` drops their connection.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import io
import pickle
import select
import struct
import sys
import tarfile
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

from core.shared.datasets import CAPTCHA_ARCHIVE, CIFAR10_ARCHIVE, CIFAR10_CLASSES, FSDD_ARCHIVE, IMAGE_SUFFIXES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"  # the offline copies (see its README.md)
ARCHIVE_DIR = PROJECT_ROOT / "data-cache" / "stand-in"  # the commands' default (data-cache/ is git-ignored)
SEED = 2009  # the training batches' order (SEED) and the test batch's interleaving (SEED + 1)
ARCHIVE_TIME = datetime(2009, 6, 4, tzinfo=UTC)  # every member's date: fixed, so two builds give the same bytes


@dataclass(frozen=True)
class Archive:
    """One archive a real host serves, as the stand-in builds and serves it."""

    file_name: str  # in the archive folder
    urls: tuple[str, ...]  # the real URLs; the stand-in serves it at /HOST/PATH for each https://HOST/PATH
    content_type: str
    streamed: bool = False  # sent chunked, without a Content-Length, and whole whatever the Range


CIFAR = Archive(
    "cifar-10-python.tar.gz",
    tuple(source.url for source in CIFAR10_ARCHIVE.sources),  # Toronto and Ray's mirror
    "application/x-gzip",
)
CAPTCHA = Archive(
    "captcha_images_v2.zip",
    ("https://raw.githubusercontent.com/AakashKumarNain/CaptchaCracker/master/captcha_images_v2.zip",),
    "application/octet-stream",
)
FSDD = Archive(
    "free-spoken-digit-dataset-1.0.10.zip",
    ("https://codeload.github.com/Jakobovski/free-spoken-digit-dataset/zip/refs/tags/v1.0.10",),
    "application/zip",
    streamed=True,
)
ARCHIVES = {"cifar10": CIFAR, "captcha": CAPTCHA, "fsdd": FSDD}
REDIRECTS = {  # the URL the app asks for → where github.com sends it (302)
    CAPTCHA_ARCHIVE.sources[0].url: CAPTCHA.urls[0],
    FSDD_ARCHIVE.sources[0].url: FSDD.urls[0],
}
MD5_VARIABLE = CIFAR10_ARCHIVE.md5_variable  # where the app reads the CIFAR-10 archive's md5

FSDD_TOP = "free-spoken-digit-dataset-1.0.10/"
FSDD_STUBS = {  # beside recordings/, so that the top folder is not only recordings, as in the real tag
    "README.md": "# Free Spoken Digit Dataset (FSDD)\n\nA stand-in of the v1.0.10 tag's zip, built from an "
    "offline copy by devtools/stand_in_hosts.py: `recordings/` holds its clips; the other files are stubs.\n",
    "metadata.py": '"""A stub: the real file describes each speaker."""\n\nmetadata = {}\n',
    "utils/__init__.py": "",
    "utils/fsdd.py": '"""A stub: the real file loads the recordings."""\n',
}
CIFAR_README = (
    '<meta HTTP-EQUIV="REFRESH" content="0; URL=http://www.cs.toronto.edu/~kriz/cifar.html">\n'
    "<!-- A stand-in built from an offline copy by devtools/stand_in_hosts.py. -->\n"
)


def stand_in_path(url: str) -> str:
    """Where the stand-in serves a real URL: `https://HOST/PATH` → `/HOST/PATH`.

    >>> stand_in_path("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz")
    '/www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
    """
    if not url.startswith("https://"):
        raise ValueError(f"url must start with https://; got {url!r}")
    return "/" + url.removeprefix("https://")


# Building the archives


def build_archives(out: Path, datasets: Path = DATASETS, *, cifar_train_limit: int | None = None) -> dict[str, Path]:
    """Build the three archives into `out` from the offline copies, skipping any already built.

    Each is written under a `.part` name and renamed when complete, so a build cut short leaves nothing
    that counts as built. The CIFAR-10 archive's md5 is written beside it (`cifar-10-python.tar.gz.md5`).

    Args:
        out: the archive folder (created if needed).
        datasets: a folder laid out as `../shared/datasets`: `cifar10/{train,test}/<class>/*.jpg`,
            `captcha_images_v2/*.png`, `fsdd/recordings/*.wav`.
        cifar_train_limit: put only this many training pictures (the first of the seeded order) in the
            CIFAR-10 archive, split over its five batches; None for all of them.

    Returns:
        The archives' paths by data set: `{"cifar10": …, "captcha": …, "fsdd": …}`.
    """
    out.mkdir(parents=True, exist_ok=True)
    builders: dict[str, Callable[[Path], None]] = {
        "cifar10": lambda part: write_cifar(part, datasets / "cifar10", cifar_train_limit),
        "captcha": lambda part: write_captcha(part, datasets / "captcha_images_v2"),
        "fsdd": lambda part: write_fsdd(part, datasets / "fsdd" / "recordings"),
    }
    paths = {}
    for name, write in builders.items():
        paths[name] = out / ARCHIVES[name].file_name
        if not paths[name].exists():
            _write_aside(paths[name], write)
    md5_file = md5_path(paths["cifar10"])
    if not md5_file.exists() or md5_file.stat().st_mtime < paths["cifar10"].stat().st_mtime:
        digest = cifar_md5(out)
        _write_aside(md5_file, lambda part: part.write_text(f"{digest}  {CIFAR.file_name}\n"))
    return paths


def cifar_md5(archive_dir: Path) -> str:
    """The md5 of the stand-in's `cifar-10-python.tar.gz` in `archive_dir` (not the real archive's)."""
    digest = hashlib.md5()
    with (archive_dir / CIFAR.file_name).open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def md5_path(archive: Path) -> Path:
    """The file beside an archive that holds its md5, as `md5sum` writes it: `<md5>  <name>`."""
    return archive.with_name(archive.name + ".md5")


def _write_aside(path: Path, write: Callable[[Path], None]) -> None:
    part = path.with_name(path.name + ".part")
    write(part)
    part.replace(path)


def write_cifar(path: Path, folder: Path, train_limit: int | None = None) -> None:
    """Write `cifar-10-python.tar.gz` from `folder` (`train/<class>/`, `test/<class>/`); see the module's docstring."""
    # 1. The training pictures, every class's in file-name order, then shuffled.
    train = [
        (label, picture) for label, name in enumerate(CIFAR10_CLASSES) for picture in _pictures(folder / "train" / name)
    ]
    order = np.random.default_rng(SEED).permutation(len(train))[:train_limit]
    train_data = np.stack([_row(_pixels(train[index][1])) for index in order])  # (pictures, 3072)
    train_labels = [train[index][0] for index in order]
    train_names = [_batch_name(*train[index]) for index in order]
    # 2. The test batch: each class's offline pictures, then their mirror images, classes interleaved.
    test_data, test_labels, test_names = _test_batch(folder / "test")
    # 3. The batches, pickled as the real ones (protocol 2, bytes keys), in a gzip tar.
    members = {}
    for number, rows in enumerate(np.array_split(np.arange(len(order)), 5), start=1):
        members[f"data_batch_{number}"] = _batch(
            f"training batch {number} of 5",
            train_data[rows],
            [train_labels[i] for i in rows],
            [train_names[i] for i in rows],
        )
    members["test_batch"] = _batch("testing batch 1 of 1", test_data, test_labels, test_names)
    meta = {
        b"num_cases_per_batch": 10000,
        b"label_names": [name.encode() for name in CIFAR10_CLASSES],
        b"num_vis": 3072,
    }
    members["batches.meta"] = _python2_pickle(meta)
    members["readme.html"] = CIFAR_README.encode()
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename=CIFAR.file_name, mode="wb", fileobj=raw, mtime=int(ARCHIVE_TIME.timestamp())) as packed,
        tarfile.open(fileobj=packed, mode="w", format=tarfile.GNU_FORMAT) as tar,
    ):
        tar.addfile(_tar_info("cifar-10-batches-py", tarfile.DIRTYPE, 0o755))
        for name, data in members.items():
            tar.addfile(_tar_info(f"cifar-10-batches-py/{name}", tarfile.REGTYPE, 0o644, len(data)), io.BytesIO(data))


def _test_batch(folder: Path) -> tuple[np.ndarray, list[int], list[bytes]]:
    """The test batch's rows (pictures, 3072), labels and file names; see the module's docstring."""
    classes = []  # per class: (row, file name), its offline pictures then their mirror images
    for label, name in enumerate(CIFAR10_CLASSES):
        pictures = _pictures(folder / name)
        offline = [(_row(_pixels(picture)), _batch_name(label, picture)) for picture in pictures]
        mirrored = [(_row(_pixels(picture)[:, ::-1]), _batch_name(label, picture, "_mirrored")) for picture in pictures]
        classes.append(offline + mirrored)
    labels = np.repeat(np.arange(len(classes)), [len(pictures) for pictures in classes])
    np.random.default_rng(SEED + 1).shuffle(labels)  # a random interleaving that keeps each class's order
    taken = [iter(pictures) for pictures in classes]
    rows, names = zip(*(next(taken[label]) for label in labels), strict=True)
    return np.stack(rows), labels.tolist(), list(names)


def _pictures(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"expected a folder of pictures at {folder}")
    return sorted(path for path in folder.iterdir() if path.suffix.lower() in IMAGE_SUFFIXES)


def _pixels(path: Path) -> np.ndarray:
    """A CIFAR picture's pixels, (32, 32, 3) uint8 RGB."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"))
    if pixels.shape != (32, 32, 3):
        raise ValueError(f"{path}: expected a 32 × 32 picture, got {pixels.shape[1]} × {pixels.shape[0]}")
    return pixels


def _row(pixels: np.ndarray) -> np.ndarray:
    """(32, 32, 3) → (3072,): the 1024 red values row by row, then the green, then the blue, as CIFAR stores them."""
    return pixels.transpose(2, 0, 1).reshape(-1)


def _batch_name(label: int, picture: Path, suffix: str = "") -> bytes:
    return f"{CIFAR10_CLASSES[label]}_{picture.stem}{suffix}.png".encode()


def _batch(batch_label: str, data: np.ndarray, labels: list[int], names: list[bytes]) -> bytes:
    batch = {b"batch_label": batch_label.encode(), b"labels": labels, b"data": data, b"filenames": names}
    return _python2_pickle(batch)


def _python2_pickle(value: object) -> bytes:
    """Pickle `value` as Python 2 wrote the real batches: protocol 2, bytes as Python 2's strings.

    Python 3's protocol 2 writes bytes as `_codecs.encode(text, "latin1")` calls, half again as long for
    pixel data; the real batches hold them as plain strings, which `pickle.load(f, encoding="bytes")` reads
    back as bytes.
    """
    out = io.BytesIO()
    _Python2Pickler(out, protocol=2).dump(value)
    return out.getvalue()


class _Python2Pickler(pickle._Pickler):  # the pure-Python pickler: the C one cannot change how bytes are saved
    dispatch = pickle._Pickler.dispatch.copy()

    def save_bytes(self, obj: bytes) -> None:
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_bytes


def _tar_info(name: str, kind: bytes, mode: int, size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, int(ARCHIVE_TIME.timestamp())
    return info


def write_captcha(path: Path, folder: Path) -> None:
    """Write `captcha_images_v2.zip`: one folder `captcha_images_v2/` of the PNGs in `folder`."""
    pictures = _pictures(folder)
    with zipfile.ZipFile(path, "w") as archive:
        _zip_folder(archive, "captcha_images_v2/")
        for picture in pictures:
            _zip_file(archive, f"captcha_images_v2/{picture.name}", picture.read_bytes())


def write_fsdd(path: Path, recordings: Path) -> None:
    """Write GitHub's zip of FSDD's tag v1.0.10: `recordings/` from `recordings`, and stub files beside it."""
    clips = sorted(recordings.glob("*.wav"))
    if not clips:
        raise FileNotFoundError(f"expected the FSDD recordings (*.wav) in {recordings}")
    with zipfile.ZipFile(path, "w") as archive:
        _zip_folder(archive, FSDD_TOP)
        folders = set()
        for name, text in FSDD_STUBS.items():
            folder = name.rpartition("/")[0]
            if folder and folder not in folders:
                _zip_folder(archive, f"{FSDD_TOP}{folder}/")
                folders.add(folder)
            _zip_file(archive, FSDD_TOP + name, text.encode())
        _zip_folder(archive, FSDD_TOP + "recordings/")
        for clip in clips:
            _zip_file(archive, f"{FSDD_TOP}recordings/{clip.name}", clip.read_bytes())


def _zip_folder(archive: zipfile.ZipFile, name: str) -> None:
    info = zipfile.ZipInfo(name, date_time=ARCHIVE_TIME.timetuple()[:6])
    info.external_attr = (0o40755 << 16) | 0x10  # a directory, drwxr-xr-x
    archive.writestr(info, b"")


def _zip_file(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ARCHIVE_TIME.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o100644 << 16  # a file, -rw-r--r--
    archive.writestr(info, data)


# Serving them


@dataclass(frozen=True)
class Mode:
    """How a host answers: `full`, `slow:KBPS`, `silent` or `error:CODE`.

    >>> Mode.parse("slow:70")
    Mode(kind='slow', value=70)
    """

    kind: str  # "full", "slow", "silent" or "error"
    value: int = 0  # slow: kilobytes (1,000 bytes) a second; error: the HTTP status

    @classmethod
    def parse(cls, text: str) -> Mode:
        kind, _, value = text.partition(":")
        if kind in ("full", "silent") and not value:
            return cls(kind)
        if kind == "slow" and value.isdigit() and int(value) > 0:
            return cls(kind, int(value))
        if kind == "error" and value.isdigit() and 400 <= int(value) <= 599:
            return cls(kind, int(value))
        raise ValueError(f"mode must be full, slow:KBPS (KBPS > 0), silent or error:CODE (400–599); got {text!r}")

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind


class Request(NamedTuple):
    """One request the stand-in answered, recorded when its answer ended."""

    host: str  # the first segment of the path
    path: str  # the whole path, host included
    status: int  # the HTTP status sent; 0 when the host was silent
    bytes_sent: int  # of the body (a transfer cut short counts what went out)


class StandInHosts:
    """The stand-in hosts on 127.0.0.1, serving the archives in `archive_dir` while the `with` block runs.

    Args:
        archive_dir: the folder `build_archives` wrote.
        modes: a mode by host name (the first segment of the path: "www.cs.toronto.edu", "github.com").
        default_mode: the mode of every other host.
        port: the port to listen on; 0 for a free one.
        log: print a line for each request answered.

    Raises:
        FileNotFoundError: an archive is missing from `archive_dir`.
        ValueError: a mode is not one of the four forms.

    Example:

        with StandInHosts(archive_dir, {"www.cs.toronto.edu": "slow:70"}) as hosts:
            urllib.request.urlopen(hosts.url("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"))
            hosts.set_mode("www.cs.toronto.edu", "silent")
    """

    def __init__(
        self,
        archive_dir: Path,
        modes: dict[str, str] | None = None,
        default_mode: str = "full",
        port: int = 0,
        *,
        log: bool = False,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        missing = [
            archive.file_name for archive in ARCHIVES.values() if not (self.archive_dir / archive.file_name).is_file()
        ]
        if missing:
            raise FileNotFoundError(
                f"{self.archive_dir} lacks {', '.join(missing)}; build it first: "
                f"python -m devtools.stand_in_hosts build --out {self.archive_dir}"
            )
        self.default_mode = Mode.parse(default_mode)
        self._modes = {host: Mode.parse(mode) for host, mode in (modes or {}).items()}
        self.port = port
        self.log = log
        self.requests: list[Request] = []
        self.stopping = threading.Event()  # set when the block ends: silent and slow answers give up
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> StandInHosts:
        self.stopping.clear()
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.hosts = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None and self._thread is not None
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`: what `CNN_RNN_LAB_DATA_HOSTS` should hold."""
        if self._server is None:
            raise RuntimeError("the stand-in is not serving: use it in a `with` block")
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, real_url: str) -> str:
        """The stand-in's URL for a real one, rewritten as the app rewrites it."""
        return self.base_url + stand_in_path(real_url)

    def set_mode(self, host: str, mode: str) -> None:
        """Set how `host` answers from now on, transfers under way included (from their next chunk)."""
        parsed = Mode.parse(mode)
        with self._lock:
            self._modes[host] = parsed

    def mode_for(self, host: str) -> Mode:
        with self._lock:
            return self._modes.get(host, self.default_mode)

    def _record(self, request: Request, method: str) -> None:
        with self._lock:
            self.requests.append(request)
        if self.log:
            print(f"{method:4} {request.status:3d} {request.bytes_sent:>13,} B  {request.path}", flush=True)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # closing does not wait for the answers under way (a silent one never ends)
    hosts: StandInHosts


SERVED = {stand_in_path(url): archive for archive in ARCHIVES.values() for url in archive.urls}
REDIRECTED = {stand_in_path(url): stand_in_path(target) for url, target in REDIRECTS.items()}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # for the chunked answer; every answer closes its connection
    server: _Server

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are reported through `StandInHosts.requests` (and `log`)."""

    def _answer(self, with_body: bool) -> None:
        self.close_connection = True
        hosts = self.server.hosts
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        host = path.lstrip("/").split("/", 1)[0]
        mode = hosts.mode_for(host)
        status, bytes_sent = 0, 0
        try:
            if mode.kind == "silent":
                self._hang()
            elif mode.kind == "error":
                status = mode.value
                self.send_error(status)
            elif path in REDIRECTED:
                status = 302
                self.send_response(status)
                here = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
                self.send_header("Location", f"http://{here}{REDIRECTED[path]}")
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
            elif path in SERVED:
                status, bytes_sent = self._send_archive(SERVED[path], host, with_body)
            else:
                status = 404
                self.send_error(status)
        except OSError:  # the client went away
            pass
        hosts._record(Request(host, path, status, bytes_sent), self.command)

    def _send_archive(self, archive: Archive, host: str, with_body: bool) -> tuple[int, int]:
        """Send the archive (or the part a Range asks for); the status and the body's bytes sent."""
        file = self.server.hosts.archive_dir / archive.file_name
        size = file.stat().st_size
        start, end, status = 0, size, 200
        asked = None if archive.streamed else byte_range(self.headers.get("Range"), size)
        if asked is not None:
            start, end = asked
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                return 416, 0
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", archive.content_type)
        if archive.streamed:
            self.send_header("Content-Disposition", f"attachment; filename={archive.file_name}")
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start))
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        self.send_header("Connection", "close")
        self.end_headers()
        if not with_body:
            return status, 0
        return status, self._send_body(file, start, end, host, chunked=archive.streamed)

    def _send_body(self, file: Path, start: int, end: int, host: str, chunked: bool) -> int:
        """Send bytes [start, end) of `file` at the host's mode, read again before each chunk; the bytes sent."""
        hosts = self.server.hosts
        sent = 0
        due = time.monotonic()  # when the next chunk may go, in slow mode
        with file.open("rb") as source:
            source.seek(start)
            while sent < end - start:
                mode = hosts.mode_for(host)
                if mode.kind == "silent":
                    self._hang()
                    return sent
                if mode.kind == "error":
                    return sent  # the host fails mid-transfer: the connection drops
                if mode.kind == "slow":
                    rate = mode.value * 1000  # bytes a second
                    data = source.read(min(16384, max(1024, rate // 10), end - start - sent))
                    due = max(due, time.monotonic() - 0.1) + len(data) / rate
                    if hosts.stopping.wait(max(0.0, due - time.monotonic())):
                        return sent
                else:
                    data = source.read(min(1 << 16, end - start - sent))
                    if hosts.stopping.is_set():
                        return sent
                if not data:
                    return sent  # the file got shorter
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                sent += len(data)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        return sent

    def _hang(self) -> None:
        """Answer nothing until the client closes the connection or the stand-in stops."""
        while not self.server.hosts.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.1)
            if readable:
                try:
                    if not self.connection.recv(1 << 16):
                        return  # the client closed
                except OSError:
                    return


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The bytes [start, end) that a `Range: bytes=…` header asks of a file of `size` bytes.

    None when there is no header or it asks something else (several ranges, another unit): the whole file
    is sent. A start at or past the end (unsatisfiable) comes back as it is, for the caller's 416.

    >>> byte_range("bytes=100-", 1000), byte_range("bytes=0-99", 1000), byte_range("bytes=-10", 1000)
    ((100, 1000), (0, 100), (990, 1000))
    """
    if header is None:
        return None
    first, dash, last = header.strip().removeprefix("bytes=").partition("-")
    if not header.strip().startswith("bytes=") or not dash or not (first + last).isdigit():
        return None
    if not first:
        return max(size - int(last), 0), size  # the last `last` bytes
    if last and int(last) < int(first):
        return None
    return int(first), size if not last else min(int(last) + 1, size)


# The command line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.stand_in_hosts", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the archives from the offline copies")
    build.add_argument("--out", type=Path, default=ARCHIVE_DIR, help=f"archive folder (default {ARCHIVE_DIR})")
    build.add_argument("--datasets", type=Path, default=DATASETS, help=f"offline copies (default {DATASETS})")
    build.add_argument("--cifar-train-limit", type=int, help="put only this many training pictures in CIFAR-10")
    serve = commands.add_parser("serve", help="serve the archives until Ctrl-C")
    serve.add_argument("--dir", type=Path, default=ARCHIVE_DIR, help=f"archive folder (default {ARCHIVE_DIR})")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--mode", action="append", default=[], metavar="HOST=MODE", help="full, slow:KBPS, silent or error:CODE"
    )
    serve.add_argument("--default", default="full", metavar="MODE", help="every other host's mode (default full)")
    arguments = parser.parse_args(argv)
    if arguments.command == "build":
        run_build(arguments.out, arguments.datasets, arguments.cifar_train_limit)
    else:
        modes = dict(mode.split("=", 1) for mode in arguments.mode if "=" in mode)
        if len(modes) != len(arguments.mode):
            parser.error(f"--mode takes HOST=MODE; got {arguments.mode}")
        run_serve(arguments.dir, modes, arguments.default, arguments.port)


def run_build(out: Path, datasets: Path, cifar_train_limit: int | None) -> None:
    started = time.perf_counter()
    paths = build_archives(out, datasets, cifar_train_limit=cifar_train_limit)
    for path in [*paths.values(), md5_path(paths["cifar10"])]:
        print(f"{path.stat().st_size:>13,} B  {path}")
    print(f"the stand-in CIFAR-10 archive's md5: {md5_path(paths['cifar10']).read_text().split()[0]}")
    print(f"built in {time.perf_counter() - started:.1f} s")


def run_serve(archive_dir: Path, modes: dict[str, str], default_mode: str, port: int) -> None:
    try:
        hosts = StandInHosts(archive_dir, modes, default_mode, port, log=True)
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(str(error)) from None
    with hosts:
        print(f"the stand-in hosts at {hosts.base_url}, serving {archive_dir} (Ctrl-C stops)")
        for host, mode in sorted(hosts._modes.items()):
            print(f"  {host}: {mode}")
        print(f"  every other host: {hosts.default_mode}")
        print(f"export CNN_RNN_LAB_DATA_HOSTS={hosts.base_url}")
        print(f"export {MD5_VARIABLE}={cifar_md5(archive_dir)}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)


if __name__ == "__main__":
    main()
