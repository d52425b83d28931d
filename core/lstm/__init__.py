"""The LSTM layer: what it returns, its cell's gates step by step, and their pictures."""
