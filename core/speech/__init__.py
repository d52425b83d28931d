"""Spoken digits: reading a student's sound, the reader and its training, teaching it a voice, synthetic voices, and their charts."""
