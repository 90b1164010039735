import io
import re
import sys

import numpy as np

from featherflow.layers import Dense
from featherflow.models import Sequential
from featherflow.utils.progbar import Progbar, format_value


def fitted_output(verbose, epochs=3, n=20, batch_size=4, monkeypatch=None):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    m = Sequential([Dense(1, activation="sigmoid", input_shape=(2,))])
    m.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).uniform(size=(n, 2))
    y = (x[:, :1] > 0.5).astype(np.float32)
    m.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
    monkeypatch.undo()
    return buf.getvalue()


def test_verbose_1_into_a_pipe_writes_one_clean_line_per_epoch(monkeypatch):
    out = fitted_output(1, monkeypatch=monkeypatch)
    assert "\r" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/3"
    pattern = (r"^5/5 \[==============================\] - \d+s \d+(us|ms|s)/step - "
               r"loss: \d\.\d{4} - accuracy: \d\.\d{4}$")
    assert re.match(pattern, lines[1]), lines[1]
    assert len(lines) == 6


def test_verbose_2_format(monkeypatch):
    out = fitted_output(2, epochs=2, monkeypatch=monkeypatch)
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.match(r"^5/5 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - \d+(us|ms|s)/epoch"
                    r" - \d+(us|ms|s)/step$", lines[1]), lines[1]


def test_verbose_0_prints_nothing(monkeypatch):
    assert fitted_output(0, monkeypatch=monkeypatch) == ""


def test_terminal_redraws_in_place():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = Progbar(10, stream=stream, interval=0.0)
    for i in range(1, 11):
        bar.update(i, [("loss", 0.5)])
    text = stream.getvalue()
    assert text.count("\r") == 10 and text.endswith("\n")
    assert "ETA" in text
    assert "10/10 [==============================]" in text


def test_small_values_use_scientific_notation():
    assert format_value(0.1234567) == "0.1235"
    assert format_value(0.0001234) == "1.2340e-04"
