"""Home: what the app teaches, in which order, and a card for each page."""

from dataclasses import dataclass

import streamlit as st

from core import assets


@dataclass(frozen=True)
class Card:
    page: str  # the page's file, as given to st.Page in app.py
    title: str
    picture: str  # file in assets/cards/
    teaches: str
    runs: str  # what is computed live and what comes pretrained


CARDS = (
    Card(
        page="app_pages/cnn/convolution.py",
        title="1 · Convolution layer",
        picture="convolution.png",
        teaches="Filter size f, stride s, padding p and K filters → the output shape, the parameter count, and "
        "the window sliding over the input, product by product, checked against a real Keras Conv2D.",
        runs="Live: everything is computed as you move the settings.",
    ),
    Card(
        page="app_pages/cnn/cifar10.py",
        title="2 · CIFAR-10 CNN",
        picture="cifar10.png",
        teaches="The slides' basic CNN (553,514 parameters) and an improved one: train them on a subset, watch the "
        "curves, then look inside (confusion matrix, mistakes, feature maps, filters, Grad-CAM), augment images and "
        "classify your own picture.",
        runs="Train your own in the session (one training at a time on the server, the others queue); pretrained "
        "models for everything else.",
    ),
    Card(
        page="app_pages/rnn/lstm.py",
        title="3 · LSTM",
        picture="lstm.png",
        teaches="The four sequence patterns; what return_sequences and return_state return, shapes and values; "
        "stacking layers; the cell's gates step by step, recomputed in NumPy from the layer's own weights.",
        runs="Live: a small Keras LSTM with random weights runs on every change.",
    ),
    Card(
        page="app_pages/rnn/forecasting.py",
        title="4 · Forecasting",
        picture="forecasting.png",
        teaches="The class's synthetic series, windows of look_back values, an LSTM forecast one and many steps ahead, "
        "measured against persistence and the noise floor that no model can beat.",
        runs="Pretrained for the class's settings (shown at once); train your own in about 15 s, with a Stop button.",
    ),
    Card(
        page="app_pages/rnn/captcha.py",
        title="5 · Captcha OCR",
        picture="captcha.png",
        teaches="A CNN + BiLSTM reads a captcha column by column; CTC turns its 50 per-step guesses into 5 characters. "
        "Read samples, uploads and your own drawings, greedy and beam search side by side.",
        runs="Pretrained reader; train your own in the session.",
    ),
    Card(
        page="app_pages/rnn/ctc.py",
        title="6 · CTC",
        picture="ctc.png",
        teaches="How CTC lines a label up with time: every alignment and how it collapses, the forward algorithm's "
        "trellis (equal to Keras's loss), and why the best path is not always the best reading.",
        runs="Live: small cases computed on every change; the captcha reader's real output as an example.",
    ),
    Card(
        page="app_pages/rnn/speech.py",
        title="7 · Spoken digits",
        picture="speech.png",
        teaches="Speech recognition with CTC: say up to five digits and a conv + bidirectional GRU network writes "
        "them down. Waveforms, spectrograms, how training sentences are made, and voices it never heard.",
        runs="Pretrained reader (record, upload, samples); train your own in the session.",
    ),
)


st.title("CNN & RNN Lab")
st.markdown(
    "An interactive companion to the practice class **Conv Neural Nets and RNNs**. Each page takes one slide of "
    "the class and lets you change what the slide fixes: the sizes, the switches, the data. Go through the pages "
    "in order: first how one convolution layer turns an input into an output, then a whole CNN on CIFAR-10, then "
    "what a recurrent layer returns, what happens inside its cell, how it forecasts a series, "
    "how a CNN and an LSTM together read text, how CTC lines a label up with time, and how the same reads speech."
)

columns = st.columns(3)
for index, card in enumerate(CARDS):
    with columns[index % 3].container(border=True):
        st.image(str(assets.CARDS / card.picture))
        st.page_link(card.page, label=card.title)
        st.markdown(card.teaches)
        st.caption(card.runs)

st.subheader("What runs where")
st.markdown(
    "Pages that only compute (shapes, a single layer) run live in your browser session. Pages that train a network "
    "let you train your own in the session, with live curves and a Stop button, and also offer a model trained in "
    "advance by a command of this project, so there is always something to look at."
)
