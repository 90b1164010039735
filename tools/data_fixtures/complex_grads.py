# ruff: noqa: E501 - a table of one-line scenarios
"""Gradients of complex tensors from TF 2.21 eager: ``tf.GradientTape`` through each primitive
featherflow supports on complex64/complex128, with a complex upstream gradient ``dy``. TF's
convention is the conjugate one (``dL/dz = dy * conj(f'(z))``; matmul uses the adjoint of the
other operand); ops from complex to real (real, imag, abs, angle) and from real to complex
(complex, cast, rfft) have their own rules. A gradient is recorded as its real and imaginary
parts stacked (shape ``[2, ...]``), ``None`` where TF gives none."""

import numpy as np

Z = [[1.0 + 2.0j, -0.5 + 0.3j], [0.7 - 1.1j, 0.2 + 0.4j]]
W = [[0.3 - 0.6j, 1.2 + 0.1j], [-0.4 + 0.9j, 0.5 - 0.2j]]
X = [[0.5, -1.5], [2.0, 0.25]]
DY = [1.0 + 0.5j, -0.3 + 1.0j, 0.2 - 0.7j, 1.1 + 0.0j, 0.4 + 0.4j, -0.6 + 0.2j]


def _parts(g):
    if g is None:
        return None
    a = np.asarray(g)
    return np.stack([a.real, a.imag]) if a.dtype.kind == "c" else a


def _grads(tf, fn, dtype, n=1, real=False):
    """``fn``'s gradients w.r.t. its ``n`` inputs (Z, W; or X, X/2 when ``real``)."""
    if real:
        rdtype = np.float64 if dtype == "complex128" else np.float32
        args = [tf.constant(np.array(X, rdtype)), tf.constant(np.array(X, rdtype) / 2)][:n]
    else:
        args = [tf.constant(np.array(Z, dtype)), tf.constant(np.array(W, dtype))][:n]
    with tf.GradientTape() as tape:
        for a in args:
            tape.watch(a)
        y = fn(*args)
    value = y.numpy()
    dy = np.resize(np.array(DY, np.complex128), value.shape)
    dy = dy.astype(value.dtype) if value.dtype.kind == "c" else dy.real.astype(value.dtype)
    grads = tape.gradient(y, args, output_gradients=tf.constant(dy))
    return {"y": _parts(value), "grads": [None if g is None else _parts(tf.convert_to_tensor(g)) for g in grads]}


def _svd_phase_free(tf, s, u, v):
    """u diag(s^2) v^H: free of the phase LAPACK or Eigen picks for each singular pair."""
    return tf.matmul(u * tf.cast(s, u.dtype)[None, :] ** 2, v, adjoint_b=True)


_OPS = {
    "add": (2, False, lambda tf: lambda z, w: z + w),
    "subtract": (2, False, lambda tf: lambda z, w: z - w),
    "multiply": (2, False, lambda tf: lambda z, w: z * w),
    "multiply_broadcast": (2, False, lambda tf: lambda z, w: z * w[0]),
    "divide": (2, False, lambda tf: lambda z, w: z / w),
    "negative": (1, False, lambda tf: lambda z: -z),
    "square": (1, False, lambda tf: tf.square),
    "pow": (2, False, lambda tf: tf.pow),
    "pow_real_exponent": (1, False, lambda tf: lambda z: z ** 3),
    "squared_difference": (2, False, lambda tf: tf.math.squared_difference),
    "exp": (1, False, lambda tf: tf.exp),
    "expm1": (1, False, lambda tf: tf.math.expm1),
    "log": (1, False, lambda tf: tf.math.log),
    "log1p": (1, False, lambda tf: tf.math.log1p),
    "sqrt": (1, False, lambda tf: tf.sqrt),
    "rsqrt": (1, False, lambda tf: tf.math.rsqrt),
    "reciprocal": (1, False, lambda tf: tf.math.reciprocal),
    "sin": (1, False, lambda tf: tf.sin),
    "cos": (1, False, lambda tf: tf.cos),
    "tan": (1, False, lambda tf: tf.tan),
    "sinh": (1, False, lambda tf: tf.sinh),
    "cosh": (1, False, lambda tf: tf.cosh),
    "tanh": (1, False, lambda tf: tf.tanh),
    "sigmoid": (1, False, lambda tf: tf.sigmoid),
    "asin": (1, False, lambda tf: tf.asin),
    "acos": (1, False, lambda tf: tf.acos),
    "atan": (1, False, lambda tf: tf.atan),
    "asinh": (1, False, lambda tf: tf.asinh),
    "acosh": (1, False, lambda tf: tf.acosh),
    "atanh": (1, False, lambda tf: tf.atanh),
    "xlogy": (2, False, lambda tf: tf.math.xlogy),
    "conj": (1, False, lambda tf: tf.math.conj),
    "real": (1, False, lambda tf: tf.math.real),
    "imag": (1, False, lambda tf: tf.math.imag),
    "abs": (1, False, lambda tf: tf.abs),
    "angle": (1, False, lambda tf: tf.math.angle),
    "complex": (2, True, lambda tf: tf.complex),
    "keras_ops_angle": (1, False, lambda tf: lambda z: tf.keras.ops.angle(z) * 2.0),
    "keras_ops_parts": (1, False, lambda tf: lambda z: tf.complex(tf.keras.ops.real(z), tf.keras.ops.imag(z) * 2.0) * tf.keras.ops.conj(z)),
    "cast_to_complex": (1, True, lambda tf: lambda x: tf.cast(x, tf.complex128 if x.dtype == tf.float64 else tf.complex64)),
    "mixed_real_imag_mul": (2, False, lambda tf: lambda z, w: tf.complex(tf.math.real(z) * tf.math.imag(w), tf.abs(z)) * w),
    "reduce_sum": (1, False, lambda tf: lambda z: tf.reduce_sum(z, axis=0)),
    "reduce_mean": (1, False, lambda tf: lambda z: tf.reduce_mean(z, axis=1)),
    "reduce_prod": (1, False, lambda tf: lambda z: tf.reduce_prod(z, axis=0)),
    "cumsum": (1, False, lambda tf: lambda z: tf.cumsum(z, axis=1)),
    "matmul": (2, False, lambda tf: tf.matmul),
    "matmul_adjoint_a": (2, False, lambda tf: lambda z, w: tf.matmul(z, w, adjoint_a=True)),
    "matmul_transpose_b": (2, False, lambda tf: lambda z, w: tf.matmul(z, w, transpose_b=True)),
    "matvec": (2, False, lambda tf: lambda z, w: tf.linalg.matvec(z, w[0])),
    "tensordot": (2, False, lambda tf: lambda z, w: tf.tensordot(z, w, 1)),
    "einsum": (2, False, lambda tf: lambda z, w: tf.einsum("ij,jk->ik", z, w)),
    "einsum_trace": (2, False, lambda tf: lambda z, w: tf.einsum("ij,ji->", z, w)),
    "reshape": (1, False, lambda tf: lambda z: tf.reshape(z, [4])),
    "transpose": (1, False, lambda tf: tf.transpose),
    "concat": (2, False, lambda tf: lambda z, w: tf.concat([z, w], 0)),
    "stack": (2, False, lambda tf: lambda z, w: tf.stack([z, w], 1)),
    "gather": (1, False, lambda tf: lambda z: tf.gather(z, [1, 0, 1])),
    "slice": (1, False, lambda tf: lambda z: z[0, 1:]),
    "tile": (1, False, lambda tf: lambda z: tf.tile(z, [1, 2])),
    "pad": (1, False, lambda tf: lambda z: tf.pad(z, [[1, 0], [0, 1]])),
    "reverse": (1, False, lambda tf: lambda z: tf.reverse(z, [0])),
    "where": (2, False, lambda tf: lambda z, w: tf.where([[True, False], [False, True]], z, w)),
    "identity": (1, False, lambda tf: tf.identity),
    "trace": (1, False, lambda tf: tf.linalg.trace),
    "adjoint": (1, False, lambda tf: tf.linalg.adjoint),
    "det": (1, False, lambda tf: tf.linalg.det),
    "inv": (1, False, lambda tf: tf.linalg.inv),
    "solve": (2, False, lambda tf: tf.linalg.solve),
    "expm": (1, False, lambda tf: tf.linalg.expm),
    "cholesky_of_gram": (1, False, lambda tf: lambda z: tf.linalg.cholesky(tf.matmul(z, z, adjoint_b=True) + tf.eye(2, dtype=z.dtype))),
    "cholesky_hermitian_part": (1, False, lambda tf: lambda z: tf.linalg.cholesky(z + tf.linalg.adjoint(z) + tf.constant(np.array([[3.0, 0.0], [0.0, 3.0]]), dtype=z.dtype))),
    "cholesky_solve": (1, False, lambda tf: lambda z: tf.linalg.cholesky_solve(tf.linalg.cholesky(tf.matmul(z, z, adjoint_b=True) + tf.eye(2, dtype=z.dtype)), z)),
    "logdet": (1, False, lambda tf: lambda z: tf.linalg.logdet(tf.matmul(z, z, adjoint_b=True) + tf.eye(2, dtype=z.dtype))),
    "slogdet": (1, False, lambda tf: lambda z: tf.linalg.slogdet(z)[1]),
    "eigvalsh": (1, False, lambda tf: lambda z: tf.linalg.eigvalsh(tf.matmul(z, z, adjoint_b=True) + z + tf.linalg.adjoint(z))),
    "eigh_lower_triangle": (1, False, lambda tf: lambda z: tf.linalg.eigh(z)[0]),
    "eigh_vectors_phase_free": (1, False, lambda tf: lambda z: (lambda e, v: tf.matmul(v * tf.cast(e, v.dtype)[None, :] ** 2, v, adjoint_b=True))(*tf.linalg.eigh(z + tf.linalg.adjoint(z)))),
    "svd_values": (1, False, lambda tf: lambda z: tf.linalg.svd(z, compute_uv=False)),
    "svd_s": (1, False, lambda tf: lambda z: tf.linalg.svd(z)[0]),
    "svd_phase_free": (1, False, lambda tf: lambda z: _svd_phase_free(tf, *tf.linalg.svd(z))),
    "svd_projections": (1, False, lambda tf: lambda z: (lambda s, u, v: tf.matmul(u, u, adjoint_b=True) * 2.0 + tf.matmul(v * (1 + 1j), v, adjoint_b=True))(*tf.linalg.svd(z))),
    "svd_tall": (1, False, lambda tf: lambda z: _svd_phase_free(tf, *tf.linalg.svd(tf.concat([z, z * (0.5 + 1j) + 1.0], 0)))),
    "svd_wide": (1, False, lambda tf: lambda z: _svd_phase_free(tf, *tf.linalg.svd(tf.concat([z, z * (0.5 + 1j) + 1.0], 1)))),
    "svd_wide_v_projection": (1, False, lambda tf: lambda z: (lambda s, u, v: tf.matmul(v * (1 + 1j), v, adjoint_b=True))(*tf.linalg.svd(tf.concat([z, z * (0.5 + 1j) + 1.0], 1)))),
    "lstsq": (2, False, lambda tf: tf.linalg.lstsq),
    "lstsq_tall": (2, False, lambda tf: lambda z, w: tf.linalg.lstsq(tf.concat([z, w], 0), tf.concat([w, z * 1j], 0))),
    "qr_r": (1, False, lambda tf: lambda z: tf.linalg.qr(z)[1]),
    "qr_q": (1, False, lambda tf: lambda z: tf.linalg.qr(z)[0]),
    "qr_both": (1, False, lambda tf: lambda z: (lambda q, r: q * 2.0 + r * (1 - 1j))(*tf.linalg.qr(z))),
    "qr_deep": (1, False, lambda tf: lambda z: (lambda q, r: tf.reduce_sum(q) + tf.reduce_sum(r))(*tf.linalg.qr(tf.concat([z, z * (0.5 + 1j)], 0)))),
    "qr_wide": (1, False, lambda tf: lambda z: (lambda q, r: tf.reduce_sum(q) * 2.0 + tf.reduce_sum(r))(*tf.linalg.qr(tf.concat([z, z * (0.5 + 1j) + 1.0], 1)))),
    "triangular_solve_lower": (2, False, lambda tf: tf.linalg.triangular_solve),
    "triangular_solve_upper": (2, False, lambda tf: lambda z, w: tf.linalg.triangular_solve(z, w, lower=False)),
    "triangular_solve_adjoint": (2, False, lambda tf: lambda z, w: tf.linalg.triangular_solve(z, w, adjoint=True)),
    "triangular_solve_upper_adjoint": (2, False, lambda tf: lambda z, w: tf.linalg.triangular_solve(z, w, lower=False, adjoint=True)),
    "fft": (1, False, lambda tf: tf.signal.fft),
    "ifft": (1, False, lambda tf: tf.signal.ifft),
    "fft2d": (1, False, lambda tf: tf.signal.fft2d),
    "ifft2d": (1, False, lambda tf: tf.signal.ifft2d),
    "rfft": (1, True, lambda tf: tf.signal.rfft),
    "irfft": (1, False, lambda tf: tf.signal.irfft),
    "norm": (1, False, lambda tf: tf.norm),
    "rfft_padded": (1, True, lambda tf: lambda x: tf.signal.rfft(x, fft_length=[5])),
    "irfft_odd_length": (1, False, lambda tf: lambda z: tf.signal.irfft(z, fft_length=[3])),
    "irfft_padded": (1, False, lambda tf: lambda z: tf.signal.irfft(z, fft_length=[6])),
    "rfft2d": (1, True, lambda tf: tf.signal.rfft2d),
    "irfft2d": (1, False, lambda tf: tf.signal.irfft2d),
    "fft3d": (1, False, lambda tf: lambda z: tf.signal.fft3d(z[None])),
    "ifft3d": (1, False, lambda tf: lambda z: tf.signal.ifft3d(z[None])),
    "transpose_conjugate": (1, False, lambda tf: lambda z: tf.transpose(z, conjugate=True)),
    "matrix_transpose_conjugate": (1, False, lambda tf: lambda z: tf.linalg.matrix_transpose(z, conjugate=True)),
    "cumprod": (1, False, lambda tf: lambda z: tf.math.cumprod(z, axis=0)),
    "diag": (1, False, lambda tf: tf.linalg.diag),
    "diag_part": (1, False, lambda tf: tf.linalg.diag_part),
    "segment_sum": (1, False, lambda tf: lambda z: tf.math.segment_sum(z, [0, 0])),
    "unsorted_segment_sum": (1, False, lambda tf: lambda z: tf.math.unsorted_segment_sum(z, [1, 0], 3)),
    "scatter_nd": (1, False, lambda tf: lambda z: tf.scatter_nd([[0], [2]], z, [3, 2])),
    "l2_normalize": (1, False, lambda tf: tf.math.l2_normalize),
    "sign": (1, False, lambda tf: tf.sign),
    "broadcast_to": (1, False, lambda tf: lambda z: tf.broadcast_to(z[0], [3, 2])),
    "roll": (1, False, lambda tf: lambda z: tf.roll(z, 1, 0)),
    "inv_adjoint": (1, False, lambda tf: lambda z: tf.linalg.inv(z, adjoint=True)),
    "solve_adjoint": (2, False, lambda tf: lambda z, w: tf.linalg.solve(z, w, adjoint=True)),
    "add_n": (2, False, lambda tf: lambda z, w: tf.add_n([z, w, z])),
    "trace_of_matmul_adjoint_b": (2, False, lambda tf: lambda z, w: tf.linalg.trace(tf.matmul(z, w, adjoint_b=True))),
    "einsum_rowwise": (2, False, lambda tf: lambda z, w: tf.einsum("ij,ij->i", z, w)),
    "complex_broadcast": (2, True, lambda tf: lambda a, b: tf.complex(a, b[0])),
    "real_of_square": (1, False, lambda tf: lambda z: tf.math.real(z * z)),
}

def _scenario(n, real, make, dtype):
    return lambda tf: _grads(tf, make(tf), dtype, n, real)


SCENARIOS = {f"{name}_{dtype}": _scenario(n, real, make, dtype)
             for name, (n, real, make) in _OPS.items() for dtype in ("complex64", "complex128")}


def _second_order(tf):
    """A gradient of a gradient: conj, real, abs, complex, exp and matmul on the recorded path."""
    z, w = tf.constant(np.array(Z, "complex128")), tf.constant(np.array(W, "complex128"))
    with tf.GradientTape() as outer:
        outer.watch(z)
        with tf.GradientTape() as inner:
            inner.watch(z)
            y = tf.reduce_sum(tf.exp(z) * tf.matmul(z, w) * tf.math.conj(z) + tf.complex(tf.math.real(z) ** 2, tf.abs(z)))
        g = inner.gradient(y, z)
        loss = tf.reduce_sum(tf.math.real(g * tf.math.conj(g)))
    return _parts(outer.gradient(loss, z))


SCENARIOS["second_order_complex128"] = _second_order


def _forward(tf):
    """ForwardAccumulator's J v through holomorphic and conj ops, FFTs, angle, abs, complex."""
    z = tf.constant(np.array([1.0 + 2.0j, -0.5 + 0.3j]))
    w = tf.constant(np.array([0.3 - 0.6j, 1.2 + 0.1j]))
    v = tf.constant(np.array([0.2 + 1.0j, 1.0 - 0.5j]))
    x = tf.constant(np.array([0.5, -1.5, 2.0]))
    vx = tf.constant(np.array([1.0, 0.3, -0.2]))
    with tf.autodiff.ForwardAccumulator(primals=[z, x], tangents=[v, vx]) as acc:
        ys = [tf.exp(z) * w + tf.math.conj(z) * 2.0,
              tf.signal.fft(z) * tf.cast(tf.math.angle(z), z.dtype) + tf.math.conj(z),
              tf.signal.rfft(x), tf.abs(tf.complex(x, x * 2))]
    return [_parts(acc.jvp(y)) for y in ys]


SCENARIOS["forward_accumulator_complex128"] = _forward
