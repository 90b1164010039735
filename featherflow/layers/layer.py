"""Layer: the base of every layer and model (Keras 3 lifecycle).

``__init__`` stores and checks settings, ``build(input_shape)`` makes the weights with
``add_weight``, ``call`` is the maths. Calling a layer on ``Input`` tensors records a
:class:`~featherflow.models.keras_tensor.Node` for Functional models; calling it on data runs
``call`` directly.
"""

import inspect

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.models.keras_tensor import (
    KerasTensor,
    Node,
    flatten,
    is_symbolic,
    structure_of,
)
from featherflow.utils import naming

_SIGNATURES = {}
# how many times add_loss was called: lets the trainer skip looking for added losses
_ADDED_LOSSES = 0


def _call_flags(cls):
    flags = _SIGNATURES.get(cls)
    if flags is None:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
        flags = ("training" in params or var_kw, "mask" in params or var_kw)
        _SIGNATURES[cls] = flags
    return flags


class Layer:
    """Base class of layers: weights, build-on-first-call, config, and the symbolic graph.

    Example::

        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(input_shape[-1],),
                                         initializer="ones")

            def call(self, inputs):
                return inputs * self.w
    """

    supports_masking = False
    _auto_track = True
    # integer data fed to a float layer is cast to the layer's dtype (as Keras does);
    # layers that take indices (Embedding) turn this off
    _cast_int_inputs = True

    def __init__(self, trainable=True, name=None, dtype=None, autocast=True, **kwargs):
        object.__setattr__(self, "_layers", [])
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._inbound_nodes = []
        self._losses = []
        self._trainable = bool(trainable)
        # float inputs of another precision are cast to the layer's dtype (Keras's autocast)
        self._autocast = bool(autocast)
        self.built = False
        self.name = name if name is not None else naming.unique_name(
            naming.to_snake_case(type(self).__name__))
        if dtype is not None and not isinstance(dtype, str):
            dtype = dtype.get("config", {}).get("name", "float32") if isinstance(dtype, dict) \
                else np.dtype(dtype).name
        self._dtype = dtype
        self._build_shape = None
        self.input_spec = None
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_shape = kwargs.pop("batch_shape", None)
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        kwargs.pop("weights", None)
        for ignored in ("dynamic", "input_length"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__} '{self.name}': unexpected keyword argument(s) "
                f"{sorted(kwargs)}. Check the spelling against the layer's documented arguments."
            )
        if batch_shape is None:
            batch_shape = batch_input_shape
        if batch_shape is None and input_shape is not None:
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            batch_shape = (None,) + tuple(input_shape)
        if batch_shape is None and input_dim is not None:
            batch_shape = (None, int(input_dim))
        self._batch_input_shape = tuple(batch_shape) if batch_shape is not None else None

    # -- attribute tracking ---------------------------------------------------------------
    def __setattr__(self, name, value):
        if self._auto_track and name[0] != "_":
            if isinstance(value, Layer):
                layers = self.__dict__.get("_layers")
                if layers is not None and not any(v is value for v in layers):
                    layers.append(value)
            elif isinstance(value, (list, tuple)) and value and all(
                    isinstance(v, Layer) for v in value):
                layers = self.__dict__.get("_layers")
                if layers is not None:
                    for v in value:
                        if not any(v is x for x in layers):
                            layers.append(v)
            elif isinstance(value, Variable):
                tv = self.__dict__.get("_trainable_variables")
                ntv = self.__dict__.get("_non_trainable_variables")
                if tv is not None and not any(v is value for v in tv + ntv):
                    (tv if value.trainable else ntv).append(value)
        object.__setattr__(self, name, value)

    # -- properties -------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype or config.floatx()

    @property
    def compute_dtype(self):
        return self.dtype

    @property
    def variable_dtype(self):
        return self.dtype

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for layer in self._layers:
            layer.trainable = value
        self._on_trainable_change()

    def _on_trainable_change(self):
        # a layer's variables stop being watched by tapes when it is frozen
        for v in self._trainable_variables:
            v._track = self._trainable and v._trainable

    def _gather(self, own, prop):
        """``own`` variables, then each sublayer's ``prop`` variables, each variable once."""
        out = list(own)
        seen = {id(v) for v in out}
        for layer in self._layers:
            for v in getattr(layer, prop):
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def variables(self):
        return self._gather(self._trainable_variables + self._non_trainable_variables,
                            "variables")

    @property
    def weights(self):
        return self.variables

    @property
    def trainable_variables(self):
        if not self._trainable:
            return []
        return self._gather(self._trainable_variables, "trainable_variables")

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        if not self._trainable:
            return self.variables
        return self._gather(self._non_trainable_variables, "non_trainable_variables")

    non_trainable_weights = non_trainable_variables

    @property
    def losses(self):
        """Losses added in the last call (``add_loss``) plus weight regularization losses."""
        out = list(self._losses)
        for layer in self._layers:
            out.extend(layer.losses)
        for v in self._trainable_variables + self._non_trainable_variables:
            if v.regularizer is not None:
                out.append(v.regularizer(v))
        return out

    def add_loss(self, loss):
        global _ADDED_LOSSES
        _ADDED_LOSSES += 1
        self._losses.append(loss)

    def _clear_losses(self):
        self._losses = []
        for layer in self._layers:
            layer._clear_losses()

    # -- weights ----------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, initializer=None, regularizer=None,
                   trainable=True, dtype=None, constraint=None, **kwargs):
        """Make a Variable owned by this layer (Keras order = call order)."""
        from featherflow import initializers, regularizers

        shape = () if shape is None else tuple(int(s) for s in shape)
        dtype = np.dtype(dtype or self.dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        init = initializers.get(initializer)
        value = np.asarray(init(shape, dtype=dtype), dtype=dtype)
        if value.shape != shape:
            value = np.broadcast_to(value, shape).copy()
        v = Variable(value, trainable=trainable, name=name or "variable", dtype=dtype)
        v.path = f"{self.name}/{v.name}"
        v.regularizer = regularizers.get(regularizer) if regularizer is not None else None
        if constraint is not None:
            from featherflow import constraints

            v.constraint = constraints.get(constraint)
        if trainable:
            self._trainable_variables.append(v)
            v._track = self._trainable
        else:
            self._non_trainable_variables.append(v)
        return v

    def get_weights(self):
        """The weights as NumPy arrays, in Keras order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Set the weights from NumPy arrays (same count and shapes as :meth:`get_weights`)."""
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(
                f"Layer '{self.name}' expects {len(params)} weight arrays "
                f"({[tuple(p.shape) for p in params]}), received {len(weights)}. "
                "Pass the list returned by get_weights() of a layer of the same configuration."
            )
        arrays = []
        for p, w in zip(params, weights):
            a = np.asarray(w)
            if a.shape != p.data.shape:
                raise ValueError(
                    f"Layer '{self.name}': weight '{p.name}' has shape {p.data.shape}, received "
                    f"an array of shape {a.shape}."
                )
            arrays.append(a)
        for p, a in zip(params, arrays):
            p.data[...] = a

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so it has no weights to count. Call it "
                "on data or give the model an input shape first."
            )
        return int(sum(int(np.prod(v.data.shape)) for v in self.weights))

    # -- build & call -----------------------------------------------------------------------
    def build(self, input_shape=None):
        self.built = True

    def _maybe_build(self, input_shapes):
        if self.built:
            return
        shape = input_shapes
        self._build_shape = shape
        self.build(shape)
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self._infer_output_shape(input_shape)

    def _infer_output_shape(self, input_shape):
        """Run ``call`` on zeros (unknown dimensions as 1) to learn the output shape."""
        def dummy(shape):
            return Tensor(np.zeros(tuple(1 if d is None else d for d in shape), self.dtype))

        def is_shape(s):
            return isinstance(s, (tuple, list)) and all(
                d is None or isinstance(d, (int, np.integer)) for d in s)

        def make(s):
            if is_shape(s):
                return dummy(s)
            if isinstance(s, dict):
                return {k: make(v) for k, v in s.items()}
            return [make(v) for v in s]

        out = self.call(make(input_shape))
        first_batch = None
        flat_in = [input_shape] if is_shape(input_shape) else flatten(input_shape)
        if flat_in and is_shape(flat_in[0]) and len(flat_in[0]):
            first_batch = flat_in[0][0]

        def back(t):
            if isinstance(t, (list, tuple)):
                return [back(v) for v in t]
            shape = tuple(np.shape(t.data if isinstance(t, Tensor) else t))
            if shape and first_batch is None:
                shape = (None,) + shape[1:]
            return shape

        return back(out)

    def compute_mask(self, inputs, mask=None):
        if self.supports_masking:
            return mask
        return None

    def __call__(self, *args, **kwargs):
        inputs = args[0] if args else kwargs.pop("inputs")
        rest = args[1:]
        if is_symbolic(inputs):
            return self._symbolic_call(inputs, rest, kwargs)
        inputs = self._convert_inputs(inputs)
        if not self.built:
            self._maybe_build(_shapes_of(inputs))
            self._check_build_shape(inputs)
        has_training, has_mask = _call_flags(type(self))
        if not has_training:
            kwargs.pop("training", None)
        if has_mask:
            if "mask" not in kwargs:
                m = _mask_of(inputs)
                if m is not None:
                    kwargs["mask"] = m
        else:
            kwargs.pop("mask", None)
        self._losses = []
        out = self.call(inputs, *rest, **kwargs)
        if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
            mask = self.compute_mask(inputs, kwargs.get("mask", _mask_of(inputs)))
            if mask is not None and isinstance(out, Tensor):
                out._keras_mask = mask
        return out

    def _check_build_shape(self, inputs):
        pass

    def _convert_inputs(self, inputs):
        if isinstance(inputs, Tensor):
            dt = inputs.data.dtype
            want = config._FLOATX if self._dtype is None else np.dtype(self._dtype)
            if dt.kind == "f" and dt != want and self._autocast:
                return _cast_tensor(inputs, self.dtype)
            if dt.kind in "iub" and self._cast_int_inputs:
                return Tensor(inputs.data.astype(self.dtype))
            return inputs
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(self._convert_inputs(x) for x in inputs)
        if isinstance(inputs, dict):
            return {k: self._convert_inputs(v) for k, v in inputs.items()}
        if inputs is None:
            return None
        a = as_array(inputs)
        kind = a.dtype.kind
        if (kind == "f" and a.dtype.name != self.dtype) or (
                kind in "iub" and self._cast_int_inputs):
            a = a.astype(self.dtype)
        return Tensor(a)

    # -- the symbolic graph -----------------------------------------------------------------
    def _symbolic_call(self, inputs, rest, kwargs):
        flat_in = [t for t in flatten(inputs) if isinstance(t, KerasTensor)]
        shapes = _symbolic_shapes(inputs)
        if not self.built:
            self._maybe_build(shapes)
        kwargs = {k: v for k, v in kwargs.items() if k not in ("training", "mask")}
        if rest:
            kwargs["_args"] = list(rest)
        try:
            out_shape = self.compute_output_shape(shapes)
        except (ValueError, TypeError) as err:
            raise type(err)(f"Layer '{self.name}' ({type(self).__name__}): {err}") from None
        node_index = len(self._inbound_nodes)
        dtype = self.dtype
        if _is_single_shape(out_shape):
            outputs = [KerasTensor(out_shape, dtype, name=self.name,
                                   history=(self, node_index, 0))]
            result = outputs[0]
        else:
            outputs = [KerasTensor(s, dtype, name=f"{self.name}_{i}",
                                   history=(self, node_index, i))
                       for i, s in enumerate(out_shape)]
            result = list(outputs)
        Node(self, flat_in, outputs, kwargs, structure_of(inputs))
        return result

    @property
    def input(self):
        node = self._first_node("input")
        return node.inputs[0] if len(node.inputs) == 1 else list(node.inputs)

    @property
    def output(self):
        node = self._first_node("output")
        return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)

    @property
    def input_shape(self):
        if self._inbound_nodes:
            node = self._inbound_nodes[0]
            shapes = [t.shape for t in node.inputs]
            return shapes[0] if len(shapes) == 1 else shapes
        if self._build_shape is not None:
            return self._build_shape
        if self._batch_input_shape is not None:
            return self._batch_input_shape
        raise AttributeError(
            f"Layer '{self.name}' has no input shape yet: it has not been called or built."
        )

    @property
    def output_shape(self):
        if self._inbound_nodes:
            node = self._inbound_nodes[0]
            shapes = [t.shape for t in node.outputs]
            return shapes[0] if len(shapes) == 1 else shapes
        if getattr(self, "_output_shape", None) is not None:
            return self._output_shape
        if self._build_shape is not None:
            return self.compute_output_shape(self._build_shape)
        raise AttributeError(
            f"Layer '{self.name}' has no output shape yet: it has not been called or built."
        )

    def _first_node(self, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has never been called on symbolic inputs, so it has no "
                f"{what}. Call it on tf.keras.Input(...) first."
            )
        return self._inbound_nodes[0]

    # -- config -----------------------------------------------------------------------------
    def get_config(self):
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        if self._build_shape is not None:
            return {"input_shape": _jsonable_shape(self._build_shape)}
        return None

    def build_from_config(self, config):
        if config and "input_shape" in config and not self.built:
            self.build(_tuple_shape(config["input_shape"]))
            self.built = True

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _cast_tensor(t, dtype):
    from featherflow.ops.math import cast

    return cast(t, dtype)


def _mask_of(inputs):
    if isinstance(inputs, Tensor):
        return inputs._keras_mask
    if isinstance(inputs, (list, tuple)):
        masks = [_mask_of(x) for x in inputs]
        return None if all(m is None for m in masks) else masks
    return None


def _shapes_of(x):
    if isinstance(x, Tensor):
        return (None,) + tuple(x.data.shape[1:]) if x.data.ndim else ()
    if isinstance(x, (list, tuple)):
        return [_shapes_of(v) for v in x]
    if isinstance(x, dict):
        return {k: _shapes_of(v) for k, v in x.items()}
    return None


def _symbolic_shapes(x):
    if isinstance(x, KerasTensor):
        return x.shape
    if isinstance(x, (list, tuple)):
        return [_symbolic_shapes(v) for v in x]
    if isinstance(x, dict):
        return {k: _symbolic_shapes(v) for k, v in x.items()}
    return None


def _is_single_shape(s):
    return isinstance(s, (tuple, list)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in s)


def _jsonable_shape(s):
    if _is_single_shape(s):
        return list(s)
    if isinstance(s, (list, tuple)):
        return [_jsonable_shape(v) for v in s]
    return s


def _tuple_shape(s):
    if isinstance(s, list) and all(d is None or isinstance(d, int) for d in s):
        return tuple(s)
    if isinstance(s, list):
        return [_tuple_shape(v) for v in s]
    return s
