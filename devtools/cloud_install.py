"""Install the app as Streamlit Community Cloud does, on the Pythons Cloud offers, and check that it runs.

Cloud makes a virtual environment for the Python chosen in the app's Advanced settings (3.12 by default) and
installs `requirements.txt` with uv. This does the same from pyenv's interpreters, then opens the home page and
the CIFAR-10 page in Streamlit's AppTest with the venv's Python: TensorFlow imports, the shipped models load and
classify, and no page raises.

    python -m devtools.cloud_install 3.12 3.13 [--dir data-cache] [--fresh]

Python 3.14 cannot work yet: tensorflow-cpu 2.21.0 (requirements.txt) has no wheel for it (docs/deploy.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PYENV_VERSIONS = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
# Run by the venv's Python in the checkout: the app's first two pages, as a student opens them. The data hosts
# point at a closed local port, so that nothing is downloaded from the internet here.
SMOKE = """
from streamlit.testing.v1 import AppTest
app = AppTest.from_file("app.py", default_timeout=180)
app.run()
assert not app.exception, app.exception
app.switch_page("app_pages/cnn/cifar10.py")
app.session_state["cifar_tab"] = "Try it"
app.run()
assert not app.exception, app.exception
answers = [m.value for m in app.markdown if m.value.startswith("**pretrained")]
assert len(answers) == 2, answers
print("pages ran;", "; ".join(answers))
"""


def interpreter(version: str) -> Path:
    """The newest pyenv interpreter of `version` ("3.12"), where Cloud's images take theirs from python.org.

    Raises:
        FileNotFoundError: if pyenv has none.
    """
    found = sorted(
        PYENV_VERSIONS.glob(f"{version}.*/bin/python"), key=lambda path: [int(p) for p in path.parts[-3].split(".")]
    )
    if not found:
        raise FileNotFoundError(f"no Python {version} under {PYENV_VERSIONS} (pyenv install {version})")
    return found[-1]


def uv() -> str:
    """uv from this environment (requirements-dev.txt), else from the PATH."""
    beside = Path(sys.executable).with_name("uv")
    return str(beside) if beside.exists() else shutil.which("uv") or "uv"


def cloud_venv(version: str, folder: Path, fresh: bool = False, base: Path | None = None) -> tuple[Path, float]:
    """A venv of Python `version` in `folder` with requirements.txt installed by uv; its Python and the seconds taken.

    An existing venv is reused (its install then takes seconds) unless `fresh`. `base` is the interpreter to make
    it from (default: pyenv's).
    """
    python = folder / "bin" / "python"
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    if not python.exists():
        base = base or interpreter(version)
        subprocess.run([uv(), "venv", "--quiet", "--python", str(base), str(folder)], check=True)
    subprocess.run(
        [uv(), "pip", "install", "--quiet", "--python", str(python), "-r", str(PROJECT_ROOT / "requirements.txt")],
        check=True,
    )
    return python, time.monotonic() - started


def smoke(python: Path) -> str:
    """Open the home page and CIFAR-10's Try it with `python`; what it printed.

    Raises:
        subprocess.CalledProcessError: if a page raised or the shipped models gave no answer.
    """
    environment = {**os.environ, "CNN_RNN_LAB_DATA_HOSTS": "http://127.0.0.1:9", "TF_CPP_MIN_LOG_LEVEL": "2"}
    for variable in ("CIFAR10_DIR", "CAPTCHA_DIR", "FSDD_DIR", "VIRTUAL_ENV", "PYTHONPATH"):
        environment.pop(variable, None)
    result = subprocess.run(
        [str(python), "-c", SMOKE], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="+", help="Python versions, as Cloud's Advanced settings name them")
    parser.add_argument("--dir", type=Path, default=PROJECT_ROOT / "data-cache", help="where the venvs are made")
    parser.add_argument("--fresh", action="store_true", help="make each venv anew")
    args = parser.parse_args(argv)
    failed = []
    for version in args.versions:
        try:
            python, seconds = cloud_venv(version, args.dir / f"cloud-venv-{version}", args.fresh)
            print(f"Python {version}: installed with uv in {seconds:.0f} s; {smoke(python)}", flush=True)
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or ""
            print(f"Python {version}: FAILED: {error}\n{detail[-3000:]}", flush=True)
            failed.append(version)
    if failed:
        sys.exit(f"the app does not install or run on Python {', '.join(failed)}")


if __name__ == "__main__":
    main()
