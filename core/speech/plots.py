"""Charts of the speech page: waveforms, spectrograms, and the reader's per-step probabilities under them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.ctc.plots import CLASS_AXIS, probabilities_heatmap
from core.shared.chart_text import says
from core.shared.plot_style import MAGMA, readable
from core.speech import ear, ear_reader, sound_features, utterances
from core.speech import reader as speech
from core.speech.audio import QUIET_PEAK, RATE

# The probabilities' class axis with every class named, ε and 0 to 9: left to choose, Plotly names every other row
# of a chart this short (ε, 1, 3, 5, 7, 9).
DIGIT_CLASSES = [utterances.DIGITS.symbol(c) for c in range(utterances.DIGITS.classes)]
DIGIT_CLASS_AXIS = CLASS_AXIS | dict(tickmode="array", tickvals=DIGIT_CLASSES, ticktext=DIGIT_CLASSES)

# About one point per pixel of the widest chart (a projector's): an envelope of the samples in each stretch
# looks the same as every sample, and a chart of 4 × 5,000 points took the browser about 0.1 s more to redraw.
MAX_WAVEFORM_POINTS = 1200


def _waveform_traces(samples: np.ndarray, rate: int) -> list[go.Scatter]:
    """Amplitude over time: the samples themselves, or, for a long recording, the envelope of each stretch of them."""
    step = max(1, -(-len(samples) // MAX_WAVEFORM_POINTS))  # rounded up: never more points than the maximum
    shown = samples[: len(samples) // step * step].reshape(-1, step) if step > 1 else samples[:, None]
    times = (np.arange(len(shown)) * step / rate).astype(np.float32)
    shown = shown.astype(np.float32)  # sent as binary arrays: half the bytes of float64, and more than the eye needs
    line = dict(width=1, color="#1f77b4")
    traces = [go.Scatter(x=times, y=shown.max(axis=1), mode="lines", line=line, name="")]
    if step > 1:
        traces.append(go.Scatter(x=times, y=shown.min(axis=1), mode="lines", line=line, fill="tonexty", name=""))
    return traces


def waveform_figure(samples: np.ndarray, rate: int = RATE, height: int = 200) -> go.Figure:
    """Amplitude over time (long recordings drawn as the envelope of their samples)."""
    fig = go.Figure(_waveform_traces(samples, rate))
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    says(fig, f"{len(samples) / rate:.2f} seconds of sound; the loudest sample reaches {peak:.2f} of full scale.")
    fig.update_layout(
        title="The waveform",
        height=height + 30,
        showlegend=False,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="time (s)"),
        yaxis=dict(title="amplitude", range=[-1.05, 1.05]),
    )
    return readable(fig)


def amplitude_limit(peak: float) -> float:
    """The top of a symmetric amplitude axis for a recording whose loudest sample is `peak`: a tenth above it,
    never beyond full scale (1), nor below what the page would still read (`QUIET_PEAK`).

    Example:
        >>> amplitude_limit(0.045), amplitude_limit(0.5), amplitude_limit(1.0)
        (0.0495, 0.55, 1.0)
    """
    return float(np.clip(round(1.1 * peak, 4), QUIET_PEAK, 1.0))


def cut_figure(
    samples: np.ndarray, spans: Sequence[tuple[int, int]], names: Sequence[str], doubtful: Sequence[bool]
) -> go.Figure:
    """The waveform with each piece of a cut shaded and named (doubtful pieces in orange), its amplitude axis
    scaled to the recording: a quiet one fills the chart as a loud one does, its peak said in the title."""
    fig = waveform_figure(samples, height=220)
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    limit = amplitude_limit(peak)
    fig.update_yaxes(range=[-limit, limit])
    for (start, stop), name, unsure in zip(spans, names, doubtful, strict=True):
        fig.add_vrect(
            x0=start / RATE,
            x1=stop / RATE,
            fillcolor="#FB8C00" if unsure else "#43A047",
            opacity=0.18,
            line_width=0,
            annotation_text=name,
            annotation_position="top",
            annotation_font_size=15,
        )
    fig.update_layout(
        title=f"The recording, cut into digits (peak {peak:.2g})",
        margin=dict(l=10, r=10, t=64, b=10),
    )
    return says(
        fig,
        f"{len(samples) / RATE:.2f} seconds of sound, its loudest sample at {peak:.2g} of full scale (the axis goes "
        f"to ±{limit:.3g}). The pieces, in order: " + ", ".join(names) + ".",
    )


# The spectrogram shows this many decibels below its loudest cell; quieter cells share the darkest colour.
SPECTROGRAM_RANGE_DB = 80


def spectrogram_figure(samples: np.ndarray, window: int, hop: int, rate: int = RATE, mel: bool = False) -> go.Figure:
    """Loudness (dB) of each frequency over time; with `mel`, the reader's 40 normalised mel bands instead."""
    if mel:
        return features_figure(sound_features.features(samples))
    power = sound_features.power_spectrogram(samples, window, hop)
    z = 10 * np.log10(power.T + 1e-10)
    loudest = float(z.max())
    floor = loudest - SPECTROGRAM_RANGE_DB
    z = np.maximum(z, floor)
    y = np.fft.rfftfreq(window, 1 / rate)
    title = "frequency (Hz)"
    # The darkest colour holds everything quieter than the floor: its tick says so, as the CTC α chart's does.
    ticks = np.arange(floor, loudest + 1e-9, 20.0)
    colorbar = dict(title="dB", tickvals=ticks, ticktext=[f"≤ {ticks[0]:.0f}"] + [f"{tick:.0f}" for tick in ticks[1:]])
    times = (np.arange(z.shape[1]) * hop + window / 2) / rate
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=times,
            y=y,
            colorscale=MAGMA,
            colorbar=colorbar,
            hovertemplate="%{x:.2f} s, %{y:.0f}: %{z:.1f}<extra></extra>",
        )
    )
    fig.update_layout(
        title="Spectrogram",
        height=330,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="time (s)"),
        yaxis=dict(title=title),
    )
    says(fig, f"Loudness of each frequency over time, down to {SPECTROGRAM_RANGE_DB} dB below the loudest cell.")
    return readable(fig)


def _features_heatmap(features: np.ndarray) -> go.Heatmap:
    times = (np.arange(features.shape[0]) * sound_features.HOP + sound_features.N_FFT / 2) / RATE
    return go.Heatmap(
        z=features.T,
        x=times,
        y=list(range(1, sound_features.N_MELS + 1)),
        colorscale=MAGMA,
        colorbar=dict(title="normalised"),
        hovertemplate="%{x:.2f} s, band %{y}: %{z:.2f}<extra></extra>",
    )


def features_figure(features: np.ndarray) -> go.Figure:
    """The reader's input, (frames, 40) normalised mel bands, with time in seconds."""
    fig = go.Figure(_features_heatmap(features))
    fig.update_layout(
        title="The reader's input: 40 mel bands",
        height=290,
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="time (s)"),
        yaxis=dict(title="mel band"),
    )
    return readable(fig)


def pipeline_figure(joined: np.ndarray, varied: np.ndarray, features: np.ndarray) -> go.Figure:
    """How a training utterance is made, in one chart: the joined clips, the varied sound, and its masked mel bands.

    One figure of three parts rather than three figures: a new example redraws one chart, which the browser
    does in about the time of one (docs/latency.md).
    """
    # One under the other on a shared time axis: the varied sound's new length shows, and it fits a phone.
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.25, 0.25, 0.5],
        vertical_spacing=0.09,
        subplot_titles=("1. joined", "2. varied", "3. what the reader trains on"),
    )
    for row, samples in ((1, joined), (2, varied)):
        for trace in _waveform_traces(samples, RATE):
            fig.add_trace(trace, row=row, col=1)
        fig.update_yaxes(range=[-1.05, 1.05], title_text="amplitude", row=row, col=1)
    fig.add_trace(_features_heatmap(features.astype(np.float32)), row=3, col=1)  # binary arrays: half the bytes
    fig.update_yaxes(title_text="mel band", row=3, col=1)
    fig.update_xaxes(title_text="time (s)", row=3, col=1)
    fig.update_traces(colorbar=dict(len=0.5, y=0.25), selector=dict(type="heatmap"))
    fig.update_layout(height=600, showlegend=False, margin=dict(l=10, r=10, t=40, b=10))
    return readable(fig)


def reading_figure(reading: speech.Reading | ear_reader.EarReading) -> go.Figure:
    """What either reader heard, and its probabilities on the same time axis."""
    if isinstance(reading, ear_reader.EarReading):
        return ear_reading_figure(reading)
    return scratch_reading_figure(reading)


def ear_reading_figure(reading: ear_reader.EarReading) -> go.Figure:
    """The pretrained ear's 32 bands every 10 ms and 96 numbers every 80 ms, then the head's probabilities.

    Times are those of the recording as played: the quiet the ear is given before it (`MARGIN_S`) is taken off,
    and each embedding is placed at the middle of the 775 ms it hears.
    """
    bands, embeddings = reading.hearing.bands, reading.hearing.embeddings
    frame_times = (np.arange(len(bands)) * ear.HOP_SAMPLES + ear.WINDOW_SAMPLES / 2) / ear.RATE - ear_reader.MARGIN_S
    middle = (ear.WINDOW_FRAMES - 1) / 2 * ear.HOP_SAMPLES + ear.WINDOW_SAMPLES / 2
    step_times = (
        np.arange(len(embeddings)) * ear.STEP_FRAMES * ear.HOP_SAMPLES + middle
    ) / ear.RATE - ear_reader.MARGIN_S
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        row_heights=[0.3, 0.35, 0.35],
        subplot_titles=(
            # Short enough for a split screen: what the middle chart shows more of is in the page's caption.
            "1. The ear's input: 32 mel bands every 10 ms",
            "2. What the ear hears: 96 numbers every 80 ms",
            "3. What our head says: blank ε or a digit",
        ),
    )
    # Each number's level differs far more between numbers than over time: shown against its own mean and spread,
    # what changes when a digit is said stands out.
    changes = (embeddings - embeddings.mean(axis=0)) / (embeddings.std(axis=0) + 1e-6)
    for row, z, x, name in ((1, bands.T, frame_times, "band"), (2, changes.T, step_times, "number")):
        fig.add_trace(
            go.Heatmap(
                z=z.astype(np.float32),
                x=x.astype(np.float32),
                colorscale=MAGMA,
                showscale=False,
                hovertemplate=f"%{{x:.2f}} s, {name} %{{y}}: %{{z:.2f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(title=name, row=row, col=1)
    fig.add_trace(
        _step_probabilities(reading.probabilities, step_times, dict(title="p", y=0.17, len=0.35)),
        row=3,
        col=1,
    )
    fig.update_yaxes(**DIGIT_CLASS_AXIS, row=3, col=1)
    fig.update_xaxes(title="time (s)", row=3, col=1)
    fig.update_layout(height=720, margin=dict(l=10, r=10, t=40, b=10))
    return readable(says(fig, _reading_words(reading.text, reading.probabilities)))


def _step_probabilities(probabilities: np.ndarray, times: np.ndarray, colorbar: dict) -> go.Heatmap:
    """A reader's probabilities for the blank and each digit at each step, placed at `times` (seconds)."""
    return probabilities_heatmap(
        probabilities,
        utterances.DIGITS,
        times=times,
        hover_time="%{x:.2f} s",
        numbered=False,  # under the bands, numbers would crowd even a short clip
        colorbar=colorbar,
    )


def _reading_words(text: str, probabilities: np.ndarray) -> str:
    heard = f"It reads “{text}”." if text else "It reads nothing: only blanks."
    peak = float(probabilities[:, 1:].max()) if probabilities.size else 0.0
    return f"{heard} Its most confident step gives a digit {peak:.0%}."


def scratch_reading_figure(reading: speech.Reading) -> go.Figure:
    """The reader's input (mel bands) and, on the same time axis, its probabilities for the blank and each digit."""
    frames = reading.features.shape[0]
    frame_times = (np.arange(frames) * sound_features.HOP + sound_features.N_FFT / 2) / RATE
    steps = reading.probabilities.shape[0]
    step_times = (np.arange(steps) * sound_features.TIME_STRIDE * sound_features.HOP + sound_features.N_FFT / 2) / RATE
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        row_heights=[0.45, 0.55],
        subplot_titles=("What the reader hears: 40 mel bands", "What it says every 64 ms: blank ε or a digit"),
    )
    fig.add_trace(
        go.Heatmap(
            z=reading.features.T,
            x=frame_times,
            colorscale=MAGMA,
            showscale=False,
            hovertemplate="%{x:.2f} s, band %{y}: %{z:.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        _step_probabilities(reading.probabilities, step_times, dict(title="p", y=0.28, len=0.55)),
        row=2,
        col=1,
    )
    fig.update_yaxes(title="band", row=1, col=1)
    fig.update_yaxes(**DIGIT_CLASS_AXIS, row=2, col=1)
    fig.update_xaxes(title="time (s)", row=2, col=1)
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=40, b=10))
    return readable(says(fig, _reading_words(reading.text, reading.probabilities)))
