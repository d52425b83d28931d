"""Forecasting: an LSTM predicts the class's synthetic series, against persistence and the noise floor."""

import dataclasses
import json
from dataclasses import fields

import numpy as np
import streamlit as st

from app_pages.common import training_panel as panel
from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import quiz_section
from app_pages.common.layout import SETTING_WIDTH, Tab, keep_in_range, settings_row, show_tabs
from app_pages.common.session_trainings import ForecastTraining
from app_pages.common.take_home import offer_trained_model, take_home
from core.forecast import model as forecast
from core.forecast.notebook import forecast_notebook
from core.forecast.plots import (
    coefficients_figure,
    horizon_figure,
    long_memory_window_figure,
    look_back_figure,
    prediction_figure,
    series_figure,
    window_figure,
)
from core.forecast.questions import ForecastFacts
from core.shared import assets
from core.shared.jobs import TrainingJob
from core.shared.training import duration_in_words
from core.shared.worker import TrainingTask

# The settings class lives in core: this file runs anew on every rerun, and a class defined
# here would be a new class each time, never equal to the settings stored with a model.
MATERIAL = forecast.ModelSettings(forecast.SeriesConfig(), forecast.MATERIAL_LOOK_BACK, forecast.MATERIAL_UNITS, 0)
LONG_MEMORY = forecast.ModelSettings(
    forecast.SeriesConfig(), forecast.LONG_LOOK_BACK, forecast.LONG_UNITS, 0, long_memory=True
)
PRETRAINED = {MATERIAL: assets.FORECAST_MODEL, LONG_MEMORY: assets.FORECAST_LONG_MEMORY_MODEL}
KINDS = {  # what the model sees: the radio's options
    False: "the last look_back values (the material's LSTM)",
    True: f"{forecast.LONG_RECENT} values + {forecast.LONG_BLOCKS} averages of the {forecast.LONG_BLOCKS * forecast.LONG_BLOCK} before (long memory)",
}
SETTING_NAMES = {
    "length": "length N",
    "noise": "noise σ",
    "seed": "noise seed",
    "split": "training fraction",
    "look_back": "look_back",
    "units": "LSTM units",
    "second_layer_units": "second LSTM units",
}


@st.cache_resource(show_spinner="Loading the pretrained forecaster…")
def pretrained_model(settings: forecast.ModelSettings):
    """A shipped model (the material's, or the long-memory one), loaded once per server and shared by every session."""
    model = assets.load_model(PRETRAINED[settings])
    x = np.zeros((1, settings.look_back, 1), dtype=np.float32)
    # Build it, and its compiled predict step, once, before sessions share it.
    model(x, training=False)
    model.predict_on_batch(x)
    return model


@st.cache_resource(max_entries=4, show_spinner="Forecasting the test part…")
def pretrained_results(settings: forecast.ModelSettings) -> tuple[forecast.Results, list]:
    """The pretrained model's results on the material's series and their charts: once per server."""
    series = forecast.make_series(settings.series)
    windows = forecast.split_windows(series, settings.look_back)
    results = forecast.results(pretrained_model(settings), series, windows, settings.look_back)
    return results, result_figures(results, series, windows, settings.long_memory)


@st.cache_resource(show_spinner=False)
def quiz_facts() -> ForecastFacts | None:
    """The shipped forecaster's errors, as the results table and the steps-ahead chart show them, for the quiz."""
    if not PRETRAINED[MATERIAL].exists():
        return None
    results, _ = pretrained_results(MATERIAL)
    evaluation = results.evaluation
    series = forecast.make_series(MATERIAL.series)
    truth = series.noisy[forecast.split_windows(series, MATERIAL.look_back).test_index]
    return ForecastFacts(
        {
            "LSTM": evaluation.model.rmse,
            "linear predictor": results.linear_scores.rmse,
            "persistence": evaluation.persistence.rmse,
            "noise floor": evaluation.noise_floor.rmse,
        },
        np.abs(results.recursive - truth),
    )


def result_figures(
    results: forecast.Results, series: forecast.Series, windows: forecast.Windows, long_memory: bool
) -> list:
    """The results' charts: test part, training part, error by steps ahead, recursive forecast, linear weights."""
    truth = series.noisy[windows.test_index]
    test_t = series.t[windows.test_index]
    k = np.arange(1, len(truth) + 1)
    return [
        prediction_figure(
            test_t,
            truth,
            results.evaluation.forecast,
            series.clean[windows.test_index],
            "Test part",
            linear=results.linear_forecast,
        ),
        prediction_figure(
            series.t[windows.train_index],
            series.noisy[windows.train_index],
            results.train_forecast,
            series.clean[windows.train_index],
            "Training part",
        ),
        horizon_figure(k, np.abs(results.recursive - truth), np.abs(results.evaluation.forecast - truth)),
        prediction_figure(
            test_t, truth, results.recursive, series.clean[windows.test_index], "Recursive forecast of the test part"
        ),
        coefficients_figure(results.linear.coefficients, results.linear.intercept, long_memory),
    ]


def read_series_settings() -> forecast.SeriesConfig:
    with settings_row():
        length = st.number_input("Length N", 200, 3000, 1000, step=100, key="forecast_length", width=SETTING_WIDTH)
        noise = st.slider("Noise σ", 0.0, 2.0, 0.5, 0.05, key="forecast_noise", width=SETTING_WIDTH)
        seed = st.number_input("Noise seed", 0, 9999, 0, key="forecast_seed", width=SETTING_WIDTH)
        split = st.slider("Training fraction", 0.5, 0.95, 0.9, 0.05, key="forecast_split", width=SETTING_WIDTH)
    return forecast.SeriesConfig(length=int(length), noise=float(noise), seed=int(seed), split=float(split))


# A control's rerun sends only what changed to be redrawn, and every chart is built once per input:
# a figure object from the cache is sent without plotly's validation, which is most of a chart's server time.
@st.cache_resource(max_entries=64, show_spinner=False)
def series_of(config: forecast.SeriesConfig) -> forecast.Series:
    return forecast.make_series(config)


@st.cache_resource(max_entries=64, show_spinner=False)
def series_chart(config: forecast.SeriesConfig):
    return series_figure(series_of(config))


@st.cache_resource(max_entries=256, show_spinner=False)
def window_chart(config: forecast.SeriesConfig, look_back: int, start: int, long_memory: bool):
    series = series_of(config)
    values = series.normalise(series.noisy)
    return long_memory_window_figure(values, start) if long_memory else window_figure(values, look_back, start)


def show_series(config: forecast.SeriesConfig) -> None:
    st.header("The series")
    series = series_of(config)
    show_chart(st, series_chart(config), key="forecast_series")
    whole_mean, whole_std = float(series.noisy.mean()), float(series.noisy.std())
    st.markdown(
        f"Normalisation uses the **training part only**: mean {series.mean:.3f}, std {series.std:.3f}. "
        f"The slides compute them on the whole series (mean {whole_mean:.3f}, std {whole_std:.3f}). That lets the test "
        "part, the future, shape the inputs the model trains on: here the swings grow with t, so the whole-series std "
        "is larger and quietly tells the model how big the future gets. A forecaster in real use cannot know that."
    )


@st.fragment  # the window's slider reruns this section alone
def show_windows(config: forecast.SeriesConfig, look_back: int) -> None:
    series = series_of(config)
    values = series.normalise(series.noisy)
    train_values = values[: series.train_size]
    ours = len(train_values) - look_back
    theirs = forecast.material_window_count(len(train_values), look_back)
    last = max(ours - 1, 1)
    keep_in_range("forecast_window_start", 0, last)
    start = st.slider("Window start", 0, last, min(100, last), key="forecast_window_start")
    show_chart(st, window_chart(config, look_back, start, False), key="forecast_window")
    st.markdown(
        f"From {len(train_values)} training values, windows of {look_back} give **{ours}** (input, target) pairs: the last "
        f"window starts at index {ours - 1} and predicts the last training value. The slides' `create_dataset` loops over "
        f"`range(len(data) - look_back - 1)` and makes **{theirs}**, dropping that last window. Inputs are shaped "
        f"`[samples, n_steps, n_inputs]` = `({ours}, {look_back}, 1)`."
    )


@st.fragment
def show_long_memory_windows(config: forecast.SeriesConfig) -> None:
    series = series_of(config)
    count = series.train_size - forecast.LONG_LOOK_BACK
    last = max(count - 1, 1)
    keep_in_range("forecast_long_window_start", 0, last)
    start = st.slider("Window start", 0, last, min(100, last), key="forecast_long_window_start")
    show_chart(st, window_chart(config, forecast.LONG_LOOK_BACK, start, True), key="forecast_long_window")
    span = forecast.LONG_BLOCKS * forecast.LONG_BLOCK
    st.markdown(
        f"The material's model sees the last {forecast.MATERIAL_LOOK_BACK} values: about a quarter of one period of "
        f"`2·sin(5t)`, each with its full noise. This one also sees the {span} values before them (almost four "
        f"periods), averaged in "
        f"{forecast.LONG_BLOCKS} blocks of {forecast.LONG_BLOCK}: {forecast.LONG_LOOK_BACK} values in all, "
        f"{forecast.LONG_BLOCKS + forecast.LONG_RECENT} inputs. An average of {forecast.LONG_BLOCK} noisy values has a "
        f"tenth of their noise variance, so the older inputs show where the curve has been, and how fast its swings "
        f"grow, almost without noise. The model does the averaging itself (an `AveragePooling1D` layer), so it takes "
        f"raw windows of {forecast.LONG_LOOK_BACK} values: {count} of them in the training part."
    )


def read_model_settings(long_memory: bool) -> tuple[int, int, int, int]:
    """Units, second layer, epochs and batch size, each kind of model with its own widgets and defaults."""
    kind = "long" if long_memory else "material"
    defaults = (
        (forecast.LONG_UNITS, forecast.LONG_EPOCHS, forecast.LONG_BATCH_SIZE)
        if long_memory
        else (forecast.MATERIAL_UNITS, forecast.MATERIAL_EPOCHS, forecast.MATERIAL_BATCH_SIZE)
    )
    second = 0
    with settings_row():
        units = st.number_input(
            "LSTM units", 4, 200, defaults[0], step=4, key=f"forecast_{kind}_units", width=SETTING_WIDTH
        )
        if not long_memory:
            second = st.number_input(
                "Second LSTM units (0 = none)", 0, 100, 0, step=4, key="forecast_second", width=SETTING_WIDTH
            )
        epochs = st.number_input("Epochs", 1, 200, defaults[1], key=f"forecast_{kind}_epochs", width=SETTING_WIDTH)
        batch_size = st.number_input(
            "Batch size", 4, 256, defaults[2], key=f"forecast_{kind}_batch", width=SETTING_WIDTH
        )
    return int(units), int(second), int(epochs), int(batch_size)


def start_forecast_training(
    settings: forecast.ModelSettings, windows: forecast.Windows, epochs: int, batch_size: int
) -> TrainingJob:
    """Train this session's model in a worker process; its weights come back to the session's model at the end."""
    model = forecast.new_forecaster(settings, windows)
    task = TrainingTask(forecast.train_task, {"settings": settings, "epochs": epochs, "batch_size": batch_size})
    job = panel.start_training(task, model)
    st.session_state.forecast_model = ForecastTraining(model, job, settings=settings)
    return job


def training_summary(history: forecast.History) -> str:
    return (
        f"{history.trained_in_words()} in {sum(history.seconds):.1f} s"
        + (", stopped early" if history.stopped_early else "")
        + ". Validation here is the test part, only watched: nothing in the training looks at it."
    )


def changed_settings(old: forecast.ModelSettings, new: forecast.ModelSettings) -> list[str]:
    """The settings that differ between two, in the page's words ('noise σ 0.5 → 0.7')."""
    pairs = [(f.name, getattr(old.series, f.name), getattr(new.series, f.name)) for f in fields(old.series)]
    if old.long_memory != new.long_memory:
        return [f"{KINDS[old.long_memory]} → {KINDS[new.long_memory]}"]
    pairs += [(name, getattr(old, name), getattr(new, name)) for name in ("look_back", "units", "second_layer_units")]
    return [f"{SETTING_NAMES.get(name, name)} {a:g} → {b:g}" for name, a, b in pairs if a != b]


def current_results(
    settings: forecast.ModelSettings, series: forecast.Series, windows: forecast.Windows
) -> tuple[forecast.Results, list, str] | None:
    """The results to show: the session's model if it was trained for these settings, else the pretrained one."""
    trained = panel.finished_training("forecast_model")
    if trained and trained.settings == settings:
        history = trained.history
        if trained.results is None:  # once per trained model, not on every rerun
            results = forecast.results(trained.model, series, windows, settings.look_back)
            trained.results = (results, result_figures(results, series, windows, settings.long_memory))
        stopped = ", stopped early" if history.stopped_early else ""
        return *trained.results, f"your model ({history.trained_in_words()}{stopped})"
    if settings in PRETRAINED and PRETRAINED[settings].exists():
        return *pretrained_results(settings), "the pretrained model (the default settings)"
    return None


def show_results(results: forecast.Results, figures: list, settings: forecast.ModelSettings, parameters: int) -> None:
    evaluation = results.evaluation
    floor = evaluation.noise_floor.rmse
    linear = results.linear_scores
    inputs = len(results.linear.coefficients)
    table = {
        "forecast": [
            "long-memory LSTM" if settings.long_memory else "LSTM",
            f"linear predictor on the same {inputs} inputs ({inputs + 1} numbers)",
            "persistence (tomorrow = today)",
            "noise floor (noiseless curve)",
        ],
        # The figure the page talks about first, beside the names: on a split screen the table scrolls.
        "RMSE ÷ noise floor": [
            evaluation.model.rmse / floor,
            linear.rmse / floor,
            evaluation.persistence.rmse / floor,
            1.0,
        ],
        "RMSE": [evaluation.model.rmse, linear.rmse, evaluation.persistence.rmse, floor],
        "MAE": [evaluation.model.mae, linear.mae, evaluation.persistence.mae, evaluation.noise_floor.mae],
    }
    # A plain table: four rows need no scrolling or sorting, and a static table draws at once and reads aloud.
    st.table(
        {
            name: values if name == "forecast" else [f"{value:.3f}" for value in values]
            for name, values in table.items()
        },
        hide_index=True,
        width="content",
    )
    ratio = evaluation.model.rmse / floor
    verdict = "beats" if evaluation.model.rmse < evaluation.persistence.rmse else "does not beat"
    seen = (
        f"{forecast.LONG_LOOK_BACK} values, most of them averaged,"
        if settings.long_memory
        else f"only {settings.look_back} noisy values"
    )
    st.markdown(
        f"On these {len(evaluation.forecast)} test points the model's error is **{ratio:.2f} ×** the noise floor and it "
        f"**{verdict}** persistence. The noise floor is the error of a forecaster that knows the noiseless curve: the noise "
        f"itself can never be predicted, so no model beats it on average. The gap between {ratio:.2f} and 1 is what "
        f"the model gets wrong about the curve; with {seen} to look at, part of that gap cannot be closed (see the "
        "look-back chart below)."
    )
    test_chart, train_chart, horizon_chart, recursive_chart, coefficients_chart = figures
    show_chart(st, test_chart, key="forecast_test_plot")
    show_linear_reference(results, settings, parameters, coefficients_chart)
    show_chart(st, train_chart, key="forecast_train_plot")
    st.header("Several steps ahead")
    show_chart(st, horizon_chart, key="forecast_horizon")
    st.markdown(
        "From the end of the training part, each prediction is fed back as the next input. Errors pile up: after a few "
        "steps the model is forecasting from its own guesses, while the one-step forecast always gets the true last values."
    )
    show_chart(st, recursive_chart, key="forecast_recursive_plot")


def show_linear_reference(results: forecast.Results, settings: forecast.ModelSettings, parameters: int, chart) -> None:
    lstm, linear = results.evaluation.model.rmse, results.linear_scores.rmse
    inputs = len(results.linear.coefficients)
    what = (
        f"the same {inputs} inputs the model sees ({forecast.LONG_BLOCKS} block averages and {forecast.LONG_RECENT} values)"
        if settings.long_memory
        else f"the same {inputs} values"
    )
    st.markdown(
        f"**An honest reference: the linear predictor.** The next value as a weighted sum of {what} plus a constant, "
        f"the weights fitted by least squares on the training windows: {inputs + 1} numbers, where the model has "
        f"{parameters:,}. Its test RMSE is {linear:.3f} against the model's {lstm:.3f} (the model's is "
        f"{lstm / linear:.2f} × the linear predictor's)."
    )
    show_chart(st, chart, key="forecast_linear_weights")
    if settings.long_memory:
        st.caption(
            "The long-memory model *starts* as exactly this linear predictor: its forecast is a linear part, set by "
            "least squares before training, plus the LSTM's correction, which starts at zero (the 'highway' of "
            "LSTNet, a forecasting network of 2018). An LSTM alone squashes its inputs through tanh and cannot follow "
            "swings larger than any it trained on; here they grow with t. Training then lets the LSTM correct what a "
            "straight sum misses. On this series it finds nothing to add on the test part (compare the two rows of the "
            "table): a sum of sines is itself linearly predictable."
        )
    else:
        st.caption(
            "Here the series is a sum of sines plus noise, and the next value of a sine is a linear function of the "
            "values before it, so a linear predictor already does about as well as the data allow from this window: "
            "the LSTM has little left to find. An LSTM pays off when the next value is not a linear function of the past "
            "ones: a threshold, a regime that switches, a product of two signals."
        )


def over_floor(results: forecast.Results) -> float:
    return results.evaluation.model.rmse / results.evaluation.noise_floor.rmse


def look_back_marks() -> tuple[tuple[int, float] | None, tuple[int, float] | None]:
    """Where the pretrained model and the student's own sit on the look-back chart: (look_back, RMSE ÷ noise floor).

    The chart is the benchmark's, on the material's series, so a student's model is marked only if it was trained
    on that series. Neither mark depends on the series settings on the screen, so moving them leaves the chart
    as it is (redrawing it was a third of a press's wait, docs/latency.md).
    """
    pretrained = None
    if PRETRAINED[MATERIAL].exists():
        pretrained = (MATERIAL.look_back, over_floor(pretrained_results(MATERIAL)[0]))
    trained = panel.finished_training("forecast_model")
    yours = None
    if trained and trained.results and trained.settings.series == MATERIAL.series and not trained.settings.long_memory:
        yours = (trained.settings.look_back, over_floor(trained.results[0]))
    return pretrained, yours


@st.cache_resource(max_entries=64, show_spinner=False)
def look_back_chart(
    marked: tuple[int, float] | None, yours: tuple[int, float] | None
) -> tuple[object, dict, dict | None] | None:
    """The look-back benchmark's chart with the pretrained model and the student's own marked, and its figures."""
    if not assets.FORECAST_LOOK_BACK_RESULTS.exists():
        return None
    data = json.loads(assets.FORECAST_LOOK_BACK_RESULTS.read_text())
    long_memory = (
        json.loads(assets.FORECAST_LONG_MEMORY_RESULTS.read_text())
        if assets.FORECAST_LONG_MEMORY_RESULTS.exists()
        else None
    )
    figure = look_back_figure(
        data["look_backs"],
        data["model_over_floor"],
        data["persistence_over_floor"],
        data.get("linear_over_floor"),
        marked,
        long_memory["model_over_floor"] if long_memory else None,
        yours,
    )
    return figure, data, long_memory


def show_look_back_gap() -> None:
    st.header("A longer look-back closes the gap")
    chart = look_back_chart(*look_back_marks())
    if chart is None:
        st.info("This chart appears once the look-back benchmark has been run.")
        return
    figure, data, long_memory = chart
    show_chart(st, figure, key="forecast_look_back_chart")
    st.caption(f"Mean over {data['seeds']} noise seeds of the material's series, each trained anew.")
    st.markdown(look_back_lesson(data, long_memory))
    with st.expander("How it was measured (for the teacher)"):
        st.code(data["command"], language="bash", wrap_lines=True)
        if long_memory:
            st.code(long_memory["command"], language="bash", wrap_lines=True)


def look_back_lesson(data: dict, long_memory: dict | None) -> str:
    """What the look-back chart shows, from the benchmark's own figures."""
    pairs = list(zip(data["look_backs"], data["model_over_floor"], data["linear_over_floor"], strict=True))
    behind = [(look_back, lstm / linear) for look_back, lstm, linear in pairs if lstm > 1.05 * linear]
    text = (
        "More values to look at let a forecaster average the noise away and see the curve: the linear predictor "
        f"goes from {pairs[0][2]:.2f} at look_back {pairs[0][0]} to {pairs[-1][2]:.2f} at {pairs[-1][0]}."
    )
    if behind:
        where = " and ".join(f"{ratio:.2f} × at look_back {look_back}" for look_back, ratio in behind)
        text += (
            " The LSTM keeps up with it up to a point, then falls behind: its error is the linear predictor's "
            f"{where}. " + behind_reason(data)
        )
    if long_memory:
        text += (
            f" The long-memory model (the diamond) reaches back {forecast.LONG_LOOK_BACK} values with only "
            f"{forecast.LONG_BLOCKS + forecast.LONG_RECENT} inputs: **{long_memory['model_over_floor']:.3f} ×** the "
            f"noise floor, better than any linear predictor on the chart, after {long_memory['seconds']:.0f} s of "
            f"training. {long_memory['horizon']} steps ahead, fed its own forecasts, its error is "
            f"{long_memory['horizon_over_floor']:.2f} × the noise floor."
        )
    return text


def behind_reason(data: dict) -> str:
    """Why the LSTM trails the linear predictor at long look-backs, from training errors the benchmark recorded."""
    if "train_over_floor" not in data:
        return ""
    lstm, linear = data["train_over_floor"][-1], data["linear_train_over_floor"][-1]
    if lstm > linear:
        return (
            f"It is not over-fitting: on the training part too its error ({lstm:.2f} × the noise floor at look_back "
            f"{data['look_backs'][-1]}) stays above the linear predictor's ({linear:.2f} ×). Fifty epochs of gradient "
            "descent do not find the best weights for many inputs through an LSTM's gates, where least squares solves "
            "for them exactly."
        )
    return (
        f"It fits the training part better than the linear predictor ({lstm:.2f} × the noise floor against "
        f"{linear:.2f} × at look_back {data['look_backs'][-1]}) and the test part worse: with more inputs it learns "
        "some of the training noise."
    )


def expected_training(settings: forecast.ModelSettings, epochs: int) -> str:
    """About how long training takes here: as measured on the page, or from the shipped model of its kind's training."""
    summary = assets.read_summary(PRETRAINED[LONG_MEMORY if settings.long_memory else MATERIAL])
    seconds = assets.expected_training_seconds(forecast.train_task.__module__, epochs, summary)
    if summary is None or seconds is None:
        return ""
    return (
        f" Training takes {duration_in_words(seconds)} for {epochs} epochs on this server when nobody else trains "
        f"(measured with {summary.parameters:,} parameters; fewer units train faster)."
    )


def read_what_the_model_sees() -> tuple[bool, int]:
    """The kind of model (the material's look_back values, or long memory) and its look_back."""
    with settings_row():
        long_memory = st.radio("What the model sees", list(KINDS), format_func=KINDS.get, key="forecast_kind")
        if long_memory:
            return True, forecast.LONG_LOOK_BACK
        look_back = st.number_input(
            "look_back", 2, 80, forecast.MATERIAL_LOOK_BACK, key="forecast_look_back", width=SETTING_WIDTH
        )
    return False, int(look_back)


def show_windows_of(config: forecast.SeriesConfig, look_back: int, long_memory: bool) -> None:
    st.header("Windows")
    if long_memory:
        show_long_memory_windows(config)
    else:
        show_windows(config, look_back)


def show_training_and_results(
    config: forecast.SeriesConfig, windows: forecast.Windows, look_back: int, long_memory: bool
) -> None:
    st.header("Model and training")
    units, second, epochs, batch_size = read_model_settings(long_memory)
    settings = forecast.ModelSettings(config, look_back, units, second, long_memory)
    if long_memory:
        layers = f"a linear part + LSTM({units}) + Dense(1), over {forecast.LONG_BLOCKS + forecast.LONG_RECENT} inputs"
        parameters = forecast.long_memory_param_count(units)
    else:
        layers = f"LSTM({units})" + (f" + LSTM({second})" if second else "") + " + Dense(1)"
        parameters = forecast.forecaster_param_count(units, second)
    st.markdown(
        f"{layers}: **{parameters:,} parameters** (the material's LSTM(100) + Dense(1) has 40,901)."
        + expected_training(settings, epochs)
    )
    job = panel.session_job("forecast_model")
    if panel.training_buttons("forecast", job):
        job = start_forecast_training(settings, windows, epochs, batch_size)
    if job:
        panel.show_job(job, "forecast_training", training_summary)
    if (trained := panel.finished_training("forecast_model")) and trained.settings == settings:
        record = {"settings": dataclasses.asdict(settings), "epochs": epochs, "batch_size": batch_size}
        offer_trained_model("forecast", trained, record)
    shown = current_results(settings, series_of(config), windows)

    st.header("Results")
    trained = panel.session_training("forecast_model")
    if trained and trained.history.epochs and trained.settings != settings:
        st.info(
            "Your trained model was made for other settings ("
            + ", ".join(changed_settings(trained.settings, settings))
            + "). Set them back to see it again, or press **Train** for these."
        )
    if shown is None and job and job.active:
        st.info("The results appear here when the training ends.")
    elif shown is None:
        st.info("These settings differ from the material's, so there is no ready model: press **Train**.")
    else:
        results, figures, source = shown
        st.caption(f"Showing {source}.")
        show_results(results, figures, settings, parameters)
    take_home(
        "forecast",
        lambda: forecast_notebook(settings, epochs, batch_size),
        "this series, its windows and this model, trained, against persistence, the linear predictor and the noise "
        "floor",
    )


st.title("Forecasting a series with an LSTM")
st.markdown(
    "The class's synthetic series, `t·sin(t)/3 + 2·sin(5t) + σ·noise`, cut into windows of `look_back` values; an LSTM "
    "predicts the next value. How good is it? Compared with two honest references on the same test points. Choose "
    "the series and what the model sees here; every tab below uses them."
)
series_config = read_series_settings()
series = series_of(series_config)
long_memory, look_back = read_what_the_model_sees()
try:
    windows = forecast.split_windows(series, look_back)
except ValueError as error:
    st.error(f"{error} Make the series longer or its training fraction larger.")
    st.stop()
# Tabs that run only while open: a series setting redraws the one chart on the screen that shows it, not the
# series, its windows and five charts of results at once (docs/latency.md).
show_tabs(
    [
        Tab("Series", lambda: show_series(series_config)),
        Tab("Windows", lambda: show_windows_of(series_config, look_back, long_memory)),
        Tab("Train and results", lambda: show_training_and_results(series_config, windows, look_back, long_memory)),
        Tab("Look-back", show_look_back_gap),
    ],
    key="forecast_tab",
)
quiz_section("forecast", quiz_facts())
