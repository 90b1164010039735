"""GradientTape semantics, checked against what tf.GradientTape does."""

import contextlib

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff import state


def test_scalar_gradient_of_variable():
    w = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = w * w
    assert float(tape.gradient(y, w)) == 6.0


def test_list_tuple_and_dict_sources_keep_their_structure():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * b + b
    ga, gb = tape.gradient(y, [a, b])
    assert (float(ga), float(gb)) == (2.0, 2.0)
    grads = tape.gradient(y, (a, b))
    assert isinstance(grads, tuple)
    grads = tape.gradient(y, {"a": a, "nested": {"b": b, "list": [a]}})
    assert set(grads) == {"a", "nested"}
    assert float(grads["nested"]["b"]) == 2.0
    assert float(grads["nested"]["list"][0]) == 2.0


def test_constants_need_watch():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(x * x)
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0])
    # watching ends with the tape
    assert not x._track


def test_watch_refuses_non_tensors():
    with tf.GradientTape() as tape, pytest.raises(TypeError, match="tf.constant"):
        tape.watch(np.ones(2))


def test_non_scalar_target_is_gradient_of_its_sum():
    w = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = w * w  # shape (3,)
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [2.0, 4.0, 6.0])


def test_list_of_targets_sums_their_gradients():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y1, y2 = w * 3.0, w * w
    assert float(tape.gradient([y1, y2], w)) == 7.0


def test_unconnected_sources_give_none_or_zeros():
    a, b = tf.Variable(1.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = a * 2.0
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 2.0 and gb is None
    _, gb = tape.gradient(y, [a, b], unconnected_gradients="zero")
    np.testing.assert_array_equal(gb.numpy(), [0.0, 0.0])
    assert gb.dtype == np.float32
    with pytest.raises(ValueError, match="'none' or 'zero'"):
        tape.gradient(y, a, unconnected_gradients="zeros")


def test_output_gradients_weight_the_target():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = w * w
    g = tape.gradient(y, w, output_gradients=tf.constant([10.0, 0.5]))
    np.testing.assert_array_equal(g.numpy(), [20.0, 2.0])


def test_stop_recording_pauses_the_tape():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
        with tape.stop_recording():
            z = w * 10.0
            assert state.recording == 0
        assert state.recording == 1
        total = y + z
    assert z._node is None
    assert float(total) == 24.0
    assert float(tape.gradient(total, w)) == 4.0


def test_second_gradient_call_on_non_persistent_tape_errors():
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = w * w
    tape.gradient(y, w)
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.gradient(y, w)


def test_persistent_tape_allows_several_calls():
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = w * w
        z = y * w
    assert float(tape.gradient(y, w)) == 6.0
    assert float(tape.gradient(z, w)) == 27.0


def test_int_target_error_says_what_to_do():
    w = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        y = tf.cast(w, tf.int32)
    with pytest.raises(TypeError, match=r"int32.*float.*tf\.cast"):
        tape.gradient(y, w)


def test_gradient_on_a_tape_never_entered_says_what_to_do():
    w = tf.Variable(1.0)
    tape = tf.GradientTape()
    with pytest.raises(RuntimeError, match="with tf.GradientTape"):
        tape.gradient(w * 2.0, w)


def test_target_and_sources_must_be_tensors():
    w = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        y = w * 2.0
    with pytest.raises(TypeError, match="target"):
        tape.gradient(3.0, w)
    with pytest.raises(TypeError, match="sources"):
        tape.gradient(y, np.ones(1))


def test_plain_with_block_records_nothing():
    w = tf.Variable([1.0, 2.0])
    x = tf.constant([3.0, 4.0])
    with contextlib.nullcontext():
        y = tf.reduce_sum(tf.sigmoid(w * x) + tf.matmul(tf.reshape(w, (1, 2)), [[1.0], [2.0]]))
        h = w[0] + x[1]
    assert state.recording == 0
    for t in (y, h):
        assert t._node is None
    # and outside any block
    assert (w * 2.0)._node is None


def test_nested_tapes_give_first_derivatives():
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
        z = x * 5.0
    assert float(dy) == 27.0
    assert float(outer.gradient(z, x)) == 5.0


def test_inner_tape_exit_keeps_outer_watch():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x
        inner.gradient(y, x)
        z = x * 3.0  # recorded by the outer tape: x is still watched there
    np.testing.assert_array_equal(outer.gradient(z, x).numpy(), [3.0, 3.0])


def test_watch_accessed_variables_false_only_watched_variables():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 2.0 and gb is None
    assert tape.watched_variables() == (a,)


def test_non_trainable_variable_needs_watch():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    assert float(tape.gradient(y, v)) == 4.0


def test_gradient_with_respect_to_intermediate_and_itself():
    w = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        h = w * 3.0
        y = h * h
    assert float(tape.gradient(y, h)) == 12.0
    assert float(tape.gradient(y, y)) == 1.0


def test_multi_output_primitive_gradient_fills_unused_outputs():
    x = tf.Variable([1.0, 2.0, 3.0, 4.0])
    with tf.GradientTape() as tape:
        a, b = tf.split(x, 2)
        y = tf.reduce_sum(a * 2.0)  # b unused
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 2.0, 0.0, 0.0])
    del b


def test_returned_gradients_are_independent_and_writable():
    a, b = tf.Variable([1.0, 2.0]), tf.Variable([3.0, 4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(a + b)
    ga, gb = tape.gradient(y, [a, b])
    ga.numpy()[...] = 5.0  # an optimizer may scale gradients in place
    np.testing.assert_array_equal(gb.numpy(), [1.0, 1.0])


def test_reset_forgets_watches_and_use():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        tape.reset()
    assert tape.watched_variables() == ()


def test_gradient_inside_the_with_block():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w
        g = tape.gradient(y, w)
    assert float(g) == 4.0
