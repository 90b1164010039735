"""tf.test against TF 2.21 eager (tools/data_fixtures/tf_test.py): compute_gradient's
Jacobian pair, TestCase's seeding, evaluate and which inputs each assertion accepts.

Tolerances: the numerical Jacobians are central differences of float32 values over a
1/1024 step, so one float32 ulp of f's value (NumPy's BLAS sums a matmul in another order
than TF's Eigen) moves an entry by 512 ulps: atol 1.25e-4 (two such ulps at |f| ~ 1) for the
``grad_`` scenarios; the rest compare at rtol/atol 1e-6.
"""

import os
import sys
import unittest

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_tf_test_gradient, workdir = scenario_test(
    "tf_test", rtol=1e-5, atol=1.25e-4, prefixes=["grad_"])
test_tf_test_scenario, _ = scenario_test(
    "tf_test", rtol=1e-6, atol=1e-6,
    skip=lambda name: "compared above" if name.startswith("grad_") else None)


class _Layerish(tf.test.TestCase):
    __test__ = False  # run by test_testcase_runs_under_unittest, not collected by pytest

    def test_dense(self):
        layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
        self.assertAllClose(layer(tf.ones([1, 3])), [[3.0, 3.0]])
        self.assertShapeEqual(np.zeros([1, 2]), layer(tf.ones([1, 3])))

    def test_fails(self):
        self.assertAllEqual([1, 2], [1, 3])

    @tf.test.disable_with_predicate(lambda: True, "no reason to run")
    def test_disabled(self):
        raise AssertionError("a disabled test ran")


def test_testcase_runs_under_unittest():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(_Layerish)
    result = unittest.TestResult()
    suite.run(result)
    assert result.testsRun == 3
    assert [t.id().rsplit(".", 1)[1] for t, _ in result.failures] == ["test_fails"]
    assert not result.errors
    assert [(t.id().rsplit(".", 1)[1], why) for t, why in result.skipped] == [
        ("test_disabled", "no reason to run")]


def test_temp_dir_is_per_test_and_exists():
    first, second = tf.test.TestCase(), tf.test.TestCase()
    assert os.path.isdir(first.get_temp_dir())
    assert first.get_temp_dir() != second.get_temp_dir()
    assert os.path.dirname(first.get_temp_dir()) == os.path.dirname(second.get_temp_dir())


def test_evaluate_composites():
    case = tf.test.TestCase()
    ragged = case.evaluate(tf.ragged.constant([[1, 2], [3]]))
    assert ragged.to_list() == [[1, 2], [3]]
    sparse = case.evaluate(tf.sparse.SparseTensor([[0, 1]], [5.0], [2, 2]))
    np.testing.assert_array_equal(sparse.values, [5.0])
    np.testing.assert_array_equal(sparse.dense_shape, [2, 2])


def test_benchmark_reports(capsys, tmp_path, monkeypatch):
    class MatmulBenchmark(tf.test.Benchmark):
        def benchmark_matmul(self):
            values = self.run_op_benchmark(None, lambda: tf.matmul(tf.ones([2, 2]),
                                                                   tf.ones([2, 2])),
                                           burn_iters=1, min_iters=3)
            assert values["iters"] == 3 and values["wall_time"] >= 0

        def benchmark_named(self):
            self.report_benchmark(iters=2, wall_time=0.5, extras={"k": 1.0}, name="custom")

    tf.test.main(argv=["prog", "--benchmark_filter=MatmulBenchmark"])
    out = capsys.readouterr().out
    assert 'name: "MatmulBenchmark.benchmark_matmul"' in out
    assert 'name: "MatmulBenchmark.custom"' in out and "iters: 2" in out
    monkeypatch.setenv("TEST_REPORT_FILE_PREFIX", str(tmp_path) + "/")
    MatmulBenchmark().benchmark_named()
    assert (tmp_path / "MatmulBenchmark.custom").exists()
    with pytest.raises(OSError, match="already exists"):
        MatmulBenchmark().benchmark_named()
    with pytest.raises(ValueError, match="No benchmarks matched"):
        tf.test.main(argv=["prog", "--benchmark_filter=NoSuchBenchmark"])
    with pytest.raises(TypeError, match="callable"):
        MatmulBenchmark().run_op_benchmark(None, tf.ones([1]))
    assert tf.test.benchmark_config().graph_options.rewrite_options.dependency_optimization == 2


def test_no_xla_no_cluster():
    assert tf.test.is_built_with_xla() is False
    assert tf.test.is_cpu_target_available("x86") is False
    with pytest.raises(tf.errors.UnimplementedError, match="mpiexec"):
        tf.test.create_local_cluster(2, 1)


def test_assert_equal_graph_def():
    graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")

    def graph(*nodes):
        proto = graph_pb2.GraphDef()
        for name, op, inputs in nodes:
            node = proto.node.add()
            node.name, node.op = name, op
            node.input.extend(inputs)
        return proto

    a = graph(("x", "Placeholder", []), ("y", "Relu", ["x", "^c"]), ("c", "NoOp", []))
    b = graph(("c", "NoOp", []), ("y", "Relu", ["x", "^c"]), ("x", "Placeholder", []))
    tf.test.assert_equal_graph_def(a, b)
    with pytest.raises(AssertionError, match="'y' has op 'Sigmoid'"):
        tf.test.assert_equal_graph_def(a, graph(("x", "Placeholder", []),
                                                ("y", "Sigmoid", ["x", "^c"]),
                                                ("c", "NoOp", [])))
    with pytest.raises(TypeError, match="Expected tf.GraphDef for actual"):
        tf.test.assert_equal_graph_def(a, "graph")


def test_main_runs_unittest(monkeypatch):
    module = type(sys)("__main__")
    module.Case = type("Case", (tf.test.TestCase,), {"test_ok": lambda self: None})
    monkeypatch.setitem(sys.modules, "__main__", module)
    with pytest.raises(SystemExit) as stop:
        tf.test.main(argv=["prog", "-q"])
    assert stop.value.code == 0


def test_ragged_values_compare_as_lists():
    case = tf.test.TestCase()
    ragged = tf.ragged.constant([[1.0, 2.0], [3.0]])
    case.assertAllEqual(case.evaluate(ragged), [[1.0, 2.0], [3.0]])
    case.assertAllEqual(ragged, [[1.0, 2.0], [3.0]])
    case.assertAllClose(ragged, [[1.0, 2.0000001], [3.0]])
    with pytest.raises(AssertionError):
        case.assertAllEqual(ragged, [[1.0], [2.0, 3.0]])


@pytest.mark.parametrize("name", ["len_fails", "len_not_sized", "empty_fails", "not_empty_fails",
                                  "same_elements_fails", "contains_subset_fails",
                                  "no_common_fails", "near_fails", "in_set_fails"])
def test_failure_messages_are_tfs(name):
    from data_fixtures import common
    from data_fixtures import tf_test as scenarios

    expected = common.load("tf_test")["results"][name]
    actual = common.run(scenarios.SCENARIOS[name], tf)
    assert actual == expected
