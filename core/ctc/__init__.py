"""CTC in NumPy (alignments, the forward algorithm, decoding), the loss both readers train with, and its pictures."""
