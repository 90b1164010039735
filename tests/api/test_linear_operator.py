"""tf.linalg.LinearOperator* and tf.linalg.experimental.conjugate_gradient against TF 2.21
(tools/data_fixtures/linear_operator.py): dense matrices, shapes, products, solves,
determinants, diagonals, traces, adjoints and inverses of all 21 operator classes.

Tolerance rtol 1e-5 / atol 1e-5: float32 solves and determinants computed through different
factorisations (LAPACK here, Eigen and structured formulas in TF).
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.testing import check_gradients
from tests.data.scenarios import scenario_test

test_linear_operator_scenario, workdir = scenario_test("linear_operator", rtol=1e-5, atol=1e-5)


def test_gradients_flow_through_operator_parameters():
    rng = np.random.default_rng(0)
    m = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    x = rng.normal(size=(3, 2))
    check_gradients(lambda a: tf.reduce_sum(
        tf.linalg.LinearOperatorFullMatrix(a).solve(x)), [m], rtol=1e-5, atol=1e-6)
    check_gradients(lambda d: tf.linalg.LinearOperatorDiag(d).log_abs_determinant(),
                    [np.array([1.5, -2.0, 4.0])], rtol=1e-5, atol=1e-6)
    check_gradients(lambda c: tf.reduce_sum(tf.linalg.LinearOperatorToeplitz(
        c, c).matmul(x)), [np.array([4.0, 1.0, 0.5])], rtol=1e-5, atol=1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="domain dimension"):
        tf.linalg.LinearOperatorComposition([tf.linalg.LinearOperatorIdentity(2),
                                             tf.linalg.LinearOperatorIdentity(3)])
    with pytest.raises(ValueError, match="permutation"):
        tf.linalg.LinearOperatorPermutation([0, 0, 1])
    with pytest.raises(ValueError, match="domain dimension 3"):
        tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0]).matmul(np.ones((2, 1), np.float32))
    with pytest.raises(TypeError, match="dtype"):
        tf.linalg.LinearOperatorDiag([1.0, 2.0]).matvec(np.ones(2, np.float64))
    with pytest.raises(ValueError, match="self-adjoint, positive definite"):
        tf.linalg.experimental.conjugate_gradient(tf.linalg.LinearOperatorFullMatrix(
            np.eye(2, dtype=np.float32)), np.ones(2, np.float32))
