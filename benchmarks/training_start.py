"""Seconds from Train to the end of the first batch, for each page's training, in a worker process as the page runs it.

    CIFAR10_DIR=... CAPTCHA_DIR=... FSDD_DIR=... python benchmarks/training_start.py [--runs 3] [--save]

Before its first batch a training starts a Python process, imports TensorFlow, reads its data,
builds its model and compiles its training step: a cost each page pays once per training, on
top of the epochs it estimates from its measured speed. Each run goes through
`core.shared.jobs.TrainingJob` and `core.shared.worker.in_worker_process`, as Train on the page does, with the
page's default settings, and is stopped after its first batch. `--save` writes the medians to
assets/benchmarks/training_start.json, which the pages add to their estimates.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.captcha import reader as captcha  # noqa: E402
from core.cifar import model as cifar  # noqa: E402
from core.forecast import model as forecast  # noqa: E402
from core.shared import assets  # noqa: E402
from core.shared.jobs import TrainingJob  # noqa: E402
from core.shared.training import TrainingQueue  # noqa: E402
from core.shared.worker import TrainingTask, in_worker_process  # noqa: E402
from core.speech import enrolment  # noqa: E402
from core.speech import reader as speech  # noqa: E402

KNOWN = enrolment.known_voices().of_speakers(["lucas"])  # ten digits of one voice, for the enrolment
TASKS = {
    "cifar10": TrainingTask(
        cifar.train_task,
        {"config": cifar.CifarConfig.basic(), "subset": 1_000, "epochs": 1, "batch_size": 32, "validation": 0.1},
    ),
    "forecasting": TrainingTask(
        forecast.train_task,
        {
            "settings": forecast.ModelSettings(
                forecast.SeriesConfig(), forecast.MATERIAL_LOOK_BACK, forecast.MATERIAL_UNITS, 0
            ),
            "epochs": 1,
            "batch_size": forecast.MATERIAL_BATCH_SIZE,
        },
    ),
    "captcha": TrainingTask(captcha.train_task, {"epochs": 1, "patience": 0}),
    "speech": TrainingTask(speech.train_task, {"epochs": 1, "held_out": "george"}),
    "speech enrolment": TrainingTask(
        enrolment.enrol_task,
        {"pieces": {int(digit): sound for digit, sound in zip(KNOWN.digits, KNOWN.sounds, strict=True)}},
    ),
}


def seconds_to_first_batch(task: TrainingTask) -> float:
    """Start `task` as the page does and time it until its first batch has been reported, then stop it."""
    first_batch = threading.Event()

    def report_seen(history, stop, report):
        def watched(fraction: float, text: str) -> None:
            report(fraction, text)
            if "batch" in text:
                first_batch.set()

        run(history, stop, watched)

    run = in_worker_process(task, lambda weights: None)
    job = TrainingJob(report_seen, TrainingQueue(slots=1))
    start = time.perf_counter()
    job.start()
    if not first_batch.wait(timeout=600):
        raise RuntimeError(f"no batch within 10 minutes: {job.status} {job.error}")
    seconds = time.perf_counter() - start
    job.stop()
    job.join()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", help=f"comma-separated, of: {', '.join(TASKS)} (default: all)")
    parser.add_argument("--save", action="store_true", help=f"write {assets.TRAINING_START_RESULTS.name}")
    args = parser.parse_args()
    medians = json.loads(assets.TRAINING_START_RESULTS.read_text()) if assets.TRAINING_START_RESULTS.exists() else {}
    for page, task in TASKS.items():
        if args.pages and page not in args.pages.split(","):
            continue
        runs = [seconds_to_first_batch(task) for _ in range(args.runs)]
        medians[task.train.__module__] = round(statistics.median(runs), 1)
        print(f"{page}: {', '.join(f'{s:.1f}' for s in runs)} s to the first batch", flush=True)
    print(json.dumps(medians))
    if args.save:
        assets.TRAINING_START_RESULTS.write_text(json.dumps(medians, indent=1) + "\n")
        print(f"saved {assets.TRAINING_START_RESULTS}")


if __name__ == "__main__":
    main()
