"""Time a training step of the improved CIFAR-10 model with and without its augmentation layers.

    KERAS_BACKEND=jax python benchmarks/augmentation_step_time.py [--steps 30] [--batch-size 128]
    python benchmarks/augmentation_step_time.py --steps 8 --batch-size 512 [--bf16-math]

Written to find why the improved model trained slowly on a GPU machine (Keras on JAX there):
it prints milliseconds per step for the model without and with its augmentation layers, each
after one warm-up fit that traces and compiles it. `--bf16-math` measures what
`python -m core train cifar10 --bf16-math` does on a CPU: oneDNN multiplies in bfloat16.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import cifar  # noqa: E402


def step_milliseconds(augment: bool, steps: int, batch_size: int) -> float:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (batch_size * steps, 32, 32, 3), dtype=np.uint8)
    labels = cifar.one_hot(rng.integers(0, 10, len(images)))
    model = cifar.build_model(cifar.CifarConfig.improved().with_changes(augment=augment))
    model.fit(images[: 2 * batch_size], labels[: 2 * batch_size], batch_size=batch_size, epochs=1, verbose=0)
    # The better of two timed epochs: on CPU the first full-size fit of a process ran up to 2x slower.
    seconds = []
    for _ in range(2):
        start = time.perf_counter()
        model.fit(images, labels, batch_size=batch_size, epochs=1, verbose=0)
        seconds.append(time.perf_counter() - start)
    return min(seconds) / steps * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--bf16-math", action="store_true", help="TF_SET_ONEDNN_FPMATH_MODE=BF16 (TensorFlow on CPU)")
    args = parser.parse_args()
    if args.bf16_math:
        cifar.use_bfloat16_math()
    import keras

    print(f"backend {keras.backend.backend()}")
    for augment in (False, True):
        milliseconds = step_milliseconds(augment, args.steps, args.batch_size)
        math = " (bf16 math)" if args.bf16_math else ""
        print(f"augmentation {'on' if augment else 'off'}: {milliseconds:.1f} ms per step of {args.batch_size}{math}")


if __name__ == "__main__":
    main()
