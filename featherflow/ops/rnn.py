"""Fused recurrent primitives: a whole SimpleRNN, LSTM or GRU sequence as one tape node.

Each primitive runs the time loop in NumPy with every per-step array preallocated and a
hand-written backward through time. Layout: inside the loop everything is "feature-major",
``(features, batch)`` per step and ``(time, features, batch)`` for whole sequences, so that each
gate block of a step is one contiguous array (strided gate slices of a ``(batch, 4 * units)``
array are several times slower to operate on). SimpleRNN and GRU compute the input projection
``x @ kernel`` for all steps before the loop and run only the recurrent GEMM per step; the
LSTM runs one GEMM per step over ``[x_t; 1; h_{t-1}]`` (cheaper than a projection GEMM plus
an add per step), and its backward accumulates the weight gradients step by step while the
step's gate gradients are in cache, so no (T, 4u, B) array of them is ever stored: the LSTM is
bound by memory traffic and per-call overhead, not by FLOPs.

When the activations are tanh and sigmoid (the Keras defaults), the sigmoid gates use
``sigmoid(z) = 0.5 * tanh(z / 2) + 0.5`` with the 1/2 folded into the weights, so a single
``tanh`` call activates all gates of a step.

Keras semantics: weights in Keras layouts and gate orders (LSTM i, f, c, o; GRU z, r, h),
``go_backwards`` processes the reversed sequence and returns outputs in processing order, and
where ``mask`` is False a step carries the previous state; its output is the previous output
(zeros before the first unmasked step) or zeros with ``zero_output_for_mask``.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.backend import fast as fast_kernels
from featherflow.ops._convert import data, operand
from featherflow.ops.activations import ELEMENTWISE


def _flatten_steps(a):
    """(T, p, B) -> a (p, T * B) copy whose columns are the (step, sample) pairs (it moves
    whole rows of B values: cheap, unlike a transpose of the last two axes)."""
    T, p, B = a.shape
    out = np.empty((p, T, B), a.dtype)
    np.copyto(out, a.transpose(1, 0, 2))
    return out.reshape(p, T * B)


def _sum_outer(a, d, d_flat=None):
    """``sum_t a[t] @ d[t].T`` for ``a`` of shape (T, p, B) and ``d`` of shape (T, q, B).

    One GEMM over all T * B (step, sample) pairs, on ``_flatten_steps`` copies (``d_flat``
    when the caller has it): faster than T small GEMMs and a sum over T (1.4 vs 2.4 ms for
    an LSTM(64) over 100 steps of 64).
    """
    d_flat = _flatten_steps(d) if d_flat is None else d_flat
    return _flatten_steps(a) @ d_flat.T


def _blocks(u, order):
    """Column indices taking gate blocks of width ``u`` in ``order`` (e.g. (0, 1, 3, 2))."""
    return np.concatenate([np.arange(k * u, (k + 1) * u) for k in order])


class _Recurrent(Function):
    """Shared sequence handling: layout changes, masks, outputs and their gradients."""

    n_out = 2

    def __init__(self, activation="tanh", return_sequences=False, go_backwards=False,
                 zero_output_for_mask=False):
        self.activation = activation
        self.return_sequences = return_sequences
        self.go_backwards = go_backwards
        self.zero_output_for_mask = zero_output_for_mask

    def _begin(self, x, kernel, bias, h0, mask, rmask, scale=None, project=True):
        """Lay out the sequence and project it: returns G (T, gates * u, B).

        ``XH`` (T + 1, P, B) stacks per step the input, a row of ones when there is a bias,
        and the recurrent operand h_{t-1} (times the recurrent dropout mask if any), so one
        GEMM gives the kernel, bias and recurrent-kernel gradients together.
        ``scale`` multiplies the projection's rows (the folded 1/2 of the sigmoid gates).
        With ``project=False`` returns the (scaled) input weights (nb, gates * u) instead,
        for a layer whose per-step GEMM takes all of ``XH[t]``.
        """
        B, T, n = x.shape
        u = self.units
        dt = x.dtype
        self.batch, self.steps, self.in_dim = B, T, n
        nb = n + (bias is not None)
        self.nb = nb
        XH = np.empty((T + 1, nb + u, B), dt)
        xs = x.transpose(1, 2, 0)
        XH[:T, :n] = xs[::-1] if self.go_backwards else xs
        XH[T, :nb] = 0
        if bias is not None:
            XH[:T, n] = 1
        self.XH = XH
        self.hm = None if rmask is None else np.ascontiguousarray(rmask.T, dtype=dt)
        self.H = XH[:, nb:] if self.hm is None else np.empty((T + 1, u, B), dt)
        self.HM = XH[:T, nb:]
        self.H[0] = 0 if h0 is None else h0.T
        w = kernel if bias is None else np.concatenate([kernel, bias[None]], axis=0)
        if scale is not None:
            w = w * scale
        self.m = self.mf = self.factor = None
        if mask is not None:
            m = np.asarray(mask).astype(bool, copy=False).T[:, None, :]
            if self.go_backwards:
                m = m[::-1]
            self.m = np.ascontiguousarray(m)
            self.mf = self.m.astype(dt)
            # output = state where a step ran; zeros before the first unmasked step (Keras
            # starts the "previous output" at zeros) or at every masked step if asked
            if self.zero_output_for_mask:
                keep = self.m
            else:
                keep = np.logical_or.accumulate(self.m, axis=0)
            if not keep.all():
                self.factor = keep.astype(dt)
        if not project:
            return w
        return np.matmul(np.ascontiguousarray(w.T), XH[:T, :nb])

    def _operand(self, t):
        """The recurrent GEMM operand of step t: h_{t-1}, times the dropout mask if any."""
        if self.hm is None:
            return self.H[t]
        return np.multiply(self.H[t], self.hm, out=self.HM[t])

    def _weight_grads(self, D, D_flat=None):
        """(kernel, bias, recurrent) gradient blocks: ``sum_t XH[t] @ D[t].T`` split by rows.

        ``D_flat``: ``_flatten_steps(D)`` if the caller has it.
        """
        g = _sum_outer(self.XH[: self.steps], D, d_flat=D_flat)
        n, nb = self.in_dim, self.nb
        return g[:n], (g[n] if nb > n else None), g[nb:]

    def _carry(self, t, *pairs):
        """Where step ``t`` is masked, copy each previous state into the new one."""
        m = self.m
        if m is None or m[t].all():
            return
        keep = ~m[t]
        for new, old in pairs:
            np.copyto(new, old, where=keep)

    def _emit(self, H):
        """Outputs from the states H (T + 1, u, B): the sequence or the last output."""
        f = self.factor
        if self.return_sequences:
            seq = H[1:] if f is None else H[1:] * f
            out = np.ascontiguousarray(seq.transpose(2, 0, 1))
        else:
            last = H[-1] if f is None else H[-1] * f[-1]
            out = np.ascontiguousarray(last.T)
        return out, np.ascontiguousarray(H[-1].T)

    def _external(self, g_out, g_h):
        """Gradients reaching the states from outside: per step (T, u, B) and at the end."""
        f = self.factor
        per_step = None
        if self.return_sequences:
            per_step = np.ascontiguousarray(g_out.transpose(1, 2, 0))
            if f is not None:
                per_step *= f
            last = np.ascontiguousarray(g_h.T)
        else:
            last = np.ascontiguousarray(g_out.T)
            if f is not None:
                last *= f[-1]
            last += g_h.T
        return per_step, last

    def _dx(self, kernel_t, dz_flat):
        """Gradient of the input from the gate gradients ``dz_flat`` (g, T * B), as made by
        ``_flatten_steps``: one GEMM with the kernel (n, g), back to (B, T, n)."""
        gx = (kernel_t @ dz_flat).reshape(-1, self.steps, self.batch)
        if self.go_backwards:
            gx = gx[:, ::-1]
        return np.ascontiguousarray(gx.transpose(2, 1, 0))

    def _masked(self, t):
        """The float mask (1, B) of step t, or None when every column runs."""
        m = self.m
        if m is None or m[t].all():
            return None
        return self.mf[t]

    def _pass(self, mf, dh, dh_prev, through=None):
        """Add the direct paths from dh to h_prev: masked columns pass dh unchanged.

        ``through`` is the factor dh reaches h_prev with on unmasked columns (GRU's z).
        """
        if mf is None:
            if through is not None:
                dh_prev += dh * through
            return
        keep = 1 - mf
        if through is not None:
            keep = keep + through * mf
        dh_prev += dh * keep


class SimpleRNN(_Recurrent):
    """``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`` over a sequence.

    Inputs: x (B, T, n), kernel (n, u), recurrent_kernel (u, u), bias (u,) or None, h0 (B, u)
    or None, mask (B, T) or None, recurrent dropout mask (B, u) or None. Outputs: the output
    (B, T, u) or (B, u), and the final state (B, u).
    """

    def forward(self, x, kernel, rkernel, bias, h0, mask, rmask):
        self.units = u = rkernel.shape[0]
        Z = self._begin(x, kernel, bias, h0, mask, rmask)
        H = self.H
        fwd, deriv = ELEMENTWISE[self.activation]
        rt = np.ascontiguousarray(rkernel.T)
        a = np.empty((u, self.batch), x.dtype)
        tanh = self.activation == "tanh"
        kernels = _step_kernels(tanh, x.dtype, u * self.batch)
        for t in range(self.steps):
            np.matmul(rt, self._operand(t), out=a)
            z = Z[t]
            z += a
            if kernels is not None and H[t + 1].flags.c_contiguous:
                kernels.tanh_into(z.reshape(-1), H[t + 1].reshape(-1))
            elif tanh:
                np.tanh(z, out=H[t + 1])
            else:
                H[t + 1] = fwd(z)
            self._carry(t, (H[t + 1], H[t]))
        self.Z, self.deriv, self.kernel, self.rkernel = Z, deriv, kernel, rkernel
        return self._emit(H)

    def backward(self, grads):
        g_out, g_h = grads
        per_step, dh = self._external(g_out, g_h)
        H, Z = self.H, self.Z
        D = np.empty_like(Z)
        dh_prev = np.empty_like(dh)
        tanh = self.activation == "tanh"
        for t in range(self.steps - 1, -1, -1):
            if per_step is not None:
                dh += per_step[t]
            d = D[t]
            if tanh:
                np.multiply(H[t + 1], H[t + 1], out=d)
                np.subtract(1, d, out=d)
                d *= dh
            else:
                np.multiply(dh, self.deriv(Z[t], H[t + 1]), out=d)
            mf = self._masked(t)
            if mf is not None:
                d *= mf
            np.matmul(self.rkernel, d, out=dh_prev)
            if self.hm is not None:
                dh_prev *= self.hm
            self._pass(mf, dh, dh_prev)
            dh, dh_prev = dh_prev, dh
        needs = self.needs
        D_flat = _flatten_steps(D) if any(needs[:4]) else None
        gx = self._dx(self.kernel, D_flat) if needs[0] else None
        gk, gb, gr = self._weight_grads(D, D_flat) if any(needs[1:4]) else (None, None, None)
        gh0 = np.ascontiguousarray(dh.T) if needs[4] else None
        return gx, gk, gr, gb, gh0, None, None


def _step_kernels(fast, dtype, step_size):
    """The compiled per-step kernels for a float32 sequence with the default activations,
    or None (numba missing or off, another dtype or activation, a tiny step)."""
    # a step is smaller than the arrays other kernels need (a compiled call costs ~1 us)
    if not fast or dtype != np.float32 or step_size < fast_kernels.MIN_SIZE // 16:
        return None
    return fast_kernels.kernels()


class LSTM(_Recurrent):
    """A whole LSTM sequence: Keras gates i, f, c, o; ``h = o * activation(c)``.

    Inputs: x (B, T, n), kernel (n, 4u), recurrent_kernel (u, 4u), bias (4u,) or None, h0 and
    c0 (B, u) or None, mask (B, T) or None, recurrent dropout mask (B, u) or None. Outputs: the
    output (B, T, u) or (B, u), and the final h and c (B, u).
    """

    n_out = 3

    def __init__(self, activation="tanh", recurrent_activation="sigmoid", **kwargs):
        super().__init__(activation, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.fast = activation == "tanh" and recurrent_activation == "sigmoid"

    def forward(self, x, kernel, rkernel, bias, h0, c0, mask, rmask):
        self.units = u = rkernel.shape[0]
        u2, u3 = 2 * u, 3 * u
        dt = x.dtype
        # internal gate order i, f, o, c: the three sigmoid gates form one block
        self.idx = idx = _blocks(u, (0, 1, 3, 2))
        self.kernel_p = np.ascontiguousarray(kernel[:, idx])
        self.rkernel_p = np.ascontiguousarray(rkernel[:, idx])
        scale = np.ones(4 * u, dt)
        if self.fast:
            scale[:u3] = 0.5
        w = self._begin(x, self.kernel_p, None if bias is None else bias[idx], h0, mask, rmask,
                        scale, project=False)
        # One GEMM per step over XH[t] = [x_t; 1; h_{t-1}] gives the gates directly: cheaper
        # than projecting all steps first and adding a recurrent GEMM's result per step.
        W = np.ascontiguousarray(np.concatenate([w, self.rkernel_p * scale]).T)
        T, B, H, XH, hm = self.steps, self.batch, self.H, self.XH, self.hm
        G = np.empty((T, 4 * u, B), dt)
        C = np.empty((T + 1, u, B), dt)
        C[0] = 0 if c0 is None else c0.T
        TC = np.empty((T, u, B), dt)
        tmp = np.empty((u, B), dt)
        fast, tanh, multiply, matmul = self.fast, np.tanh, np.multiply, np.matmul
        Zp = None if fast else np.empty_like(G)
        act = ELEMENTWISE[self.activation][0]
        ract = ELEMENTWISE[self.recurrent_activation][0]
        masked = self.m is not None
        # the compiled step (backend/fast): the gates' activations, the cell and the output in
        # one pass, tanh by a vectorized rational approximation (float32 only)
        kernels = _step_kernels(fast, dt, G.size // T)
        self.kernels = kernels
        for t in range(T):
            if hm is not None:
                multiply(H[t], hm, out=self.HM[t])
            g = G[t]
            matmul(W, XH[t], out=g)
            if kernels is not None:
                kernels.lstm_step_forward(g, C[t], C[t + 1], TC[t], H[t + 1])
                if masked:
                    self._carry(t, (H[t + 1], H[t]), (C[t + 1], C[t]))
                continue
            if fast:
                tanh(g, out=g)
                s = g[:u3]
                s *= 0.5
                s += 0.5
            else:
                Zp[t] = g
                g[:u3] = ract(g[:u3])
                g[u3:] = act(g[u3:])
            c = C[t + 1]
            multiply(g[u:u2], C[t], out=c)
            multiply(g[:u], g[u3:], out=tmp)
            c += tmp
            if fast:
                tanh(c, out=TC[t])
            else:
                TC[t] = act(c)
            multiply(g[u2:u3], TC[t], out=H[t + 1])
            if masked:
                self._carry(t, (H[t + 1], H[t]), (c, C[t]))
        self.G, self.C, self.TC, self.Zp = G, C, TC, Zp
        out, h = self._emit(H)
        return out, h, np.ascontiguousarray(C[-1].T)

    def backward(self, grads):
        g_out, g_h, g_c = grads
        per_step, dh = self._external(g_out, g_h)
        G, C, TC = self.G, self.C, self.TC
        u, n, T, B = self.units, self.in_dim, self.steps, self.batch
        u2, u3 = 2 * u, 3 * u
        needs, idx = self.needs, self.idx
        dc_carry = np.ascontiguousarray(g_c.T)
        dc = np.empty_like(dc_carry)
        F = np.empty((4 * u, B), G.dtype)
        dtc = np.empty_like(dc)
        # With the input's gradient wanted, one GEMM per step gives [dx_t; dh_{t-1}]; the
        # states' gradients then live in DH's last u rows (dh_{t-1} of step t in DH[t]).
        if needs[0]:
            KR = np.concatenate([self.kernel_p, self.rkernel_p])
            DH = np.empty((T, n + u, B), G.dtype)
            top = n
        else:
            KR = self.rkernel_p
            DH = np.empty((2, u, B), G.dtype)  # only dh_t and dh_{t-1} are live
            top = 0
        step_rows = (lambda t: DH[t]) if needs[0] else (lambda t: DH[t & 1])
        fast, multiply, matmul = self.fast, np.multiply, np.matmul
        hm, masked = self.hm, self.m is not None
        if not fast:
            ract_d = ELEMENTWISE[self.recurrent_activation][1]
            act_d = ELEMENTWISE[self.activation][1]
        XH = self.XH
        want_w = any(needs[1:4])
        kernels = self.kernels
        # Every step compiled (no mask): the kernel stores each step's gate gradients into
        # D3[:, t] and one GEMM over all T * B (step, sample) pairs gives the weights'
        # gradient at the end: 22 against 30 us per step for T GEMMs d_t @ XH[t].T and
        # their sum (AMD EPYC, OpenBLAS, 2 threads, LSTM(64) x 100 steps of 64). Otherwise
        # the sum is accumulated step by step while d_t is in cache.
        batched = want_w and kernels is not None and not masked
        D3 = np.empty((4 * u, T, B), G.dtype) if batched else None
        if want_w and not batched:
            WG = np.zeros((4 * u, XH.shape[1]), G.dtype)
            wtmp = np.empty_like(WG)
        d = np.empty((4 * u, B), G.dtype)
        d3 = d[:, None, :]  # the kernel's (4u, 1, B) view of d
        for t in range(T - 1, -1, -1):
            if per_step is not None:
                dh += per_step[t]
            g = G[t]
            mf = self._masked(t) if masked else None
            compiled = kernels is not None and mf is None
            if batched:
                kernels.lstm_step_backward(g, TC[t], C[t], dh, dc_carry, D3, t)
                d = D3[:, t]
            elif compiled:
                # unmasked step: the compiled elementwise backward (the gate gradients
                # into d, the cell gradient carried to the step before)
                kernels.lstm_step_backward(g, TC[t], C[t], dh, dc_carry, d3, 0)
            else:
                s, gg, tc = g[:u3], g[u3:], TC[t]
                if fast:
                    # s(1 - s) for the sigmoid gates, 1 - g^2 for the candidate
                    multiply(g, g, out=F)
                    np.subtract(s, F[:u3], out=F[:u3])
                    np.subtract(1, F[u3:], out=F[u3:])
                    # dc = dc_carry + dh * o * tanh'(c)
                    multiply(tc, tc, out=dtc)
                    np.subtract(1, dtc, out=dtc)
                    dtc *= g[u2:u3]
                    dtc *= dh
                else:
                    zp = self.Zp[t]
                    F[:u3] = ract_d(zp[:u3], s)
                    F[u3:] = act_d(zp[u3:], gg)
                    dtc[...] = act_d(C[t + 1], tc)
                    # dc = dc_carry + dh * o * activation'(c)
                    dtc *= g[u2:u3]
                    dtc *= dh
                np.add(dtc, dc_carry, out=dc)
                multiply(dc, gg, out=d[:u])
                multiply(dc, C[t], out=d[u:u2])
                multiply(dh, tc, out=d[u2:u3])
                multiply(dc, g[:u], out=d[u3:])
                d *= F
                if mf is not None:
                    d *= mf
            rows = step_rows(t)
            matmul(KR, d, out=rows)
            if want_w and not batched:
                matmul(d, XH[t].T, out=wtmp)
                WG += wtmp
            dh_prev = rows[top:]
            if hm is not None:
                dh_prev *= hm
            if compiled:
                pass  # the kernel carried dc already
            elif mf is not None:
                # masked columns: c passes unchanged to the previous step
                multiply(dc, g[u:u2], out=dtc)
                dtc *= mf
                dc_carry *= 1 - mf
                dc_carry += dtc
                self._pass(mf, dh, dh_prev)
            else:
                multiply(dc, g[u:u2], out=dc_carry)
            dh = dh_prev
        gx = None
        if needs[0]:
            gx = DH[:, :n]
            if self.go_backwards:
                gx = gx[::-1]
            gx = np.ascontiguousarray(gx.transpose(2, 0, 1))
        gk = gr = gb = None
        if batched:
            WG = D3.reshape(4 * u, T * B) @ _flatten_steps(XH[:T]).T
        if want_w:
            nb = self.nb
            gk, gr = np.empty((n, 4 * u), G.dtype), np.empty((u, 4 * u), G.dtype)
            gk[:, idx], gr[:, idx] = WG[:, :n].T, WG[:, nb:].T
            if nb > n:
                gb = np.empty(4 * u, G.dtype)
                gb[idx] = WG[:, n]
        gh0 = np.ascontiguousarray(dh.T) if needs[4] else None
        gc0 = np.ascontiguousarray(dc_carry.T) if needs[5] else None
        return gx, gk, gr, gb, gh0, gc0, None, None


class GRU(_Recurrent):
    """A whole GRU sequence: Keras gates z, r, h; ``h = z * h_prev + (1 - z) * hh``.

    ``reset_after=True`` (Keras's default): bias (2, 3u), rows input and recurrent, and the
    reset gate multiplies the recurrent projection. ``reset_after=False``: bias (3u,), and the
    reset gate multiplies the state before its projection. Inputs: x (B, T, n), kernel (n, 3u),
    recurrent_kernel (u, 3u), bias or None, h0 (B, u) or None, mask (B, T) or None, recurrent
    dropout mask (B, u) or None. Outputs: the output and the final state.
    """

    def __init__(self, activation="tanh", recurrent_activation="sigmoid", reset_after=True,
                 **kwargs):
        super().__init__(activation, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.reset_after = reset_after
        self.fast = activation == "tanh" and recurrent_activation == "sigmoid"

    def _activate(self, g, t, rows, kind):
        """Activate ``g`` (the rows ``rows`` of step t) in place; keep the input if needed."""
        kernels = self.kernels
        if kernels is not None and g.flags.c_contiguous:
            flat = g.reshape(-1)
            if kind == "sigmoid":
                kernels.sigmoid_of_half_inplace(flat)
            else:
                kernels.tanh_inplace(flat)
            return
        if self.fast:
            np.tanh(g, out=g)
            if kind == "sigmoid":
                g *= 0.5
                g += 0.5
        else:
            self.Zp[t, rows] = g
            g[...] = ELEMENTWISE[kind][0](g)

    def forward(self, x, kernel, rkernel, bias, h0, mask, rmask):
        self.units = u = rkernel.shape[0]
        u2 = 2 * u
        dt = x.dtype
        scale = np.ones(3 * u, dt)
        if self.fast:
            scale[:u2] = 0.5
        self.kernel, self.rkernel = kernel, rkernel
        b_in = b_rec_h = None
        if bias is not None and self.reset_after:
            # the recurrent biases of z and r add to the input ones; h's stays inside r * (.)
            b_in = bias[0].copy()
            b_in[:u2] += bias[1, :u2]
            b_rec_h = np.ascontiguousarray(bias[1, u2:, None])
        elif bias is not None:
            b_in = bias
        G = self._begin(x, kernel, b_in, h0, mask, rmask, scale)
        # the compiled activations (backend/fast): tanh by a vectorized rational function
        self.kernels = _step_kernels(self.fast, dt, u * self.batch)
        rt = np.ascontiguousarray((rkernel * scale).T)
        T, B, H = self.steps, self.batch, self.H
        RH = np.empty((T, u, B), dt)
        self.Zp = None if self.fast else np.empty_like(G)
        a = np.empty((3 * u if self.reset_after else u2, B), dt)
        ah = np.empty((u, B), dt)
        tmp = np.empty((u, B), dt)
        ract, act = self.recurrent_activation, self.activation
        zr_rows, h_rows = slice(0, u2), slice(u2, 3 * u)
        kernels = self.kernels if self.reset_after else None
        b_rec = np.empty(0, dt) if b_rec_h is None else np.ascontiguousarray(b_rec_h[:, 0])
        for t in range(T):
            hp = H[t]
            hpm = self._operand(t)
            g = G[t]
            if kernels is not None and H[t + 1].flags.c_contiguous:
                np.matmul(rt, hpm, out=a)
                kernels.gru_step_forward(g, a, b_rec, hp, RH[t], H[t + 1])
                self._carry(t, (H[t + 1], H[t]))
                continue
            zr, hh = g[:u2], g[u2:]
            if self.reset_after:
                np.matmul(rt, hpm, out=a)
                zr += a[:u2]
                self._activate(zr, t, zr_rows, ract)
                # RH keeps the recurrent projection of the candidate, needed for dr
                if b_rec_h is None:
                    np.copyto(RH[t], a[u2:])
                else:
                    np.add(a[u2:], b_rec_h, out=RH[t])
                np.multiply(zr[u:], RH[t], out=tmp)
                hh += tmp
            else:
                np.matmul(rt[:u2], hpm, out=a)
                zr += a
                self._activate(zr, t, zr_rows, ract)
                np.multiply(zr[u:], hpm, out=RH[t])
                np.matmul(rt[u2:], RH[t], out=ah)
                hh += ah
            self._activate(hh, t, h_rows, act)
            np.subtract(hp, hh, out=tmp)
            tmp *= zr[:u]
            np.add(hh, tmp, out=H[t + 1])
            self._carry(t, (H[t + 1], H[t]))
        self.G, self.RH = G, RH
        return self._emit(H)

    def backward(self, grads):
        g_out, g_h = grads
        per_step, dh = self._external(g_out, g_h)
        G, H, RH = self.G, self.H, self.RH
        u = self.units
        u2, u3 = 2 * u, 3 * u
        B = self.batch
        dt = G.dtype
        ra = self.reset_after
        # D rows: reset_after: [d rec-h, dz, dr, d cand] so rows [:3u] are the recurrent
        # side (order h, z, r) and rows [u:] the input side (order z, r, h); otherwise
        # [dz, dr, d cand] serves both sides.
        D = np.empty((self.steps, 4 * u if ra else u3, B), dt)
        dh_prev = np.empty_like(dh)
        bufs = [np.empty((u, B), dt) for _ in range(3)]
        one_z, drh = np.empty((u, B), dt), np.empty((u, B), dt)
        if ra:
            r_hzr = np.ascontiguousarray(self.rkernel[:, _blocks(u, (2, 0, 1))])
        else:
            r_zr = np.ascontiguousarray(self.rkernel[:, :u2])
            r_h = np.ascontiguousarray(self.rkernel[:, u2:])
        kernels = self.kernels if ra else None
        for t in range(self.steps - 1, -1, -1):
            if per_step is not None:
                dh += per_step[t]
            g = G[t]
            d = D[t]
            mf = self._masked(t)
            if kernels is not None and mf is None:
                kernels.gru_step_backward(g, H[t], RH[t], dh, d)
                np.matmul(r_hzr, d[:u3], out=dh_prev)
                if self.hm is not None:
                    dh_prev *= self.hm
                self._pass(None, dh, dh_prev, through=g[:u])
                dh, dh_prev = dh_prev, dh
                continue
            z, r, hh = g[:u], g[u:u2], g[u2:]
            dz = d[u:u2] if ra else d[:u]
            dr = d[u2:u3] if ra else d[u:u2]
            dc = d[u3:] if ra else d[u2:]
            dsz, dsr, dsh = self._derivs(t, z, r, hh, bufs)
            # dz = dh * (h_prev - hh) * z'
            np.subtract(H[t], hh, out=dz)
            dz *= dh
            dz *= dsz
            # d candidate = dh * (1 - z) * hh'
            np.subtract(1, z, out=one_z)
            np.multiply(dh, one_z, out=dc)
            dc *= dsh
            if ra:
                np.multiply(dc, r, out=d[:u])
                np.multiply(dc, RH[t], out=dr)
                dr *= dsr
                if mf is not None:
                    d *= mf
                np.matmul(r_hzr, d[:u3], out=dh_prev)
            else:
                if mf is not None:
                    dz *= mf
                    dc *= mf
                np.matmul(r_h, dc, out=drh)
                np.multiply(drh, self.HM[t], out=dr)
                dr *= dsr
                np.matmul(r_zr, d[:u2], out=dh_prev)
                drh *= r
                dh_prev += drh
            if self.hm is not None:
                dh_prev *= self.hm
            self._pass(mf, dh, dh_prev, through=z)
            dh, dh_prev = dh_prev, dh
        return self._grads(D, dh)

    def _derivs(self, t, z, r, hh, bufs):
        """Activation derivatives of z, r and the candidate at step t."""
        if self.fast:
            dsz, dsr, dsh = bufs
            np.subtract(1, z, out=dsz)
            dsz *= z
            np.subtract(1, r, out=dsr)
            dsr *= r
            np.multiply(hh, hh, out=dsh)
            np.subtract(1, dsh, out=dsh)
            return dsz, dsr, dsh
        u = z.shape[0]
        zp = self.Zp[t]
        ract_d = ELEMENTWISE[self.recurrent_activation][1]
        act_d = ELEMENTWISE[self.activation][1]
        return ract_d(zp[:u], z), ract_d(zp[u:2 * u], r), act_d(zp[2 * u:], hh)

    def _grads(self, D, dh0):
        needs = self.needs
        u = self.units
        ra = self.reset_after
        D_flat = _flatten_steps(D) if any(needs[:4]) else None
        gx = self._dx(self.kernel, D_flat[u:] if ra else D_flat) if needs[0] else None
        gk = gr = gb = None
        if any(needs[1:4]):
            pk, pb, pr = self._weight_grads(D, D_flat)
            if ra:
                hzr = _blocks(u, (2, 0, 1))
                gk = pk[:, u:]
                gr = np.empty_like(self.rkernel)
                gr[:, hzr] = pr[:, : 3 * u]
                if pb is not None:
                    gb = np.empty((2, 3 * u), D.dtype)
                    gb[0] = pb[u:]
                    gb[1, hzr] = pb[: 3 * u]
            else:
                gk, gb = pk, pb
                gr = np.concatenate(
                    [pr[:, : 2 * u], _sum_outer(self.RH, None, d_flat=D_flat[2 * u:])], axis=1)
        gh0 = np.ascontiguousarray(dh0.T) if needs[4] else None
        return gx, gk, gr, gb, gh0, None, None


# -- public functions ------------------------------------------------------------------------
def _check(name, x, kernel, rkernel, bias, gates, bias_shape, states, mask):
    xs, ks, rs = np.shape(data(x)), np.shape(data(kernel)), np.shape(data(rkernel))
    if len(xs) != 3:
        raise ValueError(
            f"{name}: expected inputs of shape (batch, timesteps, features), received shape "
            f"{tuple(xs)}. Add a time axis, e.g. x[:, None, :] for one step."
        )
    u = rs[-1] // gates if len(rs) == 2 else None
    if len(rs) != 2 or rs[0] * gates != rs[1]:
        raise ValueError(
            f"{name}: recurrent_kernel must have shape (units, {gates} * units), received "
            f"{tuple(rs)}."
        )
    if tuple(ks) != (xs[-1], gates * u):
        raise ValueError(
            f"{name}: kernel must have shape ({xs[-1]}, {gates * u}) for inputs with "
            f"{xs[-1]} features and {u} units, received {tuple(ks)}."
        )
    if bias is not None and tuple(np.shape(data(bias))) != bias_shape(u):
        raise ValueError(
            f"{name}: bias must have shape {bias_shape(u)}, received "
            f"{tuple(np.shape(data(bias)))}."
        )
    for s in states:
        if s is not None and tuple(np.shape(data(s))) != (xs[0], u):
            raise ValueError(
                f"{name}: initial states must have shape (batch, units) = {(xs[0], u)}, "
                f"received {tuple(np.shape(data(s)))}."
            )
    if mask is not None and tuple(np.shape(data(mask))) != tuple(xs[:2]):
        raise ValueError(
            f"{name}: mask must have shape (batch, timesteps) = {tuple(xs[:2])}, received "
            f"{tuple(np.shape(data(mask)))}."
        )


def _const(a):
    return None if a is None else np.asarray(data(a))


def _act_name(name, value):
    if value not in ELEMENTWISE:
        raise ValueError(
            f"{name}: activation {value!r} has no fused recurrent kernel; expected one of "
            f"{sorted(ELEMENTWISE)}."
        )
    return value


def simple_rnn(x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
               recurrent_mask=None, activation="tanh", return_sequences=False,
               go_backwards=False, zero_output_for_mask=False):
    """Run a SimpleRNN over ``x`` (B, T, n); returns ``(output, final_state)``."""
    _check("simple_rnn", x, kernel, recurrent_kernel, bias, 1, lambda u: (u,),
           [initial_state], mask)
    fn = SimpleRNN(_act_name("simple_rnn", activation), return_sequences=return_sequences,
                   go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask)
    return fn(operand(x), kernel, recurrent_kernel, bias, initial_state, _const(mask),
              _const(recurrent_mask))


def lstm(x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
         recurrent_mask=None, activation="tanh", recurrent_activation="sigmoid",
         return_sequences=False, go_backwards=False, zero_output_for_mask=False):
    """Run an LSTM over ``x`` (B, T, n); ``initial_state`` is ``[h0, c0]`` or None.

    Returns ``(output, h, c)``.
    """
    h0, c0 = (None, None) if initial_state is None else initial_state
    _check("lstm", x, kernel, recurrent_kernel, bias, 4, lambda u: (4 * u,), [h0, c0], mask)
    fn = LSTM(_act_name("lstm", activation), _act_name("lstm", recurrent_activation),
              return_sequences=return_sequences, go_backwards=go_backwards,
              zero_output_for_mask=zero_output_for_mask)
    return fn(operand(x), kernel, recurrent_kernel, bias, h0, c0, _const(mask),
              _const(recurrent_mask))


def gru(x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
        recurrent_mask=None, activation="tanh", recurrent_activation="sigmoid",
        reset_after=True, return_sequences=False, go_backwards=False,
        zero_output_for_mask=False):
    """Run a GRU over ``x`` (B, T, n); returns ``(output, final_state)``."""
    shape = (lambda u: (2, 3 * u)) if reset_after else (lambda u: (3 * u,))
    _check("gru", x, kernel, recurrent_kernel, bias, 3, shape, [initial_state], mask)
    fn = GRU(_act_name("gru", activation), _act_name("gru", recurrent_activation),
             reset_after=reset_after, return_sequences=return_sequences,
             go_backwards=go_backwards, zero_output_for_mask=zero_output_for_mask)
    return fn(operand(x), kernel, recurrent_kernel, bias, initial_state, _const(mask),
              _const(recurrent_mask))
