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


def find(name, table, kind, custom_objects=None, registered=None):
    """Look ``name`` up (custom objects and registered user objects first for names of the
    ``"Package>Name"`` form); raise a clear error listing the valid names when unknown."""
    for key in (registered, name):
        if key and custom_objects and key in custom_objects:
            return custom_objects[key]
    obj = _registered(registered, custom_objects) if registered else None
    if obj is None:
        obj = table.get(name)
    if obj is None:
        obj = _registered(name, custom_objects)
    if obj is None:
        valid = ", ".join(sorted(table))
        raise ValueError(
            f"Unknown {kind} {name!r}. Valid {kind} names are: {valid}. Check the spelling, "
            f"or pass an instance or a callable instead of a string."
        )
    return obj


def _registered(name, custom_objects=None):
    """User objects from ``register_keras_serializable`` or an active custom object scope."""
    try:
        from featherflow.saving import object_registration
    except ImportError:
        return None
    return object_registration.get_registered_object(name, custom_objects)


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
