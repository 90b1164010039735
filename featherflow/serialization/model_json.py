"""A whole model as the config dict ``to_json``, ``.h5`` and ``.keras`` files hold, and back.

Sequential and Functional configs themselves are the models' own
(:mod:`featherflow.models.model_config`); a subclassed model's is its ``get_config``.
"""

import json

from featherflow.serialization import (
    class_names,
    layer_config,
    load_limits,
    object_serialization,
    resolver,
)
from featherflow.serialization import object_registration as registration

# what featherflow writes as the Keras version of a Keras 2 style file or JSON
KERAS2_VERSION = "2.15.0"


def model_to_dict(model, keras3=False):
    """``{"class_name", "config", ...}`` of a model, as ``to_json`` and ``.h5`` files hold it."""
    model_config = resolver.model_configs()
    Functional = resolver.featherflow_class("Functional")
    Sequential = resolver.featherflow_class("Sequential")

    if keras3:
        return layer_config.layer_to_dict(model, keras3=True)
    if type(model) is Sequential:
        config = model_config.sequential_config(model)
        class_name = "Sequential"
    elif type(model) is Functional:
        config = model_config.functional_config(model)
        class_name = "Functional"
    else:
        config = _subclass_config(model)
        class_name = class_names.class_name_of(model, keras2=True)
        build = model.get_build_config()
        if build:
            # Keras 2 cannot save subclassed models to .h5; featherflow keeps the input shape
            # it needs to create their weights before loading them
            return {"class_name": class_name, "config": config, "build_config": build,
                    "keras_version": KERAS2_VERSION, "backend": "tensorflow"}
    return {"class_name": class_name, "config": config, "keras_version": KERAS2_VERSION,
            "backend": "tensorflow"}


def _subclass_config(model):
    Model = resolver.featherflow_class("Model")

    if type(model).get_config is Model.get_config and not registration.is_registered(type(model)):
        raise NotImplementedError(
            f"Model {model.name!r} is a subclassed model ({type(model).__name__}); its "
            "architecture is Python code, which a config cannot hold. Save it with "
            "model.save_weights(...) and rebuild it in code, or give the class get_config() "
            "and @tf.keras.saving.register_keras_serializable() so files can name it."
        )
    return model.get_config()


def model_from_config(config, custom_objects=None):
    """A model from ``{"class_name": ..., "config": ...}`` (Keras 2 or Keras 3)."""
    label = "the model config"
    load_limits.check_depth(config, label)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "A model config is a dict with 'class_name' and 'config' keys (what "
            f"model.to_json() writes); received {type(config).__name__}."
        )
    with load_limits.loading(label):
        try:
            return _build(config, custom_objects)
        except RecursionError:
            raise load_limits.depth_error(label) from None


def _build(config, custom_objects):
    with registration.CustomObjectScope(custom_objects):
        return layer_config.layer_from_dict(config, custom_objects, where="the model")


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model (new weights) from ``model.to_json()`` or a Keras JSON string.

    Example::

        >>> clone = tf.keras.models.model_from_json(model.to_json())
    """
    try:
        config = json.loads(json_string)
    except RecursionError:
        raise load_limits.depth_error("model_from_json") from None
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"model_from_json expects the JSON text from model.to_json(); it could not be "
            f"parsed: {err}."
        ) from None
    return model_from_config(config, custom_objects=custom_objects)


def clone_model(model):
    """A model with the same architecture and freshly initialised weights."""
    # cycle: models import serialization for their configs
    from featherflow.models.operation_config import holds_operations

    # Keras 2 configs cannot hold tensor operations (x + 1.0): such models clone through
    # their Keras 3 config, as Keras 3 clones them
    keras3 = holds_operations(model)
    # the model is the caller's own, not a file: no loading budget
    return _build(json.loads(json.dumps(model_to_dict(model, keras3=keras3),
                                        default=object_serialization.json_default)), None)
