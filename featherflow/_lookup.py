"""Resolving Keras identifiers (names, config dicts, objects) and serializing objects.

Shared by activations, initializers, regularizers, constraints, losses, metrics and
optimizers, so every ``get()`` accepts the same inputs and fails with the same kind of message.
Configs follow Keras 3 (``{"module", "class_name", "config", "registered_name"}``) and Keras 2
(``{"class_name", "config"}``) alike.
"""

import inspect


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
    """Return ``(class_name, config)`` from a Keras 2 or Keras 3 config dict."""
    if "class_name" not in identifier:
        raise ValueError(
            f"Could not interpret {kind} identifier {identifier!r}: a config dict needs a "
            f"'class_name' key (and usually 'config'), e.g. "
            f"{{'class_name': 'SomeName', 'config': {{}}}}."
        )
    class_name = identifier["class_name"]
    config = identifier.get("config")
    if class_name in ("function", "builtins.function"):
        # Keras 3 stores functions as {"class_name": "function", "config": "<name>"}.
        return config if isinstance(config, str) else identifier.get("registered_name"), None
    registered = identifier.get("registered_name")
    if registered and isinstance(registered, str) and ">" in registered:
        class_name = registered.split(">")[-1]
    return class_name, ({} if config is None else config)


def find(name, table, kind, custom_objects=None):
    """Look ``name`` up in ``custom_objects`` then ``table``; a clear error when unknown."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    obj = table.get(name)
    if obj is None:
        obj = _registered(name)
    if obj is None:
        valid = ", ".join(sorted(table))
        raise ValueError(
            f"Unknown {kind} {name!r}. Valid {kind} names are: {valid}. Check the spelling, "
            f"or pass an instance or a callable instead of a string."
        )
    return obj


def _registered(name):
    """Objects registered with ``register_keras_serializable`` (if the saving module is there)."""
    try:
        from featherflow.saving import object_registration
    except ImportError:
        return None
    lookup = getattr(object_registration, "get_registered_object", None)
    return lookup(name) if lookup is not None else None


def deserialize(identifier, table, kind, custom_objects=None, functions=None):
    """Build the object a name or config dict describes (classes instantiated from config).

    ``functions`` maps names to plain functions for modules where a name means a class but a
    serialized function (``{"class_name": "function", ...}``) must give the function back.
    """
    if isinstance(identifier, str):
        return find(identifier, table, kind, custom_objects)
    class_name, config = split_config(identifier, kind)
    if config is None and functions and class_name in functions:
        return functions[class_name]
    obj = find(class_name, table, kind, custom_objects)
    if config is None or not inspect.isclass(obj):
        return obj
    if hasattr(obj, "from_config"):
        return obj.from_config(config)
    return obj(**config)
