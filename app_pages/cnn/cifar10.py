"""CIFAR-10: the class's CNNs trained live, looked inside, and tried on your own picture."""

import dataclasses

import numpy as np
import streamlit as st

from app_pages.common import brought_back
from app_pages.common import training_panel as panel
from app_pages.common.brought_back import UploadedModel
from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import check_yourself
from app_pages.common.data_notice import data_now, needs_data, show_data_notice, where_from
from app_pages.common.layout import MEDIA_UPLOAD_MB, Tab, show_layer_table, show_tabs
from app_pages.common.session_trainings import CifarTraining
from app_pages.common.take_home import offer_trained_model, take_home
from app_pages.registry import upload_key
from core.cifar import inspection as cifar_inspect
from core.cifar import model as cifar
from core.cifar.notebook import cifar_notebook
from core.cifar.plots import class_counts_figure, confusion_figure, per_class_figure, top_classes_figure
from core.cifar.questions import CifarFacts
from core.shared import assets
from core.shared.datasets import CIFAR10_CLASSES, TEST_PER_CLASS, Cifar10, DatasetUnavailable, load_cifar10
from core.shared.images import UPLOAD_TYPES, ImageRejected, load_image, png_bytes, square_thumbnail
from core.shared.jobs import TrainingJob
from core.shared.model_files import Shapes
from core.shared.summary import layer_table
from core.shared.training import History, duration_in_words
from core.shared.training_plots import curves_figure
from core.shared.worker import TrainingTask

MODELS = assets.CIFAR10_MODELS
SAMPLES = assets.SAMPLES / "cifar10"
MIRROR_NOTE = (
    "Every prediction of a pretrained model here averages the probabilities for the picture and for its mirror "
    "image (test-time augmentation): a mirrored cat is still a cat, and the two guesses' mistakes partly cancel."
)
OTHER_COPY_NOTE = (
    "These figures come with the model: it classified these same 5,000 pictures once, in a JPEG copy whose pixels "
    "differ from the originals here by a shade, so that no server has to classify them again."
)
SUBSETS = (1_000, 5_000, 10_000, 50_000)
DENSE_CHOICES = (0, 256, 512)
SHOWN_MAPS = 64  # feature maps drawn per layer: 16 across, 4 rows
MODEL_UPLOAD = "cifar_model_upload"  # Inspect's upload of a model trained at home
UPLOADED = "_cifar_uploaded"  # its model, or why it was refused: outside the page's kept widget prefix
CIFAR_SHAPES = Shapes((32, 32, 3), (len(CIFAR10_CLASSES),))
# The slides name the three augmentation layers without their factors; these are the page's defaults.
SLIDES_AUGMENTATION = cifar.CifarConfig(augment=True, rotation=0.1, zoom=0.2)
LOSS_NOTE = (
    "Compared on accuracy, over the share of each run's training: the basic model ran 9 epochs, the improved 130. "
    "Their losses cannot be compared: the improved model trains with label smoothing (targets 0.82 and 0.02 "
    "instead of 1 and 0), so even a perfect guess has a loss well above 0."
)


@st.cache_resource(show_spinner="Loading CIFAR-10…")
def cifar_data() -> Cifar10 | DatasetUnavailable:
    """The data set once it is here, shared by all sessions (uint8, about 165 MB), or why it cannot be read.

    Called only through `data_now`, which never waits for the download.
    """
    try:
        return load_cifar10()
    except DatasetUnavailable as error:
        return error


@st.cache_resource(show_spinner="Loading a pretrained model…")
def pretrained_model(variant: str):
    """A shipped model, loaded once per server; None if it has not been trained yet."""
    if not MODELS[variant].exists():
        return None
    model = assets.load_model(MODELS[variant], compile=False)  # only predicts: no loss, no optimizer
    model(np.zeros((1, 32, 32, 3), dtype=np.float32), training=False)  # build once, before sessions share it
    return model


@st.cache_resource(show_spinner="Classifying the test images (once for the whole server)…")
def pretrained_test_probabilities(variant: str) -> tuple[np.ndarray, bool]:
    """Mirror-averaged test probabilities, and whether they were made on these very pixels.

    Shipped with the model (made on the offline copy, which holds the same 5,000 pictures as Toronto's archive,
    re-encoded as JPEG); computed here only for pictures that are not those.
    """
    data = cifar_data()
    stored = cifar.load_test_probabilities(cifar.test_probabilities_path(MODELS[variant]), data.x_test)
    if stored is not None:
        return stored.mirror, stored.exact
    return cifar.predict_probabilities(pretrained_model(variant), data.x_test), True


@st.cache_resource(show_spinner=False)
def quiz_facts(variant: str = "basic") -> CifarFacts | None:
    """The shipped model's confusion matrix, as the Inspect tab shows it, for the quiz (asked once the data are here)."""
    data = cifar_data()
    if isinstance(data, DatasetUnavailable) or pretrained_model(variant) is None:
        return None
    predicted = pretrained_test_probabilities(variant)[0].argmax(axis=1)
    return CifarFacts(f"pretrained {variant}", cifar.confusion_matrix(data.y_test, predicted))


def pretrained_summary(variant: str) -> assets.ModelSummary | None:
    return assets.read_summary(MODELS[variant])


def read_uploaded_model() -> UploadedModel | None:
    """Inspect's upload of a model trained at home."""
    return brought_back.read_uploaded_model(
        "Bring back a model you trained at home (.keras)",
        MODEL_UPLOAD,
        UPLOADED,
        CIFAR_SHAPES,
        "It takes the pictures as they are, 0 to 255, like the app's models (a Rescaling(1/255) layer first), and "
        "gives 10 probabilities.",
        choice="cifar_inspect_model",
    )


def available_models() -> dict[str, object]:
    """Models a student can inspect or try: their own first (trained here, then brought back), then the shipped ones."""
    models = {}
    # Offered once its training has ended: its weights change under a running one.
    if trained := panel.finished_training("cifar_model"):
        models["my model"] = trained.model
    if uploaded := brought_back.held_model(UPLOADED):
        models[uploaded.name] = uploaded.model
    for variant in MODELS:
        model = pretrained_model(variant)
        if model is not None:
            models[f"pretrained {variant}"] = model
    return models


def model_key(name: str) -> str:
    """A name for caches shared by the server: the pretrained model's, this session's own model's id, or the
    uploaded file's digest."""
    if name == "my model":
        return st.session_state.cifar_model.id
    if name.startswith("uploaded: "):
        return brought_back.model_key(UPLOADED)
    return name


def test_probabilities(name: str, model, x_test: np.ndarray) -> np.ndarray:
    """Test-set probabilities of a model: shipped for the pretrained ones, computed once for a student's own."""
    if name.startswith("pretrained "):
        return pretrained_test_probabilities(name.removeprefix("pretrained "))[0]
    trained = st.session_state.cifar_model if name == "my model" else st.session_state[UPLOADED]
    if trained.probabilities is None:
        progress = st.progress(0.0, text="Classifying the 5,000 test images with your model…")
        # One view, not two: mirror averaging would double the wait for a model that is looked at once.
        trained.probabilities = cifar.predict_probabilities(
            model, x_test, mirror=False, on_progress=lambda done: progress.progress(done, text=f"{done:.0%} classified")
        )
        progress.empty()
    return trained.probabilities


# Charts are kept as objects once drawn: Streamlit sends a figure object without validating it again,
# which is most of what a chart costs on a rerun.


@st.cache_resource(max_entries=256, show_spinner=False)
def top_chart(probabilities: np.ndarray):
    return top_classes_figure(probabilities)


@st.cache_resource(show_spinner=False)
def class_count_charts() -> tuple:
    data = cifar_data()
    return (
        class_counts_figure(data.y_train, "Training images per class"),
        class_counts_figure(data.y_test, "Test images per class"),
    )


@st.cache_resource(show_spinner=False)
def comparison_chart(variants: tuple[str, ...]):
    return curves_figure(
        {variant: pretrained_summary(variant).history for variant in variants},
        metrics=("accuracy",),
        by_fraction=True,
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def per_class_chart(name: str, key: str, matrix_bytes: bytes):
    matrix = np.frombuffer(matrix_bytes, dtype=np.int64).reshape(len(CIFAR10_CLASSES), -1)
    return per_class_figure({name: cifar_inspect.per_class_accuracy(matrix)})


@st.cache_data(max_entries=64, show_spinner=False)
def picture_probabilities(key: str, _model, view: np.ndarray) -> np.ndarray:
    """A model's class probabilities for one 32 × 32 picture, once per model and picture."""
    return cifar.predict_probabilities(_model, view[np.newaxis])[0]


# ---------------------------------------------------------------- Data


@st.cache_resource(show_spinner=False)
def class_sample_grids() -> list[bytes]:
    """For each class, its first eight test images side by side, as PNG files made once per server.

    Encoded once: an array given to st.image is encoded again on every run of every session.
    """
    data = cifar_data()
    return [
        png_bytes(
            cifar_inspect.picture_grid(data.x_test[np.flatnonzero(data.y_test == label)[:8]], columns=8, scale=3, gap=6)
        )
        for label in range(len(CIFAR10_CLASSES))
    ]


@st.fragment
def show_data(data: Cifar10) -> None:
    train_per_class = np.bincount(data.y_train, minlength=len(CIFAR10_CLASSES))
    test_per_class = np.bincount(data.y_test, minlength=len(CIFAR10_CLASSES))
    balance = (
        f"{train_per_class[0]:,} and {test_per_class[0]:,} of each class"
        if len(set(train_per_class)) == 1 and len(set(test_per_class)) == 1
        else "the classes' counts in the chart below"
    )
    st.markdown(
        f"{len(data.x_train):,} training and {len(data.x_test):,} test images of 32 × 32 pixels ({balance}), "
        f"from {where_from(data.source)}. The test images are the first {TEST_PER_CLASS} of each class in CIFAR-10's test set "
        f"({TEST_PER_CLASS * len(CIFAR10_CLASSES):,} of its 10,000), the same wherever this app runs: every test "
        "figure on this page is measured on them."
    )
    with st.expander("Images per class"):
        left, right = st.columns(2)
        train_counts, test_counts = class_count_charts()
        show_chart(left, train_counts, key="cifar_train_counts")
        show_chart(right, test_counts, key="cifar_test_counts")
    st.markdown("**Eight samples of each class** (test images)")
    for name, grid in zip(CIFAR10_CLASSES, class_sample_grids(), strict=True):
        columns = st.columns([1, 8], vertical_alignment="center")
        columns[0].markdown(f"**{name}**")
        columns[1].image(grid, width="stretch", alt=f"eight test images of the class {name}")

    st.markdown("**From a pixel to the network's input**")
    index = st.number_input("Test image", 0, len(data.x_test) - 1, 0, key="cifar_pixel_image")
    image, label = data.x_test[int(index)], int(data.y_test[int(index)])
    left, right = st.columns([1, 3])
    left.image(
        cifar_inspect.enlarge(image, 6),
        caption=CIFAR10_CLASSES[label],
        width="stretch",
        alt=f"{CIFAR10_CLASSES[label]}, test image {int(index):,}, enlarged",
    )
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
    preset = st.radio("Start from", cifar.PRESET_NAMES, horizontal=True, key="cifar_preset")
    base = cifar.CifarConfig.basic() if preset == cifar.PRESET_NAMES[0] else cifar.CifarConfig.improved()
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
    filters = cifar.parse_filters(filters_text)
    if filters is None:
        st.error(
            f"Filters per block: give 1 to {cifar.MAX_BLOCKS} whole numbers between 1 and {cifar.MAX_FILTERS}, separated by commas (e.g. 16, 32, 64). "
            "The preset's filters are used meanwhile."
        )
        filters = base.filters
    # Every block keeps the preset's number of convs (the improved preset's two), however many blocks there are.
    convs = (base.convs_per_block[0],) * len(filters)
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
    st.markdown(f"**{total:,} parameters** in {len(rows)} layers. {cifar.describe(config)}")
    show_layer_table(rows)
    if config == cifar.CifarConfig.improved():
        st.caption(
            "The slides' improved model has five conv layers; with five, the pretrained model here stopped just "
            "short of 90 %, and a second conv in the first block took it past. Pooling right after a block's first "
            "conv lets the block's second conv run on a quarter of the pixels; the global max pool keeps almost all "
            "the parameters in the convs instead of a big dense layer."
        )
    elif config == cifar.CifarConfig.basic():
        st.caption(
            "The slides' code says Dense(256), which gives 288,554 parameters; their printed summary shows Dense(512) "
            "and 553,514. The dense layer after Flatten holds most of them: 1,024 × 512 + 512 = 524,800."
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


def start_cifar_training(
    config: cifar.CifarConfig, epochs: int, batch_size: int, subset: int, validation: float
) -> TrainingJob:
    """Train this session's model in a worker process; its weights come back to the session's model at the end."""
    model = cifar.build_model(config)
    task = TrainingTask(
        cifar.train_task,
        {"config": config, "subset": subset, "epochs": epochs, "batch_size": batch_size, "validation": validation},
    )
    job = panel.start_training(task, model)
    settings = {
        "model": dataclasses.asdict(config),
        "training": {"epochs": epochs, "batch_size": batch_size, "training_images": subset, "validation": validation},
    }
    st.session_state.cifar_model = CifarTraining(model, job, settings=settings)
    return job


def training_summary(history: History) -> str:
    per_epoch = ", ".join(f"{s:.1f}" for s in history.seconds)
    return f"{history.trained_in_words()}; seconds per epoch: {per_epoch}.{panel.summary_ending(history)}"


def show_training(config: cifar.CifarConfig, data: Cifar10 | DatasetUnavailable) -> None:
    epochs, batch_size, subset, validation = read_training_settings()
    start = assets.training_start_seconds(cifar.train_task.__module__)
    training = cifar.expected_training_seconds(config, subset, epochs)
    per_epoch = training / epochs
    parts = (
        f"about {per_epoch:.0f} s an epoch after {start:.0f} s to start the training"
        if per_epoch >= 1
        else f"most of it, {start:.0f} s, to start the training"
    )
    st.caption(
        f"On this server, when nobody else is training, that takes {duration_in_words(start + training)} ({parts})."
    )
    job = panel.session_job("cifar_model")
    train = panel.training_buttons("cifar", job, unavailable=isinstance(data, DatasetUnavailable))
    if isinstance(data, DatasetUnavailable):
        needs_data("the CIFAR-10 images")
    else:
        if train:
            job = start_cifar_training(config, epochs, batch_size, subset, validation)
        if job:
            st.caption("The training goes on while you look at other tabs or pages; come back here to follow it.")
            panel.show_job(job, "cifar_training", training_summary)
        if trained := panel.finished_training("cifar_model"):
            offer_trained_model("cifar10", trained, trained.settings)
    # The notebook downloads CIFAR-10 itself: it is offered where this server has no copy too.
    take_home(
        "cifar",
        lambda: cifar_notebook(config, epochs, batch_size, subset, validation),
        "this model and training: keras.datasets.cifar10, the layers, the fit and its curves, the test accuracy and "
        "the confusion matrix",
    )


def show_comparison() -> None:
    summaries = {variant: pretrained_summary(variant) for variant in MODELS}
    present = {variant: summary for variant, summary in summaries.items() if summary}
    if not present:
        return
    st.markdown("**The pretrained models side by side**")
    show_chart(st, comparison_chart(tuple(present)), key="cifar_pretrained_curves")
    st.caption(LOSS_NOTE)
    table = [
        {
            "model": variant,
            "parameters": f"{summary.parameters:,}",
            "epochs": summary.epochs,
            "test accuracy": f"{summary.figures['test_accuracy']:.1%}",
            "from one view (no mirror)": f"{summary.figures['test_accuracy_single_view']:.1%}",
            "test images": f"{summary.figures['test_images']:,}",
            "training time": f"{summary.train_seconds / 60:.1f} min",
            "trained on": summary.trained_on,
        }
        for variant, summary in present.items()
    ]
    st.dataframe(table, hide_index=True)
    with st.expander("How they were made (for the teacher)"):
        for variant, summary in present.items():
            st.code(f"# {variant}\n{summary.command}", language="bash", wrap_lines=True)
        missing = [variant for variant in MODELS if variant not in present]
        if missing:
            st.markdown(f"Not trained yet: {', '.join(missing)}.")
            st.code(f"python -m core train cifar10 --variant {missing[0]}", language="bash", wrap_lines=True)


# ---------------------------------------------------------------- Inspect


@st.cache_resource(max_entries=8, show_spinner=False)
def confusion_chart(key: str, matrix_bytes: bytes):
    """The confusion figure of one model (kept as an object: Streamlit then sends it without revalidating)."""
    matrix = np.frombuffer(matrix_bytes, dtype=np.int64).reshape(len(CIFAR10_CLASSES), -1)
    return confusion_figure(matrix)


@st.cache_data(max_entries=64, show_spinner="Looking inside the network…")
def inside_views(key: str, _model, image: np.ndarray, target: int) -> tuple[np.ndarray, list, np.ndarray]:
    """Grad-CAM overlay, feature-map mosaics and the first layer's filters, once per model, image and class."""
    heat = cifar_inspect.grad_cam(_model, image, target)
    mosaics = []
    for feature_map in cifar_inspect.feature_maps(_model, image):
        height, width, channels = feature_map.values.shape
        # Every layer's maps drawn at the same size, about 64 pixels: the first layer's 32 × 32 maps are not the smallest.
        mosaic = cifar_inspect.tile(feature_map.values[..., :SHOWN_MAPS], columns=16, gap=1)
        mosaics.append(
            (feature_map.layer, channels, height, width, cifar_inspect.enlarge(mosaic, max(1, 64 // height)))
        )
    filters = cifar_inspect.first_layer_filters(_model)[:SHOWN_MAPS]
    return cifar_inspect.overlay(image, heat), mosaics, filters


def show_cell_images(data: Cifar10, predicted: np.ndarray, matrix: np.ndarray, true_class: int, predicted_class: int):
    cell = np.flatnonzero((data.y_test == true_class) & (predicted == predicted_class))[:40]
    st.markdown(
        f"True **{CIFAR10_CLASSES[true_class]}**, predicted **{CIFAR10_CLASSES[predicted_class]}**: "
        f"{matrix[true_class, predicted_class]:,} images" + (" (the first 40)" if len(cell) == 40 else "")
    )
    if len(cell):
        st.image(
            cifar_inspect.picture_grid(data.x_test[cell], columns=10, scale=3, gap=6),
            width="stretch",
            alt=f"{len(cell)} test images of a {CIFAR10_CLASSES[true_class]} "
            f"that the model took for a {CIFAR10_CLASSES[predicted_class]}",
        )


@st.fragment
def show_inspect(data: Cifar10 | DatasetUnavailable) -> None:
    if isinstance(data, DatasetUnavailable):
        needs_data("the CIFAR-10 test images")
        return
    read_uploaded_model()
    brought_back.show_refusal(UPLOADED)
    models = available_models()
    if not models:
        st.info("No model yet: train one in the Train tab, or bring one back above.")
        return
    name = st.radio("Model", list(models), horizontal=True, key="cifar_inspect_model")
    model = models[name]
    probabilities = test_probabilities(name, model, data.x_test)
    predicted = probabilities.argmax(axis=1)
    matrix = cifar.confusion_matrix(data.y_test, predicted)
    st.metric(
        "Test accuracy",
        f"{cifar.accuracy(probabilities, data.y_test):.1%}",
        help=f"on {len(data.y_test):,} test images",
    )
    st.caption(MIRROR_NOTE if name.startswith("pretrained") else "Your model classifies each test image once.")
    if name.startswith("pretrained ") and not pretrained_test_probabilities(name.removeprefix("pretrained "))[1]:
        st.caption(OTHER_COPY_NOTE)
    show_chart(st, per_class_chart(name, model_key(name), matrix.tobytes()), key="cifar_per_class")

    st.markdown("**Confusion matrix**: click a square to see its images.")
    event = show_chart(
        st,
        confusion_chart(model_key(name), matrix.tobytes()),
        key=f"cifar_confusion_{model_key(name)}",
        on_select="rerun",
        selection_mode="points",
    )
    points = [point for point in event.selection.points if point.get("curve_number", 0) == 0] if event else []
    if points:
        show_cell_images(data, predicted, matrix, *divmod(int(points[0]["point_index"]), len(CIFAR10_CLASSES)))

    st.markdown("**The most confident mistakes**")
    mistakes = cifar_inspect.most_confident_mistakes(probabilities, data.y_test, 16)
    for row in range(0, len(mistakes), 8):
        for column, i in zip(st.columns(8), mistakes[row : row + 8], strict=False):
            column.image(
                cifar_inspect.enlarge(data.x_test[i], 3),
                caption=f"{CIFAR10_CLASSES[data.y_test[i]]} → {CIFAR10_CLASSES[predicted[i]]} {probabilities[i].max():.0%}",
                width="stretch",
                alt=f"test image {int(i):,}: a {CIFAR10_CLASSES[data.y_test[i]]} taken for a "
                f"{CIFAR10_CLASSES[predicted[i]]} with {probabilities[i].max():.0%} confidence",
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
        width="stretch",
        alt=f"test image {index:,}, a {CIFAR10_CLASSES[data.y_test[index]]}, enlarged",
    )
    # A new model or image starts from the class it predicts, not from the class chosen for the last one.
    target = columns[1].selectbox(
        "Grad-CAM for class",
        CIFAR10_CLASSES,
        index=int(predicted[index]),
        key=f"cifar_cam_class_{model_key(name)}_{index}",
    )
    try:
        overlaid, mosaics, filters = inside_views(model_key(name), model, image, CIFAR10_CLASSES.index(target))
    except Exception:  # a model brought back may not be a chain of layers with Conv2D layers in it
        st.info(
            "Grad-CAM, feature maps and filters need a model that is a chain of layers with Conv2D layers in it, "
            "like the app's; this one is not, so only its predictions are shown."
        )
        show_chart(columns[2], top_chart(probabilities[index]), key="cifar_inspect_top")
        return
    columns[1].image(
        cifar_inspect.enlarge(overlaid, 5),
        caption=f"where it looked for '{target}': yellow most, red less",
        width="stretch",
        alt=f"Grad-CAM of test image {index:,} for the class {target}, as a heat map over the picture",
    )
    show_chart(columns[2], top_chart(probabilities[index]), key="cifar_inspect_top")
    for layer, channels, height, width, mosaic in mosaics:
        shown = f"the first {SHOWN_MAPS} of {channels}" if channels > SHOWN_MAPS else f"all {channels}"
        st.markdown(f"`{layer}`: {shown} feature maps, each {height} × {width}")
        st.image(mosaic, clamp=True, width="stretch", alt=f"{shown} feature maps of {layer} for test image {index:,}")
    st.markdown(
        f"**The first layer's filters** ({len(filters)} shown, 3 × 3 × RGB each, enlarged, each scaled to its own range)"
    )
    st.image(
        cifar_inspect.picture_grid(filters, columns=16, scale=16, gap=10),
        width="stretch",
        alt=f"the first layer's {len(filters)} filters as small coloured squares",
    )


# ---------------------------------------------------------------- Augmentation


@st.cache_data(max_entries=64, show_spinner=False)
def augmented(image: np.ndarray, config: cifar.CifarConfig, seed: int) -> np.ndarray:
    return cifar.augmented_copies(image, config, count=16, seed=seed)


@st.fragment
def show_augmentation(data: Cifar10 | DatasetUnavailable) -> None:
    if isinstance(data, DatasetUnavailable):
        needs_data("the CIFAR-10 test images")
        return
    recipe = st.radio(
        "Augmentation",
        ("the improved model's", "the slides' three layers"),
        horizontal=True,
        key="cifar_augment_recipe",
        help="The pretrained improved model trained with mirror images, shifts and cutout; "
        "the slides name RandomFlip, RandomRotation and RandomZoom.",
    )
    columns = st.columns(4)
    index = columns[0].number_input("Image", 0, len(data.x_test) - 1, 7, key="cifar_augment_image")
    seed = columns[1].number_input("Seed", 0, 9999, 0, key="cifar_augment_seed")
    if recipe == "the improved model's":
        base = cifar.CifarConfig.improved()
        shift = columns[2].slider(
            "RandomTranslation: shift", 0, 8, round(base.translation * 32), key="cifar_augment_shift", format="%d px"
        )
        erasing = columns[3].slider(
            "RandomErasing: cutout chance", 0.0, 1.0, base.erasing, 0.1, key="cifar_augment_erasing"
        )
        config = base.with_changes(translation=shift / 32, erasing=erasing)
    else:
        rotation = columns[2].slider(
            "RandomRotation factor",
            0.0,
            0.5,
            SLIDES_AUGMENTATION.rotation,
            0.01,
            key="cifar_augment_rotation",
            help="A fraction of a full turn: 0.1 is up to ±36°.",
        )
        zoom = columns[3].slider(
            "RandomZoom factor", 0.0, 0.5, SLIDES_AUGMENTATION.zoom, 0.05, key="cifar_augment_zoom"
        )
        config = SLIDES_AUGMENTATION.with_changes(rotation=rotation, zoom=zoom)
    image = data.x_test[int(index)]
    left, right = st.columns([1, 4])
    left.image(
        cifar_inspect.enlarge(image, 4), caption="original", width="stretch", alt=f"test image {int(index):,}, original"
    )
    copies = augmented(image, config, int(seed))
    right.image(
        cifar_inspect.picture_grid(copies, columns=8, scale=3, gap=6),
        width="stretch",
        alt=f"{len(copies)} randomly augmented copies of test image {int(index):,}",
    )
    st.caption(
        "Each copy is a new random draw of: "
        + ", ".join(cifar.augmentation_names(config))
        + ". During training every batch gets fresh ones, so the network never sees the same picture twice."
    )


# ---------------------------------------------------------------- Try it


@st.fragment
def show_try_it() -> None:
    models = available_models()
    if not models:
        st.info("No model yet: train one in the Train tab.")
        return
    upload = st.file_uploader(
        "Upload a picture", type=UPLOAD_TYPES, key=upload_key("cifar"), max_upload_size=MEDIA_UPLOAD_MB
    )
    if upload is not None:
        picture = upload.getvalue()
        st.caption("Remove the upload (×) to pick one of the samples instead.")
    else:
        samples = sorted(SAMPLES.glob("*.png"))
        if not samples:
            return
        sample = st.selectbox("…or pick a sample", samples, format_func=lambda p: p.stem, key="cifar_sample")
        picture = sample.read_bytes()
    try:
        loaded = load_image(picture)
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
        width="stretch",
        alt="your picture, shrunk to the network's 32 × 32 pixels and enlarged",
    )
    for column, (name, model) in zip(columns[1:], models.items(), strict=True):
        probabilities = picture_probabilities(model_key(name), model, view)
        column.markdown(f"**{name}**: {CIFAR10_CLASSES[int(probabilities.argmax())]}")
        show_chart(column, top_chart(probabilities), key=f"cifar_try_{name}")
    st.caption(MIRROR_NOTE)


st.title("CIFAR-10: a CNN that recognises pictures")
scores = [
    f"{variant} {summary.figures['test_accuracy']:.1%}"
    for variant in MODELS
    if (summary := pretrained_summary(variant))
]
st.markdown(
    "Ten classes of tiny 32 × 32 photos. The slides' basic CNN reaches about 70 % test accuracy; with batch "
    "normalisation, dropout and data augmentation an improved one gets much further"
    + (f" (the pretrained models here: {', '.join(scores)})" if scores else "")
    + ". Train them, look inside, try your own picture."
)
data = data_now("cifar10", cifar_data)
show_data_notice("cifar10", data, "The pretrained models classify your own pictures in the Try it tab meanwhile.")


def show_data_tab() -> None:
    if isinstance(data, DatasetUnavailable):
        needs_data("the CIFAR-10 images")
    else:
        show_data(data)


def show_model_tab() -> None:
    st.session_state.cifar_config = read_config()  # kept for the Train tab, which uses the model set up here
    show_model(st.session_state.cifar_config)


def show_train_tab() -> None:
    config = st.session_state.get("cifar_config", cifar.CifarConfig.basic())
    st.markdown(f"Uses the model set up in the Model tab: {model_summary(config)[1]:,} parameters.")
    show_training(config, data)
    show_comparison()


show_tabs(
    [
        Tab("Data", show_data_tab),
        Tab("Model", show_model_tab),
        Tab("Train", show_train_tab),
        Tab("Inspect", lambda: show_inspect(data), holds=(MODEL_UPLOAD,)),
        Tab("Augmentation", lambda: show_augmentation(data)),
        Tab("Try it", show_try_it, holds=(upload_key("cifar"),)),
        Tab("Check yourself", lambda: check_yourself("cifar", quiz_facts() if isinstance(data, Cifar10) else None)),
    ],
    key="cifar_tab",
)
