"""``tf.keras.preprocessing``: the older names tutorials still use, re-exported from
``featherflow.utils`` (loaded on first use)."""

import importlib

_LAZY = {
    "image_dataset_from_directory": "featherflow.utils.image_dataset",
    "text_dataset_from_directory": "featherflow.utils.text_dataset",
    "timeseries_dataset_from_array": "featherflow.utils.timeseries",
    "image": "featherflow.keras.preprocessing.image",
    "sequence": "featherflow.keras.preprocessing.sequence",
    "text": "featherflow.keras.preprocessing.text",
}


def __getattr__(name):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(
            f"module 'featherflow.keras.preprocessing' has no attribute {name!r}")
    module = importlib.import_module(target)
    value = module if target.endswith(name) else getattr(module, name)
    globals()[name] = value
    return value


__all__ = list(_LAZY)
