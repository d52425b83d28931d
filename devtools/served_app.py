"""The app in a real server and a real Chromium: shared by the browser tests and the benchmarks that drive it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app_pages import registry

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGES = {entry.address: entry.heading for entry in registry.PAGES}  # address: the page's title


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served_app(
    port: int | None = None, timeout: float = 60, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """`streamlit run app.py` on `port` (a free one if None) until the block ends; yields the URL once it answers.

    `env` replaces the server's environment (default: this process's); `log` receives its output.
    """
    with served_app_process(port, timeout, env, log) as (url, _):
        yield url


@contextmanager
def served_app_process(
    port: int | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    app_dir: Path = PROJECT_ROOT,
    preexec: Callable[[], None] | None = None,
    python: str = sys.executable,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """As `served_app`, also yielding the server's process (to read its memory); `app_dir` may be another checkout.

    `preexec` runs in the server's process before Streamlit starts (to put it in a memory group). `python` is the
    interpreter that runs Streamlit (another virtual environment's, as the Cloud rehearsal's).
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    command = [python, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    output = log.open("w") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        command, cwd=app_dir, stdout=output, stderr=subprocess.STDOUT, env=env, preexec_fn=preexec
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {server.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a server busy in TensorFlow can take longer to wind down
            server.kill()
            server.wait(timeout=20)
        if log:
            output.close()


def wait_for_app(page) -> None:
    """Wait until the script run has finished (Streamlit marks the app element when it has)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(300)


def start_small_cifar_training(page, url: str, epochs: int) -> None:
    """Open CIFAR's Train tab, choose the fewest training images (1,000) and `epochs`, and press Train."""
    page.goto(f"{url}/cifar10?cifar_tab=Train")
    wait_for_app(page)
    subset = page.get_by_role("slider", name="Training images")
    subset.focus()
    subset.press("Home")
    wait_for_app(page)
    field = page.get_by_label("Epochs", exact=True)
    field.fill(str(epochs))
    field.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Train").click()


def visit_during_a_training(page, other: str, back: str) -> None:
    """With a training running, let its panel refresh, go to the page linked `other` in the sidebar, come `back`.

    The panel refreshes itself once a second; after such a refresh, leaving the page made Streamlit
    forget the page's other widgets (streamlit/streamlit#10805).
    """
    page.get_by_role("progressbar").wait_for()
    page.wait_for_timeout(3_000)
    sidebar = page.locator('[data-testid="stSidebarNav"] a')
    for link in (other, back):
        sidebar.filter(has_text=link).click()
        wait_for_app(page)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch_chromium(playwright, extra_flags: list[str] | None = None):
    """Debian's Chromium (not a Playwright download), with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS + (extra_flags or []))


def resident_mb(pid: int) -> float:
    """A process's resident memory (VmRSS) in MB."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
