"""Registering user classes and functions so saved models can name them (as Keras does).

A file stores a class by name only; loading maps the name back to a class through, in order:
``custom_objects`` passed to the loader, an active :func:`custom_object_scope`, and objects
registered with :func:`register_keras_serializable` (``"Package>Name"``). Nothing from the
file is ever executed.
"""

import inspect
import threading

# "Package>Name" -> object, and the reverse (by id, objects need not be hashable)
_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_SCOPE = threading.local()


def _scope_stack():
    stack = getattr(_SCOPE, "stack", None)
    if stack is None:
        stack = _SCOPE.stack = []
    return stack


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under ``"package>name"`` for loading.

    The registered class needs ``get_config`` returning its constructor arguments (so it can
    be rebuilt with ``from_config``/``cls(**config)``).

    Example::

        @tf.keras.saving.register_keras_serializable(package="MyLayers")
        class Scale(tf.keras.layers.Layer):
            def __init__(self, factor=2.0, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor

            def get_config(self):
                return {**super().get_config(), "factor": self.factor}
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            f"register_keras_serializable: package must be a string without '>', received "
            f"{package!r}."
        )

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__!r}: a registered class needs a get_config() "
                "method returning its constructor arguments, so a saved model can rebuild it."
            )
        previous = _GLOBAL_CUSTOM_OBJECTS.get(registered)
        if previous is not None and previous is not obj and _qualname(previous) != _qualname(
                obj):
            raise ValueError(
                f"{registered!r} is already registered to {_qualname(previous)}; choose another "
                "package= or name= for " + _qualname(obj) + "."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[id(obj)] = registered
        return obj

    return decorator


def _qualname(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def get_registered_name(obj):
    """``"Package>Name"`` for a registered object, else its plain ``__name__``."""
    registered = _GLOBAL_CUSTOM_NAMES.get(id(obj))
    if registered is not None and _GLOBAL_CUSTOM_OBJECTS.get(registered) is obj:
        return registered
    return getattr(obj, "__name__", type(obj).__name__)


def is_registered(obj):
    registered = _GLOBAL_CUSTOM_NAMES.get(id(obj))
    return registered is not None and _GLOBAL_CUSTOM_OBJECTS.get(registered) is obj


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object known as ``name`` (``"Pkg>Name"`` or a bare ``"Name"``), or None.

    Looks in the active :func:`custom_object_scope` dicts, the global registry,
    ``custom_objects`` then ``module_objects``.
    """
    if not isinstance(name, str):
        return None
    for scope in reversed(_scope_stack()):
        obj = _lookup_in(scope, name)
        if obj is not None:
            return obj
    obj = _lookup_in(_GLOBAL_CUSTOM_OBJECTS, name)
    if obj is not None:
        return obj
    if custom_objects:
        obj = _lookup_in(custom_objects, name)
        if obj is not None:
            return obj
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_scoped_object(name):
    """The object an active :func:`custom_object_scope` (or a loader's ``custom_objects``)
    maps ``name`` to, or None: these take precedence over built-in names, as in Keras (so
    ``custom_objects={"hard_sigmoid": fn}`` replaces the built-in activation in a file)."""
    if not isinstance(name, str):
        return None
    for scope in reversed(_scope_stack()):
        obj = _lookup_in(scope, name)
        if obj is not None:
            return obj
    return None


def _lookup_in(table, name):
    if name in table:
        return table[name]
    # a file may name a registered class "Pkg>Name" while the user passes {"Name": cls}, or
    # the other way round (Keras 2 files store the bare class name)
    bare = name.split(">")[-1]
    if bare != name and bare in table:
        return table[bare]
    if ">" not in name:
        matches = [v for k, v in table.items() if k.split(">")[-1] == name]
        if len(matches) == 1:
            return matches[0]
    return None


def get_custom_objects():
    """The global registry dict (``"Pkg>Name"`` or plain names -> object); editable."""
    return _GLOBAL_CUSTOM_OBJECTS


def registered_names():
    """Every name a custom object can currently be found under (for error messages)."""
    names = set(_GLOBAL_CUSTOM_OBJECTS)
    for scope in _scope_stack():
        names.update(scope)
    return sorted(names)


class CustomObjectScope:
    """Within this ``with`` block, the given ``{name: object}`` dicts are known to loaders.

    Example::

        with tf.keras.saving.custom_object_scope({"Scale": Scale}):
            model = tf.keras.models.load_model("model.h5")
    """

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            if objects is None:
                continue
            if not isinstance(objects, dict):
                raise TypeError(
                    "custom_object_scope expects dicts of {name: class or function}, received "
                    f"{type(objects).__name__}."
                )
            self.custom_objects.update(objects)

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()
        return False


custom_object_scope = CustomObjectScope
