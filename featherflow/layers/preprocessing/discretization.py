"""``Discretization``: bucket continuous values by boundaries, given or learned by ``adapt``.

``adapt`` builds Keras 3's approximate quantile summary: each batch is sorted and thinned to
about ``1 / epsilon`` weighted points, summaries are merged and re-compressed by linear
interpolation of the cumulative weights, and the ``num_bins - 1`` boundaries are read from the
final summary at evenly spaced quantiles. The same batches in the same order give Keras's
boundaries. As in Keras, the boundaries are the layer's state and live in its config (there
are no weights), so a ``.keras`` file keeps them.

Example::

    >>> layer = tf.keras.layers.Discretization(bin_boundaries=[0.0, 1.0])
    >>> layer([[-0.5, 0.5, 1.5]]).numpy()
    array([[0, 1, 2]], dtype=int32)
"""

import collections.abc

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import config
from featherflow.layers.layer import Layer
from featherflow.layers.preprocessing.adapt import adapt_batches, not_adapted_error
from featherflow.layers.preprocessing.category_encoding import encode_categorical

_MODES = ("int", "one_hot", "multi_hot", "count")


def summarize(values, epsilon):
    """A sorted sample of ``values`` every ``1 / epsilon``-th of the way, each point weighted
    by the number of values it stands for: ``[[points], [weights]]``."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    points = values[int(step - 1)::int(step)]
    return np.stack([points, np.ones_like(points) * step])


def compress_summary(summary, epsilon):
    """Re-sample a summary at the ``epsilon`` quantiles once it holds ``1 / epsilon`` points."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    points = np.interp(percents, fractions, summary[0])
    cumulative = np.interp(percents, fractions, cumulative)
    weights = cumulative - np.concatenate((np.array([0]), cumulative[:-1]))
    return np.stack((points, weights)).astype("float32")


def merge_summaries(first, second, epsilon):
    merged = np.concatenate((first, second), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


def bin_boundaries_of(summary, num_bins):
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]


class Discretization(Layer):
    """Bucket values: ``output_mode="int"`` gives the bucket index (int32); ``one_hot``,
    ``multi_hot`` and ``count`` encode it over ``len(bin_boundaries) + 1`` buckets.

    Example::

        layer = tf.keras.layers.Discretization(num_bins=4, epsilon=0.01)
        layer.adapt(np.random.uniform(size=(1000, 1)))
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        where = f"Discretization layer {self.name!r}"
        if sparse:
            raise ValueError(f"{where}: sparse=True is not available: featherflow has no "
                             "sparse tensors. Use the dense output (sparse=False).")
        if output_mode not in _MODES:
            raise ValueError(f"{where}: invalid value for argument `output_mode`. Expected one "
                             f"of {_MODES}. Received: output_mode={output_mode!r}")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"{where}: `num_bins` must be greater than or equal to 0. "
                             f"Received: num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"{where}: both `num_bins` and `bin_boundaries` should not be "
                             f"set. Received: num_bins={num_bins} and "
                             f"bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"{where}: you need to set either `num_bins` or "
                             "`bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")

    @property
    def output_dtype(self):
        return self.dtype if self.output_mode != "int" else "int32"

    def _symbolic_call(self, inputs, rest, kwargs):
        # the symbolic output carries the int32 bucket ids, as Keras's compute_output_spec
        result = super()._symbolic_call(inputs, rest, kwargs)
        result.dtype = self.output_dtype
        return result

    # -- adapt ------------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learn ``num_bins`` bucket boundaries (approximate quantiles) from ``data``."""
        if self.num_bins is None:
            raise ValueError(f"Discretization layer {self.name!r}: cannot adapt a layer that "
                             "was initialized with `bin_boundaries`; use `num_bins` instead.")
        self.reset_state()
        if isinstance(data, (list, tuple, collections.abc.Iterator)):
            # Keras reads a Python list (or a generator) as a sequence of batches
            for index, batch in enumerate(data):
                if steps is not None and index >= steps:
                    break
                self.update_state(batch)
        else:
            for batch in adapt_batches(data, self, steps=steps):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        data = np.array(data.data if isinstance(data, Tensor) else data).astype("float32")
        self.summary = merge_summaries(summarize(data, self.epsilon), self.summary,
                                       self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = bin_boundaries_of(self.summary, self.num_bins).tolist()

    def reset_state(self):
        if self.num_bins is None:
            return
        self.summary = np.array([[], []], dtype="float32")

    # -- call -------------------------------------------------------------------------------
    def call(self, inputs):
        if self.bin_boundaries is None:
            raise not_adapted_error(self, "`bin_boundaries`")
        values = inputs.data if isinstance(inputs, Tensor) else as_array(inputs)
        values = values.astype(config.floatx(), copy=False)
        boundaries = np.asarray(self.bin_boundaries, dtype=values.dtype)
        indices = np.digitize(values, boundaries).astype(np.int32)
        if self.output_mode == "int":
            return Tensor(indices)
        return encode_categorical(indices, self.output_mode, len(self.bin_boundaries) + 1,
                                  self.dtype, f"Discretization layer {self.name!r}")

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None \
            else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def get_config(self):
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config_dict):
        config_dict = dict(config_dict)
        config_dict.pop("trainable", None)
        if config_dict.get("bin_boundaries") is not None and \
                config_dict.get("num_bins") is not None:
            boundaries = config_dict.pop("bin_boundaries")
            layer = cls(**config_dict)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config_dict)


__all__ = ["Discretization"]
