"""The Convolution page's take-home notebook: the student's layer in Keras, and one output value in NumPy beside it."""

from __future__ import annotations

from core.conv.layer import ConvSpec
from core.shared.notebook import Notebook, code, words


def padding_code(spec: ConvSpec) -> str:
    """The notebook's padding setting: a number of zeros, or Keras's 'valid' / 'same'."""
    return repr(spec.padding)


def conv_notebook(spec: ConvSpec, seed: int) -> Notebook:
    """The layer the page shows, with its input and filters drawn as the page draws them (same seed, same numbers)."""
    settings = {
        "input n_H × n_W × n_C": f"{spec.height} × {spec.width} × {spec.channels}",
        "filter size f": spec.filter_size,
        "stride s": spec.stride,
        "padding": spec.padding,
        "filters K": spec.filters,
        "random seed": seed,
    }
    cells = [
        words(
            """
            ## 1. The input and the filters (slide *A Convolution Layer*)
            Small whole numbers, so that every product can be checked by eye: the same draws as on the page.
            """
        ),
        code(
            f"""
            import math

            import keras
            import numpy as np
            from keras import layers

            n_H, n_W, n_C = {spec.height}, {spec.width}, {spec.channels}  # input height, width, channels
            f, s, K = {spec.filter_size}, {spec.stride}, {spec.filters}  # filter size, stride, number of filters
            padding = {padding_code(spec)}  # zeros on each side, or Keras's "valid" / "same"

            rng = np.random.default_rng({seed})
            x = rng.integers(0, 10, size=(n_H, n_W, n_C)).astype("float32")
            kernels = rng.integers(-1, 2, size=(f, f, n_C, K)).astype("float32")
            bias = rng.integers(-1, 2, size=(K,)).astype("float32")
            print("input shape:", x.shape, " filters shape:", kernels.shape)
            """
        ),
        words(
            """
            ## 2. The output's shape from the formula
            Along each axis, `n_out = floor((n + 2p - f) / s) + 1`. Keras's `"same"` pads just enough for
            `n_out = ceil(n / s)`, an odd extra zero going after (bottom, right).
            """
        ),
        code(
            """
            def padding_of(n):
                \"\"\"Zeros before and after along an axis of size n.\"\"\"
                if padding == "same":
                    total = max((math.ceil(n / s) - 1) * s + f - n, 0)
                    return total // 2, total - total // 2
                p = 0 if padding == "valid" else padding
                return p, p


            def output_size(n):
                before, after = padding_of(n)
                return (n + before + after - f) // s + 1


            print("output shape (formula):", (output_size(n_H), output_size(n_W), K))
            print("parameters (formula): (f·f·n_C + 1)·K =", (f * f * n_C + 1) * K)
            """
        ),
        words(
            """
            ## 3. The same layer in Keras
            A number `p` is not an option of `Conv2D`: it is a `ZeroPadding2D(p)` in front of a `"valid"` one.
            """
        ),
        code(
            """
            inputs = keras.Input(shape=(n_H, n_W, n_C))
            hidden = layers.ZeroPadding2D(padding)(inputs) if isinstance(padding, int) else inputs
            conv = layers.Conv2D(K, f, strides=s, padding="same" if padding == "same" else "valid")
            model = keras.Model(inputs, conv(hidden))
            conv.set_weights([kernels, bias])
            model.summary()
            y = np.asarray(model(x[np.newaxis]))[0]
            print("output shape (Keras):", y.shape)
            print("parameters (Keras):", model.count_params())
            """
        ),
        words(
            """
            ## 4. One output value by hand
            The window at the top left, times the first filter, cell by cell, summed, plus its bias.
            """
        ),
        code(
            """
            (top, bottom), (left, right) = padding_of(n_H), padding_of(n_W)
            padded = np.pad(x, ((top, bottom), (left, right), (0, 0)))
            window = padded[0:f, 0:f, :]
            by_hand = float((window * kernels[..., 0]).sum() + bias[0])
            print("by hand:", by_hand, " Keras:", float(y[0, 0, 0]))
            """
        ),
        words(
            "## 5. Every output value, window by window\nThe loops the slide's picture describes; Keras gives the same."
        ),
        code(
            """
            out = np.zeros(y.shape, dtype="float32")
            for row in range(y.shape[0]):
                for col in range(y.shape[1]):
                    window = padded[row * s : row * s + f, col * s : col * s + f, :]
                    for k in range(K):
                        out[row, col, k] = (window * kernels[..., k]).sum() + bias[k]
            print("the same as Keras:", np.allclose(out, y))
            """
        ),
    ]
    return Notebook("A convolution layer, step by step", settings, cells)
