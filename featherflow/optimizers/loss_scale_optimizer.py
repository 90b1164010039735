"""LossScaleOptimizer: Keras 3's dynamic loss scaling around another optimizer."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.ops import math as math_ops
from featherflow.optimizers.optimizer import Optimizer

# Keras 3 refuses these base settings on the wrapper (they belong on the inner optimizer)
_BASE_DEFAULTS = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Dynamic loss scaling, as Keras 3's ``LossScaleOptimizer``.

    The loss is multiplied by the loss scale before the gradients are taken
    (:meth:`scale_loss`; ``fit`` does it), and :meth:`apply` divides them by it again. A step
    whose gradients hold an inf or NaN is skipped and the scale halved; after
    ``dynamic_growth_steps`` finite steps in a row the scale doubles. ``compile`` under the
    ``"mixed_float16"`` policy wraps the optimizer in one.

    Example::

        >>> opt = tf.keras.mixed_precision.LossScaleOptimizer(tf.keras.optimizers.SGD(0.1))
        >>> w = tf.Variable([1.0])
        >>> opt.apply([np.array([np.inf], "float32")], [w])   # skipped: scale halves
        >>> float(opt.dynamic_scale.numpy()), float(w.numpy()[0])
        (16384.0, 1.0)
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name not in kwargs:
                continue
            value = kwargs.pop(arg_name)
            if (default is None and value is not None) or value != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set "
                    f"`{arg_name}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError(
                "LossScaleOptimizer: `inner_optimizer` must be an optimizer instance such as "
                f"tf.keras.optimizers.SGD(); received {inner_optimizer!r}."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        var_list = list(var_list)
        self.step_counter = self.add_variable((), initializer="zeros", dtype="int64",
                                              name="step_counter")
        self.dynamic_scale = self.add_variable((), initializer="zeros", dtype="float32",
                                               name="dynamic_scale")
        self.dynamic_scale.data[()] = self.initial_scale
        if not self.inner_optimizer.built:
            self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self):
        return list(self._variables) + list(self.inner_optimizer.variables)

    def apply(self, grads, trainable_variables=None):
        """Skip the step and halve the scale if a gradient is not finite; else unscale the
        gradients, let the inner optimizer apply them and count towards doubling the scale."""
        if not self.built:
            if trainable_variables is None:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables: call optimizer.build(trainable_variables) "
                    "first."
                )
            trainable_variables = list(trainable_variables)
            self.build(trainable_variables)
        arrays = [None if g is None else (g.data if isinstance(g, Tensor) else np.asarray(g))
                  for g in grads]
        counter = self.step_counter.data
        scale = self.dynamic_scale.data
        if not all(np.isfinite(g).all() for g in arrays if g is not None):
            counter[()] = 0
            scale[()] = scale * np.float32(0.5)
            return
        divisor = np.float32(scale)
        self.inner_optimizer.apply(
            [None if g is None else g / divisor for g in arrays], trainable_variables)
        if int(counter) == self.dynamic_growth_steps - 1:
            counter[()] = 0
            scale[()] = scale * np.float32(2.0)
        else:
            counter[()] = counter + 1

    def check_finite(self, grads):
        """Whether every gradient (None ones aside) is finite, as a boolean Tensor."""
        arrays = [g.data if isinstance(g, Tensor) else np.asarray(g)
                  for g in grads if g is not None]
        return Tensor(np.asarray(all(np.isfinite(g).all() for g in arrays)))

    def scale_loss(self, loss):
        """``loss`` times the current loss scale (``initial_scale`` before the first step)."""
        scale = self.dynamic_scale.data if self.built else self.initial_scale
        return math_ops.multiply(loss, np.asarray(scale, np.float32))

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def save_own_variables(self, store):
        for i, var in enumerate(self.variables):
            store[str(i)] = var.numpy()

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            raise ValueError(
                f"LossScaleOptimizer '{self.name}' has {len(variables)} variables (built: "
                f"{self.built}) but the saved optimizer has {len(store.keys())}; build it on "
                "the model's trainable variables before loading."
            )
        for i, var in enumerate(variables):
            var.data[...] = np.asarray(store[str(i)])

    def get_config(self):
        # optimizers imports this module: the serializer is looked up when a config is made
        from featherflow import optimizers

        return {
            "name": self.name,
            "inner_optimizer": optimizers.serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # the same cycle as get_config
        from featherflow import optimizers

        config = dict(config)
        inner = optimizers.deserialize(config.pop("inner_optimizer"),
                                       custom_objects=custom_objects)
        return cls(inner, **config)
