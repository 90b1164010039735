"""Objects to JSON-able configs and back, in the formats Keras 2 and Keras 3 write.

``serialize_keras_object`` writes Keras 3 dicts (``module``, ``class_name``, ``config``,
``registered_name``); ``deserialize_keras_object`` reads those and Keras 2 ``{class_name,
config}`` dicts alike. Model configs (Sequential, Functional) live in
:mod:`featherflow.saving.model_config` and are re-exported here. Loading never runs code from
a file: names are looked up among featherflow's classes and the objects you registered.
"""

import inspect
import json
import threading

import numpy as np

from featherflow.saving import object_registration as reg
from featherflow.saving import registry

_STATE = threading.local()

# what Keras calls the module of featherflow's built-in objects (Keras 3 configs name it)
_KERAS_MODULES = (
    ("featherflow.layers", "keras.layers"),
    ("featherflow.models", "keras.models"),
    ("featherflow.initializers", "keras.initializers"),
    ("featherflow.regularizers", "keras.regularizers"),
    ("featherflow.constraints", "keras.constraints"),
    ("featherflow.activations", "keras.activations"),
    ("featherflow.losses", "keras.losses"),
    ("featherflow.metrics", "keras.metrics"),
    ("featherflow.optimizers.schedules", "keras.optimizers.schedules"),
    ("featherflow.optimizers", "keras.optimizers"),
)


# where Keras 3 itself says its model classes live (it cannot import keras.models.Functional)
_KERAS3_MODEL_NAMES = {
    "Functional": {"module": "keras.src.models.functional", "registered_name": "Functional"},
    "Sequential": {"module": "keras", "registered_name": None},
}


class SafeModeScope:
    """While active, loading refuses objects that would need code from the file (Lambda)."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.previous = getattr(_STATE, "safe_mode", None)
        if self.safe_mode is not None:
            _STATE.safe_mode = bool(self.safe_mode)
        return self

    def __exit__(self, *exc):
        _STATE.safe_mode = self.previous
        return False


def in_safe_mode():
    value = getattr(_STATE, "safe_mode", None)
    return True if value is None else value


def keras_module_of(obj):
    """The ``module`` a Keras 3 config gives ``obj``'s class (user classes keep theirs)."""
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    module = getattr(cls, "__module__", "") or ""
    for ours, theirs in _KERAS_MODULES:
        if module == ours or module.startswith(ours + "."):
            return theirs
    return module


def _is_builtin(obj):
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    return (getattr(cls, "__module__", "") or "").startswith("featherflow.")


def class_name_of(obj, keras2=False):
    """Keras 2 names registered classes ``"Package>Name"`` in ``class_name``; Keras 3 does not."""
    cls = type(obj)
    if keras2 and reg.is_registered(cls):
        return reg.get_registered_name(cls)
    return cls.__name__


def registered_name_of(obj):
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    if reg.is_registered(cls):
        return reg.get_registered_name(cls)
    return None if _is_builtin(cls) else cls.__name__


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
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    from featherflow.layers.layer import Layer

    if isinstance(obj, Layer):
        return layer_to_dict(obj, keras3=True)
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        name = reg.get_registered_name(obj)
        return {"module": keras_module_of(obj), "class_name": "function", "config": name,
                "registered_name": name}
    if hasattr(obj, "get_config"):
        return {
            "module": keras_module_of(obj),
            "class_name": type(obj).__name__,
            "config": serialize_keras_object(obj.get_config()),
            "registered_name": registered_name_of(obj),
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
    with reg.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        return _deserialize(config, module_objects, printable_module_name)


def _deserialize(config, module_objects, kind):
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        obj = reg.get_registered_object(config, None, module_objects)
        if obj is None:
            obj = registry.find_object(config)
        if obj is None:
            raise ValueError(
                f"Unknown {kind} {config!r}. Pass it in custom_objects={{...}} or register it "
                "with @tf.keras.saving.register_keras_serializable()."
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
    kind_key = registry.kind_of_module(config.get("module"))
    if kind_key == "layers" or (kind_key is None and _names_a_layer(class_name, registered,
                                                                    module_objects)):
        return layer_from_dict(config)
    obj = None
    if module_objects:
        obj = module_objects.get(class_name)
    if obj is None:
        obj = registry.find_object(class_name, kind_key, None, registered)
    if obj is None:
        known = sorted(registry.module_table(kind_key)) if kind_key else []
        raise registry.unknown_name_error(registry.kind_name(kind_key) if kind_key else kind,
                                          class_name, known, None)
    inner = config.get("config") or {}
    if not inspect.isclass(obj):
        return obj
    inner = registry.fit_config(obj, inner, f"{class_name} config")
    if hasattr(obj, "from_config"):
        return obj.from_config(inner)
    return obj(**inner)


_NOT_SPECIAL = object()


def _special(config):
    name = config["class_name"]
    inner = config.get("config")
    if name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner.get("dtype"))
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


def _names_a_layer(class_name, registered, module_objects):
    from featherflow.layers.layer import Layer

    for name in (registered, class_name):
        if name:
            obj = reg.get_registered_object(name, None, module_objects)
            if obj is not None:
                return inspect.isclass(obj) and issubclass(obj, Layer)
    return class_name.split(">")[-1] in registry.layer_classes()


def layer_to_dict(layer, keras3=False, in_model=False):
    """``{"class_name", "config"}`` (Keras 2) or the Keras 3 dict with module and build_config.

    ``in_model``: the model writes an InputLayer, so per-layer input shapes are dropped
    (Keras 3 refuses them).
    """
    config = _layer_config(layer, keras3)
    if not keras3:
        return {"class_name": class_name_of(layer, keras2=True),
                "config": keras2_compatible(config)}
    config = dict(config)
    from featherflow.layers.input_layer import InputLayer

    shape = config.pop("batch_input_shape", None)
    if isinstance(layer, InputLayer):
        config["batch_shape"] = shape
    elif shape is not None and not in_model:
        config["input_shape"] = list(shape[1:])
    out = {
        "module": keras_module_of(layer),
        "class_name": type(layer).__name__,
        "config": config,
        "registered_name": registered_name_of(layer),
    }
    out.update(_KERAS3_MODEL_NAMES.get(type(layer).__name__, {}) if _is_builtin(layer) else {})
    build = layer.get_build_config() if not isinstance(layer, InputLayer) else None
    if build:
        out["build_config"] = build
    return out


# settings Keras 3 added that tf.keras/tf_keras reject; dropped from Keras 2 style configs
# while they hold their default (None)
_KERAS3_ONLY = frozenset({"input_axes", "output_axes", "quantization_config", "lora_rank",
                          "lora_alpha"})


def keras2_compatible(config):
    """A config tf.keras can read: Keras-3-only settings left at their default removed."""
    if isinstance(config, dict):
        return {k: keras2_compatible(v) for k, v in config.items()
                if not (k in _KERAS3_ONLY and v is None)}
    if isinstance(config, list):
        return [keras2_compatible(v) for v in config]
    return config


def _layer_config(layer, keras3):
    from featherflow.models.functional import Functional
    from featherflow.models.sequential import Sequential

    if keras3 and type(layer) is Sequential:
        return sequential_config(layer, keras3=True)
    if keras3 and type(layer) is Functional:
        return functional_config(layer, keras3=True)
    return layer.get_config()


def layer_from_dict(data, custom_objects=None, where=None):
    """Build the layer (or model) a Keras 2/3 ``{"class_name", "config"}`` dict describes."""
    class_name = data.get("class_name")
    if not isinstance(class_name, str):
        raise ValueError(f"A layer entry needs a 'class_name' string, received {data!r}.")
    config = data.get("config") or {}
    name = config.get("name") if isinstance(config, dict) else None
    where = where or (f"layer {name!r}" if name else f"a {class_name} layer")
    cls = registry.find_layer_class(class_name, custom_objects, data.get("registered_name"),
                                    where)
    from featherflow.layers.core import Lambda
    from featherflow.models.functional import Functional
    from featherflow.models.sequential import Sequential

    if isinstance(cls, type) and issubclass(cls, Lambda):
        return _lambda_from_config(cls, config, custom_objects, where)
    if isinstance(config, list):
        # Keras 1 stored a Sequential as the bare list of its layers
        config = {"layers": config}
    config = normalize_layer_config(config)
    if cls is Functional or (issubclass(cls, Functional) and not _is_registered(cls)):
        layer = functional_from_config(config, custom_objects)
    elif cls is Sequential:
        layer = sequential_from_config(config, custom_objects)
    else:
        if issubclass(cls, Sequential) or issubclass(cls, Functional):
            layer = cls.from_config(config, custom_objects=custom_objects)
        elif _inherits_model_from_config(cls):
            # a subclassed model's get_config holds its constructor arguments
            layer = cls(**config)
        else:
            config = registry.fit_config(cls, config, where)
            try:
                layer = cls.from_config(config)
            except TypeError as err:
                raise TypeError(
                    f"Could not rebuild {where} ({class_name}) from its config: {err}. If it "
                    "is your own class, make get_config() return exactly the constructor "
                    "arguments (or override from_config)."
                ) from err
    build = data.get("build_config")
    if build and not layer.built:
        build_layer(layer, build)
    return layer


def _inherits_model_from_config(cls):
    from featherflow.models.model import Model

    return issubclass(cls, Model) and getattr(cls.from_config, "__func__", None) is \
        Model.from_config.__func__


def _is_registered(cls):
    return reg.is_registered(cls)


def normalize_layer_config(config):
    """Keras 2/3 spellings featherflow's layers take the same way (dtype policies, axis)."""
    config = dict(config)
    if "dtype" in config:
        config["dtype"] = registry.dtype_name(config["dtype"])
    axis = config.get("axis")
    if isinstance(axis, list) and len(axis) == 1 and isinstance(axis[0], int):
        config["axis"] = axis[0]
    return config


def build_layer(layer, build_config):
    """Create a layer's weights from a Keras 3 ``build_config`` (``{"input_shape": ...}``)."""
    from featherflow.models.functional import Functional
    from featherflow.models.model import Model
    from featherflow.models.sequential import Sequential

    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if shape is None:
        return
    if isinstance(layer, Model) and not isinstance(layer, (Sequential, Functional)):
        _call_on_zeros(layer, shape)
        return
    layer.build_from_config(build_config)


def _call_on_zeros(model, shape):
    """Subclassed models make their weights on the first call: call them on zeros."""
    def zeros(s):
        if isinstance(s, list) and s and isinstance(s[0], list):
            return [zeros(v) for v in s]
        return np.zeros(tuple(1 if d is None else int(d) for d in s), "float32")

    model(zeros(shape), training=False)
    model.built = True


def _lambda_from_config(cls, config, custom_objects, where):
    if in_safe_mode():
        raise ValueError(
            f"Refusing to load the Lambda layer {where}: a Lambda wraps Python code, and a "
            "saved file can only name that code (or carry it compiled, which featherflow never "
            "runs). To load it, define the function yourself and pass "
            "load_model(path, safe_mode=False, custom_objects={'<function name or layer "
            "name>': your_function})."
        )
    fn_config = config.get("function")
    fn_name = None
    if isinstance(fn_config, str):
        fn_name = fn_config
    elif isinstance(fn_config, dict) and fn_config.get("class_name") == "function":
        fn_name = fn_config.get("config")
    fn = None
    for key in (fn_name, config.get("name")):
        if key:
            fn = reg.get_registered_object(key, custom_objects)
            if fn is not None:
                break
    if fn is None or not callable(fn):
        raise ValueError(
            f"Cannot rebuild the Lambda layer {where}: its function "
            f"{fn_name or '(stored as compiled code)'} is not among custom_objects. featherflow "
            "never runs code stored in a file; pass the function: load_model(path, "
            f"safe_mode=False, custom_objects={{{(fn_name or config.get('name'))!r}: fn}})."
        )
    output_shape = config.get("output_shape")
    if isinstance(output_shape, (dict, str)):
        output_shape = None
    kwargs = {k: v for k, v in config.items()
              if k in ("name", "trainable", "dtype", "batch_input_shape")}
    if "dtype" in kwargs:
        kwargs["dtype"] = registry.dtype_name(kwargs["dtype"])
    layer = cls.__new__(cls)
    cls.__init__(layer, fn, output_shape=output_shape, arguments=config.get("arguments") or {},
                 **kwargs)
    return layer


def json_default(obj):
    """``json.dumps(default=...)`` for NumPy values and shapes in configs."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, bytes):
        return obj.decode("utf-8")
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if hasattr(obj, "get_config"):
        return serialize_keras_object(obj)
    if callable(obj) and hasattr(obj, "__name__"):
        return reg.get_registered_name(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable: {obj!r}")


def dumps(obj):
    return json.dumps(obj, default=json_default)


# model configs live next door; re-exported because the models import them from here
from featherflow.saving.model_config import (  # noqa: E402
    clone_model,
    functional_config,
    functional_from_config,
    model_from_config,
    model_from_json,
    model_to_dict,
    sequential_config,
    sequential_from_config,
)

__all__ = [
    "SafeModeScope", "clone_model", "deserialize_keras_object", "functional_config",
    "functional_from_config", "layer_from_dict", "layer_to_dict", "model_from_config",
    "model_from_json", "model_to_dict", "sequential_config", "sequential_from_config",
    "serialize_keras_object",
]
