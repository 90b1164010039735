"""Objects to JSON-able configs and back, in the formats Keras 2 and Keras 3 write.

``serialize_keras_object`` writes Keras 3 dicts (``module``, ``class_name``, ``config``,
``registered_name``); ``deserialize_keras_object`` reads those and Keras 2 ``{class_name,
config}`` dicts alike. Layers go through :mod:`featherflow.serialization.layer_config`, models'
own configs live beside them (:mod:`featherflow.models.model_config`). Loading never runs code
from a file: names are looked up among featherflow's classes and the objects you registered.
"""

import inspect
import json
import re

import numpy as np

from featherflow.api.dtypes import DType

from featherflow.serialization import (
    class_names,
    config_fitting,
    layer_config,
    load_limits,
    resolver,
)
from featherflow.serialization import object_registration as registration
from featherflow.serialization.safe_mode import SafeModeScope


def serialize_keras_object(obj):
    """A JSON-able description of ``obj`` in the Keras 3 format.

    Example::

        >>> serialize_keras_object(tf.keras.initializers.Zeros())["class_name"]
        'Zeros'
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, (np.dtype, DType)):
        return obj.name
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, resolver.layer_base()):
        return layer_config.layer_to_dict(obj, keras3=True)
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        name = registration.get_registered_name(obj)
        return {"module": class_names.keras_module_of(obj), "class_name": "function",
                "config": name, "registered_name": name}
    if hasattr(obj, "get_config"):
        return {
            "module": class_names.keras_module_of(obj),
            "class_name": type(obj).__name__,
            "config": serialize_keras_object(obj.get_config()),
            "registered_name": class_names.registered_name_of(obj),
        }
    raise TypeError(
        f"Cannot serialize {obj!r} (type {type(obj).__name__}): it has no get_config(). Give "
        "the class a get_config() returning its constructor arguments and register it with "
        "@tf.keras.saving.register_keras_serializable()."
    )


def deserialize_keras_object(config, custom_objects=None, safe_mode=None, module_objects=None,
                             printable_module_name="object"):
    """Rebuild an object from a Keras 2 or Keras 3 config (or find one by name).

    Example::

        >>> deserialize_keras_object({"class_name": "Dense", "config": {"units": 2}}).units
        2
    """
    label = f"the {printable_module_name} config"
    load_limits.check_depth(config, label)
    with registration.CustomObjectScope(custom_objects), SafeModeScope(safe_mode), \
            load_limits.loading(label):
        try:
            return _deserialize(config, module_objects, printable_module_name)
        except RecursionError:
            raise load_limits.depth_error(label) from None


def _deserialize(config, module_objects, kind):
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        obj = registration.get_registered_object(config, None, module_objects)
        if obj is None:
            obj = resolver.find_object(config)
        if obj is None:
            known = sorted(set(module_objects or ()) | set(registration.registered_names()))
            for key in resolver.object_kinds():
                known.extend(resolver.module_table(key))
            raise ValueError(
                f"Unknown {kind} {config!r}.{resolver.did_you_mean(config, known)} Pass it in "
                "custom_objects={...} or register it with "
                "@tf.keras.saving.register_keras_serializable()."
            )
        return obj
    if isinstance(config, list):
        return [_deserialize(v, module_objects, kind) for v in config]
    if not isinstance(config, dict) or "class_name" not in config:
        if isinstance(config, dict):
            return {k: _deserialize(v, module_objects, kind) for k, v in config.items()}
        raise TypeError(f"Cannot deserialize {config!r}: expected a config dict or a name.")
    special = _special(config)
    if special is not _NOT_SPECIAL:
        return special
    class_name = config["class_name"]
    registered = config.get("registered_name")
    if class_name == "function":
        name = config.get("config") if isinstance(config.get("config"), str) else registered
        return _deserialize(name, module_objects, kind)
    kind_key = resolver.kind_of_module(config.get("module"))
    if kind_key == "layers" or (kind_key is None and _names_a_layer(class_name, registered,
                                                                    module_objects)):
        return layer_config.layer_from_dict(config)
    obj = None
    if module_objects:
        obj = module_objects.get(class_name)
    if obj is None:
        obj = resolver.find_object(class_name, kind_key, None, registered)
    if obj is None:
        known = sorted(resolver.module_table(kind_key)) if kind_key else []
        raise resolver.unknown_name_error(resolver.kind_name(kind_key) if kind_key else kind,
                                          class_name, known, None)
    inner = config.get("config") or {}
    if not inspect.isclass(obj):
        return obj
    inner = config_fitting.fit_config(obj, inner, f"{class_name} config")
    if hasattr(obj, "from_config"):
        return obj.from_config(inner)
    return obj(**inner)


_NOT_SPECIAL = object()


def _special(config):
    name = config["class_name"]
    inner = config.get("config")
    if name == "__numpy__":
        return _numpy_value(inner)
    if name == "__tuple__":
        return tuple(inner["value"])
    if name == "__bytes__":
        return inner["value"].encode("utf-8")
    if name == "__lambda__":
        raise ValueError(
            "The file holds a Python lambda as compiled code; featherflow never runs code from "
            "a file. Pass the function yourself through custom_objects."
        )
    if name == "__keras_tensor__":
        raise ValueError("A symbolic tensor can only appear in a Functional model's nodes.")
    return _NOT_SPECIAL


def _numpy_value(inner):
    """A ``__numpy__`` entry's array: numbers, booleans or text only, never objects."""
    if not isinstance(inner, dict) or "value" not in inner:
        raise ValueError(f"A '__numpy__' config needs {{'value': ..., 'dtype': ...}}; received "
                         f"{inner!r}.")
    dtype = inner.get("dtype")
    if dtype in ("string", "str", "bytes") or _is_text_dtype(dtype):
        # text arrays: NumPy sizes the strings from the values (a declared width could be huge)
        dtype = None
    elif dtype is not None:
        dtype = safe_numeric_dtype(dtype, "a '__numpy__' array")
    value = np.asarray(inner["value"], dtype=dtype)
    if value.dtype.kind not in "biufcUS":
        raise ValueError(
            f"A '__numpy__' array in the config holds {value.dtype} values; featherflow only "
            "rebuilds arrays of numbers, booleans or text from a file."
        )
    return value


def _is_text_dtype(dtype):
    return isinstance(dtype, str) and re.fullmatch(r"[<>|=]?[US]\d*", dtype) is not None


def safe_numeric_dtype(dtype, where):
    """The NumPy dtype of a plain dtype name (``"float32"``, ``"int64"``, ``"bool"``...).

    Anything else (``"object"``, ``"O"``, dotted or dunder paths, structured, void, datetime,
    text) is refused, whatever ``safe_mode`` says: a dtype name never loads code or objects.
    """
    name = dtype if isinstance(dtype, str) else None
    if name is None or not name.isidentifier() or name.startswith("_"):
        raise ValueError(
            f"{where}: dtype {dtype!r} is not a numeric dtype name; expected one of 'bool', "
            "'int8'...'int64', 'uint8'...'uint64', 'float16', 'float32', 'float64', "
            "'complex64', 'complex128'."
        )
    try:
        resolved = np.dtype(name)
    except (TypeError, ValueError, OverflowError):
        resolved = None
    if resolved is None or resolved.kind not in "biufc" or resolved.name != name:
        raise ValueError(
            f"{where}: dtype {dtype!r} is not a numeric dtype name; expected one of 'bool', "
            "'int8'...'int64', 'uint8'...'uint64', 'float16', 'float32', 'float64', "
            "'complex64', 'complex128'."
        )
    return resolved


def _names_a_layer(class_name, registered, module_objects):
    for name in (registered, class_name):
        if name:
            obj = registration.get_registered_object(name, None, module_objects)
            if obj is not None:
                return inspect.isclass(obj) and issubclass(obj, resolver.layer_base())
    return class_name.split(">")[-1] in resolver.layer_classes()


def json_default(obj):
    """``json.dumps(default=...)`` for NumPy values and shapes in configs."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (np.dtype, DType)):
        return obj.name
    if isinstance(obj, bytes):
        return obj.decode("utf-8")
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if hasattr(obj, "get_config"):
        return serialize_keras_object(obj)
    if callable(obj) and hasattr(obj, "__name__"):
        return registration.get_registered_name(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable: {obj!r}")


def dumps(obj):
    return json.dumps(obj, default=json_default)
