"""Take-home notebooks: generated for the page's settings and for random ones in the widgets' ranges, then run.

Each notebook is executed by a real Jupyter kernel (`nbclient`), and what it prints (shapes, parameter counts,
results) must equal what the page computes for the same settings. Trainings run with the quick switch: one epoch.
"""

from __future__ import annotations

import json
import re
import tempfile

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from core.captcha import reader as captcha
from core.captcha.notebook import captcha_notebook
from core.cifar import model as cifar
from core.cifar.notebook import cifar_notebook
from core.conv.layer import ConvSpec, conv_geometry, convolve_by_hand, random_layer
from core.conv.notebook import conv_notebook
from core.ctc import algorithm as ctc
from core.ctc.notebook import ctc_notebook
from core.forecast import model as forecast
from core.forecast.notebook import forecast_notebook
from core.lstm.layer import describe_outputs, lstm_param_count, stack_shapes
from core.lstm.notebook import LstmChoices, lstm_notebook, stack_works
from core.shared.notebook import Notebook, file_name
from core.speech import reader as speech
from core.speech.notebook import speech_notebook

# Random settings within the widgets' ranges, seeded: a failure names its draw in the test's parameters.
RNG = np.random.default_rng(11)


def run_notebook(notebook: Notebook) -> str:
    """Execute `notebook` in a fresh kernel, in a folder of its own (it saves its model); everything its cells
    printed, in order."""
    parsed = nbformat.reads(notebook.to_bytes("a page").decode(), as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        NotebookClient(parsed, timeout=600, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
    return "".join(
        output.get("text", "")
        for cell in parsed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


def printed(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in the notebook's output:\n{text}"
    return found.group(1)


def random_conv_spec(rng: np.random.Generator) -> tuple[ConvSpec, int]:
    """Settings within the page's widgets' ranges that the page accepts (the filter fits the padded input)."""
    while True:
        padding = rng.choice(["number", "valid", "same"])
        spec = ConvSpec(
            int(rng.integers(1, 65)),
            int(rng.integers(1, 65)),
            int(rng.integers(1, 5)),
            int(rng.integers(1, 12)),
            int(rng.integers(1, 9)),
            int(rng.integers(0, 11)) if padding == "number" else str(padding),
            int(rng.integers(1, 9)),
        )
        try:
            conv_geometry(spec)
        except ValueError:
            continue
        return spec, int(rng.integers(0, 10_000))


CONV_CASES = [(ConvSpec(6, 6, 3, 3, 1, 0, 2), 0), random_conv_spec(np.random.default_rng(7))]


@pytest.mark.parametrize(("spec", "seed"), CONV_CASES, ids=["page defaults", "random settings"])
def test_the_convolution_notebook_gives_the_page_s_shape_parameters_and_values(spec, seed):
    geometry = conv_geometry(spec)
    text = run_notebook(conv_notebook(spec, seed))
    shape = str(geometry.output_shape)
    assert printed(r"output shape \(formula\): (\(.*\))", text) == shape
    assert printed(r"output shape \(Keras\): (\(.*\))", text) == shape
    assert int(printed(r"parameters \(Keras\): (\d+)", text)) == geometry.num_params
    x, kernels, bias = random_layer(spec, seed)
    expected = float(convolve_by_hand(x, kernels, bias, geometry)[0, 0, 0])
    assert float(printed(r"by hand: (\S+)", text)) == expected
    assert printed(r"the same as Keras: (\w+)", text) == "True"


def random_lstm_choices(rng: np.random.Generator) -> LstmChoices:
    """Sizes, switches and a stack within the page's widgets' ranges (the stack may be one Keras cannot build)."""
    count = int(rng.choice([2, 3]))
    stack = tuple((int(rng.integers(1, 33)), bool(rng.integers(0, 2))) for _ in range(count))
    sizes = (int(rng.integers(1, 9)), int(rng.integers(1, 31)), int(rng.integers(1, 17)), int(rng.integers(1, 33)))
    return LstmChoices(*sizes, int(rng.integers(0, 10_000)), bool(rng.integers(0, 2)), True, stack)


LSTM_CASES = [
    LstmChoices(2, 5, 3, 4, 0, False, False, ((8, True), (4, False))),
    random_lstm_choices(np.random.default_rng(7)),
    LstmChoices(1, 1, 16, 32, 9999, False, True, ((4, False), (2, False))),  # a stack Keras cannot build
]


@pytest.mark.parametrize("choices", LSTM_CASES, ids=["page defaults", "random settings", "smallest and largest"])
def test_the_lstm_notebook_returns_the_page_s_shapes_and_its_gates_agree(choices):
    text = run_notebook(lstm_notebook(choices))
    b, t, u = choices.batch, choices.timesteps, choices.units
    shapes = {
        "whole_sequence_output": (b, t, u),
        "output": (b, u),
        "final_hidden_state": (b, u),
        "final_cell_state": (b, u),
    }
    for _, name in describe_outputs(choices.return_sequences, choices.return_state):
        assert printed(rf"{name}: shape (\(.*\))", text) == str(shapes[name])
    assert int(printed(r"parameters \(Keras\): (\d+)", text)) == lstm_param_count(u, choices.features)
    assert printed(r"equals Keras's: (\w+)", text) == "True"
    page_stack = stack_shapes(b, t, choices.features, list(choices.stack))
    if stack_works(choices.stack):
        notebook_shapes = re.findall(r"output shape \((None, .*?)\)\n", text)
        assert [f"({shape})" for shape in notebook_shapes] == [
            str((None, *layer.output_shape[1:])) for layer in page_stack
        ]
    else:
        assert any(layer.problem for layer in page_stack)


def random_ctc_case(rng: np.random.Generator) -> tuple[str, int, int]:
    """A label of 1 to 4 letters or digits and a T from 1 to 12 that it fits in (the page draws nothing else)."""
    while True:
        label = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), int(rng.integers(1, 5))))
        steps = int(rng.integers(1, 13))
        alphabet = ctc.Alphabet("".join(sorted(set(label))))
        if steps >= ctc.min_steps(alphabet.encode(label)):
            return label, steps, int(rng.integers(0, 10_000))


@pytest.mark.parametrize(
    ("label", "steps", "seed"),
    [("aab", 5, 0), random_ctc_case(np.random.default_rng(7)), ("z", 1, 9999)],
    ids=["page defaults", "random settings", "shortest"],
)
def test_the_ctc_notebook_counts_scores_and_decodes_as_the_page_does(label, steps, seed):
    alphabet = ctc.label_alphabet(label)  # as the page makes it
    probs = ctc.random_frames(steps, alphabet.classes, seed)
    text = run_notebook(ctc_notebook(label, alphabet, probs))
    classes = alphabet.encode(label)
    assert int(printed(r"([\d,]+) alignments? of", text).replace(",", "")) == ctc.count_alignments(classes, steps)
    loss = ctc.forward(np.log(probs), classes).loss
    assert float(printed(r"loss = -log p = (\S+)", text)) == pytest.approx(loss, abs=1e-4)
    assert float(printed(r"Keras's loss: (\S+)", text)) == pytest.approx(loss, abs=1e-3)
    path, _ = ctc.best_path(probs)
    assert printed(r"best path: '(.*)'", text) == alphabet.decode(ctc.collapse(path))


def random_forecast_case(rng: np.random.Generator) -> tuple[forecast.ModelSettings, int, int]:
    """Series, look_back and model within the page's widgets' ranges, drawn until the windows fit the series."""
    while True:
        series = forecast.SeriesConfig(
            length=int(rng.integers(2, 31)) * 100,
            noise=round(float(rng.integers(0, 41)) * 0.05, 2),
            seed=int(rng.integers(0, 10_000)),
            split=round(float(rng.integers(10, 20)) * 0.05, 2),
        )
        settings = forecast.ModelSettings(
            series, int(rng.integers(2, 81)), int(rng.integers(1, 51)) * 4, int(rng.integers(0, 26)) * 4
        )
        try:
            forecast.split_windows(forecast.make_series(series), settings.look_back)
        except ValueError:
            continue
        return settings, int(rng.integers(1, 201)), int(rng.integers(4, 257))


FORECAST_CASES = [
    (forecast.ModelSettings(forecast.SeriesConfig(), 10, 100, 0), 50, 20),
    random_forecast_case(np.random.default_rng(7)),
    (forecast.ModelSettings(forecast.SeriesConfig(), forecast.LONG_LOOK_BACK, 32, 0, True), 60, 32),
]


@pytest.mark.parametrize(
    ("settings", "epochs", "batch_size"), FORECAST_CASES, ids=["page defaults", "random settings", "long memory"]
)
def test_the_forecasting_notebook_trains_the_page_s_model_on_the_page_s_windows(settings, epochs, batch_size):
    text = run_notebook(forecast_notebook(settings, epochs, batch_size, quick=True))
    series = forecast.make_series(settings.series)
    windows = forecast.split_windows(series, settings.look_back)
    assert printed(r"training inputs: (\(.*?\))", text) == str(windows.x_train.shape)
    assert printed(r"test inputs: (\(.*?\))", text) == str(windows.x_test.shape)
    expected = (
        forecast.long_memory_param_count(settings.units)
        if settings.long_memory
        else forecast.forecaster_param_count(settings.units, settings.second_layer_units)
    )
    assert int(printed(r"parameters: ([\d,]+)", text).replace(",", "")) == expected
    floor = float(np.sqrt(np.mean((series.clean - series.noisy)[series.train_size :] ** 2)))
    assert float(printed(r"noise floor: RMSE (\S+)", text)) == pytest.approx(floor, abs=1e-3)


def notebooks_at_defaults_and_extremes() -> dict[str, Notebook]:
    """Every notebook the app makes, for its page's defaults and for the ends of its widgets' ranges."""
    smallest_stack, largest_stack = ((1, False), (1, False)), ((32, True), (32, True), (32, False))
    series_ends = [
        forecast.SeriesConfig(length=200, noise=0.0, seed=0, split=0.5),
        forecast.SeriesConfig(length=3000, noise=2.0, seed=9999, split=0.95),
    ]
    captcha_alphabet = ctc.Alphabet(captcha.ALPHABET)
    return {
        "conv defaults": conv_notebook(ConvSpec(6, 6, 3, 3, 1, 0, 2), 0),
        "conv smallest": conv_notebook(ConvSpec(1, 1, 1, 1, 1, 0, 1), 0),
        **{
            f"conv largest, padding {padding}": conv_notebook(ConvSpec(64, 64, 4, 11, 8, padding, 8), 9999)
            for padding in (10, "valid", "same")
        },
        "cifar defaults": cifar_notebook(cifar.CifarConfig.basic(), 5, 32, 5_000, 0.1),
        "cifar improved, smallest training": cifar_notebook(cifar.CifarConfig.improved(), 1, 16, 1_000, 0.05),
        "cifar no dense layer, largest training": cifar_notebook(
            cifar.CifarConfig(filters=(512,) * 5, convs_per_block=(1,) * 5, dense_units=0, dropout=0.6),
            50,
            256,
            50_000,
            0.3,
        ),
        "cifar quick": cifar_notebook(cifar.CifarConfig.basic(), 5, 32, 5_000, 0.1, quick=True),
        **{
            f"lstm sequences {sequences}, state {state}, {size}": lstm_notebook(
                LstmChoices(*sizes, sequences, state, stack)
            )
            for sequences in (False, True)
            for state in (False, True)
            for size, sizes, stack in (
                ("smallest", (1, 1, 1, 1, 0), smallest_stack),
                ("largest", (8, 30, 16, 32, 9999), largest_stack),
            )
        },
        "lstm defaults": lstm_notebook(LstmChoices(2, 5, 3, 4, 0, False, False, ((8, True), (4, False)))),
        "forecast defaults": forecast_notebook(forecast.ModelSettings(forecast.SeriesConfig(), 10, 100, 0), 50, 20),
        **{
            f"forecast series end {index}": forecast_notebook(
                forecast.ModelSettings(series, look_back, units, second), epochs, batch_size
            )
            for index, (series, look_back, units, second, epochs, batch_size) in enumerate(
                [(series_ends[0], 80, 4, 0, 1, 4), (series_ends[1], 2, 200, 100, 200, 256)]
            )
        },
        "forecast long memory": forecast_notebook(
            forecast.ModelSettings(series_ends[0], forecast.LONG_LOOK_BACK, 4, 0, True), 1, 4
        ),
        **{
            f"ctc {label!r}, T = {steps}": ctc_notebook(
                label, ctc.label_alphabet(label), ctc.random_frames(steps, ctc.label_alphabet(label).classes, 0)
            )
            for label, steps in [("aab", 5), ("z", 1), ("abba", 5), ("a", 12), ("abcd", 12)]
        },
        "ctc greedy disagrees": ctc_notebook("a", *ctc.GREEDY_DISAGREES),
        "ctc captcha frames": ctc_notebook(
            "2b3c4", captcha_alphabet, ctc.random_frames(50, captcha_alphabet.classes, 0)
        ),
        **{
            f"captcha {epochs} epochs, patience {patience}": captcha_notebook(epochs, patience)
            for epochs, patience in [(100, 10), (1, 0), (200, 1), (200, 50)]
        },
        **{f"speech {epochs} epochs": speech_notebook(epochs, "george") for epochs in (1, 10, 60)},
    }


# A condition the generator already knew (`… if True else …`), and a count of one with a plural noun.
LITERAL_CONDITION = re.compile(r"\b(?:if|elif) (?:True|False|None|\d+)\b")
ONE_WITH_PLURAL = re.compile(
    r"(?<![\d.,+] )(?<![\d.,])\b1 (?:alignments|steps|epochs|classes|symbols|states|filters|units|layers|pictures|"
    r"captchas|recordings|digits|windows|values|blocks|characters)\b|\bclasses 1 to 1\b"
)
NOTEBOOKS = notebooks_at_defaults_and_extremes()


@pytest.mark.parametrize("notebook", NOTEBOOKS.values(), ids=NOTEBOOKS.keys())
def test_a_notebook_reads_plainly_at_the_defaults_and_the_widgets_ends(notebook):
    """Test that no generated line tests a literal (`if True`) or counts one with a plural noun ("1 steps")."""
    for cell in notebook.cells:
        assert not LITERAL_CONDITION.search(cell.text), cell.text
        assert not ONE_WITH_PLURAL.search(cell.text), cell.text
        if cell.kind == "code":
            compile(cell.text, "cell", "exec")  # what is written for each setting is still Python


@pytest.mark.parametrize("label", ["z", "ab", "aa", "abba"])
def test_the_ctc_notebook_prints_one_alignment_and_one_step_in_the_singular(label, capsys):
    """Test that the CTC notebook prints a count of one in the singular ("1 alignment", "1 step") for every T."""
    alphabet = ctc.label_alphabet(label)
    for steps in range(ctc.min_steps(alphabet.encode(label)), 13):
        notebook = ctc_notebook(label, alphabet, ctc.random_frames(steps, alphabet.classes, 0))
        frames, alignments = [cell.text for cell in notebook.cells if cell.kind == "code"][:2]
        namespace: dict = {}
        exec(frames, namespace)  # NumPy and a Keras import: no kernel needed for these two cells
        capsys.readouterr()
        exec(alignments, namespace)
        count = ctc.count_alignments(alphabet.encode(label), steps)
        said = capsys.readouterr().out
        assert said.startswith(f"{count:,} {'alignment' if count == 1 else 'alignments'} of {label!r} "), said
        assert f"to T = {steps} {'step' if steps == 1 else 'steps'} (" in said


def test_a_notebook_is_valid_and_names_its_page_and_settings():
    made = conv_notebook(ConvSpec(6, 6, 3, 3, 1, "same", 2), 0).to_bytes("Convolution layer")
    notebook = nbformat.reads(made.decode(), as_version=4)
    nbformat.validate(notebook)
    first = notebook.cells[0].source
    assert "**Convolution layer** page" in first and "padding: **same**" in first
    assert all(cell.source.strip() for cell in notebook.cells)
    assert not any("core." in cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert json.loads(nbformat.writes(notebook))["nbformat"] == 4
    assert file_name("CIFAR-10 CNN") == "cifar-10-cnn.ipynb"


@pytest.mark.parametrize(
    "config",
    [cifar.CifarConfig.basic(), cifar.CifarConfig.improved(), cifar.CifarConfig(dense_units=0, global_pool=True)],
    ids=["the slides' model", "the improved model", "global pooling, no dense layer"],
)
def test_the_cifar_notebook_builds_the_page_s_model_and_trains_it(config, cifar10_dir, monkeypatch):
    monkeypatch.setenv("CIFAR10_DIR", str(cifar10_dir))  # the kernel reads its pictures from the offline copy
    text = run_notebook(cifar_notebook(config, 5, 32, 1_000, 0.1, quick=True))
    assert int(printed(r"parameters: ([\d,]+)", text).replace(",", "")) == cifar.build_model(config).count_params()
    assert printed(r"training pictures: (\(.*?\))", text) == "(200, 32, 32, 3)"
    assert 0 <= float(printed(r"test accuracy: ([\d.]+)%", text)) <= 100


@pytest.mark.parametrize(("epochs", "patience"), [(100, 10), (int(RNG.integers(1, 201)), int(RNG.integers(0, 51)))])
def test_the_captcha_notebook_builds_the_page_s_reader_and_reads(epochs, patience, captcha_dir, monkeypatch):
    monkeypatch.setenv("CAPTCHA_DIR", str(captcha_dir))  # the kernel reads the offline copy
    text = run_notebook(captcha_notebook(epochs, patience, quick=True))
    assert int(printed(r"parameters: ([\d,]+)", text).replace(",", "")) == captcha.build_model().count_params()
    assert printed(r"captchas: (\(.*?\))", text) == "(120, 200, 50, 1)"
    assert 0 <= float(printed(r"exact match on the validation captchas: ([\d.]+)%", text)) <= 100


@pytest.mark.parametrize(("epochs", "voice"), [(10, "george"), (int(RNG.integers(1, 61)), None)])
def test_the_speech_notebook_builds_the_page_s_reader_and_reads_a_wav_file(epochs, voice, fsdd_dir, monkeypatch):
    monkeypatch.setenv("FSDD_DIR", str(fsdd_dir))  # the kernel reads the offline copy
    voices = sorted({path.stem.split("_")[1] for path in fsdd_dir.rglob("*.wav")})
    voice = voice or voices[int(RNG.integers(0, len(voices)))]
    text = run_notebook(speech_notebook(epochs, voice, quick=True))
    assert int(printed(r"parameters: ([\d,]+)", text).replace(",", "")) == speech.build_model().count_params()
    assert re.search(rf"{voice} said \d; the reader heard '\d*'", text), text
