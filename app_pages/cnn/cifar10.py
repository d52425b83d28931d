"""CIFAR-10: the class's CNNs trained live, looked inside, and tried on your own picture."""

import json
import time
from pathlib import Path

import numpy as np
import streamlit as st

from app_pages.common.training_place import training_place
from core import cifar, cifar_inspect
from core.cifar_plots import class_counts_figure, confusion_figure, per_class_figure, top_classes_figure
from core.datasets import CIFAR10_CLASSES, Cifar10, DatasetUnavailable, load_cifar10
from core.images import UPLOAD_TYPES, ImageRejected, load_image, square_thumbnail
from core.summary import layer_table
from core.training import History, server_training_queue
from core.training_plots import curves_figure

ASSETS = Path(__file__).resolve().parents[2] / "assets"
MODELS = {"basic": ASSETS / "models" / "cifar10_basic.keras", "improved": ASSETS / "models" / "cifar10_improved.keras"}
SAMPLES = ASSETS / "samples" / "cifar10"
MIRROR_NOTE = (
    "Every prediction here averages the probabilities for the picture and for its mirror image "
    "(test-time augmentation): a mirrored cat is still a cat, and the two guesses' mistakes partly cancel."
)
SUBSETS = (1_000, 5_000, 10_000, 50_000)
DENSE_CHOICES = (0, 256, 512)


@st.cache_resource(show_spinner="Loading CIFAR-10…")
def cifar_data() -> Cifar10 | str:
    """The data set, shared by all sessions (uint8, about 165 MB), or the message saying how to get it."""
    try:
        return load_cifar10()
    except DatasetUnavailable as error:
        return str(error)


@st.cache_resource(show_spinner="Loading a pretrained model…")
def pretrained_model(variant: str):
    """A shipped model, loaded once per server; None if it has not been trained yet."""
    import keras

    if not MODELS[variant].exists():
        return None
    model = keras.models.load_model(MODELS[variant], compile=False)  # only predicts: no loss, no optimizer
    model(np.zeros((1, 32, 32, 3), dtype=np.float32), training=False)  # build once, before sessions share it
    return model


@st.cache_data(show_spinner="Classifying the test images…", max_entries=4)
def pretrained_test_probabilities(variant: str) -> np.ndarray:
    data = cifar_data()
    return cifar.predict_probabilities(pretrained_model(variant), data.x_test)


def pretrained_summary(variant: str) -> dict | None:
    path = MODELS[variant].with_suffix(".json")
    return json.loads(path.read_text()) if path.exists() else None


def available_models() -> dict[str, object]:
    """Models a student can inspect or try: their own first, then the shipped ones."""
    models = {}
    trained = st.session_state.get("cifar_model")
    if trained and trained["history"].epochs:
        models["my model"] = trained["model"]
    for variant in MODELS:
        model = pretrained_model(variant)
        if model is not None:
            models[f"pretrained {variant}"] = model
    return models


def test_probabilities(name: str, model) -> np.ndarray:
    """Test-set probabilities of a model, computed once per model."""
    if name.startswith("pretrained "):
        return pretrained_test_probabilities(name.removeprefix("pretrained "))
    trained = st.session_state.cifar_model
    if trained.get("probabilities") is None:
        with st.spinner("Classifying the test images…"):
            trained["probabilities"] = cifar.predict_probabilities(model, cifar_data().x_test)
    return trained["probabilities"]


# ---------------------------------------------------------------- Data


def show_data(data: Cifar10) -> None:
    st.markdown(
        f"{len(data.x_train):,} training and {len(data.x_test):,} test images of 32 × 32 pixels, from {data.source}."
    )
    left, right = st.columns(2)
    left.plotly_chart(class_counts_figure(data.y_train, "Training images per class"), key="cifar_train_counts")
    right.plotly_chart(class_counts_figure(data.y_test, "Test images per class"), key="cifar_test_counts")
    st.markdown("**Eight samples of each class** (test images)")
    for label, name in enumerate(CIFAR10_CLASSES):
        indices = np.flatnonzero(data.y_test == label)[:8]
        columns = st.columns([1, 8])
        columns[0].markdown(f"**{name}**")
        columns[1].image([cifar_inspect.enlarge(data.x_test[i], 2) for i in indices], width=64)

    st.markdown("**From a pixel to the network's input**")
    index = st.number_input("Test image", 0, len(data.x_test) - 1, 0, key="cifar_pixel_image")
    image, label = data.x_test[int(index)], int(data.y_test[int(index)])
    left, right = st.columns([1, 3])
    left.image(cifar_inspect.enlarge(image, 6), caption=CIFAR10_CLASSES[label])
    red, green, blue = (int(v) for v in image[0, 0])
    right.markdown(
        f"Top-left pixel as stored: uint8 `({red}, {green}, {blue})`, one byte per channel.  \n"
        f"Scaled by 1/255 in the model's first layer: float32 `({red / 255:.3f}, {green / 255:.3f}, {blue / 255:.3f})`.  \n"
        f"The whole image: `(32, 32, 3)` uint8 → the batch `(batch, 32, 32, 3)` float32 in [0, 1].  \n"
        f"Its label `{label}` ({CIFAR10_CLASSES[label]}) → one-hot `{cifar.one_hot(np.array([label]))[0].astype(int).tolist()}`, "
        "as `keras.utils.to_categorical` makes it, for the categorical cross-entropy loss."
    )
    st.caption(
        "The data set stays uint8 in memory (150 MB for the training set); a float32 copy, as the slides make, "
        "would take 614 MB. Scaling one batch at a time costs nothing noticeable."
    )


# ---------------------------------------------------------------- Model


def read_config() -> cifar.CifarConfig:
    preset = st.radio("Start from", ("basic (the slides')", "improved"), horizontal=True, key="cifar_preset")
    base = cifar.CifarConfig.basic() if preset.startswith("basic") else cifar.CifarConfig.improved()
    columns = st.columns(4)
    filters_text = columns[0].text_input(
        "Filters per block",
        ", ".join(map(str, base.filters)),
        key=f"cifar_filters_{preset}",
        help="One conv block per number.",
    )
    dense = columns[1].selectbox(
        "Dense units",
        DENSE_CHOICES,
        index=DENSE_CHOICES.index(base.dense_units),
        format_func=lambda units: "none" if units == 0 else str(units),
        key=f"cifar_dense_{preset}",
        help="The hidden dense layer before the 10 outputs; 'none' connects the pooled features to them directly.",
    )
    slope = columns[2].slider("LeakyReLU slope", 0.0, 0.3, base.leaky_slope, 0.01, key=f"cifar_slope_{preset}")
    dropout = columns[3].slider("Dropout", 0.0, 0.6, base.dropout, 0.05, key=f"cifar_dropout_{preset}")
    left, right = st.columns(2)
    batch_norm = left.toggle("Batch normalisation", base.batch_norm, key=f"cifar_bn_{preset}")
    augment = right.toggle("Data augmentation", base.augment, key=f"cifar_augment_{preset}")
    try:
        filters = tuple(int(part) for part in filters_text.replace(" ", "").split(",") if part)
        if not filters or len(filters) > 5 or not all(1 <= f <= 512 for f in filters):
            raise ValueError
    except ValueError:
        st.error(
            "Filters per block: give 1 to 5 whole numbers between 1 and 512, separated by commas (e.g. 16, 32, 64)."
        )
        filters = base.filters
    convs = base.convs_per_block if len(filters) == len(base.filters) else (1,) * len(filters)
    return base.with_changes(
        filters=filters,
        convs_per_block=convs,
        dense_units=dense,
        leaky_slope=slope,
        dropout=dropout,
        batch_norm=batch_norm,
        augment=augment,
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def model_summary(config: cifar.CifarConfig) -> tuple[list[dict], int]:
    """Layer table and parameter count of a config (built once per config)."""
    model = cifar.build_model(config)
    return layer_table(model), model.count_params()


def show_model(config: cifar.CifarConfig) -> None:
    rows, total = model_summary(config)
    st.markdown(f"**{total:,} parameters** in {len(rows)} layers.")
    st.dataframe(rows, hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)  # every layer, no scrolling
    if config.pool_early:
        st.caption(
            "The improved preset has two convs in each block, six in all (the slides' improved model has five; "
            "with five, the pretrained model here stopped just short of 90 %: see the README). It pools right "
            "after each block's first conv, so the block's second conv runs on a quarter of the pixels, and ends "
            "with a global max pool (the strongest response of each of the last filters) instead of Flatten + a big dense layer, so almost all its parameters are in the convs. Its "
            "augmentation: mirror images, shifts of up to 4 pixels, and cutout (RandomErasing blanks a patch in "
            "half of the images), so the network cannot lean on any single part of the picture."
        )
    else:
        st.caption(
            "The slides' code says Dense(256), which gives 288,554 parameters; their printed summary shows Dense(512) "
            "and 553,514. The dense layer after Flatten holds most of them: 1024 × 512 + 512 = 524,800."
        )


# ---------------------------------------------------------------- Train


def read_training_settings() -> tuple[int, int, int, float]:
    columns = st.columns(4)
    epochs = columns[0].number_input("Epochs", 1, 50, 5, key="cifar_epochs")
    batch_size = columns[1].select_slider("Batch size", (16, 32, 64, 128, 256), 32, key="cifar_batch")
    subset = columns[2].select_slider(
        "Training images", SUBSETS, 5_000, format_func=lambda n: f"{n:,}", key="cifar_subset"
    )
    validation = columns[3].slider("Validation split", 0.05, 0.3, 0.1, 0.05, key="cifar_validation")
    return int(epochs), int(batch_size), int(subset), float(validation)


def train_in_session(
    config: cifar.CifarConfig, data: Cifar10, epochs: int, batch_size: int, subset: int, validation: float
) -> None:
    with training_place():
        model = cifar.build_model(config)
        history = History()
        # Stored before training: Stop interrupts this run, and the next one finds the model as trained so far.
        st.session_state.cifar_model = {"model": model, "config": config, "history": history, "probabilities": None}
        progress = st.progress(0.0, text="Compiling…")
        curves = st.empty()
        last_update = [0.0]

        def on_batch(epoch: int, batch: int, batches: int) -> None:
            now = time.perf_counter()
            if now - last_update[0] > 0.3 or batch == batches:  # a few updates a second are enough to see
                last_update[0] = now
                progress.progress(
                    min((epoch + batch / max(batches, 1)) / epochs, 1.0),
                    text=f"Epoch {epoch + 1}/{epochs}, batch {batch}/{batches}",
                )

        def on_epoch(history: History) -> None:
            curves.plotly_chart(curves_figure({"my model": history.metrics}), key=f"cifar_live_{history.epochs}")

        cifar.train(
            model,
            data.x_train[:subset],
            data.y_train[:subset],
            epochs,
            batch_size,
            validation,
            on_epoch=on_epoch,
            on_batch=on_batch,
            history=history,
        )
        progress.empty()
        curves.empty()


def show_training(config: cifar.CifarConfig, data: Cifar10 | str) -> None:
    epochs, batch_size, subset, validation = read_training_settings()
    queue = server_training_queue()
    st.caption(f"Server: {queue.running} training(s) running, {queue.waiting} waiting; {queue.slots} at a time.")
    left, right = st.columns(2)
    train = left.button("Train", type="primary", key="cifar_train", disabled=isinstance(data, str))
    # Pressing Stop reruns the page, which interrupts the training at its next progress report (after a batch).
    if right.button(
        "Stop", key="cifar_stop", help="Stops after the current batch and keeps the model trained so far."
    ) and st.session_state.get("cifar_model"):
        st.session_state.cifar_model["history"].stopped_early = True
    if isinstance(data, str):
        st.warning(data)
        return
    if train:
        train_in_session(config, data, epochs, batch_size, subset, validation)
    trained = st.session_state.get("cifar_model")
    if trained and trained["history"].epochs:
        history = trained["history"]
        st.plotly_chart(curves_figure({"my model": history.metrics}), key="cifar_curves")
        per_epoch = ", ".join(f"{s:.1f}" for s in history.seconds)
        stopped = " Stopped early; the model keeps its weights so far." if history.stopped_early else ""
        st.caption(
            f"{history.epochs} epoch(s); seconds per epoch: {per_epoch}.{stopped} It belongs to this browser tab only."
        )


def show_comparison() -> None:
    summaries = {variant: pretrained_summary(variant) for variant in MODELS}
    present = {variant: summary for variant, summary in summaries.items() if summary}
    if not present:
        return
    st.markdown("**The pretrained models side by side**")
    st.plotly_chart(
        curves_figure({variant: summary["history"] for variant, summary in present.items()}),
        key="cifar_pretrained_curves",
    )
    table = [
        {
            "model": variant,
            "parameters": summary["parameters"],
            "epochs": summary["epochs"],
            "test accuracy": summary["test_accuracy"],
            "from one view (no mirror)": summary.get("test_accuracy_single_view"),
            "test images": summary["test_images"],
            "training time": f"{summary['train_seconds'] / 60:.1f} min",
            "trained on": summary["trained_on"],
            "command": summary["command"],
        }
        for variant, summary in present.items()
    ]
    st.dataframe(table, hide_index=True)
    missing = [variant for variant in MODELS if variant not in present]
    if missing:
        st.caption(f"Not trained yet: {', '.join(missing)} (`python -m core train cifar10 --variant {missing[0]}`).")


# ---------------------------------------------------------------- Inspect


def show_inspect(data: Cifar10 | str) -> None:
    models = available_models()
    if not models:
        st.info("No model yet: train one in the Train tab.")
        return
    if isinstance(data, str):
        st.warning(data)
        return
    name = st.radio("Model", list(models), horizontal=True, key="cifar_inspect_model")
    model = models[name]
    probabilities = test_probabilities(name, model)
    predicted = probabilities.argmax(axis=1)
    matrix = cifar.confusion_matrix(data.y_test, predicted)
    st.metric(
        "Test accuracy",
        f"{cifar.accuracy(probabilities, data.y_test):.1%}",
        help=f"on {len(data.y_test):,} test images",
    )
    st.caption(MIRROR_NOTE)
    st.plotly_chart(per_class_figure({name: cifar_inspect.per_class_accuracy(matrix)}), key="cifar_per_class")

    st.markdown("**Confusion matrix**: click a cell to see its images.")
    event = st.plotly_chart(confusion_figure(matrix), key="cifar_confusion", on_select="rerun", selection_mode="points")
    points = event.selection.points if event and event.selection else []
    if points:
        true_class, predicted_class = CIFAR10_CLASSES.index(points[0]["y"]), CIFAR10_CLASSES.index(points[0]["x"])
        cell = np.flatnonzero((data.y_test == true_class) & (predicted == predicted_class))[:40]
        st.markdown(
            f"True **{CIFAR10_CLASSES[true_class]}**, predicted **{CIFAR10_CLASSES[predicted_class]}**: {matrix[true_class, predicted_class]} images"
        )
        st.image([cifar_inspect.enlarge(data.x_test[i], 2) for i in cell], width=64)

    st.markdown("**The most confident mistakes**")
    mistakes = cifar_inspect.most_confident_mistakes(probabilities, data.y_test, 16)
    st.image(
        [cifar_inspect.enlarge(data.x_test[i], 3) for i in mistakes],
        caption=[
            f"{CIFAR10_CLASSES[data.y_test[i]]} → {CIFAR10_CLASSES[predicted[i]]} {probabilities[i].max():.0%}"
            for i in mistakes
        ],
        width=96,
    )

    st.markdown("**Inside the network, for one image**")
    index = int(
        st.number_input(
            "Test image", 0, len(data.x_test) - 1, int(mistakes[0]) if len(mistakes) else 0, key="cifar_inspect_image"
        )
    )
    image = data.x_test[index]
    columns = st.columns(3)
    columns[0].image(
        cifar_inspect.enlarge(image, 5),
        caption=f"true: {CIFAR10_CLASSES[data.y_test[index]]}, predicted: {CIFAR10_CLASSES[predicted[index]]}",
    )
    target = columns[1].selectbox(
        "Grad-CAM for class", CIFAR10_CLASSES, index=int(predicted[index]), key="cifar_cam_class"
    )
    heat = cifar_inspect.grad_cam(model, image, CIFAR10_CLASSES.index(target))
    columns[1].image(
        cifar_inspect.enlarge(cifar_inspect.overlay(image, heat), 5), caption=f"where it looked for '{target}' (red)"
    )
    columns[2].plotly_chart(top_classes_figure(probabilities[index]), key="cifar_inspect_top")
    for feature_map in cifar_inspect.feature_maps(model, image):
        height, width, channels = feature_map.values.shape
        st.markdown(f"`{feature_map.layer}`: {channels} feature maps of {height} × {width}")
        st.image(
            cifar_inspect.enlarge(
                cifar_inspect.tile(feature_map.values[..., :64], columns=16), max(1, 96 // (height * 2))
            ),
            clamp=True,
        )
    filters = cifar_inspect.first_layer_filters(model)
    st.markdown(f"**The first layer's {len(filters)} filters** (3 × 3 × RGB, each scaled to its own range)")
    st.image([cifar_inspect.enlarge(f, 12) for f in filters[:64]], width=36)


# ---------------------------------------------------------------- Augmentation


def show_augmentation(data: Cifar10 | str) -> None:
    import keras

    if isinstance(data, str):
        st.warning(data)
        return
    columns = st.columns(5)
    index = columns[0].number_input("Image", 0, len(data.x_test) - 1, 7, key="cifar_augment_image")
    flip = columns[1].toggle("RandomFlip (horizontal)", True, key="cifar_augment_flip")
    rotation = columns[2].slider(
        "RandomRotation factor",
        0.0,
        0.5,
        0.1,
        0.01,
        key="cifar_augment_rotation",
        help="A fraction of a full turn: 0.1 is up to ±36°.",
    )
    zoom = columns[3].slider("RandomZoom factor", 0.0, 0.5, 0.2, 0.05, key="cifar_augment_zoom")
    seed = columns[4].number_input("Seed", 0, 9999, 0, key="cifar_augment_seed")
    image = data.x_test[int(index)]
    stack = []
    if flip:
        stack.append(keras.layers.RandomFlip("horizontal", seed=int(seed)))
    if rotation:
        stack.append(keras.layers.RandomRotation(rotation, fill_mode="reflect", seed=int(seed)))
    if zoom:
        stack.append(keras.layers.RandomZoom(zoom, fill_mode="reflect", seed=int(seed)))
    batch = np.repeat(image[np.newaxis].astype(np.float32), 16, axis=0)
    for layer in stack:
        batch = np.asarray(layer(batch, training=True))
    left, right = st.columns([1, 4])
    left.image(cifar_inspect.enlarge(image, 4), caption="original")
    right.image([cifar_inspect.enlarge(b.clip(0, 255).astype(np.uint8), 3) for b in batch], width=96)
    st.caption(
        "Each copy is a new random draw; during training every batch gets fresh ones, so the network never sees the same picture twice."
    )


# ---------------------------------------------------------------- Try it


def show_try_it() -> None:
    models = {name: model for name, model in available_models().items()}
    if not models:
        st.info("No model yet: train one in the Train tab.")
        return
    upload = st.file_uploader("Upload a picture", type=UPLOAD_TYPES, key="cifar_upload")
    samples = sorted(SAMPLES.glob("*.png"))
    sample = (
        st.selectbox("…or pick a sample", samples, format_func=lambda p: p.stem, key="cifar_sample")
        if samples
        else None
    )
    data = upload.getvalue() if upload is not None else (sample.read_bytes() if sample else None)
    if data is None:
        return
    try:
        loaded = load_image(data)
    except ImageRejected as error:
        st.error(str(error))
        return
    for note in loaded.notes:
        st.caption(note)
    view = square_thumbnail(loaded.image, 32)
    columns = st.columns(1 + len(models))
    columns[0].image(
        cifar_inspect.enlarge(view, 5),
        caption=f"what the network sees: 32 × 32 (from {loaded.original_size[0]} × {loaded.original_size[1]})",
    )
    for column, (name, model) in zip(columns[1:], models.items(), strict=True):
        probabilities = cifar.predict_probabilities(model, view[np.newaxis])[0]
        column.markdown(f"**{name}**: {CIFAR10_CLASSES[int(probabilities.argmax())]}")
        column.plotly_chart(top_classes_figure(probabilities), key=f"cifar_try_{name}")
    st.caption(MIRROR_NOTE)


st.title("CIFAR-10: a CNN that recognises pictures")
scores = [f"{variant} {summary['test_accuracy']:.1%}" for variant in MODELS if (summary := pretrained_summary(variant))]
st.markdown(
    "Ten classes of tiny 32 × 32 photos. The slides' basic CNN reaches about 70 % test accuracy; with batch "
    "normalisation, dropout and data augmentation an improved one gets much further"
    + (f" (the pretrained models here: {', '.join(scores)})" if scores else "")
    + ". Train them, look inside, try your own picture."
)
data = cifar_data()
if isinstance(data, str):
    st.warning(f"{data} The pretrained models still work in the Try it tab.")
tabs = st.tabs(["Data", "Model", "Train", "Inspect", "Augmentation", "Try it"])
with tabs[0]:
    if isinstance(data, str):
        st.info(data)
    else:
        show_data(data)
with tabs[1]:
    config = read_config()
    show_model(config)
with tabs[2]:
    st.markdown("Uses the model set up in the Model tab.")
    show_training(config, data)
    show_comparison()
with tabs[3]:
    show_inspect(data)
with tabs[4]:
    show_augmentation(data)
with tabs[5]:
    show_try_it()
