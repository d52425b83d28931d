"""Downloads no page waits for: one per archive and server, in the background, from the fastest source, checked.

A page asks `arrival(archive)` on every run: it answers at once with where the archive stands (`Progress`), and
starts the download in a thread of its own the first time, so every session of the server shares one download.
Each source is tried for a quarter of a megabyte first and the fastest that answers is used, the others after it;
a host that sends nothing for `READ_TIMEOUT_S` seconds is given up on, and a retry resumes where the bytes stopped.
The archive is written aside (`*.part`), checked (its MD5 where one is published, its own checks in `unpack`),
unpacked into a folder aside and renamed into place: the archive's folder exists only once all of it is there.

`CNN_RNN_LAB_DATA_HOSTS` (a base URL) sends every request to a stand-in of the real hosts instead, the host name
becoming the first part of the path (`devtools/stand_in_hosts.py` serves one, for the Cloud rehearsal).
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import os
import shutil
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from core.shared.training import duration_in_words

DATA_HOSTS_VARIABLE = "CNN_RNN_LAB_DATA_HOSTS"
CACHE_VARIABLE = "CNN_RNN_LAB_CACHE"
PROBE_BYTES = 256 * 1024  # enough to tell 70 kB/s from 30 MB/s, little enough to waste
PROBE_TIMEOUT_S = 8.0
READ_TIMEOUT_S = 20.0  # a host silent this long (to connect, or between two reads) has stalled
ATTEMPTS = 2  # per source that answered its probe; a source that did not gets one
RETRY_PAUSE_S = 2.0
RETRY_AFTER_S = 120.0  # a failed download is tried again by a visit at least this long after it failed
RATE_WINDOW_S = 5.0
CHUNK_BYTES = 64 * 1024
USER_AGENT = "cnn-rnn-lab (a teaching app) urllib"


class DatasetUnavailable(RuntimeError):
    """A data set could not be found or downloaded.

    `summary` is one sentence for a student: what is missing and why. `details` tells
    whoever runs the app how to get the data. The message is both, for the commands.
    """

    def __init__(self, summary: str, details: str) -> None:
        super().__init__(f"{summary} {details}")
        self.summary = summary
        self.details = details


class ArchiveDamaged(ValueError):
    """A downloaded archive is not what its host should serve (cut short, garbled, another file)."""


# What a failed download says when the machine is offline or a host does not answer, in urllib's words.
OFFLINE_SIGNS = (
    "name resolution",
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo",
    "Network is unreachable",
    "Connection refused",
)


def why_download_failed(error: BaseException) -> str:
    """The cause of a failed download in plain words, for the sentence a student reads."""
    text = str(error)
    if isinstance(error, TimeoutError) or "timed out" in text:
        return f"the host sent nothing for {READ_TIMEOUT_S:.0f} s"
    if any(sign in text for sign in OFFLINE_SIGNS):
        return "this server cannot reach the internet"
    first_line = text.strip().splitlines()[0][:120] if text.strip() else type(error).__name__
    return f"the download failed ({first_line})"


def cache_dir() -> Path:
    """A writable folder for downloads and decoded data: `CNN_RNN_LAB_CACHE`, else `~/.cache/cnn-rnn-lab`.

    Where that cannot be written (a read-only home, as a hosted app may have), the system's temporary folder.

    Raises:
        DatasetUnavailable: if neither can be written.
    """
    wanted = Path(os.environ.get(CACHE_VARIABLE, Path.home() / ".cache" / "cnn-rnn-lab"))
    fallback = Path(tempfile.gettempdir()) / "cnn-rnn-lab"
    for path in (wanted, fallback):
        if _writable(path):
            return path
    raise DatasetUnavailable(
        "This server has no folder it may write the data sets to.",
        f"Neither {wanted} nor {fallback} can be written: set {CACHE_VARIABLE} to a writable folder and restart.",
    )


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return _can_write_in(path)


@functools.cache  # asked on every run of a page with a data set: a file made and removed once per folder is enough
def _can_write_in(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Source:
    """One place an archive can be downloaded from."""

    name: str  # who serves it, in words a student reads ("the University of Toronto")
    url: str

    def resolved_url(self) -> str:
        """The URL to ask: the real one, or its path on the stand-in named by `CNN_RNN_LAB_DATA_HOSTS`."""
        stand_in = os.environ.get(DATA_HOSTS_VARIABLE, "").rstrip("/")
        parts = urllib.parse.urlsplit(self.url)
        if not stand_in or parts.scheme not in ("http", "https"):
            return self.url
        return f"{stand_in}/{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Archive:
    """A data set as its hosts serve it, and how to unpack it."""

    key: str  # names its files in the cache folder
    what: str  # "The CIFAR-10 pictures": opens the sentences a student reads
    file_name: str
    sources: tuple[Source, ...]  # the order to try them in when no probe tells them apart
    size: int  # bytes, about: the progress where a host sends no length
    unpack: Callable[[Path, Path], None]  # (the archive, an empty folder to fill); raises ArchiveDamaged
    fix: str  # how whoever runs the app can get the data another way
    md5: str = ""  # the published checksum, checked where there is one
    md5_variable: str = ""  # an environment variable that names another checksum (a stand-in's archive)

    def folder(self) -> Path:
        """Where the unpacked archive lives: it exists only once all of it is there."""
        return cache_dir() / self.key

    def expected_md5(self) -> str:
        return os.environ.get(self.md5_variable, self.md5) if self.md5_variable else self.md5


@dataclass(frozen=True)
class Progress:
    """Where an archive stands, at one moment."""

    what: str
    stage: str  # "starting", "choosing a source", "downloading", "checking", "unpacking", "ready" or "failed"
    done: int = 0  # bytes downloaded
    total: int | None = None  # bytes in all, where the host said
    rate: float = 0.0  # bytes a second over the last few seconds
    source: str = ""  # the name of the source being downloaded from
    note: str = ""  # a failure's sentence, or a retry's
    details: str = ""  # a failure's: how whoever runs the app can get the data
    expected: int = 0  # bytes in all, about, where the host does not say

    @property
    def fraction(self) -> float:
        """How much of the archive is here, 0 to 1 (from its expected size where the host sent no length)."""
        total = self.total or self.expected
        return min(1.0, self.done / total) if total else 0.0

    @property
    def seconds_left(self) -> float | None:
        total = self.total or self.expected
        if self.rate <= 0 or not total:
            return None
        return max(0.0, total - self.done) / self.rate


def progress_in_words(progress: Progress) -> str:
    """What a page says of an archive on its way, in one sentence.

    Example:
        >>> progress_in_words(Progress("The captchas", "downloading", 3_000_000, 9_000_000, 1_000_000, "GitHub"))
        'Downloading the captchas from GitHub: 3.0 of 9.0 MB, 1.0 MB/s, about 10 s left.'
    """
    what = progress.what[0].lower() + progress.what[1:]
    if progress.stage == "downloading" and progress.done == 0:
        retry = f" ({progress.note})" if progress.note else ""
        return f"Waiting for {progress.source} to send {what}{retry}…"
    if progress.stage == "downloading":
        total = (
            f" of {progress.total / 1e6:.1f}"
            if progress.total
            else f" of about {progress.expected / 1e6:.0f}"
            if progress.expected
            else ""
        )
        rate = f"{progress.rate / 1e6:.1f} MB/s" if progress.rate >= 100_000 else f"{progress.rate / 1e3:.0f} kB/s"
        left = progress.seconds_left
        time_left = f", {duration_in_words(left)} left" if left is not None else ""
        return f"Downloading {what} from {progress.source}: {progress.done / 1e6:.1f}{total} MB, {rate}{time_left}."
    if progress.stage == "checking":
        return f"Checking {what}: is every byte the published file's?"
    if progress.stage == "unpacking":
        return f"Unpacking {what}…"
    if progress.stage == "failed":
        return progress.note
    return f"Finding the fastest host for {what}…"


class Download:
    """One archive's download and unpacking in a thread of its own; `progress()` may be read from any thread."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.error: DatasetUnavailable | None = None
        self.failed_at: float | None = None
        self._lock = threading.Lock()
        self._progress = Progress(archive.what, "starting", expected=archive.size)
        self._recent: deque[tuple[float, int]] = deque()
        self.thread = threading.Thread(target=self._run, name=f"download-{archive.key}", daemon=True)

    def may_retry(self) -> bool:
        """Whether it failed long enough ago to be tried again."""
        return self.failed_at is not None and time.monotonic() - self.failed_at > RETRY_AFTER_S

    def progress(self) -> Progress:
        with self._lock:
            return self._progress

    def _set(self, **changes) -> None:
        with self._lock:
            self._progress = replace(self._progress, **changes)

    def _run(self) -> None:
        try:
            self._set(stage="choosing a source")
            path = self._download(self._fastest_first())
            self._set(stage="checking", rate=0.0)
            self._check(path)
            self._set(stage="unpacking")
            self._unpack(path)
            self._set(stage="ready")
        except DatasetUnavailable as error:
            self._fail(error)
        except Exception as error:  # a page must read a sentence, whatever went wrong in the thread
            self._fail(self._unavailable(why_download_failed(error)))

    def _fail(self, error: DatasetUnavailable) -> None:
        self.error, self.failed_at = error, time.monotonic()
        self._set(stage="failed", note=error.summary, details=error.details, rate=0.0)

    def _unavailable(self, why: str) -> DatasetUnavailable:
        return DatasetUnavailable(
            f"{self.archive.what} could not be downloaded: {why}.",
            f"The app tries again when the page is opened {RETRY_AFTER_S / 60:.0f} minutes later. Or "
            f"{self.archive.fix}",
        )

    def _fastest_first(self) -> list[tuple[Source, bool]]:
        """The sources, fastest first, each with whether it answered its probe (one that did not goes last)."""
        sources = self.archive.sources
        if len(sources) == 1:
            return [(sources[0], True)]
        rates: dict[Source, float] = {}
        threads = [threading.Thread(target=lambda s=s: rates.update({s: _probe(s)}), daemon=True) for s in sources]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PROBE_TIMEOUT_S + 1)
        ordered = sorted(sources, key=lambda s: -rates.get(s, 0.0))
        return [(source, rates.get(source, 0.0) > 0) for source in ordered]

    def _download(self, sources: list[tuple[Source, bool]]) -> Path:
        part = self.archive.folder().with_name(f"{self.archive.file_name}.{os.getpid()}.part")
        errors = []
        for source, answered in sources:
            for attempt in range(ATTEMPTS if answered else 1):
                note = f"try {attempt + 1} of {ATTEMPTS}" if attempt else ""
                self._set(stage="downloading", source=source.name, note=note)
                try:
                    self._fetch(source, part)
                    return part
                # urllib's errors, a timeout, a connection dropped mid-way, a length that does not add up
                except (OSError, http.client.HTTPException, ValueError) as error:
                    errors.append(error)
                    time.sleep(RETRY_PAUSE_S)
        part.unlink(missing_ok=True)
        raise self._unavailable(why_download_failed(errors[-1]))

    def _fetch(self, source: Source, part: Path) -> None:
        """Download from `source` into `part`, going on from the bytes already there where the host allows."""
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": USER_AGENT} | ({"Range": f"bytes={have}-"} if have else {})
        request = urllib.request.Request(source.resolved_url(), headers=headers)
        with urllib.request.urlopen(request, timeout=READ_TIMEOUT_S) as response:
            if response.status != 206:
                have = 0  # the host sends it all again
            length = response.headers.get("Content-Length")
            total = have + int(length) if length else None
            self._set(done=have, total=total)
            with open(part, "ab" if have else "wb") as out:
                for chunk in _chunks(response):
                    out.write(chunk)
                    have += len(chunk)
                    self._count(have)
        if total is not None and have != total:
            raise ValueError(f"the host sent {have:,} of {total:,} bytes")

    def _count(self, done: int) -> None:
        now = time.monotonic()
        self._recent.append((now, done))
        while len(self._recent) > 2 and now - self._recent[0][0] > RATE_WINDOW_S:
            self._recent.popleft()
        first_time, first_done = self._recent[0]
        rate = (done - first_done) / (now - first_time) if now > first_time else 0.0
        self._set(done=done, rate=rate)

    def _check(self, path: Path) -> None:
        expected = self.archive.expected_md5()
        if expected and _md5(path) != expected.lower():
            path.unlink(missing_ok=True)
            raise self._unavailable("what arrived is not the published file (its checksum differs)")

    def _unpack(self, path: Path) -> None:
        final = self.archive.folder()
        staging = Path(tempfile.mkdtemp(prefix=f".{self.archive.key}.", dir=final.parent))
        try:
            self.archive.unpack(path, staging)
            staging.rename(final)
        except ArchiveDamaged as error:
            raise self._unavailable(f"what arrived is damaged ({error})") from error
        except OSError:
            if not final.is_dir():  # another process that unpacked it first is not a failure
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            path.unlink(missing_ok=True)  # the unpacked folder is what is kept


def _chunks(response) -> Iterator[bytes]:
    """The bytes as they come (`read1`: a slow host's few bytes count at once, not when 64 kB have gathered)."""
    read = getattr(response, "read1", response.read)
    while chunk := read(CHUNK_BYTES):
        yield chunk


def _probe(source: Source) -> float:
    """Bytes a second `source` sends of its first quarter megabyte; 0 if it fails or sends nothing in time."""
    request = urllib.request.Request(
        source.resolved_url(), headers={"User-Agent": USER_AGENT, "Range": f"bytes=0-{PROBE_BYTES - 1}"}
    )
    start = time.monotonic()
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_S) as response:
            while received < PROBE_BYTES and time.monotonic() - start < PROBE_TIMEOUT_S:
                chunk = response.read(min(CHUNK_BYTES, PROBE_BYTES - received))
                if not chunk:
                    break
                received += len(chunk)
    except (OSError, http.client.HTTPException):
        return 0.0
    return received / max(time.monotonic() - start, 1e-3)


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# One download per archive and server process: every session reads the same one.
_downloads: dict[str, Download] = {}
_downloads_lock = threading.Lock()


def _download_of(archive: Archive) -> Download:
    """The archive's download, started now if there is none, or if the last one failed a while ago."""
    with _downloads_lock:
        download = _downloads.get(archive.key)
        if download is None or download.may_retry():
            download = _downloads[archive.key] = Download(archive)
            download.thread.start()
        return download


def arrival(archive: Archive) -> Progress:
    """Where `archive` stands, without waiting: its download is started in the background if it is not here.

    Raises:
        DatasetUnavailable: if the cache folder cannot be written.
    """
    if archive.folder().is_dir():
        return Progress(archive.what, "ready")
    return _download_of(archive).progress()


def wait_for(archive: Archive) -> Path:
    """The unpacked archive's folder, downloading it first if need be (for commands and training processes).

    Raises:
        DatasetUnavailable: if it cannot be downloaded.
    """
    if archive.folder().is_dir():
        return archive.folder()
    download = _download_of(archive)
    download.thread.join()
    if download.error is not None:
        raise download.error
    return archive.folder()


def forget_downloads() -> None:
    """Forget every download this process started (the tests' fresh start; a running thread goes on alone)."""
    with _downloads_lock:
        _downloads.clear()
