"""Embedding (integer ids to vectors, optionally masking id 0) and Masking."""

import numpy as np

from featherflow.layers.layer import Layer
from featherflow.ops import indexing as indexing_ops
from featherflow.ops import math as math_ops
from featherflow.ops._convert import data


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


class Embedding(Layer):
    """Maps integer ids in ``[0, input_dim)`` to vectors of size ``output_dim``.

    Weights: ``embeddings`` (input_dim, output_dim), initialized uniformly in [-0.05, 0.05].
    With ``mask_zero=True`` id 0 is padding: the layer emits a mask (``ids != 0``) that the
    recurrent layers after it respect, and ``input_dim`` must count the padding id.
    ``weights=[matrix]`` (or ``embeddings_initializer=matrix``) starts from given vectors.

    Example::

        >>> emb = tf.keras.layers.Embedding(1000, 16, mask_zero=True)
        >>> emb(np.array([[4, 7, 0]])).shape
        TensorShape([1, 3, 16])
    """

    # the inputs are indices: keep integers integers
    _cast_int_inputs = False

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, activity_regularizer=None, **kwargs):
        from featherflow import constraints, initializers, regularizers

        input_length = kwargs.pop("input_length", None)
        if input_length is not None and not any(
                k in kwargs for k in ("input_shape", "batch_input_shape", "batch_shape")):
            # Keras 2: Embedding(..., input_length=n) as a first layer fixes the input shape
            kwargs["input_shape"] = (input_length,)
        kwargs.pop("sparse", None)
        kwargs.pop("lora_alpha", None)
        kwargs.pop("quantization_config", None)
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"Embedding '{self.name}': {arg} must be a positive integer, received "
                    f"{value!r}."
                )
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._initial = weights
        self.embeddings = None

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(name="embeddings",
                                          shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True
        if self._initial is not None:
            initial = self._initial
            if isinstance(initial, (list, tuple)) and len(initial) == 1:
                initial = initial[0]
            self.set_weights([np.asarray(initial)])
            self._initial = None

    def _ids(self, inputs):
        ids = np.asarray(data(inputs))
        if ids.dtype.kind == "f":
            ids = ids.astype(np.int64)
        elif ids.dtype.kind not in "iu":
            raise TypeError(
                f"Embedding '{self.name}' expects integer ids, received dtype {ids.dtype}."
            )
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            bad = ids[(ids < 0) | (ids >= self.input_dim)][0]
            raise ValueError(
                f"Embedding '{self.name}': id {int(bad)} is outside [0, {self.input_dim}) "
                f"(input_dim={self.input_dim}). Raise input_dim to the vocabulary size (plus "
                f"one for the padding id 0 with mask_zero=True)."
            )
        return ids

    def call(self, inputs):
        return indexing_ops.gather(self.embeddings, self._ids(inputs))

    def _output_has_mask(self, input_has_mask):
        return self.mask_zero

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return np.asarray(data(inputs)) != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": _serialize(regularizers, self.embeddings_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "embeddings_constraint": _serialize(constraints, self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        })
        return cfg


class Masking(Layer):
    """Masks time steps whose features all equal ``mask_value``.

    Such steps are zeroed in the output and marked False in the mask that the following
    recurrent layers use to skip them.

    Example::

        >>> x = np.array([[[1.0], [0.0], [2.0]]])
        >>> tf.keras.layers.Masking(0.0)(x)._keras_mask
        array([[ True, False,  True]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def _keep(self, inputs):
        return np.any(np.asarray(data(inputs)) != self.mask_value, axis=-1)

    def call(self, inputs):
        keep = self._keep(inputs)
        return math_ops.multiply(inputs, keep[..., None].astype(inputs.data.dtype))

    def compute_mask(self, inputs, mask=None):
        return self._keep(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["mask_value"] = self.mask_value
        return cfg
