"""A numerical gradient checker: analytic gradients against central differences."""

import numpy as np

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config


def numerical_gradients(fn, arrays, eps=1e-6, weights=None):
    """Central-difference gradients of ``sum(fn(*arrays) * weights)`` for each array."""
    def scalar(*xs):
        out = fn(*[Tensor(x) for x in xs])
        out = np.asarray(out.data if isinstance(out, Tensor) else out, dtype=np.float64)
        return float(np.sum(out if weights is None else out * weights))

    grads = []
    for i, a in enumerate(arrays):
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

    ``fn`` takes Tensors and returns a Tensor; ``inputs`` are arrays (float ones are
    differentiated, others passed as constants). The checked scalar is ``sum(fn(...) * r)``
    for a fixed random ``r``, so every output element matters. ``wrt`` restricts the check to
    some input positions. Returns ``(analytic, numeric)``.

    Example::

        >>> from featherflow.testing import check_gradients
        >>> check_gradients(lambda x: x * x, [np.array([1.0, 2.0])])
    """
    previous = config.floatx()
    config.set_floatx("float64")
    try:
        arrays = [np.array(a, dtype=np.float64) if np.asarray(a).dtype.kind == "f"
                  else np.array(a) for a in inputs]
        tensors = [Tensor(a.copy()) for a in arrays]
        probe = fn(*tensors)
        out = probe.data if isinstance(probe, Tensor) else np.asarray(probe)
        rng = np.random.default_rng(seed)
        weights = rng.uniform(0.5, 1.5, size=np.shape(out))
        positions = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]
        if wrt is not None:
            positions = [i for i in positions if i in wrt]
        tensors = [Tensor(a.copy()) for a in arrays]
        with GradientTape() as tape:
            for i in positions:
                tape.watch(tensors[i])
            y = fn(*tensors)
        analytic = tape.gradient(y, [tensors[i] for i in positions],
                                 output_gradients=[weights])
        numeric = numerical_gradients(fn, arrays, eps=eps, weights=weights)
        results = []
        for k, i in enumerate(positions):
            a = analytic[k]
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
            results.append((a, n))
        return [r[0] for r in results], [r[1] for r in results]
    finally:
        config.set_floatx(previous)
