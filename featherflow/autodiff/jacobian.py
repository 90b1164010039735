"""Jacobians from a tape: one backward sweep per output element (or per output feature).

``GradientTape.jacobian`` and ``GradientTape.batch_jacobian`` delegate here. TensorFlow
vectorises the sweeps with pfor; featherflow runs them one after another over the recorded
nodes (``parallel_iterations`` and ``experimental_use_pfor`` are accepted for compatibility and
only decide, as in TensorFlow, whether a non-persistent tape may be used).
"""

import numpy as np

from featherflow import tree
from featherflow.autodiff.tape import backprop
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable


def jacobian(tape, target, sources, unconnected_gradients="none", parallel_iterations=None,
             experimental_use_pfor=True):
    """The Jacobian of ``target`` w.r.t. each of ``sources``: shape target.shape + source.shape.

    Example::

        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x).numpy()
        array([[2., 0.],
               [0., 4.]], dtype=float32)
    """
    zero = _zero_when_unconnected(unconnected_gradients)
    _claim(tape, "jacobian", experimental_use_pfor)
    target = _check_target(target, "jacobian")
    flat_sources = tree.flatten(sources)
    _check_sources(flat_sources, "jacobian")
    rows = target.data.size
    results = [None] * len(flat_sources)
    seed = np.zeros(rows, target.data.dtype)
    for row in range(rows):
        seed[row] = 1.0
        grads = backprop([target], [seed.reshape(target.data.shape)], flat_sources)
        seed[row] = 0.0
        for i, g in enumerate(grads):
            if g is not None:
                if results[i] is None:
                    results[i] = _zeros((rows,), flat_sources[i], g.dtype)
                results[i][row] = g
    out = []
    for s, r, visible in zip(flat_sources, results, _visible(tape, flat_sources)):
        if r is None or not visible:
            out.append(Tensor(_zeros(target.data.shape, s, s.data.dtype)) if zero else None)
        else:
            out.append(Tensor(r.reshape(target.data.shape + s.data.shape)))
    return tree.pack_sequence_as(sources, out)


def batch_jacobian(tape, target, source, unconnected_gradients="none", parallel_iterations=None,
                   experimental_use_pfor=True):
    """Per-example Jacobians: ``result[i]`` is the Jacobian of ``target[i]`` w.r.t.
    ``source[i]``, shape (batch,) + target.shape[1:] + source.shape[1:].

    As in TensorFlow, row ``i`` of ``target`` must depend on row ``i`` of ``source`` only. One
    backward sweep per output feature covers every example at once.

    Example::

        >>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x).shape
        TensorShape([2, 2, 2])
    """
    _zero_when_unconnected(unconnected_gradients)
    _claim(tape, "batch_jacobian", experimental_use_pfor)
    target = _check_target(target, "batch_jacobian")
    _check_sources([source], "batch_jacobian")
    t_shape, s_shape = target.data.shape, source.data.shape
    if not t_shape or not s_shape or t_shape[0] != s_shape[0]:
        raise ValueError(
            f"batch_jacobian: Need first dimension of target shape ({t_shape}) and source "
            f"shape ({s_shape}) to match. Both must start with the batch axis."
        )
    batch = t_shape[0]
    features = int(np.prod(t_shape[1:], dtype=np.int64))
    result = None
    seed = np.zeros((batch, features), target.data.dtype)
    for feature in range(features):
        seed[:, feature] = 1.0
        (g,) = backprop([target], [seed.reshape(t_shape)], [source])
        seed[:, feature] = 0.0
        if g is not None:
            if result is None:
                result = np.zeros((batch, features) + s_shape[1:], g.dtype)
            result[:, feature] = g
    shape = t_shape + s_shape[1:]
    if result is None or not _visible(tape, [source])[0]:
        # TensorFlow answers zeros here whatever unconnected_gradients says (kept for
        # compatibility with its older behaviour), so featherflow does too.
        return Tensor(np.zeros(shape, target.data.dtype))
    return Tensor(result.reshape(shape))


def _zero_when_unconnected(value):
    # tf.UnconnectedGradients members carry the string as .value
    value = getattr(value, "value", value)
    if value not in ("none", "zero"):
        raise ValueError(
            f"unconnected_gradients: expected 'none' or 'zero', received {value!r}."
        )
    return value == "zero"


def _claim(tape, method, use_pfor):
    """Apply TensorFlow's rules for using a tape: a non-persistent tape answers once, and
    only with pfor (TensorFlow's loop fallback needs to replay the tape)."""
    if not tape._entered:
        raise RuntimeError(
            f"GradientTape.{method}: this tape recorded nothing because it was never entered. "
            f"Compute the target inside `with tf.GradientTape() as tape:`."
        )
    if tape._used and not tape.persistent:
        raise RuntimeError(
            "A non-persistent GradientTape can only be used to compute one set of gradients "
            "(or jacobians). Use tf.GradientTape(persistent=True) to ask several times."
        )
    if not tape.persistent and not use_pfor:
        raise RuntimeError(
            f"GradientTape must be created with persistent=True to compute the {method} "
            f"with eager execution enabled and with experimental_use_pfor set to False."
        )
    tape._used = True


def _check_target(target, method):
    if not isinstance(target, Tensor):
        raise TypeError(
            f"GradientTape.{method}: the target must be one Tensor computed inside the tape, "
            f"received {type(target).__name__}."
        )
    if target.data.dtype.kind not in "fc":
        raise TypeError(
            f"GradientTape.{method}: the target has dtype {target.data.dtype.name}; Jacobians "
            f"are defined only for float tensors. Compute it from float values."
        )
    return target


def _check_sources(sources, method):
    for s in sources:
        if not isinstance(s, Tensor):
            raise TypeError(
                f"GradientTape.{method}: sources must be Tensors or Variables, received "
                f"{type(s).__name__}."
            )


def _visible(tape, sources):
    """False for Variables a tape with watch_accessed_variables=False was not asked to watch."""
    if tape.watch_accessed_variables:
        return [True] * len(sources)
    watched = {id(v) for v in tape.watched_variables()}
    return [not isinstance(s, Variable) or id(s) in watched for s in sources]


def _zeros(leading, source, dtype):
    return np.zeros(tuple(leading) + source.data.shape, dtype)
