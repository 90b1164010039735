"""The Metric base class and the reducing metrics Mean, Sum and MeanMetricWrapper.

Metrics are not differentiated: they read NumPy arrays (Tensors are unwrapped) and update
their state in place, a few NumPy operations per step. State lives in non-trainable
Variables (``metric.variables``) so it can be saved, as in Keras.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.serialization import resolver
from featherflow.utils import naming


def to_array(x, dtype=None):
    """An ndarray from a Tensor, array, list or scalar (no copy when already fitting)."""
    a = x.data if isinstance(x, Tensor) else x
    if type(a) is not np.ndarray:
        a = np.asarray(a)
    if dtype is not None and a.dtype != dtype:
        a = a.astype(dtype)
    return a


def align(x1, x2, expand_rank_1=True):
    """Keras's ``squeeze_or_expand_to_same_rank`` on arrays."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


class Metric:
    """Base class of stateful metrics.

    Subclasses create state with ``add_variable`` in ``__init__`` and write
    ``update_state(...)`` and ``result()``; ``reset_state()`` zeroes every variable.

    Example::

        >>> class Count(Metric):
        ...     def __init__(self, name="count", dtype=None):
        ...         super().__init__(name=name, dtype=dtype)
        ...         self.n = self.add_variable((), "zeros", name="n")
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         self.n.assign_add(len(y_pred))
        ...     def result(self):
        ...         return self.n.value()
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self._np_dtype = np.dtype(dtype) if dtype is not None else config.floatx_dtype()
        self._variables = []

    @property
    def dtype(self):
        return self._np_dtype.name

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A non-trainable state Variable registered in ``self.variables``."""
        dt = self._np_dtype if dtype is None else np.dtype(dtype)
        shape = tuple(shape)
        if initializer in (None, "zeros") or type(initializer).__name__ == "Zeros":
            value = np.zeros(shape, dt)
        else:
            from featherflow import initializers

            value = np.asarray(initializers.get(initializer)(shape, dt), dt)
        var = Variable(value, trainable=False, name=name, dtype=dt)
        var.path = f"{self.name}/{name}"
        self._variables.append(var)
        return var

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        return self.add_variable(shape, initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        out = list(self._variables)
        for value in vars(self).values():
            if isinstance(value, Metric) and value is not self:
                out.extend(value.variables)
        return out

    def reset_state(self):
        for v in self.variables:
            v.data[...] = 0

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def reduce_to_samplewise(values, sample_weight, reduce_fn):
    """Weighted per-sample values and weights, following Keras's reduction metrics."""
    if sample_weight is not None:
        values, sample_weight = align(values, sample_weight)
        wnd, vnd = sample_weight.ndim, values.ndim
        if vnd > wnd:
            values = reduce_fn(values, axis=tuple(range(wnd, vnd)))
        sample_weight = np.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if wnd > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, wnd)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """Running (weighted) sum of the values given to ``update_state``.

    Example::

        >>> m = Sum()
        >>> m.update_state([1.0, 3.0])
        >>> float(m.result())
        4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")

    def update_state(self, values, sample_weight=None):
        v = to_array(values, self._np_dtype)
        sw = None if sample_weight is None else to_array(sample_weight, self._np_dtype)
        v, _ = reduce_to_samplewise(v, sw, np.sum)
        t = self.total.data
        t[()] = float(t) + float(np.sum(v))

    def result(self):
        return Tensor(self.total.data.copy())


class Mean(Metric):
    """Running (weighted) mean of the values given to ``update_state``.

    Values of rank > 1 are first averaged per sample (over all axes but the first).

    Example::

        >>> m = Mean()
        >>> m.update_state([1.0, 3.0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", name="total")
        self.count = self.add_variable((), "zeros", name="count")

    def update_state(self, values, sample_weight=None):
        v = to_array(values, self._np_dtype)
        if sample_weight is None:
            self._add(v)
            return
        sw = to_array(sample_weight, self._np_dtype)
        v, sw = reduce_to_samplewise(v, sw, np.mean)
        self._add_counts(float(np.sum(v)), float(np.sum(sw)))

    def _add(self, v):
        # Unweighted fast path: every sample has the same number of entries, so the sum of
        # per-sample means is the total over the entries per sample.
        nd = v.ndim
        if nd == 0:
            self._add_counts(float(v), 1)
        elif v.size:
            total = float(np.add.reduce(v, axis=None))
            if nd > 1:
                total /= v.size // v.shape[0]
            self._add_counts(total, v.shape[0])

    def _add_counts(self, total, count):
        """Add an already-reduced total over ``count`` samples (used by fast metrics)."""
        # Item assignment on the 0-d state arrays: in-place ufuncs cost ~20x more there.
        t, c = self.total.data, self.count.data
        t[()] = float(t) + total
        c[()] = float(c) + count

    def result(self):
        return Tensor(np.asarray(self.result_value(), self._np_dtype))

    def result_value(self):
        """The result as a Python float, rounded to the metric's dtype (what ``fit`` reads
        at each epoch end). Dividing in float64 and rounding once gives the float32 quotient
        exactly: float64 carries more than twice float32's digits."""
        count = float(self.count.data)
        if not count:
            return 0.0
        return float(self._np_dtype.type(float(self.total.data) / count))

    def reset_state(self):
        if len(self._variables) != 2:  # a subclass with state of its own
            super().reset_state()
            return
        # item assignment on the two 0-d states: the loss tracker is reset every epoch
        self.total.data[()] = 0
        self.count.data[()] = 0


class MeanMetricWrapper(Mean):
    """Mean over samples of ``fn(y_true, y_pred, **kwargs)``.

    Example::

        >>> m = MeanMetricWrapper(lambda y, p: (y == p).astype("float32"), name="eq")
        >>> m.update_state(np.array([1, 2]), np.array([1, 3]))
        >>> float(m.result())
        0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        cfg = super().get_config()
        cfg["fn"] = resolver.serialize_function(self._fn, "keras.metrics")
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config):
        if "fn" not in config:
            return cls(**config)
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, (dict, str)):
            from featherflow import metrics

            fn = metrics.get(fn)
        return cls(fn, **config)
