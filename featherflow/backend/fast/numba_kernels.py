"""The numba kernels behind :mod:`featherflow.backend.fast` (importing this imports numba).

Each kernel is a fused loop over rows of a C-contiguous 2-D array, ``prange`` over rows (or
over a fixed number of row blocks where columns are summed, so the result does not depend on
the thread count). Sums run in float64 with four independent partial sums per row: the same
order on every run without ``fastmath``, and no less accurate than NumPy's float32 sums.
"""

import types

import numba
import numpy as np

# row blocks for column sums: fixed, so the summation order is the same on any machine
COLUMN_BLOCKS = 16



def set_threads(n):
    """Threads the kernels' parallel loops use from this thread on (at most numba's
    NUMBA_NUM_THREADS). With one thread the row kernels are their serial compilations
    (``prange`` as ``range``), which compile in a fraction of the parallel ones' time; with
    more, the parallel ones (compiled on first use)."""
    n = max(1, min(n, numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n)
    for name, (serial, fn) in _DUAL.items():
        if n == 1:
            globals()[name] = serial
        else:
            parallel = _PARALLEL.get(name)
            if parallel is None:
                parallel = _PARALLEL[name] = numba.njit(parallel=True, cache=True, nogil=True,
                                                        error_model="numpy")(fn)
            globals()[name] = parallel


# name -> (serial dispatcher, the Python function); parallel dispatchers made on demand. The
# serial copy is a separate function object (its own name) so numba's on-disk cache keeps the
# two compilations apart.
_DUAL = {}
_PARALLEL = {}


def _jit(fn):
    serial_fn = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial",
                                   fn.__defaults__, fn.__closure__)
    serial_fn.__qualname__ = fn.__qualname__ + "_serial"
    serial_fn.__doc__ = fn.__doc__
    # error_model="numpy": a division by zero gives inf/nan as in NumPy instead of a check
    # that raises ZeroDivisionError, which also kept the loops from vectorizing (Adam's update
    # of 1.6 M weights: 4.9 -> 0.76 ms, bit-identical)
    serial = numba.njit(cache=True, nogil=True, error_model="numpy")(serial_fn)
    _DUAL[fn.__name__] = (serial, fn)
    return serial

_jit_serial = numba.njit(cache=True, nogil=True, inline="always")


@_jit_serial
def _row_sum(a, i):
    n = a.shape[1]
    s0 = s1 = s2 = s3 = 0.0
    j = 0
    while j + 4 <= n:
        s0 += a[i, j]
        s1 += a[i, j + 1]
        s2 += a[i, j + 2]
        s3 += a[i, j + 3]
        j += 4
    while j < n:
        s0 += a[i, j]
        j += 1
    return (s0 + s1) + (s2 + s3)


@_jit
def layer_norm_forward(x, gamma, beta, epsilon, y, xhat, mean, var, inv):
    """Rows of ``x`` (R, C) normalized: ``xhat = (x - mean) * inv``, ``y = xhat * gamma +
    beta``; ``mean``/``var``/``inv`` (R,) are written too. ``gamma``/``beta`` of length 0
    mean "not used"."""
    rows, c = x.shape
    with_gamma = gamma.shape[0] > 0
    with_beta = beta.shape[0] > 0
    for i in numba.prange(rows):
        m = _row_sum(x, i) / c
        s0 = s1 = s2 = s3 = 0.0
        j = 0
        while j + 4 <= c:
            d0 = x[i, j] - m
            d1 = x[i, j + 1] - m
            d2 = x[i, j + 2] - m
            d3 = x[i, j + 3] - m
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            j += 4
        while j < c:
            d0 = x[i, j] - m
            s0 += d0 * d0
            j += 1
        var_ = ((s0 + s1) + (s2 + s3)) / c
        r = 1.0 / np.sqrt(var_ + epsilon)
        mean[i] = m
        var[i] = var_
        inv[i] = r
        for j in range(c):
            h = (x[i, j] - m) * r
            xhat[i, j] = h
            if with_gamma:
                h = xhat[i, j] * gamma[j]
            else:
                h = xhat[i, j]
            if with_beta:
                h = h + beta[j]
            y[i, j] = h


@_jit
def layer_norm_backward(g, xhat, inv, gamma, gx, ggamma, gbeta):
    """The backward of :func:`layer_norm_forward`: ``gx`` (R, C) and the column sums
    ``ggamma = sum(g * xhat)``, ``gbeta = sum(g)`` (C,), float64."""
    rows, c = g.shape
    with_gamma = gamma.shape[0] > 0
    blocks = min(COLUMN_BLOCKS, rows)
    part_gamma = np.zeros((blocks, c))
    part_beta = np.zeros((blocks, c))
    per = (rows + blocks - 1) // blocks
    for b in numba.prange(blocks):
        pg = part_gamma[b]
        pb = part_beta[b]
        for i in range(b * per, min(rows, (b + 1) * per)):
            s0 = s1 = 0.0
            for j in range(c):
                gj = g[i, j]
                h = xhat[i, j]
                pg[j] += gj * h
                pb[j] += gj
                gh = gj * gamma[j] if with_gamma else gj + 0.0
                s0 += gh
                s1 += gh * h
            m0 = s0 / c
            m1 = s1 / c
            r = inv[i]
            for j in range(c):
                gh = g[i, j] * gamma[j] if with_gamma else g[i, j] + 0.0
                gx[i, j] = (gh - m0 - xhat[i, j] * m1) * r
    for j in range(c):
        sg = 0.0
        sb = 0.0
        for b in range(blocks):
            sg += part_gamma[b, j]
            sb += part_beta[b, j]
        ggamma[j] = sg
        gbeta[j] = sb


@_jit
def subtract_row_max(x):
    """``x (R, S) -= its row maxima``, in place: the first step of a stable softmax (the
    exponential stays NumPy's, which is vectorized where numba's is not without fastmath)."""
    rows, n = x.shape
    for i in numba.prange(rows):
        m0 = m1 = m2 = m3 = x[i, 0]
        j = 0
        while j + 4 <= n:
            m0 = max(m0, x[i, j])
            m1 = max(m1, x[i, j + 1])
            m2 = max(m2, x[i, j + 2])
            m3 = max(m3, x[i, j + 3])
            j += 4
        while j < n:
            m0 = max(m0, x[i, j])
            j += 1
        top = max(max(m0, m1), max(m2, m3))
        for j in range(n):
            x[i, j] = x[i, j] - top


@_jit
def divide_by_row_sum(x):
    """``x (R, S) /= its row sums``, in place: the last step of a softmax."""
    rows, n = x.shape
    for i in numba.prange(rows):
        total = _row_sum(x, i)
        for j in range(n):
            x[i, j] = x[i, j] / total


@_jit
def softmax_rows_backward(gp, s):
    """``gp <- s * (gp - sum(gp * s))`` row by row (R, S), in place: the softmax's
    backward."""
    rows, n = gp.shape
    for i in numba.prange(rows):
        s0 = s1 = s2 = s3 = 0.0
        j = 0
        while j + 4 <= n:
            s0 += gp[i, j] * s[i, j]
            s1 += gp[i, j + 1] * s[i, j + 1]
            s2 += gp[i, j + 2] * s[i, j + 2]
            s3 += gp[i, j + 3] * s[i, j + 3]
            j += 4
        while j < n:
            s0 += gp[i, j] * s[i, j]
            j += 1
        total = (s0 + s1) + (s2 + s3)
        for j in range(n):
            gp[i, j] = s[i, j] * (gp[i, j] - total)


def _adam(w, g, m, v, one_minus_b1, one_minus_b2, epsilon, alpha):
    for i in numba.prange(w.shape[0]):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * one_minus_b1
        vi = v[i] + (gi * gi - v[i]) * one_minus_b2
        m[i] = mi
        v[i] = vi
        w[i] = w[i] - (mi / (np.sqrt(vi) + epsilon)) * alpha


# one Adam step on flat arrays, in place; the scalars come in the arrays' dtype, so every
# operation rounds as NumPy's float32 (or float64) ufuncs do on the same values
_adam.__name__ = "adam_update"
adam_update = _jit(_adam)
adam_update_serial = adam_update  # the serial compilation (set_threads never rebinds this)
# below this many weights a parallel loop costs more to start than it saves
ADAM_PARALLEL_SIZE = 1 << 16


@_jit
def depthwise_forward(x, k, sh, sw, dh, dw, pt, pl, out):
    """Depthwise convolution, NHWC: ``out[b, i, j, c * M + m] = sum_{p, q} x[b, i * sh + p *
    dh - pt, j * sw + q * dw - pl, c] * k[p, q, c, m]`` over the input ``x`` (N, H, W, C)
    zero-padded by ``pt`` rows on top and ``pl`` columns on the left (and as far as the output
    (N, OH, OW, C * M) needs on the other sides: taps outside ``x`` are skipped, so no padded
    copy is made), kernel ``k`` (KH, KW, C, M). The taps are summed in (p, q) order in the
    arrays' dtype; the channel loop is innermost (contiguous)."""
    n, oh, ow, _ = out.shape
    h, w = x.shape[1], x.shape[2]
    kh, kw, c, mult = k.shape
    for r in numba.prange(n * oh):
        b = r // oh
        i = r - b * oh
        for j in range(ow):
            o = out[b, i, j]
            o[:] = 0
            for p in range(kh):
                row = i * sh + p * dh - pt
                if row < 0 or row >= h:
                    continue
                for q in range(kw):
                    col = j * sw + q * dw - pl
                    if col < 0 or col >= w:
                        continue
                    xv = x[b, row, col]
                    kv = k[p, q]
                    if mult == 1:
                        for ch in range(c):
                            o[ch] += xv[ch] * kv[ch, 0]
                    else:
                        for ch in range(c):
                            for m in range(mult):
                                o[ch * mult + m] += xv[ch] * kv[ch, m]


# -- recurrent steps --------------------------------------------------------------------------
# tanh as a rational function of x (odd degree 13 over even degree 6, clamped to +-7.9053):
# pure arithmetic, so the loops below vectorize (NumPy's float32 tanh is a scalar loop on
# AVX2 machines: 3-4 ns per value). Its error against float64 tanh is below 2.4e-7 absolute
# (measured over [-10, 10] in tests/backend/test_fast_kernels.py); TensorFlow's CPU kernels
# evaluate tanh with a rational approximation of this kind too (Eigen's fast tanh).
_F32 = np.float32
_TANH_CLAMP = _F32(7.90531110763549805)
_TANH_TINY = _F32(0.0004)
_A1, _A3, _A5 = _F32(4.89352455891786e-03), _F32(6.37261928875436e-04), _F32(1.48572235717979e-05)
_A7, _A9 = _F32(5.12229709037114e-08), _F32(-8.60467152213735e-11)
_A11, _A13 = _F32(2.00018790482477e-13), _F32(-2.76076847742355e-16)
_B0, _B2 = _F32(4.89352518554385e-03), _F32(2.26843463243900e-03)
_B4, _B6 = _F32(1.18534705686654e-04), _F32(1.19825839466702e-06)


@numba.njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _tanh32(a):
    """float32 tanh of a float32 value, branch-free (selects), so loops of it vectorize."""
    x = a if a < _TANH_CLAMP else _TANH_CLAMP
    x = x if x > -_TANH_CLAMP else -_TANH_CLAMP
    x2 = x * x
    p = x2 * _A13 + _A11
    p = x2 * p + _A9
    p = x2 * p + _A7
    p = x2 * p + _A5
    p = x2 * p + _A3
    p = x2 * p + _A1
    p = x * p
    q = x2 * _B6 + _B4
    q = x2 * q + _B2
    q = x2 * q + _B0
    r = p / q
    return a if abs(a) < _TANH_TINY else r


# error_model="numpy": no ZeroDivisionError check on the division, which would keep the loops
# from vectorizing
_jit_vec = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit_vec
def tanh_into(x, out):
    """``out = tanh(x)`` elementwise (flat float32 arrays), by the rational approximation."""
    for i in range(x.shape[0]):
        out[i] = _tanh32(x[i])


@_jit_vec
def tanh_inplace(x):
    """``x = tanh(x)`` in place (a flat float32 array; one pointer, so the loop vectorizes,
    which ``tanh_into(x, x)`` would not: its overlap check picks the scalar loop)."""
    for i in range(x.shape[0]):
        x[i] = _tanh32(x[i])


@_jit_vec
def sigmoid_of_half_inplace(x):
    """``x = tanh(x) / 2 + 1/2`` in place: the sigmoid of ``2 x`` (the recurrent layers scale
    their sigmoid gates' weights by 1/2, so this is the gates' sigmoid)."""
    for i in range(x.shape[0]):
        x[i] = _tanh32(x[i]) * _F32(0.5) + _F32(0.5)


@_jit_vec
def lstm_step_forward(g, c_prev, c, tc, h):
    """One LSTM step's elementwise part, in place. ``g`` (4u, B): the gate pre-activations
    in featherflow's internal order i, f, o (their rows already scaled by 1/2: sigmoid(z) =
    tanh(z / 2) / 2 + 1/2) and c; on return the activated gates. Writes the new cell state
    ``c``, ``tc = tanh(c)`` and ``h = o * tc`` (u, B); ``c_prev`` (u, B) is the old state."""
    u4, b = g.shape
    u = u4 // 4
    for r in range(3 * u):
        row = g[r]
        for j in range(b):
            row[j] = _tanh32(row[j]) * _F32(0.5) + _F32(0.5)
    for r in range(3 * u, u4):
        row = g[r]
        for j in range(b):
            row[j] = _tanh32(row[j])
    for k in range(u):
        gi, gf, go, gg = g[k], g[u + k], g[2 * u + k], g[3 * u + k]
        cp, cn, tn, hn = c_prev[k], c[k], tc[k], h[k]
        for j in range(b):
            v = gf[j] * cp[j] + gi[j] * gg[j]
            cn[j] = v
            t = _tanh32(v)
            tn[j] = t
            hn[j] = go[j] * t


@_jit_vec
def lstm_step_backward(g, tc, c_prev, dh, dc_carry, d, step):
    """One LSTM step's elementwise backward (no mask), in place: from the activated gates
    ``g`` (4u, B, order i, f, o, c), ``tc = tanh(c)``, the previous cell state, ``dh`` and the
    cell gradient carried from the step after (``dc_carry``, replaced by the one for the
    step before), writes the gate pre-activation gradients ``d[:, step]`` (``d`` (4u, T, B),
    C-contiguous: the layout whose (4u, T * B) reshape is the weight gradient's GEMM operand;
    a strided 2-D ``d[:, step]`` argument would compile to a loop 2.5x slower)."""
    u4, b = g.shape
    u = u4 // 4
    for k in range(u):
        gi, gf, go, gg = g[k], g[u + k], g[2 * u + k], g[3 * u + k]
        tk, cp, dhk, dck = tc[k], c_prev[k], dh[k], dc_carry[k]
        di, df, do, dg = d[k, step], d[u + k, step], d[2 * u + k, step], d[3 * u + k, step]
        for j in range(b):
            t = tk[j]
            i_, f_, o_, g_ = gi[j], gf[j], go[j], gg[j]
            dc = (_F32(1) - t * t) * o_ * dhk[j] + dck[j]
            di[j] = dc * g_ * (i_ - i_ * i_)
            df[j] = dc * cp[j] * (f_ - f_ * f_)
            do[j] = dhk[j] * t * (o_ - o_ * o_)
            dg[j] = dc * i_ * (_F32(1) - g_ * g_)
            dck[j] = dc * f_


@_jit_vec
def bias_relu_inplace(z, bias, low, high):
    """``z = min(max(z + bias, low), high)`` row by row in place (z (R, C), bias (C,) or
    empty): the add, ReLU (low 0, high inf) or ReLU6 (high 6) of a GEMM's output in one pass,
    the same operations in the same order as NumPy's three passes, so bit for bit equal."""
    rows, c = z.shape
    with_bias = bias.shape[0] > 0
    for i in range(rows):
        row = z[i]
        if with_bias:
            for j in range(c):
                v = row[j] + bias[j]
                # as np.maximum / np.minimum: NaN stays NaN, max(-0.0, 0) is +0.0
                v = v if (v > low or v != v) else low
                row[j] = v if (v < high or v != v) else high
        else:
            for j in range(c):
                v = row[j]
                v = v if (v > low or v != v) else low
                row[j] = v if (v < high or v != v) else high


@_jit_vec
def scale_bias_relu_inplace(z, scale, bias, low, high):
    """``z = min(max(z * scale + bias, low), high)`` row by row in place (z (R, C), scale and
    bias (C,)): an inference BatchNormalization folded onto a convolution's output, with its
    ReLU/ReLU6 (low -inf, high inf: none), in one pass. Same operations and order as NumPy's
    ``z *= scale; z += bias`` then maximum / minimum."""
    rows, c = z.shape
    for i in range(rows):
        row = z[i]
        for j in range(c):
            v = row[j] * scale[j] + bias[j]
            v = v if (v > low or v != v) else low
            row[j] = v if (v < high or v != v) else high


@_jit_vec
def gru_step_forward(g, a, b_rec, hp, rh, h):
    """One GRU step (reset_after=True) after its two GEMMs, in place: ``g`` (3u, B) holds the
    input projections of z, r (their rows scaled by 1/2 for the tanh form of the sigmoid)
    and the candidate; ``a`` (3u, B) the recurrent projections (same scaling); ``b_rec``
    (u,) the candidate's recurrent bias or empty. On return ``g`` holds z, r and the
    candidate, ``rh`` (u, B) the candidate's recurrent term (kept for the backward) and ``h``
    (u, B) the new state ``hh + (h_prev - hh) * z``, in NumPy's order of operations."""
    u3, b = g.shape
    u = u3 // 3
    with_bias = b_rec.shape[0] > 0
    for r in range(2 * u):
        row, ar = g[r], a[r]
        for j in range(b):
            row[j] = _tanh32(row[j] + ar[j]) * _F32(0.5) + _F32(0.5)
    for k in range(u):
        z, rr = g[k], g[u + k]
        cand, ak, rhk, hpk, hk = g[2 * u + k], a[2 * u + k], rh[k], hp[k], h[k]
        bias = b_rec[k] if with_bias else _F32(0)
        for j in range(b):
            v = ak[j] + bias if with_bias else ak[j]
            rhk[j] = v
            c = _tanh32(cand[j] + rr[j] * v)
            cand[j] = c
            hk[j] = c + (hpk[j] - c) * z[j]


@_jit_vec
def gru_step_backward(g, hp, rh, dh, d):
    """One unmasked GRU step's elementwise backward (reset_after=True): from z, r, the
    candidate (``g`` (3u, B)), the previous state ``hp``, the recurrent term ``rh`` and
    ``dh``, writes ``d`` (4u, B): rows [d of the candidate's recurrent term, dz, dr, d of the
    candidate], in NumPy's order of operations."""
    u3, b = g.shape
    u = u3 // 3
    for k in range(u):
        zk, rk, ck, hpk, rhk, dhk = g[k], g[u + k], g[2 * u + k], hp[k], rh[k], dh[k]
        drec, dz, dr, dc = d[k], d[u + k], d[2 * u + k], d[3 * u + k]
        for j in range(b):
            z, r, c, dhj = zk[j], rk[j], ck[j], dhk[j]
            dz[j] = ((hpk[j] - c) * dhj) * ((_F32(1) - z) * z)
            dcj = (dhj * (_F32(1) - z)) * (_F32(1) - c * c)
            dc[j] = dcj
            drec[j] = dcj * r
            dr[j] = (dcj * rhk[j]) * ((_F32(1) - r) * r)


# -- exp, sigmoid and swish on float32 ------------------------------------------------------------
# NumPy's float32 exp is a scalar loop on AVX2 machines (4.3 ns a value here; its SIMD exp needs
# AVX-512). This one is Cephes's expf (range reduction by ln 2 split in two, a degree-5
# polynomial, then the power of two built in the exponent bits), in two vectorized passes: the
# polynomial into ``out``, the scale 2**n as int32 bits into ``bits``, then out *= bits viewed as
# float32. Error within 2 ULP of the exact exponential over its range (tested).
_LOG2E = _F32(1.44269504088896341)
_EXP_C1 = _F32(0.693359375)
_EXP_C2 = _F32(-2.12194440e-4)
_EXP_HI = _F32(88.3762626647949)
_EXP_LO = _F32(-87.3365447504)  # exp(x) < smallest normal float32 below this: clamp
_P0, _P1, _P2 = _F32(1.9875691500e-4), _F32(1.3981999507e-3), _F32(8.3334519073e-3)
_P3, _P4, _P5 = _F32(4.1665795894e-2), _F32(1.6666665459e-1), _F32(5.0000001201e-1)


@numba.njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _exp_step(a):
    """One value's exponential polynomial (0 below the smallest normal result) and its
    scale 2**n as int32 bits."""
    v = a if a < _EXP_HI else _EXP_HI
    v = v if v > _EXP_LO else _EXP_LO
    n = np.floor(v * _LOG2E + _F32(0.5))
    r = v - n * _EXP_C1
    r = r - n * _EXP_C2
    p = _P0 * r + _P1
    p = p * r + _P2
    p = p * r + _P3
    p = p * r + _P4
    p = p * r + _P5
    p = p * (r * r) + r + _F32(1)
    # below the smallest normal result: 0, as a flush-to-zero exp (masked logits of
    # -1e9 in a softmax must weigh exactly nothing)
    return (p if a >= _EXP_LO else _F32(0)), (np.int32(n) + np.int32(127)) << 23


@_jit_vec
def _exp_parts(x, out, bits, negate):
    for i in range(x.shape[0]):
        out[i], bits[i] = _exp_step(-x[i] if negate else x[i])


@_jit_vec
def _exp_parts_inplace(x, bits, negate):
    # one pointer for x: with ``out`` the same buffer, _exp_parts's overlap check picks its
    # scalar loop (measured 1.80 against 0.21 ms for 524k values, AMD EPYC / AVX-512)
    for i in range(x.shape[0]):
        x[i], bits[i] = _exp_step(-x[i] if negate else x[i])


@_jit_vec
def _times_bits(out, scale):
    for i in range(out.shape[0]):
        out[i] = out[i] * scale[i]


def _same_buffer(a, b):
    return a.ctypes.data == b.ctypes.data and a.strides == b.strides


def exp_into(x, out, negate=False):
    """``out = exp(x)`` (or ``exp(-x)``) for flat float32 arrays (``out`` may be ``x``);
    results below the smallest normal float32 (x < -87.34) are 0 (NumPy gives subnormals
    down to x = -103.9)."""
    bits = np.empty(x.shape[0], np.int32)
    if _same_buffer(x, out):
        _exp_parts_inplace(out, bits, negate)
    else:
        _exp_parts(x, out, bits, negate)
    _times_bits(out, bits.view(np.float32))
    return out


@_jit_vec
def _sigmoid_finish(xc, t, swish):
    for i in range(t.shape[0]):
        s = _F32(1) / (t[i] + _F32(1))
        t[i] = xc[i] * s if swish else s


@_jit_vec
def _sigmoid_finish_inplace(t):
    for i in range(t.shape[0]):
        t[i] = _F32(1) / (t[i] + _F32(1))


def sigmoid_into(xc, out, swish=False):
    """``out = 1 / (1 + exp(-xc))`` (times ``xc`` with ``swish``) for flat float32 arrays, in
    the operation order of featherflow's NumPy sigmoid."""
    same = _same_buffer(xc, out)
    if same and swish:
        raise ValueError("sigmoid_into: swish needs xc and out to be different arrays.")
    exp_into(xc, out, negate=True)
    if same:
        _sigmoid_finish_inplace(out)
    else:
        _sigmoid_finish(xc, out, swish)
    return out


@_jit_vec
def max_pool_taps(z, y, won, relu):
    """The max pooling of :class:`featherflow.ops.conv_pool.ConvMaxPool` in one pass.

    ``z`` (N, OH, PW, PQ, C) holds a chunk's convolution outputs in ConvMaxPool's order
    (output column ``q * PW + p`` at ``[p, q]``); ``y`` (N, POH, PQ, C) gets the maximum of
    each PH x PW window (PH = OH // POH), then ``max(y, 0)`` when ``relu``; ``won`` (uint8, the
    shape of ``y``) gets the winner ``a * PW + p``. The rules are the two NumPy passes': the
    width pass first (per window row, the first strictly greater tap wins), then the height
    pass over the row maxima (the first strictly greater row); a NaN makes the maximum NaN,
    as ``np.maximum`` does.

    Written to vectorize over the channels (measured, 128 x 26 x 26 x 32 float32): the
    channel loop innermost (taps innermost: 20x slower), winners as arithmetic on the
    comparisons (an integer ``k if v > old else w`` compiled to a branch that random data
    mispredicts: 12 ms against 0.5), and the 2 x 2 window unrolled (1.4 ms general)."""
    n, oh, pw, pq, f = z.shape
    poh = y.shape[1]
    ph = oh // poh
    zero = np.zeros(1, y.dtype)[0]
    if ph == 2 and pw == 2:
        two = np.uint8(2)
        for i in range(n):
            for r in range(poh):
                for q in range(pq):
                    yo, wo = y[i, r, q], won[i, r, q]
                    z00, z01 = z[i, 2 * r, 0, q], z[i, 2 * r, 1, q]
                    z10, z11 = z[i, 2 * r + 1, 0, q], z[i, 2 * r + 1, 1, q]
                    for c in range(f):
                        m0, v = z00[c], z01[c]
                        g0 = v > m0
                        m0 = v if (g0 or v != v) else m0
                        m1, v = z10[c], z11[c]
                        g1 = v > m1
                        m1 = v if (g1 or v != v) else m1
                        h = m1 > m0
                        wo[c] = np.uint8(h) * two + np.uint8(g1 if h else g0)
                        v = m1 if (h or m1 != m1) else m0
                        if relu:
                            v = v if (v > zero or v != v) else zero
                        yo[c] = v
        return
    m = np.empty(f, y.dtype)  # a window row's maximum
    w = np.empty(f, np.uint8)  # and its winner
    for i in range(n):
        for r in range(poh):
            for q in range(pq):
                yo = y[i, r, q]
                wo = won[i, r, q]
                for a in range(ph):
                    row = r * ph + a
                    mt = yo if a == 0 else m
                    wt = wo if a == 0 else w
                    z0 = z[i, row, 0, q]
                    first = np.uint8(a * pw)
                    for c in range(f):
                        mt[c] = z0[c]
                        wt[c] = first
                    for p in range(1, pw):
                        zp = z[i, row, p, q]
                        k = np.uint8(a * pw + p)
                        for c in range(f):
                            v = zp[c]
                            old = mt[c]
                            gt = v > old
                            # taps arrive in order: the last strictly greater one is the
                            # largest number so far
                            wt[c] = max(wt[c], np.uint8(gt) * k)
                            mt[c] = v if (gt or v != v) else old  # np.maximum
                    if a > 0:  # the height pass: this row's maximum against the others'
                        for c in range(f):
                            v = m[c]
                            old = yo[c]
                            gt = v > old
                            wo[c] = max(wo[c], np.uint8(gt) * w[c])
                            yo[c] = v if (gt or v != v) else old
                if relu:
                    for c in range(f):
                        v = yo[c]
                        yo[c] = v if (v > zero or v != v) else zero


@_jit_vec
def max_pool_taps_grad(g, y, won, relu, gz):
    """The backward of :func:`max_pool_taps` into natural column order: ``gz`` (N, OH, OW, C)
    gets ``g`` (N, POH, PQ, C) at each window's winner (zero where ``relu`` and ``y <= 0``) and
    zeros elsewhere; every element of ``gz`` is written."""
    n, oh, ow, f = gz.shape
    poh, pq = g.shape[1], g.shape[2]
    ph, pw = oh // poh, ow // pq
    zero = np.zeros(1, gz.dtype)[0]
    for i in range(n):
        for r in range(poh):
            for a in range(ph):
                row = r * ph + a
                for q in range(pq):
                    for p in range(pw):
                        k = a * pw + p
                        for c in range(f):
                            v = g[i, r, q, c]
                            keep = (won[i, r, q, c] == k) & ((not relu) | (y[i, r, q, c] > 0))
                            gz[i, row, q * pw + p, c] = v if keep else zero
                for col in range(pq * pw, ow):
                    for c in range(f):
                        gz[i, row, col, c] = 0
        for row in range(poh * ph, oh):
            for col in range(ow):
                for c in range(f):
                    gz[i, row, col, c] = 0


@_jit_vec
def add_then_divide(a, b, d, out):
    """``out = (a + b) / d`` elementwise (flat arrays, ``d`` a scalar of their dtype): the
    two-rank gradient all-reduce's sum and its division by the global rows in one pass, the
    same two roundings as NumPy's two passes."""
    for i in range(out.shape[0]):
        out[i] = (a[i] + b[i]) / d


@_jit_vec
def scatter_add_rows(out, idx, g):
    """``out[idx[i]] += g[i]`` for i in order (``out`` (V, D), ``idx`` (M,) int64, negative
    indices counted from the end as NumPy does; ``g`` (M, D)): ``np.add.at(out, idx, g)``'s
    sums in its order. The indices were checked by the gather that made them."""
    v = out.shape[0]
    for i in range(idx.shape[0]):
        r = idx[i]
        if r < 0:
            r += v
        row, src = out[r], g[i]
        for j in range(row.shape[0]):
            row[j] += src[j]


# swish in one pass: blocks of values small enough for L1 go through the two-part exponential
# in local buffers, so the input is read twice from cache and the output written once
# (against five passes and three temporaries: the clamp, the polynomial, the scaling, the
# sigmoid and the product)
_SWISH_BLOCK = 512


@_jit_vec
def swish_into(x, out, low):
    """``out = xc * sigmoid(xc)``, ``xc = max(x, low)`` (NaN stays NaN, as np.maximum), for
    flat float32 arrays, ``out`` either ``x`` itself (in place) or not overlapping it: the
    operations of ``sigmoid_into(xc, out, swish=True)`` on ``np.maximum(x, low)``, so the same
    bits. In place the last pass is a one-pointer loop (a two-pointer loop over one buffer
    compiles to its scalar fallback)."""
    n = x.shape[0]
    same = x.ctypes.data == out.ctypes.data
    t = np.empty(_SWISH_BLOCK, np.float32)
    bits = np.empty(_SWISH_BLOCK, np.int32)
    scale = bits.view(np.float32)
    for start in range(0, n, _SWISH_BLOCK):
        m = min(_SWISH_BLOCK, n - start)
        xs, ts = x[start:start + m], t[:m]
        _clamp_into(xs, ts, low)
        _exp_parts_inplace(ts, bits[:m], True)
        _times_bits(ts, scale[:m])
        if same:
            _swish_finish_inplace(xs, ts, low)
        else:
            _swish_finish(xs, ts, out[start:start + m], low)


@_jit_vec
def _clamp_into(x, t, low):
    for i in range(x.shape[0]):
        v = x[i]
        t[i] = v if (v > low or v != v) else low


@_jit_vec
def _swish_finish(x, t, out, low):
    for i in range(x.shape[0]):
        v = x[i]
        xc = v if (v > low or v != v) else low
        out[i] = xc * (_F32(1) / (t[i] + _F32(1)))


@_jit_vec
def _swish_finish_inplace(z, t, low):
    for i in range(z.shape[0]):
        v = z[i]
        xc = v if (v > low or v != v) else low
        z[i] = xc * (_F32(1) / (t[i] + _F32(1)))
