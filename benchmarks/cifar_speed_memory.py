"""Time per epoch and peak memory: training the basic CIFAR-10 model through the project vs the slides' way.

    CIFAR10_DIR=... python benchmarks/cifar_speed_memory.py [--epochs 3] [--repeats 2]

Each way runs in a fresh Python process, one after the other on the same machine, and
reports the seconds of its epochs and its peak resident memory (VmHWM):

- plain: what the slide does: the whole training set converted to float32 NumPy and
  scaled, labels to one-hot, `model.fit(x, y, batch_size=32, validation_split=0.1)`.
- project: what `python -m core train cifar10` does: `core.cifar.model.train` on uint8 batches read
  from the data cache file (scaling inside the model, batch by batch).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PLAIN = """
import json, time, numpy as np, keras
from keras import layers
from core.shared.datasets import load_cifar10
data = load_cifar10()
train_features = data.x_train.astype("float32") / 255
train_labels = keras.utils.to_categorical(data.y_train, 10)
alpha = 0.02
model = keras.Sequential([keras.Input(shape=train_features.shape[1:])])
for filters in (16, 32, 64):
    model.add(layers.Conv2D(filters=filters, kernel_size=(3, 3), padding="same"))
    model.add(layers.LeakyReLU(negative_slope=alpha))
    model.add(layers.MaxPooling2D(pool_size=(2, 2), padding="same"))
model.add(layers.Flatten())
model.add(layers.Dense(512))
model.add(layers.LeakyReLU(negative_slope=alpha))
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
times = []
class Timer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None): self.start = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None): times.append(time.perf_counter() - self.start)
model.fit(train_features, train_labels, batch_size=32, epochs=EPOCHS, validation_split=0.1, verbose=0, callbacks=[Timer()])
print(json.dumps({"seconds": times}))
"""

PROJECT = """
import json
from core.shared.datasets import load_cifar10
from core.cifar.model import CifarConfig, build_model, train
data = load_cifar10(train_images_in_memory=False)
model = build_model(CifarConfig.basic())
history = train(model, data.x_train, data.y_train, epochs=EPOCHS, batch_size=32, validation_split=0.1)
print(json.dumps({"seconds": history.seconds}))
"""

MEASURE = """
import sys
exec(compile(sys.argv[1], "<benchmark>", "exec"))
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("PEAK_MB", peak_kb / 1024)
"""


def run(name: str, source: str, epochs: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, source.replace("EPOCHS", str(epochs))],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    seconds = json.loads(next(line for line in lines if line.startswith("{")))["seconds"]
    peak = float(next(line for line in lines if line.startswith("PEAK_MB")).split()[1])
    print(
        f"{name}: seconds per epoch {', '.join(f'{s:.1f}' for s in seconds)}; peak resident memory {peak:.0f} MB",
        flush=True,
    )
    return {"seconds": seconds, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each way, alternating")
    args = parser.parse_args()
    plain, project = [], []
    for _ in range(args.repeats):
        plain.append(run("plain script", PLAIN, args.epochs))
        project.append(run("project", PROJECT, args.epochs))
    # The first epoch of a run includes graph tracing; compare the mean of the others, over all
    # runs (epoch times on a shared 2-core machine swing by several seconds from epoch to epoch).
    plain_seconds, project_seconds = steady(plain), steady(project)
    plain_peak, project_peak = max(r["peak_mb"] for r in plain), max(r["peak_mb"] for r in project)
    # The spread: each alternating pair's ratio, so that a busy minute shows as one odd pair.
    pairs = [steady([b]) / steady([a]) for a, b in zip(plain, project, strict=True)]
    print(f"ratio of each pair (project ÷ plain, in run order): {', '.join(f'{r:.2f}' for r in pairs)}")
    print(
        f"time per epoch after the first: project {project_seconds:.1f} s, plain {plain_seconds:.1f} s "
        f"(ratio {project_seconds / plain_seconds:.2f}); peak memory: project {project_peak:.0f} MB, "
        f"plain {plain_peak:.0f} MB (ratio {project_peak / plain_peak:.2f})"
    )


def steady(results: list[dict]) -> float:
    """Mean seconds of the epochs after the first of each run (all of them if a run has one)."""
    seconds = [s for result in results for s in (result["seconds"][1:] or result["seconds"])]
    return sum(seconds) / len(seconds)


if __name__ == "__main__":
    main()
