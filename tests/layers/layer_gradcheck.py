"""Gradient check of a whole layer: input and trainable-weight gradients vs central differences.

The layer is built in float64 with seeded random weights; the checked scalar is
``sum(layer(x) * r)`` for a fixed random ``r``. Numerical gradients set the weights with
``set_weights`` for every probe, so the check sees exactly what a user's layer computes.
"""

import numpy as np

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.testing import numerical_gradients


def check_layer(make, x, call_kwargs=None, seed=0, rtol=1e-5, atol=1e-6, weights=None):
    """Build ``make()`` on ``x`` and compare the tape's gradients with finite differences.

    Returns the layer (built, with the weights used) for further assertions.
    """
    kwargs = dict(call_kwargs or {})
    previous = config.floatx()
    config.set_floatx("float64")
    try:
        rng = np.random.default_rng(seed)
        x = np.asarray(x, np.float64)
        layer = make()
        layer(Tensor(x.copy()), **{**kwargs, "training": False} if "training" in kwargs
              else kwargs)
        if weights is None:
            weights = [rng.normal(0, 0.5, v.data.shape) if v.trainable
                       else rng.uniform(0.5, 1.5, v.data.shape) for v in layer.weights]
        layer.set_weights(weights)
        probe = layer(Tensor(x.copy()), **kwargs).numpy()
        r = rng.normal(size=probe.shape)
        trainable = [v for v in layer.weights if v.trainable]
        xt = Tensor(x.copy())
        layer.set_weights(weights)
        with GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, **kwargs)
        analytic = tape.gradient(y, [xt] + trainable, output_gradients=[r])

        positions = [i for i, v in enumerate(layer.weights) if v.trainable]

        def fn(xin, *ws):
            full = list(weights)
            for i, w in zip(positions, ws):
                full[i] = w.numpy()
            layer.set_weights(full)
            return layer(xin, **kwargs)

        numeric = numerical_gradients(fn, [x.copy()] + [weights[i].copy() for i in positions],
                                      weights=[r])
        labels = ["input"] + [layer.weights[i].name for i in positions]
        for label, a, n in zip(labels, analytic, numeric):
            a = np.zeros_like(n) if a is None else a.numpy()
            np.testing.assert_allclose(a, n, rtol=rtol, atol=atol,
                                       err_msg=f"gradient of {label}")
        layer.set_weights(weights)
        return layer
    finally:
        config.set_floatx(previous)
