"""tf.signal against TensorFlow 2.21: every scenario of tools/data_fixtures/signal.py.

Tolerance rtol 2e-5 / atol 2e-5: TF's FFT kernels (Eigen/pocketfft in float32) and NumPy's
pocketfft order their sums differently; the DCTs here are products with cosine matrices where
TF goes through an FFT, so float32 results differ in the last bits of values of size ~10.
"""

from tests.data.scenarios import scenario_test

test_signal_scenario, workdir = scenario_test("signal", rtol=2e-5, atol=2e-5)
