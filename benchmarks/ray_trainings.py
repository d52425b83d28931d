"""Trainings on Ray against the local worker: the wait before the first epoch, and four trainings at once.

    python benchmarks/ray_trainings.py [--repeats 3] [--save]

1. The seconds from Train to the first finished batch of the CIFAR page's smallest training (the basic
   model, 1 epoch on 1,000 images), through the local worker process and through a local Ray instance
   (`ray.init(num_cpus=2)`, started beforehand, as a server starts it once): medians of `--repeats`.
2. Four such trainings submitted at once: through the local queue with one slot (the default server),
   and through four slots onto the Ray instance of 2 CPUs (each task asks for 1 CPU, so Ray runs two at
   a time): the wall time until all four have ended.

Needs the CIFAR-10 images (CIFAR10_DIR) and Ray (requirements-cluster.txt). `--save` writes
assets/benchmarks/ray_trainings.json, which the README quotes. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.cifar import model as cifar  # noqa: E402
from core.shared import ray_runner  # noqa: E402
from core.shared.assets import RAY_TRAININGS_RESULTS as RESULTS  # noqa: E402
from core.shared.jobs import TrainingJob  # noqa: E402
from core.shared.training import TrainingQueue  # noqa: E402
from core.shared.worker import TrainingTask, in_worker_process  # noqa: E402

TASK = TrainingTask(
    cifar.train_task,
    {"config": cifar.CifarConfig.basic(), "subset": 1000, "epochs": 1, "batch_size": 32, "validation": 0.1},
)


def runner(name: str):
    return ray_runner.on_ray if name == "ray" else in_worker_process


def seconds_to_first_batch(name: str) -> float:
    job = TrainingJob(runner(name)(TASK, lambda weights: None), TrainingQueue(slots=1))
    start = time.perf_counter()
    job.start()
    while not job.progress_text.startswith("Epoch 1/1, batch") and job.active:
        time.sleep(0.01)
    first = time.perf_counter() - start
    job.join()
    if job.status != "finished":
        raise RuntimeError(f"{name}: {job.error}")
    return first


def four_at_once(name: str, slots: int) -> float:
    queue = TrainingQueue(slots=slots)
    jobs = [TrainingJob(runner(name)(TASK, lambda weights: None), queue) for _ in range(4)]
    start = time.perf_counter()
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    if any(job.status != "finished" for job in jobs):
        raise RuntimeError(f"{name}: {[job.error for job in jobs]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    first = {name: [seconds_to_first_batch(name) for _ in range(args.repeats)] for name in ("local", "ray")}
    for name, seconds in first.items():
        print(
            f"{name}: first batch after {statistics.median(seconds):.1f} s (runs: {', '.join(f'{s:.1f}' for s in seconds)})"
        )
    together = {"local queue, 1 slot": four_at_once("local", 1), "Ray, 2 CPUs, 4 slots": four_at_once("ray", 4)}
    for name, seconds in together.items():
        print(f"four trainings, {name}: all done after {seconds:.1f} s")
    if args.save:
        RESULTS.write_text(
            json.dumps(
                {
                    "command": f"python benchmarks/ray_trainings.py --repeats {args.repeats} --save",
                    "training": "the CIFAR page's basic model, 1 epoch on 1,000 images",
                    "first_batch_seconds": {name: round(statistics.median(s), 2) for name, s in first.items()},
                    "four_at_once_seconds": {name: round(s, 1) for name, s in together.items()},
                },
                indent=1,
            )
            + "\n"
        )
        print(f"saved {RESULTS}")


if __name__ == "__main__":
    main()
