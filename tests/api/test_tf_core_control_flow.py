"""tf.cond, tf.case, tf.switch_case, tf.while_loop, tf.map_fn, tf.scan, tf.foldl/foldr,
tf.vectorized_map, tf.print and tf.debugging against TensorFlow 2.21 (eager): values,
structures, gradients through loops and branches, printed text, and error classes."""

import sys

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_tf_core_scenario, workdir = scenario_test("tf_core", rtol=1e-6, atol=1e-7)


def test_print_defaults_to_stderr(capsys):
    tf.print(tf.constant([1, 2]))
    out = capsys.readouterr()
    assert out.err == "[1 2]\n" and out.out == ""
    tf.print("x", tf.constant(2.5), output_stream=sys.stdout)
    assert capsys.readouterr().out == "x 2.5\n"


def test_control_flow_bad_input():
    with pytest.raises(ValueError, match="scalar boolean"):
        tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="callables"):
        tf.cond(True, 1, 2)
    with pytest.raises(ValueError, match="structure of loop_vars"):
        tf.while_loop(lambda i, j: i < 2, lambda i, j: i + 1, [0, 0])
    with pytest.raises(ValueError, match="same first dimension"):
        tf.map_fn(lambda t: t[0], (tf.zeros(2), tf.zeros(3)))


def test_top_level_names():
    for name in ("cond", "case", "switch_case", "while_loop", "map_fn", "scan", "foldl",
                 "foldr", "vectorized_map", "print", "Assert", "assert_equal",
                 "assert_greater", "assert_less", "assert_rank"):
        assert callable(getattr(tf, name)), name
    np.testing.assert_array_equal(tf.debugging.check_numerics(tf.constant([1.0]), "m"), [1.0])
