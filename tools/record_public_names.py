"""Record the public names of Keras 3, tf.keras 2 and TensorFlow namespaces from the real packages.

    /work/venv-tf/bin/python tools/record_public_names.py

Writes tests/fixtures/keras/namespaces.json: {namespace: {name: kind}} with kind one of
class / function / module / constant. tests/test_namespace_coverage.py and
tools/write_coverage_doc.py compare featherflow's namespaces against it.
"""

import importlib
import inspect
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "keras" / "namespaces.json"

KERAS3 = [
    "keras", "keras.layers", "keras.ops", "keras.ops.nn", "keras.ops.linalg", "keras.ops.image",
    "keras.ops.numpy", "keras.random", "keras.config", "keras.mixed_precision", "keras.backend",
    "keras.activations", "keras.losses", "keras.metrics", "keras.optimizers",
    "keras.optimizers.schedules", "keras.callbacks", "keras.initializers", "keras.regularizers",
    "keras.constraints", "keras.utils", "keras.models", "keras.saving", "keras.datasets",
    "keras.applications", "keras.tree", "keras.preprocessing", "keras.preprocessing.image",
    "keras.preprocessing.sequence",
]
TF_KERAS = ["tf_keras.backend", "tf_keras.preprocessing.text", "tf_keras.preprocessing.image",
            "tf_keras.preprocessing.sequence"]
TF = [
    "tensorflow", "tensorflow.math", "tensorflow.nn", "tensorflow.linalg", "tensorflow.random",
    "tensorflow.image", "tensorflow.io", "tensorflow.io.gfile", "tensorflow.strings",
    "tensorflow.data", "tensorflow.data.experimental", "tensorflow.signal", "tensorflow.sparse",
    "tensorflow.ragged", "tensorflow.audio", "tensorflow.train", "tensorflow.config",
    "tensorflow.debugging", "tensorflow.errors", "tensorflow.dtypes", "tensorflow.test",
    "tensorflow.summary", "tensorflow.distribute", "tensorflow.saved_model", "tensorflow.autodiff",
]


def kind(obj):
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "constant"


def names_of(module_name):
    root, *path = module_name.split(".")
    module = importlib.import_module(root)
    for part in path:  # attribute walk: tf.distribute is the API module, not the package
        module = getattr(module, part)
    out = {}
    for name in dir(module):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(module, name)
        except Exception:  # a lazy name that fails to load is not public in practice
            continue
        out[name] = kind(obj)
    return dict(sorted(out.items()))


def main():
    import keras
    import tensorflow as tf
    import tf_keras

    record = {"versions": {"keras": keras.__version__, "tensorflow": tf.__version__,
                           "tf_keras": tf_keras.__version__},
              "namespaces": {}}
    for module_name in KERAS3 + TF_KERAS + TF:
        record["namespaces"][module_name] = names_of(module_name)
    OUT.write_text(json.dumps(record, indent=1, sort_keys=False) + "\n")
    total = sum(len(v) for v in record["namespaces"].values())
    print(f"wrote {OUT} ({len(record['namespaces'])} namespaces, {total} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
