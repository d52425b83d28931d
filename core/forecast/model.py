"""Forecasting the class's synthetic series with an LSTM, against honest baselines.

The material: `t = linspace(0, 30, 1000)`, `ts = t·sin(t)/3 + 2·sin(5t) + 0.5·noise`, normalised,
split 0.9 / 0.1, windows of `look_back = 10`, LSTM(100) + Dense(1), 50 epochs of batch 20.

Two things differ from the slides, on purpose, and the page shows both:
- the normalisation statistics come from the training part only (the slides use the whole
  series, so the test part leaks into the inputs of training);
- a window is cut at every possible position (`len - look_back` windows; the slides' loop
  stops one early), and every test point gets a forecast, its window reaching back into the
  training part where it must.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.shared.predicting import predict_on_batch
from core.shared.training import History, Report, StopSignal, TrainingHooks

MATERIAL_LOOK_BACK = 10
MATERIAL_UNITS = 100
MATERIAL_EPOCHS = 50
MATERIAL_BATCH_SIZE = 20

# The long-memory forecaster sees the material's 10 most recent values and, before them, 160 older
# values averaged in 16 blocks of 10: a memory 17 times longer for 16 more inputs, and an average
# of 10 noisy values carries a tenth of their noise variance.
LONG_RECENT = 10
LONG_BLOCKS = 16
LONG_BLOCK = 10
LONG_LOOK_BACK = LONG_RECENT + LONG_BLOCKS * LONG_BLOCK  # 170 values of the series reach the model
LONG_UNITS = 32
LONG_EPOCHS = 60
LONG_BATCH_SIZE = 32


@dataclass(frozen=True)
class SeriesConfig:
    """How the synthetic series is made and split (the material's values as defaults)."""

    length: int = 1000  # number of samples N
    noise: float = 0.5  # σ of the Gaussian noise added to the clean curve
    seed: int = 0  # seed of the noise
    split: float = 0.9  # fraction of the series used for training
    t_max: float = 30.0  # t runs from 0 to t_max


@dataclass(frozen=True)
class Series:
    """The series, its noiseless curve, and the normalisation learnt on the training part."""

    t: np.ndarray  # (N,)
    clean: np.ndarray  # (N,) t·sin(t)/3 + 2·sin(5t)
    noisy: np.ndarray  # (N,) clean + noise: what the model sees
    train_size: int  # the first train_size samples are for training
    mean: float  # of the noisy training part
    std: float  # of the noisy training part

    def normalise(self, values: np.ndarray) -> np.ndarray:
        return (values - self.mean) / self.std

    def denormalise(self, values: np.ndarray) -> np.ndarray:
        return values * self.std + self.mean


def make_series(config: SeriesConfig) -> Series:
    """The material's series with the configured length, noise and seed."""
    t = np.linspace(0, config.t_max, config.length)
    clean = t * np.sin(t) / 3 + 2 * np.sin(5 * t)
    noisy = clean + config.noise * np.random.default_rng(config.seed).standard_normal(config.length)
    train_size = int(config.length * config.split)
    train = noisy[:train_size]
    return Series(t, clean, noisy, train_size, float(train.mean()), float(train.std()))


@dataclass(frozen=True)
class ModelSettings:
    """What a trained forecaster depends on: if any of these change, it must be retrained."""

    series: SeriesConfig
    look_back: int
    units: int
    second_layer_units: int  # 0 for a single LSTM layer
    long_memory: bool = False  # the long-memory forecaster (look_back is then LONG_LOOK_BACK)


def material_window_count(length: int, look_back: int) -> int:
    """How many windows the slides' `create_dataset` makes: it loops over range(len - look_back - 1)."""
    return max(length - look_back - 1, 0)


def make_windows(values: np.ndarray, look_back: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window of `look_back` values and the value that follows it.

    Returns:
        `(x, y)` with x of shape (len - look_back, look_back, 1) — [samples, n_steps, n_inputs] —
        and y of shape (len - look_back,).
    """
    count = len(values) - look_back
    if count < 1:
        raise ValueError(f"look_back={look_back} leaves no window in a series of {len(values)} values.")
    x = np.lib.stride_tricks.sliding_window_view(values[:-1], look_back)[:count]
    return x[..., np.newaxis].astype(np.float32), values[look_back:].astype(np.float32)


@dataclass(frozen=True)
class Windows:
    """Training windows from the training part; test windows ending at every test point."""

    x_train: np.ndarray  # (n_train, look_back, 1), normalised
    y_train: np.ndarray  # (n_train,)
    x_test: np.ndarray  # (n_test, look_back, 1): may reach back into the training part
    y_test: np.ndarray  # (n_test,) = every test point, normalised
    test_index: np.ndarray  # (n_test,) position of each test target in the series
    train_index: np.ndarray  # (n_train,) position of each training target in the series


def split_windows(series: Series, look_back: int) -> Windows:
    """Normalise with the training statistics, then cut training and test windows."""
    values = series.normalise(series.noisy)
    x_train, y_train = make_windows(values[: series.train_size], look_back)
    x_all, y_all = make_windows(values, look_back)
    first_test = series.train_size - look_back  # the window whose target is the first test point
    if first_test < 0:
        raise ValueError(f"look_back={look_back} is longer than the training part ({series.train_size} values).")
    return Windows(
        x_train,
        y_train,
        x_all[first_test:],
        y_all[first_test:],
        np.arange(series.train_size, len(values)),
        np.arange(look_back, series.train_size),
    )


def forecaster_param_count(units: int, second_layer_units: int = 0) -> int:
    """Parameters of `build_forecaster`: 4·(U·(U+F)+U) per LSTM, plus the Dense(1) head."""
    first = 4 * (units * (units + 1) + units)  # F = 1 value per time step
    if not second_layer_units:
        return first + units + 1
    second = 4 * (second_layer_units * (second_layer_units + units) + second_layer_units)
    return first + second + second_layer_units + 1


def build_forecaster(look_back: int, units: int = MATERIAL_UNITS, second_layer_units: int = 0, seed: int = 0):
    """LSTM(units) [+ LSTM(second_layer_units)] + Dense(1); the material's is 40,901 parameters.

    Example:
        >>> build_forecaster(10).count_params()
        40901
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    stack = [keras.Input(shape=(look_back, 1))]
    if second_layer_units:
        stack.append(layers.LSTM(units, return_sequences=True))
        stack.append(layers.LSTM(second_layer_units))
    else:
        stack.append(layers.LSTM(units))
    stack.append(layers.Dense(1))
    model = keras.Sequential(stack, name="forecaster")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
    return model


def long_memory_param_count(units: int = LONG_UNITS) -> int:
    """Parameters of `build_long_memory_forecaster`: the LSTM, its Dense(1) correction, the linear part.

    Example:
        >>> long_memory_param_count(32)
        4412
    """
    steps = LONG_BLOCKS + LONG_RECENT
    return 4 * (units * (units + 1) + units) + units + 1 + steps + 1


def build_long_memory_forecaster(units: int = LONG_UNITS, seed: int = 0):
    """LSTM over 16 block averages then the 10 latest values, plus a linear part over the same 26 inputs.

    The model takes the raw window of LONG_LOOK_BACK values, like the material's takes 10, and
    does the averaging itself, so a saved model needs nothing else to forecast. The forecast is
    the linear part (an autoregressive model over the 26 inputs, fitted by least squares before
    training: `start_from_least_squares`) plus the LSTM's correction, which starts at zero. That
    is LSTNet's "highway" (Lai et al., 2018): a network's output does not follow the scale of
    its inputs, a linear part does, and this series' swings grow beyond anything in training.
    """
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    window = keras.Input(shape=(LONG_LOOK_BACK, 1), name="window")
    older = layers.Cropping1D((0, LONG_RECENT), name="older_values")(window)
    averages = layers.AveragePooling1D(LONG_BLOCK, name="block_averages")(older)
    recent = layers.Cropping1D((LONG_BLOCKS * LONG_BLOCK, 0), name="recent_values")(window)
    seen = layers.Concatenate(axis=1, name="what_it_sees")([averages, recent])
    correction = layers.Dense(1, kernel_initializer="zeros", name="lstm_correction")(layers.LSTM(units)(seen))
    linear = layers.Dense(1, name="linear_part")(layers.Flatten()(seen))
    model = keras.Model(window, layers.Add(name="forecast")([linear, correction]), name="long_memory_forecaster")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
    return model


def long_memory_inputs(model, x: np.ndarray) -> np.ndarray:
    """What the long-memory model sees of windows x: (n, 26) block averages then recent values."""
    import keras

    seen = keras.Model(model.inputs, model.get_layer("what_it_sees").output)
    return predict_on_batch(seen, x)[..., 0]


def start_from_least_squares(model, windows: Windows) -> None:
    """Set the long-memory model's linear part to the least-squares fit on the training windows."""
    linear = fit_linear(windows, model)
    model.get_layer("linear_part").set_weights(
        [linear.coefficients[:, np.newaxis].astype(np.float32), np.array([linear.intercept], dtype=np.float32)]
    )


def new_forecaster(settings: ModelSettings, windows: Windows):
    """The untrained model for `settings`, ready for `train_forecaster` (seeded with the series' seed)."""
    if settings.long_memory:
        model = build_long_memory_forecaster(settings.units, seed=settings.series.seed)
        start_from_least_squares(model, windows)
        return model
    return build_forecaster(settings.look_back, settings.units, settings.second_layer_units, seed=settings.series.seed)


def train_forecaster(
    model,
    windows: Windows,
    epochs: int = MATERIAL_EPOCHS,
    batch_size: int = MATERIAL_BATCH_SIZE,
    hooks: TrainingHooks | None = None,
) -> History:
    """Fit on the training windows, reporting each epoch; Stop ends after the current batch.

    `hooks` follow and stop it (see `core.shared.training.TrainingHooks`). The learning rate halves whenever the training
    loss stalls for 3 epochs (docs/forecasting.md has the benchmark that chose it). The loss on the
    test windows is recorded each epoch as `val_loss`, to be watched: nothing in the
    training looks at it.
    """
    import keras

    from core.shared.fitting import fit

    return fit(
        model,
        (windows.x_train, windows.y_train),
        (windows.x_test, windows.y_test),
        epochs,
        batch_size=batch_size,
        hooks=hooks,
        callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=3, min_lr=1e-4)],
    )


def train_task(
    history: History, stop: StopSignal, report: Report, settings: ModelSettings, epochs: int, batch_size: int
) -> list:
    """The page's training, for a worker process: the model of `settings` on its series' training windows."""
    windows = split_windows(make_series(settings.series), settings.look_back)
    model = new_forecaster(settings, windows)

    train_forecaster(
        model,
        windows,
        epochs=epochs,
        batch_size=batch_size,
        hooks=TrainingHooks.reporting(history, stop, report, epochs),
    )
    return model.get_weights()


def predict(model, x: np.ndarray) -> np.ndarray:
    """Normalised one-step forecasts for windows x, as a flat array."""
    return np.asarray(model(x, training=False)).reshape(-1)


@dataclass(frozen=True)
class Scores:
    """RMSE and MAE on the test points, in the series' own units."""

    rmse: float
    mae: float


def score(truth: np.ndarray, forecast: np.ndarray) -> Scores:
    error = np.asarray(forecast) - np.asarray(truth)
    return Scores(float(np.sqrt(np.mean(error**2))), float(np.mean(np.abs(error))))


@dataclass(frozen=True)
class Evaluation:
    """The model against the two references, all on the same test points (series units)."""

    model: Scores
    persistence: Scores  # tomorrow = today
    noise_floor: Scores  # the noiseless curve as the forecast: no model beats it on average
    forecast: np.ndarray  # (n_test,) model forecasts, series units


@dataclass(frozen=True)
class LinearPredictor:
    """The least-squares linear forecast from a model's inputs: for a plain window, an autoregressive (AR) model."""

    coefficients: np.ndarray  # (inputs,) the weight of each input, oldest first
    intercept: float

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """Normalised one-step forecasts from inputs (n, inputs) or windows (n, look_back, 1)."""
        return inputs.reshape(len(inputs), -1) @ self.coefficients + self.intercept


def least_squares(inputs: np.ndarray, targets: np.ndarray) -> LinearPredictor:
    """The linear predictor with the least squared error on (inputs, targets) (`numpy.linalg.lstsq`)."""
    flat = inputs.reshape(len(inputs), -1)
    solution = np.linalg.lstsq(np.c_[flat, np.ones(len(flat))], targets, rcond=None)[0]
    return LinearPredictor(solution[:-1], float(solution[-1]))


def is_long_memory(model) -> bool:
    return any(layer.name == "what_it_sees" for layer in model.layers)


def model_inputs(model, x: np.ndarray) -> np.ndarray:
    """What a forecaster sees of windows x, a row per window: the window, or the long-memory model's 26 inputs."""
    return long_memory_inputs(model, x) if model is not None and is_long_memory(model) else x.reshape(len(x), -1)


def fit_linear(windows: Windows, model=None) -> LinearPredictor:
    """The least-squares linear predictor over what `model` sees of the training windows (the window if None).

    Example:
        >>> x = np.arange(12, dtype=np.float32).reshape(4, 3, 1)  # windows of a straight line
        >>> fit_linear(Windows(x, x[:, -1, 0] + 1, x, x[:, -1, 0] + 1, np.arange(4), np.arange(4))).predict(x)
        array([ 3.,  6.,  9., 12.])
    """
    return least_squares(model_inputs(model, windows.x_train), windows.y_train)


def evaluate(model, series: Series, windows: Windows) -> Evaluation:
    truth = series.noisy[windows.test_index]
    forecast = series.denormalise(predict(model, windows.x_test))
    return Evaluation(
        model=score(truth, forecast),
        persistence=score(truth, series.noisy[windows.test_index - 1]),
        noise_floor=score(truth, series.clean[windows.test_index]),
        forecast=forecast,
    )


def recursive_forecasts(model, series: Series, look_back: int, origins: np.ndarray, steps: int) -> np.ndarray:
    """From each origin, forecast `steps` values, feeding each prediction back as the next input.

    All origins advance together, one batch per step through Keras's compiled predict step
    (`predict_on_batch`: about a millisecond a call, where an eager call of the LSTM takes 40).

    Returns:
        (len(origins), steps) forecasts in series units: row i forecasts positions origins[i],
        origins[i] + 1, …, using only the values before origins[i] and its own outputs.
    """
    values = series.normalise(series.noisy).astype(np.float32)
    windows = np.zeros((len(origins), look_back + steps), dtype=np.float32)
    for row, origin in enumerate(origins):
        windows[row, :look_back] = values[origin - look_back : origin]
    for step in range(steps):
        x = windows[:, step : step + look_back, np.newaxis]
        windows[:, look_back + step] = np.asarray(model.predict_on_batch(x)).reshape(-1)
    return series.denormalise(windows[:, look_back:].astype(np.float64))


def recursive_forecast(model, series: Series, look_back: int, steps: int) -> np.ndarray:
    """(steps,) forecasts after the training part, each from the model's own earlier outputs (series units)."""
    return recursive_forecasts(model, series, look_back, np.array([series.train_size]), steps)[0]


def horizon_rmse(model, series: Series, look_back: int, steps: int) -> np.ndarray:
    """RMSE of recursive forecasts k = 1 … steps ahead, from every test origin that leaves `steps` test points.

    Returns:
        (steps,) RMSE by horizon, in series units.
    """
    origins = np.arange(series.train_size, len(series.noisy) - steps + 1)
    forecasts = recursive_forecasts(model, series, look_back, origins, steps)
    truth = np.stack([series.noisy[origin : origin + steps] for origin in origins])
    return np.sqrt(np.mean((forecasts - truth) ** 2, axis=0))


@dataclass(frozen=True)
class Results:
    """Everything the page shows about one model on one series: computed once, shown on every rerun."""

    evaluation: Evaluation
    train_forecast: np.ndarray  # (n_train,) one-step forecasts of the training targets, series units
    recursive: np.ndarray  # (n_test,) the recursive forecast of the test part, series units
    linear: LinearPredictor  # the least-squares reference from the same inputs
    linear_scores: Scores  # its error on the same test points
    linear_forecast: np.ndarray  # (n_test,) its forecasts, series units


def results(model, series: Series, windows: Windows, look_back: int) -> Results:
    linear = fit_linear(windows, model)
    linear_forecast = series.denormalise(linear.predict(model_inputs(model, windows.x_test)))
    return Results(
        evaluate(model, series, windows),
        series.denormalise(predict(model, windows.x_train)),
        recursive_forecast(model, series, look_back, len(windows.y_test)),
        linear,
        score(series.noisy[windows.test_index], linear_forecast),
        linear_forecast,
    )
