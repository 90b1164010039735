"""Layer: the base of every layer and model, and the one layer-call protocol.

``__init__`` stores and checks settings, ``build(input_shape)`` makes the weights with
``add_weight``, ``call`` is the maths. ``__call__`` is the one place that, for every layer
and model, builds on the first call, casts floating inputs to the layer's dtype, resolves
``training`` (explicit argument > the enclosing call's value > ``call``'s default) and hands
it to nested layers through the call context, fills in ``mask`` from the inputs and attaches
the output mask, adds the activity regularizer's loss (divided by the batch size, as Keras 3)
and resets per-call losses at the start of each outermost call. Called on ``Input``
tensors it records a :class:`~featherflow.graph.Node` instead.
"""

import inspect

import numpy as np

from featherflow import constraints, initializers, regularizers, tree
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.autodiff.variable import Variable
from featherflow.backend import config
from featherflow.graph import DIRECT, DIRECT_TRAINING, PROTOCOL, KerasTensor, Node, is_symbolic
from featherflow.graph.keras_tensor import dtype_name, numpy_dtype
from featherflow.layers import call_context
from featherflow.layers.input_spec import assert_input_compatibility
from featherflow.layers.shapes import (
    flat_shapes,
    is_single_shape,
    jsonable_shape,
    shapes_of,
    symbolic_shapes,
    tuple_shape,
)
from featherflow.ops import math as math_ops
from featherflow.serialization import dtype_policy as policies
from featherflow.serialization import load_limits
from featherflow.utils import naming

_SIGNATURES = {}
# Bumped by every add_loss: an outermost call looks for per-call losses to clear only when
# some layer added one since it last looked.
_losses_added = 0
# Bumped whenever a layer gains a sublayer or a variable: cached walks of a layer's subtree
# (per-call losses, regularized variables) are redone only then.
_structure_version = 0
# marks the call that opened the call context
_ENTRY = object()
# the default of __call__'s first argument: tells a missing input from None
_NO_INPUTS = object()
# how a class runs under a float16/bfloat16 compute dtype (see Layer._reduced_call)
_INTERNAL, _USER, _CONTAINER = "internal", "user", "container"
_REDUCED_KINDS = {}
_FLOAT16 = np.dtype(np.float16)
_FLOAT32 = np.dtype(np.float32)
# nesting depth of featherflow layers running a float16/bfloat16 call in float32
_reduced_depth = 0


class UnexpectedArgumentError(TypeError, ValueError):
    """An unknown keyword argument: a TypeError (tf.keras 2) and a ValueError (Keras 3)."""


def _call_flags(cls):
    """``(takes_training, takes_mask)`` of ``cls.call``."""
    flags = _SIGNATURES.get(cls)
    if flags is None:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
        flags = ("training" in params or var_kw, "mask" in params or var_kw)
        _SIGNATURES[cls] = flags
    return flags


def _bump_structure():
    global _structure_version
    _structure_version += 1


def _reduced_kind(cls):
    """How ``cls`` runs under a float16/bfloat16 compute dtype: featherflow's layers compute
    in float32 on values rounded to the compute dtype (``_INTERNAL``), featherflow's models
    leave it to their layers (``_CONTAINER``), other classes get inputs and variables in the
    compute dtype itself, as in Keras (``_USER``)."""
    kind = _REDUCED_KINDS.get(cls)
    if kind is None:
        module = cls.__module__ or ""
        if module.startswith("featherflow.models."):
            kind = _CONTAINER
        elif module.startswith("featherflow."):
            kind = _INTERNAL
        else:
            kind = _USER
        _REDUCED_KINDS[cls] = kind
    return kind


# shared policies for the names layers are usually given
_PLAIN_POLICIES = {name: policies.DTypePolicy(name) for name in ("float32", "float64")}


class Layer:
    """Base class of layers: weights, build-on-first-call, the call protocol and config.

    Example::

        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(input_shape[-1],),
                                         initializer="ones")

            def call(self, inputs):
                return inputs * self.w
    """

    supports_masking = False
    activity_regularizer = None
    _auto_track = True
    # integer data fed to a float layer is cast to the layer's dtype (as Keras does);
    # layers that take indices (Embedding) turn this off
    _cast_int_inputs = True

    def __init__(self, trainable=True, name=None, dtype=None, autocast=True,
                 activity_regularizer=None, **kwargs):
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
        self._set_dtype_policy(dtype)
        self._build_shape = None
        self.input_spec = None
        self._subtree = (-1, None)
        self._losses_cleared_at = -1
        if activity_regularizer is not None:
            self.activity_regularizer = regularizers.get(activity_regularizer)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_shape = kwargs.pop("batch_shape", None)
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        # Keras 2's initial weights, set once the layer is built
        self._initial_weights = kwargs.pop("weights", None)
        for ignored in ("dynamic", "input_length"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise UnexpectedArgumentError(
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
                    _bump_structure()
            elif isinstance(value, (list, tuple)) and value and all(
                    isinstance(v, Layer) for v in value):
                layers = self.__dict__.get("_layers")
                if layers is not None:
                    for v in value:
                        if not any(v is x for x in layers):
                            layers.append(v)
                    _bump_structure()
            elif isinstance(value, Variable):
                tv = self.__dict__.get("_trainable_variables")
                ntv = self.__dict__.get("_non_trainable_variables")
                if tv is not None and not any(v is value for v in tv + ntv):
                    (tv if value.trainable else ntv).append(value)
                    _bump_structure()
        object.__setattr__(self, name, value)

    # -- dtype policy -------------------------------------------------------------------------
    def _set_dtype_policy(self, dtype):
        """Resolve ``dtype`` (None: the global policy, else floatx at each use) to a policy and
        the dtypes the call protocol works with."""
        if dtype is None:
            policy = policies.explicit_global_policy()
        elif isinstance(dtype, str) and dtype in _PLAIN_POLICIES:
            policy = _PLAIN_POLICIES[dtype]
        else:
            if not isinstance(dtype, (str, dict, policies.DTypePolicy)):
                dtype = dtype_name(dtype)
            policy = policies.get(dtype)
        self._dtype_policy = policy
        # the policy's name (None: floatx), which layers hand on to their sublayers
        self._dtype = None if policy is None else policy.name
        # _reduced: the float16/bfloat16 compute dtype when the call runs the reduced-precision
        # protocol (_reduced_call), else None; _np_dtype: the dtype call receives its floating
        # inputs in, for the fast check in __call__ (None: floatx)
        self._reduced = None
        self._np_dtype = None
        if policy is not None:
            compute = policy.compute_dtype
            if compute in ("float16", "bfloat16") and self._autocast:
                self._reduced = compute
                internal = _reduced_kind(type(self)) != _USER
                self._np_dtype = _FLOAT16 if compute == "float16" and not internal \
                    else _FLOAT32
            else:
                self._np_dtype = numpy_dtype(compute)

    @property
    def dtype_policy(self):
        """The layer's :class:`~featherflow.keras.mixed_precision.DTypePolicy`."""
        policy = self._dtype_policy
        return policies.DTypePolicy(config.floatx()) if policy is None else policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._set_dtype_policy(policies.get(value))

    @property
    def dtype(self):
        """The dtype of the layer's variables (float32 under the mixed policies)."""
        policy = self._dtype_policy
        if policy is None:
            return config.floatx()
        # NumPy has no bfloat16: such variables are float32 arrays (docs/mixed_precision.md)
        return "float32" if policy.variable_dtype == "bfloat16" else policy.variable_dtype

    @property
    def compute_dtype(self):
        """The dtype of the layer's computations and outputs (float16 under mixed_float16)."""
        policy = self._dtype_policy
        return config.floatx() if policy is None else policy.compute_dtype

    @property
    def variable_dtype(self):
        policy = self._dtype_policy
        return config.floatx() if policy is None else policy.variable_dtype

    @property
    def input_dtype(self):
        """The dtype floating inputs are cast to (the compute dtype)."""
        return self.compute_dtype

    # -- properties -------------------------------------------------------------------------

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

    # -- losses -----------------------------------------------------------------------------
    def _flat_layers(self):
        """This layer and every layer below it, each once (cached until the structure
        changes)."""
        version, cached = self._subtree
        if version != _structure_version:
            layers = [self]
            seen = {id(self)}
            i = 0
            while i < len(layers):
                for sub in layers[i]._layers:
                    if id(sub) not in seen:
                        seen.add(id(sub))
                        layers.append(sub)
                i += 1
            regularized = [v for la in layers
                           for v in la._trainable_variables + la._non_trainable_variables
                           if v.regularizer is not None]
            self._subtree = (_structure_version, (layers, regularized))
            return layers, regularized
        return cached

    @property
    def losses(self):
        """Losses added during the last outermost call (``add_loss``, activity
        regularizers) by this layer and the layers below it, then the weight regularization
        losses, as Keras 3 lists them."""
        layers, regularized = self._flat_layers()
        out = []
        for layer in layers:
            if layer._losses:
                out.extend(layer._losses)
        for v in regularized:
            out.append(v.regularizer(v))
        return out

    def add_loss(self, loss):
        """Add a loss term (a scalar tensor) to this call; ``fit`` adds it to the loss."""
        global _losses_added
        _losses_added += 1
        self._losses.append(loss)

    def _clear_losses(self):
        """Forget the per-call losses of this layer and the layers below it."""
        if self._losses_cleared_at == _losses_added:
            return
        for layer in self._flat_layers()[0]:
            if layer._losses:
                layer._losses = []
        self._losses_cleared_at = _losses_added

    # -- weights ----------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, initializer=None, regularizer=None,
                   trainable=True, dtype=None, constraint=None, **kwargs):
        """Make a Variable owned by this layer (Keras order = call order)."""
        shape = () if shape is None else tuple(int(s) for s in shape)
        dtype = np.dtype("float32" if dtype == "bfloat16" else dtype or self.dtype)
        load_limits.charge_weight(self.name, name, shape, dtype)
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
            v.constraint = constraints.get(constraint)
        if trainable:
            self._trainable_variables.append(v)
            v._track = self._trainable
        else:
            self._non_trainable_variables.append(v)
        _bump_structure()
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
            p.assign(a)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so it has no weights to count. Call it "
                "on data or give the model an input shape first."
            )
        return int(sum(int(np.prod(v.data.shape)) for v in self.weights))

    # -- build ------------------------------------------------------------------------------
    def build(self, input_shape=None):
        self.built = True

    def _maybe_build(self, input_shapes):
        if self.built:
            return
        self._build_shape = input_shapes
        self.build(input_shapes)
        self.built = True
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            try:
                self.set_weights(weights)
            except ValueError as err:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the `weights` argument does not fit "
                    f"the built layer: {err}"
                ) from None

    def call(self, inputs, *args, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self._infer_output_shape(input_shape)

    def _infer_output_shape(self, input_shape, masked=False):
        """Run ``call`` on zeros (unknown dimensions as 1) to learn the output shape.

        ``masked``: the input will carry a mask, so a ``call`` taking ``mask`` gets one (all
        True, the input's shape without its last axis), as it will at run time."""
        call_dtype = self._np_dtype or config._FLOATX

        def dummy(shape):
            return Tensor(np.zeros(tuple(1 if d is None else d for d in shape), call_dtype))

        def make(s):
            if is_single_shape(s):
                return dummy(s)
            if isinstance(s, dict):
                return {k: make(v) for k, v in s.items()}
            return [make(v) for v in s]

        dummies = make(input_shape)
        if masked and _call_flags(type(self))[1] and isinstance(dummies, Tensor):
            out = self.call(dummies, mask=np.ones(dummies.data.shape[:-1], bool))
        else:
            out = self.call(dummies)
        flat_in = [input_shape] if is_single_shape(input_shape) else tree.flatten(input_shape)
        first_batch = None
        if flat_in and is_single_shape(flat_in[0]) and len(flat_in[0]):
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

    def _output_has_mask(self, input_has_mask):
        """Whether this layer's output carries a mask, given whether its input does (for
        the symbolic graph). Layers that make a mask of their own say so by overriding
        ``compute_mask``; override this too when that depends on a setting."""
        if type(self).compute_mask is not Layer.compute_mask:
            return True
        return bool(input_has_mask) and self.supports_masking

    # -- the call protocol ------------------------------------------------------------------
    def __call__(self, inputs=_NO_INPUTS, *rest, training=None, **kwargs):
        if type(inputs) is not Tensor or rest or kwargs:
            if inputs is _NO_INPUTS:
                raise TypeError(
                    f"{type(self).__name__} '{self.name}' was called without inputs: pass the "
                    "input tensor as the first argument, e.g. layer(x)."
                )
            if is_symbolic(inputs) or (rest and is_symbolic(rest)) or (
                    kwargs and is_symbolic(kwargs)):
                if self.input_spec is not None:
                    assert_input_compatibility(self.input_spec, inputs, self.name)
                if training is not None:
                    kwargs["training"] = training
                return self._symbolic_call(inputs, rest, kwargs)
        if self._reduced is not None:
            return self._reduced_call(inputs, rest, training, kwargs)
        # the call context, inlined: this runs for every layer call
        context = call_context.local.__dict__.get("context") or call_context.open_context()
        if context.entry is None:
            context.entry = self
            context.training = training
            previous = _ENTRY
            if self._losses_cleared_at != _losses_added:
                self._clear_losses()
        else:
            previous = context.training
            if training is None:
                training = previous
            else:
                context.training = training
        try:
            if type(inputs) is not Tensor or inputs.data.dtype is not (
                    self._np_dtype or config._FLOATX):
                inputs = self._convert_inputs(inputs)
            if self.input_spec is not None:
                # as Keras 3: the first argument is checked against input_spec before build
                assert_input_compatibility(self.input_spec, inputs, self.name)
            if not self.built:
                self._maybe_build(shapes_of(inputs))
                self._check_build_shape(inputs)
            takes_training, takes_mask = _SIGNATURES.get(type(self)) or _call_flags(type(self))
            mask = kwargs.get("mask") if kwargs else None
            if mask is None:
                mask = inputs._keras_mask if type(inputs) is Tensor else _mask_of(inputs)
                if takes_mask and mask is not None:
                    kwargs["mask"] = mask
            elif not takes_mask:
                kwargs.pop("mask")
            # the plain calls avoid building *args/**kwargs: most calls pass one tensor
            if rest or kwargs:
                if takes_training and training is not None:
                    kwargs["training"] = training
                out = self.call(inputs, *rest, **kwargs)
            elif takes_training and training is not None:
                out = self.call(inputs, training=training)
            else:
                out = self.call(inputs)
            if self.activity_regularizer is not None:
                self._add_activity_loss(out)
            if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
                _set_masks(out, self.compute_mask(inputs, mask))
        finally:
            if previous is _ENTRY:
                context.entry = context.training = None
            else:
                context.training = previous
        return out

    def _reduced_call(self, inputs, rest, training, kwargs):
        """``__call__`` under a float16/bfloat16 compute dtype.

        featherflow's own layers (``_INTERNAL``) run ``call`` in float32 on values rounded to
        the compute dtype: floating inputs and the trainable float variables of the layer and
        the layers below it are rounded for the call (the variables' arrays are swapped for
        the call, so gradients reach the float32 variables), and floating outputs are rounded
        again; the outermost such call hands out real float16 arrays. This gives TensorFlow's
        float16 results (its CPU kernels accumulate float16 GEMMs and convolutions in float32)
        at BLAS speed; NumPy's float16 matmul has no BLAS. Other layers (``_USER``) get their
        inputs and own variables in float16 itself, as Keras hands them; models
        (``_CONTAINER``) leave the casting to their layers.
        """
        global _reduced_depth
        compute = self._reduced
        kind = _reduced_kind(type(self))
        if kind == _CONTAINER:
            self._reduced = None
            try:
                return self(inputs, *rest, training=training, **kwargs)
            finally:
                self._reduced = compute
        internal = kind == _INTERNAL
        convert = _round_in_float32 if internal else _to_compute
        inputs = _map_floats(inputs, convert, compute)
        if rest:
            rest = _map_floats(rest, convert, compute)
        if kwargs:
            kwargs = {k: v if k == "mask" else _map_floats(v, convert, compute)
                      for k, v in kwargs.items()}
        if not self.built:
            # variables made by build are read in the compute dtype from this first call on
            self._maybe_build(shapes_of(inputs))
            self._check_build_shape(inputs)
        outermost = internal and _reduced_depth == 0
        if internal:
            swapped = _swap_variables(self._flat_layers()[0], True) if outermost else []
            _reduced_depth += 1
        else:
            swapped = _swap_variables([self], False)
        self._reduced = None
        try:
            out = self(inputs, *rest, training=training, **kwargs)
        finally:
            self._reduced = compute
            if internal:
                _reduced_depth -= 1
            for v, data in reversed(swapped):
                v.data = data
        if not internal:
            return out
        return _map_floats(out, _to_compute if outermost else _round_in_float32, compute)

    def _float16_gradients(self, grads, variables):
        """``grads`` (arrays, one per variable) with those of the variables featherflow's
        float16 layers below this one read as float16 rounded to float16 values: in
        TensorFlow they are a float16 cast's gradient, so they overflow to inf there (and
        loss scaling reacts); the trainer calls this after each backward pass."""
        ids = {id(v) for layer in self._flat_layers()[0]
               if layer._reduced == "float16" and _reduced_kind(type(layer)) == _INTERNAL
               for v in layer._trainable_variables}
        return [_round_float16(g) if g is not None and id(v) in ids and g.dtype == _FLOAT32
                and g.flags.c_contiguous else g for g, v in zip(grads, variables)]

    def _add_activity_loss(self, outputs):
        for out in tree.flatten(outputs):
            if isinstance(out, Tensor):
                loss = self.activity_regularizer(out)
                if out.data.ndim:
                    loss = math_ops.divide(loss, float(max(out.data.shape[0], 1)))
                self.add_loss(loss)

    def _check_build_shape(self, inputs):
        pass

    def _direct_mode(self, node):
        """How a model's plan may run this layer for ``node``: ``PROTOCOL`` (through
        ``__call__``) or, when ``__call__`` would only call ``call`` (built, one tensor of
        the layer's dtype, no mask, no activity regularizer, no ``__call__`` of its own),
        ``DIRECT`` / ``DIRECT_TRAINING`` (``call`` takes ``training``)."""
        if (type(self).__call__ is not Layer.__call__ or not self.built
                or self._reduced is not None or not node.is_simple
                or self.activity_regularizer is not None
                or self._initial_weights is not None or node.inputs[0]._has_mask
                or type(self).compute_mask is not Layer.compute_mask):
            return PROTOCOL
        in_dtype = numpy_dtype(node.inputs[0].dtype)
        want = self._np_dtype or config._FLOATX
        if in_dtype.kind == "f" and in_dtype != want and self._autocast:
            return PROTOCOL
        if in_dtype.kind in "iub" and self._cast_int_inputs:
            return PROTOCOL
        return DIRECT_TRAINING if _call_flags(type(self))[0] else DIRECT

    def _convert_inputs(self, inputs):
        want = self._np_dtype or config._FLOATX
        if isinstance(inputs, Tensor):
            dt = inputs.data.dtype
            if dt.kind == "f" and dt != want and self._autocast:
                return _cast_tensor(inputs, want)
            if dt.kind in "iub" and self._cast_int_inputs:
                return Tensor(inputs.data.astype(want))
            return inputs
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(self._convert_inputs(x) for x in inputs)
        if isinstance(inputs, dict):
            return {k: self._convert_inputs(v) for k, v in inputs.items()}
        if inputs is None:
            return None
        a = as_array(inputs) if not isinstance(inputs, np.ndarray) else inputs
        kind = a.dtype.kind
        if (kind == "f" and a.dtype != want and self._autocast) or (
                kind in "iub" and self._cast_int_inputs):
            a = a.astype(want)
        return Tensor(a)

    # -- the symbolic graph -----------------------------------------------------------------
    def _error_text(self, err):
        """``err``'s message naming this layer once (many already start "Dense 'dense': ")."""
        text = str(err)
        if text.startswith((f"{type(self).__name__} '{self.name}'", f"Layer '{self.name}'")):
            return text
        return f"Layer '{self.name}' ({type(self).__name__}): {text}"

    def _symbolic_call(self, inputs, rest, kwargs):
        shapes = symbolic_shapes(inputs)
        if not self.built:
            try:
                self._maybe_build(shapes)
            except (ValueError, TypeError) as err:
                raise type(err)(self._error_text(err)) from None
        mask_kwarg = kwargs.get("mask")
        input_has_mask = mask_kwarg is not None or any(
            t._has_mask for t in tree.flatten(inputs) if isinstance(t, KerasTensor))
        try:
            if type(self).compute_output_shape is Layer.compute_output_shape:
                out_shape = self._infer_output_shape(shapes, masked=input_has_mask)
            else:
                out_shape = self.compute_output_shape(shapes)
        except (ValueError, TypeError) as err:
            raise type(err)(self._error_text(err)) from None
        node_index = len(self._inbound_nodes)
        dtype = self.dtype
        if self._reduced is not None and _reduced_kind(type(self)) != _CONTAINER:
            # bfloat16 values are carried in float32 arrays (docs/mixed_precision.md)
            dtype = "float16" if self._reduced == "float16" else "float32"
        if is_single_shape(out_shape):
            # symbolic tensors are named as Keras 3 names them: keras_tensor, keras_tensor_1...
            outputs = [KerasTensor(out_shape, dtype, name=naming.unique_name("keras_tensor"),
                                   history=(self, node_index, 0))]
            result = outputs[0]
        else:
            outputs = [KerasTensor(s, dtype, name=naming.unique_name("keras_tensor"),
                                   history=(self, node_index, i))
                       for i, s in enumerate(flat_shapes(out_shape))]
            result = list(outputs)
        has_mask = self._output_has_mask(input_has_mask)
        for t in outputs:
            t._has_mask = has_mask
        Node.from_call(self, inputs, rest, kwargs, outputs)
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
        policy = self._dtype_policy
        # Keras 3 writes the policy's dict; a plain dtype name says the same to Keras 3 and
        # tf.keras 2 alike, so only policies that are not one dtype are written as dicts
        dtype = policies.serialize(policy) if policy is not None and policy.is_mixed \
            else self.dtype
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": dtype}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_build_config(self):
        if self._build_shape is not None:
            return {"input_shape": jsonable_shape(self._build_shape)}
        return None

    def build_from_config(self, config):
        if config and "input_shape" in config and not self.built:
            self.build(tuple_shape(config["input_shape"]))
            self.built = True

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"



def _cast_tensor(t, dtype):
    return math_ops.cast(t, dtype)


def _round_bfloat16(a):
    """float32 values rounded to bfloat16's 8-bit significand (to nearest even), as float32.

    NumPy has no bfloat16 type: featherflow carries bfloat16 values in float32 arrays."""
    a = np.asarray(a, np.float32)
    bits = a.view(np.uint32)
    rounded = ((bits + (np.uint32(0x7FFF) + ((bits >> 16) & np.uint32(1))))
               & np.uint32(0xFFFF0000)).view(np.float32)
    return np.where(np.isnan(a), a, rounded)


def _round_float16(a):
    """float32 values rounded to float16 (to nearest even), as float32: ``a.astype(float16)
    .astype(float32)`` bit for bit, in about 40% of its time (NumPy's float16 casts are
    scalar loops). Zero and float16's normal range round as float32 bit patterns; the rare
    subnormals, overflows and NaNs go through the cast."""
    bits = a.view(np.uint32)
    rounded = bits >> np.uint32(13)
    rounded &= np.uint32(1)
    rounded += np.uint32(0xFFF)
    rounded += bits
    rounded &= np.uint32(0xFFFFE000)
    magnitude = bits & np.uint32(0x7FFFFFFF)
    zero = magnitude == 0
    # below 2**-14 (float16's smallest normal) or from 65520 (where float16 overflows) on
    magnitude -= np.uint32(0x38800000)
    odd = magnitude >= np.uint32(0x477FF000 - 0x38800000)
    odd &= ~zero
    out = rounded.view(np.float32)
    if odd.any():
        idx = np.flatnonzero(odd)
        with np.errstate(over="ignore"):
            out.reshape(-1)[idx] = a.reshape(-1)[idx].astype(_FLOAT16).astype(_FLOAT32)
    return out


def _round_in_float32(t, compute):
    """A floating tensor's values rounded to ``compute`` (float16/bfloat16), in float32;
    the gradient passes through (rounded to float16 as a float16 cast's gradient is)."""
    dt = t.data.dtype
    if compute == "float16":
        if dt == _FLOAT16:
            return math_ops.cast(t, _FLOAT32)
        if dt != _FLOAT32:
            t = math_ops.cast(t, _FLOAT32)
        return math_ops.cast(math_ops.cast(t, _FLOAT16), _FLOAT32)
    if dt != _FLOAT32:
        t = math_ops.cast(t, _FLOAT32)
    # the rounding as a constant offset: the gradient is the identity
    return math_ops.add(t, Tensor(_round_bfloat16(t.data) - t.data))


def _to_compute(t, compute):
    """A floating tensor in ``compute`` itself (float16; bfloat16 as rounded float32)."""
    if compute == "float16":
        return t if t.data.dtype == _FLOAT16 else math_ops.cast(t, _FLOAT16)
    return _round_in_float32(t, compute)


def _map_floats(value, fn, compute):
    """``fn(tensor, compute)`` on each floating tensor or array in a nest (masks kept)."""
    if isinstance(value, Tensor):
        if value.data.dtype.kind != "f":
            return value
        out = fn(value, compute)
        if out is not value and value._keras_mask is not None:
            out._keras_mask = value._keras_mask
        return out
    if isinstance(value, np.ndarray):
        return fn(Tensor(value), compute) if value.dtype.kind == "f" else value
    if isinstance(value, (list, tuple)):
        return type(value)(_map_floats(v, fn, compute) for v in value)
    if isinstance(value, dict):
        return {k: _map_floats(v, fn, compute) for k, v in value.items()}
    return value


def _swap_variables(layers, internal):
    """Give the trainable float variables of ``layers`` (those under a float16/bfloat16
    compute dtype) their values in that dtype for one call; returns ``(variable, array)``
    pairs to restore. Internal layers get the rounded values in float32."""
    swapped = []
    seen = set()
    for layer in layers:
        compute = layer._reduced
        if compute is None or (internal and _reduced_kind(type(layer)) == _USER):
            continue
        for v in layer._trainable_variables:
            data = v.data
            if data.dtype.kind != "f" or id(v) in seen:
                continue
            seen.add(id(v))
            if compute == "float16":
                if not internal:
                    value = data.astype(_FLOAT16)
                elif data.dtype == _FLOAT32 and data.flags.c_contiguous:
                    value = _round_float16(data)
                else:
                    value = data.astype(_FLOAT16).astype(_FLOAT32)
            else:
                value = _round_bfloat16(data)
            swapped.append((v, data))
            v.data = value
    return swapped


def _set_masks(outputs, masks):
    """Attach ``masks`` to the output tensors (one mask, or one per output)."""
    if masks is None:
        return
    if isinstance(outputs, Tensor):
        outputs._keras_mask = masks
        return
    if isinstance(outputs, (list, tuple)):
        per = masks if isinstance(masks, (list, tuple)) and len(masks) == len(outputs) \
            else [masks] * len(outputs)
        for out, m in zip(outputs, per):
            if isinstance(out, Tensor) and m is not None:
                out._keras_mask = m


def _mask_of(inputs):
    if isinstance(inputs, Tensor):
        return inputs._keras_mask
    if isinstance(inputs, (list, tuple)):
        masks = [_mask_of(x) for x in inputs]
        return None if all(m is None for m in masks) else masks
    return None
