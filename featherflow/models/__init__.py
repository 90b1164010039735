"""Models: Model (subclassing), Functional and Sequential, and loading them from files.

The classes load on first use, so ``import featherflow.models`` stays cheap; the symbolic
graph they share with the layers lives below both, in ``featherflow.graph``.
"""

import importlib

_CLASSES = {
    "Functional": "featherflow.models.functional",
    "Model": "featherflow.models.model",
    "Sequential": "featherflow.models.sequential",
}


def __getattr__(name):
    module = _CLASSES.get(name)
    if module is None:
        raise AttributeError(f"module 'featherflow.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by featherflow or Keras (``.keras`` or ``.h5``)."""
    from featherflow.saving import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite=True, **kwargs):
    """Save a model (``.keras`` or ``.h5``), as ``keras.models.save_model``."""
    from featherflow.saving import save_model as _save

    return _save(model, filepath, overwrite=overwrite, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (without weights) from ``model.to_json()``."""
    from featherflow.serialization.model_json import model_from_json as _from_json

    return _from_json(json_string, custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights."""
    from featherflow.serialization.model_json import clone_model as _clone

    return _clone(model)


def __dir__():
    return sorted(list(globals()) + list(_CLASSES))


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json",
           "save_model"]
