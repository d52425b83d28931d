"""Captcha OCR: a CNN + BiLSTM + CTC model reads captchas, and CTC's decoding is shown step by step."""

import json
import time
from collections.abc import Callable

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from app_pages.common import brought_back
from app_pages.common import training_panel as panel
from app_pages.common.charts import show_chart
from app_pages.common.check_yourself import check_yourself
from app_pages.common.data_notice import data_now, needs_data, show_data_notice, where_from
from app_pages.common.layout import MEDIA_UPLOAD_MB, Tab, show_layer_table, show_tabs
from app_pages.common.runtime import timed_fragment
from app_pages.common.shipped_models import captcha_reader
from app_pages.common.take_home import offer_trained_model, take_home
from app_pages.registry import upload_key
from core.captcha import handwriting
from core.captcha import reader as captcha
from core.captcha.notebook import captcha_notebook
from core.captcha.plots import character_counts_figure, collapse_figure
from core.ctc import algorithm as ctc
from core.ctc.plots import frames_figure
from core.shared import assets
from core.shared.datasets import CaptchaFiles, DatasetUnavailable, load_captcha_files
from core.shared.images import UPLOAD_TYPES, ImageRejected, canvas_picture, load_image
from core.shared.jobs import TrainingJob
from core.shared.model_files import Shapes
from core.shared.summary import layer_table
from core.shared.training import duration_in_words
from core.shared.worker import TrainingTask

PRETRAINED = {  # the reader trained on drawings as well comes first: it is the one that reads a drawing
    "pretrained: captchas + drawings": assets.CAPTCHA_DRAWINGS_MODEL,
    "pretrained: captchas only": assets.CAPTCHA_MODEL,
}
SAMPLES = assets.SAMPLES / "captcha"  # used when the data set cannot be had
MODEL_UPLOAD = "captcha_model_upload"  # Read's upload of a reader trained at home
UPLOADED = "_captcha_uploaded"  # its model, or why it was refused: outside the page's kept widget prefix
CAPTCHA_SHAPES = Shapes((captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), (captcha.TIME_STEPS, captcha.NUM_CLASSES))
# The captchas' 200 × 50 proportions at a size that fits a split screen's column (about 470 pixels
# at an 800-pixel-wide window), so the canvas and its toolbar stay in sight. The reader sees 200 × 50.
CANVAS_WIDTH, CANVAS_HEIGHT = 440, 110
# The canvas shows its toolbar (undo, redo, bin) over the 30 px above it while the pointer is on it: room for it, in px,
# so that it does not cover the end of the instructions.
CANVAS_TOOLBAR_ROOM = 24
# The pen that draws like 10 pixels on the 600 × 150 canvas the drawings reader was measured on.
DEFAULT_PEN = round(10 * CANVAS_WIDTH / handwriting.CANVAS_WIDTH)


@st.cache_resource(show_spinner="Looking for the captcha images…")
def captcha_files() -> CaptchaFiles | DatasetUnavailable:
    """The captchas once they are here (asked through `data_now`, which never waits for the download)."""
    try:
        return load_captcha_files()
    except DatasetUnavailable as error:
        return error


def show_data(files: CaptchaFiles) -> None:
    distinct = len(set("".join(files.labels)))
    st.markdown(
        f"**{len(files.paths)} captchas** of {captcha.LABEL_LENGTH} characters from {where_from(files.source)}; {distinct} distinct characters."
    )
    show_chart(st, character_counts_chart(files.labels), key="captcha_counts")
    st.image(
        [str(path) for path in files.paths[:12]],
        caption=list(files.labels[:12]),
        width=200,
        alt=[f"the captcha {label}" for label in files.labels[:12]],
    )
    st.markdown(
        "**Drawn text.** A reader trained only on these captchas has never seen a thin black line on white, so the "
        "*captchas + drawings* reader also trained on texts drawn by a program with a randomly wobbling hand, "
        "slant, size, spacing and pen, new ones in every batch, half of each batch. Some of them:"
    )
    rng = np.random.default_rng(0)
    texts = [handwriting.random_text(rng) for _ in range(6)]
    st.image(
        [handwriting.render_text(text, rng) for text in texts],
        caption=texts,
        width=300,
        alt=[f"the text {text}, drawn by the program" for text in texts],
    )
    with st.expander("Characters ↔ integers (the CTC blank is 0)"):
        st.dataframe(
            [{"character": "blank", "integer": captcha.BLANK}]
            + [{"character": char, "integer": i + 1} for i, char in enumerate(captcha.ALPHABET)],
            hide_index=True,
        )
    st.markdown("**The input pipeline, on one captcha**")
    path = files.paths[0]
    with Image.open(path) as image:
        original = image.copy()
    grey = original.convert("L")
    tensor = captcha.preprocess(original)
    columns = st.columns(4)
    label = files.labels[0]
    columns[0].image(
        original,
        caption=f"1. read: {original.size[0]} × {original.size[1]} {original.mode}",
        alt=f"the captcha {label}",
    )
    columns[1].image(grey, caption="2. decode as greyscale, 3. scale to [0, 1]", alt=f"the captcha {label} in grey")
    columns[2].image(
        (tensor[..., 0].T * 255).astype(np.uint8),
        caption="4. resize to 50 × 200",
        alt=f"the captcha {label} in grey, 50 by 200 pixels",
    )
    columns[3].image(
        (tensor[..., 0] * 255).astype(np.uint8),
        caption=f"5. transpose: {tensor.shape}, width = time",
        width=50,
        alt=f"the captcha {label} turned on its side: 200 rows, one per time step",
    )
    st.markdown(f"Label `{files.labels[0]}` → `{captcha.CHARACTERS.encode(files.labels[0])}`")


@st.cache_resource(show_spinner=False)
def model_summary() -> tuple[list[dict], int]:
    model = captcha.build_model()
    return layer_table(model), model.count_params()


def show_model() -> None:
    rows, total = model_summary()
    st.markdown(
        f"**{total:,} parameters.** The last layer gives 20 probabilities at each of 50 time steps: 19 characters and the CTC blank."
    )
    show_layer_table(rows)
    st.caption("The loss is `keras.ops.ctc_loss`, which sums over every alignment of the 5 characters to the 50 steps.")


def start_captcha_training(epochs: int, patience: int) -> TrainingJob:
    """Train this session's reader in a worker process; its weights come back to the session's model at the end."""
    model = captcha.build_model()
    task = TrainingTask(captcha.train_task, {"epochs": epochs, "patience": patience})
    job = panel.start_training(task, model)
    st.session_state.captcha_model = panel.SessionTraining(model, job)
    return job


def expected_duration(epochs: int) -> str | None:
    """About how long `epochs` epochs take here, as measured on this page (or from the shipped reader's training)."""
    summary = assets.read_summary(PRETRAINED["pretrained: captchas only"])
    seconds = assets.expected_training_seconds(captcha.train_task.__module__, epochs, summary)
    if seconds is None:
        return None
    return f"{duration_in_words(seconds)} for {epochs} epochs on this server when nobody else trains"


def plateau_note(summary: assets.ModelSummary | None) -> str:
    """Why the loss stalls at first, with the shipped reader's own curve as the example."""
    example = ""
    if summary is not None and "loss" in summary.history:
        loss = summary.history["loss"]
        plateau = max(loss[1:4])  # where the loss sits after the first epoch
        # The last epoch still on the plateau, and the first clearly off it.
        last_flat = max(epoch for epoch, value in enumerate(loss, 1) if value > 0.9 * plateau)
        reading = next((epoch for epoch, value in enumerate(loss, 1) if value < 1.0), len(loss))
        example = (
            f" (the pretrained reader's run: {loss[1]:.1f} after epoch 2, still {loss[last_flat - 1]:.1f} after epoch "
            f"{last_flat}, {loss[reading - 1]:.1f} after epoch {reading})"
        )
    return (
        f"The loss sits on a plateau for the first epochs{example}. At first the network answers *blank* almost "
        "everywhere: CTC cannot yet tell which columns hold which character, and blanks are the safest guess. Once "
        "it finds where the characters sit, the loss falls fast. Stopping during the plateau leaves a model that "
        "reads nothing."
    )


def show_training(files: CaptchaFiles) -> None:
    validation = round(len(files.paths) * captcha.VALIDATION_FRACTION)
    st.markdown(
        f"A training here reads the {len(files.paths):,} captchas of this copy of the data set: "
        f"{len(files.paths) - validation:,} to learn from and {validation:,} to check on, drawn at random once "
        "(the same split every time)."
    )
    left, right = st.columns(2)
    epochs = left.number_input("Epochs", 1, 200, 100, key="captcha_epochs")
    patience = right.number_input("Early stopping patience (0 = off)", 0, 50, 10, key="captcha_patience")
    if estimate := expected_duration(int(epochs)):
        st.caption(f"Training takes {estimate}; early stopping may end it sooner.")
    st.caption(plateau_note(assets.read_summary(PRETRAINED["pretrained: captchas only"])))
    job = panel.session_job("captcha_model")
    train = panel.training_buttons("captcha", job)
    if train:
        job = start_captcha_training(int(epochs), int(patience))
    if job:
        st.caption("The training goes on while you read captchas or visit other pages; come back here to follow it.")
        panel.show_job(job, "captcha_training")
    if trained := panel.finished_training("captcha_model"):
        record = {"epochs": int(epochs), "early_stopping_patience": int(patience)}
        offer_trained_model("captcha", trained, record)
    summaries = {label: summary for label, path in PRETRAINED.items() if (summary := assets.read_summary(path))}
    for label, summary in summaries.items():
        st.markdown(f"**{label.capitalize()}**: {pretrained_figures(summary)}")
    with st.expander("How the pretrained readers were made (for the teacher)"):
        for label, summary in summaries.items():
            st.markdown(f"*{label}*")
            st.code(summary.command, language="bash", wrap_lines=True)
    take_home(
        "captcha",
        lambda: captcha_notebook(int(epochs), int(patience)),
        "this reader and its training: the same captcha archive, the CNN + BiLSTM, CTC's loss, the curves and "
        "the greedy readings",
    )


def pretrained_figures(summary: assets.ModelSummary) -> str:
    """A pretrained reader's scores and how it was made, in one sentence."""
    figures = summary.figures
    text = f"exact match {figures['exact_match']:.1%}, character error rate {figures['cer']:.2%} on {figures['validation']}"
    if "synthetic_drawings" in figures:
        drawn = figures["synthetic_drawings"]
        text += f"; {drawn['exact_match']:.1%} exact on {drawn['n']} fresh synthetic drawings"
    return (
        text + f"; trained for {summary.epochs} epochs in {summary.train_seconds / 60:.0f} min on {summary.trained_on}."
    )


def drawn_text_figures(measured: dict) -> str:
    """What the drawing benchmark found, for the student about to draw: one sentence per hand."""
    sentences = []
    for hand in measured["hands"].values():
        scores = "; ".join(
            f"*{label}* read {result['exact_match']:.0%} of them exactly (character error rate {result['cer']:.1%})"
            for label, result in hand["results"].items()
        )
        sentences.append(f"On {hand['drawings']}: {scores}.")
    return f"Measured in a browser, {measured['pens']}. " + " ".join(sentences)


def probability_text(log_probability: float) -> str:
    """A probability as a percentage a student can read, however small."""
    probability = float(np.exp(log_probability))
    return f"{probability:.1%}" if probability >= 0.001 else f"{probability:.1e}"


def picture_to_read(files: CaptchaFiles | DatasetUnavailable) -> Image.Image | None:
    """The captcha the student chose, uploaded or drew; None (with a message) when there is nothing to read."""
    # Without the data set, the few captchas shipped with the app stand in for it.
    captchas = list(files.paths[:200]) if isinstance(files, CaptchaFiles) else sorted(SAMPLES.glob("*.png"))
    sources = ["a sample", "upload a picture", "draw", "draw over a captcha", "type a text"]
    source = st.radio("Read", sources, horizontal=True, key="captcha_source")
    if source == "a sample":
        path = st.selectbox("Captcha", captchas, format_func=lambda p: p.stem, key="captcha_sample")
        with Image.open(path) as image:
            return image.convert("RGB")
    if source == "upload a picture":
        upload = st.file_uploader(
            "Picture", type=UPLOAD_TYPES, key=upload_key("captcha"), max_upload_size=MEDIA_UPLOAD_MB
        )
        if upload is None:
            return None
        try:
            loaded = load_image(upload.getvalue())
        except ImageRejected as error:
            st.error(str(error))
            return None
        for note in loaded.notes:
            st.caption(note)
        return loaded.image
    if source == "type a text":
        return typed_picture()
    pen = st.slider("Pen width", 2, 24, DEFAULT_PEN, key="captcha_pen")
    background = None
    if source == "draw over a captcha":
        path = st.selectbox("Captcha to draw over", captchas, format_func=lambda p: p.stem, key="captcha_under")
        with Image.open(path) as image:
            background = image.convert("RGB").resize((CANVAS_WIDTH, CANVAS_HEIGHT))
    st.caption(
        "Draw with the mouse, a pen or a finger; use the canvas's bin icon to start again. The canvas takes no "
        "keyboard: with the keyboard alone, upload a picture or type a text instead."
    )
    if source == "draw" and assets.DRAWN_TEXT_RESULTS.exists():
        st.caption(drawn_text_figures(json.loads(assets.DRAWN_TEXT_RESULTS.read_text())))
    st.space(CANVAS_TOOLBAR_ROOM)
    with st.container(key="captcha_canvas_box"):  # on a phone the house style shrinks the canvas to fit
        result = drawing_canvas(pen, background, source)
    strokes = result.image_data if result is not None else None
    if (
        strokes is None
        or not (strokes[..., 3] > 0).any()
        or (background is None and (strokes[..., :3] < 128).sum() == 0)
    ):
        if background is None:
            st.info("Draw something first.")
            return None
        return background
    return canvas_picture(strokes, background)


def drawing_canvas(pen: int, background: Image.Image | None, source: str):
    """The drawable canvas, at the captchas' proportions, white or over the captcha `background`."""
    return st_canvas(
        stroke_width=pen,
        stroke_color="#000000",
        background_color="#FFFFFF" if background is None else "",
        background_image=background,
        height=CANVAS_HEIGHT,
        width=CANVAS_WIDTH,
        drawing_mode="freedraw",
        return_image_data=True,
        key=f"captcha_canvas_{source}",
    )


def typed_picture() -> Image.Image | None:
    """A text the student types, drawn by the program's wobbling hand (the keyboard's way to a drawing)."""
    columns = st.columns([3, 2])
    text = columns[0].text_input(
        f"Text to draw (1 to {handwriting.MAX_LABEL_LENGTH} of {captcha.ALPHABET})",
        "b3dx7",
        max_chars=handwriting.MAX_LABEL_LENGTH,
        key="captcha_typed_text",
    )
    hand = columns[1].number_input("Hand (another number, another hand)", 0, 999, 0, key="captcha_typed_hand")
    problem = handwriting.text_problem(text.strip())
    if problem:
        st.warning(problem)
        return None
    st.caption("Drawn by the same program that drew half of the drawings reader's training texts.")
    return handwriting.render_text(text.strip(), np.random.default_rng(int(hand))).convert("RGB")


@st.cache_data(max_entries=64, show_spinner=False)
def read_picture(model_key: str, _model, x: np.ndarray) -> tuple[np.ndarray, float]:
    """The reader's (50, 20) probabilities for one preprocessed picture, and how long the network took."""
    start = time.perf_counter()
    probabilities = captcha.predict_probabilities(_model, x[np.newaxis])[0]
    return probabilities, time.perf_counter() - start


@st.cache_resource(max_entries=64, show_spinner=False)
def reading_charts(probabilities: np.ndarray) -> tuple:
    """The collapse of the best path and the probability heatmap, drawn once per reading."""
    steps = ctc.best_path_steps(probabilities, captcha.CHARACTERS)
    frames = frames_figure(
        probabilities, captcha.CHARACTERS, time_title="time step (a 4-pixel-wide column of the image)", height=480
    )
    return collapse_figure(steps), frames


@st.cache_resource(show_spinner=False)
def character_counts_chart(labels: tuple[str, ...]):
    return character_counts_figure(labels)


def show_reading(model, model_key: str, picture: Image.Image) -> None:
    x = captcha.preprocess(picture)
    st.image(
        Image.fromarray((x[..., 0].T * 255).astype(np.uint8)).resize((400, 100), Image.Resampling.NEAREST),
        caption="what the network sees: 50 × 200 greyscale",
        width="content",  # 400 px, or the column's width on a phone
        alt="the picture to read, in grey at the network's 50 by 200 pixels",
    )
    probabilities, seconds = read_picture(model_key, model, x)
    greedy = captcha.ctc_decode(probabilities)[0]
    beam_width = st.slider("Beam width", 1, 50, 10, key="captcha_beam")
    beams = captcha.ctc_decode(probabilities, "beam_search", beam_width=beam_width, top_paths=min(3, beam_width))
    st.markdown(f"## Reading: `{greedy.text or '(nothing)'}`")
    st.caption(f"The network took {seconds * 1000:.0f} ms to read it.")
    left, right = st.columns(2)
    left.markdown(
        f"**Greedy** (best class at each step): `{greedy.text or '(nothing)'}`  \n"
        f"probability of that one path: {probability_text(greedy.log_probability)}"
    )
    right.markdown(
        "**Beam search** (best whole readings), probability of each text, summed over its paths:  \n"
        + "  \n".join(f"`{b.text or '(nothing)'}`: {probability_text(b.log_probability)}" for b in beams)
    )
    st.caption(
        "A text can be written by many paths (where the blanks and repeats fall), so its probability is at least "
        "that of its best path: that is why beam search can prefer a text whose single best path is not the best."
    )
    st.markdown("**From 50 frames to text**: the most probable class at each step, then CTC's two rules.")
    collapse_chart, probabilities_chart = reading_charts(probabilities)
    show_chart(st, collapse_chart, key="captcha_collapse")
    st.markdown("**Probabilities at each time step** (50 × 20; ε is the CTC blank)")
    show_chart(st, probabilities_chart, key="captcha_probabilities")


def show_reader() -> None:
    """The Read a captcha tab: the model, the picture, and its reading."""
    models = {}
    # Offered once its training has ended: its weights change under a running one.
    if trained := panel.finished_training("captcha_model"):
        models["my model"] = trained.model
    # Open while it holds a file, accepted or refused: a refusal must not close it by itself.
    with st.expander("Bring back a reader you trained at home", expanded=brought_back.holds_a_file(UPLOADED)):
        if uploaded := brought_back.read_uploaded_model(
            "A reader saved as a .keras file",
            MODEL_UPLOAD,
            UPLOADED,
            CAPTCHA_SHAPES,
            "It takes the page's 200 × 50 grey pictures (width first, values 0 to 1) and gives 50 steps of "
            f"{captcha.NUM_CLASSES} probabilities: the blank first, then {captcha.ALPHABET}.",
            choice="captcha_model_choice",
        ):
            models[uploaded.name] = uploaded.model
    brought_back.show_refusal(UPLOADED)  # outside the expander, above the Model choice it changed
    for label, path in PRETRAINED.items():
        if (model := captcha_reader(path)) is not None:
            models[label] = model
    if not models:
        st.info("No model yet: train one in the Train tab.")
        return
    name = st.radio("Model", list(models), horizontal=True, key="captcha_model_choice")
    picture = picture_to_read(data_now("captchas", captcha_files))
    if picture is not None:
        show_reading(models[name], reader_key(name, trained), picture)


def reader_key(name: str, trained: panel.SessionTraining | None) -> str:
    """A reader's name for caches the server shares: a session's own model by its training, a brought-back one by
    its file, the shipped ones by their names."""
    if trained and name == "my model":
        return trained.id
    return brought_back.model_key(UPLOADED) if name.startswith("uploaded: ") else name


st.title("Reading captchas: CNN + BiLSTM + CTC")
st.markdown(
    "A captcha is read column by column: two conv blocks find strokes, two bidirectional LSTMs read the 50 columns "
    "left to right and right to left, and at each column the network says which character (or none: the CTC *blank*) "
    "it sees. CTC turns those 50 guesses into 5 characters."
)
files = data_now("captchas", captcha_files)
show_data_notice(
    "captchas", files, "The pretrained readers read the shipped samples and what you upload or draw meanwhile."
)


def with_the_captchas(show: Callable[[], object]) -> Callable[[], None]:
    """A tab that needs the captcha images: `show`, or where to get them."""

    def tab() -> None:
        if isinstance(files, DatasetUnavailable):
            needs_data("the captcha images")
        else:
            show()

    return tab


show_tabs(
    [
        # Drawn whichever tab is open, so that a drawing or an upload is still there after a look at another tab;
        # a fragment, so that a stroke on the canvas reruns the reading, not the whole page.
        Tab("Read a captcha", st.fragment(timed_fragment(show_reader, "captcha")), always=True),
        Tab("Data", with_the_captchas(lambda: show_data(files))),
        Tab("Model", show_model),
        Tab("Train", with_the_captchas(lambda: show_training(files))),
        Tab("Check yourself", lambda: check_yourself("captcha")),
    ],
    key="captcha_tab",
)
