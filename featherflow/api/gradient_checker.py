"""``tf.test.compute_gradient``: TF 2's (theoretical, numerical) Jacobians of ``f`` at ``x``.

The layout is TF's: for each argument a 2-D array with one row per element of ``f(*x)`` and
one column per element of the argument (complex values count as two reals each). The
theoretical Jacobian comes one row at a time from the tape with a one-hot output gradient;
the numerical one from central differences, perturbing the argument in its own dtype by
``delta`` (TF's default 1/1024, exactly representable) as TF does, so float32 arguments give
TF's float32 rounding.

    theoretical, numerical = tf.test.compute_gradient(tf.square, [tf.constant([1.0, 2.0])])
    # theoretical[0] == [[2., 0.], [0., 4.]]
"""

import numpy as np

_ALLOWED = ("float16", "bfloat16", "float32", "float64", "complex64", "complex128")


def _real_dtype(dtype):
    return np.dtype({"complex64": "float32", "complex128": "float64"}.get(dtype.name,
                                                                          dtype.name))


def _numpy(value):
    if hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    return np.asarray(value)


def _dense_gradient(grad, x_shape):
    """A gradient as a dense array: IndexedSlices are summed into rows, as TF's checker."""
    if type(grad).__name__ == "IndexedSlices":
        dense = np.zeros(x_shape, _numpy(grad.values).dtype)
        np.add.at(dense, _numpy(grad.indices), _numpy(grad.values))
        return dense
    return None if grad is None else _numpy(grad)


def _check_dtype(dtype, what):
    if dtype.name not in _ALLOWED:
        raise AssertionError(f"Cannot compute gradient for unsupported type {dtype.name} of "
                             f"{what}")


def _theoretical(f, y_shape, y_dtype, xs, param):
    from featherflow.autodiff import GradientTape, constant  # the tape (autodiff loads ops)

    x = xs[param]
    x_shape = x.shape + (2,) if x.dtype.kind == "c" else x.shape
    y_size = int(np.prod(y_shape, dtype=np.int64)) * (2 if y_dtype.kind == "c" else 1)
    jacobian = np.zeros((y_size, int(np.prod(x_shape, dtype=np.int64))), _real_dtype(x.dtype))
    dy = np.zeros(y_shape, y_dtype)
    dy_flat = dy.ravel().view(_real_dtype(y_dtype))
    for row in range(y_size):
        dy_flat[row] = 1
        sources = [constant(v) for v in xs]
        with GradientTape() as tape:
            for source in sources:
                tape.watch(source)
            y = f(*sources)
        grad = tape.gradient(y, sources[param], output_gradients=constant(dy.copy()))
        grad = _dense_gradient(grad, x.shape)
        if grad is not None:
            jacobian[row, :] = np.ascontiguousarray(grad, x.dtype).ravel().view(jacobian.dtype)
        dy_flat[row] = 0
    if y_size == 0:
        sources = [constant(v) for v in xs]
        with GradientTape() as tape:
            for source in sources:
                tape.watch(source)
            y = f(*sources)
        grad = _dense_gradient(tape.gradient(y, sources[param],
                                             output_gradients=constant(dy)), x.shape)
        if grad is not None:
            if grad.shape != x.shape:
                raise ValueError(f"Empty gradient has wrong shape: expected {x.shape}, got "
                                 f"{grad.shape}")
            if np.any(grad):
                raise ValueError("Empty tensor with nonzero gradients")
    return jacobian


def _numerical(f, y_size, y_dtype, xs, param, delta):
    from featherflow.autodiff import constant  # tensors for f (autodiff loads ops)

    xs = [np.array(v) for v in xs]
    x = xs[param]
    x_real = _real_dtype(x.dtype)
    y_real = _real_dtype(y_dtype)
    x_size = x.size * (2 if x.dtype.kind == "c" else 1)
    y_size = y_size * (2 if y_dtype.kind == "c" else 1)
    scale = np.asarray(2 * delta, y_real)[()]
    jacobian = np.zeros((y_size, x_size), x_real)
    flat = x.reshape(-1).view(x_real)
    for col in range(x_size):
        original = flat[col]
        flat[col] += np.asarray(delta, x_real)
        y_pos = _numpy(f(*map(constant, xs)))
        flat[col] = original
        flat[col] -= np.asarray(delta, x_real)
        y_neg = _numpy(f(*map(constant, xs)))
        flat[col] = original
        jacobian[:, col] = np.ascontiguousarray((y_pos - y_neg) / scale).ravel().view(y_real)
    return jacobian


def compute_gradient(f, x, delta=None):
    """TF's ``(theoretical, numerical)``: two tuples with one 2-D Jacobian per argument."""
    from featherflow.autodiff import constant  # tensors for f (autodiff loads ops)

    if not isinstance(x, (list, tuple)):
        raise ValueError("`x` must be a list or tuple of values convertible to a Tensor "
                         f"(arguments to `f`), not a {type(x)}")
    delta = 1.0 / 1024 if delta is None else delta
    xs = [_numpy(constant(v)) for v in x]
    y = _numpy(f(*map(constant, xs)))
    pairs = []
    for param, value in enumerate(xs):
        _check_dtype(value.dtype, f"argument {param}")
        _check_dtype(y.dtype, "y")
        pairs.append((_theoretical(f, y.shape, y.dtype, xs, param),
                      _numerical(f, y.size, y.dtype, xs, param, delta)))
    return tuple(zip(*pairs))
