"""StackedRNNCells: several cells run as one, each step feeding the next cell."""

from featherflow.layers.layer import Layer
from featherflow.layers.rnn.base import deserialize_layer, serialize_layer, takes_training


class StackedRNNCells(Layer):
    """Wraps a list of cells so an :class:`RNN` runs them as one deep cell.

    The states are the cells' states in order; ``RNN([cell_a, cell_b])`` builds one.

    Example::

        >>> cells = [tf.keras.layers.LSTMCell(8), tf.keras.layers.GRUCell(4)]
        >>> tf.keras.layers.RNN(cells)(np.zeros((2, 5, 3))).shape
        TensorShape([2, 4])
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(
                    f"StackedRNNCells '{self.name}': every cell needs call(inputs, states) and "
                    f"state_size, received {cell!r}."
                )
        self.cells = list(cells)

    @staticmethod
    def _sizes(cell):
        size = cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def state_size(self):
        return [s for cell in self.cells for s in self._sizes(cell)]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", None) or self._sizes(last)[0]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
                cell._build_shape = shape
            out = getattr(cell, "output_size", None) or self._sizes(cell)[0]
            shape = (shape[0], out)
        self.built = True

    def call(self, inputs, states, training=None):
        new_states = []
        k = 0
        for cell in self.cells:
            n = len(self._sizes(cell))
            kw = {"training": training} if takes_training(cell) else {}
            inputs, new = cell.call(inputs, list(states[k:k + n]), **kw)
            new_states.extend(new if isinstance(new, (list, tuple)) else [new])
            k += n
        return inputs, new_states

    def _draw_masks(self, batch, input_dim, dtype):
        for cell in self.cells:
            if hasattr(cell, "_draw_masks"):
                cell._draw_masks(batch, input_dim, dtype)
            input_dim = getattr(cell, "output_size", None) or self._sizes(cell)[0]

    def _skip_masks(self):
        for cell in self.cells:
            if hasattr(cell, "_skip_masks"):
                cell._skip_masks()

    def _clear_masks(self):
        for cell in self.cells:
            if hasattr(cell, "_clear_masks"):
                cell._clear_masks()

    def get_config(self):
        cfg = super().get_config()
        cfg["cells"] = [serialize_layer(c) for c in self.cells]
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
