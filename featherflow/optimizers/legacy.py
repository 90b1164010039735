"""``keras.optimizers.legacy``: Keras 3 keeps the names but refuses to build them.

Each class raises Keras 3.15.1's ImportError when instantiated (tf.keras 2's legacy optimizers
are not part of Keras 3); the message also names featherflow's equivalent.

Example::

    >>> tf.keras.optimizers.legacy.Adam()
    Traceback (most recent call last):
    ImportError: `keras.optimizers.legacy` is not supported in Keras 3. ...
"""


class _LegacyOptimizer:
    def __init__(self, *args, **kwargs):
        name = type(self).__name__
        raise ImportError(
            "`keras.optimizers.legacy` is not supported in Keras 3. When using `tf.keras`, to "
            "continue using a `tf.keras.optimizers.legacy` optimizer, you can install the "
            "`tf_keras` package (Keras 2) and set the environment variable "
            "`TF_USE_LEGACY_KERAS=True` to configure TensorFlow to use `tf_keras` when "
            f"accessing `tf.keras`. In featherflow use `tf.keras.optimizers.{name}` instead."
        )


class Adagrad(_LegacyOptimizer):
    """Refused as in Keras 3: use ``tf.keras.optimizers.Adagrad``."""


class Adam(_LegacyOptimizer):
    """Refused as in Keras 3: use ``tf.keras.optimizers.Adam``."""


class Ftrl(_LegacyOptimizer):
    """Refused as in Keras 3: use ``tf.keras.optimizers.Ftrl``."""


class Optimizer(_LegacyOptimizer):
    """Refused as in Keras 3: subclass ``tf.keras.optimizers.Optimizer``."""


class RMSprop(_LegacyOptimizer):
    """Refused as in Keras 3: use ``tf.keras.optimizers.RMSprop``."""


class SGD(_LegacyOptimizer):
    """Refused as in Keras 3: use ``tf.keras.optimizers.SGD``."""


__all__ = ["SGD", "Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop"]
