"""keras.ops against real Keras 3 (TensorFlow backend): every scenario of
tools/data_fixtures/keras_ops.py, values and dtypes.

Tolerance: rtol 2e-6 / atol 1e-6 on float32 results. featherflow computes with NumPy's
float32 kernels, TensorFlow with Eigen's; transcendental functions differ by an ulp or two
(e.g. sinh, erfinv, logaddexp2), reductions by summation order.
"""

from tests.data.scenarios import scenario_test

# Keras's TF backend interpolates a quantile that falls exactly on an element as
# `larger * 1 + smaller * 0`, which is NaN when the neighbour is infinite; NumPy (and
# Keras's NumPy backend) return the element itself, and so does featherflow.
_INF_NEIGHBOUR = {
    "case_nanquantile": "row [inf, -inf, 0.5]: NumPy's median 0.5, Keras-TF NaN (inf * 0)",
    "reduce_nanmedian_axis": "row [inf, -inf, 0.5]: NumPy's median 0.5, Keras-TF NaN",
    "reduce_nanmedian_keepdims": "column [nan, -inf]: its one valid value -inf; Keras-TF NaN",
    # Keras 3.15 (every backend) computes sparsemax's threshold from the sum of the running
    # sums over the support instead of the sum of the supported logits, so its rows do not
    # sum to 1 once the support has 2+ entries; featherflow gives the sparsemax of Martins &
    # Astudillo (2016), whose rows sum to 1 (checked below in the gradient tests file).
    "case_nn_sparsemax": "Keras 3.15's sparsemax threshold uses the sum of cumulative sums",
}

test_keras_ops_scenario, workdir = scenario_test(
    "keras_ops", rtol=2e-6, atol=1e-6, skip=lambda name: _INF_NEIGHBOUR.get(name))
