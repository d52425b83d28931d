"""Fetch the pretrained ear (Google's speech_embedding) from the pinned openwakeword wheel, and convert its weights.

openwakeword 0.5.1 ships Google's two ONNX files (a log-mel front end and the embedding CNN); the
project takes those two files and the wheel's licence, checks each against its sha256, and writes
the weights as the Keras ear's arrays (`core.speech.ear.WEIGHTS`). The package itself is never a
dependency: it needs `tflite-runtime`, which has no wheel for Python 3.12.

    python -m devtools.fetch_ear            # needs the package index once, and `onnx` (requirements-dev)
"""

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from core.speech import ear

WHEEL = "openwakeword==0.5.1"
WHEEL_SHA256 = "015467e49f08b0ef8efa433690ce70566abb72f7c36501a6fa893762b4ddc559"
MEMBERS = {  # in the wheel → sha256
    "openwakeword/resources/models/melspectrogram.onnx": "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f",
    "openwakeword/resources/models/embedding_model.onnx": "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f",
}
LICENCE = "openwakeword-0.5.1.dist-info/LICENSE"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked(name: str, data: bytes, expected: str) -> bytes:
    if sha256(data) != expected:
        raise SystemExit(f"{name}: sha256 {sha256(data)} is not the pinned {expected}; nothing written")
    return data


def download_wheel(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "--quiet", "--dest", str(folder)], check=True
    )
    (wheel,) = folder.glob("openwakeword-*.whl")
    checked(wheel.name, wheel.read_bytes(), WHEEL_SHA256)
    return wheel


def onnx_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every weight of an ONNX file, by its name in the graph."""
    import onnx
    from onnx import numpy_helper

    return {tensor.name: numpy_helper.to_array(tensor) for tensor in onnx.load(str(path)).graph.initializer}


def keras_weights(front_end: dict[str, np.ndarray], embedding: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The two graphs' weights laid out as the Keras ear's layers hold them (ONNX's OIHW kernels → Keras's HWIO)."""
    weights = {
        # (257 bins, 1, 512 taps) real and imaginary DFT rows → one (512, 1, 514) Conv1D kernel.
        "log_mel/dft": np.concatenate(
            [front_end["0.stft.conv_real.weight"], front_end["0.stft.conv_imag.weight"]], axis=0
        ).transpose(2, 1, 0),
        "log_mel/mel": front_end["1.melW"],
    }
    for index in range(ear.CONVOLUTIONS):
        name = "conv2d" if index == 0 else f"conv2d_{index}"
        fused = f"model/{name}/Conv2D_weights_fused_bn"
        kernel = embedding.get(fused, embedding.get(f"model/{name}/Conv2D/ReadVariableOp:0"))
        weights[f"conv_{index}/kernel"] = kernel.transpose(2, 3, 1, 0)
        bias = embedding.get(f"model/{name}/Conv2D_bias_fused_bn")
        if bias is not None:  # the last convolution has none
            weights[f"conv_{index}/bias"] = bias
    return weights


def main() -> None:
    ear.FOLDER.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        wheel = download_wheel(Path(scratch))
        with zipfile.ZipFile(wheel) as archive:
            for member, expected in MEMBERS.items():
                target = ear.FOLDER / Path(member).name
                target.write_bytes(checked(member, archive.read(member), expected))
                print(f"{target} ({target.stat().st_size:,} bytes, sha256 checked)")
            (ear.FOLDER / "LICENSE").write_bytes(archive.read(LICENCE))
    weights = keras_weights(onnx_arrays(ear.FRONT_END_ONNX), onnx_arrays(ear.EMBEDDING_ONNX))
    np.savez(ear.WEIGHTS, **weights)
    print(f"{ear.WEIGHTS}: {sum(w.size for w in weights.values()):,} numbers in {len(weights)} arrays")


if __name__ == "__main__":
    main()
