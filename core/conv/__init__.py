"""The convolution layer: output shapes, parameters and the window's steps, and their pictures."""
