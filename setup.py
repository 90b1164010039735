"""Packaging detail pyproject.toml cannot say: examples/ (one script per section of the seed
notes) installs as ``featherflow.examples``, so ``featherflow-demo`` finds them after any
install."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["featherflow", "featherflow.*"]) + ["featherflow.examples"],
    package_dir={"featherflow.examples": "examples"},
    # tables recorded from TensorFlow (tools/make_unicode_script_table.py)
    # Keras's ImageNet class index for keras.applications' decode_predictions (offline)
    package_data={"featherflow.api": ["data/*.npz"],
                  "featherflow.keras.applications": ["data/*.json"]},
)
