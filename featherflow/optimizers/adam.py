"""Adam and AdamW: adaptive moment estimation (AdamW with decoupled weight decay)."""

import math

import numpy as np

from featherflow.backend import fast
from featherflow.optimizers.optimizer import Optimizer, keras_float


class Adam(Optimizer):
    """Adam: running means of the gradient and of its square, bias-corrected.

    ``w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)``; with
    ``amsgrad=True`` the running maximum of ``v`` is used.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Adam(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> w.numpy().round(4)
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        self._m = [v.data for v in self._momentums]
        self._v = [v.data for v in self._velocities]
        self._vhat = []
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")
            self._vhat = [v.data for v in self._velocity_hats]
        # Scratch buffers keep the step free of temporary arrays for large weights.
        self._tmp = [np.empty_like(v.data) for v in var_list]

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        kernels = fast.kernels()
        if (kernels is None or self.amsgrad
                or type(self).update_step is not Adam.update_step):
            return super()._backend_update_step(grads, trainable_variables, learning_rate)
        # the fused step (backend/fast): one compiled pass per variable instead of ten
        # NumPy passes, with the same float32 operations in the same order
        t = self._t
        b1, b2 = self.beta_1, self.beta_2
        alpha = learning_rate * math.sqrt(1.0 - keras_float(b2) ** t) / (
            1.0 - keras_float(b1) ** t)
        scalars = {}
        for g, variable in zip(grads, trainable_variables):
            i = self._index[id(variable)]
            w = variable.data
            m, v = self._m[i], self._v[i]
            if (w.dtype.kind != "f" or w.dtype.itemsize < 4 or not w.flags.c_contiguous
                    or g.dtype != w.dtype):
                self.update_step(g, variable, learning_rate)
                continue
            dt = w.dtype.type
            if dt not in scalars:
                scalars[dt] = (dt(1.0 - b1), dt(1.0 - b2), dt(self.epsilon), dt(alpha))
            update = (kernels.adam_update if w.size >= kernels.ADAM_PARALLEL_SIZE
                      else kernels.adam_update_serial)
            update(w.reshape(-1), np.ascontiguousarray(g).reshape(-1), m.reshape(-1),
                   v.reshape(-1), *scalars[dt])

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        m, v, tmp = self._m[i], self._v[i], self._tmp[i]
        t = self._t
        b1, b2 = self.beta_1, self.beta_2
        alpha = learning_rate * math.sqrt(1.0 - keras_float(b2) ** t) / (
            1.0 - keras_float(b1) ** t)
        np.subtract(gradient, m, out=tmp)
        tmp *= 1.0 - b1
        m += tmp
        np.multiply(gradient, gradient, out=tmp)
        tmp -= v
        tmp *= 1.0 - b2
        v += tmp
        if self.amsgrad:
            vhat = self._vhat[i]
            np.maximum(vhat, v, out=vhat)
            v = vhat
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        variable.data -= tmp

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon,
                   amsgrad=self.amsgrad)
        return cfg


class AdamW(Adam):
    """Adam with decoupled weight decay: ``w -= w * weight_decay * lr`` before each step.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = AdamW(learning_rate=0.1, weight_decay=0.5).apply_gradients([(np.array([0.0]), w)])
        >>> w.numpy()
        array([0.95], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if self.weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a float, received None.")
