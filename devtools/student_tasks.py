"""What one student does on each page in the class-load benchmark (`benchmarks/class_load.py`), async Playwright.

Each page's tasks are declared here by its registry address; a page of the registry with none declared is
still visited: its student opens it and waits for its heading. So a new page joins the class with no line
here, and gets a task of its own when someone writes one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import numpy as np

from app_pages.registry import PageEntry
from devtools.canvas_drawing import DESIGN_WIDTH, mouse_strokes

READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
StudentTask = Callable[..., Awaitable[None]]  # (page, url, student) → done, or an exception


async def ready(page) -> None:
    await page.wait_for_selector(READY, timeout=600_000)
    await page.wait_for_timeout(300)


async def open_page(page, url: str, path: str, student: int) -> None:
    """Open `path` with `?student=k`, which tags the server's log of this student's script runs."""
    joiner = "&" if "?" in path else "?"
    await page.goto(f"{url}/{path}{joiner}student={student}")
    await ready(page)


async def convolution(page, url: str, student: int) -> None:
    await open_page(page, url, "convolution", student)
    stride = page.get_by_role("spinbutton", name="Stride s")
    await stride.fill("2")
    await stride.press("Enter")
    await ready(page)
    await page.get_by_text("2 × 2 × 2").first.wait_for()  # 6 × 6 input, f = 3, p = 0, s = 2


async def cifar_inspect(page, url: str, student: int) -> None:
    await open_page(page, url, "cifar10?cifar_tab=Inspect", student)
    await page.get_by_text("Test accuracy").first.wait_for()


async def cifar_train(page, url: str, student: int) -> None:
    await open_page(page, url, "cifar10?cifar_tab=Train", student)
    subset = page.get_by_role("slider", name="Training images")
    await subset.focus()
    await subset.press("Home")
    await ready(page)
    epochs = page.get_by_label("Epochs", exact=True)
    await epochs.fill("1")
    await epochs.press("Enter")
    await ready(page)
    await page.get_by_role("button", name="Train").click()
    await page.get_by_text("1 epoch; seconds per epoch").first.wait_for()


async def lstm(page, url: str, student: int) -> None:
    await open_page(page, url, "lstm?lstm_tab=return_sequences+%2F+return_state", student)
    for switch in ("return_sequences", "return_state"):
        await page.get_by_text(switch, exact=True).first.click()
        await ready(page)
    await page.get_by_text("final_cell_state").first.wait_for()


async def forecasting(page, url: str, student: int) -> None:
    await open_page(page, url, "forecasting", student)
    noise = page.get_by_role("slider", name="Noise σ")
    await noise.focus()
    await noise.press("ArrowRight")
    await ready(page)


async def ctc(page, url: str, student: int) -> None:
    await open_page(page, url, "ctc", student)
    label = page.get_by_label("Label (1 to 4 letters or digits)")
    await label.fill("abba")
    await label.press("Enter")
    await ready(page)
    await page.get_by_text("abba").first.wait_for()


async def speech(page, url: str, student: int) -> None:
    await open_page(page, url, "speech", student)
    await page.get_by_text("join digits", exact=True).click()
    await ready(page)
    digits = page.get_by_label("Digits (1 to 5)")
    await digits.fill("417")
    await digits.press("Enter")
    await ready(page)
    await page.get_by_role("heading", name="Heard:").first.wait_for()


async def captcha(page, url: str, student: int) -> None:
    await open_page(page, url, "captcha", student)
    await page.get_by_text("draw", exact=True).click()
    await ready(page)
    canvas = await page.locator("canvas.upper-canvas").first.bounding_box()
    scale = canvas["width"] / DESIGN_WIDTH
    for stroke in mouse_strokes("b3dx7", np.random.default_rng(student)):
        await page.mouse.move(canvas["x"] + stroke[0][0] * scale, canvas["y"] + stroke[0][1] * scale)
        await page.mouse.down()
        for x, y in stroke[1:]:
            await page.mouse.move(canvas["x"] + x * scale, canvas["y"] + y * scale, steps=3)
        await page.mouse.up()
    await ready(page)
    await page.get_by_role("heading", name="Reading:").first.wait_for()


# A page's tasks, by its registry address: convolution settings, CIFAR Inspect, a CIFAR training of 1 epoch on
# the fewest images, the LSTM switches, a forecasting setting, a captcha drawing, a CTC label, typed digits read.
TASKS_BY_PAGE: dict[str, dict[str, StudentTask]] = {
    "convolution": {"convolution": convolution},
    "cifar10": {"cifar inspect": cifar_inspect, "cifar train": cifar_train},
    "lstm": {"lstm": lstm},
    "forecasting": {"forecasting": forecasting},
    "captcha": {"captcha": captcha},
    "ctc": {"ctc": ctc},
    "speech": {"speech": speech},
}


def just_open(entry: PageEntry) -> StudentTask:
    """The task of a page with none of its own: open it and wait for its heading."""

    async def task(page, url: str, student: int) -> None:
        await open_page(page, url, entry.address, student)
        await page.get_by_role("heading", name=entry.heading).first.wait_for()

    return task


def class_tasks(pages: tuple[PageEntry, ...]) -> dict[str, StudentTask]:
    """Every topic page's tasks, in the registry's order (the home page, which every student opens first, aside)."""
    tasks: dict[str, StudentTask] = {}
    for entry in pages:
        if entry.address:
            tasks.update(TASKS_BY_PAGE.get(entry.address) or {entry.address: just_open(entry)})
    return tasks
