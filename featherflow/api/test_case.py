"""``tf.test.TestCase`` and ``tf.test.main``: TF's test base class, eager only.

The assertion helpers follow TF 2.21's ``TensorFlowTestCase`` (tolerances, how nested
structures are walked, the messages); ``setUp`` seeds Python's, NumPy's and featherflow's
global generators with TF's ``DEFAULT_GRAPH_SEED`` so a test draws the numbers it draws
under TF.  ``session()``/``cached_session()`` yield the object TF gives in eager mode: any
use of it raises, saying the test must be written eagerly.

    class SquareTest(tf.test.TestCase):
        def test_square(self):
            self.assertAllClose(tf.square([2.0, 3.0]), [4.0, 9.0])

    if __name__ == "__main__":
        tf.test.main()
"""

import atexit
import collections
import collections.abc
import contextlib
import math
import os
import random
import re
import shutil
import sys
import tempfile
import unittest

import numpy as np

from featherflow import errors
from featherflow.api import test_values
from featherflow.api.test_array_assertions import ArrayAssertions
from featherflow.api.test_assertions import ContainerAssertions

# TF's random_seed.DEFAULT_GRAPH_SEED: what TestCase.setUp seeds every generator with.
DEFAULT_GRAPH_SEED = 87654321

_temp_root = []


def _test_temp_root():
    """One directory per test program (``TEST_TMPDIR`` when set, as TF), removed at exit."""
    if not _temp_root:
        if os.environ.get("TEST_TMPDIR"):
            path = tempfile.mkdtemp(prefix=os.environ["TEST_TMPDIR"])
        else:
            program = os.path.basename(sys.argv[0] or "featherflow_test")
            path = tempfile.mkdtemp(prefix=os.path.join(tempfile.gettempdir(),
                                                        program.removesuffix(".py")))
        atexit.register(shutil.rmtree, path, True)
        _temp_root.append(path)
    return _temp_root[0]


class EagerSessionWarner:
    """What ``session()`` yields: featherflow has no graph sessions, as TF in eager mode."""

    def __getattr__(self, attr):
        raise AttributeError(
            "Trying to access properties or call methods on the result of self.session(), "
            "self.cached_session(), etc while eager execution is enabled. featherflow always "
            "executes eagerly: compute the values directly (self.evaluate(x) or x.numpy()).")



class TestCase(ArrayAssertions, ContainerAssertions, unittest.TestCase):
    """TF's test base class: ``unittest.TestCase`` plus TF's array assertions.

        class DenseTest(tf.test.TestCase):
            def test_output(self):
                layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
                self.assertAllClose(layer(tf.ones([1, 3])), [[3.0, 3.0]])
    """

    def __init__(self, methodName="runTest"):  # noqa: N803 - unittest's argument name
        super().__init__(methodName)
        self._tempdir = None

    def setUp(self):
        super().setUp()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        from featherflow.api import random as tf_random  # the tf.random namespace, lazily
        from featherflow.summary import writer  # a test starts without a default writer

        tf_random.set_seed(DEFAULT_GRAPH_SEED)
        writer.state.writer = None
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")

    def get_temp_dir(self):
        """A directory for this test, the same one on every call within the test."""
        if not self._tempdir:
            self._tempdir = tempfile.mkdtemp(dir=_test_temp_root())
        return self._tempdir

    # -- values ------------------------------------------------------------------------

    def _eval_tensor(self, tensor):
        if tensor is None:
            return None
        if callable(tensor) and not test_values.is_tensor_like(tensor):
            return self._eval_helper(tensor())
        kind = type(tensor).__name__
        if kind == "RaggedTensor":
            return test_values.RaggedTensorValue(self._eval_tensor(tensor.values),
                                                 np.asarray(tensor.row_splits))
        if kind == "SparseTensor":
            return test_values.SparseTensorValue(np.asarray(tensor.indices),
                                                 np.asarray(tensor.values),
                                                 np.asarray(tensor.dense_shape))
        if kind == "IndexedSlices":
            return test_values.IndexedSlicesValue(
                values=np.asarray(tensor.values), indices=np.asarray(tensor.indices),
                dense_shape=None if tensor.dense_shape is None
                else np.asarray(tensor.dense_shape))
        if test_values.is_tensor_like(tensor):
            return tensor.numpy()
        raise ValueError(f"Unsupported type {kind!r}.")

    def _eval_helper(self, tensors):
        if tensors is None:
            return None
        from featherflow.tree import nest  # tf.nest walks the structure as TF's does

        return nest.map_structure(self._eval_tensor, tensors)

    def evaluate(self, tensors):
        """The NumPy values of a tensor or a nest of tensors (eager: ``.numpy()`` each)."""
        return self._eval_helper(tensors)

    @contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """Eager only: yields an object whose every use raises, as TF 2 in eager mode."""
        yield EagerSessionWarner()

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        """Eager only: as ``session()``."""
        yield EagerSessionWarner()


def main(argv=None):
    """Run the test program's tests (``unittest.main``), or its ``tf.test.Benchmark``
    methods when ``--benchmark_filter=<regex>`` is on the command line, as TF's main."""
    from featherflow.api import test_benchmark  # benchmarks load only when asked for

    argv = list(sys.argv if argv is None else argv)
    flag = next((a for a in argv if a.startswith(("--benchmark_filter=",
                                                  "-benchmark_filter="))), None)
    if flag is not None:
        test_benchmark.run_benchmarks(flag.split("=", 1)[1])
        return None
    return unittest.main(module="__main__", argv=argv)
