"""tf.DeviceSpec, tf.device parsing, tf.TypeSpec / type_spec_from_value, the fftnd family,
guarantee_const, is_symbolic_tensor and inside_function against TensorFlow 2.21
(tools/data_fixtures/core_misc.py); parallel_stack and the GPU warning featherflow adds."""

import warnings

import numpy as np

import featherflow as tf
from featherflow.api import core_extra
from tests.data.scenarios import scenario_test

_GPU_ONLY = ("fftnd", "ifftnd", "rfftnd", "irfftnd", "rfftnd_float64", "fftnd_real_refused")
# TensorFlow 2.21 registers the N-D FFT kernels for GPUs only (NotFoundError on the CPU), so
# those scenarios have no CPU reference: test_fftnd_family checks them against tf.signal
test_core_misc_scenario, workdir = scenario_test(
    "core_misc", rtol=1e-5, atol=1e-5,
    skip=lambda name: "TF 2.21 has no CPU kernel for the N-D FFTs" if name in _GPU_ONLY
    else None)


def test_fftnd_family():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    c = tf.cast(tf.constant(x), tf.complex64)
    np.testing.assert_allclose(tf.fftnd(c, [3, 4], [1, 2]).numpy(), tf.signal.fft2d(c).numpy(),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tf.ifftnd(c, [3, 4], [1, 2]).numpy(),
                               tf.signal.ifft2d(c).numpy(), rtol=1e-5, atol=1e-5)
    r = tf.rfftnd(tf.constant(x), [3, 4], [1, 2])
    assert r.dtype == np.complex64
    np.testing.assert_allclose(r.numpy(), tf.signal.rfft2d(tf.constant(x)).numpy(), rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(tf.irfftnd(r, [3, 4], [1, 2]).numpy(), x, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tf.rfftnd(tf.constant(x), [2, 6], [0, 2]).numpy(),
                               np.fft.rfftn(x, s=[2, 6], axes=[0, 2]), rtol=1e-5, atol=1e-5)


def test_parallel_stack_stacks_in_eager_mode():
    # TensorFlow raises RuntimeError in eager mode; featherflow gives graph mode's result
    out = tf.parallel_stack([tf.constant([1, 2]), tf.constant([3, 4])])
    np.testing.assert_array_equal(out.numpy(), [[1, 2], [3, 4]])


def test_a_gpu_scope_warns_once_and_runs_on_the_cpu():
    core_extra._WARNED_DEVICES.discard("GPU")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            with tf.device("/GPU:0"):
                y = tf.constant(2.0) * 3
    assert float(y) == 6.0
    assert sum("runs on the CPU" in str(w.message) for w in caught) == 1
