"""``tf.nn.experimental``: TF's ``stateless_dropout`` and ``general_dropout``.

Both are TF's shared dropout: ``x`` scaled by ``1 / (1 - rate)`` (a Python ``rate`` becomes
the scale in float64 first, then ``x``'s dtype; a tensor ``rate`` divides ``x`` by
``1 - rate``), kept where a uniform draw of ``noise_shape`` (``x``'s shape; unknown entries
filled from it) is ``>= rate``, zero elsewhere. ``stateless_dropout`` draws with
``tf.random.stateless_uniform(seed=seed)``, so it gives TF's mask for the same seed (Keras's
``Dropout`` draws the same one); ``general_dropout`` calls your ``uniform_sampler(shape=...,
dtype=...)``. Gradients flow to ``x`` through the kept elements.

    >>> tf.nn.experimental.stateless_dropout(tf.ones([2, 4]), 0.5, seed=[1, 2])
    # [[2., 0., 2., 0.], [0., 2., 0., 0.]], as TF 2.21
"""

import functools
import numbers

import numpy as np

from featherflow.autodiff.tensor import Tensor, convert_to_tensor
from featherflow.ops import math

__all__ = ["general_dropout", "stateless_dropout"]


def _noise_shape(x, noise_shape):
    if noise_shape is None:
        return tuple(x.data.shape)
    dims = np.asarray(getattr(noise_shape, "data", noise_shape), dtype=object).reshape(-1)
    dims = [None if d is None else int(d) for d in dims.tolist()]
    if len(dims) == x.data.ndim:
        dims = [x.data.shape[i] if d is None else d for i, d in enumerate(dims)]
    if any(d is None for d in dims):
        raise ValueError(f"dropout: `noise_shape` {dims} has unknown dimensions that `x`'s "
                         f"shape {list(x.data.shape)} cannot fill (their ranks differ).")
    return tuple(dims)


def _dropout(x, rate, noise_shape, uniform_sampler, op):
    is_number = isinstance(rate, numbers.Real) and not isinstance(rate, Tensor)
    if is_number and (rate < 0 or rate >= 1):
        raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    x = convert_to_tensor(x)
    dtype = x.data.dtype
    if dtype.kind != "f":
        raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                         f"Received: x_dtype={x.dtype}")
    if is_number and rate == 0:
        return x
    if is_number:
        scaled = math.multiply(x, np.asarray(1 / (1 - rate), dtype))
        threshold = np.asarray(rate, dtype)
    elif isinstance(rate, Tensor):
        if rate.data.ndim != 0:
            raise ValueError(f"{op}: `rate` must be a scalar tensor; received shape "
                             f"{list(rate.data.shape)}.")
        threshold = rate.data.astype(dtype)
        scaled = math.divide(x, np.asarray(1, dtype) - threshold)
    else:
        raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
    draws = uniform_sampler(shape=_noise_shape(x, noise_shape), dtype=dtype)
    keep = np.asarray(getattr(draws, "data", draws)) >= threshold
    return math.where(keep, scaled, np.zeros((), dtype))


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None):
    """Dropout with TF's mask for the shape-[2] integer ``seed``."""
    from featherflow.api import random  # tf.random's stateless kernels (loads lazily)

    sampler = functools.partial(random.stateless_uniform, seed=seed,
                                alg="auto_select" if rng_alg is None else rng_alg)
    return _dropout(x, rate, noise_shape, sampler, "stateless_dropout")


def general_dropout(x, rate, uniform_sampler, noise_shape=None, name=None):
    """Dropout whose uniform draws come from ``uniform_sampler(shape=..., dtype=...)`` (e.g.
    a ``tf.random.Generator``'s ``uniform``)."""
    if not callable(uniform_sampler):
        raise TypeError("general_dropout: `uniform_sampler` must be a callable "
                        "(shape, dtype) -> Tensor of uniform [0, 1) values; received "
                        f"{type(uniform_sampler).__name__}.")
    return _dropout(x, rate, noise_shape, uniform_sampler, "general_dropout")
