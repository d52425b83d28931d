"""Forecasting a synthetic series: windows, the LSTM forecasters, honest baselines, and their charts."""
