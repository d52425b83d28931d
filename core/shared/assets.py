"""The files the project ships: where the pretrained models are, how they load, and the summary beside each.

Every `python -m core train …` command writes its model and a `ModelSummary` (`<model>.json`:
the exact command, its time, its curves and its figures); the pages read the same structure
back with `read_summary`.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ASSETS = Path(__file__).resolve().parents[2] / "assets"  # core/shared/assets.py → the project
MODELS = ASSETS / "models"
BENCHMARKS = ASSETS / "benchmarks"
SAMPLES = ASSETS / "samples"
CARDS = ASSETS / "cards"
CARD_SIZE = (480, 270)  # the home page's card pictures, in pixels

CIFAR10_MODELS = {"basic": MODELS / "cifar10_basic.keras", "improved": MODELS / "cifar10_improved.keras"}
CAPTCHA_MODEL = MODELS / "captcha_ocr.keras"
CAPTCHA_DRAWINGS_MODEL = MODELS / "captcha_ocr_drawings.keras"
FORECAST_MODEL = MODELS / "forecast_lstm.keras"
FORECAST_LONG_MEMORY_MODEL = MODELS / "forecast_long_memory.keras"
SPEECH_MODEL = MODELS / "spoken_digits.keras"  # the reader trained from scratch
SPEECH_HEAD_MODEL = MODELS / "spoken_digits_ear_head.keras"  # the page's reader: the pretrained ear, then this head

# What benchmarks measured, for the pages to draw.
FORECAST_LOOK_BACK_RESULTS = BENCHMARKS / "forecast_look_back.json"
FORECAST_LONG_MEMORY_RESULTS = BENCHMARKS / "forecast_long_memory.json"
DRAWN_TEXT_RESULTS = BENCHMARKS / "drawn_text.json"
SPEECH_SPEAKER_RESULTS = BENCHMARKS / "speech_speakers.json"  # leave-one-speaker-out
SPEECH_HEAD_SPEAKER_RESULTS = BENCHMARKS / "speech_ear_speakers.json"  # the same, for the pretrained ear + head
SPEECH_ENROLMENT_RESULTS = BENCHMARKS / "speech_enrolment.json"  # the same readers, each enrolled on its left-out voice
SPEECH_HEAD_ENROLMENT_RESULTS = BENCHMARKS / "speech_ear_enrolment.json"  # the held-out heads, each enrolled
SPEECH_ENROLMENT_SETUP_RESULTS = BENCHMARKS / "speech_enrolment_setups.json"  # enrolment setups compared
TRAINING_START_RESULTS = BENCHMARKS / "training_start.json"  # seconds before each page's first batch
PAGE_TRAINING_RESULTS = BENCHMARKS / "page_training_time.json"  # a page's Train press to done, in a browser
RAY_TRAININGS_RESULTS = BENCHMARKS / "ray_trainings.json"  # Ray against the local worker (README)
CLASS_LOAD_RESULTS = BENCHMARKS / "class_load.json"  # 30 students at once on a Cloud-sized server (README)
SPEECH_SAMPLES = SAMPLES / "speech"  # a clip per digit and speaker, for the page without the data set


@dataclass(frozen=True)
class ModelSummary:
    """What a training command records beside its model, and what the pages quote."""

    command: str  # the command that trained it, as typed
    parameters: int
    epochs: int
    train_seconds: float
    trained_on: str  # the machine, e.g. "2 CPU cores, tensorflow backend"
    figures: dict[str, Any] = field(default_factory=dict)  # how good it is, in this model's own terms
    history: dict[str, list[float]] = field(default_factory=dict)  # each metric, epoch by epoch


def summary_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def write_summary(model_path: Path, summary: ModelSummary) -> None:
    summary_path(model_path).write_text(json.dumps(asdict(summary), indent=1) + "\n")


def read_summary(model_path: Path) -> ModelSummary | None:
    """The summary written beside `model_path`, or None when there is none."""
    path = summary_path(model_path)
    return ModelSummary(**json.loads(path.read_text())) if path.exists() else None


def this_command() -> str:
    """The command this process was started with, as `python -m core …` (for a summary)."""
    return shlex.join(["python", "-m", "core", *sys.argv[1:]])


def training_machine() -> str:
    """Where this process trains: the GPU Keras's backend sees, else the machine's CPU cores."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        if device.platform == "gpu":
            return f"{device.device_kind} GPU, JAX backend"
    elif backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "a")
            return f"{name} GPU, tensorflow backend"
    return f"{os.cpu_count()} CPU cores, {backend} backend"


# What a saved model names that Keras does not know (the CTC readers' loss), registered by the topic that defines
# it, so that this ground floor imports no topic: a module that loads a compiled reader imports its topic anyway.
_CUSTOM_OBJECTS: dict[str, Any] = {}


def register_custom_object(name: str, value: Any) -> None:
    """Let `load_model` load models that name `value` as `name` (a loss, a layer of a topic's own)."""
    _CUSTOM_OBJECTS[name] = value


def load_model(path: Path, compile: bool = True):
    """A saved model of this project, with the objects the topics registered (`register_custom_object`)."""
    import keras

    return keras.models.load_model(path, custom_objects=dict(_CUSTOM_OBJECTS), compile=compile)


@functools.cache
def _page_training_measured(module: str) -> dict[str, float] | None:
    """The training in `module`'s measured fixed part and part per epoch, read once per server."""
    if not PAGE_TRAINING_RESULTS.exists():
        return None
    return json.loads(PAGE_TRAINING_RESULTS.read_text()).get(module)


def page_training_seconds(module: str, epochs: int = 0) -> float | None:
    """Seconds from a press of Train to the page saying it is done, for `epochs` epochs of the training in `module`.

    Measured in a browser by `benchmarks/page_training_time.py` (a fixed part, the start and the end, and a
    part per epoch); None where that training was not measured, for the page to estimate otherwise.
    """
    measured = _page_training_measured(module)
    if measured is None:
        return None
    return float(measured["start"]) + float(measured["per_epoch"]) * epochs


def expected_training_seconds(module: str, epochs: int, shipped: ModelSummary | None) -> float | None:
    """About how long a page's training in `module` takes for `epochs` epochs, start and end included.

    Measured on the page where it was (`page_training_seconds`); else the measured start plus `epochs` at the
    pace of the `shipped` model's own training; None with neither.
    """
    measured = page_training_seconds(module, epochs)
    if measured is not None:
        return measured
    if shipped is None:
        return None
    return training_start_seconds(module) + shipped.train_seconds * epochs / shipped.epochs


@functools.cache
def training_start_seconds(module: str) -> float:
    """Seconds a page's training in `module` ("core.cifar.model") spends before its first batch, 0 where unmeasured.

    Measured by `benchmarks/training_start.py`: the worker process's start, TensorFlow's import,
    the data, the model and its first compiled step.
    """
    if not TRAINING_START_RESULTS.exists():
        return 0.0
    return float(json.loads(TRAINING_START_RESULTS.read_text()).get(module, 0.0))
