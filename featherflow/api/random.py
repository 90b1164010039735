"""``tf.random``: random tensors drawn from featherflow's seeded generator."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config, stateless_random
from featherflow.data import seeds
from featherflow.utils.random import clear_global_seed, generator, global_seed, set_random_seed


def _take_op_seed(seed):
    """As in TF eager, an unseeded random op made after ``set_seed`` uses up one op seed, so
    a ``Dataset.shuffle`` made after it gets the op seed TF's would."""
    if seed is None and global_seed() is not None:
        seeds.get_seed(None)


def _shape(shape):
    return tuple(int(s) for s in np.asarray(shape).reshape(-1))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    _take_op_seed(seed)
    dt = dtype or config.floatx_dtype()
    return Tensor(generator(seed).normal(mean, stddev, _shape(shape)).astype(dt))


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    _take_op_seed(seed)
    dt = np.dtype(dtype or config.floatx_dtype())
    if dt.kind in "iu":
        if maxval is None:
            raise ValueError("random.uniform: integer dtypes need maxval.")
        return Tensor(generator(seed).integers(minval, maxval, _shape(shape)).astype(dt))
    hi = 1.0 if maxval is None else maxval
    return Tensor(generator(seed).uniform(minval, hi, _shape(shape)).astype(dt))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    _take_op_seed(seed)
    gen = generator(seed)
    shape = _shape(shape)
    out = gen.normal(0.0, 1.0, shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = gen.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2
    return Tensor((mean + stddev * out).astype(dtype or config.floatx_dtype()))


def shuffle(value, seed=None, name=None):
    _take_op_seed(seed)
    a = np.asarray(value)
    return Tensor(a[generator(seed).permutation(a.shape[0])])


def _stateless_alg(alg, op_name):
    if alg not in ("auto_select", "philox", 1, 3, None):
        raise ValueError(f"{op_name}: featherflow runs the Philox algorithm only ('philox' or "
                         f"'auto_select'); received alg={alg!r}.")


def _value(x):
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype="float32", name=None,
                      alg="auto_select"):
    """TF's ``stateless_uniform``: the same values as TF for the same ``seed`` pair."""
    _stateless_alg(alg, "stateless_uniform")
    dt = np.dtype(dtype)
    if dt.kind in "iu" and maxval is None:
        raise ValueError("stateless_uniform: integer dtypes need minval and maxval.")
    hi = 1 if maxval is None else _value(maxval)
    return Tensor(stateless_random.uniform(_shape(shape), seed, _value(minval), hi, dt))


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None,
                     alg="auto_select"):
    """TF's ``stateless_normal`` (Box-Muller on Philox; float32 to within rounding)."""
    _stateless_alg(alg, "stateless_normal")
    return Tensor(stateless_random.normal(_shape(shape), seed, _value(mean), _value(stddev),
                                          dtype))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None,
                               alg="auto_select"):
    """TF's ``stateless_truncated_normal`` (redrawn beyond two deviations, TF's groups)."""
    _stateless_alg(alg, "stateless_truncated_normal")
    return Tensor(stateless_random.truncated_normal(_shape(shape), seed, _value(mean),
                                                    _value(stddev), dtype))


def set_seed(seed):
    """Set the global seed (``tf.random.set_seed``); ``None`` clears it."""
    if seed is None:
        clear_global_seed()
    else:
        set_random_seed(seed)


__all__ = ["normal", "set_seed", "shuffle", "stateless_normal", "stateless_truncated_normal",
           "stateless_uniform", "truncated_normal", "uniform"]
