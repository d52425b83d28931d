"""Models that leave the app and come back: a trained model as a `.keras` file, and a file brought back, checked.

A file a student uploads is untrusted. It is opened only if it is a small zip holding what Keras writes, loaded
with Keras's `safe_mode=True` (no Lambda layer's Python code is deserialised, let alone run) and without any
custom object, and used only if it takes and gives the shapes the page needs. Every refusal is a sentence.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

# Keras writes config.json, metadata.json and model.weights.h5 (compressed little): a file that unpacks to much
# more than the largest file taken is not one of them, and is not unpacked.
UNPACKED_OVER_PACKED = 4
KERAS_MEMBERS = {"config.json", "metadata.json", "model.weights.h5"}
# How a file starts: a zip (a .keras file is one) with a local file header, an HDF5 file (the .h5 format of
# Keras 2) with its 8-byte signature.
ZIP_SIGNATURE = b"PK\x03\x04"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class ModelFileProblem(ValueError):
    """Why an uploaded file cannot be used, in a sentence for the student."""


@dataclass(frozen=True)
class Shapes:
    """The input and output shapes a page's models have, batch left out: (32, 32, 3) in, (10,) out."""

    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


def model_file_bytes(model) -> bytes:
    """`model` as a `.keras` file (architecture, weights, and its compile settings)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def check_archive(data: bytes, max_mb: int) -> None:
    """Refuse what is over `max_mb`, not a zip, not what Keras writes, or unpacks to far more than it may weigh."""
    if len(data) > max_mb * 2**20:
        raise ModelFileProblem(f"The file is {len(data) / 2**20:.0f} MB; the app takes models of at most {max_mb} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ModelFileProblem(not_a_zip_problem(data)) from None
    with archive:
        members = {info.filename: info.file_size for info in archive.infolist()}
        if not {"config.json", "model.weights.h5"} <= set(members) or not set(members) <= KERAS_MEMBERS:
            raise ModelFileProblem(
                "This zip is not a Keras model file: it should hold config.json and model.weights.h5, as "
                "model.save('name.keras') writes them (Keras 3)."
            )
        # Before anything is decompressed: reading every part back is what a zip bomb counts on.
        if sum(members.values()) > UNPACKED_OVER_PACKED * max_mb * 2**20:
            raise ModelFileProblem("The file unpacks to far more than a model of its size: it is not opened.")
        try:
            damaged = archive.testzip()  # the name of a part whose checksum is wrong
        except (zipfile.BadZipFile, zlib.error, EOFError):  # a compressed stream cut or garbled mid-way
            raise ModelFileProblem("The file is damaged: part of it does not read back.") from None
    if damaged is not None:
        raise ModelFileProblem(f"The file is damaged: its part {damaged} does not read back.")


def not_a_zip_problem(data: bytes) -> str:
    """Why `data`, which does not open as a zip, is not a `.keras` file: cut short, the old H5 format, or neither."""
    if data.startswith(HDF5_SIGNATURE):
        return (
            "This is an H5 file, the format of Keras 2: the app opens the .keras files of Keras 3. In Keras 3, open "
            'it with keras.models.load_model("name.h5") and save it with model.save("name.keras"), then upload '
            "that file."
        )
    # A zip's table of contents is at its end: a file that starts as one but has lost its end was cut short.
    if data.startswith(ZIP_SIGNATURE) or (data and ZIP_SIGNATURE.startswith(data)):
        return (
            "The file is damaged: it is cut short, as a download or a copy that stopped before the end leaves it. "
            "Download or save it again."
        )
    return "This is not a Keras model file: a .keras file is a zip archive, written by model.save('name.keras')."


def load_uploaded_model(data: bytes, shapes: Shapes, max_mb: int):
    """The model in an uploaded `.keras` file of at most `max_mb`, if it is safe to load and has `shapes`.

    Raises:
        ModelFileProblem: with the sentence to show.
    """
    import keras

    check_archive(data, max_mb)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uploaded.keras"
        path.write_bytes(data)
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # Keras raises many kinds; each becomes a sentence, none reaches the page
            raise ModelFileProblem(load_problem(error)) from None
    if not isinstance(model, keras.Model):
        raise ModelFileProblem("The file holds a single layer, not a model.")
    check_shapes(model, shapes)
    return model


def load_problem(error: Exception) -> str:
    """What went wrong loading a model file, in words."""
    text = str(error)
    if "Lambda" in text or "safe_mode" in text:
        return (
            "The model has a Lambda layer: Python code inside a model file, which the app does not run. Rebuild it "
            "with Keras's own layers (Rescaling, RandomFlip, …) and save it again."
        )
    if "Could not locate" in text or "Unknown" in text:
        return (
            "The model uses a layer or function this app does not know (custom code). Only Keras's own layers "
            "can be opened here."
        )
    return (
        f"Keras could not open the file; it may be damaged, or saved by another Keras version ({type(error).__name__})."
    )


def check_shapes(model, shapes: Shapes) -> None:
    """Refuse a model whose input or output is not the page's (with what it has instead)."""
    inputs = [tuple(tensor.shape[1:]) for tensor in model.inputs]
    outputs = [tuple(tensor.shape[1:]) for tensor in model.outputs]
    if inputs != [shapes.inputs]:
        raise ModelFileProblem(
            f"The model takes inputs of shape {', '.join(map(str, inputs))}; this page's pictures are {shapes.inputs}."
        )
    if outputs != [shapes.outputs]:
        raise ModelFileProblem(
            f"The model gives outputs of shape {', '.join(map(str, outputs))}; this page needs {shapes.outputs}: "
            f"one probability for each of {shapes.outputs[-1]} classes."
        )
