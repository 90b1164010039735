"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from featherflow.optimizers.optimizer import Optimizer, keras_float


class SGD(Optimizer):
    """Gradient descent: ``w -= learning_rate * g``, or with momentum ``m = momentum * m -
    learning_rate * g; w += m`` (Nesterov: ``w += momentum * m - learning_rate * g``).

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = SGD(learning_rate=0.1).apply_gradients([(np.array([1.0]), w)])
        >>> w.numpy()
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if isinstance(momentum, int) and not isinstance(momentum, bool):
            momentum = float(momentum)
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError(f"`momentum` must be a float between [0, 1], received {momentum!r}.")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        self._m = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")
            self._m = [m.data for m in self.momentums]

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if self.momentum == 0 and type(self).update_step is SGD.update_step:
            # Plain gradient descent, inlined: the per-step cost of small models.
            for g, v in zip(grads, trainable_variables):
                w = v.data
                w -= g * learning_rate
            return
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        w = variable.data
        if self.momentum == 0:
            w -= gradient * learning_rate
            return
        m = self._m[self._index[id(variable)]]
        step = gradient * learning_rate
        momentum = keras_float(self.momentum)
        m *= momentum
        m -= step
        if self.nesterov:
            w += m * momentum - step
        else:
            w += m

    def get_config(self):
        cfg = super().get_config()
        cfg.update(momentum=self.momentum, nesterov=self.nesterov)
        return cfg
