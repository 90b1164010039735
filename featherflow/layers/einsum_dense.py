"""EinsumDense: a dense layer whose product with the kernel is an einsum equation."""

import re

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.layer import Layer
from featherflow.ops import einsum as einsum_ops
from featherflow.ops import math as math_ops

_FORMS = "'ab,bc->ac', '...b,bc->...c' (ellipsis first) or 'ab...,bc->ac...' (ellipsis last)"


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def parse_equation(equation, where):
    """``(input_letters, kernel_letters, output_letters, ellipsis)`` of an EinsumDense
    equation; ``ellipsis`` is ``"left"``, ``"right"`` or None."""
    if not isinstance(equation, str):
        raise ValueError(f"{where}: `equation` must be a string such as {_FORMS}, received "
                         f"{equation!r}.")
    eq = equation.replace(" ", "")
    for pattern, ellipsis in ((r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
                              (r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)", "left"),
                              (r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.", "right")):
        match = re.fullmatch(pattern, eq)
        if match:
            return match.group(1), match.group(2), match.group(3), ellipsis
    raise ValueError(
        f"{where}: invalid einsum equation {equation!r}. Expected the input, the kernel and "
        f"the output, as in {_FORMS}."
    )


def analyze(equation, bias_axes, input_shape, partial_output_shape, where):
    """Kernel shape, bias shape (or None), full output shape and the kernel's input/output
    axes, from the equation, the input shape and the partial output shape (Keras's rules:
    the output shape lists the dimensions after the batch, ellipsis dimensions excluded)."""
    ins, ker, outs, ellipsis = parse_equation(equation, where)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(ins)
    if elided < 0 or (ellipsis is None and elided):
        raise ValueError(
            f"{where}: the equation {equation!r} expects inputs of rank {len(ins)}"
            f"{' or more' if ellipsis else ''}, received input shape {input_shape}."
        )
    out_shape = [input_shape[0]] + list(partial_output_shape)
    if ellipsis == "left":
        out_shape[1:1] = input_shape[1:elided]
    elif ellipsis == "right":
        out_shape += input_shape[len(input_shape) - elided:]
    if len(out_shape) != len(outs) + (elided if ellipsis else 0):
        raise ValueError(
            f"{where}: `output_shape` {tuple(partial_output_shape)} gives outputs of rank "
            f"{len(out_shape)}, but the equation {equation!r} writes outputs of rank "
            f"{len(outs) + (elided if ellipsis else 0)}. List every output dimension after the "
            "batch (ellipsis dimensions excluded)."
        )
    if ellipsis == "left":
        in_pos = {c: i + elided for i, c in enumerate(ins)}
        out_pos = {c: i + elided for i, c in enumerate(outs)}
    else:
        in_pos = {c: i for i, c in enumerate(ins)}
        out_pos = {c: i for i, c in enumerate(outs)}
    for c in ins:
        if c in out_pos:
            want = out_shape[out_pos[c]]
            if want is not None and input_shape[in_pos[c]] is not None \
                    and want != input_shape[in_pos[c]]:
                raise ValueError(
                    f"{where}: the input and the output share the dimension {c!r} of "
                    f"{equation!r}, but the input has {input_shape[in_pos[c]]} there and "
                    f"`output_shape` asks for {want}."
                )
            out_shape[out_pos[c]] = input_shape[in_pos[c]]
    for c in outs:
        if c not in ins and c not in ker:
            raise ValueError(
                f"{where}: the output dimension {c!r} of {equation!r} is in neither the "
                f"input ({ins!r}) nor the kernel ({ker!r})."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(ker):
        if c in out_pos:
            kernel_shape.append(out_shape[out_pos[c]])
            output_axes.append(i)
        elif c in in_pos:
            kernel_shape.append(input_shape[in_pos[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"{where}: the kernel dimension {c!r} of {equation!r} is in neither the input "
                f"({ins!r}) nor the output ({outs!r}), so its size is unknown."
            )
    if any(n is None for n in kernel_shape):
        raise ValueError(
            f"{where}: the kernel of {equation!r} would have shape {tuple(kernel_shape)}; every "
            f"kernel dimension must be known (input shape {input_shape}, output shape "
            f"{tuple(partial_output_shape)})."
        )
    bias_shape = None
    if bias_axes is not None:
        offset = elided if ellipsis == "left" else 0
        for c in bias_axes:
            if c not in outs:
                raise ValueError(
                    f"{where}: the bias axis {c!r} is not an output dimension of {equation!r} "
                    f"({outs!r})."
                )
        first = min(outs.index(c) for c in bias_axes)
        bias_shape = [out_shape[i + offset] if c in bias_axes else 1
                      for i, c in enumerate(outs) if i >= first]
        if ellipsis != "left":
            bias_shape += [1] * max(elided, 0)
    return kernel_shape, bias_shape, out_shape, input_axes, output_axes


class EinsumDense(Layer):
    """A dense layer of any rank: ``activation(einsum(equation, inputs, kernel) + bias)``.

    Example::

        >>> layer = tf.keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8),
        ...                                     bias_axes="de")
        >>> layer(np.ones((2, 5, 16))).shape
        TensorShape([2, 5, 4, 8])
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        from featherflow import activations, constraints, initializers, regularizers

        super().__init__(**kwargs)
        where = f"EinsumDense '{self.name}'"
        parse_equation(equation, where)
        if lora_rank or quantization_config or gptq_unpacked_column_size:
            raise ValueError(
                f"{where}: LoRA (lora_rank) and quantization are not supported by featherflow; "
                "remove these arguments (a .keras file saved by Keras with LoRA enabled holds "
                "the merged kernel and loads without them)."
            )
        self.equation = equation
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        try:
            self.partial_output_shape = tuple(output_shape)
        except TypeError:
            raise ValueError(f"{where}: `output_shape` must be an int or a tuple/list of ints "
                             f"and None, received {output_shape!r}.") from None
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = None
        self.lora_alpha = None
        self.lora_enabled = False
        self.quantization_config = None
        self._kernel = None
        self.bias = None

    @property
    def kernel(self):
        if not self.built:
            raise AttributeError(
                f"EinsumDense '{self.name}' is not built yet, so it has no kernel: call it on "
                "data or call build(input_shape) first."
            )
        return self._kernel

    def build(self, input_shape):
        from featherflow import initializers

        where = f"EinsumDense '{self.name}'"
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape, where)
        self._input_rank = len(input_shape)
        init = self.kernel_initializer
        # as Keras: a fan-based initializer counts fans over the kernel's input and output
        # axes, not the last two dimensions
        if isinstance(init, initializers.VarianceScaling) and (
                init.input_axes is None or init.output_axes is None):
            cfg = init.get_config()
            cfg.update(seed=init.seed, input_axes=input_axes, output_axes=output_axes)
            init = type(init).from_config(cfg)
        self._kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=init,
                                       regularizer=self.kernel_regularizer,
                                       constraint=self.kernel_constraint)
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=bias_shape,
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _check_build_shape(self, inputs):
        shape = inputs.data.shape if isinstance(inputs, Tensor) else None
        if shape is None or len(shape) != self._input_rank:
            raise ValueError(
                f"EinsumDense '{self.name}' was built for inputs of rank {self._input_rank} "
                f"(equation {self.equation!r}), received shape "
                f"{tuple(shape) if shape is not None else type(inputs).__name__}."
            )

    def compute_output_shape(self, input_shape):
        _, _, out_shape, _, _ = analyze(self.equation, self.bias_axes, input_shape,
                                        self.partial_output_shape,
                                        f"EinsumDense '{self.name}'")
        return tuple(out_shape)

    def call(self, inputs, training=None):
        if inputs.data.ndim != self._input_rank:
            self._check_build_shape(inputs)
        try:
            x = einsum_ops.einsum(self.equation, inputs, self._kernel)
        except ValueError as err:
            raise ValueError(
                f"EinsumDense '{self.name}': input of shape {tuple(inputs.data.shape)} does not "
                f"fit the kernel of shape {tuple(self._kernel.shape)}: {err}"
            ) from None
        if self.bias is not None:
            x = math_ops.add(x, self.bias)
        return self.activation(x)

    def get_config(self):
        from featherflow import activations, constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
            "quantization_config": None,
        })
        return cfg
