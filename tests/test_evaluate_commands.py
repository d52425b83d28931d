"""`python -m core evaluate …` on the folders users have: any speaker's name, few clips, and bad folders in one sentence."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from core.__main__ import main
from core.shared import assets


def evaluate(monkeypatch, capsys, *arguments: str) -> tuple[int, str, str]:
    """Run the command in this process; its exit status (0 when it returns), standard output and error."""
    monkeypatch.setattr(sys, "argv", ["python -m core", "evaluate", *arguments])
    try:
        main()
        status = 0
    except SystemExit as exit:
        status = exit.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def copy_clips(fsdd_dir: Path, folder: Path, pattern: str, rename: str | None = None) -> None:
    """Copy FSDD clips matching `pattern` into `folder`, the speaker's name replaced by `rename` if given."""
    folder.mkdir(exist_ok=True)
    for path in sorted((fsdd_dir / "recordings").glob(pattern)):
        digit, _, take = path.stem.split("_")
        name = f"{digit}_{rename}_{take}.wav" if rename else path.name
        shutil.copyfile(path, folder / name)


def test_speakers_named_with_capitals_digits_dashes_and_dots_are_read(fsdd_dir, tmp_path, monkeypatch, capsys):
    """Test that Maria, speaker-2 and en-us.1 are each scored on their own line, then all together."""
    folder = tmp_path / "clips"
    for speaker, source in (("Maria", "lucas"), ("speaker-2", "george"), ("en-us.1", "nicolas")):
        copy_clips(fsdd_dir, folder, f"*_{source}_[0-1].wav", rename=speaker)
    status, out, err = evaluate(
        monkeypatch, capsys, "speech", "--model", str(assets.SPEECH_MODEL), "--data", str(folder)
    )
    assert status == 0, err
    for speaker in ("Maria", "speaker-2", "en-us.1"):
        assert re.search(rf"^\s*{re.escape(speaker)}: [01]\.\d{{4}} single clips$", out, re.MULTILINE), out
    assert re.search(r"^digit_accuracy=\S+ sequence_exact=\S+ der=\S+ n=\d+$", out.splitlines()[-1])


@pytest.mark.parametrize("clips", [1, 2, 4])
def test_a_speaker_with_fewer_clips_than_a_sequence_is_scored_and_told(fsdd_dir, tmp_path, monkeypatch, capsys, clips):
    """Test a speaker with 1, 2 or 4 clips: sequences of 2–5 digits are still made (repeating clips), and said so."""
    folder = tmp_path / "few"
    copy_clips(fsdd_dir, folder, f"[0-{clips - 1}]_jackson_0.wav")
    status, out, err = evaluate(
        monkeypatch, capsys, "speech", "--model", str(assets.SPEECH_MODEL), "--data", str(folder)
    )
    assert status == 0, err
    assert f"only {clips}: its sequences of more than {clips} digits repeat some" in out
    assert out.splitlines()[-1].endswith(f"n={clips + 300}")


@pytest.mark.parametrize(
    "files, words",
    [
        ({}, "holds no recordings"),
        ({"notes.wav": b"not named like a recording"}, "holds no recordings"),
        ({"7_george_0.wav": b"named like one, but not sound"}, "could be read as sound"),
    ],
    ids=["empty", "badly named", "not sound"],
)
def test_a_folder_without_usable_recordings_is_one_sentence(tmp_path, monkeypatch, capsys, files, words):
    """Test that a folder the command cannot use ends with a sentence and status 2, never a traceback."""
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    status, out, err = evaluate(
        monkeypatch, capsys, "speech", "--model", str(assets.SPEECH_MODEL), "--data", str(tmp_path)
    )
    assert status == 2 and words in err and "Traceback" not in err + out


@pytest.mark.parametrize(
    "arguments",
    [
        ["speech", "--model", str(assets.SPEECH_MODEL), "--data", "missing-folder"],
        ["cifar10", "--model", str(assets.CIFAR10_MODELS["basic"]), "--data", "missing-folder"],
        ["captcha", "--model", str(assets.CAPTCHA_MODEL), "--data", "missing-folder"],
    ],
    ids=["speech", "cifar10", "captcha"],
)
def test_every_evaluate_command_answers_a_missing_folder_in_one_sentence(monkeypatch, capsys, arguments):
    """Test the three evaluate commands that read a folder: a missing one is status 2 and a sentence."""
    status, out, err = evaluate(monkeypatch, capsys, *arguments)
    assert status == 2 and err.strip() and "Traceback" not in err + out


@pytest.mark.parametrize("target", ["speech", "cifar10", "captcha", "forecast"])
def test_a_missing_model_file_is_one_sentence(tmp_path, monkeypatch, capsys, target):
    """Test that every evaluate command names a model file that is not there, with status 2."""
    data = ["--seed", "1"] if target == "forecast" else ["--data", str(tmp_path)]
    status, _, err = evaluate(monkeypatch, capsys, target, "--model", str(tmp_path / "nothing.keras"), *data)
    assert status == 2 and "There is no model file at" in err


def test_evaluate_speech_without_a_model_scores_the_pages_reader(fsdd_dir, tmp_path, monkeypatch, capsys):
    """Test that `evaluate speech` without `--model` reads with the page's reader, the pretrained ear's head: the
    same figures as naming its file, and not the scratch reader's."""
    folder = tmp_path / "clips"
    copy_clips(fsdd_dir, folder, "*_lucas_[0-2].wav")
    _, default, _ = evaluate(monkeypatch, capsys, "speech", "--data", str(folder))
    _, head, _ = evaluate(
        monkeypatch, capsys, "speech", "--model", str(assets.SPEECH_HEAD_MODEL), "--data", str(folder)
    )
    assert default == head and re.search(
        r"^digit_accuracy=\S+ sequence_exact=\S+ der=\S+ n=\d+$", default.splitlines()[-1]
    )


@pytest.mark.parametrize(
    "target, page_model",
    [
        ("cifar10", assets.CIFAR10_MODELS["basic"]),
        ("captcha", assets.CAPTCHA_MODEL),
        ("forecast", assets.FORECAST_MODEL),
        ("speech", assets.SPEECH_HEAD_MODEL),
    ],
)
def test_every_evaluate_command_defaults_to_its_pages_model(target, page_model):
    """Test that each evaluate command's `--model` is, unless given, the model its page opens first."""
    import argparse

    from core.__main__ import topic_commands

    (command,) = [c for c in topic_commands() if (c.group, c.name) == ("evaluate", target)]
    parser = argparse.ArgumentParser()
    command.arguments(parser)
    assert parser.get_default("model") == page_model
