"""A numerical gradient checker: analytic gradients against central differences."""

import numpy as np

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config


def _outputs(result):
    """The float outputs of ``fn`` as a flat list: ``fn`` returns a Tensor or a list/tuple
    of them; integer outputs (indices) have no gradient and are left out."""
    if isinstance(result, (list, tuple)):
        out = []
        for r in result:
            out.extend(_outputs(r))
        return out
    value = result.data if isinstance(result, Tensor) else np.asarray(result)
    return [result] if value.dtype.kind == "f" else []


def _values(result):
    return [np.asarray(o.data if isinstance(o, Tensor) else o, dtype=np.float64)
            for o in _outputs(result)]


def numerical_gradients(fn, arrays, eps=1e-6, weights=None):
    """Central-difference gradients of ``sum_k sum(out_k * weights_k)`` for each array.

    ``fn`` takes Tensors and returns a Tensor or a list of Tensors; ``weights`` is a list with
    one array per output (all ones when None). Non-float arrays get ``None``.
    """
    def scalar(*xs):
        outs = _values(fn(*[Tensor(x) for x in xs]))
        ws = weights if weights is not None else [1.0] * len(outs)
        return float(sum(np.sum(o * w) for o, w in zip(outs, ws)))

    grads = []
    for a in arrays:
        if a.dtype.kind != "f":
            grads.append(None)
            continue
        g = np.zeros_like(a, dtype=np.float64)
        flat = a.reshape(-1)
        gflat = g.reshape(-1)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            up = scalar(*arrays)
            flat[j] = orig - eps
            down = scalar(*arrays)
            flat[j] = orig
            gflat[j] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def check_gradients(fn, inputs, atol=1e-6, rtol=1e-5, eps=1e-6, seed=0, wrt=None):
    """Assert that the tape's gradients of ``fn`` match central differences, in float64.

    ``fn`` takes Tensors and returns a Tensor (or a list/tuple of Tensors); ``inputs`` are
    arrays (float ones are differentiated, others passed as constants). The checked scalar is
    ``sum_k sum(out_k * r_k)`` for fixed random weights ``r_k``, so every output element
    matters. ``wrt`` restricts the check to some input positions. Also asserts that outputs
    and gradients stay float64 (an op that silently computes in float32 fails here).
    Returns ``(analytic, numeric)``: two lists with one array per checked input.

    Example::

        >>> from featherflow.testing import check_gradients
        >>> analytic, numeric = check_gradients(lambda x: x * x, [np.array([1.0, 2.0])])
    """
    previous = config.floatx()
    config.set_floatx("float64")
    try:
        arrays = [np.array(a, dtype=np.float64, order="C") if np.asarray(a).dtype.kind == "f"
                  else np.array(a) for a in inputs]
        probe = _outputs(fn(*[Tensor(a.copy()) for a in arrays]))
        if not probe:
            raise AssertionError("fn returned no float output: nothing to differentiate")
        for k, o in enumerate(probe):
            dt = np.asarray(o.data if isinstance(o, Tensor) else o).dtype
            if dt != np.float64:
                raise AssertionError(
                    f"output {k} has dtype {dt} for float64 inputs: the op lost precision "
                    f"(a float32 constant or cast inside it?)"
                )
        rng = np.random.default_rng(seed)
        weights = [rng.uniform(0.5, 1.5, size=np.shape(o.data if isinstance(o, Tensor) else o))
                   for o in probe]
        positions = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
        if wrt is not None:
            positions = [i for i in positions if i in wrt]
        tensors = [Tensor(a.copy()) for a in arrays]
        with GradientTape() as tape:
            for i in positions:
                tape.watch(tensors[i])
            outs = _outputs(fn(*tensors))
        analytic = tape.gradient(outs, [tensors[i] for i in positions],
                                 output_gradients=weights)
        numeric = numerical_gradients(fn, arrays, eps=eps, weights=weights)
        results_a, results_n = [], []
        for k, i in enumerate(positions):
            a = analytic[k]
            if a is not None and a.dtype != np.float64:
                raise AssertionError(
                    f"gradient of input {i} has dtype {a.dtype}, expected float64 like the input"
                )
            a = np.zeros_like(arrays[i]) if a is None else np.asarray(a.data, np.float64)
            n = numeric[i]
            if a.shape != n.shape:
                raise AssertionError(
                    f"gradient of input {i}: analytic shape {a.shape} differs from the input's "
                    f"shape {n.shape}"
                )
            if not np.allclose(a, n, atol=atol, rtol=rtol):
                worst = np.unravel_index(np.argmax(np.abs(a - n)), a.shape)
                raise AssertionError(
                    f"gradient of input {i} differs from central differences: max abs error "
                    f"{np.max(np.abs(a - n)):.3e} at {worst} (analytic {a[worst]:.6e}, numeric "
                    f"{n[worst]:.6e}); atol={atol}, rtol={rtol}"
                )
            results_a.append(a)
            results_n.append(n)
        return results_a, results_n
    finally:
        config.set_floatx(previous)


def _first_order(fn, arrays):
    xs = [Tensor(a) for a in arrays]
    with GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    return xs, y, tape


def check_second_order(fn, inputs, atol=1e-6, rtol=1e-5, eps=1e-5, seed=0):
    """Assert that a gradient of a gradient (nested tapes) matches finite differences.

    ``fn`` takes float Tensors and returns a scalar Tensor. For a fixed random direction
    ``v``, the Hessian-vector product from an outer tape over ``tape.gradient`` is compared
    with the central difference of the first-order gradient along ``v``, in float64.
    Returns ``(analytic, numeric)``, one array per input.

    Example::

        >>> check_second_order(lambda x: tf.reduce_sum(x ** 3), [np.array([1.0, 2.0])])
    """
    previous = config.floatx()
    config.set_floatx("float64")
    try:
        arrays = [np.array(a, dtype=np.float64, order="C") for a in inputs]
        rng = np.random.default_rng(seed)
        vs = [rng.normal(size=a.shape) for a in arrays]
        xs = [Tensor(a.copy()) for a in arrays]
        with GradientTape() as outer:
            for x in xs:
                outer.watch(x)
            with GradientTape() as inner:
                for x in xs:
                    inner.watch(x)
                y = fn(*xs)
            grads = inner.gradient(y, xs)
            gv = None
            for g, v in zip(grads, vs):
                if g is not None:
                    term = _sum(g * v)
                    gv = term if gv is None else gv + term
        analytic = [np.zeros_like(a) if h is None else np.asarray(h.data)
                    for a, h in zip(arrays, outer.gradient(gv, xs))]

        def gradient_at(step):
            shifted = [a + step * v for a, v in zip(arrays, vs)]
            txs, ty, tape = _first_order(fn, shifted)
            return [np.zeros_like(a) if g is None else np.asarray(g.data)
                    for a, g in zip(shifted, tape.gradient(ty, txs))]

        up, down = gradient_at(eps), gradient_at(-eps)
        numeric = [(u - d) / (2 * eps) for u, d in zip(up, down)]
    finally:
        config.set_floatx(previous)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(a, n, atol=atol, rtol=rtol,
                                   err_msg=f"second order, input {i}")
    return analytic, numeric


def _sum(t):
    # function-level import: ops build on autodiff, which this module sits beside
    from featherflow.ops.reduce import reduce_sum

    return reduce_sum(t)
