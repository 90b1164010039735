"""Objects to Keras configs and back, and the one name resolver (no file I/O here).

Everything that turns a name or a config dict into an object, or an object into a config:
``register_keras_serializable`` and ``custom_object_scope`` (user objects), the resolver every
``get()`` uses, ``serialize_keras_object``/``deserialize_keras_object``, ``safe_mode`` and the
layer/model config helpers. :mod:`featherflow.saving` reads and writes files on top of it.
Nothing here imports a layer or model module at import time.

Example:
    >>> from featherflow import serialization
    >>> serialization.serialize_keras_object(tf.keras.initializers.Zeros())["class_name"]
    'Zeros'
"""

from featherflow.serialization.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from featherflow.serialization.object_serialization import (
    deserialize_keras_object,
    serialize_keras_object,
)
from featherflow.serialization.safe_mode import SafeModeScope, in_safe_mode

__all__ = [
    "CustomObjectScope", "SafeModeScope", "custom_object_scope", "deserialize_keras_object",
    "get_custom_objects", "get_registered_name", "get_registered_object", "in_safe_mode",
    "register_keras_serializable", "serialize_keras_object",
]
