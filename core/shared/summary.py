"""A Keras model's layers as rows of a table, as `model.summary()` prints them."""

from __future__ import annotations


def layer_table(model) -> list[dict]:
    """One row per layer: name, type, output shape (batch as None) and parameter count."""
    return [
        {
            "layer": layer.name,
            "type": type(layer).__name__,
            "output shape": str(tuple(layer.output.shape)),
            "parameters": layer.count_params(),
        }
        for layer in model.layers
    ]
