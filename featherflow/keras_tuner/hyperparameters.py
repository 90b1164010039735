"""``HyperParameters``: the search space and the current trial's values, as KerasTuner has it.

Example::

    import featherflow.keras_tuner as kt

    def build_model(hp):
        model = tf.keras.Sequential([tf.keras.layers.Dense(
            hp.Int("units", 8, 64, step=8), activation="relu")])
        model.add(tf.keras.layers.Dense(1))
        model.compile(tf.keras.optimizers.Adam(hp.Float("lr", 1e-4, 1e-1, sampling="log")),
                      loss="mse")
        return model

Calling ``hp.Int(...)`` registers the hyperparameter (the first time) and returns its value in
this trial; under ``conditional_scope`` a hyperparameter whose condition is not met returns
None, and only active hyperparameters have entries in ``values``.
"""

import collections
import contextlib
import copy

from featherflow.keras_tuner import hp_types


class HyperParameters:
    """A search space (``space``) and the values of the current trial (``values``)."""

    def __init__(self):
        self._name_scopes = []
        self._conditions = []
        self._hps = collections.defaultdict(list)
        self._space = []
        self.values = {}
        self.active_scopes = []
        self.inactive_scopes = []

    @contextlib.contextmanager
    def name_scope(self, name):
        """Prefix the names created inside with ``name/``."""
        self._name_scopes.append(name)
        try:
            yield
        finally:
            self._name_scopes.pop()

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """Hyperparameters created inside are active only when ``parent_name`` has one of
        ``parent_values``; when inactive they are registered and return None."""
        parent_name = self._get_name(parent_name)
        if not self._exists(parent_name):
            raise ValueError(f"`HyperParameter` named: {parent_name} not defined.")
        condition = hp_types.Parent(parent_name, parent_values)
        self._conditions.append(condition)
        scopes = self.active_scopes if condition.is_active(self.values) else self.inactive_scopes
        scopes.append(copy.deepcopy(self._conditions))
        try:
            yield
        finally:
            self._conditions.pop()

    def is_active(self, hyperparameter):
        """Whether all conditions of ``hyperparameter`` (an object or a name) are met."""
        if isinstance(hyperparameter, hp_types.HyperParameter):
            return self._conditions_are_active(hyperparameter.conditions)
        return any(self._conditions_are_active(hp.conditions)
                   for hp in self._hps[str(hyperparameter)])

    def _conditions_are_active(self, conditions):
        return all(condition.is_active(self.values) for condition in conditions)

    def _exists(self, name, conditions=None):
        conditions = self._conditions if conditions is None else conditions
        return any(hp.conditions == conditions for hp in self._hps.get(name, []))

    def _retrieve(self, hp):
        if self._exists(hp.name, hp.conditions):
            return self.values[hp.name] if self.is_active(hp) else None
        return self._register(hp)

    def _register(self, hyperparameter, overwrite=False):
        for condition in self._conditions:
            if condition.name == hyperparameter.name:
                raise ValueError("A conditional `HyperParameter` cannot have the same name as "
                                 f"its parent. Found: {hyperparameter.name} and parent_name: "
                                 f"{condition.name}")
        hp = type(hyperparameter).from_config(hyperparameter.get_config())
        self._hps[hp.name].append(hp)
        self._space.append(hp)
        if self.is_active(hp):
            if overwrite or hp.name not in self.values:
                self.values[hp.name] = hp.default
            return self.values[hp.name]
        return None

    def get(self, name):
        """The current value of ``name``; ValueError when inactive, KeyError when unknown."""
        name = self._get_name(name)
        if name in self.values:
            return self.values[name]
        if name in self._hps:
            raise ValueError(f"{name} is currently inactive.")
        raise KeyError(f"{name} does not exist.")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        try:
            self.get(name)
            return True
        except (KeyError, ValueError):
            return False

    @contextlib.contextmanager
    def _maybe_conditional_scope(self, parent_name, parent_values):
        if parent_name:
            with self.conditional_scope(parent_name, parent_values):
                yield
        else:
            yield

    def _make(self, kind, name, parent_name, parent_values, **kwargs):
        with self._maybe_conditional_scope(parent_name, parent_values):
            hp = kind(name=self._get_name(name), conditions=self._conditions, **kwargs)
            return self._retrieve(hp)

    def Choice(self, name, values, ordered=None, default=None, parent_name=None,
               parent_values=None):
        """One of ``values``; default: the first value."""
        return self._make(hp_types.Choice, name, parent_name, parent_values, values=values,
                          ordered=ordered, default=default)

    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None,
            parent_name=None, parent_values=None):
        """An integer in ``[min_value, max_value]``; default: ``min_value``."""
        return self._make(hp_types.Int, name, parent_name, parent_values, min_value=min_value,
                          max_value=max_value, step=step, sampling=sampling, default=default)

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None,
              parent_name=None, parent_values=None):
        """A float in ``[min_value, max_value]``; default: ``min_value``."""
        return self._make(hp_types.Float, name, parent_name, parent_values, min_value=min_value,
                          max_value=max_value, step=step, sampling=sampling, default=default)

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """True or False; default: False."""
        return self._make(hp_types.Boolean, name, parent_name, parent_values, default=default)

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """A constant ``value``."""
        return self._make(hp_types.Fixed, name, parent_name, parent_values, value=value)

    @property
    def space(self):
        return self._space

    def get_config(self):
        return {"space": [{"class_name": type(p).__name__, "config": p.get_config()}
                          for p in self.space],
                "values": dict(self.values)}

    @classmethod
    def from_config(cls, config):
        hps = cls()
        for item in config["space"]:
            hp = hp_types.deserialize(item)
            hps._hps[hp.name].append(hp)
            hps._space.append(hp)
        hps.values = dict(config["values"])
        return hps

    def copy(self):
        return HyperParameters.from_config(self.get_config())

    def merge(self, hps, overwrite=True):
        """Add the hyperparameters of ``hps`` (a HyperParameters or a list of them)."""
        hps = hps.space if isinstance(hps, HyperParameters) else hps
        if not overwrite:
            hps = [hp for hp in hps if not self._exists(hp.name, hp.conditions)]
        for hp in hps:
            self._register(hp, overwrite)

    def ensure_active_values(self):
        """Give every active hyperparameter a value (a random one) and drop inactive ones."""
        for hp in self.space:
            if self.is_active(hp):
                if hp.name not in self.values:
                    self.values[hp.name] = hp.random_sample()
            else:
                self.values.pop(hp.name, None)

    def _get_name(self, name, name_scopes=None):
        scopes = self._name_scopes if name_scopes is None else name_scopes
        return "/".join(scopes) + "/" + str(name) if scopes else str(name)
