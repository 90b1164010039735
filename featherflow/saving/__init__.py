"""Saving and loading models and weights in the files Keras reads and writes.

- ``model.save("m.keras")`` / ``load_model``: the Keras 3 zip; ``model.save("m.h5")``: the
  Keras 2 HDF5 file (config, training config, weights, optimizer state).
- ``model.save_weights("w.weights.h5")`` (Keras 3 layout) or ``("w.h5")`` (Keras 2 layout);
  ``load_weights`` reads both, full-model ``.h5`` files and ``.keras`` archives.
- ``register_keras_serializable`` / ``custom_objects`` for your own classes.

Writes are atomic; loads never run code from the file and change nothing unless every weight
fits; what a file may make the loader allocate is bounded (``set_load_limits`` lifts it for
huge models). See docs/saving.md. Objects to configs and back is :mod:`featherflow.serialization`;
this package only reads and writes files.
"""

from featherflow.saving.h5_io import CorruptFileError
from featherflow.saving.saving_api import load_model, load_weights, save_model, save_weights
from featherflow.serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from featherflow.serialization.load_limits import (
    LoadLimitError,
    get_load_limits,
    set_load_limits,
)

__all__ = [
    "CorruptFileError", "CustomObjectScope", "LoadLimitError", "custom_object_scope",
    "deserialize_keras_object", "get_custom_objects", "get_load_limits", "get_registered_name",
    "get_registered_object", "load_model", "load_weights", "register_keras_serializable",
    "save_model", "save_weights", "serialize_keras_object", "set_load_limits",
]
