"""Home: what the app teaches, in which order, and a card for each page."""

import streamlit as st

from app_pages.registry import PAGES
from core.shared import assets

st.title("CNN & RNN Lab")
st.markdown(
    "An interactive companion to the practice class **Conv Neural Nets and RNNs**. Each page takes one slide of "
    "the class and lets you change what the slide fixes: the sizes, the switches, the data. Go through the pages "
    "in order: first how one convolution layer turns an input into an output, then a whole CNN on CIFAR-10, then "
    "what a recurrent layer returns, what happens inside its cell, how it forecasts a series, "
    "how a CNN and an LSTM together read text, how CTC lines a label up with time, and how the same reads speech. "
    "Each page ends with **Check yourself**: questions to answer before you look, checked by the page's own models."
)

columns = st.columns(3)
for index, entry in enumerate(page for page in PAGES if page.card):
    with columns[index % 3].container(border=True):
        st.image(str(assets.CARDS / entry.card.picture), alt=entry.card.picture_says)
        st.page_link(entry.path, label=f"{index + 1} · {entry.title}")
        st.markdown(entry.card.teaches)
        st.caption(entry.card.runs)

st.header("What runs where")
st.markdown(
    "Pages that only compute (shapes, a single layer) run live in your browser session. Pages that train a network "
    "let you train your own in the session, with live curves and a Stop button, and also offer a model trained in "
    "advance by a command of this project, so there is always something to look at."
)
