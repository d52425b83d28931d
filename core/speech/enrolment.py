"""Teaching the spoken-digit reader one voice: "zero one two … nine" cut into its ten digits, then a short fine-tune.

A class is made of voices the shipped reader never heard (leave-one-speaker-out: single clips
0.74–0.93). One recording of the ten digits is enough to adapt it: the recording is cut at its
pauses into ten pieces, and the reader is fine-tuned on utterances joined and varied from those
pieces, with as many utterances by the voices it already knows in each batch so that it does
not forget them, at a learning rate ten times lower than its own training's.

The page cuts a student's recording with `cut_digits(reader, audio.read_audio(data))`, plays
each piece back, and asks again for the digits it could not find (`Cut.missing`); `enrol_task`
then adapts a copy of the reader in a worker process, as every training here runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.ctc import algorithm as ctc
from core.shared.training import History, Report, StopSignal, TrainingHooks
from core.speech import ear_reader, readers, utterances
from core.speech import reader as speech
from core.speech.audio import FRAME_S, RATE, Audio, frame_levels_db, trim_silence

DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MIN_PAUSE_S = 0.12  # a quieter stretch this long ends a piece (the pause within "seven" is shorter)
MIN_PIECE_S = 0.08  # shorter loud stretches are clicks, not digits
PIECE_MARGIN_S = 0.1  # kept on each side of a piece's loud part
LOUD_SHARE = 0.3  # speech is louder than this share of the way from the room's noise to the loudest frame
YOU = "you"  # the speaker's name of the enrolled pieces


@dataclass(frozen=True)
class Cut:
    """A recording of the ten digits cut at its pauses, each piece given the digit it most likely is."""

    samples: np.ndarray  # the recording, silence trimmed, at 8 kHz
    spans: tuple[tuple[int, int], ...]  # (start, stop) in samples of each piece, in order
    digits: tuple[int | None, ...]  # the digit each piece was taken for; None: a piece left over
    heard: tuple[str, ...]  # what the shipped reader reads in each piece

    @property
    def pieces(self) -> dict[int, np.ndarray]:
        """The sound of each digit found, by digit."""
        return {d: self.samples[a:b] for (a, b), d in zip(self.spans, self.digits, strict=True) if d is not None}

    @property
    def missing(self) -> list[int]:
        return [d for d in range(10) if d not in self.digits]

    @property
    def doubtful(self) -> list[int]:
        """Digits found where the reader heard something else: worth a listen (a new voice is why it errs)."""
        return [d for d, text in zip(self.digits, self.heard, strict=True) if d is not None and text != str(d)]

    @property
    def complete(self) -> bool:
        return not self.missing


def speech_spans(
    samples: np.ndarray, rate: int = RATE, loud_share: float = LOUD_SHARE, min_pause_s: float = MIN_PAUSE_S
) -> list[tuple[int, int]]:
    """Stretches of speech separated by pauses of at least `MIN_PAUSE_S`, in samples.

    A frame is speech when it is louder than `LOUD_SHARE` of the way (in dB) from the room's
    noise (the quietest tenth of the frames) to the loudest frame: a pause between two digits
    is quiet but not silent, and a fixed threshold would take a noisy room's pauses for speech.
    """
    size = max(1, int(FRAME_S * rate))
    levels = frame_levels_db(samples, rate)
    noise = np.percentile(levels, 10)
    loud = levels > noise * (1 - loud_share)
    spans, start, quiet = [], None, 0
    for index, is_loud in enumerate(loud):
        if is_loud:
            start = index if start is None else start
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet * FRAME_S >= min_pause_s:
                spans.append((start, index - quiet + 1))
                start, quiet = None, 0
    if start is not None:
        spans.append((start, len(loud) - quiet))
    return [(a * size, min(b * size, len(samples))) for a, b in spans if (b - a) * FRAME_S >= MIN_PIECE_S]


def merge_closest(spans: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    """Join the spans across their shortest pauses until `count` are left (a digit said in two breaths).

    Example:
        >>> merge_closest([(0, 10), (12, 20), (40, 50)], 2)
        [(0, 20), (40, 50)]
    """
    spans = list(spans)
    while len(spans) > count:
        gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)]
        i = int(np.argmin(gaps))
        spans[i : i + 2] = [(spans[i][0], spans[i + 1][1])]
    return spans


def assign_digits(heard: Sequence[str]) -> tuple[int | None, ...]:
    """The digit of each piece: pieces in order, digits 0…9 in order, as many readings agreeing as can.

    Ten pieces are 0…9. With fewer, each piece takes a digit after the one before it, chosen so
    that the most pieces are read as their digit (dynamic programming over pieces × digits); a
    digit no piece takes is missing.

    Example:
        >>> assign_digits(["0", "1", "3", "4"])
        (0, 1, 3, 4)
    """
    pieces = len(heard)
    if pieces >= 10:
        return tuple(range(10)) + (None,) * (pieces - 10)
    # best[i][d]: the most agreements for the first i pieces, the i-th taking a digit below d.
    best = np.full((pieces + 1, 11), -1, dtype=int)
    best[0, :] = 0
    for i in range(1, pieces + 1):
        for d in range(i, 11):
            agree = int(heard[i - 1] == str(d - 1))
            best[i, d] = max(best[i, d - 1], best[i - 1, d - 1] + agree)
    digits, d = [], 10
    for i in range(pieces, 0, -1):
        while best[i, d - 1] == best[i, d] and d - 1 >= i:
            d -= 1
        digits.append(d - 1)
        d -= 1
    return tuple(reversed(digits))


def widened(spans: list[tuple[int, int]], length: int, margin_s: float = PIECE_MARGIN_S) -> list[tuple[int, int]]:
    """Each span with up to `margin_s` more on each side, never past the middle of the pause to its neighbour.

    The loudness threshold cuts off a digit's soft start and end ("f" of four, "s" of six).

    Example:
        >>> widened([(800, 1600), (2000, 3000)], 4000, margin_s=0.1)
        [(0, 1800), (1800, 3800)]
    """
    margin = int(margin_s * RATE)
    bounds = [0] + [(a[1] + b[0]) // 2 for a, b in zip(spans, spans[1:], strict=False)] + [length]
    return [(max(a - margin, bounds[i]), min(b + margin, bounds[i + 1])) for i, (a, b) in enumerate(spans)]


def split_span(samples: np.ndarray, span: tuple[int, int], parts: int) -> list[tuple[int, int]]:
    """A stretch the reader hears several digits in, cut at shorter and shallower pauses into `parts` (if it can be)."""
    start, stop = span
    for loud_share, min_pause_s in ((0.45, 0.06), (0.6, 0.04), (0.75, 0.04)):
        inner = speech_spans(samples[start:stop], loud_share=loud_share, min_pause_s=min_pause_s)
        if len(inner) >= parts:
            return [(start + a, start + b) for a, b in merge_closest(inner, parts)]
    return [span]


def cut_digits(model, audio: Audio) -> Cut:
    """Cut a recording of "zero … nine" into the ten digits, read each piece, and say which digit it is.

    The cut is at the pauses; a piece the reader hears two or more digits in (a pause too short
    or too noisy to find) is cut again at its quietest moments, so that it yields as many pieces.

    Raises:
        AudioProblem: if the recording is silent.
    """
    samples = trim_silence(audio, margin_s=0.0).samples

    def heard_in(span: tuple[int, int]) -> str:
        return readers.read(model, speech.prepare(Audio(samples[span[0] : span[1]], RATE)).samples).text

    spans = []
    for span in merge_closest(speech_spans(samples), 10):
        text = heard_in(span)
        spans += split_span(samples, span, len(text)) if len(text) > 1 else [span]
    spans = widened(merge_closest(spans, 10), len(samples))
    heard = tuple(heard_in(span) for span in spans)
    return Cut(samples, tuple(spans), assign_digits(heard), heard)


# ---------------------------------------------------------------- adapting the reader


@dataclass(frozen=True)
class EnrolmentSetup:
    """How the reader is adapted to a voice: the page, the evaluate command and the benchmark share it."""

    steps: int = 150  # batches in all
    epochs: int = 5  # the steps are cut into epochs so that the curve shows as it trains
    batch_size: int = 16
    learning_rate: float = 1e-4  # a tenth of the reader's own training: adapt, do not start again
    own_share: float = 0.5  # utterances by the new voice in a batch; the rest by the voices the reader knows
    # Batches padded to whole 2 s, not 0.5 s: 3 lengths, so Keras compiles its step 3 times, not 10, in 150 steps.
    bucket_s: float = 2.0
    augmentation: utterances.Augmentation = field(default_factory=utterances.Augmentation)


def own_clips(pieces: dict[int, np.ndarray]) -> utterances.Clips:
    """The enrolled pieces, by digit, as clips of one speaker, `YOU`."""
    return utterances.Clips(tuple(pieces.values()), np.array(list(pieces), dtype=np.int32), (YOU,) * len(pieces))


def enrolment_batches(own: utterances.Clips, others: utterances.Clips, setup: EnrolmentSetup, seed: int = 0):
    """Batches of utterances by the new voice (`own_share` of each) and by the voices the reader knows."""

    voices = utterances.Voices(others, own, setup.own_share)

    def make(rng: np.random.Generator, index: int) -> tuple[np.ndarray, np.ndarray]:
        count = utterances.digits_in_batch(index)
        return utterances.make_batch(voices, setup.batch_size, rng, setup.augmentation, count, setup.bucket_s)

    return utterances.generated_batches(setup.steps // setup.epochs, seed, make)


def adapt(
    model,
    own: utterances.Clips,
    others: utterances.Clips,
    setup: EnrolmentSetup = EnrolmentSetup(),
    seed: int = 0,
    hooks: TrainingHooks | None = None,
) -> History:
    """Fine-tune `model` (in place) on the new voice's clips `own`, mixed with `others`."""
    import keras

    from core.shared.fitting import fit

    model.compile(optimizer=keras.optimizers.Adam(learning_rate=setup.learning_rate), loss=ctc.ctc_loss)
    training = enrolment_batches(own, others, setup, seed)
    return fit(model, training, None, setup.epochs, hooks=hooks)


@dataclass(frozen=True)
class HeadEnrolmentSetup:
    """How the page's reader, the ear's head, is adapted to a voice: the ear hears the utterances once, then only
    the head trains on them (the ear never changes). Set before any voice was scored with it."""

    heard: int = 320  # utterances joined from the new voice's pieces (`own_share`) and the known voices', heard once
    epochs: int = 5  # each reads every heard utterance
    batch_size: int = 16
    learning_rate: float = 5e-4  # a sixth of the head's own training's start: adapt, do not start again
    own_share: float = 0.5
    augmentation: utterances.Augmentation = field(default_factory=utterances.Augmentation)


def adapt_head(
    head,
    own: utterances.Clips,
    others: utterances.Clips,
    setup: HeadEnrolmentSetup = HeadEnrolmentSetup(),
    seed: int = 0,
    hooks: TrainingHooks | None = None,
    report: Report | None = None,
) -> History:
    """Fine-tune the ear's `head` (in place) on utterances of the new voice's clips `own`, mixed with `others`."""
    import keras

    from core.shared.fitting import fit

    voices = utterances.Voices(others, own, setup.own_share)
    stop = hooks.stop if hooks is not None else None
    heard = ear_reader.hear_utterances(voices, setup.heard, seed, setup.augmentation, report, chunk=64, stop=stop)
    head.compile(optimizer=keras.optimizers.Adam(learning_rate=setup.learning_rate), loss=ctc.ctc_loss)
    return fit(head, ear_reader.head_batches(heard, setup.batch_size, seed), None, setup.epochs, hooks=hooks)


def known_voices(leaving_out: Sequence[str] = ()) -> utterances.Clips:
    """Clips by the voices the shipped reader trained on: the app's shipped take of each digit by each speaker.

    A voice being taught is left out (`leaving_out`): when the evaluate command teaches a reader an FSDD
    speaker, that speaker's shipped take would otherwise join the "known" half of every batch, which a
    student's voice never does.
    """
    from core.shared import assets

    shipped = utterances.load_clips(assets.SPEECH_SAMPLES)
    return shipped.of_speakers([name for name in shipped.speaker_names if name not in leaving_out])


def enrol_task(
    history: History,
    stop: StopSignal,
    report: Report,
    pieces: dict[int, np.ndarray],
    own_share: float = HeadEnrolmentSetup.own_share,
) -> list[np.ndarray]:
    """The page's enrolment, for a worker process: the page's reader (the ear's head) adapted to the ten pieces of one voice."""
    from core.shared import assets

    if sorted(pieces) != list(range(10)):
        raise ValueError(f"teaching a voice needs the ten digits; got {len(pieces)}: {sorted(pieces)}.")
    report(0.0, "Loading the reader…")
    head = assets.load_model(assets.SPEECH_HEAD_MODEL, compile=False)
    setup = HeadEnrolmentSetup(own_share=own_share)
    hooks = TrainingHooks.reporting(history, stop, report, setup.epochs)
    adapt_head(head, own_clips(pieces), known_voices(), setup, hooks=hooks, report=report)
    return head.get_weights()
