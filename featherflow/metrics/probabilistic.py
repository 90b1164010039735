"""Loss-valued metrics: cross-entropies, KL divergence, Poisson and the hinge family.

Each is the running mean of the loss function of the same name (``featherflow.losses``),
evaluated without a tape.
"""

from featherflow.losses import functions as loss_functions
from featherflow.metrics.metric import MeanMetricWrapper


class _LossMetric(MeanMetricWrapper):
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class KLDivergence(_LossMetric):
    """Running mean Kullback-Leibler divergence.

    Example::

        >>> m = KLDivergence()
        >>> m.update_state([[0.5, 0.5]], [[0.5, 0.5]])
        >>> float(m.result())
        0.0
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(loss_functions.kl_divergence, name=name, dtype=dtype)


class Poisson(_LossMetric):
    """Running mean Poisson loss.

    Example::

        >>> m = Poisson()
        >>> m.update_state([[1.0]], [[1.0]])
        >>> round(float(m.result()), 4)
        1.0
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(loss_functions.poisson, name=name, dtype=dtype)


class Hinge(_LossMetric):
    """Running mean hinge loss.

    Example::

        >>> m = Hinge()
        >>> m.update_state([[1.0]], [[0.25]])
        >>> float(m.result())
        0.75
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(loss_functions.hinge, name=name, dtype=dtype)


class SquaredHinge(_LossMetric):
    """Running mean squared hinge loss.

    Example::

        >>> m = SquaredHinge()
        >>> m.update_state([[1.0]], [[0.5]])
        >>> float(m.result())
        0.25
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(loss_functions.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_LossMetric):
    """Running mean categorical hinge loss.

    Example::

        >>> m = CategoricalHinge()
        >>> m.update_state([[0.0, 1.0]], [[0.0, 1.0]])
        >>> float(m.result())
        0.0
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(loss_functions.categorical_hinge, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean binary cross-entropy.

    Example::

        >>> m = BinaryCrossentropy()
        >>> m.update_state([[1.0]], [[0.5]])
        >>> round(float(m.result()), 4)
        0.6931
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(loss_functions.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean categorical cross-entropy.

    Example::

        >>> m = CategoricalCrossentropy()
        >>> m.update_state([[0.0, 1.0]], [[0.5, 0.5]])
        >>> round(float(m.result()), 4)
        0.6931
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(loss_functions.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean sparse categorical cross-entropy (integer labels).

    Example::

        >>> m = SparseCategoricalCrossentropy()
        >>> m.update_state([1], [[0.5, 0.5]])
        >>> round(float(m.result()), 4)
        0.6931
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(loss_functions.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
