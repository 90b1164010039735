"""Finding classes by the names files give them, and fitting Keras configs to featherflow.

Layers need no saving code: every ``Layer`` subclass defined in featherflow is found by its
class name (walking ``Layer.__subclasses__()``), and user classes through ``custom_objects``
or :func:`~featherflow.saving.register_keras_serializable`. Configs written by Keras 2 or
Keras 3 carry keys featherflow does not take (``quantization_config``, ``implementation``...);
:func:`fit_config` drops them from the arguments of featherflow's own classes.
"""

import importlib
import inspect
import pkgutil
import warnings

from featherflow.saving import object_registration as reg

# module hint in a Keras 3 config -> (featherflow module, kind used in messages)
_MODULES = {
    "initializers": ("featherflow.initializers", "initializer"),
    "regularizers": ("featherflow.regularizers", "regularizer"),
    "constraints": ("featherflow.constraints", "constraint"),
    "activations": ("featherflow.activations", "activation"),
    "losses": ("featherflow.losses", "loss"),
    "metrics": ("featherflow.metrics", "metric"),
    "optimizers": ("featherflow.optimizers", "optimizer"),
    "schedules": ("featherflow.optimizers.schedules", "learning rate schedule"),
}

# Keras 2 names of the model classes and a few renamed layers
_LAYER_ALIASES = {
    "Model": "Functional",
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "Deconvolution2D": "Conv2DTranspose", "Deconv2D": "Conv2DTranspose",
    "CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU",
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D",
    "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D",
}

# Keras-only settings that change nothing in featherflow: dropped without a warning
_QUIET_KEYS = frozenset({
    "implementation", "time_major", "quantization_config", "lora_rank", "lora_alpha",
    "autocast", "optional", "ragged", "sparse", "input_axes", "output_axes", "synchronized",
    "jit_compile", "is_legacy_optimizer", "dynamic", "build_input_shape", "ema_momentum",
    "ema_overwrite_frequency", "name",
})

# what Layer.__init__ takes through **kwargs (it raises on anything else)
_LAYER_BASE_KWARGS = frozenset({
    "trainable", "name", "dtype", "autocast", "batch_input_shape", "batch_shape",
    "input_shape", "input_dim", "weights", "dynamic", "input_length",
})


def _layer_base():
    from featherflow.layers.layer import Layer

    return Layer


_IMPORT_ERRORS = {}


def _import_layer_modules():
    """Import every module of featherflow.layers, so each Layer subclass is defined."""
    import featherflow.layers as layers_module

    for info in pkgutil.walk_packages(layers_module.__path__, "featherflow.layers."):
        if info.name in _IMPORT_ERRORS:
            continue
        try:
            importlib.import_module(info.name)
        except Exception as err:  # a broken module must not stop loading other layers
            _IMPORT_ERRORS[info.name] = f"{type(err).__name__}: {err}"


def layer_classes():
    """Every public featherflow Layer class by name (Sequential, Functional included)."""
    import featherflow.layers as layers_module
    import featherflow.models as models_module

    _import_layer_modules()
    base = _layer_base()
    table = {}
    for name in dir(layers_module):
        obj = getattr(layers_module, name)
        if inspect.isclass(obj) and issubclass(obj, base) and not name.startswith("_"):
            table[name] = obj
    stack = list(base.__subclasses__())
    seen = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if cls.__name__.startswith("_") or not cls.__module__.startswith("featherflow."):
            continue
        table.setdefault(cls.__name__, cls)
    table["Layer"] = base
    table["Sequential"] = models_module.Sequential
    table["Functional"] = models_module.Functional
    # Keras 2 wrote Functional models as "Model"; featherflow's Model base is not loadable
    table["Model"] = models_module.Functional
    for alias, target in _LAYER_ALIASES.items():
        if target in table:
            table.setdefault(alias, table[target])
    return table


def find_layer_class(class_name, custom_objects=None, registered_name=None, where=None):
    """The Layer class a config names; a clear error listing the known ones otherwise."""
    for name in (registered_name, class_name):
        if not name:
            continue
        obj = reg.get_registered_object(name, custom_objects)
        if obj is not None:
            return obj
    table = layer_classes()
    bare = class_name.split(">")[-1] if isinstance(class_name, str) else class_name
    if bare in table:
        return table[bare]
    raise unknown_name_error("layer", class_name, sorted(table), where)


def find_object(class_name, kind_module=None, custom_objects=None, registered_name=None):
    """A non-layer class or function (initializer, loss, optimizer...) by name, or None."""
    for name in (registered_name, class_name):
        if not name:
            continue
        obj = reg.get_registered_object(name, custom_objects)
        if obj is not None:
            return obj
    bare = class_name.split(">")[-1]
    modules = [kind_module] if kind_module else list(_MODULES)
    for key in modules:
        table = module_table(key)
        if table and bare in table:
            return table[bare]
        # optimizers are keyed in lower case ("adam"), files say "Adam"
        lowered = {k.lower(): v for k, v in (table or {}).items()}
        if bare.lower() in lowered and key == "optimizers":
            return lowered[bare.lower()]
    return None


def kind_name(key):
    """``"loss"`` for the table key ``"losses"`` (for messages)."""
    return _MODULES.get(key, (None, "object"))[1]


def module_table(key):
    """The name -> object table of one featherflow module (``"losses"``...), or {}."""
    target = _MODULES.get(key)
    if target is None:
        return {}
    try:
        module = importlib.import_module(target[0])
    except ImportError:
        return {}
    table = getattr(module, "_table", None)
    if callable(table):
        table = table()
    else:
        table = getattr(module, "ALL_OBJECTS_DICT", None)
    if table is None:
        table = {n: getattr(module, n) for n in getattr(module, "__all__", ())}
    return table


def kind_of_module(module):
    """Map a Keras 3 ``module`` string (``keras.src.losses.losses``) to a table key."""
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    for key in ("schedules", "initializers", "regularizers", "constraints", "activations",
                "losses", "metrics", "optimizers"):
        if key in parts:
            return key
    if "layers" in parts or "models" in parts:
        return "layers"
    return None


def unknown_name_error(kind, class_name, known, where=None):
    at = f" (at {where})" if where else ""
    custom = reg.registered_names()
    also = f" Registered custom objects: {', '.join(custom)}." if custom else ""
    if kind == "layer" and _IMPORT_ERRORS:
        also += f" (featherflow modules that failed to import: {_IMPORT_ERRORS})"
    return ValueError(
        f"Unknown {kind} class {class_name!r}{at}. Known {kind} classes: {', '.join(known)}."
        f"{also} If {class_name!r} is your own class, pass it when loading, e.g. "
        f"load_model(path, custom_objects={{{class_name.split('>')[-1]!r}: "
        f"{class_name.split('>')[-1]}}}), or decorate its definition with "
        "@tf.keras.saving.register_keras_serializable() so files can name it."
    )


def accepted_kwargs(cls):
    """Keyword arguments ``cls(...)`` takes, or None when it takes anything."""
    base = _layer_base()
    names = set()
    for klass in cls.__mro__:
        if klass is object:
            return names
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is base:
            return names | _LAYER_BASE_KWARGS
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return None
        var_kw = False
        for p in list(params.values())[1:]:
            if p.kind == p.VAR_KEYWORD:
                var_kw = True
            elif p.kind != p.VAR_POSITIONAL:
                names.add(p.name)
        if not var_kw:
            return names
    return None


def fit_config(cls, config, where):
    """Drop config keys a featherflow class cannot take; warn when a dropped one mattered.

    User classes get their config unchanged: their ``from_config`` decides.
    """
    if not cls.__module__.startswith("featherflow."):
        return config
    accepted = accepted_kwargs(cls)
    if accepted is None:
        return config
    out = {}
    for key, value in config.items():
        if key in accepted:
            out[key] = value
        elif key not in _QUIET_KEYS and value not in (None, False, 0, 0.0, "", [], {}):
            warnings.warn(
                f"{where}: featherflow's {cls.__name__} has no setting {key!r}; the saved value "
                f"{value!r} is ignored.",
                stacklevel=3,
            )
    return out


def dtype_name(dtype):
    """A dtype from a config (string, Keras 2 ``Policy`` or Keras 3 ``DTypePolicy`` dict)."""
    if isinstance(dtype, dict):
        dtype = (dtype.get("config") or {}).get("name", "float32")
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        # mixed precision keeps float32 variables; featherflow computes in float32
        return "float32"
    return dtype
