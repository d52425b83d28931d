"""Looking inside a CIFAR-10 model: feature maps, first-layer filters, Grad-CAM, mistakes.

Pictures come back as uint8 arrays ready to show; the tiling and colouring is done here so
the page only displays them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image


def enlarge(image: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour upscaling, so 32 × 32 pixels stay crisp squares on screen."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def tile(maps: np.ndarray, columns: int = 8, gap: int = 1) -> np.ndarray:
    """Channels of (h, w, c) feature maps as one greyscale mosaic, each map scaled to its own range."""
    height, width, count = maps.shape
    rows = int(np.ceil(count / columns))
    mosaic = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap), 255, dtype=np.uint8)
    for channel in range(count):
        values = maps[..., channel].astype(np.float64)
        low, high = values.min(), values.max()
        scaled = (values - low) / (high - low) * 255 if high > low else np.zeros_like(values)
        row, column = divmod(channel, columns)
        top, left = row * (height + gap), column * (width + gap)
        mosaic[top : top + height, left : left + width] = scaled.astype(np.uint8)
    return mosaic


def conv_layer_names(model) -> list[str]:
    from keras import layers

    return [layer.name for layer in model.layers if isinstance(layer, layers.Conv2D)]


@dataclass(frozen=True)
class FeatureMap:
    layer: str
    values: np.ndarray  # (height, width, channels) after the conv layer


def _run_layers(model, batch):
    """Call a Sequential model's layers one by one (inference mode), yielding each layer and its output.

    Going layer by layer works the same for a freshly built model and a loaded one, whose
    stored symbolic graph may not connect its inner layers to `model.inputs`.
    """
    hidden = batch
    for layer in model.layers:
        hidden = layer(hidden, training=False)
        yield layer, hidden


def feature_maps(model, image: np.ndarray) -> list[FeatureMap]:
    """The output of every Conv2D layer for one uint8 image (32, 32, 3)."""
    names = set(conv_layer_names(model))
    batch = image[np.newaxis].astype(np.float32)
    return [
        FeatureMap(layer.name, np.asarray(output)[0])
        for layer, output in _run_layers(model, batch)
        if layer.name in names
    ]


def first_layer_filters(model) -> np.ndarray:
    """The first conv layer's 3 × 3 × 3 filters as RGB pictures (K, 3, 3, 3) uint8, each scaled to [0, 255]."""
    kernels = np.asarray(model.get_layer(conv_layer_names(model)[0]).get_weights()[0])  # (3, 3, 3, K)
    pictures = np.moveaxis(kernels, -1, 0).astype(np.float64)
    low = pictures.min(axis=(1, 2, 3), keepdims=True)
    high = pictures.max(axis=(1, 2, 3), keepdims=True)
    return ((pictures - low) / np.maximum(high - low, 1e-12) * 255).astype(np.uint8)


def grad_cam(model, image: np.ndarray, class_index: int) -> np.ndarray:
    """Where the last conv layer looked for `class_index` (Selvaraju et al., 2017), as a (32, 32) map in [0, 1].

    The gradient of the class score with respect to each channel of the last conv layer,
    averaged over the picture, weights that channel; the weighted sum, kept where positive,
    is upsampled to the input size.
    """
    import tensorflow as tf  # the gradient tape of Keras's TensorFlow backend

    last_conv = conv_layer_names(model)[-1]
    inputs = tf.convert_to_tensor(image[np.newaxis].astype(np.float32))
    with tf.GradientTape() as tape:
        for layer, output in _run_layers(model, inputs):
            if layer.name == last_conv:
                activations = output
                tape.watch(activations)
        score = output[:, class_index]
    gradients = tape.gradient(score, activations)[0].numpy()  # (h, w, c)
    weights = gradients.mean(axis=(0, 1))
    cam = np.maximum(activations[0].numpy() @ weights, 0)
    cam = cam / cam.max() if cam.max() > 0 else cam
    resized = Image.fromarray((cam * 255).astype(np.uint8)).resize(image.shape[1::-1], Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.float64) / 255


def overlay(image: np.ndarray, heat: np.ndarray, strength: float = 0.5) -> np.ndarray:
    """Blend a [0, 1] heat map (red = looked at) over an RGB uint8 image."""
    colour = np.zeros_like(image, dtype=np.float64)
    colour[..., 0] = 255 * heat
    colour[..., 1] = 255 * np.clip(heat * 2 - 1, 0, 1)
    mixed = (1 - strength * heat[..., np.newaxis]) * image + strength * heat[..., np.newaxis] * colour
    return mixed.clip(0, 255).astype(np.uint8)


def most_confident_mistakes(probabilities: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Indices of wrongly classified images, most confident first."""
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence)][:count]


def per_class_accuracy(matrix: np.ndarray) -> np.ndarray:
    """Diagonal of the confusion matrix over each row's total."""
    totals = matrix.sum(axis=1)
    return np.divide(np.diag(matrix), totals, out=np.zeros(len(totals)), where=totals > 0)


def picture_grid(pictures: np.ndarray, columns: int, scale: int, gap: int) -> np.ndarray:
    """Pictures (N, h, w, 3) uint8 as one mosaic on white, each enlarged `scale` times and `gap` pixels apart.

    One picture instead of many lets the page stretch it to the screen: on a projector the
    grid grows with the room instead of staying a row of thumbnails.
    """
    count, height, width, _ = pictures.shape
    rows = max(1, int(np.ceil(count / columns)))
    cell_height, cell_width = height * scale, width * scale
    mosaic = np.full((rows * (cell_height + gap) - gap, columns * (cell_width + gap) - gap, 3), 255, dtype=np.uint8)
    for index in range(count):
        row, column = divmod(index, columns)
        top, left = row * (cell_height + gap), column * (cell_width + gap)
        mosaic[top : top + cell_height, left : left + cell_width] = enlarge(pictures[index], scale)
    return mosaic
