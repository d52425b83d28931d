"""Layout pieces several pages share."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import streamlit as st

# What the theme (.streamlit/config.toml) cannot set, for WCAG AA on every page. Streamlit's code highlighter
# colours tokens from its fixed palette, most of them under 4.5:1 on the code block (keywords 3.9:1, strings
# and booleans 2.3–3:1, shell options 2.8:1, comments 3.6:1); here each gets a darker shade of the same hue,
# 4.9:1 or more on the code block's grey. Inline code in a caption is faded like the caption, and its green
# then reads at 2.6:1: there it takes the caption's colour. KaTeX lays a displayed formula out about 2 px
# wider than its box, which makes the box a scroll region a keyboard cannot reach: a little padding holds
# it; on a phone, formulas are drawn smaller to fit the screen, and so is the captcha page's drawing canvas
# (a fixed 440 px that the component cannot size to its column): zoomed, it still maps a finger to its pixels.
HOUSE_STYLE = """<style>
.stCode .token:is(.comment, .prolog, .doctype, .cdata, .punctuation, .unchanged) { color: #5c5f6e; }
.stCode .token:is(.attr-name, .property, .variable) { color: #00708f; }
.stCode .token:is(.boolean, .constant, .symbol, .inserted, .string, .char, .attr-value) { color: #177233; }
.stCode .token:is(.decorator, .atrule, .operator, .entity) { color: #b04a00; }
.stCode .token:is(.important, .deleted) { color: #b3261e; }
.stCode .token:is(.function, .class-name, .selector, .keyword, .tag) { color: #0b5cad; }
.stCode .token:is(.number, .regex) { color: #006d6d; }
.stCode .token.url { color: #6b3fa0; }
[data-testid="stCaptionContainer"] code { color: inherit; }
.katex-display { padding: 0 3px; }
@media (max-width: 500px) { .katex-display { font-size: 0.8em; } }
@media (max-width: 520px) { .st-key-captcha_canvas_box { zoom: 0.85; } }
@media (max-width: 440px) { .st-key-captcha_canvas_box { zoom: 0.76; } }
@media (max-width: 380px) { .st-key-captcha_canvas_box { zoom: 0.68; } }
</style>"""
# A setting's width in a row of settings: five fit a laptop's page, two a split screen's.
SETTING_WIDTH = 160
# Pictures, captchas and recordings are small: 10 MB (ten minutes of 8 kHz 16-bit speech, of MP3 at 128 kbit/s)
# is plenty and bounds memory per upload; the speech reader reads the first 20 s of a recording. The server's
# own cap (.streamlit/config.toml) is the model files'.
MEDIA_UPLOAD_MB = 10


def apply_house_style() -> None:
    """Add `HOUSE_STYLE` to the page (a style-only `st.html` takes no room on the page)."""
    st.html(HOUSE_STYLE)


def settings_row():
    """A row of settings that wraps onto more lines where the page is narrow (give each widget `SETTING_WIDTH`)."""
    return st.container(horizontal=True, wrap=True)


def page_tabs(labels: list[str], key: str) -> list:
    """Tabs whose content runs only while open, with the open tab in the page's address.

    A closed tab costs the server nothing on a rerun and the browser nothing on the first
    paint, and a teacher can share a link that opens a given tab (…/cifar10?cifar_tab=Inspect).
    """
    return st.tabs(labels, key=key, bind="query-params")


@dataclass(frozen=True)
class Tab:
    """One tab of a page: its label, what draws it, and when it is drawn though closed."""

    label: str
    draw: Callable[[], object]
    holds: tuple[str, ...] = ()  # keys of its uploaders and recorders: while one holds a file it is drawn closed too
    always: bool = False  # drawn whichever tab is open (a canvas that must keep its drawing)


def show_tabs(tabs: Sequence[Tab], key: str) -> None:
    """The page's tabs (`page_tabs`), each drawn only while open, while it holds a student's file, or always."""
    for container, tab in zip(page_tabs([tab.label for tab in tabs], key), tabs, strict=True):
        if tab.always or container.open or holds_a_file(tab.holds):
            with container:
                tab.draw()


def holds_a_file(keys: Iterable[str]) -> bool:
    """Whether one of the uploaders or recorders keyed `keys` holds a file.

    A closed tab is drawn even so while it holds one: Streamlit forgets the file of a widget that a
    run does not draw, so a look at another tab would lose a student's recording or picture.
    """
    return any(st.session_state.get(key) is not None for key in keys)


# Where `keep_widget_values` keeps its own copy of every page's widget values: a key no widget uses.
KEPT_VALUES = "_kept_widget_values"


def keep_widget_values(kept: Callable[[str], bool]) -> None:
    """Keep the values of widgets that this run does not draw: in closed tabs, or on other pages.

    Streamlit forgets the value of a widget that a run does not draw; writing the value back
    at the start of every run keeps it, so a setting survives a visit to another tab or page.
    A copy is kept under a key of no widget and written back too: after a run of a `run_every`
    fragment (the training panel's refresh), leaving the page drops the other widgets' values even
    so (streamlit/streamlit#10805), which reset a page's settings while its training ran.
    Called from `app.py`, which runs before every page, with the registry's rule of which keys are `kept`.
    """
    values = st.session_state.setdefault(KEPT_VALUES, {})
    for key in list(st.session_state):
        if isinstance(key, str) and kept(key):
            values[key] = st.session_state[key]
    for key, value in values.items():
        st.session_state[key] = value


def keep_in_range(key: str, low: float, high: float) -> None:
    """Bring a widget's stored value inside its new range before it is drawn.

    When other settings shrink a slider's range (a smaller output, a shorter series), the
    value chosen before would lie outside it, which Streamlit refuses with an error.
    """
    if key in st.session_state and not low <= st.session_state[key] <= high:
        st.session_state[key] = min(max(st.session_state[key], low), high)


def show_layer_table(rows: list[dict]) -> None:
    """A model's layers (`core.shared.summary.layer_table`) as a static table, every layer shown.

    A plain table rather than `st.dataframe`'s interactive grid: a setting that changes the model (a dropout
    rate, a filter count) redraws it, and a static table redraws at once and is read by screen readers.
    """
    st.table(
        [{**row, "parameters": f"{row['parameters']:,}"} for row in rows],
        hide_index=True,
        width="content",
    )
