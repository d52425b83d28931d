"""Layout pieces several pages share."""

import streamlit as st

# A setting's width in a row of settings: five fit a laptop's page, two a split screen's.
SETTING_WIDTH = 160


def settings_row():
    """A row of settings that wraps onto more lines where the page is narrow (give each widget `SETTING_WIDTH`)."""
    return st.container(horizontal=True, wrap=True)
