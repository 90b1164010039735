"""Layers, as ``keras.layers``."""

from featherflow.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Identity,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from featherflow.layers.input_layer import Input, InputLayer
from featherflow.layers.layer import Layer
from featherflow.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
