"""``tf.train.ExponentialMovingAverage``: shadow copies of variables that follow them with
exponential decay, as TensorFlow 2.21 does eagerly.

Each ``apply`` moves every shadow variable by ``shadow -= (1 - decay) * (shadow - variable)``;
with ``num_updates`` the decay is ``min(decay, (1 + n) / (10 + n))``, computed in float32 and
cast to the variable's dtype. Inside a distribution strategy's replica context the value
averaged is the mean of the variable over the replicas.

Differences on purpose: featherflow's Keras variables are accepted (TensorFlow 2.21 raises
AttributeError on Keras 3 variables, whose dtype is a string); variable names carry no
``:0`` suffix, so a shadow variable of ``w`` is named ``w/ExponentialMovingAverage``.

Example::

    >>> w = tf.Variable([1.0, 2.0], name="w")
    >>> ema = tf.train.ExponentialMovingAverage(decay=0.9)
    >>> ema.apply([w])
    >>> w.assign([2.0, 4.0])
    >>> ema.apply([w])
    >>> ema.average(w).numpy()
    array([1.1, 2.2], dtype=float32)
"""

import threading

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.distribute import context as distribute_context
from featherflow.distribute.reduce_op import ReduceOp

_FLOAT_NAMES = ("bfloat16", "float16", "float32", "float64")

# TensorFlow names a shadow variable inside a variable scope it uniquifies for the whole
# program (across ExponentialMovingAverage objects), so one process-wide registry
_SCOPES_LOCK = threading.Lock()
_USED_SCOPES = set()
# every variable some ExponentialMovingAverage maintains (TensorFlow's
# MOVING_AVERAGE_VARIABLES collection), the default of variables_to_restore
_MAINTAINED = []


def _base_name(name):
    """A variable's name without TensorFlow's ``:0`` output suffix."""
    return name[:-2] if name.endswith(":0") else name


def _shared_name(var):
    """The prefix TensorFlow gives a variable's slots: its name up to the first ``:``."""
    name = _base_name(var.name)
    return name.split(":", 1)[0]


def _unique_scope(base):
    with _SCOPES_LOCK:
        name, index = base, 0
        while name in _USED_SCOPES:
            index += 1
            name = f"{base}_{index}"
        _USED_SCOPES.add(name)
    return name


def _float32_scalar(value, what):
    if isinstance(value, Tensor):
        array = value.data
        if what == "decay" and array.dtype != np.float32:
            raise ValueError(
                f"ExponentialMovingAverage: Tensor conversion requested dtype float32 for "
                f"Tensor with dtype {array.dtype.name} (the decay). Cast it with "
                f"tf.cast(decay, tf.float32).")
    else:
        array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"ExponentialMovingAverage: {what} must be a number or a numeric tensor, received "
            f"{value!r}.")
    return np.asarray(array, np.float32)


def _check_variables(var_list):
    for var in var_list:
        if isinstance(var, Tensor) and not isinstance(var, Variable):
            raise TypeError(
                "tf.train.ExponentialMovingAverage does not support non-Variable tensors when "
                "eager execution is enabled.")
        if not isinstance(var, Variable):
            raise TypeError(
                f"tf.train.ExponentialMovingAverage.apply: var_list must hold Variables, "
                f"received {type(var).__name__} {var!r}.")
        if var.data.dtype.name not in _FLOAT_NAMES:
            raise TypeError(f"The variables must be half, float, or double: {var.name}:0")


class ExponentialMovingAverage:
    """Maintains moving averages of variables (``tf.train.ExponentialMovingAverage``).

    Example::

        >>> ema = tf.train.ExponentialMovingAverage(0.999, num_updates=step)
        >>> ema.apply(model.trainable_variables)   # after each optimizer step
        >>> ema.average(model.trainable_variables[0])
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        # only shadows of non-Variable tensors are zero-debiased, and eager execution
        # refuses those: kept for the signature, as TensorFlow does
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self):
        """The name of this ExponentialMovingAverage object."""
        return self._name

    def _decay_now(self):
        decay = _float32_scalar(self._decay, "decay")
        if self._num_updates is not None:
            n = _float32_scalar(self._num_updates, "num_updates")
            decay = np.minimum(decay, (np.float32(1.0) + n) / (np.float32(10.0) + n))
        return np.float32(1.0) - decay

    def apply(self, var_list=None):
        """Create shadow variables for new members of ``var_list`` (starting at their current
        values) and move every shadow one step towards its variable; returns None.

        ``var_list=None`` is empty eagerly: TensorFlow 2 keeps no global list of trainable
        variables outside graphs."""
        var_list = [] if var_list is None else list(var_list)
        _check_variables(var_list)
        one_minus_decay = self._decay_now()
        for var in var_list:
            if id(var) not in self._averages:
                scope = _unique_scope(f"{_shared_name(var)}/{self._name}")
                shadow = Variable(var.data.copy(), trainable=False, name=scope)
                self._averages[id(var)] = (var, shadow)
                if not any(v is var for v in _MAINTAINED):
                    _MAINTAINED.append(var)
        for var in var_list:
            _assign_moving_average(self._averages[id(var)][1], var, one_minus_decay)

    def average(self, var):
        """The Variable holding ``var``'s moving average, or None if it is not maintained."""
        entry = self._averages.get(id(var))
        return None if entry is None or entry[0] is not var else entry[1]

    def average_name(self, var):
        """The name of the shadow variable of ``var``: its own once ``apply`` made it,
        before that ``<variable name>/<ema name>`` (which reserves nothing)."""
        shadow = self.average(var)
        if shadow is not None:
            return shadow.name
        return f"{_base_name(var.name)}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """``{average_name(v): v}`` for ``moving_avg_variables`` (default: every variable an
        ExponentialMovingAverage maintains in this program)."""
        if moving_avg_variables is None:
            moving_avg_variables = list(_MAINTAINED)
        return {self.average_name(var): var for var in moving_avg_variables}


def _assign_moving_average(shadow, var, one_minus_decay):
    value = var.data
    replica = distribute_context.get_replica_context()
    if replica is not None:
        # TensorFlow's merge_call: the strategy averages the replicas' values first
        value = replica.merge_call(
            lambda strategy: strategy.extended.reduce_to(ReduceOp.MEAN, value, shadow))
        value = value.data if isinstance(value, Tensor) else np.asarray(value)
    dtype = shadow.data.dtype
    step = (shadow.data - np.asarray(value, dtype)) * one_minus_decay.astype(dtype)
    shadow.assign_sub(step.astype(dtype))
