"""The bias and activation fused onto a convolution's GEMM output, and their gradient."""

import numpy as np

from featherflow.backend import fast
from featherflow.ops.activations import ELEMENTWISE, FROM_OUTPUT
from featherflow.ops.parallel import over_batch
from featherflow.ops.softmax import softmax_array

# -- fused bias + activation -----------------------------------------------------------------
_INF = np.float32(np.inf)
#: (low, high) clamps of the activations the compiled epilogues apply (also layers/fold_bn.py)
_RELU_LIMITS = {None: (-_INF, _INF), "linear": (-_INF, _INF), "relu": (np.float32(0), _INF),
                "relu6": (np.float32(0), np.float32(6))}
_EMPTY = np.empty(0, np.float32)
def check_activation(activation, where):
    if activation is not None and activation not in FROM_OUTPUT:
        raise ValueError(
            f"{where}: activation {activation!r} cannot be fused; expected one of "
            f"{sorted(FROM_OUTPUT)} or None. Apply other activations after the op."
        )


def bias_act(z, bias, act):
    """``act(z + bias)`` in place on ``z`` (a fresh GEMM result; rows are independent)."""
    if bias is None and act in (None, "linear"):
        return z
    limits = _RELU_LIMITS.get(act)
    if (limits is not None and z.dtype == np.float32 and z.ndim == 2 and z.size >= fast.MIN_SIZE
            and z.flags.c_contiguous and (bias is None or bias.dtype == z.dtype)):
        kernels = fast.kernels()
        if kernels is not None:
            # one compiled pass instead of NumPy's add, maximum and minimum passes
            kernels.bias_relu_inplace(z, _EMPTY if bias is None else bias, *limits)
            return z

    def part(lo, hi):
        zs = z[lo:hi]
        if bias is not None:
            zs += bias
        if act == "relu":
            np.maximum(zs, 0, out=zs)
        elif act == "relu6":
            np.maximum(zs, 0, out=zs)
            np.minimum(zs, 6, out=zs)
        elif act == "softmax":
            zs[...] = softmax_array(zs)
        elif act not in (None, "linear"):
            zs[...] = ELEMENTWISE[act][0](zs)

    over_batch(part, z.shape[0], z.size)
    return z


def act_grad(g, y, act):
    """Gradient through ``act`` from its output ``y`` (activations in FROM_OUTPUT)."""
    if act is None or act == "linear":
        return g
    out = np.empty(g.shape, g.dtype)

    def part(lo, hi):
        gs, ys, o = g[lo:hi], y[lo:hi], out[lo:hi]
        if act == "relu":
            np.multiply(gs, ys > 0, out=o)
        elif act == "sigmoid":
            o[...] = gs * ys * (1 - ys)
        elif act == "tanh":
            o[...] = gs * (1 - ys * ys)
        elif act == "softmax":
            o[...] = ys * (gs - np.sum(gs * ys, axis=-1, keepdims=True))
        else:
            o[...] = gs * ELEMENTWISE[act][1](None, ys)

    over_batch(part, g.shape[0], g.size)
    return out
