"""Muon: momentum orthogonalised by Newton-Schulz iterations for 2-D weights, AdamW for the
rest (Jordan et al., 2024; Moonlight's RMS scaling), in Keras 3.15.1's form.

A variable goes to AdamW when it is not 2-D, when its path contains "embedding" (with
``exclude_embeddings``) or matches one of ``exclude_layers`` (regular expressions); those
variables get a ``velocity`` slot besides their ``momentum``.
"""

import re

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


def _swap_last(x):
    return np.swapaxes(x, -1, -2)


class Muon(Optimizer):
    """Muon for matrices, AdamW (``adam_*`` settings, rate ``lr * adam_lr_ratio``) for the
    other variables.

    A matrix's update is the orthogonalised (nesterov) momentum, scaled by
    ``sqrt(max(rows, cols)) * rms_rate`` (no scaling with ``rms_rate=None``). Weight decay is
    ``weight_decay`` for Muon's variables and ``adam_weight_decay`` for AdamW's.

    Example::

        >>> w = tf.Variable([[1.0, 0.0], [0.0, 1.0]])
        >>> _ = Muon(learning_rate=0.1).apply_gradients([(np.ones((2, 2)), w)])
        >>> w.numpy().round(4)
        array([[ 0.9898, -0.0098],
               [-0.0098,  0.9898]], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not isinstance(ns_steps, (int, np.integer)) or ns_steps < 0:
            raise ValueError(
                f"Muon: `ns_steps` must be an integer >= 0, received ns_steps={ns_steps!r}."
            )
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _path(self, variable):
        return str(getattr(variable, "path", None) or variable.name)

    def _should_use_adamw(self, variable):
        if variable.data.ndim != 2:
            return True
        path = self._path(variable)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = []
        self.adam_velocities = []
        for var in var_list:
            self.momentums.append(self.add_variable_from_reference(var, name="momentum"))
            self.adam_velocities.append(
                self.add_variable_from_reference(var, name="velocity")
                if self._should_use_adamw(var) else None)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        m = self.momentums[i].data
        v = self.adam_velocities[i]
        if v is not None:
            self._adamw_update_step(gradient, variable, learning_rate * self.adam_lr_ratio, m,
                                    v.data)
        else:
            self._muon_update_step(gradient, variable, learning_rate, m)

    def _muon_update_step(self, gradient, variable, lr, m):
        m += gradient + m * (self.momentum - 1)
        g = gradient + self.momentum * m if self.nesterov else m
        update = lr * self.zeropower_via_newtonschulz5(g, self.ns_steps)
        variable.data -= self.lr_adjust(update)

    def _adamw_update_step(self, gradient, variable, lr, m, v):
        w = variable.data
        dt = w.dtype.type
        step = dt(self._t)
        b1 = dt(keras_float(self.adam_beta_1))
        b2 = dt(keras_float(self.adam_beta_2))
        alpha = dt(lr) * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
        m += (gradient - m) * (1 - self.adam_beta_1)
        v += (np.square(gradient) - v) * (1 - self.adam_beta_2)
        w -= (m * alpha) / (np.sqrt(v) + self.epsilon)

    def lr_adjust(self, x):
        """Moonlight's scaling of an update: ``x * sqrt(max(rows, cols)) * rms_rate``."""
        if self.rms_rate is None:
            return x
        # Keras takes the square root of the integer in float32
        scale = np.sqrt(np.float32(max(x.shape[0], x.shape[1])))
        return x * x.dtype.type(scale) * self.rms_rate

    def zeropower_via_newtonschulz5(self, x, steps):
        """An approximately orthogonal matrix of ``x``'s row/column space (quintic
        Newton-Schulz, ``steps`` iterations)."""
        if x.ndim < 2:
            raise ValueError(
                f"Muon: Newton-Schulz needs a gradient or momentum of at least 2 dimensions; "
                f"received shape {x.shape}."
            )
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = _swap_last(x)
        x = x / (np.sqrt(np.sum(np.square(x), axis=(-2, -1), keepdims=True)) + 1e-7)
        for _ in range(steps):
            gram = x @ _swap_last(x)
            x = a * x + (b * gram + (c * gram) @ gram) @ x
        return _swap_last(x) if tall else x

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if self.weight_decay is None:
            # the base skips decay without `weight_decay`; Keras's Muon still decays AdamW's
            # variables by `adam_weight_decay`
            self._apply_weight_decay(trainable_variables, learning_rate)
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _apply_weight_decay(self, variables, lr):
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            decay = (self.adam_weight_decay if self._should_use_adamw(variable)
                     else self.weight_decay)
            if decay is None:
                continue
            w = variable.data
            w -= w * w.dtype.type(keras_float(decay)) * w.dtype.type(lr)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(adam_beta_1=self.adam_beta_1, adam_beta_2=self.adam_beta_2,
                   epsilon=self.epsilon, exclude_layers=self.exclude_layers,
                   muon_a=self.muon_a, muon_b=self.muon_b, muon_c=self.muon_c,
                   adam_lr_ratio=self.adam_lr_ratio, momentum=self.momentum,
                   ns_steps=self.ns_steps, nesterov=self.nesterov,
                   exclude_embeddings=self.exclude_embeddings,
                   adam_weight_decay=self.adam_weight_decay, rms_rate=self.rms_rate)
        return cfg
