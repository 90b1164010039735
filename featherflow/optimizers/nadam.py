"""Nadam: Adam with Nesterov momentum (Dozat, 2016), with Keras's momentum schedule."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class Nadam(Optimizer):
    """Nesterov-accelerated Adam.

    The momentum coefficient follows ``beta_1 * (1 - 0.5 * 0.96^t)``; its running product is
    kept in a state variable, as in Keras.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Nadam(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> bool(w.numpy()[0] < 1.0)
        True
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
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

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        dtype = var_list[0].data.dtype if var_list else None
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        self._m = [v.data for v in self._momentums]
        self._v = [v.data for v in self._velocities]
        # Keras creates this running product as a Variable named "variable", last in order.
        self._u_product = self._make_variable(np.ones((), dtype or np.float32), "variable")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        t = self._t
        # The product is updated with Python-float betas, the step with float32-cast ones.
        self._u_product.data *= self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        b1, decay = keras_float(self.beta_1), keras_float(0.96)
        self._u_t = b1 * (1.0 - 0.5 * decay ** t)
        self._u_t1 = b1 * (1.0 - 0.5 * decay ** (t + 1))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        m, v = self._m[i], self._v[i]
        b1, b2, t = keras_float(self.beta_1), keras_float(self.beta_2), self._t
        u_t, u_t1 = self._u_t, self._u_t1
        u_product = float(self._u_product.data)
        u_product_next = u_product * u_t1
        m += (gradient - m) * (1.0 - b1)
        v += (gradient * gradient - v) * (1.0 - b2)
        m_hat = (u_t1 * m) / (1.0 - u_product_next) + ((1.0 - u_t) * gradient) / (1.0 - u_product)
        v_hat = v / (1.0 - b2 ** t)
        variable.data -= (m_hat * learning_rate) / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return cfg
