"""Does a process's memory come back after training a model? Why the app trains in worker processes.

    CIFAR10_DIR=... python benchmarks/fit_memory.py [--models 8]

In one process: build the basic CIFAR model, train it 1 epoch on 1,000 images (in a thread, as a
job used to), classify the test images, drop the model; again and again. Then the same with
models that only classify. Prints the resident memory (VmRSS) after each model, with Python's
garbage collected; the last line is `train_growth_mb=… predict_growth_mb=…` from the first
model to the last.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.cifar import model as cifar  # noqa: E402
from core.shared.datasets import load_cifar10  # noqa: E402
from devtools.served_app import resident_mb  # noqa: E402


def one_model(data, train: bool) -> None:
    model = cifar.build_model(cifar.CifarConfig.basic())
    if train:
        job = threading.Thread(target=cifar.train, args=(model, data.x_train[:1000], data.y_train[:1000], 1, 32, 0.1))
        job.start()
        job.join()
    cifar.predict_probabilities(model, data.x_test, mirror=False)


def levels(data, train: bool, models: int) -> list[float]:
    found = []
    for index in range(models):
        one_model(data, train)
        gc.collect()
        found.append(resident_mb(os.getpid()))
        print(f"{'train' if train else 'predict'} model {index + 1}: {found[-1]:.0f} MB", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=8)
    args = parser.parse_args()
    data = load_cifar10()
    predicted = levels(data, False, args.models)
    trained = levels(data, True, args.models)
    print(f"train_growth_mb={trained[-1] - trained[0]:.0f} predict_growth_mb={predicted[-1] - predicted[0]:.0f}")


if __name__ == "__main__":
    main()
