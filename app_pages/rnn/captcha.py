"""Captcha OCR: a CNN + BiLSTM + CTC model reads captchas, and CTC's decoding is shown step by step."""

import json
import time
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from app_pages.common.training_place import training_place
from core import captcha, handwriting
from core.captcha_plots import character_counts_figure, collapse_figure, probabilities_figure
from core.cifar_plots import curves_figure
from core.datasets import CaptchaFiles, DatasetUnavailable, load_captcha_files
from core.images import UPLOAD_TYPES, ImageRejected, load_image
from core.summary import layer_table
from core.training import History

ASSETS = Path(__file__).resolve().parents[2] / "assets"
PRETRAINED = {  # the reader trained on drawings as well comes first: it is the one that reads a drawing
    "pretrained: captchas + drawings": ASSETS / "models" / "captcha_ocr_drawings.keras",
    "pretrained: captchas only": ASSETS / "models" / "captcha_ocr.keras",
}
DRAWN_TEXT_RESULTS = ASSETS / "benchmarks" / "drawn_text.json"
SAMPLES = ASSETS / "samples" / "captcha"  # used when the data set cannot be had
CANVAS_WIDTH, CANVAS_HEIGHT = 600, 150  # the captchas' 200 × 50 proportions, three times larger


@st.cache_resource(show_spinner="Looking for the captcha images…")
def captcha_files() -> CaptchaFiles | str:
    try:
        return load_captcha_files()
    except DatasetUnavailable as error:
        return str(error)


@st.cache_resource(show_spinner="Preparing the captchas…")
def captcha_split() -> captcha.CaptchaData:
    """The preprocessed training / validation split; only called once the data set is known to be there."""
    files = captcha_files()
    return captcha.load_split(files.paths, files.labels)


@st.cache_resource(show_spinner="Loading a pretrained captcha reader…")
def pretrained_model(path: Path):
    import keras

    if not path.exists():
        return None
    model = keras.models.load_model(path, custom_objects={"ctc_loss": captcha.ctc_loss})
    # Build the compiled predict step once, before sessions share the model.
    captcha.predict_probabilities(model, np.zeros((1, captcha.IMAGE_WIDTH, captcha.IMAGE_HEIGHT, 1), dtype=np.float32))
    return model


def show_data(files: CaptchaFiles) -> None:
    distinct = len(set("".join(files.labels)))
    st.markdown(
        f"**{len(files.paths)} captchas** of {captcha.LABEL_LENGTH} characters from {files.source}; {distinct} distinct characters."
    )
    st.plotly_chart(character_counts_figure(files.labels), key="captcha_counts")
    st.image([str(path) for path in files.paths[:12]], caption=list(files.labels[:12]), width=200)
    st.markdown(
        "**Drawn text.** A reader trained only on these captchas has never seen a thin black line on white, so the "
        "*captchas + drawings* reader also trained on texts drawn by a program with a randomly wobbling hand, "
        "slant, size, spacing and pen (`core/handwriting.py`), new ones in every batch, half of each batch. Some of them:"
    )
    rng = np.random.default_rng(0)
    texts = [handwriting.random_text(rng) for _ in range(6)]
    st.image([handwriting.render_text(text, rng) for text in texts], caption=texts, width=300)
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
    columns[0].image(original, caption=f"1. read: {original.size[0]} × {original.size[1]} {original.mode}")
    columns[1].image(grey, caption="2. decode as greyscale, 3. scale to [0, 1]")
    columns[2].image((tensor[..., 0].T * 255).astype(np.uint8), caption="4. resize to 50 × 200")
    columns[3].image(
        (tensor[..., 0] * 255).astype(np.uint8), caption=f"5. transpose: {tensor.shape}, width = time", width=50
    )
    st.markdown(f"Label `{files.labels[0]}` → `{captcha.encode_label(files.labels[0]).tolist()}`")


@st.cache_resource(show_spinner=False)
def model_summary() -> tuple[list[dict], int]:
    model = captcha.build_model()
    return layer_table(model), model.count_params()


def show_model() -> None:
    rows, total = model_summary()
    st.markdown(
        f"**{total:,} parameters.** The last layer gives 20 probabilities at each of 50 time steps: 19 characters and the CTC blank."
    )
    st.dataframe(rows, hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)  # every layer, no scrolling
    st.caption("The loss is `keras.ops.ctc_loss`, which sums over every alignment of the 5 characters to the 50 steps.")


def train_in_session(data: captcha.CaptchaData, epochs: int, patience: int) -> None:
    with training_place():
        model = captcha.build_model()
        history = History()
        st.session_state.captcha_model = {"model": model, "history": history}
        progress = st.progress(0.0, text="Compiling…")
        curves = st.empty()

        def on_epoch(history: History) -> None:
            progress.progress(
                history.epochs / epochs, text=f"Epoch {history.epochs}/{epochs}, {history.seconds[-1]:.1f} s"
            )
            curves.plotly_chart(curves_figure({"my model": history.metrics}), key=f"captcha_live_{history.epochs}")

        captcha.train(model, data, epochs=epochs, patience=patience, on_epoch=on_epoch, history=history)
        progress.empty()
        curves.empty()


def show_training() -> None:
    left, right = st.columns(2)
    epochs = left.number_input("Epochs", 1, 200, 100, key="captcha_epochs")
    patience = right.number_input("Early stopping patience (0 = off)", 0, 50, 10, key="captcha_patience")
    left, right = st.columns(2)
    train = left.button("Train", type="primary", key="captcha_train")
    if right.button("Stop", key="captcha_stop") and st.session_state.get("captcha_model"):
        st.session_state.captcha_model["history"].stopped_early = True
    if train:
        # Decoded on the first Train press, not on every visit: reading a captcha does not need it.
        train_in_session(captcha_split(), int(epochs), int(patience))
    trained = st.session_state.get("captcha_model")
    if trained and trained["history"].epochs:
        st.plotly_chart(curves_figure({"my model": trained["history"].metrics}), key="captcha_curves")
    for label, path in PRETRAINED.items():
        if path.with_suffix(".json").exists():
            st.markdown(
                f"**{label.capitalize()}**: {pretrained_figures(json.loads(path.with_suffix('.json').read_text()))}"
            )


def pretrained_figures(summary: dict) -> str:
    """A pretrained reader's scores and how it was made, in one sentence."""
    text = f"exact match {summary['exact_match']:.1%}, character error rate {summary['cer']:.2%} on {summary['validation']}"
    if "synthetic_drawings" in summary:
        drawn = summary["synthetic_drawings"]
        text += f"; {drawn['exact_match']:.1%} exact on {drawn['n']} fresh synthetic drawings"
    return (
        text + f"; {summary['epochs']} epochs in {summary['train_seconds'] / 60:.0f} min here (`{summary['command']}`)."
    )


def drawn_text_figures(measured: dict) -> str:
    """What the drawing benchmark found, for the student about to draw."""
    scores = "; ".join(
        f"*{label}* read {result['exact_match']:.0%} of them exactly (character error rate {result['cer']:.1%})"
        for label, result in measured["results"].items()
    )
    return f"Measured on {measured['drawings']}: {scores}."


def picture_to_read(files: CaptchaFiles | str) -> Image.Image | None:
    """The captcha the student chose, uploaded or drew; None (with a message) when there is nothing to read."""
    samples = sorted(SAMPLES.glob("*.png")) if isinstance(files, str) else list(files.paths[:200])
    sources = ["a sample", "upload a picture", "draw", "draw over a captcha"]
    source = st.radio("Read", sources, horizontal=True, key="captcha_source")
    if source == "a sample":
        path = st.selectbox("Captcha", samples, format_func=lambda p: p.stem, key="captcha_sample")
        with Image.open(path) as image:
            return image.convert("RGB")
    if source == "upload a picture":
        upload = st.file_uploader("Picture", type=UPLOAD_TYPES, key="captcha_upload")
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
    pen = st.slider("Pen width", 2, 30, 10, key="captcha_pen")
    background = None
    if source == "draw over a captcha":
        path = st.selectbox(
            "Captcha to draw over", files.paths[:200], format_func=lambda p: p.stem, key="captcha_under"
        )
        with Image.open(path) as image:
            background = image.convert("RGB").resize((CANVAS_WIDTH, CANVAS_HEIGHT))
    st.caption("Draw with the mouse (or a finger). Use the canvas's bin icon to start again.")
    if source == "draw" and DRAWN_TEXT_RESULTS.exists():
        st.caption(drawn_text_figures(json.loads(DRAWN_TEXT_RESULTS.read_text())))
    result = st_canvas(
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
    drawing = Image.fromarray(strokes.astype(np.uint8), mode="RGBA")
    base = background if background is not None else Image.new("RGB", drawing.size, "white")
    return Image.alpha_composite(base.convert("RGBA"), drawing).convert("RGB")


def show_reading(model, picture: Image.Image) -> None:
    x = captcha.preprocess(picture)
    st.image((x[..., 0].T * 255).astype(np.uint8), caption="what the network sees: 50 × 200 greyscale", width=400)
    start = time.perf_counter()
    probabilities = captcha.predict_probabilities(model, x[np.newaxis])[0]
    seconds = time.perf_counter() - start
    steps = captcha.best_path_collapse(probabilities)
    greedy = captcha.ctc_decode(probabilities)[0]
    beam_width = st.slider("Beam width", 1, 50, 10, key="captcha_beam")
    beams = captcha.ctc_decode(probabilities, "beam_search", beam_width=beam_width, top_paths=min(3, beam_width))
    st.markdown(f"## Reading: `{greedy.text or '(nothing)'}`")
    st.caption(f"The network took {seconds * 1000:.0f} ms.")
    left, right = st.columns(2)
    left.markdown(
        f"**Greedy** (best class at each step): `{greedy.text}`, score {greedy.score:.2f} (minus the summed log-probabilities of the path)"
    )
    right.markdown(
        "**Beam search** (best whole readings):  \n"
        + "  \n".join(f"`{b.text}`: log-probability {b.score:.2f}" for b in beams)
    )
    st.markdown("**From 50 frames to text**: the most probable class at each step, then CTC's two rules.")
    st.plotly_chart(collapse_figure(steps), key="captcha_collapse")
    st.markdown("**Probabilities at each time step** (50 × 20)")
    st.plotly_chart(probabilities_figure(probabilities), key="captcha_probabilities")


st.title("Reading captchas: CNN + BiLSTM + CTC")
st.markdown(
    "A captcha is read column by column: two conv blocks find strokes, two bidirectional LSTMs read the 50 columns "
    "left to right and right to left, and at each column the network says which character (or none: the CTC *blank*) "
    "it sees. CTC turns those 50 guesses into 5 characters."
)
files = captcha_files()
if isinstance(files, str):
    st.warning(f"{files} The pretrained reader still works on pictures you upload or draw.")
tabs = st.tabs(["Read a captcha", "Data", "Model", "Train"])
with tabs[0]:
    models = {}
    trained = st.session_state.get("captcha_model")
    if trained and trained["history"].epochs:
        models["my model"] = trained["model"]
    for label, path in PRETRAINED.items():
        if (model := pretrained_model(path)) is not None:
            models[label] = model
    if not models:
        st.info("No model yet: train one in the Train tab.")
    else:
        name = st.radio("Model", list(models), horizontal=True, key="captcha_model_choice")
        picture = picture_to_read(files)
        if picture is not None:
            show_reading(models[name], picture)
with tabs[1]:
    if isinstance(files, str):
        st.info(files)
    else:
        show_data(files)
with tabs[2]:
    show_model()
with tabs[3]:
    if isinstance(files, str):
        st.info(files)
    else:
        show_training()
