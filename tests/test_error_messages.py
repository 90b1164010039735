"""The error catalogue: every message featherflow raises, read for slips (doubled punctuation,
doubled words such as "Lambda layer layer"), and the first-hour mistakes a new user makes,
each answered with the likely fix ("did you mean ...?", sparse vs categorical labels)."""

import ast
import functools
import pathlib
import re

import numpy as np
import pytest

import featherflow as tf

PACKAGE = pathlib.Path(tf.__file__).parent
HOLE = "\x00"  # where an f-string's value goes
SLIPS = re.compile(
    r"(?<!\.)\.\.(?=\s|$)"  # "fix it.." (an ellipsis and 0..1 are fine)
    r"|,,|;;|\?\?|[,;:]\.|\?\.|(?<![.e])\.,"  # ",.", "?.", ".," (e.g., and ..., are fine)
)
DOUBLED_WORD = re.compile(r"\b([A-Za-z]{2,})\s+\1\b")


def message_text(node):
    """The text of a message expression (literal, f-string or a sum of them), or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = message_text(node.left), message_text(node.right)
        return None if left is None or right is None else left + right
    return None


@functools.lru_cache(maxsize=1)
def catalogue():
    """(where, text) of every message given to a raised exception in the package."""
    messages = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                text = message_text(node.exc.args[0])
                if text is not None:
                    messages.append((f"{where}:{node.lineno}", text))
    return messages


def test_the_catalogue_has_no_doubled_punctuation_or_words():
    messages = catalogue()
    assert len(messages) > 1000
    slips = [(where, text.replace(HOLE, "{}")) for where, text in messages
             if SLIPS.search(text.replace("e.g.,", "e.g").replace("i.e.,", "i.e"))
             or DOUBLED_WORD.search(text)]
    assert slips == []


def test_a_wrapped_message_keeps_one_period():
    """fit's loss errors wrap the loss's own message, which often ends in a period."""
    from featherflow.trainers.compile_utils import shape_error

    err = shape_error("loss 'mse'", np.zeros((4, 2)), np.zeros((4, 3)),
                      ValueError("shapes differ."))
    assert "shapes differ. The targets need" in str(err)


def raised(call):
    with pytest.raises(Exception) as info:  # noqa: B017 - each scenario checks the text
        call()
    text = str(info.value)
    assert not SLIPS.search(text.replace("e.g.,", "e.g")), text
    assert not DOUBLED_WORD.search(text), text
    return text


@pytest.mark.parametrize("call,suggestion", [
    (lambda: tf.keras.losses.get("binary_crossentropyy"), "'binary_crossentropy'"),
    (lambda: tf.keras.losses.get("mean_squard_error"), "'mean_squared_error'"),
    (lambda: tf.keras.metrics.get("accuarcy"), "'accuracy'"),
    (lambda: tf.keras.optimizers.get("adma"), "'adam'"),
    (lambda: tf.keras.activations.get("sigmod"), "'sigmoid'"),
    (lambda: tf.keras.layers.Dense(2, activation="softmaxx"), "'softmax'"),
    (lambda: tf.keras.layers.deserialize({"class_name": "Dens", "config": {"units": 2}}),
     "'Dense'"),
])
def test_misspelled_names_get_did_you_mean(call, suggestion):
    text = raised(call)
    assert "Did you mean" in text and suggestion in text.split("Did you mean")[1][:80]


def test_misspelled_names_in_compile_get_did_you_mean():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    assert "Did you mean 'sgd'" in raised(lambda: model.compile(optimizer="sgdd", loss="mse"))
    assert "Did you mean 'mse'" in raised(lambda: model.compile(optimizer="sgd", loss="msee"))
    assert "Did you mean 'accuracy'" in raised(
        lambda: model.compile(optimizer="sgd", loss="mse", metrics=["acuracy"]))


X = np.random.default_rng(0).random((8, 4)).astype("float32")
LABELS = np.array([0, 1, 2, 1, 0, 2, 1, 0])
ONE_HOT = np.eye(3)[LABELS]


def fit_error(loss, y):
    model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax",
                                                       input_shape=(4,))])
    model.compile(optimizer="sgd", loss=loss)
    return raised(lambda: model.fit(X, y, epochs=1, verbose=0))


@pytest.mark.parametrize("loss,y,fix", [
    # integer labels with categorical_crossentropy: sparse, or one-hot encode them
    ("categorical_crossentropy", LABELS,
     "use sparse_categorical_crossentropy, or one-hot encode them with "
     "tf.keras.utils.to_categorical(y, 3)."),
    (tf.keras.losses.CategoricalCrossentropy(), LABELS.reshape(-1, 1),
     "use sparse_categorical_crossentropy"),
    # one-hot labels with sparse_categorical_crossentropy: categorical
    ("sparse_categorical_crossentropy", ONE_HOT,
     "For one-hot labels use categorical_crossentropy."),
    # one-hot labels with too few columns
    ("categorical_crossentropy", ONE_HOT[:, :2],
     "categorical_crossentropy takes one-hot targets with one column per output unit (the "
     "last layer has 3): encode integer labels with tf.keras.utils.to_categorical(y, 3)"),
    # class indices out of range for the last layer
    ("sparse_categorical_crossentropy", LABELS + 5, "Check the number of units of the last layer"),
])
def test_label_and_loss_mismatch_names_the_fix(loss, y, fix):
    text = fit_error(loss, y)
    assert fix in text
    assert "one column per output unit" not in text or "categorical_crossentropy takes" in text


def test_layer_errors_name_the_layer_once():
    text = raised(lambda: tf.keras.Sequential([tf.keras.layers.Conv2D(2, 3, input_shape=(4,))]))
    assert text.startswith("Sequential '") and text.count("'conv2d") == 1, text
    lam = tf.keras.Sequential([tf.keras.layers.Lambda(lambda v: v * 2, input_shape=(4,))])
    text = raised(lambda: tf.keras.models.model_from_json(lam.to_json()))
    assert text.startswith("Refusing to load layer '") and "(a Lambda layer)" in text
