"""MultiOptimizer and OptimizerMap: different optimizers for different variables (Keras 3.15).

An :class:`OptimizerMap` picks an optimizer from a variable's ``path``: an exact key first,
then the one pattern (``re.fullmatch``) that matches, else the default optimizer. A
:class:`MultiOptimizer` builds each inner optimizer on its own variables and hands it their
gradients; its state is its own ``iteration`` and ``learning_rate`` followed by every inner
optimizer's state, in that order, which is how ``.keras`` files store it.
"""

import re
from collections.abc import MutableMapping

import numpy as np

from featherflow.optimizers.loss_scale_optimizer import LossScaleOptimizer
from featherflow.optimizers.optimizer import Optimizer
from featherflow.serialization import resolver


class OptimizerMap(MutableMapping):
    """Variable-path patterns -> optimizers, with a default for the other variables.

    Example::

        >>> opts = OptimizerMap(tf.keras.optimizers.SGD(0.1),
        ...                     {".*bias": tf.keras.optimizers.Adam()})
        >>> type(opts["dense/bias"]).__name__, type(opts["dense/kernel"]).__name__
        ('Adam', 'SGD')
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                f"OptimizerMap: default_optimizer must be an Optimizer instance such as "
                f"tf.keras.optimizers.SGD(); received {default_optimizer!r}."
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(
                f"OptimizerMap: optimizer_map must be a dict of pattern -> optimizer; received "
                f"{type(optimizer_map).__name__}."
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matching) > 1:
            raise ValueError(
                f"OptimizerMap: variable {key!r} matches several patterns {matching}; make the "
                f"patterns exclusive."
            )
        if matching:
            return self._optimizer_map[matching[0]]
        return self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(
                f"OptimizerMap: {key!r} is already mapped to {self._optimizer_map[key]}; keys "
                f"must not repeat."
            )
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: keys must be strings (patterns); received {key!r}.")
        if not isinstance(optimizer, Optimizer):
            raise ValueError(
                f"OptimizerMap: the optimizer for {key!r} must be an Optimizer instance; "
                f"received {optimizer!r}."
            )
        if isinstance(optimizer, (LossScaleOptimizer, MultiOptimizer)):
            raise ValueError(
                f"OptimizerMap: the optimizer for {key!r} cannot be a "
                f"{type(optimizer).__name__}."
            )
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        # featherflow.optimizers imports this module: the serializer is looked up here
        from featherflow import optimizers

        return {"default_optimizer": optimizers.serialize(self._default_optimizer),
                "optimizer_map": {k: optimizers.serialize(v)
                                  for k, v in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # the same cycle as get_config
        from featherflow import optimizers

        default = optimizers.deserialize(config["default_optimizer"],
                                         custom_objects=custom_objects)
        mapping = {k: optimizers.deserialize(v, custom_objects=custom_objects)
                   for k, v in (config.get("optimizer_map") or {}).items()}
        return cls(default, mapping)


class MultiOptimizer(Optimizer):
    """Delegate each variable to the optimizer an :class:`OptimizerMap` (or a callable
    ``variable -> optimizer``) picks for it.

    The wrapper has no learning rate of its own (reading or setting ``learning_rate`` raises,
    as in Keras); reach the inner optimizers through ``optimizers``.

    Example::

        >>> opt = MultiOptimizer(OptimizerMap(tf.keras.optimizers.SGD(0.1),
        ...                                   {".*bias": tf.keras.optimizers.Adam(0.01)}))
        >>> model.compile(optimizer=opt, loss="mse")
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise ValueError(
                f"MultiOptimizer: optimizer_map must be an OptimizerMap or a callable "
                f"variable -> optimizer; received {type(optimizer_map).__name__}."
            )
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        inner = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None:
            inner.append(default)
        for opt in inner:
            if not any(opt is known for known in self._inner_optimizers):
                opt.loss_scale_factor = loss_scale_factor
                self._inner_optimizers.append(opt)

    def _inner_index(self, opt):
        for i, known in enumerate(self._inner_optimizers):
            if known is opt:
                return i
        return None

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        self._var_to_optimizer_idx = {}
        groups = [[] for _ in self._inner_optimizers]
        for var in var_list:
            opt = self._optimizer_map(var)
            if not isinstance(opt, Optimizer):
                raise ValueError(
                    f"MultiOptimizer: the optimizer chosen for variable "
                    f"{getattr(var, 'path', var)!r} is not an Optimizer instance: {opt!r}."
                )
            if isinstance(opt, (LossScaleOptimizer, MultiOptimizer)):
                raise ValueError(
                    f"MultiOptimizer: a {type(opt).__name__} cannot be used inside a "
                    f"MultiOptimizer (variable {getattr(var, 'path', var)!r})."
                )
            idx = self._inner_index(opt)
            if idx is None:
                opt.loss_scale_factor = self.loss_scale_factor
                self._inner_optimizers.append(opt)
                groups.append([])
                idx = len(self._inner_optimizers) - 1
            self._var_to_optimizer_idx[self._var_key(var)] = idx
            groups[idx].append(var)
        compiled = getattr(self, "_built_in_compiled_fit", None)
        for opt, variables in zip(self._inner_optimizers, groups):
            if variables:
                if compiled is not None:
                    opt._built_in_compiled_fit = compiled
                opt.build(variables)
        super().build(var_list)

    @property
    def optimizers(self):
        return self._inner_optimizers

    @property
    def variables(self):
        out = list(self._variables)
        for opt in self._inner_optimizers:
            out.extend(opt.variables)
        return out

    @property
    def learning_rate(self):
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on "
            "the individual sub-optimizers instead (`optimizer.optimizers`)."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the "
            "individual sub-optimizers instead (`optimizer.optimizers`)."
        )

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in getattr(self, "_inner_optimizers", ()):
            opt.loss_scale_factor = value

    def apply(self, grads, trainable_variables=None):
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables: call optimizer.build(trainable_variables) "
                    "first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(self._var_to_optimizer_idx):
            raise ValueError(
                f"MultiOptimizer: received {len(grads)} gradients for the "
                f"{len(self._var_to_optimizer_idx)} variables it was built with; pass one "
                f"gradient per variable."
            )
        per_optimizer = [[] for _ in self._inner_optimizers]
        for grad, var in zip(grads, trainable_variables):
            idx = self._var_to_optimizer_idx.get(self._var_key(var))
            if idx is None:
                raise ValueError(
                    f"Unknown variable {getattr(var, 'path', var)!r}: this MultiOptimizer can "
                    f"only update the variables it was built with."
                )
            per_optimizer[idx].append((grad, var))
        for opt, pairs in zip(self._inner_optimizers, per_optimizer):
            if pairs:
                sub_grads, sub_vars = zip(*pairs)
                opt.apply(list(sub_grads), list(sub_vars))
        self._iterations.data[()] = int(self._iterations.data) + 1

    def finalize_variable_values(self, var_list):
        groups = [[] for _ in self._inner_optimizers]
        for var in var_list:
            groups[self._var_to_optimizer_idx[self._var_key(var)]].append(var)
        for opt, variables in zip(self._inner_optimizers, groups):
            if variables:
                opt.finalize_variable_values(variables)

    def get_weights(self):
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "set_weights() on an optimizer that has not been built: call "
                "optimizer.build(trainable_variables) first."
            )
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                f"MultiOptimizer '{self.name}' holds {len(variables)} variables (its own and "
                f"its optimizers'); received {len(weights)} weights."
            )
        for var, w in zip(variables, weights):
            var.data[...] = np.asarray(w)

    def save_own_variables(self, store):
        for i, var in enumerate(self.variables):
            store[str(i)] = var.numpy()

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            raise ValueError(
                f"MultiOptimizer '{self.name}' has {len(variables)} variables (built: "
                f"{self.built}) but the saved optimizer has {len(store.keys())}; build it on "
                f"the model's trainable variables before loading."
            )
        for i, var in enumerate(variables):
            var.data[...] = np.asarray(store[str(i)])

    def get_config(self):
        if isinstance(self._optimizer_map, OptimizerMap):
            mapping = resolver.serialize_object(self._optimizer_map, "keras.optimizers")
        else:
            mapping = resolver.serialize_function(self._optimizer_map, "keras.optimizers")
        return {"optimizer_map": mapping, "loss_scale_factor": self.loss_scale_factor,
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        mapping = config["optimizer_map"]
        if isinstance(mapping, dict) and mapping.get("class_name") == "OptimizerMap":
            mapping = OptimizerMap.from_config(mapping["config"], custom_objects=custom_objects)
        elif isinstance(mapping, (dict, str)):
            mapping = resolver.deserialize(mapping, {}, "optimizer map", custom_objects)
        config["optimizer_map"] = mapping
        return cls(**config)
