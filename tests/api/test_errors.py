"""tf.errors against TensorFlow 2.21 (tools/data_fixtures/tf_core2.py: every code, every error
class built with TF's (node_def, op, message, *args) and its error_code/message/payloads),
and the Python bases featherflow adds."""

import pickle

import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_errors_scenario, workdir = scenario_test("tf_core2", prefixes=["errors_"])


@pytest.mark.parametrize("cls, base", [
    ("InvalidArgumentError", ValueError), ("OutOfRangeError", IndexError),
    ("NotFoundError", FileNotFoundError), ("AlreadyExistsError", FileExistsError),
    ("PermissionDeniedError", PermissionError), ("DeadlineExceededError", TimeoutError)])
def test_python_bases(cls, base):
    err = getattr(tf.errors, cls)(None, None, "message")
    assert isinstance(err, base) and isinstance(err, tf.errors.OpError)
    assert str(err) == "message"


def test_short_form_and_pickle():
    err = tf.errors.InvalidArgumentError("bad index")
    assert err.message == "bad index" and err.error_code == tf.errors.INVALID_ARGUMENT
    back = pickle.loads(pickle.dumps(tf.errors.UnavailableError(None, None, "down", {"a": 1})))
    assert type(back) is tf.errors.UnavailableError
    assert (back.message, back.error_code, back.experimental_payloads) == ("down", 14, {"a": 1})
    base = pickle.loads(pickle.dumps(tf.errors.OpError(None, None, "m", tf.errors.ABORTED)))
    assert base.error_code == tf.errors.ABORTED


def test_wrong_arity_is_explained():
    with pytest.raises(TypeError, match="node_def, op, message"):
        tf.errors.InternalError(None, "m")
    with pytest.raises(TypeError, match="error_code is missing"):
        tf.errors.OpError(None, None, "m")
