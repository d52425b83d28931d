"""The Forecasting page's take-home notebook: the student's series, windows and model, against persistence, the
linear predictor and the noise floor."""

from __future__ import annotations

from core.forecast import model as forecast
from core.shared.notebook import Notebook, code, curves_code, words

QUICK_EPOCHS = 1  # the tests' quick switch: a run of seconds that still prints every shape and figure


def model_code(settings: forecast.ModelSettings) -> str:
    """The Keras model the page trains for `settings`, written out."""
    if settings.long_memory:
        return f"""
            # 16 averages of the 160 older values, then the 10 latest: 26 inputs; a linear part over them, fitted by
            # least squares below, plus an LSTM's correction that starts at zero.
            window = keras.Input(shape=({forecast.LONG_LOOK_BACK}, 1))
            older = layers.Cropping1D((0, {forecast.LONG_RECENT}))(window)
            averages = layers.AveragePooling1D({forecast.LONG_BLOCK})(older)
            recent = layers.Cropping1D(({forecast.LONG_BLOCKS * forecast.LONG_BLOCK}, 0))(window)
            seen = layers.Concatenate(axis=1, name="what_it_sees")([averages, recent])
            correction = layers.Dense(1, kernel_initializer="zeros")(layers.LSTM({settings.units})(seen))
            linear_part = layers.Dense(1, name="linear_part")(layers.Flatten()(seen))
            model = keras.Model(window, layers.Add()([linear_part, correction]))
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
            inputs_of = keras.Model(window, seen)  # what the model sees of a window
            """
    second = settings.second_layer_units
    lstms = (
        f"layers.LSTM({settings.units}, return_sequences=True),\n                layers.LSTM({second}),"
        if second
        else f"layers.LSTM({settings.units}),"
    )
    return f"""
            model = keras.Sequential([
                keras.Input(shape=(look_back, 1)),
                {lstms}
                layers.Dense(1),
            ])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
            inputs_of = lambda x: x[..., 0]  # the linear predictor sees the same values
            """


def forecast_notebook(settings: forecast.ModelSettings, epochs: int, batch_size: int, quick: bool = False) -> Notebook:
    """The page's series and model for `settings`; `quick` trains one epoch (the tests' switch)."""
    series = settings.series
    kind = "long memory" if settings.long_memory else "the last look_back values"
    page_settings = {
        "length N, noise σ, noise seed": f"{series.length}, {series.noise:g}, {series.seed}",
        "training fraction": f"{series.split:g}",
        "what the model sees": kind,
        "look_back": settings.look_back,
        "LSTM units": settings.units,
        "second LSTM units": settings.second_layer_units,
        "epochs, batch size": f"{epochs}, {batch_size}",
    }
    cells = [
        words(
            """
            ## 1. The series (slide *Generate synthetic time series*)
            `t·sin(t)/3 + 2·sin(5t) + σ·noise`. The normalisation uses the training part only: the future must not
            shape the inputs the model trains on.
            """
        ),
        code(
            f"""
            import keras
            import matplotlib.pyplot as plt
            import numpy as np
            from keras import layers

            N, sigma, seed, split = {series.length}, {series.noise!r}, {series.seed}, {series.split!r}
            look_back, EPOCHS, BATCH_SIZE = {settings.look_back}, {QUICK_EPOCHS if quick else epochs}, {batch_size}

            t = np.linspace(0, {series.t_max!r}, N)
            clean = t * np.sin(t) / 3 + 2 * np.sin(5 * t)
            noisy = clean + sigma * np.random.default_rng(seed).standard_normal(N)
            train_size = int(N * split)
            mean, std = noisy[:train_size].mean(), noisy[:train_size].std()
            values = (noisy - mean) / std
            plt.plot(t, noisy, lw=0.7, label="series")
            plt.axvline(t[train_size], color="k", ls="--", label="test part from here")
            plt.legend()
            plt.show()
            """
        ),
        words(
            """
            ## 2. Windows: `look_back` values and the one that follows
            A window at every position; each test point gets a forecast from the window before it, which may
            reach back into the training part.
            """
        ),
        code(
            """
            def windows(v):
                x = np.lib.stride_tricks.sliding_window_view(v[:-1], look_back)[: len(v) - look_back]
                return x[..., np.newaxis].astype("float32"), v[look_back:].astype("float32")


            x_train, y_train = windows(values[:train_size])
            x_all, y_all = windows(values)
            x_test, y_test = x_all[train_size - look_back :], y_all[train_size - look_back :]
            print("training inputs:", x_train.shape, " test inputs:", x_test.shape)
            """
        ),
        words("## 3. The model"),
        code(model_code(settings) + '\n            print(f"parameters: {model.count_params():,}")\n'),
        words(
            """
            ## 4. An honest reference: the linear predictor
            The next value as a weighted sum of the same inputs plus a constant, fitted by least squares.
            """
        ),
        code(
            """
            def with_constant(x):
                seen = np.asarray(inputs_of(x)).reshape(len(x), -1)
                return np.c_[seen, np.ones(len(seen))]


            weights, *_ = np.linalg.lstsq(with_constant(x_train), y_train, rcond=None)
            linear = with_constant(x_test) @ weights
            """
            + (
                """
            model.get_layer("linear_part").set_weights([weights[:-1, None], weights[-1:]])
            """
                if settings.long_memory
                else ""
            )
        ),
        words(
            """
            ## 5. Training
            The loss on the test part is only watched: nothing in the training looks at it. The learning rate
            halves when the training loss stalls for 3 epochs.
            """
        ),
        code(
            """
            keras.utils.set_random_seed(seed)
            history = model.fit(
                x_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_data=(x_test, y_test), verbose=0,
                callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=3, min_lr=1e-4)],
            )
            """,
            curves_code("loss", '"test (watched)"', log_scale=True),
        ),
        words(
            """
            ## 6. Against the references
            Persistence says tomorrow = today; the noise floor is the error of a forecaster that knows the noiseless
            curve, which no model beats on average.
            """
            + (
                "With no noise (σ = 0) the floor is 0, and the errors are not given as multiples of it."
                if not series.noise
                else ""
            )
        ),
        code(
            """
            truth = noisy[train_size:]
            lstm = model.predict(x_test, verbose=0)[:, 0] * std + mean
            rmse = lambda forecast: float(np.sqrt(np.mean((forecast - truth) ** 2)))
            floor = rmse(clean[train_size:])
            for name, forecast in [
                ("LSTM", lstm),
                ("linear predictor", linear * std + mean),
                ("persistence", noisy[train_size - 1 : -1]),
                ("noise floor", clean[train_size:]),
            ]:
                times_floor = f" = {rmse(forecast) / floor:.2f} × the noise floor" if floor > 0 else ""
                print(f"{name:>16}: RMSE {rmse(forecast):.3f}{times_floor}")
            plt.plot(t[train_size:], truth, ".", ms=3, label="series")
            plt.plot(t[train_size:], lstm, label="LSTM")
            plt.legend()
            plt.show()
            """
        ),
    ]
    return Notebook("Forecasting a series with an LSTM", page_settings, cells)
