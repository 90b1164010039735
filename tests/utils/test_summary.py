import numpy as np

from featherflow.layers import Concatenate, Dense, Input
from featherflow.models import Model, Sequential

EXPECTED = """Model: "sequential"
_________________________________________________________________
 Layer (type)                Output Shape              Param #
=================================================================
 dense (Dense)               (None, 10)                50

 dense_1 (Dense)             (None, 1)                 11

=================================================================
Total params: 61 (244.00 Byte)
Trainable params: 61 (244.00 Byte)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________"""


def test_sequential_summary_matches_keras2_layout():
    m = Sequential([Dense(10, input_shape=(4,), name="dense"), Dense(1, name="dense_1")],
                   name="sequential")
    lines = []
    m.summary(print_fn=lines.append)
    got = [ln.rstrip() for ln in lines]
    want = [ln.rstrip() for ln in EXPECTED.splitlines()]
    assert got == want


def test_summary_columns_end_at_29_55_65():
    m = Sequential([Dense(10, input_shape=(4,))])
    lines = []
    m.summary(print_fn=lines.append)
    row = lines[4]
    assert row.index("(None, 10)") == 29
    assert row.index("50") == 55
    assert len(lines[1]) == 65


def test_branched_functional_summary_has_connected_to_column():
    x = Input(shape=(3,))
    c = Concatenate()([Dense(2)(x), Dense(2)(x)])
    m = Model(x, Dense(1)(c))
    lines = []
    m.summary(print_fn=lines.append)
    assert "Connected to" in lines[2]
    assert len(lines[1]) == 98
    assert any("[0][0]" in ln for ln in lines)


def test_unbuilt_model_summary_shows_unknown_shapes_as_keras3_does():
    # Keras 3 prints "?" and "0 (unbuilt)" per layer (tests/models/test_protocol_keras.py
    # holds its recorded text); tf.keras 2 raised
    m = Sequential([Dense(1, name="only")])
    lines = []
    m.summary(print_fn=lines.append)
    row = next(line for line in lines if line.startswith(" only (Dense)"))
    assert row.split()[2:] == ["?", "0", "(unbuilt)"]
    assert "Total params: 0 (0.00 Byte)" in lines
    m(np.zeros((1, 2)))
    lines.clear()
    m.summary(print_fn=lines.append)
    assert "Total params: 3 (12.00 Byte)" in lines
