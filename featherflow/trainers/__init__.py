"""The training loop (compile/fit/evaluate/predict) and the data adapters behind it."""
