"""InputSpec: what a layer accepts (rank, dtype, shape, fixed axes), checked on every call with
Keras 3's error messages (``assert_input_compatibility``)."""

import numpy as np

from featherflow import tree


def _shape_tuple(shape):
    return tuple(None if d is None else int(d) for d in shape)


def _dtype_name(dtype):
    from featherflow.backend import standardize_dtype

    return standardize_dtype(dtype)


class InputSpec:
    """The rank, dtype and shape every input of a layer must have, as
    ``keras.layers.InputSpec``. ``None`` in ``shape`` accepts any size; ``axes`` maps an axis
    (negative counts from the end) to the size it must have.

    Example::

        >>> spec = tf.keras.layers.InputSpec(min_ndim=2, axes={-1: 4})
        >>> spec
        InputSpec(min_ndim=2, axes={-1: 4})
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = _dtype_name(dtype) if dtype is not None else None
        if shape is not None:
            self.shape = _shape_tuple(shape)
            self.ndim = len(self.shape)
        else:
            self.ndim = ndim
            self.shape = None
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError):
            raise TypeError(
                f"Argument `axes` must be a dict with integer keys. Received: axes={axes}"
            ) from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim else self.max_ndim) - 1
            max_axis = max(self.axes)
            if max_axis > max_dim:
                raise ValueError(
                    f"Axis {max_axis} is greater than the maximum allowed value: {max_dim}"
                )

    def __repr__(self):
        parts = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(p for p in parts if p)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes,
                "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _shape_and_dtype(x):
    """(shape tuple, dtype) of a Tensor, KerasTensor, array or anything with ``.shape``."""
    shape = getattr(x, "shape", None)
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    data = getattr(x, "data", None)
    dtype = getattr(x, "dtype", None)
    if dtype is None and data is not None:
        dtype = data.dtype
    return _shape_tuple(shape), dtype


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raise Keras's ValueError when ``inputs`` (one tensor or a nest) do not fit
    ``input_spec`` (an InputSpec or a nest of them, None entries accept anything)."""
    if not input_spec:
        return
    specs = tree.flatten(input_spec)
    if isinstance(inputs, dict):
        names = [spec.name for spec in specs]
        if all(names):
            picked = []
            for name in names:
                if name not in inputs:
                    raise ValueError(
                        f'Missing data for input "{name}". You passed a data dictionary with '
                        f"keys {list(inputs.keys())}. Expected the following keys: {names}"
                    )
                picked.append(inputs[name])
            inputs = picked
    flat = tree.flatten(inputs)
    if len(flat) != len(specs):
        spec_names = [spec.name for spec in specs if spec is not None]
        if len(spec_names) == len(specs) and all(spec_names):
            keys = ", ".join(f"'{n}': ..." for n in spec_names)
            raise ValueError(
                f'Layer "{layer_name}" expects {len(specs)} named input(s) with keys '
                f"{spec_names}, but it received {len(flat)} input tensors. Pass inputs as a "
                f"dict, e.g. `layer({{{keys}}})`."
            )
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(flat)} input tensors. Inputs received: {flat}"
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        if not hasattr(x, "shape"):
            raise ValueError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input "
                f"for layer '{layer_name}'."
            )
        shape, dtype = _shape_and_dtype(x)
        ndim = len(shape)
        where = f"Input {index} with name '{spec.name}' of layer '{layer_name}' is " \
                "incompatible with the layer:"
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(f"{where} expected ndim={spec.ndim}, found ndim={ndim}. Full shape "
                             f"received: {shape}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{where} expected max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"{where} expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
        if spec.dtype is not None:
            name = _dtype_name(np.dtype(dtype) if isinstance(dtype, type) else dtype)
            if name != spec.dtype:
                raise ValueError(f"{where} expected dtype={spec.dtype}, found dtype={name}")
        for axis, value in spec.axes.items():
            if value is not None and shape[axis] not in {value, None}:
                raise ValueError(f"{where} expected axis {axis} of input shape to have value "
                                 f"{value}, but received input with shape {shape}")
        if spec.shape is not None:
            spec_shape = spec.shape
            got = shape
            if spec.allow_last_axis_squeeze:
                if got and got[-1] == 1:
                    got = got[:-1]
                if spec_shape and spec_shape[-1] == 1:
                    spec_shape = spec_shape[:-1]
            for want, dim in zip(spec_shape, got):
                if want is not None and dim is not None and want != dim:
                    raise ValueError(f"{where} expected shape={spec.shape}, found shape={got}")
