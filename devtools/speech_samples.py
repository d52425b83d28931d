"""Copy the spoken-digit clips the speech page ships: take 0 of every digit by every speaker.

Without the data set, the page still reads these, joins them into utterances and draws them.

    python -m devtools.speech_samples            # from FSDD_DIR, else the download
"""

import shutil

from core.shared.assets import SPEECH_SAMPLES
from core.shared.datasets import load_fsdd_files


def main() -> None:
    files = load_fsdd_files()
    SPEECH_SAMPLES.mkdir(parents=True, exist_ok=True)
    for path in files.paths:
        if path.stem.endswith("_0"):
            shutil.copyfile(path, SPEECH_SAMPLES / path.name)
    print(f"{len(list(SPEECH_SAMPLES.glob('*.wav')))} clips in {SPEECH_SAMPLES}")


if __name__ == "__main__":
    main()
