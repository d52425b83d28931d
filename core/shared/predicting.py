"""Keras's compiled predict step, traced once per model for inputs of any size.

`model.predict_on_batch` runs one `tf.function(reduce_retracing=True)` per model. Its first call
traces it for that input's exact shape, and the first call of another shape (a longer recording,
a batch of another size) traces it again, relaxed to any size: two traces of about a second
each for every new model. TensorFlow counts traces by the traced Python code, which the predict
steps of all Keras models share, so a server that opens a few readers (the shipped ones, each
student's own) logs "5 out of the last 106 calls to <function TensorFlowTrainer.make_predict_function.
<locals>.one_step_on_data_distributed> triggered tf.function retracing" though no model traced more than twice.

Traced once up front for the model's declared input shape (`None` on every axis that varies), the
step fits every later call: one trace per model whatever the sizes, and one that the warning does
not count (TensorFlow leaves out traces asked for with `get_concrete_function`).
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

# Predict steps already traced for any size, held weakly: a model compiled again gets a new step, traced anew.
_traced_steps: weakref.WeakSet = weakref.WeakSet()
# Sessions share a model: the first to read it traces it, the others wait for that trace instead of making their own.
_tracing = threading.Lock()


def trace_predict_step(model) -> None:
    """Trace `model`'s predict step once for any input its declared shape allows; later calls do nothing.

    Args:
        model: a built Keras model with one input (TensorFlow backend).

    Raises:
        ValueError: if the model does not declare exactly one input.
    """
    import tensorflow as tf  # the tf.function under Keras's predict step (TensorFlow backend)

    declared = _declared_input(model)
    with _tracing:
        model.make_predict_function()
        step = model.predict_function
        if step in _traced_steps:
            return
        # `predict_on_batch(x)` calls the step with `[(x,)]`: the spec has the same nesting.
        step.get_concrete_function([(tf.TensorSpec(declared.shape, declared.dtype),)])
        _traced_steps.add(step)


def predict_on_batch(model, x: np.ndarray) -> np.ndarray:
    """`model.predict_on_batch(x)` through a predict step traced once for every size (`trace_predict_step`).

    `x` is cast to the input's declared dtype: float64 values would trace the step again.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((None, 3)), keras.layers.Dense(2)])
        >>> [predict_on_batch(model, np.zeros((batch, steps, 3))).shape for batch, steps in ((1, 4), (5, 9))]
        [(1, 4, 2), (5, 9, 2)]
        >>> model.predict_function.experimental_get_tracing_count()
        1
    """
    trace_predict_step(model)
    return np.asarray(model.predict_on_batch(np.asarray(x, dtype=_declared_input(model).dtype)))


def predict_outputs(model, x: np.ndarray) -> list[np.ndarray]:
    """`predict_on_batch` for a model with several outputs: each output's batch, in the model's order."""
    trace_predict_step(model)
    outputs = model.predict_on_batch(np.asarray(x, dtype=_declared_input(model).dtype))
    return [np.asarray(output) for output in outputs]


def _declared_input(model):
    """The model's one input as declared (a KerasTensor: its shape has None where a size varies)."""
    inputs = getattr(model, "inputs", None) or []  # a subclassed model declares none
    if len(inputs) != 1:
        raise ValueError(f"`model` must declare one input; received {model.name!r} with {len(inputs)} inputs.")
    return inputs[0]
