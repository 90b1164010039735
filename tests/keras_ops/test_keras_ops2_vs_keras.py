"""keras.ops second set against real Keras 3.15.1 (TensorFlow backend): every scenario of
tools/data_fixtures/keras_ops2.py (Fourier ops, complex views, adaptive pooling, transposed
convolutions, fold/unfold, rearrange, CTC decoding, the newer keras.ops.image ops), values,
dtypes, errors and gradients.

Tolerance: rtol 1e-5 / atol 5e-6 on float32 results (the largest difference measured is
2.9e-6, in the transposed convolutions and elastic_transform). featherflow's FFTs are NumPy's
pocketfft, TensorFlow's are Eigen's/DUCC: an FFT of n points differs by a few ulps times log n;
the STFTs, SSIM and resampling ops add float32 sums of a few hundred terms (summation order).
Integer, index and shape results are exact.
"""

from tests.data.scenarios import scenario_test

test_keras_ops2_scenario, workdir = scenario_test("keras_ops2", rtol=1e-5, atol=5e-6)
