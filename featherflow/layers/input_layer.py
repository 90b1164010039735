"""Input and InputLayer: where a Functional model's data enters."""

import numpy as np

from featherflow.graph import KerasTensor, Node
from featherflow.layers.layer import Layer
from featherflow.utils.naming import unique_name


class InputLayer(Layer):
    """The layer behind ``Input``: holds the batch shape and dtype of a model input."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, sparse=None,
                 batch_shape=None, input_tensor=None, name=None, ragged=None, **kwargs):
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if "shape" in kwargs:
            input_shape = kwargs.pop("shape")
        kwargs.pop("optional", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if batch_shape is None:
            if input_shape is None:
                raise ValueError(
                    f"InputLayer '{self.name}': give shape=(...) (without the batch dimension) "
                    "or batch_shape=(batch, ...)."
                )
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            batch_shape = (batch_size,) + tuple(input_shape)
        self._batch_input_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.sparse = bool(sparse)
        self.built = True
        # the tensor takes the given name, else Keras 3's counter name (keras_tensor_N)
        out = KerasTensor(self._batch_input_shape, self.dtype,
                          name=name if name is not None else unique_name("keras_tensor"),
                          history=(self, 0, 0))
        Node(self, [], [out], {}, None)
        self._output_tensor = out

    @property
    def batch_shape(self):
        return self._batch_input_shape

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self._batch_input_shape

    def get_config(self):
        return {
            "batch_input_shape": list(self._batch_input_shape),
            "dtype": self.dtype,
            "sparse": self.sparse,
            "ragged": False,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        shape = config.pop("batch_input_shape", None) or config.pop("batch_shape", None)
        dtype = config.pop("dtype", None)
        if isinstance(dtype, dict):
            dtype = dtype.get("config", {}).get("name")
        return cls(batch_shape=shape, dtype=dtype, name=config.get("name"),
                   sparse=config.get("sparse"))


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=None, tensor=None,
          batch_shape=None, ragged=None, optional=False):
    """A symbolic input for a Functional model, as ``keras.Input``.

    Example::

        >>> inputs = tf.keras.Input(shape=(1,))
        >>> outputs = tf.keras.layers.Dense(1)(inputs)
        >>> model = tf.keras.Model(inputs, outputs)
    """
    if shape is None and batch_shape is None:
        raise ValueError(
            "Input: give shape=(features,) (without the batch dimension), e.g. "
            "tf.keras.Input(shape=(2,))."
        )
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, batch_shape=batch_shape)
    return layer._output_tensor
