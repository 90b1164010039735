# ruff: noqa: E501 - a table of one-line scenarios
"""tf.compat and the eager part of tf.compat.v1 from TF 2.21: string conversions, Dimension
arithmetic, the forward-compatibility horizon, the type tuples, v1's logging levels, seeds,
ConfigProto's text form and what eager TF refuses."""

import pathlib

import numpy as np

VALUES = [1, np.int64(2), 2.5, np.float32(1.5), 1 + 2j, np.complex64(1j), True, "a", b"b", None]


def _kinds(tf, value):
    return [isinstance(value, tf.compat.integral_types), isinstance(value, tf.compat.real_types), isinstance(value, tf.compat.complex_types), isinstance(value, tf.compat.bytes_or_text_types)]


def _horizon(tf):
    with tf.compat.forward_compatibility_horizon(2030, 5, 1):
        inside = [tf.compat.forward_compatible(2030, 4, 30), tf.compat.forward_compatible(2030, 5, 1)]
    return inside + [tf.compat.forward_compatible(2030, 4, 30)]


def _verbosity(tf):
    logging = tf.compat.v1.logging
    before = logging.get_verbosity()
    logging.set_verbosity(logging.ERROR)
    after = logging.get_verbosity()
    logging.set_verbosity(before)
    return [after, logging.get_verbosity() == before]


def _dims(tf, a, b):
    x, y = tf.compat.v1.Dimension(a), tf.compat.v1.Dimension(b)
    return [tf.compat.dimension_value(x + y), tf.compat.dimension_value(x * y), tf.compat.dimension_value(x - 1), x == y, x != y, str(x), repr(x), x.is_compatible_with(y)]


def _config_text(tf):
    config = tf.compat.v1.ConfigProto(allow_soft_placement=True, device_count={"GPU": 0})
    config.gpu_options.allow_growth = True
    config.intra_op_parallelism_threads = 2
    return str(config)


SCENARIOS = {
    "as_bytes": lambda tf: [tf.compat.as_bytes("caf\u00e9"), tf.compat.as_bytes(b"x"), tf.compat.as_bytes(bytearray(b"yz")), tf.compat.as_bytes("\u00e9", "latin-1")],
    "as_bytes_refuses_int": lambda tf: tf.compat.as_bytes(3),
    "as_text": lambda tf: [tf.compat.as_text(b"caf\xc3\xa9"), tf.compat.as_str("s"), tf.compat.as_text(b"\xe9", encoding="latin-1")],
    "as_text_refuses_bytearray": lambda tf: tf.compat.as_text(bytearray(b"x")),
    "as_str_any": lambda tf: [tf.compat.as_str_any(b"x"), tf.compat.as_str_any(3), tf.compat.as_str_any([1, "a"])],
    "path_to_str": lambda tf: [tf.compat.path_to_str(pathlib.Path("./a/../b")), tf.compat.path_to_str("./a/../b"), tf.compat.path_to_str(3)],
    "dimension_value": lambda tf: [tf.compat.dimension_value(tf.compat.v1.Dimension(4)), tf.compat.dimension_value(7), tf.compat.dimension_value(None), tf.compat.dimension_value(tf.compat.v1.Dimension(None))],
    "dimension_at_index": lambda tf: [tf.compat.dimension_value(tf.compat.dimension_at_index(tf.zeros([2, 5]).shape, 1)), tf.compat.dimension_value(tf.compat.dimension_at_index(tf.TensorShape([3, None]), -1))],
    "dimension_math": lambda tf: _dims(tf, 3, 4),
    "dimension_unknown_math": lambda tf: _dims(tf, 3, None),
    "dimension_negative": lambda tf: tf.compat.v1.Dimension(-1),
    "dimension_float": lambda tf: tf.compat.v1.Dimension(2.0),
    "forward_compatible": lambda tf: [tf.compat.forward_compatible(2025, 12, 31), tf.compat.forward_compatible(2026, 1, 15), tf.compat.forward_compatible(2026, 1, 16), tf.compat.forward_compatible(2026, 1, 17), tf.compat.forward_compatible(2031, 1, 1)],
    "forward_horizon_context": _horizon,
    "type_tuples": lambda tf: [_kinds(tf, v) for v in VALUES],
    "v2_has_core_names": lambda tf: [callable(tf.compat.v2.constant), tf.compat.v2.float32 == tf.float32],
    "v1_logging_levels": lambda tf: [tf.compat.v1.logging.DEBUG, tf.compat.v1.logging.INFO, tf.compat.v1.logging.WARN, tf.compat.v1.logging.ERROR, tf.compat.v1.logging.FATAL],
    "v1_set_verbosity": _verbosity,
    "v1_eager_queries": lambda tf: [tf.compat.v1.executing_eagerly(), tf.compat.v1.enable_eager_execution(), tf.compat.v1.resource_variables_enabled(), tf.compat.v1.enable_v2_behavior(), tf.compat.v1.reset_default_graph()],
    "v1_set_random_seed": lambda tf: (tf.compat.v1.set_random_seed(7), tf.random.uniform([3]), tf.random.uniform([2], seed=1))[1:],
    "v1_placeholder_refused": lambda tf: tf.compat.v1.placeholder(tf.float32, [None, 2]),
    "v1_config_text": _config_text,
    "v1_session_run_refused": lambda tf: tf.compat.v1.Session().run(tf.constant(1)),
    "v1_initializers_and_collections": lambda tf: [tf.compat.v1.global_variables_initializer(), tf.compat.v1.local_variables_initializer(), tf.compat.v1.tables_initializer(), tf.compat.v1.variables_initializer([tf.Variable(1.0)]), tf.compat.v1.global_variables(), tf.compat.v1.trainable_variables()],
    "v1_gfile": lambda tf: [tf.compat.v1.gfile.Exists("."), tf.compat.v1.gfile.IsDirectory("."), tf.compat.v1.gfile.Exists("no/such/file")],
}
