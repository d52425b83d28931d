"""Seconds from a press of Train (or "Teach it my voice") to the page saying the training is done, in Chromium.

    CAPTCHA_DIR=... FSDD_DIR=... python benchmarks/page_training_time.py [--runs 2] [--pages speech,captcha] [--save]

What a student waits for, all of it: the page's own work before the job, the worker's start, the epochs,
the weights coming back and the page redrawn. An epoch-based training is timed for `SHORT` and `LONG`
epochs, which gives its fixed cost (the start) and its cost per epoch; teaching a voice (on the Your voice
tab, with the example voice as the recording) has no epochs to choose and is timed whole. On a fresh
server, one training at a time, nothing else running. `--save` writes the medians to
assets/benchmarks/page_training_time.json, from which the pages estimate how long a training takes
(`core.shared.assets.page_training_seconds`).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.captcha import reader as captcha  # noqa: E402
from core.shared import assets  # noqa: E402
from core.speech import ear_reader, enrolment  # noqa: E402
from core.speech import reader as speech  # noqa: E402
from devtools.served_app import launch_chromium, served_app, wait_for_app  # noqa: E402

SHORT, LONG = 1, 3  # epochs of the two timed runs of an epoch-based training
# The page and tab of each epoch-based training, the choice of what to train where a tab offers two, and the
# module of its task (the key the pages look it up by).
EPOCH_TRAININGS = {
    "captcha": ("captcha?captcha_tab=Train", None, captcha.train_task.__module__),
    "speech": ("speech?speech_tab=Train", "a whole reader from scratch", speech.train_task.__module__),
    "speech-head": ("speech?speech_tab=Train", "a head on the pretrained ear", ear_reader.head_task.__module__),
}
DONE = re.compile(r"epochs? in \d+\.\d min")  # the summary line under a finished training's curves


def finished(page, done) -> None:
    """Wait for the locator `done`; an exception on the page ends the wait with an error instead."""
    exception = page.locator('[data-testid="stException"]')
    done.or_(exception).first.wait_for()
    if exception.count():
        raise RuntimeError(f"the page failed: {exception.first.inner_text()[:500]}")


def timed_epochs(browser, url: str, address: str, choice: str | None, epochs: int) -> float:
    """Seconds from pressing Train with `epochs` epochs (of the training `choice`) to the finished training's summary."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(900_000)
    page.goto(f"{url}/{address}")
    wait_for_app(page)
    if choice:
        page.get_by_role("radiogroup", name="Train").get_by_text(choice, exact=True).click()
        wait_for_app(page)
    field = page.get_by_label("Epochs", exact=True)
    field.fill(str(epochs))
    field.press("Enter")
    wait_for_app(page)
    start = time.monotonic()
    page.get_by_role("button", name="Train").click()
    finished(page, page.get_by_text(DONE))
    seconds = time.monotonic() - start
    page.close()
    return seconds


def timed_teaching(browser, url: str) -> float:
    """Seconds from pressing "Teach it my voice", with an example voice's ten digits, to "Adapted to your voice"."""
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.set_default_timeout(900_000)
    page.goto(f"{url}/speech?speech_tab=Your+voice")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Recording").get_by_text("an example voice", exact=True).click()
    wait_for_app(page)
    start = time.monotonic()
    page.get_by_role("button", name="Teach it my voice").click()
    finished(page, page.get_by_text(re.compile("Adapted to your voice in")))
    seconds = time.monotonic() - start
    page.close()
    return seconds


def hear_once_for_the_page() -> None:
    """What the ear hears of the head's training utterances without the page's first voice, kept as a training
    keeps it: the figures are for a training whose utterances were heard before (any student's); the first one
    without a voice also waits for the ear, which the page adds from the shipped head's hearing time."""
    from core.speech import utterances

    clips = utterances.load_clips()
    first = clips.speaker_names[0]  # the Train tab's "Voice left out" starts on the first
    ear_reader.heard_training_kept(
        clips.of_speakers([n for n in clips.speaker_names if n != first]), ear_reader.HeadSetup()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--pages",
        default="captcha,speech,speech-head,enrolment",
        help="comma-separated: captcha, speech, speech-head, enrolment",
    )
    parser.add_argument("--save", action="store_true", help=f"write {assets.PAGE_TRAINING_RESULTS.name}")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    saved = assets.PAGE_TRAINING_RESULTS
    results = json.loads(saved.read_text()) if saved.exists() else {}
    chosen = args.pages.split(",")
    with tempfile.TemporaryDirectory() as log_dir, served_app(log=Path(log_dir) / "server.log") as url:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for name, (address, choice, module) in EPOCH_TRAININGS.items():
                if name not in chosen:
                    continue
                if name == "speech-head":
                    hear_once_for_the_page()
                short = [timed_epochs(browser, url, address, choice, SHORT) for _ in range(args.runs)]
                long = [timed_epochs(browser, url, address, choice, LONG) for _ in range(args.runs)]
                per_epoch = (statistics.median(long) - statistics.median(short)) / (LONG - SHORT)
                start = statistics.median(short) - SHORT * per_epoch
                results[module] = {"start": round(start, 1), "per_epoch": round(per_epoch, 1)}
                print(f"{name}: {SHORT} epoch {short} s, {LONG} epochs {long} s → {results[module]}", flush=True)
            if "enrolment" in chosen:
                runs = [timed_teaching(browser, url) for _ in range(args.runs)]
                results[enrolment.enrol_task.__module__] = {
                    "start": round(statistics.median(runs), 1),
                    "per_epoch": 0.0,
                }
                print(f"enrolment: {runs} s", flush=True)
            browser.close()
    print(json.dumps(results))
    if args.save:
        saved.write_text(json.dumps(results, indent=1) + "\n")
        print(f"saved {saved}")


if __name__ == "__main__":
    main()
