"""GradientTape: records primitives while active and walks them back for gradients."""

from heapq import heappop, heappush

import numpy as np

from featherflow import tree
from featherflow.autodiff import state
from featherflow.autodiff.function import zeros_for
from featherflow.autodiff.higher_order import backprop_recorded
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable


class GradientTape:
    """Record operations for automatic differentiation, as ``tf.GradientTape``.

    Trainable Variables are watched automatically; other tensors with :meth:`watch`.
    The gradient of a non-scalar target is the gradient of its sum.

    Example::

        >>> w = tf.Variable(3.0)
        >>> with tf.GradientTape() as tape:
        ...     y = w * w
        >>> float(tape.gradient(y, w))
        6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched = []
        self._recording = False
        self._used = False
        self._entered = False

    def __enter__(self):
        state.recording += 1
        self._recording = True
        self._entered = True
        return self

    def __exit__(self, *exc):
        if self._recording:
            state.recording -= 1
            self._recording = False
        # an enclosing tape that is still recording may have watched the same tensors
        if not state.recording:
            for t in self._watched:
                if t._node is None and not (isinstance(t, Variable) and t.trainable):
                    t._track = False
        return False

    def watch(self, tensor):
        """Ask the tape to track ``tensor`` (a Tensor, Variable or a nest of them)."""
        for t in _flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"GradientTape.watch: expected a Tensor or Variable, received "
                    f"{type(t).__name__}. Wrap arrays with tf.constant(x) first."
                )
            t._track = True
            self._watched.append(t)

    def watched_variables(self):
        return tuple(t for t in self._watched if isinstance(t, Variable))

    def stop_recording(self):
        return _StopRecording(self)

    def reset(self):
        self._watched = []
        self._used = False

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients="none"):
        """Gradients of ``target`` with respect to ``sources`` (a tensor, list or dict)."""
        if not self._entered:
            raise RuntimeError(
                "GradientTape.gradient: this tape recorded nothing because it was never "
                "entered. Compute the target inside `with tf.GradientTape() as tape:`, then "
                "call tape.gradient(target, sources)."
            )
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can compute gradients only once. Use "
                "tf.GradientTape(persistent=True) to call gradient() several times."
            )
        self._used = True
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(
                f"unconnected_gradients: expected 'none' or 'zero', received "
                f"{unconnected_gradients!r}."
            )
        targets = _flatten(target)
        if output_gradients is None:
            seeds = [None] * len(targets)
        else:
            # while a tape records, a Tensor seed stays a Tensor so the gradient's dependence
            # on it is recorded too (forward-mode jvp differentiates with respect to it)
            keep = state.recording
            seeds = [None if g is None else g if keep and isinstance(g, Tensor)
                     else np.asarray(g.data if isinstance(g, Tensor) else g)
                     for g in _flatten(output_gradients)]
        for t in targets:
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"GradientTape.gradient: the target must be a Tensor computed inside the "
                    f"tape, received {type(t).__name__}."
                )
            if t.data.dtype.kind not in "fc":
                raise TypeError(
                    f"GradientTape.gradient: the target has dtype {t.data.dtype.name}; "
                    "gradients are defined only for float tensors. Compute it from float "
                    "values, e.g. tf.cast(x, tf.float32)."
                )
        flat_sources = _flatten(sources)
        for s in flat_sources:
            if not isinstance(s, Tensor):
                raise TypeError(
                    f"GradientTape.gradient: sources must be Tensors or Variables, received "
                    f"{type(s).__name__}."
                )
        if state.recording:
            # a tape records now (an outer one, or this persistent one from inside its block):
            # build the gradient from recorded ops so it can be differentiated again
            grads = backprop_recorded(targets, seeds, flat_sources)
        else:
            grads = backprop(targets, seeds, flat_sources)
        if not self.watch_accessed_variables:
            watched = {id(t) for t in self._watched}
            grads = [None if isinstance(s, Variable) and id(s) not in watched else g
                     for s, g in zip(flat_sources, grads)]
        out = []
        given = set()
        for s, g in zip(flat_sources, grads):
            if g is None:
                if unconnected_gradients == "zero":
                    out.append(Tensor(np.zeros_like(s.data)))
                else:
                    out.append(None)
            elif isinstance(g, Tensor):
                out.append(g)  # recorded: keep its link to the tape
            else:
                # a backward may hand the same array to several inputs (add) or a read-only
                # broadcast view: copy so an optimizer can update gradients in place
                if type(g) is not np.ndarray:
                    g = np.array(g)
                elif id(g) in given or not g.flags.writeable:
                    g = g.copy()
                given.add(id(g))
                out.append(Tensor(g))
        return _pack(sources, out)


    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """The Jacobian of ``target`` w.r.t. ``sources``, as ``tf.GradientTape.jacobian``."""
        # function-level import: jacobian.py builds on this module's backprop (a cycle)
        from featherflow.autodiff.jacobian import jacobian

        return jacobian(self, target, sources, unconnected_gradients, parallel_iterations,
                        experimental_use_pfor)

    def batch_jacobian(self, target, source, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians, as ``tf.GradientTape.batch_jacobian``."""
        # function-level import: jacobian.py builds on this module's backprop (a cycle)
        from featherflow.autodiff.jacobian import batch_jacobian

        return batch_jacobian(self, target, source, unconnected_gradients,
                              parallel_iterations, experimental_use_pfor)


class _StopRecording:
    def __init__(self, tape):
        self.tape = tape

    def __enter__(self):
        if self.tape._recording:
            state.recording -= 1
        return self

    def __exit__(self, *exc):
        if self.tape._recording:
            state.recording += 1
        return False


def backprop(targets, seeds, sources):
    """Reverse-mode sweep from ``targets`` (seeded with ``seeds`` or ones) to ``sources``.

    Returns one ndarray (or None when unconnected) per source. Nodes are visited from the
    most recently recorded down (a heap keyed on the recording number), so a node runs its
    backward only after every node that consumed it, and only nodes that receive a gradient
    are visited. This runs once per training step, so the accumulation is written inline.
    """
    node_grads = {}
    leaf_grads = {}
    heap = []
    for t, s in zip(targets, seeds):
        if s is None:
            s = np.ones(t.data.shape, t.data.dtype)
        else:
            s = np.broadcast_to(s.astype(t.data.dtype, copy=False), t.data.shape)
        node = t._node
        if node is not None and node not in node_grads:
            heappush(heap, (-node._seq, node))
        _accumulate(t, s, node_grads, leaf_grads)

    while heap:
        node = heappop(heap)[1]
        buf = node_grads[node]
        if node.n_out == 1:
            g = buf[0]
        else:
            g = [b if b is not None else zeros_for(m) for b, m in zip(buf, node.out_meta)]
        in_grads = node.backward(g)
        if not isinstance(in_grads, (tuple, list)):
            in_grads = (in_grads,)
        for x, need, ig in zip(node.inputs, node.needs, in_grads):
            if need and ig is not None:
                parent = x._node
                if parent is None:
                    key = id(x)
                    prev = leaf_grads.get(key)
                    leaf_grads[key] = ig if prev is None else prev + ig
                else:
                    pbuf = node_grads.get(parent)
                    if pbuf is None:
                        pbuf = node_grads[parent] = [None] * parent.n_out
                        heappush(heap, (-parent._seq, parent))
                    i = x._idx
                    pbuf[i] = ig if pbuf[i] is None else pbuf[i] + ig

    result = []
    for s in sources:
        if s._node is None:
            result.append(leaf_grads.get(id(s)))
        else:
            buf = node_grads.get(s._node)
            result.append(None if buf is None else buf[s._idx])
    return result


def _accumulate(t, g, node_grads, leaf_grads):
    node = t._node
    if node is None:
        prev = leaf_grads.get(id(t))
        leaf_grads[id(t)] = g if prev is None else prev + g
    else:
        buf = node_grads.get(node)
        if buf is None:
            buf = node_grads[node] = [None] * node.n_out
        i = t._idx
        buf[i] = g if buf[i] is None else buf[i] + g


# The per-step cases (one Tensor, or a flat list of them) are answered inline: featherflow.tree
# handles every other structure, but costs ~4 us more per training step on these.
def _flatten(x):
    if isinstance(x, Tensor):
        return [x]
    if type(x) is list and not any(isinstance(v, (list, tuple, dict)) for v in x):
        return list(x)
    return tree.flatten(x)


def _pack(structure, flat):
    if isinstance(structure, Tensor):
        return flat[0]
    if type(structure) is list and len(structure) == len(flat) and not any(
            isinstance(v, (list, tuple, dict)) for v in structure):
        return flat
    return tree.pack_sequence_as(structure, flat)
