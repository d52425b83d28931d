"""The page's reader: the pretrained ear's embeddings read by the class's BiGRU + CTC head."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from core.shared import assets
from core.speech import ear, ear_reader, enrolment, readers, utterances
from core.speech import reader as speech


@pytest.fixture(scope="module")
def shipped() -> utterances.Clips:
    return utterances.load_clips(assets.SPEECH_SAMPLES)


def test_the_head_reads_the_ear_and_the_scratch_reader_the_bands():
    """Test that a model says which reader it is by its input: 96 numbers a step or 40 mel bands."""
    assert readers.hears_embeddings(ear_reader.build_head(units=8))
    assert not readers.hears_embeddings(speech.build_model(units=8))


def test_padding_in_a_batch_is_never_heard(shipped):
    """Test that sounds heard together in one padded batch give the embeddings each gives alone."""
    sounds = [ear_reader.at_ear(sound) for sound in shipped.sounds[:6]]
    together = ear_reader.hear_sounds(sounds)
    for sound, heard in zip(sounds, together, strict=True):
        alone = ear.hear(sound).embeddings
        np.testing.assert_allclose(heard.embeddings.astype(np.float32), alone, atol=0.05)  # float16 storage


@pytest.mark.parametrize("digits", [1, 3, 5])
def test_every_training_utterance_has_steps_for_its_digits(shipped, digits):
    """Test that CTC can place every digit: at least as many ear steps as labels plus repeats."""
    heard = ear_reader.hear_utterances(shipped, 8, seed=digits, augmentation=utterances.Augmentation())
    for h, label in zip(heard.heard, heard.labels, strict=True):
        said = label[label > 0]
        repeats = int(np.sum(said[1:] == said[:-1]))
        assert len(h.embeddings) >= len(said) + repeats
        assert h.embeddings.shape[1] == ear.EMBEDDING and h.quiet.shape == (ear.EMBEDDING,)


def test_the_head_learns_on_a_tiny_set(shipped):
    """Test that a small head's CTC loss falls to under half its first epoch's on 128 utterances of the shipped clips."""
    setup = ear_reader.HeadSetup(epochs=6, utterances=128, batch_size=16)
    training = ear_reader.heard_training(shipped, setup)
    head = ear_reader.build_head(units=32, steps=setup.epochs * setup.steps_per_epoch)
    history = ear_reader.train_head(head, training, None, setup)
    losses = history.metrics["loss"]
    assert len(losses) == 6 and losses[-1] < 0.5 * losses[0]


@pytest.fixture(scope="module")
def page_reader():
    if not assets.SPEECH_HEAD_MODEL.exists():
        pytest.fail(f"the page's reader is shipped: {assets.SPEECH_HEAD_MODEL}")
    return assets.load_model(assets.SPEECH_HEAD_MODEL, compile=False)


def test_the_shipped_head_reads_the_shipped_clips_and_sequences(page_reader, shipped):
    """Test the page's reader on its own training voices: single clips and joined sequences, by `readers`."""
    scores = readers.evaluate(page_reader, shipped, sequences=40)
    assert scores.digit_accuracy >= 0.95 and scores.sequence_exact >= 0.85


def test_reading_alone_and_in_a_batch_agree(page_reader, shipped):
    """Test that `read` (one recording, no padding) and `read_many` (batched, padded with quiet) give one text."""
    rng = np.random.default_rng(3)
    recordings = [
        utterances.say(shipped.of_speakers([name]), "".join(map(str, rng.integers(0, 10, 3))), rng)
        for name in shipped.speaker_names
    ]
    alone = [readers.read(page_reader, r).text for r in recordings]
    assert readers.read_many(page_reader, recordings) == alone


def test_enrolling_adapts_the_head_only(page_reader, shipped):
    """Test that teaching a voice changes the head's weights and leaves the shared ear untouched."""
    head = assets.load_model(assets.SPEECH_HEAD_MODEL, compile=False)
    ear_before = [w.copy() for w in ear.ear().get_weights()]
    head_before = [w.copy() for w in head.get_weights()]
    own = shipped.of_speakers(["lucas"])
    setup = enrolment.HeadEnrolmentSetup(heard=32, epochs=1)
    enrolment.adapt_head(head, own, shipped.of_speakers(["george", "jackson"]), setup)
    assert any(not np.array_equal(a, b) for a, b in zip(head_before, head.get_weights(), strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(ear_before, ear.ear().get_weights(), strict=True))


def test_the_pages_head_training_stops_while_the_ear_listens(fsdd_dir, monkeypatch):
    """Test the Train tab's head training in a worker process: Stop pressed while the ear hears the utterances ends
    it within seconds, as stopped early, with a head's weights back."""
    from core.shared.jobs import TrainingJob
    from core.shared.training import TrainingQueue
    from core.shared.worker import TrainingTask, in_worker_process

    monkeypatch.setenv("FSDD_DIR", str(fsdd_dir))
    received = []
    task = TrainingTask(ear_reader.head_task, {"epochs": 2, "held_out": "george"})
    job = TrainingJob(in_worker_process(task, received.append), TrainingQueue(slots=1))
    job.start()
    stopped_at = None
    while job.active:
        if "listening" in job.progress_text and stopped_at is None:
            job.stop()
            stopped_at = time.monotonic()
        job.join(0.05)
    assert stopped_at is not None and time.monotonic() - stopped_at < 30
    assert job.status == "stopped" and job.error is None
    assert len(received) == 1 and len(received[0]) == len(ear_reader.build_head().get_weights())


def test_what_the_ear_heard_is_kept_and_read_back_the_same(shipped):
    """Test that a head training's heard utterances are kept on disk once heard whole, and read back equal; a
    training stopped while the ear listened keeps nothing."""
    import threading

    setup = ear_reader.HeadSetup(utterances=40)
    path = ear_reader.kept_path(shipped, setup)
    stopped = threading.Event()
    stopped.set()
    partly = ear_reader.heard_training_kept(shipped, dataclasses.replace(setup, utterances=600), stop=stopped)
    assert len(partly) < 600 and not ear_reader.kept_path(shipped, dataclasses.replace(setup, utterances=600)).exists()
    first = ear_reader.heard_training_kept(shipped, setup)
    assert path.exists()
    again = ear_reader.heard_training_kept(shipped, setup)
    np.testing.assert_array_equal(first.labels, again.labels)
    for a, b in zip(first.heard, again.heard, strict=True):
        np.testing.assert_array_equal(a.embeddings, b.embeddings)
        np.testing.assert_array_equal(a.quiet, b.quiet)
