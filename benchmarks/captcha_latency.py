"""Server time to read one captcha once the model is loaded.

    CAPTCHA_DIR=... python benchmarks/captcha_latency.py [--model assets/models/captcha_ocr.keras] [--repeats 50]

Times what the page does for each picture, from the decoded picture to the texts: preprocess
to 50 × 200, run the model, greedy decode and beam-search decode (width 10, 3 readings), and
the best-path collapse. Reports the median and the 95th percentile over the repeats, for a
real captcha and for a canvas-sized drawing (600 × 150 RGBA composite).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.captcha import reader as captcha  # noqa: E402
from core.ctc import algorithm as ctc  # noqa: E402
from core.shared.assets import CAPTCHA_MODEL, load_model  # noqa: E402
from core.shared.datasets import load_captcha_files  # noqa: E402


def read_once(model, picture: Image.Image) -> str:
    x = captcha.preprocess(picture)
    probabilities = captcha.predict_probabilities(model, x[np.newaxis])[0]
    captcha.ctc_decode(probabilities)
    captcha.ctc_decode(probabilities, "beam_search", beam_width=10, top_paths=3)
    return ctc.best_path_steps(probabilities, captcha.CHARACTERS).text


def timings(model, picture: Image.Image, repeats: int) -> list[float]:
    read_once(model, picture)  # warm-up: the first call traces the model
    result = []
    for _ in range(repeats):
        start = time.perf_counter()
        read_once(model, picture)
        result.append((time.perf_counter() - start) * 1000)
    return result


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=CAPTCHA_MODEL)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    model = load_model(args.model)
    with Image.open(load_captcha_files().paths[0]) as image:
        sample = image.convert("RGB")
    drawing = Image.new("RGB", (600, 150), "white")
    ImageDraw.Draw(drawing).line([(40, 100), (120, 30), (200, 110), (330, 40), (560, 90)], fill="black", width=10)
    for name, picture in (("captcha", sample), ("canvas drawing", drawing)):
        values = sorted(timings(model, picture, args.repeats))
        p95 = values[int(0.95 * (len(values) - 1))]
        print(
            f"{name}: median {statistics.median(values):.1f} ms, 95th percentile {p95:.1f} ms over {len(values)} reads"
        )


if __name__ == "__main__":
    main()
