# ruff: noqa: E501 - a table of one-line scenarios
"""tf.test from TF 2.21 eager: compute_gradient's Jacobian pair (layout, float32 rounding of
the central differences), TestCase's seeding in setUp, evaluate, and which inputs each
assertion helper accepts or fails on (a failure is recorded as the AssertionError raised)."""

import collections
import random

import numpy as np

Pair = collections.namedtuple("Pair", ["a", "b"])


def _case(tf):
    case = tf.test.TestCase()
    case.setUp()
    return case


def _check(tf, method, *args, **kwargs):
    getattr(_case(tf), method)(*args, **kwargs)
    return "passed"


def _raises(tf, method, exc_name, pattern, fn):
    case = _case(tf)
    exc = {"OpError": tf.errors.OpError, "ValueError": ValueError, "TypeError": TypeError}[exc_name]
    with getattr(case, method)(*([exc] if method == "assertRaisesWithPredicateMatch" else []), pattern):
        fn(tf)
    return "passed"


def _seeded(tf):
    _case(tf)
    return [tf.random.uniform([3]), tf.random.normal([2], seed=4), np.random.rand(2), random.random()]


def _gather(tf, params):
    return tf.gather(params, [2, 0, 2])


SCENARIOS = {
    # -- compute_gradient ---------------------------------------------------------------
    "grad_square": lambda tf: tf.test.compute_gradient(tf.square, [tf.constant([1.0, 2.0, -3.0])]),
    "grad_scalar_list": lambda tf: tf.test.compute_gradient(lambda x: x * x, [1.0]),
    "grad_matmul_two_args": lambda tf: tf.test.compute_gradient(tf.matmul, [np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]], np.float32), np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], np.float32)]),
    "grad_softmax": lambda tf: tf.test.compute_gradient(tf.nn.softmax, [np.array([[0.1, 0.7, -0.3], [1.0, 2.0, 3.0]], np.float32)]),
    "grad_reduce_sum_f64": lambda tf: tf.test.compute_gradient(lambda x: tf.reduce_sum(tf.sin(x) * x), [np.array([[0.3, -1.2], [2.0, 0.7]], np.float64)]),
    "grad_delta": lambda tf: tf.test.compute_gradient(tf.exp, [np.array([0.5, -0.25], np.float32)], delta=1e-2),
    "grad_gather_slices": lambda tf: tf.test.compute_gradient(lambda p: _gather(tf, p), [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)]),
    "grad_unused_arg": lambda tf: tf.test.compute_gradient(lambda x, y: x * 2.0, [np.array([1.0, 2.0], np.float32), np.array([3.0], np.float32)]),
    "grad_tanh_dense": lambda tf: tf.test.compute_gradient(lambda x, w: tf.tanh(tf.matmul(x, w)), [np.array([[0.2, -0.4, 0.6]], np.float32), np.array([[0.5], [-1.5], [0.25]], np.float32)]),
    "grad_complex": lambda tf: tf.test.compute_gradient(lambda z: z * z, [np.array([1.0 + 2.0j, -0.5j], np.complex64)]),
    "grad_real_to_complex": lambda tf: tf.test.compute_gradient(lambda x: tf.complex(x, 2.0 * x), [np.array([0.5, 1.5], np.float32)]),
    "grad_int_refused": lambda tf: tf.test.compute_gradient(lambda x: x * 2, [np.array([1, 2], np.int32)]),
    "grad_not_a_list": lambda tf: tf.test.compute_gradient(tf.square, np.array([1.0], np.float32)),
    # -- TestCase: seeding and evaluate -----------------------------------------------
    "case_setup_seeds": _seeded,
    "case_evaluate_nest": lambda tf: _case(tf).evaluate({"a": tf.constant([1, 2]), "b": (tf.constant(2.5), [tf.ones([2, 1])])}),
    "case_evaluate_callable": lambda tf: _case(tf).evaluate(lambda: tf.constant([3.0])),
    "case_temp_dir_stable": lambda tf: (lambda c: c.get_temp_dir() == c.get_temp_dir())(_case(tf)),
    "case_session_use_raises": lambda tf: (lambda c: c.session().__enter__().run)(_case(tf)),
    # -- TestCase: assertions -----------------------------------------------------------
    "close_within_tol": lambda tf: _check(tf, "assertAllClose", [1.0, 2.0], tf.constant([1.0, 2.000001])),
    "close_outside_tol": lambda tf: _check(tf, "assertAllClose", [1.0, 2.0], [1.0, 2.0001]),
    "close_custom_tol": lambda tf: _check(tf, "assertAllClose", [1.0, 2.0], [1.0, 2.0001], rtol=1e-3),
    "close_nested_dict": lambda tf: _check(tf, "assertAllClose", {"x": [1.0], "y": (2.0, [3.0, 4.0])}, {"x": tf.constant([1.0]), "y": (2.0, [3.0, 4.0])}),
    "close_dict_keys_differ": lambda tf: _check(tf, "assertAllClose", {"x": 1.0}, {"y": 1.0}),
    "close_dict_vs_list": lambda tf: _check(tf, "assertAllClose", {"x": 1.0}, [1.0]),
    "close_ragged_lists": lambda tf: _check(tf, "assertAllClose", [[1.0], [2.0, 3.0]], [[1.0], [2.0, 3.0]]),
    "close_length_differs": lambda tf: _check(tf, "assertAllClose", [[1.0], [2.0, 3.0]], [[1.0]]),
    "close_shape_differs": lambda tf: _check(tf, "assertAllClose", np.zeros([2, 2]), np.zeros([4])),
    "close_namedtuple": lambda tf: _check(tf, "assertAllClose", Pair(1.0, [2.0]), Pair(1.0, [2.0])),
    "close_nan_equal": lambda tf: _check(tf, "assertAllClose", [np.nan, 1.0], [np.nan, 1.0]),
    "close_by_type_half": lambda tf: _check(tf, "assertAllCloseAccordingToType", np.array([1.0, 2.0], np.float16), np.array([1.0005, 2.001], np.float16)),
    "close_by_type_f64": lambda tf: _check(tf, "assertAllCloseAccordingToType", np.array([1.0], np.float64), np.array([1.0005], np.float64)),
    "not_close_ok": lambda tf: _check(tf, "assertNotAllClose", [1.0, 2.0], [1.0, 3.0]),
    "not_close_fails": lambda tf: _check(tf, "assertNotAllClose", [1.0, 2.0], [1.0, 2.0]),
    "equal_ok": lambda tf: _check(tf, "assertAllEqual", tf.constant([[1, 2]]), [[1, 2]]),
    "equal_fails": lambda tf: _check(tf, "assertAllEqual", [1, 2], [1, 3]),
    "equal_shape_fails": lambda tf: _check(tf, "assertAllEqual", [1, 2], [[1, 2]]),
    "equal_strings": lambda tf: _check(tf, "assertAllEqual", tf.constant(["a", "b"]), [b"a", b"b"]),
    "not_equal_ok": lambda tf: _check(tf, "assertNotAllEqual", [1, 2], [1, 3]),
    "greater_ok": lambda tf: _check(tf, "assertAllGreater", tf.constant([2.0, 3.0]), 1.5),
    "greater_fails": lambda tf: _check(tf, "assertAllGreater", [2.0, 3.0], 2.0),
    "greater_equal_ok": lambda tf: _check(tf, "assertAllGreaterEqual", [2.0, 3.0], 2.0),
    "less_ok": lambda tf: _check(tf, "assertAllLess", [2.0, 3.0], 3.5),
    "less_fails": lambda tf: _check(tf, "assertAllLess", [2.0, 3.0], 3.0),
    "less_equal_ok": lambda tf: _check(tf, "assertAllLessEqual", [2.0, 3.0], 3.0),
    "in_range_ok": lambda tf: _check(tf, "assertAllInRange", tf.constant([0.0, 0.5, 1.0]), 0.0, 1.0),
    "in_range_open_fails": lambda tf: _check(tf, "assertAllInRange", [0.0, 0.5, 1.0], 0.0, 1.0, open_upper_bound=True),
    "in_range_nan_fails": lambda tf: _check(tf, "assertAllInRange", [0.0, np.nan], 0.0, 1.0),
    "in_range_string_fails": lambda tf: _check(tf, "assertAllInRange", ["a"], 0.0, 1.0),
    "in_set_ok": lambda tf: _check(tf, "assertAllInSet", [[1, 2], [2, 1]], {1, 2}),
    "in_set_fails": lambda tf: _check(tf, "assertAllInSet", [1, 3], [1, 2]),
    "shape_equal_ok": lambda tf: _check(tf, "assertShapeEqual", np.zeros([2, 3]), tf.zeros([2, 3])),
    "shape_equal_fails": lambda tf: _check(tf, "assertShapeEqual", np.zeros([2, 3]), tf.zeros([3, 2])),
    "shape_equal_list_refused": lambda tf: _check(tf, "assertShapeEqual", [1, 2], tf.zeros([2])),
    "dtype_equal_ok": lambda tf: _check(tf, "assertDTypeEqual", tf.constant([1, 2]), np.int32),
    "dtype_equal_tf_dtype": lambda tf: _check(tf, "assertDTypeEqual", tf.constant([1.0]), tf.float32),
    "dtype_equal_fails": lambda tf: _check(tf, "assertDTypeEqual", tf.constant([1.0]), np.float64),
    "near_ok": lambda tf: _check(tf, "assertNear", 1.0, 1.05, 0.1),
    "near_fails": lambda tf: _check(tf, "assertNear", 1.0, 1.5, 0.1),
    "array_near_ok": lambda tf: _check(tf, "assertArrayNear", [1.0, 2.0], [1.01, 1.99], 0.02),
    "array_near_fails": lambda tf: _check(tf, "assertArrayNear", [1.0, 2.0], [1.01, 1.9], 0.02),
    "items_equal_ok": lambda tf: _check(tf, "assertItemsEqual", [1, 2, 2], [2, 1, 2]),
    "count_equal_fails": lambda tf: _check(tf, "assertCountEqual", [1, 2], [2, 2]),
    "raises_op_error_ok": lambda tf: _raises(tf, "assertRaisesOpError", "OpError", "must be less", lambda tf: tf.debugging.assert_less(tf.constant(3), tf.constant(2), message="x must be less")),
    "raises_op_error_wrong_message": lambda tf: _raises(tf, "assertRaisesOpError", "OpError", "nothing like this", lambda tf: tf.debugging.assert_less(tf.constant(3), tf.constant(2))),
    "raises_op_error_not_raised": lambda tf: _raises(tf, "assertRaisesOpError", "OpError", "x", lambda tf: tf.constant(1)),
    "raises_predicate_ok": lambda tf: _raises(tf, "assertRaisesWithPredicateMatch", "ValueError", lambda e: "bad" in str(e), lambda tf: (_ for _ in ()).throw(ValueError("a bad value"))),
    "raises_predicate_wrong_type": lambda tf: _raises(tf, "assertRaisesWithPredicateMatch", "TypeError", "bad", lambda tf: (_ for _ in ()).throw(ValueError("a bad value"))),
    "len_ok": lambda tf: _check(tf, "assertLen", [1, 2, 3], 3),
    "len_fails": lambda tf: _check(tf, "assertLen", [1, 2, 3], 2),
    "len_not_sized": lambda tf: _check(tf, "assertLen", 5, 1),
    "empty_ok": lambda tf: _check(tf, "assertEmpty", []),
    "empty_fails": lambda tf: _check(tf, "assertEmpty", [0]),
    "not_empty_fails": lambda tf: _check(tf, "assertNotEmpty", ()),
    "same_elements_ok": lambda tf: _check(tf, "assertSameElements", [1, 1, 0], [0, 1]),
    "same_elements_fails": lambda tf: _check(tf, "assertSameElements", [1, 2], [2, 3]),
    "same_elements_strings_refused": lambda tf: _check(tf, "assertSameElements", "ab", "ba"),
    "contains_subset_ok": lambda tf: _check(tf, "assertContainsSubset", [1], [1, 2]),
    "contains_subset_fails": lambda tf: _check(tf, "assertContainsSubset", [1, 5], [1, 2]),
    "no_common_fails": lambda tf: _check(tf, "assertNoCommonElements", [1, 5], [5, 2]),
    # -- the rest of tf.test ------------------------------------------------------------
    "built_with": lambda tf: [tf.test.is_built_with_rocm(), tf.test.is_gpu_available(), tf.test.gpu_device_name()],
    "with_eager_op_as_function": lambda tf: [tf.test.with_eager_op_as_function(int) is int, tf.test.with_eager_op_as_function(only_as_function=True)(float) is float],
    "sync_devices": lambda tf: tf.test.experimental.sync_devices(),
}
