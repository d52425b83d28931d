"""Time a training step of the improved CIFAR-10 model with and without its augmentation layers.

    KERAS_BACKEND=jax python benchmarks/augmentation_step_time.py [--steps 30] [--batch-size 128]
    python benchmarks/augmentation_step_time.py --steps 8 --batch-size 512 [--mixed-bfloat16]

Written to find why the improved model trained slowly on a GPU machine (Keras on JAX there):
it prints milliseconds per step for the model without and with its augmentation layers, each
after one warm-up fit that traces and compiles it. `--mixed-bfloat16` measures what
`python -m core train cifar10 --mixed-bfloat16` does: bfloat16 compute, float32 weights.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.cifar import model as cifar  # noqa: E402


def step_milliseconds(augment: bool, steps: int, batch_size: int) -> tuple[float, bool]:
    """Milliseconds per training step, and whether Keras compiled the step with XLA."""
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
    return min(seconds) / steps * 1000, bool(model.jit_compile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--mixed-bfloat16", action="store_true", help="Keras's mixed_bfloat16 policy")
    args = parser.parse_args()
    if args.mixed_bfloat16:
        cifar.use_mixed_bfloat16()
    import keras

    print(f"backend {keras.backend.backend()}")
    for augment in (False, True):
        milliseconds, compiled = step_milliseconds(augment, args.steps, args.batch_size)
        math = " (mixed bfloat16)" if args.mixed_bfloat16 else ""
        print(
            f"augmentation {'on' if augment else 'off'}: {milliseconds:.1f} ms per step of {args.batch_size}{math}, "
            f"compiled with XLA: {compiled}"
        )


if __name__ == "__main__":
    main()
