"""Optimizers with Keras 3 names and defaults, learning-rate schedules and ``get``.

Example::

    >>> from featherflow import optimizers
    >>> opt = optimizers.get("sgd")
    >>> round(float(opt.learning_rate), 6)  # stored as float32, as in Keras
    0.01
"""

from featherflow.optimizers import legacy, schedules
from featherflow.optimizers.adadelta import Adadelta
from featherflow.optimizers.adafactor import Adafactor
from featherflow.optimizers.adagrad import Adagrad
from featherflow.optimizers.adam import Adam, AdamW
from featherflow.optimizers.adamax import Adamax
from featherflow.optimizers.ftrl import Ftrl
from featherflow.optimizers.lamb import Lamb
from featherflow.optimizers.lion import Lion
from featherflow.optimizers.loss_scale_optimizer import LossScaleOptimizer
from featherflow.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from featherflow.optimizers.muon import Muon
from featherflow.optimizers.nadam import Nadam
from featherflow.optimizers.optimizer import Optimizer
from featherflow.optimizers.rmsprop import RMSprop
from featherflow.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from featherflow.optimizers.sgd import SGD
from featherflow.serialization import resolver

__all__ = [
    "ALL_OBJECTS_DICT", "SGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax",
    "Ftrl", "Lamb", "Lion", "LossScaleOptimizer", "MultiOptimizer", "Muon", "Nadam",
    "Optimizer", "OptimizerMap", "RMSprop", "ScheduleFreeAdamW", "deserialize", "get", "legacy",
    "schedules", "serialize",
]

# Keras looks optimizer names up case-insensitively ("SGD", "sgd", "Adam", "adam", ...).
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in (
    Optimizer, Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Nadam, Ftrl, Lion,
    Lamb, LossScaleOptimizer, Adafactor, Muon, ScheduleFreeAdamW, MultiOptimizer, OptimizerMap)}


def serialize(optimizer):
    """Keras 3 config dict of an optimizer."""
    return resolver.serialize_object(optimizer, "keras.optimizers")


def deserialize(config, custom_objects=None):
    """The optimizer a name or config dict describes (names are case-insensitive)."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    config = dict(config)
    name = config.get("class_name")
    if isinstance(name, str) and name.lower() in ALL_OBJECTS_DICT and not (
            custom_objects and name in custom_objects):
        config["class_name"] = name.lower()
    return resolver.deserialize(config, ALL_OBJECTS_DICT, "optimizer", custom_objects)


def get(identifier):
    """Resolve an optimizer: a name (``"adam"``), a config dict or an Optimizer instance.

    Example::

        >>> type(get("Adam")).__name__
        'Adam'
    """
    if identifier is None:
        return None
    obj = deserialize(identifier) if isinstance(identifier, (str, dict)) else identifier
    if isinstance(obj, type) and issubclass(obj, Optimizer):
        obj = obj()
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(
        f"Could not interpret optimizer identifier {identifier!r}: expected an optimizer name "
        f"(one of {sorted(ALL_OBJECTS_DICT)}), a config dict or an Optimizer instance."
    )
