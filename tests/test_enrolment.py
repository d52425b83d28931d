"""Teaching the reader a voice: the cut of "zero … nine" into digits, the adaptation as a job, the pieces' bookkeeping."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from core.shared import assets
from core.shared.jobs import TrainingJob
from core.shared.training import TrainingQueue
from core.shared.worker import TrainingTask, in_worker_process
from core.speech import audio, ear_reader, enrolment, utterances
from core.speech import reader as speech


@pytest.fixture(scope="module")
def reader():
    return assets.load_model(assets.SPEECH_MODEL, compile=False)


@pytest.fixture(scope="module")
def shipped() -> utterances.Clips:
    return utterances.load_clips(assets.SPEECH_SAMPLES)


def ten_digits(clips: utterances.Clips, speaker: str, said: str = "0123456789", seed: int = 0, snr_db: float = 60.0):
    """A recording of `said` by `speaker` as a student makes it: a pause of 0.3–0.7 s after each digit, carrying the
    room's background as the clips do (`utterances.join_clips`), under noise `snr_db` below the voice."""
    own = clips.of_speakers([speaker])
    sounds = [own.sounds[int(np.flatnonzero(own.digits == int(digit))[0])] for digit in said]
    room = dataclasses.replace(utterances.CLEAN, gap_s=(0.3, 0.7), snr_db=(snr_db, snr_db))
    return audio.Audio(utterances.join_clips(sounds, np.random.default_rng(seed), room), audio.RATE)


@pytest.mark.parametrize("speaker", ["george", "jackson", "lucas", "nicolas", "yweweler"])
@pytest.mark.parametrize("snr_db", [60.0, 20.0])
def test_ten_digits_are_cut_into_pieces_in_order(reader, shipped, speaker, snr_db):
    """Test every speaker in a quiet and a noisy room: pieces in order, at most a digit (two in the noise) to say
    again, the cut where the reader (which knows these voices, 0.98 of single clips) hears each piece as its digit
    but for a slip (two in the noise), what is not found said."""
    cut = enrolment.cut_digits(reader, ten_digits(shipped, speaker, snr_db=snr_db))
    found = [d for d in cut.digits if d is not None]
    assert found == sorted(found) and sorted(found + cut.missing) == list(range(10))
    assert len(cut.missing) <= (1 if snr_db >= 60 else 2)
    slips = 1 if snr_db >= 60 else 2
    assert sum(text == str(d) for d, text in zip(cut.digits, cut.heard, strict=True)) >= len(found) - slips
    assert set(cut.doubtful) == {d for d, t in zip(cut.digits, cut.heard, strict=True) if d is not None and t != str(d)}


def test_most_quiet_recordings_are_cut_complete(reader, shipped):
    """Test that in a quiet room the ten digits of at least four of the five voices are all found."""
    cuts = [enrolment.cut_digits(reader, ten_digits(shipped, speaker)) for speaker in shipped.speaker_names]
    assert sum(cut.complete for cut in cuts) >= 4


@pytest.mark.parametrize("left_out", [[0], [4], [9], [2, 7], [0, 1, 2]])
def test_a_digit_not_said_is_reported_missing(reader, shipped, left_out):
    """Test recordings that skip digits (first, middle, last, several): exactly those are missing, the rest in place."""
    said = "".join(str(d) for d in range(10) if d not in left_out)
    cut = enrolment.cut_digits(reader, ten_digits(shipped, "lucas", said))
    assert cut.missing == left_out and not cut.complete
    assert [d for d in cut.digits if d is not None] == [int(d) for d in said]


def test_a_digit_said_in_two_breaths_is_merged_back(reader, shipped):
    """Test eleven stretches of speech (a digit cut by a short pause of its own): the two closest are joined."""
    spans = [(i * 8000, i * 8000 + 3000) for i in range(10)]
    split = spans[:3] + [(24000, 25200), (25600, 27000)] + spans[4:]
    assert enrolment.merge_closest(split, 10)[3] == (24000, 27000)


@pytest.mark.parametrize("seconds, words", [(0.0, "silent"), (0.5, "silent")])
def test_a_silent_recording_is_refused_in_words(reader, seconds, words):
    """Test a silent recording: the audio's own sentence, no cut."""
    with pytest.raises(audio.AudioProblem, match=words):
        enrolment.cut_digits(reader, audio.Audio(np.zeros(int(seconds * audio.RATE) + 1, np.float32), audio.RATE))


def test_a_single_digit_is_one_piece_and_nine_missing(reader, shipped):
    """Test a recording too short for the ten digits: the digit it holds found, the nine others reported missing."""
    cut = enrolment.cut_digits(reader, ten_digits(shipped, "george", "7"))
    assert [d for d in cut.digits if d is not None] == [7] and cut.missing == [0, 1, 2, 3, 4, 5, 6, 8, 9]


def test_assign_digits_recovers_any_subset_read_right():
    """Test every subset of 1–9 digits of 0…9 (readings right): each piece gets its digit, in order."""
    for size in range(1, 10):
        for said in itertools.combinations(range(10), size):
            assert enrolment.assign_digits([str(d) for d in said]) == said


def test_assign_digits_keeps_order_when_the_reader_errs():
    """Test ten pieces whatever they read (zero to nine), and fewer pieces read wrong still given rising digits."""
    assert enrolment.assign_digits(["9"] * 10) == tuple(range(10))
    digits = enrolment.assign_digits(["1", "8", "8"])  # two agree at most: the 1 and one of the 8s
    assert digits[0] == 1 and 8 in digits[1:] and list(digits) == sorted(set(digits))
    digits = enrolment.assign_digits(["", "x", ""])
    assert list(digits) == sorted(set(digits)) and len(digits) == 3


def test_first_takes_pick_the_lowest_take_numbers(fsdd_dir):
    """Test `Clips.first_takes`: K clips per speaker and digit, the lowest take numbers, whatever the files' order."""
    clips = utterances.load_clips(fsdd_dir).of_speakers(["lucas"])
    for count in (1, 3):
        chosen = clips.subset(clips.first_takes(count))
        assert len(chosen) == 10 * count and set(chosen.takes.tolist()) == set(range(count))


@pytest.mark.parametrize("taught", [(), ("george",), ("lucas", "yweweler")])
def test_the_known_voices_leave_out_the_voice_being_taught(taught):
    """Test that an FSDD speaker being taught never joins the known half of the batches (a student never does)."""
    known = enrolment.known_voices(leaving_out=taught)
    everyone = ("george", "jackson", "lucas", "nicolas", "yweweler")
    assert known.speaker_names == tuple(name for name in everyone if name not in taught)
    assert len(known) == 10 * len(known.speaker_names)


def test_scores_combined_weigh_each_rate_by_what_it_counts():
    """Test that two speakers' scores combine into the scores of all their clips, sequences and digits together."""
    a = speech.Scores(1.0, 0.5, 0.1, 30, singles=10, sequences=20, digits=60)
    b = speech.Scores(0.5, 1.0, 0.4, 50, singles=30, sequences=20, digits=20)
    both = speech.Scores.combined([a, b])
    assert both.digit_accuracy == pytest.approx((10 + 15) / 40)
    assert both.sequence_exact == pytest.approx(0.75)
    assert both.der == pytest.approx((6 + 8) / 80)
    assert (both.n, both.singles, both.sequences, both.digits) == (80, 40, 40, 80)


@pytest.mark.parametrize("own_share", [0.5, 1.0])
def test_enrolment_runs_as_a_job_reports_batches_and_stops(shipped, own_share):
    """Test the page's enrolment in a worker process, with either teaching mix: batch progress, Stop after a batch,
    the head's weights back."""
    lucas = shipped.of_speakers(["lucas"])
    pieces = {int(digit): sound for digit, sound in zip(lucas.digits, lucas.sounds, strict=True)}
    received = []
    task = TrainingTask(enrolment.enrol_task, {"pieces": pieces, "own_share": own_share})
    job = TrainingJob(
        in_worker_process(task, received.append),
        TrainingQueue(slots=1),
    )
    job.start()
    seen = []
    while job.active:
        seen.append(job.progress_text)
        if "batch" in job.progress_text:  # the head's batches are short: stop at the first one seen
            job.stop()
        job.join(0.05)
    assert job.status == "stopped" and job.error is None
    assert any("batch" in text for text in seen)
    assert len(received) == 1 and len(received[0]) == len(ear_reader.build_head().get_weights())


def test_enrolment_with_a_broken_piece_fails_the_job_with_a_sentence():
    """Test a task that cannot train (no pieces): the job fails and says why, the server goes on."""
    job = TrainingJob(
        in_worker_process(TrainingTask(enrolment.enrol_task, {"pieces": {}}), lambda weights: None),
        TrainingQueue(slots=1),
    )
    job.start()
    job.join(300)
    assert job.status == "failed" and "needs the ten digits" in job.error
