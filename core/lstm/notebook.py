"""The LSTM page's take-home notebook: what the student's layer returns, its parameters, its gates in NumPy, a stack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.lstm.layer import describe_outputs
from core.shared.notebook import Notebook, code, words


@dataclass(frozen=True)
class LstmChoices:
    """What the student chose on the page: the sizes, the switches, and the stack's layers (units, return_sequences)."""

    batch: int
    timesteps: int
    features: int
    units: int
    seed: int
    return_sequences: bool
    return_state: bool
    stack: Sequence[tuple[int, bool]]


def stack_code(choices: LstmChoices) -> str:
    """A `keras.Sequential` of the student's stack, one layer a line."""
    lines = [f"    keras.Input(shape=({choices.timesteps}, {choices.features})),"]
    lines += [f"    layers.LSTM({units}, return_sequences={sequences})," for units, sequences in choices.stack]
    return "stack = keras.Sequential([\n" + "\n".join(lines) + "\n])"


def stack_works(stack: Sequence[tuple[int, bool]]) -> bool:
    """Whether every LSTM after the first gets the 3-D sequence it needs (the one before returns sequences)."""
    return all(sequences for _, sequences in stack[:-1])


def returns_code(choices: LstmChoices) -> str:
    """The lines that call the layer and print what it returns, written for the student's switches: one tensor,
    or a list of three unpacked into their names."""
    names = [name for _, name in describe_outputs(choices.return_sequences, choices.return_state)]
    call = (
        f"{names[0]} = lstm(x)"
        if len(names) == 1
        else f"{', '.join(names)} = lstm(x)  # return_state=True: three tensors"
    )
    prints = [f'print("{name}: shape", tuple({name}.shape))' for name in names]
    return "\n".join([call, *prints])


def last_hidden_code(choices: LstmChoices) -> str:
    """The line that takes Keras's last hidden state of the first sequence, and the comparison with NumPy's."""
    first = describe_outputs(choices.return_sequences, choices.return_state)[0][1]
    taken = (
        f"keras_h = np.asarray({first})[0, -1]  # the first sequence's last step"
        if choices.return_sequences
        else f"keras_h = np.asarray({first})[0]  # the first sequence's last hidden state"
    )
    return taken + "\nprint(\"NumPy's last h equals Keras's:\", np.allclose(hidden[-1], keras_h, atol=1e-5))"


def lstm_notebook(choices: LstmChoices) -> Notebook:
    settings = {
        "batch B, timesteps T, features F": f"{choices.batch}, {choices.timesteps}, {choices.features}",
        "units U": choices.units,
        "return_sequences": choices.return_sequences,
        "return_state": choices.return_state,
        "random seed": choices.seed,
        "stack": ", ".join(f"LSTM({units}, return_sequences={seq})" for units, seq in choices.stack),
    }
    cells = [
        words(
            """
            ## 1. An input sequence (slide *Input and Output sequences*)
            A batch of B sequences, each T steps of F numbers: the 3-D input every Keras RNN reads.
            """
        ),
        code(
            f"""
            import keras
            import numpy as np
            from keras import layers

            B, T, F, U = {choices.batch}, {choices.timesteps}, {choices.features}, {choices.units}
            x = np.random.default_rng({choices.seed}).standard_normal((B, T, F)).astype("float32")
            print("input shape:", x.shape)
            """
        ),
        words(
            """
            ## 2. What the layer returns (slide *Some LSTM parameters*)
            `return_sequences` gives every step's hidden state instead of the last one; `return_state` adds the
            last hidden state and the last cell state, and Python gets a list of three tensors.
            """
        ),
        code(
            f"""
            lstm = layers.LSTM(
                U,
                return_sequences={choices.return_sequences},
                return_state={choices.return_state},
                kernel_initializer=keras.initializers.GlorotUniform(seed={choices.seed}),
                recurrent_initializer=keras.initializers.Orthogonal(seed={choices.seed + 1}),
            )
            """,
            returns_code(choices),
        ),
        words(
            """
            ## 3. Parameters
            Four gates, each with U×F input weights, U×U recurrent weights and U biases: `4·(U·(U+F) + U)`.
            """
        ),
        code(
            """
            print("parameters (formula):", 4 * (U * (U + F) + U))
            print("parameters (Keras):", lstm.count_params())
            """
        ),
        words(
            """
            ## 4. The cell's gates in NumPy (slide *LSTM (long Short-Term memory) cell*)
            Keras keeps the four gates side by side in the order i, f, g, o: `z = x·W + h·U + b`. The forget gate
            `f` keeps part of the old cell state, the input gate `i` lets in part of the candidate `g`, and the output
            gate `o` decides how much of `tanh(c)` becomes `h`.
            """
        ),
        code(
            """
            W, U_rec, b = lstm.get_weights()
            sigmoid = lambda z: 1 / (1 + np.exp(-z))
            h, c, hidden = np.zeros(U), np.zeros(U), []
            for x_t in x[0]:  # the first sequence, step by step
                z_i, z_f, z_g, z_o = np.split(x_t @ W + h @ U_rec + b, 4)
                i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), sigmoid(z_o)
                c = f * c + i * g
                h = o * np.tanh(c)
                hidden.append(h)
            print("last step's gates: i", i.round(3), "f", f.round(3), "o", o.round(3))
            """,
            last_hidden_code(choices),
        ),
    ]
    if stack_works(choices.stack):
        cells += [
            words(
                """
                ## 5. A stack of LSTMs
                Each LSTM reads a 3-D sequence, so every layer but the last must return its whole sequence.
                """
            ),
            code(
                stack_code(choices)
                + """
                for layer in stack.layers:
                    print(f"{layer.name}: output shape {layer.output.shape}")
                """.replace("\n                ", "\n")
            ),
        ]
    else:
        cells.append(
            words(
                """
                ## 5. A stack of LSTMs
                The stack on the page has a layer after one that returns only its last state (2-D): an LSTM needs a
                3-D sequence, so Keras cannot build it. Set `return_sequences=True` on every layer but the last.
                """
            )
        )
    return Notebook("What an LSTM layer returns, and what happens inside it", settings, cells)
