"""The names a Keras config gives an object: its ``module``, ``class_name``, ``registered_name``."""

import inspect

from featherflow.serialization import object_registration as registration

# what Keras calls the module of featherflow's built-in objects (Keras 3 configs name it)
_KERAS_MODULES = (
    ("featherflow.layers.preprocessing.feature_space", "keras.utils"),
    # the applications' own layers (ConvNeXt's LayerScale, InceptionResNetV2's CustomScaleLayer)
    ("featherflow.keras.applications.convnext", "keras.src.applications.convnext"),
    ("featherflow.keras.applications.inception_resnet_v2",
     "keras.src.applications.inception_resnet_v2"),
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


def keras_module_of(obj):
    """The ``module`` a Keras 3 config gives ``obj``'s class (user classes keep theirs)."""
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    module = getattr(cls, "__module__", "") or ""
    for ours, theirs in _KERAS_MODULES:
        if module == ours or module.startswith(ours + "."):
            return theirs
    return module


def is_builtin(obj):
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    return (getattr(cls, "__module__", "") or "").startswith("featherflow.")


def class_name_of(obj, keras2=False):
    """Keras 2 names registered classes ``"Package>Name"`` in ``class_name``; Keras 3 does not."""
    cls = type(obj)
    if keras2 and registration.is_registered(cls):
        return registration.get_registered_name(cls)
    return cls.__name__


def registered_name_of(obj):
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    if registration.is_registered(cls):
        return registration.get_registered_name(cls)
    return None if is_builtin(cls) else cls.__name__
