"""Models brought back: a file is opened only when safe and of the page's shapes, and each refusal is a sentence."""

from __future__ import annotations

import io
import zipfile

import keras
import numpy as np
import pytest

from core.shared import assets
from core.shared.model_files import (
    ModelFileProblem,
    Shapes,
    load_uploaded_model,
    model_file_bytes,
)

CIFAR = Shapes((32, 32, 3), (10,))
MAX_MB = 50  # the limit; the app passes its server's upload limit


def small_cifar_model(*middle) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Conv2D(4, 3),
            *middle,
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def refusal(data: bytes) -> str:
    with pytest.raises(ModelFileProblem) as refused:
        load_uploaded_model(data, CIFAR, MAX_MB)
    return str(refused.value)


def test_a_model_saved_at_home_comes_back_with_its_weights():
    model = small_cifar_model()
    model.compile("adam", "sparse_categorical_crossentropy")
    back = load_uploaded_model(model_file_bytes(model), CIFAR, MAX_MB)
    x = np.random.default_rng(0).random((2, 32, 32, 3), dtype=np.float32)
    np.testing.assert_allclose(back.predict_on_batch(x), model.predict_on_batch(x), atol=1e-6)


def test_a_lambda_layer_is_refused_and_its_code_never_runs(tmp_path):
    ran = tmp_path / "ran"
    # A Lambda's Python code travels in the file as bytecode: loading it with safe_mode off would run it.
    touching = eval(f"lambda x: (__import__('pathlib').Path({str(ran)!r}).touch(), x)[1]")  # no closure: a constant
    model = small_cifar_model(keras.layers.Lambda(touching))
    data = model_file_bytes(model)
    ran.unlink(missing_ok=True)
    assert "Lambda layer" in refusal(data)
    assert not ran.exists()
    unsafe = tmp_path / "unsafe.keras"  # the control: the same file loaded without safe_mode does run the code
    unsafe.write_bytes(data)
    keras.saving.load_model(unsafe, safe_mode=False).predict_on_batch(np.zeros((1, 32, 32, 3), np.float32))
    assert ran.exists()


def test_files_that_are_not_models_each_get_their_sentence():
    assert "not a Keras model file" in refusal(b"\x89PNG\r\n\x1a\n" + bytes(100))
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "not a model")
    assert "should hold config.json and model.weights.h5" in refusal(other_zip.getvalue())


def test_a_shipped_model_cut_short_anywhere_is_said_to_be_damaged():
    """Test that the first N bytes of a shipped .keras file, for N from 1 to all but one, are said to be cut short."""
    whole = assets.CIFAR10_MODELS["basic"].read_bytes()
    # Inside the zip's signature, at and just after each part's start, inside the table of contents at the end
    # (its last record is 22 bytes), and lengths drawn in between.
    starts = [info.header_offset for info in zipfile.ZipFile(io.BytesIO(whole)).infolist()]
    edges = [1, 2, 3, 4, *starts[1:], *(start + 1 for start in starts), len(whole) - 22, len(whole) - 1]
    drawn = np.random.default_rng(0).integers(5, len(whole) - 1, 40)
    for length in sorted({*edges, *map(int, drawn)}):
        assert "The file is damaged: it is cut short" in refusal(whole[:length]), f"cut at {length:,} bytes"


def test_an_h5_file_renamed_keras_is_named_and_told_how_to_save_it_again(tmp_path):
    """Test that a file in the HDF5 format (Keras 2's .h5) gets the sentence naming it and model.save("name.keras")."""
    old_format = tmp_path / "model.h5"
    small_cifar_model().save(old_format)  # Keras 3 still writes the legacy format when asked
    signature_only = b"\x89HDF\r\n\x1a\n" + bytes(100)
    for data in (old_format.read_bytes(), signature_only):
        said = refusal(data)
        assert said.startswith("This is an H5 file, the format of Keras 2") and 'model.save("name.keras")' in said


def test_random_bytes_are_still_not_a_keras_model_file():
    """Test that files of random bytes, short and long, are not a Keras model file (neither cut short nor H5)."""
    rng = np.random.default_rng(0)
    for length in (5, 100, 10_000, 1_000_000):
        for _ in range(5):
            data = b"\x00" + rng.bytes(length)  # a zip starts with "PK", HDF5 with 0x89: this starts with neither
            assert refusal(data).startswith("This is not a Keras model file"), f"{length:,} random bytes"


def test_a_model_of_other_shapes_is_refused_with_what_it_has():
    grey = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    assert "(28, 28, 1)" in refusal(model_file_bytes(grey))
    five = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(5)])
    assert "(5,)" in refusal(model_file_bytes(five))


def test_a_file_over_the_limit_is_not_even_unzipped():
    assert f"at most {MAX_MB} MB" in refusal(bytes(60 * 2**20))


def test_a_zip_that_unpacks_to_far_more_than_it_weighs_is_not_opened():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.weights.h5", bytes(300 * 2**20))
    assert "unpacks to far more" in refusal(bomb.getvalue())


def test_a_garbled_compressed_part_is_said_to_be_damaged_not_raised():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", "{}" * 5000)
        archive.writestr("model.weights.h5", bytes(range(256)) * 400)
    data = bytearray(packed.getvalue())
    start = data.find(b"model.weights.h5") + 40  # inside that part's deflate stream
    data[start : start + 60] = bytes(byte ^ 0x5A for byte in data[start : start + 60])
    assert "damaged" in refusal(bytes(data))  # zlib's own error escaped to the page before
