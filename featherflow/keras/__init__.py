"""The ``tf.keras`` namespace: the same objects as ``featherflow.layers``, ``.models``, ...

Re-exports only. ``featherflow.keras.layers`` *is* ``featherflow.layers`` (registered under
both names), so ``from featherflow.keras.layers import Dense`` works as with TensorFlow.
"""

import importlib
import importlib.util
import sys

_SUBMODULES = {
    "activations": "featherflow.activations",
    "backend": "featherflow.backend",
    "callbacks": "featherflow.callbacks",
    "constraints": "featherflow.constraints",
    "datasets": "featherflow.datasets",
    "initializers": "featherflow.initializers",
    "layers": "featherflow.layers",
    "losses": "featherflow.losses",
    "metrics": "featherflow.metrics",
    "models": "featherflow.models",
    "optimizers": "featherflow.optimizers",
    "preprocessing": "featherflow.keras.preprocessing",
    "regularizers": "featherflow.regularizers",
    "saving": "featherflow.saving",
    "tree": "featherflow.tree",
    "utils": "featherflow.utils",
}

for _name, _target in _SUBMODULES.items():
    _module = importlib.import_module(_target)
    sys.modules[f"{__name__}.{_name}"] = _module
    globals()[_name] = _module

sys.modules[f"{__name__}.optimizers.schedules"] = importlib.import_module(
    "featherflow.optimizers.schedules")

from featherflow.initializers import Initializer  # noqa: E402
from featherflow.layers import Input, Layer  # noqa: E402
from featherflow.losses import Loss  # noqa: E402
from featherflow.metrics import Metric  # noqa: E402
from featherflow.models import Model, Sequential  # noqa: E402
from featherflow.optimizers import Optimizer  # noqa: E402
from featherflow.regularizers import Regularizer  # noqa: E402
from featherflow.serialization.dtype_policy import DTypePolicy, FloatDTypePolicy  # noqa: E402
from featherflow.version import KERAS_VERSION as __version__  # noqa: E402


def version():
    """``keras.version()``: the Keras version string (``tf.keras.__version__``)."""
    return __version__


del _name, _target, _module

# namespaces that load on first use (``tf.keras.random``)
_LAZY_SUBMODULES = {
    "random": "featherflow.keras.random",
    "ops": "featherflow.keras.ops",
    "config": "featherflow.keras.config",
    "mixed_precision": "featherflow.keras.mixed_precision",
    "applications": "featherflow.keras.applications",
    "wrappers": "featherflow.keras.wrappers",
}


def __getattr__(name):
    target = _LAZY_SUBMODULES.get(name)
    if target is None or importlib.util.find_spec(target) is None:
        raise AttributeError(f"module 'featherflow.keras' has no attribute {name!r}")
    module = importlib.import_module(target)
    sys.modules[f"{__name__}.{name}"] = module
    globals()[name] = module
    return module
