"""Temporary: the names featherflow/models/ imports from here until its imports move.

Model configs now live in :mod:`featherflow.models.model_config` and
:mod:`featherflow.serialization.model_json`; this file goes once models/functional.py,
models/sequential.py, models/model.py and models/__init__.py import them from there.
"""

from featherflow.models.model_config import (
    functional_config,
    functional_from_config,
    sequential_config,
    sequential_from_config,
)
from featherflow.serialization.model_json import clone_model, model_from_json, model_to_dict

__all__ = [
    "clone_model", "functional_config", "functional_from_config", "model_from_json",
    "model_to_dict", "sequential_config", "sequential_from_config",
]
