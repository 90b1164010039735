"""The one name resolver: Keras identifiers (names, config dicts, objects) to featherflow objects.

Every ``get()`` (activations, initializers, regularizers, constraints, losses, metrics,
optimizers) and every loader goes through here, so all accept the same inputs and fail the same
way: the unknown name, the valid ones, a "did you mean" from :mod:`difflib`, and the fix. A name
is looked up in, in order: ``custom_objects``, an active ``custom_object_scope``, the objects
registered with ``register_keras_serializable`` and featherflow's own table for that kind.

featherflow's tables are found by module name (as Keras 3 finds a class from the ``module`` its
config names), so this package imports no layer, model or loss module itself.
"""

import difflib
import importlib
import inspect
import pkgutil

from featherflow.serialization import object_registration as registration

# table key (a Keras 3 ``module`` part) -> (featherflow module, kind used in messages)
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

_IMPORT_ERRORS = {}


def did_you_mean(name, known):
    """`` Did you mean 'x'?`` for the closest known names, or an empty string.

    ``"Package>Name"`` entries are compared by their ``Name`` and suggested whole.
    """
    if not isinstance(name, str):
        return ""
    by_bare = {}
    for k in known:
        if isinstance(k, str):
            by_bare.setdefault(k.split(">")[-1], k)
    bare = name.split(">")[-1]
    close = difflib.get_close_matches(bare, list(by_bare), n=3, cutoff=0.6)
    if not close:
        lowered = {k.lower(): k for k in by_bare}
        close = [lowered[k] for k in difflib.get_close_matches(bare.lower(), list(lowered), n=3)]
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(by_bare[c]) for c in close) + "?"


# -- configs -------------------------------------------------------------------------------
def serialize_object(obj, module):
    """Keras 3 dict for an object with ``get_config``: readable by Keras and by featherflow."""
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": obj.get_config(),
        "registered_name": None,
    }


def serialize_function(fn, module):
    """Keras 3 dict for a plain function (a loss or metric given as a function)."""
    return {
        "module": module,
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": fn.__name__,
    }


def split_config(identifier, kind):
    """Return ``(class_name, config, registered_name)`` from a Keras 2 or 3 config dict.

    ``config`` is None for a serialized function.
    """
    if "class_name" not in identifier:
        raise ValueError(
            f"Could not interpret {kind} identifier {identifier!r}: a config dict needs a "
            f"'class_name' key (and usually 'config'), e.g. "
            f"{{'class_name': 'SomeName', 'config': {{}}}}."
        )
    class_name = identifier["class_name"]
    config = identifier.get("config")
    registered = identifier.get("registered_name")
    registered = registered if isinstance(registered, str) and ">" in registered else None
    if class_name in ("function", "builtins.function"):
        # Keras 3 stores functions as {"class_name": "function", "config": "<name>"}.
        name = config if isinstance(config, str) else identifier.get("registered_name")
        return name, None, registered
    return class_name, ({} if config is None else config), registered


# -- one kind's table (the get() of activations, losses...) ---------------------------------
def find(name, table, kind, custom_objects=None, registered=None):
    """Look ``name`` up (custom objects and registered user objects first for names of the
    ``"Package>Name"`` form); raise a clear error listing the valid names when unknown."""
    for key in (registered, name):
        if key and custom_objects and key in custom_objects:
            return custom_objects[key]
    obj = registration.get_scoped_object(name)
    if obj is not None:
        return obj
    obj = registration.get_registered_object(registered, custom_objects) if registered else None
    if obj is None:
        obj = table.get(name)
    if obj is None:
        obj = registration.get_registered_object(name, custom_objects)
    if obj is None:
        valid = ", ".join(sorted(table))
        raise ValueError(
            f"Unknown {kind} {name!r}.{did_you_mean(name, table)} Valid {kind} names are: "
            f"{valid}. Check the spelling, or pass an instance or a callable instead of a string."
        )
    return obj


def deserialize(identifier, table, kind, custom_objects=None, functions=None):
    """Build the object a name or config dict describes (classes instantiated from config).

    ``functions`` maps names to plain functions for modules where a name means a class but a
    serialized function (``{"class_name": "function", ...}``) must give the function back.
    """
    if isinstance(identifier, str):
        return find(identifier, table, kind, custom_objects)
    class_name, config, registered = split_config(identifier, kind)
    if config is None and not registered and functions and class_name in functions:
        return functions[class_name]
    obj = find(class_name, table, kind, custom_objects, registered)
    if config is None or not inspect.isclass(obj):
        return obj
    if hasattr(obj, "from_config"):
        return obj.from_config(config)
    return obj(**config)


# -- every kind, as files name them ---------------------------------------------------------
def object_kinds():
    """The table keys of every non-layer kind (``"losses"``, ``"optimizers"``...)."""
    return list(_MODULES)


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


def find_object(class_name, kind_module=None, custom_objects=None, registered_name=None):
    """A non-layer class or function (initializer, loss, optimizer...) by name, or None."""
    for name in (registered_name, class_name):
        if not name:
            continue
        obj = registration.get_registered_object(name, custom_objects)
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


# The featherflow classes whose configs take special handling. Layers and models import this
# package, so it reaches them by name when a config asks (as Keras 3 finds a class from the
# ``module`` and ``class_name`` of a config), never at import time.
_FEATHERFLOW_CLASSES = {
    "Layer": "featherflow.layers.layer",
    "InputLayer": "featherflow.layers.input_layer",
    "Lambda": "featherflow.layers.core",
    "Model": "featherflow.models.model",
    "Sequential": "featherflow.models.sequential",
    "Functional": "featherflow.models.functional",
}


def featherflow_class(name):
    """One of featherflow's layer or model classes (``"Lambda"``, ``"Functional"``...) by name."""
    return getattr(importlib.import_module(_FEATHERFLOW_CLASSES[name]), name)


def layer_base():
    """featherflow's ``Layer`` class."""
    return featherflow_class("Layer")


def model_configs():
    """:mod:`featherflow.models.model_config`: the Sequential and Functional configs."""
    return importlib.import_module("featherflow.models.model_config")


def _import_layer_modules():
    """Import every module of featherflow.layers, so each Layer subclass is defined."""
    layers_module = importlib.import_module("featherflow.layers")
    for info in pkgutil.walk_packages(layers_module.__path__, "featherflow.layers."):
        if info.name in _IMPORT_ERRORS:
            continue
        try:
            importlib.import_module(info.name)
        except Exception as err:  # a broken module must not stop loading other layers
            _IMPORT_ERRORS[info.name] = f"{type(err).__name__}: {err}"


def layer_classes():
    """Every public featherflow Layer class by name (Sequential, Functional included)."""
    layers_module = importlib.import_module("featherflow.layers")
    models_module = importlib.import_module("featherflow.models")
    _import_layer_modules()
    base = layer_base()
    table = {}
    for name in dir(layers_module):
        obj = getattr(layers_module, name, None)
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
        obj = registration.get_registered_object(name, custom_objects)
        if obj is not None:
            return obj
    table = layer_classes()
    bare = class_name.split(">")[-1] if isinstance(class_name, str) else class_name
    if bare in table:
        return table[bare]
    raise unknown_name_error("layer", class_name, sorted(table), where)


def unknown_name_error(kind, class_name, known, where=None):
    at = f" (at {where})" if where else ""
    custom = registration.registered_names()
    also = f" Registered custom objects: {', '.join(custom)}." if custom else ""
    if kind == "layer" and _IMPORT_ERRORS:
        also += f" (featherflow modules that failed to import: {_IMPORT_ERRORS})"
    bare = class_name.split(">")[-1] if isinstance(class_name, str) else class_name
    return ValueError(
        f"Unknown {kind} class {class_name!r}{at}.{did_you_mean(class_name, list(known) + custom)}"
        f" Known {kind} classes: {', '.join(known)}.{also} If {class_name!r} is your own class, "
        f"pass it when loading, e.g. load_model(path, custom_objects={{{bare!r}: {bare}}}), or "
        "decorate its definition with @tf.keras.saving.register_keras_serializable() so files "
        "can name it."
    )
