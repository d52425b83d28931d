"""Every page of the app, in one list: `app.py` builds the navigation and the kept widget prefixes from it,
the home page its cards, the browser helpers their addresses, and the page-level tests their lists.

A new page gets its smoke test, its split-screen and projector checks and its Check yourself tests by
being added here. Kept free of streamlit, so that tests and benchmarks can read it without a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase


@dataclass(frozen=True)
class Card:
    """What the home page says about a page."""

    picture: str  # file in assets/cards/
    picture_says: str  # its alternative text: what the picture shows, for a screen reader
    teaches: str
    runs: str  # what is computed live and what comes pretrained


@dataclass(frozen=True)
class WidgetKeys:
    """Which of a page's widget values outlive a visit to another tab or page (`layout.keep_widget_values`).

    Every widget the page draws itself has a key that starts with `prefix` (Check yourself's, shared
    by every page, start with `quiz_` and are never kept), and its value is kept, except for the keys
    matching a pattern of `never_kept` (shell-style, `*` for any text) and the page's tab key:
    widgets whose value Streamlit refuses to take from the session state (buttons, file uploads,
    recorders, a chart's selection, the drawing canvas).
    """

    prefix: str
    never_kept: tuple[str, ...] = ()


def training_button_keys(name: str) -> tuple[str, str]:
    """The keys of the Train and Stop buttons `training_panel.training_buttons(name, …)` draws."""
    return f"{name}_train", f"{name}_stop"


def upload_key(name: str) -> str:
    """The key of a page's file upload (a picture, a recording)."""
    return f"{name}_upload"


def recorder_keys(name: str) -> tuple[str, str]:
    """The keys of the microphone and the file upload a page draws for a recording (`{name}_record`, `{name}_upload`)."""
    return f"{name}_record", upload_key(name)


def retake_key(digit: int | str) -> str:
    """The key of the recorder for one digit said again, in the Spoken digits page's enrolment (`*`: any digit)."""
    return f"speech_enrol_record_{digit}"


@dataclass(frozen=True)
class PageEntry:
    path: str  # the page's file, as st.Page takes it
    title: str  # in the sidebar and on its card
    icon: str
    section: str  # the sidebar's group
    heading: str  # the page's st.title, which the browser tests wait for
    widgets: WidgetKeys | None = None  # which of its widgets' values outlive a visit elsewhere
    tab_key: str | None = None  # the key of its tabs, in the address (…/cifar10?cifar_tab=Inspect)
    quiz: str | None = None  # its Check yourself topic: the topic package whose `questions.py` asks them
    quiz_tab: str | None = None  # the tab that holds Check yourself, where the page has tabs
    card: Card | None = None

    @property
    def address(self) -> str:
        """The page's path in the URL: its file's name ('' for the home page, which is the default)."""
        return "" if self.path.endswith("home.py") else self.path.rsplit("/", 1)[1].removesuffix(".py")

    def keeps(self, key: str) -> bool:
        """Whether the value of this page's widget `key` is written back on every run (see `WidgetKeys`)."""
        if self.widgets is None or not key.startswith(self.widgets.prefix) or key == self.tab_key:
            return False
        return not any(fnmatchcase(key, pattern) for pattern in self.widgets.never_kept)


PAGES = (
    PageEntry("app_pages/start/home.py", "Home", ":material/home:", "Start", "CNN & RNN Lab"),
    PageEntry(
        "app_pages/cnn/convolution.py",
        "Convolution layer",
        ":material/grid_on:",
        "Convolutional networks",
        "Convolution layer",
        widgets=WidgetKeys("conv_", ("conv_animate", "conv_close_animation")),
        quiz="conv",
        card=Card(
            "convolution.png",
            "A 6 by 6 input with a 3 by 3 window outlined at one position, and the 4 by 4 output it fills.",
            "Filter size f, stride s, padding p and K filters → the output shape, the parameter count, and "
            "the window sliding over the input, product by product, checked against a real Keras Conv2D.",
            "Live: everything is computed as you move the settings.",
        ),
    ),
    PageEntry(
        "app_pages/cnn/cifar10.py",
        "CIFAR-10 CNN",
        ":material/image:",
        "Convolutional networks",
        "CIFAR-10: a CNN that recognises pictures",
        widgets=WidgetKeys(
            "cifar_", (*training_button_keys("cifar"), upload_key("cifar"), "cifar_model_upload", "cifar_confusion_*")
        ),
        tab_key="cifar_tab",
        quiz="cifar",
        quiz_tab="Check yourself",
        card=Card(
            "cifar10.png",
            "Ten small CIFAR-10 photos, one of each class, in two rows.",
            "The slides' basic CNN (553,514 parameters) and an improved one: train them on a subset, watch the "
            "curves, then look inside (confusion matrix, mistakes, feature maps, filters, Grad-CAM), augment images and "
            "classify your own picture.",
            "Train your own in the session (one training at a time on the server, the others queue); pretrained "
            "models for everything else.",
        ),
    ),
    PageEntry(
        "app_pages/rnn/lstm.py",
        "LSTM",
        ":material/memory:",
        "Recurrent networks",
        "LSTM",
        widgets=WidgetKeys("lstm_"),
        tab_key="lstm_tab",
        quiz="lstm",
        card=Card(
            "lstm.png",
            "An LSTM unrolled over four time steps: inputs below, the cells in a row passing their state, outputs above.",
            "The four sequence patterns; what return_sequences and return_state return, shapes and values; "
            "stacking layers; the cell's gates step by step, recomputed in NumPy from the layer's own weights.",
            "Live: a small Keras LSTM with random weights runs on every change.",
        ),
    ),
    PageEntry(
        "app_pages/rnn/forecasting.py",
        "Forecasting",
        ":material/show_chart:",
        "Recurrent networks",
        "Forecasting a series with an LSTM",
        widgets=WidgetKeys("forecast_", training_button_keys("forecast")),
        tab_key="forecast_tab",
        quiz="forecast",
        card=Card(
            "forecasting.png",
            "The class's synthetic series as a line chart, split into a training and a test part.",
            "The class's synthetic series, windows of look_back values, an LSTM forecast one and many steps ahead, "
            "measured against persistence and the noise floor that no model can beat.",
            "Pretrained for the class's settings (shown at once); train your own in about 15 s, with a Stop button.",
        ),
    ),
    PageEntry(
        "app_pages/rnn/captcha.py",
        "Captcha OCR",
        ":material/password:",
        "Recurrent networks",
        "Reading captchas: CNN + BiLSTM + CTC",
        widgets=WidgetKeys(
            "captcha_",
            (*training_button_keys("captcha"), upload_key("captcha"), "captcha_model_upload", "captcha_canvas_*"),
        ),
        tab_key="captcha_tab",
        quiz="captcha",
        quiz_tab="Check yourself",
        card=Card(
            "captcha.png",
            "A captcha, enlarged, over the 50 per-step guesses that CTC collapses into its five characters.",
            "A CNN + BiLSTM reads a captcha column by column; CTC turns its 50 per-step guesses into 5 characters. "
            "Read samples, uploads and your own drawings, greedy and beam search side by side.",
            "Pretrained reader; train your own in the session.",
        ),
    ),
    PageEntry(
        "app_pages/rnn/ctc.py",
        "CTC",
        ":material/linear_scale:",
        "Recurrent networks",
        "CTC: lining a label up with time",
        widgets=WidgetKeys("ctc_"),
        tab_key="ctc_tab",
        quiz="ctc",
        quiz_tab="Check yourself",
        card=Card(
            "ctc.png",
            "The CTC trellis of the label ab over 6 time steps, with one alignment drawn through it.",
            "How CTC lines a label up with time: every alignment and how it collapses, the forward algorithm's "
            "trellis (equal to Keras's loss), and why the best path is not always the best reading.",
            "Live: small cases computed on every change; the captcha reader's real output as an example.",
        ),
    ),
    PageEntry(
        "app_pages/rnn/speech.py",
        "Spoken digits",
        ":material/mic:",
        "Recurrent networks",
        "Spoken digits: speech recognition with CTC",
        widgets=WidgetKeys(
            "speech_",
            (
                *training_button_keys("speech"),
                *training_button_keys("speech_enrol"),
                *recorder_keys("speech"),
                *recorder_keys("speech_enrol"),
                retake_key("*"),
            ),
        ),
        tab_key="speech_tab",
        quiz="speech",
        quiz_tab="Check yourself",
        card=Card(
            "speech.png",
            "The spectrogram of three spoken digits joined, each digit written under the sound that says it.",
            "Speech recognition with CTC: say up to five digits and a conv + bidirectional GRU network writes "
            "them down. Waveforms, spectrograms, how training sentences are made, and voices it never heard.",
            "Pretrained reader (record, upload, samples); train your own in the session.",
        ),
    ),
)


def kept_widget(key: str) -> bool:
    """Whether some page keeps the value of the widget `key` across visits to other tabs and pages."""
    return any(page.keeps(key) for page in PAGES)


QUIZ_PAGES = {page.quiz: page for page in PAGES if page.quiz}


def page_at(address: str) -> PageEntry:
    return next(page for page in PAGES if page.address == address)
