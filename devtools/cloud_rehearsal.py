"""A first start on Streamlit Community Cloud, rehearsed on this machine: every page, timed in Chromium.

    python -m devtools.cloud_rehearsal [--hosts slow|full|silent] [--mode HOST=MODE ...] [--python 3.12|3.13]
        [--venv DIR|current] [--fresh-venv] [--read-only-home] [--memory-gb 2.7] [--pages ADDRESS ...] [--save]
    python -m devtools.cloud_rehearsal --short      # CI's form, under 2 minutes: see below

What it reproduces of a first start on Cloud:

- Cloud's Python (3.12 by default) in a virtual environment of its own, made with uv from requirements.txt
  alone (`data-cache/cloud-venv-3.12`, reused unless `--fresh-venv`; the install's seconds are reported).
  pyenv's interpreters live under /root, which no other user may enter, and find their libpython there (an
  absolute RUNPATH): where the server runs as `nobody`, the environment is made from a copy of pyenv's
  interpreter in `data-cache/python-3.12.1`, whose library the server is told with `LD_LIBRARY_PATH`.
- The app's files as Cloud gives them: a copy of the checkout (what `git ls-files` lists, untracked files git
  does not ignore included) that the app cannot write, served by the user `nobody` (when this process is
  root; otherwise by the current user, the copy's files made read-only), with an empty home of its own
  (`--read-only-home`: one it cannot write, so that the data sets go to the temporary folder), an empty
  temporary folder, no `CNN_RNN_LAB_CACHE` and no folder variable (`CIFAR10_DIR`, `CAPTCHA_DIR`, `FSDD_DIR`):
  the server's environment is built from nothing, not from this process's.
- `client.showErrorDetails = false`, as Cloud forces it, and `--server.headless true`.
- The data hosts, slow or silent: the stand-in of `devtools/stand_in_hosts.py` (`--hosts slow`: Toronto at
  70 kB/s and every other host at 300 kB/s; `full`; `silent`; `--mode HOST=MODE` for one host). Where every
  host is silent, nothing is ever sent, so empty archives stand in and nothing needs building.
- 2.7 GB of memory for the server and its children: a cgroup v1 memory group where this process may make one
  (its high-water mark is reported, file cache included, beside the peak of its processes' resident pages);
  elsewhere the report says there was none, and the server's process tree's resident memory is sampled.

Then Debian's Chromium opens every page, each in a new browser context, the first as soon as the server
answers its health check (the first page that needs TensorFlow imports it: the report names the slowest
first run). For each page, from the start of `page.goto`:
`title` (its h1 on the screen), `usable` (the first run has finished and, on the three pages with a data set,
what the shipped models do is on the screen: CIFAR-10's Try it tab names the sample's class, the captcha
page reads its sample, the speech page hears its sample), the exception boxes, error boxes and warnings, and
the download note at the top. With `--hosts full`, `data ready`: the note gone and a tab that needs the
data working (CIFAR-10's Inspect shows its test accuracy; the captchas' Data tab counts them; the speech
Train tab offers a voice to leave out), from the page's first visit, and that tab's own first use.
Screenshots (1400 × 900) go to test-artifacts/cloud-rehearsal/; `--save` writes
assets/benchmarks/cloud_rehearsal.json, one entry per hosts mode (and variation: `full-read-only-home`).

`--short` is CI's form: this process's interpreter (`--venv current`), every host silent, only the CIFAR-10
and captcha pages, a memory group only if one can be made. tests/browser/test_browser_cloud_rehearsal.py
runs it.

What it cannot reproduce: Cloud's machine (its CPUs, disk and network), its container and its own user,
Python's packages downloaded from PyPI (uv installs from this machine's cache), a first start's cold disk
cache, the real hosts' own failures (the stand-in fails only as told), and Cloud's proxy in front of the
server. Where this process is not root, or `nobody` cannot run the chosen interpreter, the server runs as
the current user and the report says so.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.shared.assets import BENCHMARKS
from core.shared.datasets import CIFAR10_CLASSES
from core.shared.downloads import DATA_HOSTS_VARIABLE
from devtools import stand_in_hosts
from devtools.cloud_install import cloud_venv, interpreter
from devtools.memory import group_rss_mb, high_water_mb, join_group, memory_group, oom_kills, process_tree_rss_mb
from devtools.served_app import PAGES, launch_chromium, served_app_process

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_CACHE = PROJECT_ROOT / "data-cache"  # git-ignored
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "cloud-rehearsal"
RESULTS = BENCHMARKS / "cloud_rehearsal.json"
PYTHONS = ("3.12", "3.13")  # Cloud's choices that pyenv has here; 3.12 is Cloud's default
APP_USER = "nobody"
GROUP_NAME = "cnn_rnn_lab_cloud_rehearsal"
CLOUD_MEMORY_GB = 2.7
HOSTS = {  # --hosts: (a mode by host, every other host's mode)
    "slow": ({"www.cs.toronto.edu": "slow:70"}, "slow:300"),
    "full": ({}, "full"),
    "silent": ({}, "silent"),
}
SHORT_PAGES = ("cifar10", "captcha")
VIEWPORT = {"width": 1400, "height": 900}
PAGE_TIMEOUT_S = 240  # for a page's title and its first run: one of them imports TensorFlow, maybe compiling it

# What Chromium looks for on a page.
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'  # a script run has finished
EXCEPTION_BOX = '[data-testid="stException"]'
ERROR_BOX = '[data-testid="stAlertContentError"]'
WARNING_BOX = '[data-testid="stAlertContentWarning"]'
INFO_BOX = '[data-testid="stAlertContentInfo"]'
# The note at the top of a page with a data set ends with what works meanwhile (app_pages/common/data_notice.py):
# an info box while the data set is on its way, a warning once it cannot be had.
NOTE_ENDING = "meanwhile."
NOTE_GONE_FOR_S = 1.5  # the note must stay away this long to count as gone (it is redrawn every second)


@dataclass(frozen=True)
class DataPage:
    """A page with a data set: what shows the shipped models at work without it, and what shows it has come."""

    dataset: str  # its name in core.shared.datasets.ARCHIVES
    answer_tab: str | None  # the tab that holds the shipped models' answer; None: the tab open at first
    answer: re.Pattern[str]  # that answer's text (see the page's code)
    data_tab: str  # a tab that needs the data set
    data_sign: re.Pattern[str]  # a text that tab shows only once the data set is here


DATA_PAGES = {
    # cifar10.show_try_it: "**pretrained basic**: <class>" under the sample picture.
    "cifar10": DataPage(
        "cifar10",
        "Try it",
        re.compile(rf"^pretrained basic: ({'|'.join(CIFAR10_CLASSES)})$"),
        "Inspect",
        re.compile(r"^Test accuracy$"),
    ),
    # captcha.show_reading: "## Reading: `<text>`"; show_data: "**<n> captchas** of 5 characters from …".
    "captcha": DataPage(
        "captchas", None, re.compile(r"^Reading: [a-z0-9]+$"), "Data", re.compile(r"^\d+ captchas of \d+ characters")
    ),
    # speech.show_reading: "## Heard: `<digits>`"; show_training: the "Voice left out" choice.
    "speech": DataPage("fsdd", None, re.compile(r"^Heard: [0-9 ]+$"), "Train", re.compile(r"^Voice left out$")),
}


# Options


@dataclass(frozen=True)
class Options:
    """What to rehearse: the command line's choices."""

    hosts: str = "slow"  # a key of HOSTS
    modes: dict[str, str] = field(default_factory=dict)  # HOST → MODE, over the hosts preset
    python_version: str = "3.12"  # one of PYTHONS
    venv: str | None = None  # a folder, "current" (this process's interpreter), or None for data-cache's
    fresh_venv: bool = False
    read_only_home: bool = False
    memory_gb: float = CLOUD_MEMORY_GB
    pages: tuple[str, ...] = tuple(PAGES)  # addresses ("" is the home page)
    data_timeout_s: float = 600  # how long to wait for a data set (with --hosts full)
    label: str = ""  # names the screenshots and the saved entry; the hosts mode when empty
    server_per_page: bool = False  # each page the first visit of a freshly started server of its own

    @property
    def name(self) -> str:
        """Names the screenshots and the saved entry: "full", "slow-custom-read-only-home", "silent-python3.13"…"""
        if self.label:
            return self.label
        variations = [
            "custom" if self.modes else "",
            "read-only-home" if self.read_only_home else "",
            f"python{self.python_version}" if self.python_version != "3.12" else "",
            "server-per-page" if self.server_per_page else "",
        ]
        return "-".join([self.hosts, *filter(None, variations)])


def short_options() -> Options:
    """CI's form: this process's interpreter, every host silent, the CIFAR-10 and captcha pages."""
    return Options(hosts="silent", venv="current", pages=SHORT_PAGES, label="short")


# The interpreter: Cloud's Python in a virtual environment of its own


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs the server."""

    python: str  # its executable
    version: str  # platform.python_version()
    venv: str  # its folder (relative to the project where inside it), or "current"
    install_s: float | None  # `uv pip install -r requirements.txt` this run; None for "current"
    reused: bool  # the folder existed: uv only checked it
    library_path: str | None  # LD_LIBRARY_PATH: the folder of its libpython, where it was copied out of pyenv


def prepare_interpreter(options: Options) -> Interpreter:
    """The virtual environment of `options`, made with uv (or reused) and installed from requirements.txt."""
    if options.venv == "current":
        return Interpreter(sys.executable, python_version(sys.executable), "current", None, True, None)
    venv = Path(options.venv) if options.venv else DATA_CACHE / f"cloud-venv-{options.python_version}"
    reused = venv.exists() and not options.fresh_venv
    python, install_s = cloud_venv(
        options.python_version, venv, options.fresh_venv, base_python(options.python_version)
    )
    return Interpreter(str(python), python_version(str(python)), shown(venv), install_s, reused, library_path(venv))


def base_python(version: str) -> Path:
    """pyenv's interpreter for `version`, or, where the app's user could not reach it, a copy in data-cache.

    Raises:
        FileNotFoundError: pyenv has no such interpreter.
    """
    installed = interpreter(version).parent.parent
    if os.geteuid() != 0 or others_may_enter(installed):
        return installed / "bin" / f"python{version}"
    copy = DATA_CACHE / f"python-{installed.name}"
    if not copy.exists():
        print(f"copying {installed} to {shown(copy)}: {APP_USER} may not enter /root", flush=True)
        shutil.copytree(installed, copy.with_name(copy.name + ".part"), symlinks=True)
        copy.with_name(copy.name + ".part").rename(copy)
    return copy / "bin" / f"python{version}"


def others_may_enter(folder: Path) -> bool:
    """Whether a user who owns none of them may pass through `folder` and every folder above it."""
    return all(path.stat().st_mode & stat.S_IXOTH for path in (folder, *folder.parents))


def library_path(venv: Path) -> str | None:
    """The folder of the venv's base libpython (pyvenv.cfg's home/../lib), if it has one."""
    config = venv / "pyvenv.cfg"
    if not config.exists():
        return None
    home = next(
        (line.split("=", 1)[1].strip() for line in config.read_text().splitlines() if line.startswith("home")), ""
    )
    lib = Path(home).parent / "lib"
    return str(lib) if home and any(lib.glob("libpython*.so*")) else None


def python_version(python: str) -> str:
    command = [python, "-c", "import platform; print(platform.python_version())"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def shown(path: Path) -> str:
    """`path` relative to the project where it lies inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


# The app's user


@dataclass(frozen=True)
class AppUser:
    """Who the server runs as."""

    name: str
    uid: int
    gid: int
    why: str  # why this user, in a sentence for the report

    def become(self) -> None:
        """Switch to this user: in a child process, before it runs the server (only os calls: it may be forked)."""
        if self.uid != os.geteuid():
            os.setgroups([])
            os.setgid(self.gid)
            os.setuid(self.uid)


def app_user(interpreter: Interpreter) -> AppUser:
    """`nobody` where this process is root and `nobody` can run the interpreter; else the current user."""
    current = pwd.getpwuid(os.geteuid())
    if os.geteuid() != 0:
        return AppUser(current.pw_name, current.pw_uid, current.pw_gid, f"{current.pw_name}: this process is not root")
    entry = pwd.getpwnam(APP_USER)
    nobody = AppUser(APP_USER, entry.pw_uid, entry.pw_gid, f"{APP_USER}, who cannot write the app's files")
    environment = {"PATH": "/usr/bin:/bin"}
    if interpreter.library_path:
        environment["LD_LIBRARY_PATH"] = interpreter.library_path
    check = [interpreter.python, "-c", "import encodings"]
    with _ignored(OSError):  # PermissionError: it cannot even start it
        if subprocess.run(check, env=environment, preexec_fn=nobody.become, capture_output=True).returncode == 0:
            return nobody
    why = f"{current.pw_name}: {APP_USER} cannot run {interpreter.python} (its folders are closed to other users)"
    return AppUser(current.pw_name, current.pw_uid, current.pw_gid, why)


# The server's files and environment


@dataclass(frozen=True)
class Workspace:
    """A temporary folder for one rehearsal: the app's files, its home and temporary folder, the server's log."""

    root: Path
    app: Path  # a copy of the checkout, that the app's user cannot write
    home: Path
    tmp: Path
    log: Path
    files: int  # in the copy


@contextmanager
def workspace(user: AppUser, read_only_home: bool) -> Iterator[Workspace]:
    """A new workspace for `user`, removed when the block ends."""
    root = Path(tempfile.mkdtemp(prefix="cloud-rehearsal-"))
    root.chmod(0o755)  # the app's user passes through it
    try:
        files = copy_checkout(root / "app")
        place = Workspace(root, root / "app", root / "home", root / "tmp", root / "server.log", files)
        for folder, writable in ((place.home, not read_only_home), (place.tmp, True)):
            folder.mkdir()
            if writable and user.uid != os.geteuid():
                os.chown(folder, user.uid, user.gid)
            folder.chmod(0o700 if writable else 0o555)
        yield place
    finally:
        for folder, _, _ in os.walk(root):
            with _ignored(OSError):
                Path(folder).chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _ignored(*errors: type[BaseException]) -> Iterator[None]:
    try:
        yield
    except errors:
        pass


def copy_checkout(destination: Path) -> int:
    """Copy the files git lists (tracked, and untracked ones it does not ignore) into `destination`, read-only.

    Returns:
        How many files were copied.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    copied = 0
    for name in sorted(set(filter(None, listed.split("\0")))):
        source = PROJECT_ROOT / name
        if not source.is_file():  # deleted in the working tree
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
    for folder, _, files in os.walk(destination):
        for name in files:
            path = Path(folder, name)
            path.chmod(path.stat().st_mode & 0o555 | 0o444)
        Path(folder).chmod(0o555)
    return copied


def host_modes(options: Options) -> tuple[dict[str, str], str]:
    """The stand-in's mode by host and its default mode: the hosts preset, with `options.modes` over it."""
    modes, default_mode = HOSTS[options.hosts]
    return {**modes, **options.modes}, default_mode


def archive_folder(modes: dict[str, str], default_mode: str, place: Workspace) -> Path:
    """The archives to serve: the built stand-in, or empty files where every host is silent (nothing is sent)."""
    if default_mode == "silent" and all(mode == "silent" for mode in modes.values()):
        folder = place.root / "silent-archives"
        folder.mkdir()
        for archive in stand_in_hosts.ARCHIVES.values():
            (folder / archive.file_name).touch()
        return folder
    if not (stand_in_hosts.ARCHIVE_DIR / stand_in_hosts.CIFAR.file_name).exists():
        print(f"building the stand-in's archives in {shown(stand_in_hosts.ARCHIVE_DIR)} (minutes)", flush=True)
    stand_in_hosts.build_archives(stand_in_hosts.ARCHIVE_DIR)
    return stand_in_hosts.ARCHIVE_DIR


def server_environment(interpreter: Interpreter, place: Workspace, hosts_url: str, cifar_md5: str) -> dict[str, str]:
    """The server's whole environment, built from nothing: no cache folder, no data folder, nothing of this process's."""
    environment = {
        "PATH": f"{Path(interpreter.python).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(place.home),
        "TMPDIR": str(place.tmp),  # an empty one, as a new container's: the data sets' fallback cache
        "LANG": "C.UTF-8",
        "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "false",  # Cloud forces it
        DATA_HOSTS_VARIABLE: hosts_url,
        stand_in_hosts.MD5_VARIABLE: cifar_md5,  # the stand-in's CIFAR-10 archive is not the real one
    }
    if interpreter.library_path:
        environment["LD_LIBRARY_PATH"] = interpreter.library_path
    return environment


# Memory


def server_preexec(group: Path | None, user: AppUser) -> Callable[[], None]:
    """What the server's process does before Streamlit starts: join the memory group (as root), then become `user`."""

    def preexec() -> None:
        if group is not None:
            join_group(group, os.getpid())
        user.become()

    return preexec


@dataclass
class MemoryFigures:
    limit: str  # "cgroup v1, 2.7 GB", or why there was none
    high_water_mb: (
        float | None
    )  # the group's memory.max_usage_in_bytes: resident pages and the file cache charged to it
    peak_group_rss_mb: float | None  # the group's resident pages (memory.stat total_rss), sampled
    peak_tree_rss_mb: float  # the server's process tree's VmRSS summed, sampled
    oom_kills: int | None


class MemoryWatch:
    """Samples every half second the server's process tree's resident memory and its memory group's resident pages."""

    def __init__(self, pid: int, group: Path | None) -> None:
        self.pid, self.group = pid, group
        self.peak_tree_mb = 0.0
        self.peak_group_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="memory-watch", daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.peak_tree_mb = max(self.peak_tree_mb, process_tree_rss_mb(self.pid))
            if self.group is not None:
                with _ignored(OSError, StopIteration):
                    self.peak_group_rss_mb = max(self.peak_group_rss_mb, group_rss_mb(self.group))
            if self._stop.wait(0.5):
                return

    def figures(self, limit_gb: float) -> MemoryFigures:
        """The figures, once the server has ended."""
        if self.group is None:
            limit = "none: no cgroup v1 memory group could be made here"
            return MemoryFigures(limit, None, None, round(self.peak_tree_mb), None)
        return MemoryFigures(
            f"cgroup v1, {limit_gb} GB",
            round(high_water_mb(self.group)),
            round(self.peak_group_rss_mb),
            round(self.peak_tree_mb),
            oom_kills(self.group),
        )


# The pages, in Chromium


@dataclass
class PageVisit:
    """One page's first visit, in seconds from the start of `page.goto`."""

    address: str
    heading: str
    title_s: float | None = None  # its h1 on the screen
    usable_s: float | None = None  # its first run finished, and the shipped models' answer shown where it has data
    answer: str = ""  # that answer, as the page wrote it
    note: str = ""  # the download note at the top when the page was usable
    note_gone_s: float | None = None  # the note gone (the data set here)
    data_tab_s: float | None = None  # the first use of a tab that needs the data set, from its click
    data_ready_s: float | None = None  # note_gone_s + data_tab_s
    exceptions: int = 0
    errors: list[str] = field(default_factory=list)  # the error boxes' texts
    warnings: list[str] = field(default_factory=list)  # the warning boxes' texts
    waited: list[str] = field(default_factory=list)  # what never came in time
    screenshot: str = ""


def visit_page(
    browser: Browser, url: str, address: str, timeout_s: float, data_timeout_s: float | None, label: str
) -> PageVisit:
    """Open `address` in a new browser context and time it (and its data set, given `data_timeout_s`).

    Its screenshot is test-artifacts/cloud-rehearsal/<label>-<address>.png.
    """
    visit = PageVisit(address, PAGES[address])
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    try:
        start = time.perf_counter()
        page.goto(f"{url}/{address}", wait_until="commit")
        visit.title_s = seconds_until(page.locator("h1").filter(has_text=visit.heading).first, start, timeout_s)
        if visit.title_s is None:
            visit.waited.append("its title")
        else:
            measure_usable(page, visit, start, timeout_s)
            if data_timeout_s is not None and address in DATA_PAGES and visit.usable_s is not None:
                measure_data(page, visit, start, data_timeout_s)
        page.wait_for_timeout(500)
        visit.exceptions = page.locator(EXCEPTION_BOX).count()
        visit.errors = page.locator(ERROR_BOX).all_inner_texts()
        visit.warnings = page.locator(WARNING_BOX).all_inner_texts()
        visit.screenshot = shown(take_screenshot(page, f"{label}-{address or 'home'}"))
    finally:
        context.close()
    return visit


def seconds_until(locator: Locator, start: float, timeout_s: float) -> float | None:
    """Seconds from `start` until `locator` is visible; None if it is not within `timeout_s` of `start`."""
    try:
        locator.wait_for(state="visible", timeout=max(1.0, start + timeout_s - time.perf_counter()) * 1000)
    except PlaywrightTimeout:
        return None
    return time.perf_counter() - start


def measure_usable(page: Page, visit: PageVisit, start: float, timeout_s: float) -> None:
    """The first run finished and, on a page with a data set, the shipped models' answer on the screen."""
    data_page = DATA_PAGES.get(visit.address)
    if data_page is not None:
        if data_page.answer_tab:
            page.get_by_role("tab", name=data_page.answer_tab).click()
        answer = page.get_by_text(data_page.answer).first
        if seconds_until(answer, start, timeout_s) is None:
            visit.waited.append("the shipped models' answer")
            return
        visit.answer = answer.inner_text()
    if seconds_until(page.locator(APP_IDLE), start, timeout_s) is None:
        visit.waited.append("the end of its first run")
        return
    visit.usable_s = time.perf_counter() - start
    note = page.locator(INFO_BOX).filter(has_text=NOTE_ENDING).locator('[data-testid="stMarkdownContainer"]')
    visit.note = " ".join(note.all_inner_texts())  # its words, without the icon's


def measure_data(page: Page, visit: PageVisit, start: float, timeout_s: float) -> None:
    """The download note gone, then the first use of a tab that needs the data set."""
    data_page = DATA_PAGES[visit.address]
    visit.note_gone_s = seconds_until_note_gone(page, start, timeout_s)
    if visit.note_gone_s is None:
        visit.waited.append("the data set")
        return
    if page.locator(WARNING_BOX).filter(has_text=NOTE_ENDING).count():  # the download failed
        visit.waited.append("the data set (its download failed)")
        return
    clicked = time.perf_counter()
    page.get_by_role("tab", name=data_page.data_tab).click()
    if seconds_until(page.get_by_text(data_page.data_sign).first, clicked, timeout_s) is None:
        visit.waited.append(f"the {data_page.data_tab} tab with the data set")
        return
    visit.data_tab_s = time.perf_counter() - clicked
    visit.data_ready_s = visit.note_gone_s + visit.data_tab_s


def seconds_until_note_gone(page: Page, start: float, timeout_s: float) -> float | None:
    """Seconds from `start` until the download note left the page (for good: `NOTE_GONE_FOR_S`); None if it stays."""
    note = page.locator(INFO_BOX).filter(has_text=NOTE_ENDING)
    gone_at = None
    while time.perf_counter() < start + timeout_s:
        if note.count():
            gone_at = None
        elif gone_at is None:
            gone_at = time.perf_counter()
        elif time.perf_counter() - gone_at >= NOTE_GONE_FOR_S and page.locator(APP_IDLE).count():
            return gone_at - start
        page.wait_for_timeout(250)
    return None


def take_screenshot(page: Page, name: str) -> Path:
    """The window as it is (1400 × 900), in test-artifacts/cloud-rehearsal/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


@contextmanager
def chromium(browser: Browser | None) -> Iterator[Browser]:
    """`browser`, or Debian's Chromium launched for the block."""
    if browser is not None:
        yield browser
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


# The rehearsal


@dataclass
class Rehearsal:
    """What a rehearsal found."""

    name: str  # the hosts mode, or "short"
    python: str
    venv: str
    uv_install_s: float | None
    venv_reused: bool
    user: str  # who the server ran as, and why
    home: str  # "writable" or "read-only"
    hosts: str
    host_modes: dict[str, str]
    default_host_mode: str
    files_copied: int
    server_start_s: float  # from the server's start to its health check's answer
    memory: MemoryFigures
    pages: list[PageVisit]
    stand_in: dict[str, dict]  # by host: requests, bytes sent, statuses
    server_log_tracebacks: int
    wall_s: float

    @property
    def first_visit(self) -> PageVisit:
        return self.pages[0]

    @property
    def slowest_visit(self) -> PageVisit:
        """The page whose first run took longest: the first that imports TensorFlow pays its import."""
        return max(self.pages, key=lambda visit: visit.usable_s or float("inf"))


def rehearse(options: Options, browser: Browser | None = None) -> Rehearsal:
    """A first start on Cloud as `options` say; `browser` (else Debian's Chromium) opens the pages."""
    started = time.perf_counter()
    interpreter = prepare_interpreter(options)
    print(f"python {interpreter.version} in {interpreter.venv} (uv: {_seconds(interpreter.install_s)})", flush=True)
    user = app_user(interpreter)
    modes, default_mode = host_modes(options)
    data_timeout_s = options.data_timeout_s if options.hosts == "full" else None
    with workspace(user, options.read_only_home) as place:
        archives = archive_folder(modes, default_mode, place)
        with stand_in_hosts.StandInHosts(archives, modes, default_mode) as hosts, chromium(browser) as opened:
            environment = server_environment(interpreter, place, hosts.base_url, stand_in_hosts.cifar_md5(archives))
            group = memory_group(GROUP_NAME, int(options.memory_gb * 1e9))
            server_started = time.perf_counter()
            with served_app_process(
                timeout=300,
                env=environment,
                log=place.log,
                app_dir=place.app,
                preexec=server_preexec(group, user),
                python=interpreter.python,
            ) as (url, server):
                server_start_s = time.perf_counter() - server_started
                user_line = f"{user.why} (the server's uid: {process_uid(server.pid)})"
                print(f"server up in {server_start_s:.1f} s, as {user_line}", flush=True)
                with MemoryWatch(server.pid, group) as watch:
                    visits = []
                    for address in options.pages:
                        visits.append(visit_page(opened, url, address, PAGE_TIMEOUT_S, data_timeout_s, options.name))
                        print(page_line(visits[-1]), flush=True)
        time.sleep(0.5)  # a silent answer is recorded once its handler sees the stand-in stop
        memory = watch.figures(options.memory_gb)
        with _ignored(OSError):
            if group is not None:
                group.rmdir()
        log = place.log.read_text(errors="replace")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"{options.name}-server.log").write_text(log)
    return Rehearsal(
        name=options.name,
        python=interpreter.version,
        venv=interpreter.venv,
        uv_install_s=None if interpreter.install_s is None else round(interpreter.install_s, 1),
        venv_reused=interpreter.reused,
        user=user_line,
        home=home_in_words(options.read_only_home, user),
        hosts=options.hosts,
        host_modes=modes,
        default_host_mode=default_mode,
        files_copied=place.files,
        server_start_s=round(server_start_s, 1),
        memory=memory,
        pages=[rounded(visit) for visit in visits],
        stand_in=stand_in_summary(hosts.requests),
        server_log_tracebacks=log.count("Traceback"),
        wall_s=round(time.perf_counter() - started, 1),
    )


def process_uid(pid: int) -> int:
    """The real user id a process runs as."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("Uid:"))


def home_in_words(read_only: bool, user: AppUser) -> str:
    if not read_only:
        return "writable"
    return "read-only" if user.uid != 0 else "read-only by its mode, which root ignores"


def rounded(visit: PageVisit) -> PageVisit:
    for name in ("title_s", "usable_s", "note_gone_s", "data_tab_s", "data_ready_s"):
        if (value := getattr(visit, name)) is not None:
            setattr(visit, name, round(value, 2))
    return visit


def stand_in_summary(requests: list[stand_in_hosts.Request]) -> dict[str, dict]:
    """By host: how many requests it answered, the bytes it sent, and their statuses ("silent": it never answered)."""
    summary: dict[str, dict] = {}
    for request in requests:
        host = summary.setdefault(request.host, {"requests": 0, "bytes": 0, "statuses": {}})
        host["requests"] += 1
        host["bytes"] += request.bytes_sent
        status = str(request.status) if request.status else "silent"
        host["statuses"][status] = host["statuses"].get(status, 0) + 1
    return summary


# The report


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def page_line(visit: PageVisit) -> str:
    problems = [f"{visit.exceptions} exception(s)"] if visit.exceptions else []
    problems += [f"error: {text}" for text in visit.errors] + [f"waited for {what}" for what in visit.waited]
    return (
        f"{visit.address or 'home':<12} {_seconds(visit.title_s):>7} {_seconds(visit.usable_s):>8} "
        f"{_seconds(visit.note_gone_s):>9} {_seconds(visit.data_ready_s):>10} {_seconds(visit.data_tab_s):>9}  "
        f"{'; '.join(problems) or 'ok'}"
    )


TABLE_HEAD = (
    f"{'page':<12} {'title s':>7} {'usable s':>8} {'note gone':>9} {'data ready':>10} {'data tab':>9}  problems"
)


def report(rehearsal: Rehearsal) -> str:
    """The table and the figures around it, as printed."""
    memory = rehearsal.memory
    lines = [
        f"Cloud rehearsal ({rehearsal.name}): Python {rehearsal.python} in {rehearsal.venv}, "
        + (
            "this process's interpreter"
            if rehearsal.uv_install_s is None
            else f"uv install {rehearsal.uv_install_s:.1f} s{' (reused: only checked)' if rehearsal.venv_reused else ''}"
        ),
        f"server as {rehearsal.user}; home {rehearsal.home}; {rehearsal.files_copied} files copied; "
        f"up in {rehearsal.server_start_s:.1f} s",
        f"hosts {rehearsal.hosts}: "
        + "".join(f"{host} {mode}, " for host, mode in rehearsal.host_modes.items())
        + f"{'others' if rehearsal.host_modes else 'every host'} {rehearsal.default_host_mode}",
        f"memory: {memory.limit}; high-water {memory.high_water_mb} MB (file cache included), "
        f"resident peak {memory.peak_group_rss_mb} MB in the group, {memory.peak_tree_rss_mb} MB in the server's "
        f"processes; OOM kills {memory.oom_kills}",
        "",
        TABLE_HEAD,
        *map(page_line, rehearsal.pages),
        "",
        f"first visit ({rehearsal.first_visit.address or 'home'}, right after the health check): title "
        f"{_seconds(rehearsal.first_visit.title_s)} s, usable {_seconds(rehearsal.first_visit.usable_s)} s; "
        f"slowest first run ({rehearsal.slowest_visit.address or 'home'}, the first page that imports TensorFlow "
        f"pays its import): usable {_seconds(rehearsal.slowest_visit.usable_s)} s",
    ]
    for visit in rehearsal.pages:
        if visit.answer or visit.note:
            lines.append(f"{visit.address}: answer {visit.answer!r}; note {visit.note!r}")
        lines += [f"{visit.address}: warning {text!r}" for text in visit.warnings]
    lines.append(
        "stand-in: "
        + "; ".join(
            f"{host} {figures['requests']} request(s), {figures['bytes']:,} B {figures['statuses']}"
            for host, figures in rehearsal.stand_in.items()
        )
        or "stand-in: no request"
    )
    lines.append(f"tracebacks in the server's log: {rehearsal.server_log_tracebacks}; wall {rehearsal.wall_s} s")
    return "\n".join(lines)


def save(rehearsal: Rehearsal, command: str) -> None:
    """Write the rehearsal to RESULTS under its name, beside the other modes' entries."""
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[rehearsal.name] = {"command": command, **asdict(rehearsal)}
    RESULTS.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n")


def parse_options(argv: list[str] | None = None) -> tuple[Options, bool]:
    """The command line's options, and whether to save."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", choices=HOSTS, default="slow", help="the data hosts (default slow)")
    parser.add_argument("--mode", action="append", default=[], metavar="HOST=MODE", help="one host's mode")
    parser.add_argument("--python", choices=PYTHONS, default="3.12", help="Cloud's Python (default 3.12)")
    parser.add_argument("--venv", help="the virtual environment's folder, or 'current' for this interpreter")
    parser.add_argument("--fresh-venv", action="store_true", help="make the virtual environment again")
    parser.add_argument("--read-only-home", action="store_true", help="a home the app cannot write")
    parser.add_argument("--memory-gb", type=float, default=CLOUD_MEMORY_GB)
    addresses = [address or "home" for address in PAGES]
    parser.add_argument("--pages", nargs="+", choices=addresses, default=addresses, metavar="ADDRESS")
    parser.add_argument("--data-timeout", type=float, default=600, help="seconds to wait for a data set (full)")
    parser.add_argument(
        "--server-per-page",
        action="store_true",
        help="open each page as the first visit of a server of its own, freshly started (it pays TensorFlow's import)",
    )
    parser.add_argument("--short", action="store_true", help="CI's form: current venv, silent hosts, 2 pages")
    parser.add_argument("--save", action="store_true", help=f"write {shown(RESULTS)}")
    args = parser.parse_args(argv)
    if args.short:
        return short_options(), args.save
    modes = dict(pair.split("=", 1) for pair in args.mode if "=" in pair)
    if len(modes) != len(args.mode):
        parser.error("--mode takes HOST=MODE")
    options = Options(
        hosts=args.hosts,
        modes=modes,
        python_version=args.python,
        venv=args.venv,
        fresh_venv=args.fresh_venv,
        read_only_home=args.read_only_home,
        memory_gb=args.memory_gb,
        pages=tuple("" if address == "home" else address for address in args.pages),
        data_timeout_s=args.data_timeout,
        server_per_page=args.server_per_page,
    )
    return options, args.save


def rehearse_server_per_page(options: Options) -> Rehearsal:
    """Each page as the first visit of its own freshly started server, as a class's first link to it would be."""
    runs = []
    for number, address in enumerate(options.pages):
        label = f"{options.name}-{address or 'home'}"
        runs.append(
            rehearse(replace(options, pages=(address,), label=label, fresh_venv=options.fresh_venv and not number))
        )
    return replace(
        runs[0],
        name=options.name,
        pages=[visit for run in runs for visit in run.pages],
        memory=max(runs, key=lambda run: run.memory.high_water_mb or run.memory.peak_tree_rss_mb).memory,
        server_start_s=max(run.server_start_s for run in runs),
        server_log_tracebacks=sum(run.server_log_tracebacks for run in runs),
        wall_s=round(sum(run.wall_s for run in runs), 1),
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    options, to_save = parse_options(argv)
    rehearsal = rehearse_server_per_page(options) if options.server_per_page else rehearse(options)
    print()
    print(report(rehearsal))
    if to_save:
        save(rehearsal, " ".join(["python -m devtools.cloud_rehearsal", *argv]))
        print(f"saved {shown(RESULTS)}")


if __name__ == "__main__":
    main()
