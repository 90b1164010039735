"""The docstring examples of the building-block modules run and print what they claim."""

import doctest
import importlib

import numpy as np
import pytest

import featherflow as tf

MODULES = [
    "featherflow.activations", "featherflow.initializers", "featherflow.regularizers",
    "featherflow.constraints", "featherflow.losses", "featherflow.losses.loss",
    "featherflow.losses.losses", "featherflow.losses.functions", "featherflow.metrics",
    "featherflow.metrics.metric", "featherflow.metrics.accuracy",
    "featherflow.metrics.regression", "featherflow.metrics.probabilistic",
    "featherflow.metrics.confusion", "featherflow.optimizers",
    "featherflow.optimizers.optimizer", "featherflow.optimizers.schedules",
    *(f"featherflow.optimizers.{n}" for n in (
        "sgd", "adam", "adamax", "nadam", "rmsprop", "adagrad", "adadelta", "ftrl", "lion",
        "lamb")),
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np, "tf": tf},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
