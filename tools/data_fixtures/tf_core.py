# ruff: noqa: E501 - a table of one-line cases
"""tf.cond / tf.while_loop / tf.map_fn / tf.scan / tf.foldl ... , tf.print and tf.debugging,
recorded from TensorFlow 2.21 running eagerly."""

import numpy as np

F = np.arange(12, dtype=np.float32).reshape(3, 4) / 4.0 - 1.0


def _printed(tf, *args, **kwargs):
    with open("printed.txt", "w"):
        pass
    tf.print(*args, output_stream="file://printed.txt", **kwargs)
    with open("printed.txt") as f:
        return f.read()


def _raises(fn):
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return type(err).__name__
    return "no error"


def _grad(tf, fn):
    x = tf.constant(F)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return [y, tape.gradient(y, x)]


SCENARIOS = {
    "cond_true": lambda tf: tf.cond(tf.constant(True), lambda: tf.constant(F) * 2, lambda: tf.constant(F)),
    "cond_python_bool": lambda tf: tf.cond(False, lambda: 1, lambda: (2, 3.5)),
    "cond_nest": lambda tf: tf.cond(tf.constant(1) > 0, lambda: {"a": tf.constant(1.0), "b": [2, 3]}, lambda: {"a": tf.constant(0.0), "b": [0, 0]}),
    "case": lambda tf: tf.case([(tf.constant(False), lambda: 1), (tf.constant(True), lambda: 2)], default=lambda: 3),
    "case_default": lambda tf: tf.case([(tf.constant(False), lambda: 1)], default=lambda: 3),
    "case_exclusive": lambda tf: _raises(lambda: tf.case([(tf.constant(True), lambda: 1), (tf.constant(True), lambda: 2)], exclusive=True)),
    "switch_case": lambda tf: tf.switch_case(tf.constant(1), [lambda: 10, lambda: 20, lambda: 30]),
    "switch_case_dict": lambda tf: tf.switch_case(tf.constant(2), {0: lambda: 1.0, 2: lambda: 3.0}),
    "switch_case_out_of_range": lambda tf: tf.switch_case(tf.constant(7), [lambda: 10, lambda: 20]),
    "switch_case_default": lambda tf: tf.switch_case(tf.constant(-1), [lambda: 10, lambda: 20], default=lambda: 99),
    "while_loop": lambda tf: tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + tf.cast(i, tf.float32)), [0, 0.0]),
    "while_loop_tuple": lambda tf: tf.while_loop(lambda i: i < 10, lambda i: (i * 2,), (1,)),
    "switch_case_python_int": lambda tf: _raises(lambda: tf.switch_case(1, [lambda: 1, lambda: 2])),
    "while_loop_max_iter": lambda tf: tf.while_loop(lambda i: True, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=7),
    "while_loop_nest": lambda tf: tf.while_loop(lambda d: d["i"] < 3, lambda d: [{"i": d["i"] + 1, "v": d["v"] * 3}], [{"i": tf.constant(0), "v": tf.constant([1, 2])}]),
    "map_fn": lambda tf: tf.map_fn(lambda r: tf.reduce_sum(r * r), tf.constant(F)),
    "map_fn_tuple": lambda tf: tf.map_fn(lambda t: (t[0] + t[1], t[0] * 2), (tf.constant(F), tf.constant(F))),
    "map_fn_signature": lambda tf: tf.map_fn(lambda r: tf.cast(tf.reduce_sum(r), tf.int32), tf.constant(F), fn_output_signature=tf.int32),
    "scan": lambda tf: tf.scan(lambda a, x: a + x, tf.constant(F)),
    "scan_init": lambda tf: tf.scan(lambda a, x: a * 0.5 + x, tf.constant(F), initializer=tf.ones(4)),
    "scan_reverse": lambda tf: tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4]), reverse=True),
    "scan_nest": lambda tf: tf.scan(lambda a, x: (a[0] + x, a[1] * x), tf.constant([1.0, 2.0, 3.0]), initializer=(tf.constant(0.0), tf.constant(1.0))),
    "foldl": lambda tf: tf.foldl(lambda a, x: a * 2 + x, tf.constant([1, 2, 3])),
    "foldl_init": lambda tf: tf.foldl(lambda a, x: a + x, tf.constant(F), initializer=tf.zeros(4)),
    "foldr": lambda tf: tf.foldr(lambda a, x: a * 2 + x, tf.constant([1, 2, 3])),
    "vectorized_map": lambda tf: tf.vectorized_map(lambda r: r * tf.reduce_max(r), tf.constant(F)),
    "grad_while": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), [0, tf.ones_like(x)])[1])),
    "grad_cond": lambda tf: _grad(tf, lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: tf.reduce_sum(x * x), lambda: tf.reduce_sum(x))),
    "grad_map_fn": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.map_fn(lambda r: tf.reduce_prod(r + 2.0), x))),
    "grad_scan": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.scan(lambda a, r: a * r + 1.0, x))),
    "print_basic": lambda tf: _printed(tf, tf.constant([1, 2, 3]), "hi", tf.constant([[1.5, 2.25], [3.0, 4.0]])),
    "print_summarize": lambda tf: _printed(tf, tf.range(20), tf.zeros((10, 2))),
    "print_summarize_all": lambda tf: _printed(tf, tf.range(20), summarize=-1),
    "print_nest": lambda tf: _printed(tf, tf.constant(["a", "bc"]), tf.constant(3.0), 5, [1, tf.constant(2)], {"a": tf.constant(1.0)}, (tf.constant(1),)),
    "print_3d": lambda tf: _printed(tf, tf.reshape(tf.range(160), (8, 4, 5))),
    "print_floats": lambda tf: _printed(tf, tf.constant(True), tf.constant([0.1, 1e-8, 123456.789, -2.5e10, float("nan"), float("inf")]), tf.constant([1 / 3, 2.0], tf.float64), sep="|", end="<END>\n"),
    "print_ints_bools": lambda tf: _printed(tf, tf.constant(2**40, tf.int64), tf.constant([True, False]), tf.constant([[1, -2]], tf.int8)),
    "assert_equal_ok": lambda tf: tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2])),
    "assert_equal_fails": lambda tf: _raises(lambda: tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="boom")),
    "assert_less_fails": lambda tf: _raises(lambda: tf.debugging.assert_less(tf.constant([1, 5]), tf.constant(3))),
    "assert_greater_ok": lambda tf: tf.debugging.assert_greater(tf.constant([4, 5]), 3),
    "assert_positive_fails": lambda tf: _raises(lambda: tf.debugging.assert_positive(tf.constant([1.0, -1.0]))),
    "assert_non_negative_ok": lambda tf: tf.debugging.assert_non_negative(tf.constant([0, 1])),
    "assert_near_fails": lambda tf: _raises(lambda: tf.debugging.assert_near(tf.constant(1.0), tf.constant(1.1))),
    "assert_near_ok": lambda tf: tf.debugging.assert_near(tf.constant(1.0), tf.constant(1.0 + 1e-7)),
    "assert_rank_fails": lambda tf: _raises(lambda: tf.debugging.assert_rank(tf.constant([1, 2]), 2)),
    "assert_rank_at_least_fails": lambda tf: _raises(lambda: tf.debugging.assert_rank_at_least(tf.constant(1), 1)),
    "assert_rank_in_ok": lambda tf: tf.debugging.assert_rank_in(tf.constant([1]), [1, 2]),
    "assert_scalar_fails": lambda tf: _raises(lambda: tf.debugging.assert_scalar(tf.constant([1]))),
    "assert_integer_fails": lambda tf: _raises(lambda: tf.debugging.assert_integer(tf.constant(1.0))),
    "assert_type_fails": lambda tf: _raises(lambda: tf.debugging.assert_type(tf.constant(1.0), tf.int32)),
    "assert_same_float_dtype": lambda tf: tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant([2.0])]).name,
    "assert_same_float_dtype_fails": lambda tf: _raises(lambda: tf.debugging.assert_same_float_dtype([tf.constant(1.0), tf.constant(2.0, tf.float64)])),
    "assert_proper_iterable_fails": lambda tf: _raises(lambda: tf.debugging.assert_proper_iterable("abc")),
    "assert_shapes_ok": lambda tf: tf.debugging.assert_shapes([(tf.zeros((2, 3)), ("N", "D")), (tf.zeros((2,)), ("N",))]),
    "assert_shapes_fails": lambda tf: _raises(lambda: tf.debugging.assert_shapes([(tf.zeros((2, 3)), ("N", "D")), (tf.zeros((4,)), ("N",))])),
    "check_numerics_ok": lambda tf: tf.debugging.check_numerics(tf.constant([1.0, 2.0]), "m"),
    "check_numerics_nan": lambda tf: _raises(lambda: tf.debugging.check_numerics(tf.constant([1.0, float("nan")]), "m")),
    "check_numerics_inf": lambda tf: _raises(lambda: tf.debugging.check_numerics(tf.constant([1.0, float("inf")]), "m")),
    "assert_all_finite_fails": lambda tf: _raises(lambda: tf.debugging.assert_all_finite(tf.constant([float("inf")]), "m")),
    "Assert_fails": lambda tf: _raises(lambda: tf.debugging.Assert(tf.constant(False), [tf.constant([1, 2]), "x"])),
    "Assert_ok": lambda tf: tf.debugging.Assert(True, ["never"]),
    "is_numeric_tensor": lambda tf: [tf.debugging.is_numeric_tensor(tf.constant(1.0)), tf.debugging.is_numeric_tensor(tf.constant("a"))],
}
