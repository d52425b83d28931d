"""Forecasting: an LSTM predicts the class's synthetic series, against persistence and the noise floor."""

import json
from pathlib import Path

import numpy as np
import streamlit as st

from app_pages.common.training_place import training_place
from core import forecast
from core.forecast_plots import (
    horizon_figure,
    look_back_figure,
    loss_figure,
    prediction_figure,
    series_figure,
    window_figure,
)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PRETRAINED = ASSETS / "models" / "forecast_lstm.keras"
LOOK_BACK_RESULTS = ASSETS / "benchmarks" / "forecast_look_back.json"


# The settings class lives in core: this file runs anew on every rerun, and a class defined
# here would be a new class each time, never equal to the settings stored with a model.
MATERIAL = forecast.ModelSettings(forecast.SeriesConfig(), forecast.MATERIAL_LOOK_BACK, forecast.MATERIAL_UNITS, 0)


@st.cache_resource(show_spinner="Loading the pretrained forecaster…")
def pretrained_model():
    """The shipped model (material's settings), loaded once per server and shared by every session."""
    import keras

    model = keras.models.load_model(PRETRAINED)
    model(
        np.zeros((1, MATERIAL.look_back, 1), dtype=np.float32), training=False
    )  # build it once, before sessions share it
    return model


def read_series_settings() -> forecast.SeriesConfig:
    columns = st.columns(4)
    length = columns[0].number_input("Length N", 200, 3000, 1000, step=100, key="forecast_length")
    noise = columns[1].slider("Noise σ", 0.0, 2.0, 0.5, 0.05, key="forecast_noise")
    seed = columns[2].number_input("Noise seed", 0, 9999, 0, key="forecast_seed")
    split = columns[3].slider("Training fraction", 0.5, 0.95, 0.9, 0.05, key="forecast_split")
    return forecast.SeriesConfig(length=int(length), noise=float(noise), seed=int(seed), split=float(split))


def show_series(series: forecast.Series) -> None:
    st.plotly_chart(series_figure(series), key="forecast_series")
    whole_mean, whole_std = float(series.noisy.mean()), float(series.noisy.std())
    st.markdown(
        f"Normalisation uses the **training part only**: mean {series.mean:.3f}, std {series.std:.3f}. "
        f"The slides compute them on the whole series (mean {whole_mean:.3f}, std {whole_std:.3f}). That lets the test "
        "part, the future, shape the inputs the model trains on: here the swings grow with t, so the whole-series std "
        "is larger and quietly tells the model how big the future gets. A forecaster in real use cannot know that."
    )


def show_windows(series: forecast.Series, look_back: int) -> None:
    values = series.normalise(series.noisy)
    train_values = values[: series.train_size]
    ours = len(train_values) - look_back
    theirs = forecast.material_window_count(len(train_values), look_back)
    start = st.slider("Window start", 0, max(ours - 1, 0), min(100, max(ours - 1, 0)), key="forecast_window_start")
    st.plotly_chart(window_figure(values, look_back, start), key="forecast_window")
    st.markdown(
        f"From {len(train_values)} training values, windows of {look_back} give **{ours}** (input, target) pairs: the last "
        f"window starts at index {ours - 1} and predicts the last training value. The slides' `create_dataset` loops over "
        f"`range(len(data) - look_back - 1)` and makes **{theirs}**, dropping that last window. Inputs are shaped "
        f"`[samples, n_steps, n_inputs]` = `({ours}, {look_back}, 1)`."
    )


def read_model_settings(series_config: forecast.SeriesConfig) -> tuple[forecast.ModelSettings, int, int]:
    columns = st.columns(5)
    look_back = columns[0].number_input("look_back", 2, 60, forecast.MATERIAL_LOOK_BACK, key="forecast_look_back")
    units = columns[1].number_input("LSTM units", 4, 200, forecast.MATERIAL_UNITS, step=4, key="forecast_units")
    second = columns[2].number_input("Second LSTM units (0 = none)", 0, 100, 0, step=4, key="forecast_second")
    epochs = columns[3].number_input("Epochs", 1, 200, forecast.MATERIAL_EPOCHS, key="forecast_epochs")
    batch_size = columns[4].number_input("Batch size", 4, 256, forecast.MATERIAL_BATCH_SIZE, key="forecast_batch")
    return forecast.ModelSettings(series_config, int(look_back), int(units), int(second)), int(epochs), int(batch_size)


def train_in_session(settings: forecast.ModelSettings, windows: forecast.Windows, epochs: int, batch_size: int) -> None:
    """Train a model for this session with a live loss curve; Stop (or any change) ends it after a batch."""
    model = forecast.build_forecaster(
        settings.look_back, settings.units, settings.second_layer_units, seed=settings.series.seed
    )
    history = forecast.History()
    # Stored before training starts: when Stop interrupts this run, the next run finds the partly trained model.
    st.session_state.forecast_model = {"model": model, "settings": settings, "history": history}
    progress = st.progress(0.0, text="Starting…")
    chart = st.empty()

    def on_epoch(history: forecast.History) -> None:
        progress.progress(
            history.epochs / epochs, text=f"Epoch {history.epochs}/{epochs}, {history.seconds[-1]:.2f} s per epoch"
        )
        chart.plotly_chart(loss_figure(history.metrics["loss"]), key=f"forecast_live_loss_{history.epochs}")

    forecast.train_forecaster(model, windows, epochs=epochs, batch_size=batch_size, on_epoch=on_epoch, history=history)
    progress.empty()
    chart.empty()


def current_model(settings: forecast.ModelSettings):
    """The session's own model if it was trained for these settings, else the pretrained one for the material's."""
    trained = st.session_state.get("forecast_model")
    if trained and trained["settings"] == settings and trained["history"].epochs:
        history = trained["history"]
        return (
            trained["model"],
            f"your model ({history.epochs} epochs{', stopped early' if history.stopped_early else ''})",
            history,
        )
    if settings == MATERIAL and PRETRAINED.exists():
        return pretrained_model(), "the pretrained model (material's settings, `python -m core train forecast`)", None
    return None, None, None


def show_results(model, series: forecast.Series, windows: forecast.Windows, look_back: int) -> None:
    result = forecast.evaluate(model, series, windows)
    floor = result.noise_floor.rmse
    table = {
        "forecast": ["LSTM", "persistence (tomorrow = today)", "noise floor (noiseless curve)"],
        "RMSE": [result.model.rmse, result.persistence.rmse, floor],
        "MAE": [result.model.mae, result.persistence.mae, result.noise_floor.mae],
        "RMSE ÷ noise floor": [result.model.rmse / floor, result.persistence.rmse / floor, 1.0],
    }
    st.dataframe(
        table,
        hide_index=True,
        column_config={name: st.column_config.NumberColumn(format="%.3f") for name in table if name != "forecast"},
    )
    ratio = result.model.rmse / floor
    verdict = "beats" if result.model.rmse < result.persistence.rmse else "does not beat"
    st.markdown(
        f"On these {len(windows.y_test)} test points the LSTM's error is **{ratio:.2f} ×** the noise floor and it "
        f"**{verdict}** persistence. The noise floor is the error of a forecaster that knows the noiseless curve: the noise "
        f"itself can never be predicted, so no model beats it on average. The gap between {ratio:.2f} and 1 is what "
        f"the model gets wrong about the curve; with only {look_back} noisy values to look at, part of that gap cannot be "
        "closed (see the look-back chart below)."
    )
    test_t = series.t[windows.test_index]
    st.plotly_chart(
        prediction_figure(
            test_t, series.noisy[windows.test_index], result.forecast, series.clean[windows.test_index], "Test part"
        ),
        key="forecast_test_plot",
    )
    train_forecast = series.denormalise(forecast.predict(model, windows.x_train))
    st.plotly_chart(
        prediction_figure(
            series.t[windows.train_index],
            series.noisy[windows.train_index],
            train_forecast,
            series.clean[windows.train_index],
            "Training part",
        ),
        key="forecast_train_plot",
    )
    show_horizon(model, series, windows, look_back, result)


def show_horizon(
    model, series: forecast.Series, windows: forecast.Windows, look_back: int, result: forecast.Evaluation
) -> None:
    st.subheader("Several steps ahead")
    steps = len(windows.y_test)
    recursive = forecast.recursive_forecast(model, series, look_back, steps)
    truth = series.noisy[windows.test_index]
    k = np.arange(1, steps + 1)
    st.plotly_chart(
        horizon_figure(k, np.abs(recursive - truth), np.abs(result.forecast - truth)), key="forecast_horizon"
    )
    st.markdown(
        "From the end of the training part, each prediction is fed back as the next input. Errors pile up: after a few "
        "steps the model is forecasting from its own guesses, while the one-step forecast always gets the true last values."
    )
    st.plotly_chart(
        prediction_figure(
            series.t[windows.test_index],
            truth,
            recursive,
            series.clean[windows.test_index],
            "Recursive forecast of the test part",
        ),
        key="forecast_recursive_plot",
    )


def show_look_back_gap() -> None:
    st.subheader("A longer look-back closes the gap")
    if not LOOK_BACK_RESULTS.exists():
        st.info("Run `python benchmarks/forecast_quality.py --look-backs 5,10,20,40 --save` to measure this.")
        return
    data = json.loads(LOOK_BACK_RESULTS.read_text())
    st.plotly_chart(
        look_back_figure(data["look_backs"], data["model_over_floor"], data["persistence_over_floor"]),
        key="forecast_look_back_chart",
    )
    st.caption(f"Mean over {data['seeds']} seeds, measured by `{data['command']}`.")


st.title("Forecasting a series with an LSTM")
st.markdown(
    "The class's synthetic series, `t·sin(t)/3 + 2·sin(5t) + σ·noise`, cut into windows of `look_back` values; an LSTM "
    "predicts the next value. How good is it? Compared with two honest references on the same test points."
)
st.subheader("The series")
series_config = read_series_settings()
series = forecast.make_series(series_config)
show_series(series)

st.subheader("Windows")
settings, epochs, batch_size = read_model_settings(series_config)
try:
    windows = forecast.split_windows(series, settings.look_back)
except ValueError as error:
    st.error(str(error))
    st.stop()
show_windows(series, settings.look_back)

st.subheader("Model and training")
layers = (
    f"LSTM({settings.units})"
    + (f" + LSTM({settings.second_layer_units})" if settings.second_layer_units else "")
    + " + Dense(1)"
)
parameters = forecast.forecaster_param_count(settings.units, settings.second_layer_units)
st.markdown(f"{layers}: **{parameters:,} parameters** (the material's LSTM(100) + Dense(1) has 40,901).")
left, right = st.columns(2)
train = left.button("Train", type="primary", key="forecast_train")
# Pressing Stop reruns the page, which interrupts the training at its next progress report.
if right.button(
    "Stop", key="forecast_stop", help="Ends the training and keeps the model trained so far."
) and st.session_state.get("forecast_model"):
    st.session_state.forecast_model["history"].stopped_early = True
if train:
    with training_place():
        train_in_session(settings, windows, epochs, batch_size)

model, source, history = current_model(settings)
if history is not None:
    st.plotly_chart(loss_figure(history.metrics.get("loss", [])), key="forecast_loss")
    st.caption(f"{history.epochs} epochs in {sum(history.seconds):.1f} s.")

st.subheader("Results")
if model is None:
    st.info(
        "These settings differ from the material's, so there is no ready model: press **Train** (about 15 s with 50 epochs)."
    )
else:
    st.caption(f"Showing {source}.")
    show_results(model, series, windows, settings.look_back)
show_look_back_gap()
