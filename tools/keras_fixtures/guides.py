"""The keras.io guide examples (examples/custom_fit.py, ...), run by real Keras.

Each example is written for featherflow (``import featherflow as tf`` / ``from featherflow
import keras``). Here the same source runs with those two imports switched to TensorFlow and
Keras 3 (or tf_keras for the tf.keras 2 version of a guide), and the ``RESULTS`` dict it fills
is written to ``tests/fixtures/keras/guides/<example>.json``. tests/examples/test_guides.py
runs the unchanged example and compares.
"""

from __future__ import annotations

import contextlib
import io

from .common import ROOT, save_json

FEATHERFLOW_IMPORTS = ("import featherflow as tf\n", "from featherflow import keras\n")

# (example file, the Keras its reference imports: "keras" is Keras 3, "tf_keras" tf.keras 2,
# fixture name). transfer_learning also runs on tf.keras 2: the two disagree on whether an
# explicit ``training=False`` inside a Functional model survives fit's ``training=True``.
EXAMPLES = [
    ("custom_fit", "keras", "custom_fit"),
    ("custom_fit_tf_keras", "tf_keras", "custom_fit_tf_keras"),
    ("transfer_learning", "keras", "transfer_learning"),
    ("transfer_learning", "tf_keras", "transfer_learning_tf_keras"),
    ("subclassing", "keras", "subclassing"),
]


def reference_source(name: str, keras_module: str) -> str:
    """The example's source with its featherflow imports replaced by TensorFlow's."""
    source = (ROOT / "examples" / f"{name}.py").read_text()
    for line in FEATHERFLOW_IMPORTS:
        if line not in source:
            raise ValueError(f"examples/{name}.py: expected the line {line.strip()!r}")
    keras_import = "import keras\n" if keras_module == "keras" else "import tf_keras as keras\n"
    return (source.replace(FEATHERFLOW_IMPORTS[0], "import tensorflow as tf\n")
            .replace(FEATHERFLOW_IMPORTS[1], keras_import))


def run_example(name: str, keras_module: str) -> dict:
    import importlib

    backend = importlib.import_module(keras_module)
    backend.backend.clear_session()
    # The examples are float32, as a learner's code is (the groups around run in float64).
    if keras_module == "keras":
        backend.config.set_floatx("float32")
    else:
        backend.backend.set_floatx("float32")
    namespace = {"__name__": f"guide_{name}", "__file__": str(ROOT / "examples" / f"{name}.py")}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(reference_source(name, keras_module), namespace["__file__"], "exec"),
             namespace)
    return namespace["RESULTS"]


def run() -> None:
    for name, keras_module, fixture in EXAMPLES:
        results = run_example(name, keras_module)
        save_json(f"guides/{fixture}.json", {
            "keras": keras_module,
            "version": __import__(keras_module).__version__,
            "results": results,
        })
