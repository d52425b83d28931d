"""The spoken-digit reader: features, the speaker split, joined utterances, the model's shapes, training, reading."""

import re
import subprocess
import sys

import numpy as np
import pytest

from core.ctc import algorithm as ctc
from core.shared import assets
from core.shared.datasets import DatasetUnavailable, load_fsdd_files
from core.speech import audio, sound_features, utterances
from core.speech import reader as speech


@pytest.fixture(scope="module")
def shipped() -> utterances.Clips:
    return utterances.load_clips(assets.SPEECH_SAMPLES)


def test_shipped_clips_hold_every_digit_of_every_speaker(shipped):
    """Test the page's offline clips: 10 digits × 5 speakers, at 8 kHz."""
    assert len(shipped) == 50
    for name in shipped.speaker_names:
        assert sorted(shipped.of_speakers([name]).digits.tolist()) == list(range(10))


def test_fsdd_folder_and_names(fsdd_dir, tmp_path):
    """Test FSDD_DIR's layout: the recordings folder or its parent, badly named files left out, empty refused."""
    files = load_fsdd_files(fsdd_dir)
    assert len(files.paths) >= 2500 and set(files.digits) == set(range(10))
    assert load_fsdd_files(fsdd_dir.parent / fsdd_dir.name).paths == files.paths
    (tmp_path / "notes.wav").write_bytes(b"x")
    with pytest.raises(DatasetUnavailable, match="no recordings"):
        load_fsdd_files(tmp_path)
    with pytest.raises(DatasetUnavailable, match="not a folder"):
        load_fsdd_files(tmp_path / "missing")


@pytest.mark.parametrize("warp", [0.85, 1.0, 1.15])
def test_mel_filterbank_covers_the_spectrum(warp):
    """Test 40 triangular filters over the 129 STFT bins, each one non-empty."""
    bank = sound_features.mel_filterbank(warp=warp)
    assert bank.shape == (sound_features.N_FFT // 2 + 1, sound_features.N_MELS)
    assert (bank.max(axis=0) > 0.3).all() and bank.min() >= 0


@pytest.mark.parametrize("samples", [1, 100, 256, 257, 384, 8000, 8001, 40_000])
def test_features_shape_and_normalisation(samples):
    """Test frames = 1 + (n − 256) // 128 (at least one), 40 bands, each band centred on zero."""
    x = sound_features.features(np.random.default_rng(samples).standard_normal(samples).astype(np.float32) * 0.1)
    assert x.shape == (max(1, 1 + (samples - sound_features.N_FFT) // sound_features.HOP), sound_features.N_MELS)
    assert np.allclose(x.mean(axis=0), 0, atol=1e-4)


def test_features_ignore_loudness():
    """Test that the same sound at a tenth of the level gives the same features (per-utterance normalisation)."""
    sound = np.random.default_rng(0).standard_normal(8000).astype(np.float32) * 0.3
    assert np.allclose(sound_features.features(sound), sound_features.features(sound / 10), atol=1e-3)


def test_model_output_steps_match_output_steps(shipped):
    """Test the reader's time steps for a sweep of lengths: one every 4 frames (rounded up), 11 classes."""
    model = speech.build_model(units=8)
    for frames in [1, 2, 3, 4, 5, 63, 64, 65, 310]:
        out = model.predict_on_batch(np.zeros((1, frames, sound_features.N_MELS), np.float32))
        assert out.shape == (1, sound_features.output_steps(frames), utterances.NUM_CLASSES)
        assert np.allclose(out.sum(axis=-1), 1, atol=1e-5)


def test_speaker_split_never_shares_a_voice():
    """Test held-out speakers are never trained on; unknown names and an empty training side are refused."""
    names = ["george", "jackson", "lucas", "nicolas", "yweweler"]
    speakers = [name for name in names for _ in range(3)]
    for held in names:
        split = utterances.split_speakers(speakers, [held])
        assert split.validation == (held,) and held not in split.training and len(split.training) == 4
    assert len(utterances.split_speakers(speakers).validation) == 1  # a seeded draw
    with pytest.raises(ValueError, match="unknown speaker"):
        utterances.split_speakers(speakers, ["theo"])
    with pytest.raises(ValueError, match="nobody is left"):
        utterances.split_speakers(speakers, names)


def test_batches_say_every_count_and_differ_in_length_first(shipped):
    """Test one digit count per batch, cycling through 1…5, the first two batches of different lengths."""
    counts = [utterances.digits_in_batch(i) for i in range(10)]
    assert sorted(counts[:5]) == [1, 2, 3, 4, 5] and counts[:2] == [1, 5]
    data = utterances.batches(shipped, 5, 4, 0, utterances.Augmentation())
    shapes = []
    for index in range(5):
        x, y = data[index]
        shapes.append(x.shape[1])
        assert x.shape[0] == 4 and x.shape[2] == sound_features.N_MELS and x.dtype == np.float32
        assert ((y > 0).sum(axis=1) == utterances.digits_in_batch(index)).all()
        assert y.max() <= 10 and y.min() >= 0
        # Every label fits the steps CTC has, blanks between repeats included.
        assert sound_features.output_steps(x.shape[1]) >= 2 * utterances.MAX_DIGITS + 1
    assert shapes[0] != shapes[1]


def test_fixed_utterances_are_the_same_every_time(shipped):
    """Test that validation and evaluation sequences depend on the seed only, and keep to one speaker each."""
    first = utterances.fixed_utterances(shipped, 5, 7, 2, 5)
    again = utterances.fixed_utterances(shipped, 5, 7, 2, 5)
    assert [u.digits for u in first] == [u.digits for u in again]
    assert all(np.array_equal(a.samples, b.samples) for a, b in zip(first, again, strict=True))
    assert all(2 <= len(u.digits) <= 5 for u in first)


def test_augmentation_stays_in_range(shipped):
    """Test varied utterances: finite, within [-1, 1], speed changing the length within its range."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        utterance = utterances.random_utterance(shipped, rng, utterances.Augmentation(), 3)
        assert np.isfinite(utterance.samples).all() and np.abs(utterance.samples).max() <= 1.0
        assert 0.85 <= utterance.warp <= 1.15


@pytest.mark.parametrize("truth, read, distance", [("", "", 0), ("123", "123", 0), ("123", "13", 1), ("12", "345", 3)])
def test_edit_distance(truth, read, distance):
    assert ctc.edit_distance(truth, read) == distance


def test_a_short_training_lowers_the_loss(shipped):
    """Test 3 epochs of 8 batches: the loss on a fixed batch falls."""
    model = speech.build_model(units=32)
    x, y = utterances.make_batch(shipped, 16, np.random.default_rng(1), utterances.CLEAN, 2)
    before = float(model.evaluate(x, y, verbose=0))
    setup = speech.TrainingSetup(epochs=3, steps_per_epoch=8, batch_size=16)
    history = speech.train(model, shipped, None, setup)
    assert history.epochs == 3
    assert float(model.evaluate(x, y, verbose=0)) < before


@pytest.fixture(scope="module")
def reader():
    return assets.load_model(assets.SPEECH_MODEL, compile=False)


@pytest.mark.parametrize("digits", ["7", "41", "338", "2026", "50612"])
@pytest.mark.parametrize("speaker", ["george", "yweweler"])
def test_shipped_reader_reads_joined_clips(reader, shipped, digits, speaker):
    """Test the shipped reader on utterances the page joins (voices it trained on), through the page's path."""
    samples = utterances.say(shipped.of_speakers([speaker]), digits, np.random.default_rng(len(digits)))
    prepared = speech.prepare(audio.read_audio(audio.wav_bytes(samples)))
    assert speech.read(reader, prepared.samples).text == digits


@pytest.mark.parametrize("digits", ["1111", "1212", "90099"])
def test_a_repeated_digit_is_said_by_another_take(fsdd_dir, digits, monkeypatch):
    """Test that "1111" joins four different takes of one where the voice has them, and one take where it has one."""
    joined = []
    monkeypatch.setattr(utterances, "join_clips", lambda sounds, rng, augmentation: joined.append(sounds))
    many = utterances.load_clips(fsdd_dir).of_speakers(["lucas"])
    one = utterances.load_clips(assets.SPEECH_SAMPLES).of_speakers(["lucas"])
    for clips, expected in ((many, len(digits)), (one, len(set(digits)))):
        utterances.say(clips, digits, np.random.default_rng(0))
        sounds = joined.pop()
        takes = {sound.tobytes(): int(digit) for sound, digit in zip(clips.sounds, clips.digits, strict=True)}
        assert [takes[sound.tobytes()] for sound in sounds] == [int(digit) for digit in digits]
        assert len({sound.tobytes() for sound in sounds}) == expected


def test_evaluate_command_prints_the_figures(fsdd_dir, tmp_path):
    """Test `python -m core evaluate speech` on one speaker's folder: its last line, in the issue's format."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for path in sorted(fsdd_dir.glob("recordings/*_lucas_[0-4].wav")):
        (folder / path.name).write_bytes(path.read_bytes())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "evaluate",
            "speech",
            "--model",
            str(assets.SPEECH_MODEL),
            "--data",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"digit_accuracy=(\S+) sequence_exact=(\S+) der=(\S+) n=(\d+)", last)
    assert match, last
    assert int(match[4]) == 50 + speech.EVALUATION_SEQUENCES
    assert float(match[1]) >= 0.9  # a voice it trained on


def test_pauses_carry_the_clips_background(shipped):
    """Test joined clips' pauses: noise at their neighbours' background level, not digital silence."""
    clips = shipped.of_speakers(["nicolas"])  # the noisiest recordings
    sounds = list(clips.sounds[:3])
    rng = np.random.default_rng(0)
    joined = utterances.join_clips(sounds, rng, utterances.CLEAN)
    first_pause = joined[: int(0.04 * audio.RATE)]
    scaled = sounds[0] * utterances.JOIN_PEAK / np.max(np.abs(sounds[0]))
    assert np.sqrt(np.mean(first_pause**2)) == pytest.approx(audio.background_level(scaled), rel=0.5)


def test_shipped_reader_reads_single_clips_as_recorded(reader, shipped):
    """Test the 50 shipped clips one by one, with their own background and no added pause (voices it trained on)."""
    texts = [
        speech.read(reader, speech.prepare(audio.Audio(sound, audio.RATE)).samples).text for sound in shipped.sounds
    ]
    right = sum(text == str(digit) for text, digit in zip(texts, shipped.digits, strict=True))
    assert right >= 45, texts


def test_reading_any_length_traces_the_predict_step_once(shipped):
    """Test 15 lengths from 0.3 s to 20 s and a batch read by a reader just loaded: Keras's predict step is traced
    once (it was twice a model, and TensorFlow logged "triggered tf.function retracing" once a few readers had
    been read), and every reading is the one Keras's own `predict_on_batch` gives."""
    fresh = assets.load_model(assets.SPEECH_MODEL, compile=False)
    plain = assets.load_model(assets.SPEECH_MODEL, compile=False)
    said = utterances.say(shipped.of_speakers(["george"]), "2026", np.random.default_rng(0))
    recordings = [np.resize(said, int(seconds * audio.RATE)) for seconds in np.linspace(0.3, 20.0, 15)]
    readings = [speech.read(fresh, recording) for recording in recordings]
    texts = speech.read_many(fresh, recordings[:4] * 3)
    assert len({reading.features.shape[0] for reading in readings}) == 15
    assert fresh.predict_function.experimental_get_tracing_count() == 1
    for recording, reading in zip(recordings, readings, strict=True):
        x = sound_features.features(speech.padded(recording))[np.newaxis]
        expected = np.asarray(plain.predict_on_batch(x))[0]
        np.testing.assert_allclose(reading.probabilities, expected, atol=1e-5)
        assert reading.text == speech.greedy_text(expected)
    assert texts == [reading.text for reading in readings[:4]] * 3
    assert readings[2].text.startswith("2026")  # 3.1 s: "2026", then the start of its repeat


@pytest.mark.parametrize("mel", [False, True])
def test_sound_pictures_run_one_way_from_dark_without_a_pink_floor(shipped, mel):
    """Test the spectrograms' scale: no stop "#000004" (drawn light pink in the browser), darkest first."""
    from core.speech.plots import spectrogram_figure

    figure = spectrogram_figure(shipped.sounds[0], 256, 128, mel=mel)
    colours = [colour for _, colour in figure.data[0].colorscale]
    assert "#000004" not in colours and colours[0] == "#180f3d" and colours[-1] == "#fcfdbf"


def test_the_spectrogram_says_its_darkest_colour_holds_everything_quieter(shipped):
    """Test that the spectrogram's clipped floor is named on its colour bar (≤ loudest − 80 dB), not drawn unsaid."""
    from core.speech.plots import SPECTROGRAM_RANGE_DB, spectrogram_figure

    heatmap = spectrogram_figure(shipped.sounds[0], 256, 128).data[0]
    floor = float(np.min(heatmap.z))
    assert np.isclose(float(np.max(heatmap.z)) - floor, SPECTROGRAM_RANGE_DB)
    assert heatmap.colorbar.ticktext[0] == f"≤ {floor:.0f}" and np.isclose(heatmap.colorbar.tickvals[0], floor)


@pytest.mark.parametrize("kind", ["from scratch", "pretrained ear"])
@pytest.mark.parametrize("steps", [1, 6, 40])
def test_the_reading_chart_names_every_class_whatever_its_height(kind, steps):
    """Test that the reading chart's class axis labels all 11 classes, ε and 0 to 9, at any height and length."""
    from core.speech import ear, ear_reader
    from core.speech.plots import reading_figure

    rng = np.random.default_rng(steps)
    probabilities = rng.dirichlet(np.ones(utterances.NUM_CLASSES), steps).astype(np.float32)
    if kind == "from scratch":
        features = rng.standard_normal((steps * 4, sound_features.N_MELS)).astype(np.float32)
        reading = speech.Reading(features, probabilities, "")
    else:
        hearing = ear.Hearing(rng.standard_normal((steps * 8, 32)), rng.standard_normal((steps, 96)))
        reading = ear_reader.EarReading(hearing, probabilities, "")
    figure = reading_figure(reading)
    [axis] = [axis for axis in figure.select_yaxes() if axis.title.text == "class"]
    for height in (200, 400, 720, 1200):
        figure.update_layout(height=height)
        assert axis.tickmode == "array" and list(axis.ticktext) == ["ε", *"0123456789"]
        assert list(axis.tickvals) == list(axis.ticktext)  # each label on its own row, the rows being categories


@pytest.mark.parametrize("peak", [*np.geomspace(0.01, 1.0, 9).round(4), 0.045, 0.95])  # 0.045: the walkthrough's
def test_the_cut_chart_scales_its_amplitude_to_the_recording_and_says_its_peak(peak):
    """Test that the cut chart's amplitude axis is symmetric, just above the peak, at most ±1, and says the peak."""
    from core.shared.chart_text import chart_text
    from core.speech.plots import cut_figure

    samples = (peak * np.sin(np.linspace(0, 60 * np.pi, 16_000))).astype(np.float32)
    figure = cut_figure(samples, [(1_000, 5_000), (8_000, 12_000)], ["zero", "one"], [False, True])
    bottom, top = figure.layout.yaxis.range
    assert bottom == -top
    assert top <= min(1.2 * peak, 1.0) and (top > peak or top == 1.0)  # a loud one: full scale, never beyond
    assert f"peak {peak:.2g}" in figure.layout.title.text
    assert f"loudest sample at {peak:.2g} of full scale" in chart_text(figure)
