"""The hyperparameter kinds (``Int``, ``Float``, ``Choice``, ``Boolean``, ``Fixed``) and the
``Parent`` condition, with KerasTuner 1.4's values, defaults, sampling maps and configs.

Every kind maps a probability in [0, 1) to a value (``prob_to_value``) and back, as KerasTuner
does; the Optuna engine (``featherflow.keras_tuner.engine``) samples in the kind's natural
Optuna distribution where one exists and in that probability otherwise.
"""

import math
import random


def _prob_to_index(prob, n_index):
    index = int(math.floor(prob / (1 / n_index)))
    return n_index - 1 if index == n_index else index


def _index_to_prob(index, n_index):
    return (index + 0.5) / n_index


class Parent:
    """A condition: active when hyperparameter ``name`` has one of ``values``."""

    def __init__(self, name, values):
        self.name = name
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        first = values[0]
        if isinstance(first, str):
            values = [str(v) for v in values]
        elif isinstance(first, bool):
            pass
        elif isinstance(first, int):
            values = [int(v) for v in values]
        elif not isinstance(first, float):
            raise TypeError("Can contain only `int`, `float`, `str`, or `bool`, found values: "
                            f"{values} with types: {type(first)}")
        self.values = values

    def is_active(self, values):
        return self.name in values and values[self.name] in self.values

    def __eq__(self, other):
        return isinstance(other, Parent) and (other.name, other.values) == (self.name,
                                                                            self.values)

    def __repr__(self):
        return f"Parent(name={self.name!r}, values={self.values!r})"

    def get_config(self):
        return {"name": self.name, "values": self.values}


def _serialize_condition(condition):
    return {"class_name": "Parent", "config": condition.get_config()}


def _deserialize_condition(config):
    if isinstance(config, Parent):
        return config
    if config.get("class_name") != "Parent":
        raise ValueError(f"Unknown condition {config!r}: KerasTuner has only `Parent`.")
    return Parent(**config["config"])


class HyperParameter:
    """Base of the kinds: a name, a default and the conditions that make it active."""

    def __init__(self, name, default=None, conditions=None):
        self.name = name
        self._default = default
        if conditions is None:
            conditions = []
        elif not isinstance(conditions, (list, tuple)):
            conditions = [conditions]
        self.conditions = [_deserialize_condition(c) for c in conditions]

    @property
    def default(self):
        return self._default

    def random_sample(self, seed=None):
        return self.prob_to_value(float(random.Random(seed).random()))

    def get_config(self):
        return {"name": self.name, "default": self.default,
                "conditions": [_serialize_condition(c) for c in self.conditions]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["conditions"] = [_deserialize_condition(c) for c in config.get("conditions", [])]
        return cls(**config)


class Numerical(HyperParameter):
    """``Int`` and ``Float``: a range, a step and a sampling ("linear", "log", "reverse_log")."""

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 **kwargs):
        super().__init__(name=name, default=default, **kwargs)
        self.max_value = max_value
        self.min_value = min_value
        self.step = step
        self.sampling = sampling
        self._check_sampling_arg()

    def _where(self):
        return f"For HyperParameters.{type(self).__name__}(name='{self.name}')"

    def _check_sampling_arg(self):
        if self.min_value > self.max_value:
            raise ValueError(f"{self._where()}, min_value {self.min_value} is greater than the "
                             f"max_value {self.max_value}.")
        choices = {"linear", "log", "reverse_log"}
        self.sampling = "linear" if self.sampling is None else str(self.sampling).lower()
        if self.sampling not in choices:
            raise ValueError(f"{self._where()}, sampling must be one of {choices}")
        if self.sampling in {"log", "reverse_log"} and self.min_value <= 0:
            raise ValueError(f"{self._where()}, sampling='{self.sampling}' does not support "
                             f"negative values, found min_value: {self.min_value}.")
        if self.sampling in {"log", "reverse_log"} and self.step is not None and self.step <= 1:
            raise ValueError(f"{self._where()}, expected step > 1 with "
                             f"sampling='{self.sampling}'. Received: step={self.step}.")

    def _sample_numerical_value(self, prob, max_value=None):
        top = self.max_value if max_value is None else max_value
        if self.sampling == "linear":
            return prob * (top - self.min_value) + self.min_value
        if self.sampling == "log":
            return self.min_value * math.pow(top / self.min_value, prob)
        return top + self.min_value - self.min_value * math.pow(top / self.min_value, 1 - prob)

    def _numerical_to_prob(self, value, max_value=None):
        top = self.max_value if max_value is None else max_value
        if top == self.min_value:
            return 0.5
        if self.sampling == "linear":
            return (value - self.min_value) / (top - self.min_value)
        ratio = math.log(top / self.min_value)
        if self.sampling == "log":
            return math.log(value / self.min_value) / ratio
        return 1.0 - math.log((top + self.min_value - value) / self.min_value) / ratio

    def _get_n_values(self):
        if self.sampling == "linear":
            return int((self.max_value - self.min_value) // self.step + 1)
        # the small epsilon is KerasTuner's, so log(1000, 10) counts 4 values, not 3
        return int(math.log(self.max_value / self.min_value, self.step) + 1e-8) + 1

    def _get_value_by_index(self, index):
        if self.sampling == "linear":
            return self.min_value + index * self.step
        if self.sampling == "log":
            return self.min_value * math.pow(self.step, index)
        return self.max_value + self.min_value - self.min_value * math.pow(self.step, index)

    def _sample_with_step(self, prob):
        return self._get_value_by_index(_prob_to_index(prob, self._get_n_values()))

    def _to_prob_with_step(self, value):
        if self.sampling == "linear":
            index = (value - self.min_value) // self.step
        elif self.sampling == "log":
            index = math.log(value / self.min_value, self.step)
        else:
            index = math.log((self.max_value - value + self.min_value) / self.min_value,
                             self.step)
        return _index_to_prob(index, self._get_n_values())

    @property
    def values(self):
        """The grid of this range: every step, or (without a step) ten spread samples."""
        if self.step is None:
            # a set, as KerasTuner builds it: GridSearch visits these in the set's order
            return tuple({self.prob_to_value(i * 0.1 + 0.05) for i in range(10)})
        return tuple(self._get_value_by_index(i) for i in range(self._get_n_values()))

    def get_config(self):
        config = super().get_config()
        config.update(min_value=self.min_value, max_value=self.max_value, step=self.step,
                      sampling=self.sampling)
        return config


def _check_int(value, arg):
    as_int = int(value)
    if as_int != value:
        raise ValueError(f"{arg} must be an int, Received: {value} of type {type(value)}.")
    return as_int


class Int(Numerical):
    """Integers in ``[min_value, max_value]`` (both included), e.g. ``Int("units", 32, 512,
    step=32)``; with ``sampling="log"`` the step multiplies (``Int("b", 2, 32, step=2,
    sampling="log")`` is 2, 4, 8, 16, 32)."""

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 **kwargs):
        if step is not None:
            step = _check_int(step, arg="step")
        elif sampling == "linear":
            step = 1
        super().__init__(name=name, min_value=_check_int(min_value, arg="min_value"),
                         max_value=_check_int(max_value, arg="max_value"), step=step,
                         sampling=sampling, default=default, **kwargs)

    def __repr__(self):
        return (f"Int(name: '{self.name}', min_value: {self.min_value}, max_value: "
                f"{self.max_value}, step: {self.step}, sampling: {self.sampling}, default: "
                f"{self.default})")

    @property
    def default(self):
        return self._default if self._default is not None else self.min_value

    def prob_to_value(self, prob):
        if self.step is None:
            return int(self._sample_numerical_value(prob, self.max_value + 1))
        return int(self._sample_with_step(prob))

    def value_to_prob(self, value):
        if self.step is None:
            return self._numerical_to_prob(value + 0.5, self.max_value + 1)
        return self._to_prob_with_step(value)

    def get_config(self):
        config = super().get_config()
        config["default"] = self._default
        return config


class Float(Numerical):
    """Floats in ``[min_value, max_value]``, e.g. ``Float("lr", 1e-4, 1e-1, sampling="log")``."""

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 **kwargs):
        super().__init__(name=name, min_value=float(min_value), max_value=float(max_value),
                         step=step, sampling=sampling, default=default, **kwargs)

    def __repr__(self):
        return (f"Float(name: '{self.name}', min_value: '{self.min_value}', max_value: "
                f"'{self.max_value}', step: '{self.step}', sampling: '{self.sampling}', "
                f"default: '{self.default}')")

    @property
    def default(self):
        return self._default if self._default is not None else self.min_value

    def prob_to_value(self, prob):
        if self.step is None:
            return self._sample_numerical_value(prob)
        return self._sample_with_step(prob)

    def value_to_prob(self, value):
        if self.step is None:
            return self._numerical_to_prob(value)
        return self._to_prob_with_step(value)


class Choice(HyperParameter):
    """One of ``values`` (all int, float, str or bool), e.g. ``Choice("act", ["relu",
    "tanh"])``; the default is the first value unless given."""

    def __init__(self, name, values, ordered=None, default=None, **kwargs):
        super().__init__(name=name, default=default, **kwargs)
        if not values:
            raise ValueError("`values` must be provided for `Choice`.")
        types = {type(v) for v in values}
        if len(types) > 1:
            raise TypeError("A `Choice` can contain only one type of value, found values: "
                            f"{values} with types {types}.")
        if isinstance(values[0], str):
            values = [str(v) for v in values]
            default = None if default is None else str(default)
        elif isinstance(values[0], int) and not isinstance(values[0], bool):
            values = [int(v) for v in values]
            default = None if default is None else int(default)
        elif not isinstance(values[0], (bool, float)):
            raise TypeError("A `Choice` can contain only `int`, `float`, `str`, or `bool`, "
                            f"found values: {values} with types: {type(values[0])}")
        self._values = list(values)
        if default is not None and default not in self._values:
            raise ValueError("The default value should be one of the choices. You passed: "
                             f"values={self._values}, default={default}")
        self._default = default
        numeric = isinstance(self._values[0], (int, float)) and not isinstance(self._values[0],
                                                                                bool)
        if ordered and not numeric:
            raise ValueError("`ordered` must be `False` for non-numeric types.")
        self.ordered = numeric if ordered is None else ordered

    def __repr__(self):
        return (f"Choice(name: '{self.name}', values: {self._values}, ordered: {self.ordered}, "
                f"default: {self.default})")

    @property
    def values(self):
        return self._values

    @property
    def default(self):
        return self._values[0] if self._default is None else self._default

    def prob_to_value(self, prob):
        return self._values[_prob_to_index(prob, len(self._values))]

    def value_to_prob(self, value):
        return _index_to_prob(self._values.index(value), len(self._values))

    def get_config(self):
        config = super().get_config()
        config.update(values=self._values, ordered=self.ordered)
        return config


class Boolean(HyperParameter):
    """True or False, e.g. ``Boolean("dropout")`` (default False)."""

    def __init__(self, name, default=False, **kwargs):
        super().__init__(name=name, default=default, **kwargs)
        if default not in {True, False}:
            raise ValueError("`default` must be a Python boolean. You passed: "
                             f"default={default}")

    def __repr__(self):
        return f'Boolean(name: "{self.name}", default: {self.default})'

    @property
    def values(self):
        return (True, False)

    def prob_to_value(self, prob):
        return bool(prob >= 0.5)

    def value_to_prob(self, value):
        return 0.75 if value else 0.25


class Fixed(HyperParameter):
    """A constant recorded with the trial, e.g. ``Fixed("epochs", 10)``."""

    def __init__(self, name, value, **kwargs):
        super().__init__(name=name, default=value, **kwargs)
        if isinstance(value, bool):
            value = bool(value)
        elif isinstance(value, int):
            value = int(value)
        elif isinstance(value, str):
            value = str(value)
        elif not isinstance(value, float):
            raise ValueError("`Fixed` value must be an `int`, `float`, `str`, or `bool`, "
                             f"found {value}")
        self.value = value

    def __repr__(self):
        return f"Fixed(name: {self.name}, value: {self.value})"

    @property
    def values(self):
        return (self.value,)

    @property
    def default(self):
        return self.value

    def prob_to_value(self, prob):
        return self.value

    def value_to_prob(self, value):
        return 0.5

    def get_config(self):
        config = super().get_config()
        config.pop("default")
        config["value"] = self.value
        return config


KINDS = {cls.__name__: cls for cls in (Int, Float, Choice, Boolean, Fixed)}


def deserialize(config):
    """A hyperparameter from ``{"class_name": ..., "config": ...}``."""
    kind = KINDS.get(config.get("class_name"))
    if kind is None:
        raise ValueError(f"Unknown hyperparameter class {config.get('class_name')!r}; expected "
                         f"one of {sorted(KINDS)}.")
    return kind.from_config(config["config"])
