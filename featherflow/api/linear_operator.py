"""``tf.linalg.LinearOperator`` and its 20 structured subclasses, TF 2.21's API.

Each operator knows its dense matrix (``to_dense``, built with differentiable ops from the
parameters) and answers ``matmul``, ``matvec``, ``solve``, ``solvevec``, ``determinant``,
``log_abs_determinant``, ``diag_part``, ``trace``, ``adjoint``, ``inverse``, ``cholesky``,
``eigvals``, ``cond``, ``add_to_tensor`` with TF's semantics. Structure is used where it
changes the cost class or the numbers (diagonal, identity and scaled identity, triangular
solves, Kronecker and block-diagonal determinants, circulant products through the FFT); the
other operators reach their answers through the dense matrix, which gives TF's values (to
rounding) at a dense cost: these operators are for the small and medium matrices tutorials
build, not for matrices too large to hold.

Example::

    >>> op = tf.linalg.LinearOperatorDiag([1.0, 2.0, 4.0])
    >>> op.matvec([1.0, 1.0, 1.0]).numpy()
    array([1., 2., 4.], dtype=float32)
    >>> op.log_abs_determinant().numpy()
    2.0794415
"""

import numpy as np

import featherflow as _tf
from featherflow.api import linalg_extra as _la
from featherflow.autodiff.tensor import Tensor, TensorShape, as_array

__all__ = [
    "LinearOperator", "LinearOperatorAdjoint", "LinearOperatorBlockDiag",
    "LinearOperatorBlockLowerTriangular", "LinearOperatorCirculant", "LinearOperatorCirculant2D",
    "LinearOperatorCirculant3D", "LinearOperatorComposition", "LinearOperatorDiag",
    "LinearOperatorFullMatrix", "LinearOperatorHouseholder", "LinearOperatorIdentity",
    "LinearOperatorInversion", "LinearOperatorKronecker", "LinearOperatorLowRankUpdate",
    "LinearOperatorLowerTriangular", "LinearOperatorPermutation",
    "LinearOperatorScaledIdentity", "LinearOperatorToeplitz", "LinearOperatorTridiag",
    "LinearOperatorZeros",
]


def _t(x, dtype=None):
    if isinstance(x, Tensor):
        return x if dtype is None or x.data.dtype == dtype else _tf.cast(x, dtype)
    return Tensor(as_array(x, dtype) if dtype is not None else as_array(x))


def _dtype_name(dtype):
    return np.dtype(dtype).name if not isinstance(dtype, str) else dtype


def _float_default(x):
    a = as_array(x)
    return a.astype(np.float32) if a.dtype.kind in "iub" else a


class LinearOperator(_tf.Module):
    """Base class: a (batch of) linear operator(s) of shape ``batch_shape + [M, N]``.

    A subclass supplies ``_to_dense()`` (and may override ``_shape``, ``_matmul``,
    ``_solve``, ``_determinant``... for structure). ``is_non_singular``,
    ``is_self_adjoint``, ``is_positive_definite``, ``is_square`` are hints, as in TF.
    """

    def __init__(self, dtype, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None, parameters=None):
        super().__init__(name=name or type(self).__name__)
        if is_positive_definite:
            if is_non_singular is False:
                raise ValueError("A positive definite matrix is always non-singular.")
            is_non_singular = True
        if is_non_singular:
            if is_square is False:
                raise ValueError("A non-singular matrix is always square.")
            is_square = True
        if is_self_adjoint:
            if is_square is False:
                raise ValueError("A self-adjoint matrix is always square.")
            is_square = True
        self._dtype = np.dtype(dtype) if dtype is not None else None
        self._is_non_singular = is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._is_square_hint = is_square
        self._parameters = dict(parameters or {})

    # -- properties ---------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def parameters(self):
        return dict(self._parameters)

    @property
    def is_non_singular(self):
        return self._is_non_singular

    @property
    def is_self_adjoint(self):
        return self._is_self_adjoint

    @property
    def is_positive_definite(self):
        return self._is_positive_definite

    @property
    def is_square(self):
        if self._is_square_hint is not None:
            return self._is_square_hint
        shape = self.shape
        return shape[-1] == shape[-2]

    @property
    def shape(self):
        return TensorShape(self._shape())

    def _shape(self):
        return tuple(self.to_dense().data.shape)

    @property
    def batch_shape(self):
        return TensorShape(self._shape()[:-2])

    @property
    def tensor_rank(self):
        return len(self._shape())

    @property
    def domain_dimension(self):
        return self._shape()[-1]

    @property
    def range_dimension(self):
        return self._shape()[-2]

    def shape_tensor(self, name="shape_tensor"):
        return Tensor(np.asarray(self._shape(), np.int32))

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        return Tensor(np.asarray(self._shape()[:-2], np.int32))

    def tensor_rank_tensor(self, name="tensor_rank_tensor"):
        return Tensor(np.asarray(self.tensor_rank, np.int32))

    def domain_dimension_tensor(self, name="domain_dimension_tensor"):
        return Tensor(np.asarray(self.domain_dimension, np.int32))

    def range_dimension_tensor(self, name="range_dimension_tensor"):
        return Tensor(np.asarray(self.range_dimension, np.int32))

    # -- the dense matrix --------------------------------------------------------------
    def to_dense(self, name="to_dense"):
        return self._to_dense()

    def _to_dense(self):
        raise TypeError(f"{type(self).__name__} must define _to_dense(): it is the one method "
                        "every LinearOperator subclass provides.")

    # -- products and solves ------------------------------------------------------------
    def _check_input(self, x, what):
        x = _t(x)
        if self._dtype is not None and x.data.dtype != self._dtype:
            raise TypeError(f"{self.name}.{what}: the argument's dtype {x.data.dtype.name} "
                            f"differs from the operator's {self._dtype.name}.")
        return x

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        """``A @ x`` (``A^H`` with ``adjoint``, ``x^H`` with ``adjoint_arg``); ``x`` may be a
        LinearOperator, giving a composition."""
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        x = self._check_input(x, "matmul")
        want = self.range_dimension if adjoint else self.domain_dimension
        rows = x.data.shape[-1] if adjoint_arg else x.data.shape[-2]
        if rows != want:
            raise ValueError(f"{self.name}.matmul: the operator's "
                             f"{'range' if adjoint else 'domain'} dimension {want} does not "
                             f"match the argument's {rows} (shape {list(x.data.shape)}).")
        if adjoint_arg:
            x = _adj(x)
        return self._matmul(x, adjoint)

    def _matmul(self, x, adjoint):
        return _tf.matmul(self.to_dense(), x, adjoint_a=adjoint)

    def __matmul__(self, other):
        return self.matmul(other)

    def matvec(self, x, adjoint=False, name="matvec"):
        x = self._check_input(x, "matvec")
        return self.matmul(_tf.expand_dims(x, -1), adjoint=adjoint)[..., 0]

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        """``A^-1 rhs`` (``A^-H`` with ``adjoint``; ``rhs^H`` with ``adjoint_arg``)."""
        if self.is_non_singular is False:
            raise NotImplementedError(f"{self.name} is singular (is_non_singular=False): "
                                      "solve is not defined.")
        if self.is_square is False:
            raise NotImplementedError(f"{self.name} is not square: solve is not defined.")
        if isinstance(rhs, LinearOperator):
            left = self.inverse()
            left = left.adjoint() if adjoint else left
            return LinearOperatorComposition([left, rhs.adjoint() if adjoint_arg else rhs])
        rhs = self._check_input(rhs, "solve")
        if adjoint_arg:
            rhs = _adj(rhs)
        return self._solve(rhs, adjoint)

    def _solve(self, rhs, adjoint):
        return _la.solve(self.to_dense(), rhs, adjoint=adjoint)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        rhs = self._check_input(rhs, "solvevec")
        return self.solve(_tf.expand_dims(rhs, -1), adjoint=adjoint)[..., 0]

    # -- scalars ------------------------------------------------------------------------
    def _need_square(self, what):
        if self.is_square is False:
            raise NotImplementedError(f"{self.name} is not square: {what} is not defined.")

    def determinant(self, name="det"):
        self._need_square("determinant")
        return self._determinant()

    def _determinant(self):
        return _la.det(self.to_dense())

    def log_abs_determinant(self, name="log_abs_det"):
        self._need_square("log_abs_determinant")
        return self._log_abs_determinant()

    def _log_abs_determinant(self):
        return _la.slogdet(self.to_dense())[1]

    def diag_part(self, name="diag_part"):
        return self._diag_part()

    def _diag_part(self):
        return _la.diag_part(self.to_dense())

    def trace(self, name="trace"):
        return _tf.reduce_sum(self.diag_part(), axis=-1)

    def add_to_tensor(self, x, name="add_to_tensor"):
        return self.to_dense() + _t(x)

    def eigvals(self, name="eigvals"):
        if not self.is_self_adjoint:
            raise NotImplementedError(f"{self.name}: eigvals needs is_self_adjoint=True (TF "
                                      "computes them with eigvalsh).")
        return _la.eigvalsh(self.to_dense())

    def cond(self, name="cond"):
        s = _la.svd(self.to_dense(), compute_uv=False)
        return _tf.reduce_max(s, axis=-1) / _tf.reduce_min(s, axis=-1)

    # -- derived operators -------------------------------------------------------------
    def adjoint(self, name=None):
        if self.is_self_adjoint:
            return self
        return LinearOperatorAdjoint(self)

    H = property(adjoint)

    def inverse(self, name=None):
        if self.is_square is False:
            raise ValueError(f"{self.name}: cannot take the inverse of a non-square operator.")
        if self.is_non_singular is False:
            raise ValueError(f"{self.name}: cannot take the inverse of a singular operator.")
        return LinearOperatorInversion(self)

    def cholesky(self, name=None):
        if not (self.is_positive_definite and self.is_self_adjoint):
            raise ValueError(f"{self.name}: cholesky needs is_positive_definite=True and "
                             "is_self_adjoint=True.")
        return LinearOperatorLowerTriangular(_la.cholesky(self.to_dense()), is_non_singular=True)

    # -- asserts ------------------------------------------------------------------------
    def assert_non_singular(self, name="assert_non_singular"):
        s = np.linalg.svd(self.to_dense().numpy(), compute_uv=False)
        if np.any(s.min(axis=-1) <= np.finfo(s.dtype).eps * s.max(axis=-1) * max(s.shape[-1], 1)):
            raise _tf.errors.InvalidArgumentError(f"{self.name}: the operator is singular.")
        return None

    def assert_positive_definite(self, name="assert_positive_definite"):
        dense = self.to_dense().numpy()
        if np.any(np.linalg.eigvalsh((dense + np.swapaxes(dense, -1, -2).conj()) / 2) <= 0):
            raise _tf.errors.InvalidArgumentError(
                f"{self.name}: the operator is not positive definite.")
        return None

    def assert_self_adjoint(self, name="assert_self_adjoint"):
        dense = self.to_dense().numpy()
        if not np.allclose(dense, np.swapaxes(dense, -1, -2).conj()):
            raise _tf.errors.InvalidArgumentError(f"{self.name}: the operator is not "
                                                  "self-adjoint.")
        return None

    def __repr__(self):
        shape = list(self._shape())
        return (f"<tf.linalg.{type(self).__name__} '{self.name}' shape={shape} "
                f"dtype={self._dtype.name if self._dtype is not None else None}>")


def _adj(x):
    x = _t(x)
    return _tf.math.conj(_tf.linalg.matrix_transpose(x)) if x.data.dtype.kind == "c" else \
        _tf.linalg.matrix_transpose(x)


# -- concrete operators -------------------------------------------------------------------------
class LinearOperatorFullMatrix(LinearOperator):
    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorFullMatrix"):
        self._matrix = _t(_float_default(matrix) if not isinstance(matrix, Tensor) else matrix)
        if self._matrix.data.ndim < 2:
            raise ValueError(f"LinearOperatorFullMatrix: matrix must have rank >= 2; received "
                             f"shape {list(self._matrix.data.shape)}.")
        super().__init__(self._matrix.data.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name,
                         parameters={"matrix": matrix})

    def _shape(self):
        return tuple(self._matrix.data.shape)

    def _to_dense(self):
        return self._matrix


class LinearOperatorDiag(LinearOperator):
    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorDiag"):
        self._diag = _t(_float_default(diag) if not isinstance(diag, Tensor) else diag)
        if self._diag.data.ndim < 1:
            raise ValueError("LinearOperatorDiag: diag must have rank >= 1.")
        if is_square is False:
            raise ValueError("Only square diagonal operators currently supported.")
        if self._diag.data.dtype.kind != "c" and is_self_adjoint is None:
            is_self_adjoint = True
        super().__init__(self._diag.data.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, parameters={"diag": diag})

    @property
    def diag(self):
        return self._diag

    def _shape(self):
        n = self._diag.data.shape[-1]
        return tuple(self._diag.data.shape[:-1]) + (n, n)

    def _to_dense(self):
        return _la.diag(self._diag)

    def _matmul(self, x, adjoint):
        d = _tf.math.conj(self._diag) if adjoint and self._diag.data.dtype.kind == "c" \
            else self._diag
        return d[..., :, None] * x

    def _solve(self, rhs, adjoint):
        d = _tf.math.conj(self._diag) if adjoint and self._diag.data.dtype.kind == "c" \
            else self._diag
        return rhs / d[..., :, None]

    def _determinant(self):
        return _tf.reduce_prod(self._diag, axis=-1)

    def _log_abs_determinant(self):
        return _tf.reduce_sum(_tf.math.log(_tf.abs(self._diag)), axis=-1)

    def _diag_part(self):
        return self._diag

    def eigvals(self, name="eigvals"):
        return self._diag

    def cholesky(self, name=None):
        return LinearOperatorDiag(_tf.sqrt(self._diag), is_non_singular=True,
                                  is_self_adjoint=True, is_positive_definite=True)

    def inverse(self, name=None):
        return LinearOperatorDiag(1.0 / self._diag, is_non_singular=self.is_non_singular,
                                  is_self_adjoint=self.is_self_adjoint,
                                  is_positive_definite=self.is_positive_definite)


class LinearOperatorIdentity(LinearOperator):
    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True,
                 is_self_adjoint=True, is_positive_definite=True, is_square=True,
                 assert_proper_shapes=False, name="LinearOperatorIdentity"):
        n = int(as_array(num_rows))
        if n < 0:
            raise ValueError(f"LinearOperatorIdentity: num_rows must be non-negative; "
                             f"received {n}.")
        if not (is_non_singular and is_self_adjoint and is_positive_definite and is_square):
            raise ValueError("An identity operator is always non-singular, self-adjoint, "
                             "positive definite and square.")
        self._n = n
        self._batch = tuple(int(b) for b in (batch_shape if batch_shape is not None else ()))
        super().__init__(np.dtype(dtype or np.float32), True, True, True, True, name,
                         parameters={"num_rows": num_rows, "batch_shape": batch_shape,
                                     "dtype": dtype})

    def _shape(self):
        return self._batch + (self._n, self._n)

    def _to_dense(self):
        return Tensor(np.broadcast_to(np.eye(self._n, dtype=self._dtype),
                                      self._shape()).copy())

    def _ones_diag(self):
        return Tensor(np.ones(self._batch + (self._n,), self._dtype))

    def _matmul(self, x, adjoint):
        return x if not self._batch else x + _tf.zeros(self._batch + (1, 1), self._dtype)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint)

    def _determinant(self):
        return Tensor(np.ones(self._batch, self._dtype))

    def _log_abs_determinant(self):
        return Tensor(np.zeros(self._batch, self._dtype))

    def _diag_part(self):
        return self._ones_diag()

    def add_to_tensor(self, x, name="add_to_tensor"):
        x = _t(x)
        return _la.set_diag(x, _la.diag_part(x) + 1)


class LinearOperatorScaledIdentity(LinearOperator):
    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorScaledIdentity"):
        self._n = int(as_array(num_rows))
        self._multiplier = _t(_float_default(multiplier) if not isinstance(multiplier, Tensor)
                              else multiplier)
        if self._multiplier.data.dtype.kind != "c" and is_self_adjoint is None:
            is_self_adjoint = True
        super().__init__(self._multiplier.data.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name,
                         parameters={"num_rows": num_rows, "multiplier": multiplier})

    @property
    def multiplier(self):
        return self._multiplier

    def _shape(self):
        return tuple(self._multiplier.data.shape) + (self._n, self._n)

    def _to_dense(self):
        return self._multiplier[..., None, None] * np.eye(self._n, dtype=self._dtype)

    def _mult(self, adjoint):
        m = self._multiplier
        return _tf.math.conj(m) if adjoint and m.data.dtype.kind == "c" else m

    def _matmul(self, x, adjoint):
        return self._mult(adjoint)[..., None, None] * x

    def _solve(self, rhs, adjoint):
        return rhs / self._mult(adjoint)[..., None, None]

    def _determinant(self):
        return self._multiplier ** self._n

    def _log_abs_determinant(self):
        return self._n * _tf.math.log(_tf.abs(self._multiplier))

    def _diag_part(self):
        return self._multiplier[..., None] * np.ones(self._n, self._dtype)


class LinearOperatorZeros(LinearOperator):
    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None,
                 is_non_singular=False, is_self_adjoint=True, is_positive_definite=False,
                 is_square=True, assert_proper_shapes=False, name="LinearOperatorZeros"):
        if is_non_singular or is_positive_definite:
            raise ValueError("A zero operator is always singular and not positive definite.")
        self._rows = int(as_array(num_rows))
        self._cols = self._rows if num_columns is None else int(as_array(num_columns))
        self._batch = tuple(int(b) for b in (batch_shape if batch_shape is not None else ()))
        if self._rows != self._cols and is_square:
            raise ValueError(f"LinearOperatorZeros initialized as is_square=True, but got "
                             f"num_rows({self._rows}) != num_columns({self._cols})")
        super().__init__(np.dtype(dtype or np.float32), False, is_self_adjoint, False,
                         is_square, name,
                         parameters={"num_rows": num_rows, "num_columns": num_columns,
                                     "batch_shape": batch_shape, "dtype": dtype})

    def _shape(self):
        return self._batch + (self._rows, self._cols)

    def _to_dense(self):
        return Tensor(np.zeros(self._shape(), self._dtype))

    def _matmul(self, x, adjoint):
        rows = self._cols if adjoint else self._rows
        return Tensor(np.zeros(np.broadcast_shapes(self._batch, x.data.shape[:-2])
                               + (rows, x.data.shape[-1]), self._dtype))

    def _determinant(self):
        return Tensor(np.zeros(self._batch, self._dtype))

    def _log_abs_determinant(self):
        return Tensor(np.full(self._batch, -np.inf, self._dtype))


class LinearOperatorLowerTriangular(LinearOperator):
    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorLowerTriangular"):
        self._tril_in = _t(_float_default(tril) if not isinstance(tril, Tensor) else tril)
        if is_square is False:
            raise ValueError("Only square lower triangular operators supported at this time.")
        super().__init__(self._tril_in.data.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, parameters={"tril": tril})

    def _shape(self):
        return tuple(self._tril_in.data.shape)

    def _to_dense(self):
        return _la.band_part(self._tril_in, -1, 0)

    def _solve(self, rhs, adjoint):
        return _la.triangular_solve(self._tril_in, rhs, lower=True, adjoint=adjoint)

    def _determinant(self):
        return _tf.reduce_prod(_la.diag_part(self._tril_in), axis=-1)

    def _log_abs_determinant(self):
        return _tf.reduce_sum(_tf.math.log(_tf.abs(_la.diag_part(self._tril_in))), axis=-1)

    def _diag_part(self):
        return _la.diag_part(self._tril_in)


class LinearOperatorAdjoint(LinearOperator):
    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self.operator = operator
        super().__init__(operator.dtype,
                         operator.is_non_singular if is_non_singular is None else is_non_singular,
                         operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
                         operator.is_positive_definite if is_positive_definite is None
                         else is_positive_definite,
                         operator.is_square if is_square is None else is_square,
                         name or operator.name + "_adjoint", parameters={"operator": operator})

    def _shape(self):
        s = self.operator._shape()
        return s[:-2] + (s[-1], s[-2])

    def _to_dense(self):
        return _adj(self.operator.to_dense())

    def _matmul(self, x, adjoint):
        return self.operator._matmul(x, not adjoint)

    def _solve(self, rhs, adjoint):
        return self.operator._solve(rhs, not adjoint)

    def _determinant(self):
        d = self.operator.determinant()
        return _tf.math.conj(d) if d.data.dtype.kind == "c" else d

    def _log_abs_determinant(self):
        return self.operator.log_abs_determinant()

    def adjoint(self, name=None):
        return self.operator


class LinearOperatorInversion(LinearOperator):
    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        if operator.is_non_singular is False or is_non_singular is False:
            raise ValueError("The inverse of a singular operator is not defined: "
                             "is_non_singular must not be False.")
        if operator.is_square is False or is_square is False:
            raise ValueError("The inverse of a non-square operator is not defined.")
        self.operator = operator
        super().__init__(operator.dtype, True if is_non_singular is None else is_non_singular,
                         operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
                         operator.is_positive_definite if is_positive_definite is None
                         else is_positive_definite, True,
                         name or operator.name + "_inv", parameters={"operator": operator})

    def _shape(self):
        return self.operator._shape()

    def _to_dense(self):
        return _la.inv(self.operator.to_dense())

    def _matmul(self, x, adjoint):
        return self.operator._solve(x, adjoint)

    def _solve(self, rhs, adjoint):
        return self.operator._matmul(rhs, adjoint)

    def _determinant(self):
        return 1.0 / self.operator.determinant()

    def _log_abs_determinant(self):
        return -self.operator.log_abs_determinant()

    def inverse(self, name=None):
        return self.operator


class LinearOperatorComposition(LinearOperator):
    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        operators = list(operators)
        if not operators:
            raise ValueError("LinearOperatorComposition: expected a non-empty list of "
                             "operators.")
        dtypes = {op.dtype for op in operators}
        if len(dtypes) > 1:
            raise TypeError(f"LinearOperatorComposition: all operators must have one dtype; "
                            f"received {sorted(d.name for d in dtypes)}.")
        for left, right in zip(operators, operators[1:]):
            if left.domain_dimension != right.range_dimension:
                raise ValueError(f"LinearOperatorComposition: {left.name}'s domain dimension "
                                 f"{left.domain_dimension} != {right.name}'s range dimension "
                                 f"{right.range_dimension}.")
        self.operators = operators
        if all(op.is_non_singular for op in operators) and is_non_singular is None:
            is_non_singular = True
        super().__init__(operators[0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_o_".join(op.name for op in operators),
                         parameters={"operators": operators})

    def _shape(self):
        batch = np.broadcast_shapes(*[op._shape()[:-2] for op in self.operators])
        return tuple(batch) + (self.operators[0].range_dimension,
                               self.operators[-1].domain_dimension)

    def _to_dense(self):
        out = self.operators[-1].to_dense()
        for op in reversed(self.operators[:-1]):
            out = op.matmul(out)
        return out

    def _matmul(self, x, adjoint):
        ops = self.operators if adjoint else list(reversed(self.operators))
        for op in ops:
            x = op._matmul(x, adjoint)
        return x

    def _solve(self, rhs, adjoint):
        ops = list(reversed(self.operators)) if adjoint else self.operators
        for op in ops:
            rhs = op._solve(rhs, adjoint)
        return rhs

    def _determinant(self):
        out = self.operators[0].determinant()
        for op in self.operators[1:]:
            out = out * op.determinant()
        return out

    def _log_abs_determinant(self):
        out = self.operators[0].log_abs_determinant()
        for op in self.operators[1:]:
            out = out + op.log_abs_determinant()
        return out


def _block_matrix(rows_of_blocks):
    """A dense matrix from a list of rows, each a list of dense blocks (batch broadcast)."""
    batch = np.broadcast_shapes(*[b.data.shape[:-2] for row in rows_of_blocks for b in row])
    rows = []
    for row in rows_of_blocks:
        row = [_tf.broadcast_to(b, tuple(batch) + b.data.shape[-2:]) for b in row]
        rows.append(_tf.concat(row, axis=-1) if len(row) > 1 else row[0])
    return _tf.concat(rows, axis=-2) if len(rows) > 1 else rows[0]


class LinearOperatorBlockDiag(LinearOperator):
    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name=None):
        self.operators = list(operators)
        if not self.operators:
            raise ValueError("LinearOperatorBlockDiag: expected a non-empty list of operators.")
        if all(op.is_non_singular for op in self.operators) and is_non_singular is None:
            is_non_singular = True
        if all(op.is_self_adjoint for op in self.operators) and is_self_adjoint is None:
            is_self_adjoint = True
        if all(op.is_positive_definite for op in self.operators) and \
                is_positive_definite is None:
            is_positive_definite = True
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_ds_".join(op.name for op in self.operators),
                         parameters={"operators": self.operators})

    def _shape(self):
        batch = np.broadcast_shapes(*[op._shape()[:-2] for op in self.operators])
        return tuple(batch) + (sum(op.range_dimension for op in self.operators),
                               sum(op.domain_dimension for op in self.operators))

    def _to_dense(self):
        dense = [op.to_dense() for op in self.operators]
        rows = []
        for i, block in enumerate(dense):
            row = []
            for j, other in enumerate(dense):
                if i == j:
                    row.append(block)
                else:
                    row.append(Tensor(np.zeros(block.data.shape[:-2] + (
                        block.data.shape[-2], other.data.shape[-1]), block.data.dtype)))
            rows.append(row)
        return _block_matrix(rows)

    def _determinant(self):
        out = self.operators[0].determinant()
        for op in self.operators[1:]:
            out = out * op.determinant()
        return out

    def _log_abs_determinant(self):
        out = self.operators[0].log_abs_determinant()
        for op in self.operators[1:]:
            out = out + op.log_abs_determinant()
        return out


class LinearOperatorBlockLowerTriangular(LinearOperator):
    """``operators[i][j]`` is block (i, j) for j <= i (row i holds i + 1 operators)."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorBlockLowerTriangular"):
        self.operators = [list(row) for row in operators]
        for i, row in enumerate(self.operators):
            if len(row) != i + 1:
                raise ValueError(f"LinearOperatorBlockLowerTriangular: row {i} must hold "
                                 f"{i + 1} operators; received {len(row)}.")
        super().__init__(self.operators[0][0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name,
                         parameters={"operators": self.operators})

    def _shape(self):
        diag = [row[-1] for row in self.operators]
        batch = np.broadcast_shapes(*[op._shape()[:-2] for row in self.operators
                                      for op in row])
        return tuple(batch) + (sum(op.range_dimension for op in diag),
                               sum(op.domain_dimension for op in diag))

    def _to_dense(self):
        diag = [row[-1] for row in self.operators]
        rows = []
        for i, row in enumerate(self.operators):
            blocks = [op.to_dense() for op in row]
            for j in range(i + 1, len(diag)):
                b = blocks[0]
                blocks.append(Tensor(np.zeros(b.data.shape[:-2] + (
                    diag[i].range_dimension, diag[j].domain_dimension), b.data.dtype)))
            rows.append(blocks)
        return _block_matrix(rows)

    def _determinant(self):
        out = self.operators[0][0].determinant()
        for row in self.operators[1:]:
            out = out * row[-1].determinant()
        return out

    def _log_abs_determinant(self):
        out = self.operators[0][0].log_abs_determinant()
        for row in self.operators[1:]:
            out = out + row[-1].log_abs_determinant()
        return out


class LinearOperatorKronecker(LinearOperator):
    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self.operators = list(operators)
        if not self.operators:
            raise ValueError("LinearOperatorKronecker: expected a non-empty list of operators.")
        if all(op.is_non_singular for op in self.operators) and is_non_singular is None:
            is_non_singular = True
        if all(op.is_self_adjoint for op in self.operators) and is_self_adjoint is None:
            is_self_adjoint = True
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_x_".join(op.name for op in self.operators),
                         parameters={"operators": self.operators})

    def _shape(self):
        batch = np.broadcast_shapes(*[op._shape()[:-2] for op in self.operators])
        rows = int(np.prod([op.range_dimension for op in self.operators]))
        cols = int(np.prod([op.domain_dimension for op in self.operators]))
        return tuple(batch) + (rows, cols)

    def _to_dense(self):
        out = self.operators[0].to_dense()
        for op in self.operators[1:]:
            right = op.to_dense()
            m1, n1 = out.data.shape[-2:]
            m2, n2 = right.data.shape[-2:]
            prod = out[..., :, None, :, None] * right[..., None, :, None, :]
            batch = prod.data.shape[:-4]
            out = _tf.reshape(prod, tuple(batch) + (m1 * m2, n1 * n2))
        return out

    def _determinant(self):
        n = self.domain_dimension
        out = None
        for op in self.operators:
            term = op.determinant() ** (n // op.domain_dimension)
            out = term if out is None else out * term
        return out

    def _log_abs_determinant(self):
        n = self.domain_dimension
        out = None
        for op in self.operators:
            term = (n // op.domain_dimension) * op.log_abs_determinant()
            out = term if out is None else out + term
        return out

    def _diag_part(self):
        out = self.operators[0].diag_part()
        for op in self.operators[1:]:
            d = op.diag_part()
            prod = out[..., :, None] * d[..., None, :]
            out = _tf.reshape(prod, prod.data.shape[:-2] + (-1,))
        return out


class LinearOperatorPermutation(LinearOperator):
    """``P`` with ``(P x)[i] = x[perm[i]]``."""

    def __init__(self, perm, dtype=np.float32, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorPermutation"):
        p = as_array(perm)
        if p.dtype.kind not in "iu":
            raise TypeError(f"LinearOperatorPermutation: perm must be integers; received "
                            f"{p.dtype.name}.")
        if not np.all(np.sort(p, axis=-1) == np.arange(p.shape[-1])):
            raise ValueError(f"LinearOperatorPermutation: perm must be a permutation of "
                             f"0..{p.shape[-1] - 1}; received {p.tolist()}.")
        self._perm = p
        super().__init__(np.dtype(dtype), True, is_self_adjoint, is_positive_definite, True,
                         name, parameters={"perm": perm, "dtype": dtype})

    @property
    def perm(self):
        return Tensor(self._perm)

    def _shape(self):
        n = self._perm.shape[-1]
        return tuple(self._perm.shape[:-1]) + (n, n)

    def _to_dense(self):
        n = self._perm.shape[-1]
        return Tensor((self._perm[..., :, None] == np.arange(n)).astype(self._dtype))

    def _matmul(self, x, adjoint):
        p = np.argsort(self._perm, axis=-1) if adjoint else self._perm
        return _tf.gather(x, p, axis=-2, batch_dims=p.ndim - 1) if p.ndim > 1 else \
            _tf.gather(x, p, axis=-2)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, not adjoint)

    def _determinant(self):
        return Tensor(np.asarray(np.linalg.det(self._to_dense().data), self._dtype))

    def _log_abs_determinant(self):
        return Tensor(np.zeros(self._perm.shape[:-1], self._dtype))


class LinearOperatorHouseholder(LinearOperator):
    """``I - 2 v v^H / (v^H v)`` for ``v = reflection_axis``."""

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorHouseholder"):
        self._v = _t(_float_default(reflection_axis) if not isinstance(reflection_axis, Tensor)
                     else reflection_axis)
        if is_self_adjoint is False:
            raise ValueError("A Householder operator is always self-adjoint.")
        if is_non_singular is False:
            raise ValueError("A Householder operator is always non-singular.")
        if is_positive_definite is True:
            raise ValueError("A Householder operator is always non-positive definite.")
        super().__init__(self._v.data.dtype, is_non_singular, True, False, True, name,
                         parameters={"reflection_axis": reflection_axis})

    @property
    def reflection_axis(self):
        return self._v

    def _shape(self):
        n = self._v.data.shape[-1]
        return tuple(self._v.data.shape[:-1]) + (n, n)

    def _to_dense(self):
        v = self._v
        n = v.data.shape[-1]
        norm2 = _tf.reduce_sum(v * v, axis=-1)[..., None, None]
        return np.eye(n, dtype=self._dtype) - 2.0 * v[..., :, None] * v[..., None, :] / norm2

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint)  # a reflection is its own inverse

    def _determinant(self):
        return Tensor(-np.ones(self._v.data.shape[:-1], self._dtype))

    def _log_abs_determinant(self):
        return Tensor(np.zeros(self._v.data.shape[:-1], self._dtype))


class LinearOperatorLowRankUpdate(LinearOperator):
    """``base_operator + U D V^H`` (``V = U`` and ``D = I`` by default)."""

    def __init__(self, base_operator, u, diag_update=None, v=None,
                 is_diag_update_positive=None, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorLowRankUpdate"):
        self.base_operator = base_operator
        self._u = _t(u, base_operator.dtype)
        self._v = self._u if v is None else _t(v, base_operator.dtype)
        self._diag_update = None if diag_update is None else _t(diag_update,
                                                                 base_operator.dtype)
        if is_self_adjoint is None and v is None and base_operator.is_self_adjoint:
            is_self_adjoint = True
        super().__init__(base_operator.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name,
                         parameters={"base_operator": base_operator, "u": u,
                                     "diag_update": diag_update, "v": v,
                                     "is_diag_update_positive": is_diag_update_positive})

    @property
    def u(self):
        return self._u

    @property
    def v(self):
        return self._v

    @property
    def diag_update(self):
        return self._diag_update

    def _shape(self):
        return self.base_operator._shape()

    def _to_dense(self):
        u = self._u if self._diag_update is None else self._u * self._diag_update[..., None, :]
        return self.base_operator.to_dense() + _tf.matmul(u, _adj(self._v))


class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column ``col`` and first row ``row`` (``col[0]`` is the
    diagonal)."""

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorToeplitz"):
        self._col = _t(_float_default(col) if not isinstance(col, Tensor) else col)
        self._row = _t(row, self._col.data.dtype)
        if self._col.data.shape[-1] != self._row.data.shape[-1]:
            raise ValueError(f"LinearOperatorToeplitz: col and row must have one length; "
                             f"received {self._col.data.shape[-1]} and "
                             f"{self._row.data.shape[-1]}.")
        super().__init__(self._col.data.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name, parameters={"col": col, "row": row})

    @property
    def col(self):
        return self._col

    @property
    def row(self):
        return self._row

    def _shape(self):
        n = self._col.data.shape[-1]
        batch = np.broadcast_shapes(self._col.data.shape[:-1], self._row.data.shape[:-1])
        return tuple(batch) + (n, n)

    def _to_dense(self):
        n = self._col.data.shape[-1]
        # entries t[k] for k = i - j in -(n-1)..(n-1): row[1:] reversed, then col
        seq = _tf.concat([_tf.reverse(self._row[..., 1:], axis=[-1]), self._col], axis=-1)
        idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) + (n - 1)
        return _tf.gather(seq, idx, axis=-1)


class LinearOperatorTridiag(LinearOperator):
    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorTridiag"):
        if diagonals_format not in ("compact", "matrix", "sequence"):
            raise ValueError(f"LinearOperatorTridiag: diagonals_format must be 'compact', "
                             f"'matrix' or 'sequence'; received {diagonals_format!r}.")
        self._parts = _la._tridiagonal_parts(diagonals, diagonals_format,
                                             "LinearOperatorTridiag")
        self._format = diagonals_format
        self._diagonals = diagonals
        super().__init__(self._parts[1].data.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name,
                         parameters={"diagonals": diagonals,
                                     "diagonals_format": diagonals_format})

    @property
    def diagonals(self):
        return self._diagonals

    @property
    def diagonals_format(self):
        return self._format

    def _shape(self):
        main = self._parts[1]
        n = main.data.shape[-1]
        return tuple(main.data.shape[:-1]) + (n, n)

    def _to_dense(self):
        return _la._tridiagonal_dense(*self._parts)

    def _diag_part(self):
        return self._parts[1]


class LinearOperatorCirculant(LinearOperator):
    """A (block) circulant operator given by its ``spectrum`` (the DFT of its first column):
    ``A x = IFFT(spectrum * FFT(x))`` over the last ``block_depth`` (1, 2, 3) dims of the
    block shape. ``input_output_dtype`` is the dtype it takes and returns (complex64
    default; a real dtype for Hermitian spectra)."""

    block_depth = 1

    def __init__(self, spectrum, input_output_dtype=np.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant"):
        spec = as_array(spectrum)
        if spec.dtype.kind not in "fc":
            raise TypeError(f"{type(self).__name__}: spectrum must be float or complex; "
                            f"received {spec.dtype.name}.")
        self._spectrum = spec
        self._block_shape = spec.shape[-self.block_depth:]
        super().__init__(np.dtype(input_output_dtype), is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name,
                         parameters={"spectrum": spectrum,
                                     "input_output_dtype": input_output_dtype})

    @property
    def spectrum(self):
        return Tensor(self._spectrum)

    @property
    def block_shape(self):
        return TensorShape(self._block_shape)

    def _shape(self):
        n = int(np.prod(self._block_shape))
        return tuple(self._spectrum.shape[:-self.block_depth]) + (n, n)

    def _apply(self, x, adjoint):
        """x: (..., N, K) ndarray -> A x (or A^H x)."""
        depth = self.block_depth
        spec = np.conj(self._spectrum) if adjoint else self._spectrum
        k = x.shape[-1]
        batch = np.broadcast_shapes(x.shape[:-2], self._spectrum.shape[:-depth])
        xb = np.broadcast_to(x, batch + x.shape[-2:])
        xb = np.moveaxis(xb, -1, -2).reshape(batch + (k,) + tuple(self._block_shape))
        axes = tuple(range(-depth, 0))
        spec = spec[(Ellipsis, None) + (slice(None),) * depth]
        y = np.fft.ifftn(spec * np.fft.fftn(xb, axes=axes), axes=axes)
        y = np.moveaxis(y.reshape(batch + (k, -1)), -1, -2)
        if self._dtype.kind != "c":
            y = y.real
        return y.astype(self._dtype)

    def _to_dense(self):
        n = int(np.prod(self._block_shape))
        return Tensor(self._apply(np.eye(n), False))

    def _matmul(self, x, adjoint):
        return Tensor(self._apply(x.data, adjoint))

    def _determinant(self):
        depth = self.block_depth
        det = np.prod(self._spectrum.reshape(self._spectrum.shape[:-depth] + (-1,)), axis=-1)
        return Tensor(np.asarray(det.real if self._dtype.kind != "c" else det, self._dtype))

    def _log_abs_determinant(self):
        depth = self.block_depth
        flat = self._spectrum.reshape(self._spectrum.shape[:-depth] + (-1,))
        return Tensor(np.sum(np.log(np.abs(flat)), axis=-1).astype(self._dtype))

    def adjoint(self, name=None):
        # as TF: the adjoint conjugates the spectrum and takes the default complex64 dtype
        return type(self)(np.conj(self._spectrum), is_non_singular=self.is_non_singular,
                          is_self_adjoint=self.is_self_adjoint,
                          is_positive_definite=self.is_positive_definite)

    H = property(adjoint)

    def inverse(self, name=None):
        return type(self)(1.0 / self._spectrum, input_output_dtype=self._dtype,
                          is_non_singular=self.is_non_singular,
                          is_self_adjoint=self.is_self_adjoint,
                          is_positive_definite=self.is_positive_definite)

    def convolution_kernel(self, name="convolution_kernel"):
        axes = tuple(range(-self.block_depth, 0))
        h = np.fft.ifftn(self._spectrum, axes=axes)
        return Tensor(h.astype(self._dtype) if self._dtype.kind == "c" else
                      h.real.astype(self._dtype))


class LinearOperatorCirculant2D(LinearOperatorCirculant):
    block_depth = 2

    def __init__(self, spectrum, input_output_dtype=np.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant2D"):
        super().__init__(spectrum, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorCirculant3D(LinearOperatorCirculant):
    block_depth = 3

    def __init__(self, spectrum, input_output_dtype=np.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True,
                 name="LinearOperatorCirculant3D"):
        super().__init__(spectrum, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)
