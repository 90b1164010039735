"""The mistakes a learner makes get errors that name the problem and the fix."""

import numpy as np
import pytest

from featherflow.layers import Dense
from featherflow.models import Sequential


def model(width=2, units=1, activation="sigmoid"):
    return Sequential([Dense(units, activation=activation, input_shape=(width,))])


def test_fit_before_compile():
    with pytest.raises(RuntimeError, match="compile"):
        model().fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)


def test_wrong_input_width():
    m = model()
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"x has shape \(4, 3\).*\(None, 2\).*layer 'dense"):
        m.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)
    # called directly, the layer itself names the mismatch
    with pytest.raises(ValueError, match=r"dense.*last dimension is 2.*\(4, 3\)"):
        m(np.zeros((4, 3)))


def test_x_and_y_lengths_differ():
    m = model()
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"same number of samples.*x: \[4\].*y: \[3\]"):
        m.fit(np.zeros((4, 2)), np.zeros((3, 1)), verbose=0)


def test_sparse_labels_out_of_range():
    m = model(units=3, activation="softmax")
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        m.fit(np.zeros((4, 2)), np.array([0, 1, 2, 5]), verbose=0)


def test_strings_in_the_data():
    m = model()
    m.compile(optimizer="sgd", loss="mse")
    # text is allowed in x only for models with a string Input (TextVectorization first)
    with pytest.raises(TypeError, match="x holds text.*takes float32 inputs"):
        m.fit(np.array([["a", "b"]] * 4), np.zeros((4, 1)), verbose=0)
    with pytest.raises(TypeError, match="must hold numbers"):
        m.fit(np.zeros((4, 2)), np.array([None, 1, 2, 3], dtype=object), verbose=0)


def test_nan_in_the_data():
    m = model()
    m.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 2))
    x[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN.*\(2, 1\)"):
        m.fit(x, np.zeros((4, 1)), verbose=0)


def test_unknown_loss_and_optimizer_names_list_valid_ones():
    m = model()
    with pytest.raises(ValueError, match="mean_squared_error"):
        m.compile(optimizer="sgd", loss="mean_sqared_error")
    with pytest.raises(ValueError, match="adam"):
        m.compile(optimizer="adamm", loss="mse")


def test_compile_without_loss_then_fit():
    m = model()
    m.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="without a loss"):
        m.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)


def test_targets_that_do_not_fit_the_output_name_both_shapes():
    m = model()
    m.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    with pytest.raises(ValueError, match=r"targets y of shape \(4, 3\).*outputs of shape \(4, 1\)"):
        m.fit(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)


def test_data_of_the_wrong_rank_for_the_input():
    m = model()
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"x has shape \(4, 2, 2\).*\(None, 2\)"):
        m.fit(np.zeros((4, 2, 2)), np.zeros((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="predict"):
        m.predict(np.zeros((4, 2, 2)), verbose=0)


def test_unknown_metric_fails_at_compile():
    with pytest.raises(ValueError, match="Unknown metric 'acuracy'"):
        model().compile(optimizer="sgd", loss="mse", metrics=["acuracy"])
