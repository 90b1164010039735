"""The docstring examples of the second keras.ops set and the adaptive pooling layers run and
print what they claim."""

import doctest
import importlib

import numpy as np
import pytest

import featherflow as tf

MODULES = ["featherflow.keras.ops.spectral", "featherflow.keras.ops.adaptive_pool",
           "featherflow.keras.ops.patches", "featherflow.keras.ops.einops",
           "featherflow.keras.ops.image_sampling", "featherflow.layers.pooling_adaptive"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), extraglobs={"np": np, "tf": tf},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
