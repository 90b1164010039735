"""tf.config.threading: the intra-op setting is the BLAS's thread count."""

import numpy as np
import pytest

import featherflow as tf


@pytest.fixture
def threading():
    th = tf.config.threading
    yield th
    th.set_intra_op_parallelism_threads(0)
    th.set_inter_op_parallelism_threads(0)


def test_intra_op_threads_set_the_blas(threading):
    if threading.blas_threads() is None:
        pytest.skip("NumPy's BLAS is not an OpenBLAS this process can reach")
    threading.set_intra_op_parallelism_threads(1)
    assert threading.get_intra_op_parallelism_threads() == 1
    assert threading.blas_threads() == 1
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(tf.matmul(a, a.T).numpy(), a @ a.T)
    threading.set_intra_op_parallelism_threads(0)
    assert threading.get_intra_op_parallelism_threads() == 0
    assert threading.blas_threads() >= 1


def test_inter_op_is_recorded_and_bad_values_refused(threading):
    threading.set_inter_op_parallelism_threads(4)
    assert threading.get_inter_op_parallelism_threads() == 4
    with pytest.raises(ValueError, match="non-negative integer"):
        threading.set_intra_op_parallelism_threads(-1)
    with pytest.raises(ValueError, match="non-negative integer"):
        threading.set_inter_op_parallelism_threads(1.5)
