"""The default full-size models against Keras 3.15's: every layer's name, class, output shape
and parameter count in order, ``count_params()`` and the model name (no weights involved)."""

import pytest

import featherflow as tf
from tests.applications import reference

ARCH = reference.architectures()
# VGG's 4096-wide top is 120M parameters: its initializers take ~10 s, so VGG19 is compared
# without the top (the rows up to block5_pool) and VGG16 in full.
NO_TOP = {"VGG19"}


@pytest.mark.parametrize("label", sorted(ARCH))
def test_layers_and_params_match_keras(label):
    ref = ARCH[label]
    tf.keras.backend.clear_session()
    build = getattr(getattr(tf.keras.applications, ref["module"]), ref["ctor"])
    kwargs = dict(ref["kwargs"])
    if "input_shape" in kwargs:
        kwargs["input_shape"] = tuple(kwargs["input_shape"])
    if label in NO_TOP:
        model = build(weights=None, include_top=False, input_shape=(224, 224, 3), **kwargs)
        rows = ref["layers"][:len(model.layers)]
        assert rows[-1][0] == "block5_pool"
        assert reference.layer_rows(model) == rows
        assert model.count_params() == sum(r[3] for r in rows)
        return
    model = build(weights=None, **kwargs)
    assert model.name == ref["name"]
    assert reference.layer_rows(model) == ref["layers"]
    assert model.count_params() == ref["count_params"]
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    assert trainable == ref["trainable"]


def test_summary_lists_keras_layer_names():
    tf.keras.backend.clear_session()
    model = tf.keras.applications.ResNet50(weights=None)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for row in ARCH["ResNet50"]["layers"]:
        assert row[0] in text
    # Keras 3 prints "25,636,712"; featherflow's summary (utils/summary.py) prints no commas
    assert f"Total params: {ARCH['ResNet50']['count_params']}" in text.replace(",", "")
