"""Seconds from Train to the end of the first batch, for each page's training, in a worker process as the page runs it.

    CIFAR10_DIR=... CAPTCHA_DIR=... FSDD_DIR=... python benchmarks/training_start.py [--runs 3] [--save]

Before its first batch a training starts a Python process, imports TensorFlow, reads its data,
builds its model and compiles its training step: a cost each page pays once per training, on
top of the epochs it estimates from its measured speed. Each run goes through
`core.shared.jobs.TrainingJob` and `core.shared.worker.in_worker_process`, as Train on the page does, with the
page's default settings, and is stopped after its first batch. Each topic declares its pages' trainings
(`first_batch_trainings` in `core/<topic>/recipes.py`), the topics read from the registry. `--save` writes the medians to
assets/benchmarks/training_start.json, which the pages add to their estimates.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import statistics
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from app_pages import registry  # noqa: E402
from core.shared import assets  # noqa: E402
from core.shared.jobs import TrainingJob  # noqa: E402
from core.shared.training import TrainingQueue  # noqa: E402
from core.shared.worker import TrainingTask, in_worker_process  # noqa: E402


def page_trainings() -> dict[str, TrainingTask]:
    """Each page's training, from its topic's recipes (`first_batch_trainings`), the topics read from the registry."""
    tasks: dict[str, TrainingTask] = {}
    for entry in registry.PAGES:
        if entry.quiz and importlib.util.find_spec(f"core.{entry.quiz}.recipes") is not None:
            recipes = importlib.import_module(f"core.{entry.quiz}.recipes")
            tasks.update(getattr(recipes, "first_batch_trainings", dict)())
    return tasks


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
    tasks = page_trainings()
    parser.add_argument("--pages", help=f"comma-separated, of: {', '.join(tasks)} (default: all)")
    parser.add_argument("--save", action="store_true", help=f"write {assets.TRAINING_START_RESULTS.name}")
    args = parser.parse_args()
    medians = json.loads(assets.TRAINING_START_RESULTS.read_text()) if assets.TRAINING_START_RESULTS.exists() else {}
    for page, task in tasks.items():
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
