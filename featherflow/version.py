"""Versions: featherflow's own, and the TensorFlow / Keras API level it follows.

``tf.__version__`` (and ``tf.version.VERSION``) is ``"2.21.0+featherflow.0.1.0"``: a PEP 440
version whose release part is the TensorFlow API featherflow follows, so notebook checks such
as ``version.parse(tf.__version__) >= version.parse("2.8")`` or
``tf.__version__.startswith("2.")`` answer as on TensorFlow 2.21, and whose local label names
featherflow and its own version, so a printout never passes featherflow off as TensorFlow.
featherflow's own version alone is ``FEATHERFLOW_VERSION`` (also what pip reports).
``tf.keras.__version__`` follows Keras 3.15.1 the same way (docs/tf_core.md, "Versions").
"""

import platform

FEATHERFLOW_VERSION = "0.1.0"
TF_API_VERSION = "2.21.0"
KERAS_API_VERSION = "3.15.1"

VERSION = f"{TF_API_VERSION}+featherflow.{FEATHERFLOW_VERSION}"
KERAS_VERSION = f"{KERAS_API_VERSION}+featherflow.{FEATHERFLOW_VERSION}"
GIT_VERSION = f"featherflow-{FEATHERFLOW_VERSION}"
COMPILER_VERSION = f"{platform.python_implementation()} {platform.python_version()}"
# TensorFlow 2.21's GraphDef versions (the producer of the layer GraphDefs TensorBoard gets)
GRAPH_DEF_VERSION = 2474
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

__version__ = VERSION

__all__ = ["COMPILER_VERSION", "FEATHERFLOW_VERSION", "GIT_VERSION", "GRAPH_DEF_VERSION",
           "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER", "VERSION"]
