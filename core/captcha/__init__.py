"""Reading captchas: the CNN + BiLSTM + CTC reader, synthetic handwriting to train it on drawings, and its charts."""
