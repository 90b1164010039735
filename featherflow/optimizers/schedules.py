"""Learning-rate schedules with Keras 3 names, formulas and configs.

A schedule maps the optimizer's step counter to a learning rate. Values are computed in the
dtype of ``initial_learning_rate`` (``floatx()`` for a Python float, as Keras does) and
returned as a Tensor; steps may also be arrays, to plot a whole schedule at once.

Example::

    >>> from featherflow.optimizers import schedules
    >>> s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(s(10)), 6)
    0.05
"""

import math

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.serialization import resolver


def _dtype_of(value):
    if isinstance(value, Tensor):
        return value.data.dtype
    if isinstance(value, (np.ndarray, np.floating)):
        return value.dtype
    return config.floatx_dtype()


def _as(value, dtype):
    v = value.data if isinstance(value, Tensor) else value
    if type(v) is float:
        # Keras's ops.cast turns a Python float into a float32 tensor before casting it.
        v = np.float32(v)
    return np.asarray(v).astype(dtype)


class LearningRateSchedule:
    """Base class: ``__call__(step)`` returns the learning rate for an optimizer step.

    Example::

        >>> class Halving(LearningRateSchedule):
        ...     def __call__(self, step):
        ...         return 0.1 * 0.5 ** (int(step) // 100)
        ...     def get_config(self):
        ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override __call__(step)."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override get_config() to "
            f"be serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_steps(value, name):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0, received {name}={value}.")


def _decay_init(schedule, initial_learning_rate, decay_steps, decay_rate, staircase, name):
    """The settings ExponentialDecay and InverseTimeDecay share."""
    schedule.initial_learning_rate = initial_learning_rate
    schedule.decay_steps = decay_steps
    schedule.decay_rate = decay_rate
    schedule.staircase = staircase
    schedule.name = name
    _check_steps(decay_steps, "decay_steps")


def _decay_progress(schedule, step):
    """(dtype, step / decay_steps, floored when staircase) for the decay schedules."""
    dt = _dtype_of(schedule.initial_learning_rate)
    p = _as(step, dt) / _as(schedule.decay_steps, dt)
    if schedule.staircase:
        p = np.floor(p)
    return dt, p


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored if staircase).

    Example::

        >>> round(float(ExponentialDecay(1.0, 2, 0.5, staircase=True)(3)), 6)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        _decay_init(self, initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        dt, p = _decay_progress(self, step)
        out = _as(self.initial_learning_rate, dt) * np.power(_as(self.decay_rate, dt), p)
        return Tensor(np.asarray(out, dt))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``.

    Example::

        >>> s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
        >>> [round(float(s(n)), 6) for n in (10, 11, 21)]
        [1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"The length of boundaries should be 1 less than the length of values; "
                f"received {len(boundaries)} boundaries and {len(values)} values."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        dt = _dtype_of(self.values[0])
        s = np.asarray(step.data if isinstance(step, Tensor) else step)
        b = [np.asarray(x).astype(s.dtype) for x in self.boundaries]
        v = [_as(x, dt) for x in self.values]
        out = (s <= b[0]).astype(dt) * v[0] + (s > b[-1]).astype(dt) * v[-1]
        for low, high, value in zip(b[:-1], b[1:], v[1:-1]):
            out = out + ((s > low) & (s <= high)).astype(dt) * value
        return Tensor(np.asarray(out, dt))

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``.

    With ``cycle=True`` the decay restarts with longer periods instead of staying at the end.

    Example::

        >>> round(float(PolynomialDecay(1.0, 10, end_learning_rate=0.0)(5)), 6)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_steps(decay_steps, "decay_steps")

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        init = _as(self.initial_learning_rate, dt)
        end = _as(self.end_learning_rate, dt)
        s = _as(step, dt)
        steps = _as(self.decay_steps, dt)
        if self.cycle:
            steps = steps * np.where(s == 0, 1.0, np.ceil(s / self.decay_steps)).astype(dt)
        else:
            s = np.minimum(s, steps)
        p = s / steps
        out = (init - end) * np.power(1 - p, _as(self.power, dt)) + end
        return Tensor(np.asarray(out, dt))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Example::

        >>> round(float(InverseTimeDecay(1.0, 1, 1.0)(1)), 6)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        _decay_init(self, initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        dt, p = _decay_progress(self, step)
        out = _as(self.initial_learning_rate, dt) / (1 + _as(self.decay_rate, dt) * p)
        return Tensor(np.asarray(out, dt))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha * rate``, with an optional linear warmup to ``warmup_target``.

    Example::

        >>> round(float(CosineDecay(1.0, 10)(5)), 6)
        0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_steps(decay_steps, "decay_steps")

    def _decay(self, step, decay_steps, from_lr, dt):
        cosine = 0.5 * (1.0 + np.cos(np.asarray(math.pi, dt) * (step / decay_steps)))
        return from_lr * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        init = _as(self.initial_learning_rate, dt)
        steps = _as(self.decay_steps, dt)
        s = _as(step, dt)
        if self.warmup_target is None:
            out = self._decay(np.minimum(s, steps), steps, init, dt)
            return Tensor(np.asarray(out, dt))
        target = _as(self.warmup_target, dt)
        warm = _as(self.warmup_steps, dt)
        s = np.minimum(s, steps + warm)
        with np.errstate(divide="ignore", invalid="ignore"):
            warming = (target - init) * (s / warm) + init
        decaying = self._decay(s - warm, steps, target, dt)
        return Tensor(np.asarray(np.where(s < warm, warming, decaying), dt))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks by ``m_mul``.

    Example::

        >>> round(float(CosineDecayRestarts(1.0, 10)(10)), 6)
        1.0
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps(first_decay_steps, "first_decay_steps")

    def __call__(self, step):
        dt = _dtype_of(self.initial_learning_rate)
        init = _as(self.initial_learning_rate, dt)
        alpha = _as(self.alpha, dt)
        t_mul = _as(self._t_mul, dt)
        m_mul = _as(self._m_mul, dt)
        fraction = _as(step, dt) / _as(self.first_decay_steps, dt)
        if t_mul == 1.0:
            i_restart = np.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = np.floor(np.log(1.0 - fraction * (1.0 - t_mul)) / np.log(t_mul))
            sum_r = (1.0 - np.power(t_mul, i_restart)) / (1.0 - t_mul)
            fraction = (fraction - sum_r) / np.power(t_mul, i_restart)
        cosine = 0.5 * np.power(m_mul, i_restart) * (
            1.0 + np.cos(np.asarray(math.pi, dt) * fraction))
        out = init * ((1 - alpha) * cosine + alpha)
        return Tensor(np.asarray(out, dt))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


ALL_OBJECTS_DICT = {cls.__name__: cls for cls in (
    LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
    InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """Keras 3 config dict of a schedule."""
    return resolver.serialize_object(learning_rate_schedule, "keras.optimizers.schedules")


def deserialize(config, custom_objects=None):
    """The schedule a config dict describes."""
    return resolver.deserialize(config, ALL_OBJECTS_DICT, "learning rate schedule",
                               custom_objects)
