"""``tf.autodiff.ForwardAccumulator``: Jacobian-vector products (forward-mode derivatives).

featherflow's engine is reverse-mode, so the accumulator records the computation on a
persistent tape watching the primals and answers ``jvp(y)`` (``J v`` for the tangents ``v``)
by the transpose trick: the reverse-mode gradient ``g(u) = J^T u`` is linear in the output
cotangent ``u``, so ``J v = d<g(u), v>/du``, one recorded backward pass and one more backward
pass through it. When an op on the path has no second-order gradient in featherflow, the answer
comes from the Jacobian instead (one backward pass per element of ``y``), with the same
result. Values equal TensorFlow's forward-mode ones to float rounding.

As TensorFlow's: ``jvp`` of a primal is its tangent; of a tensor not computed from the primals
``None`` (or zeros with ``unconnected_gradients=tf.UnconnectedGradients.ZERO``); tangents
must have their primal's shape (TensorFlow accepts a mismatched tangent silently); ``jvp``
takes nests. A Keras layer's variables can be primals (TensorFlow 2.21's accumulator fails on
Keras 3 variables with an AttributeError).
"""

import numpy as np

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor

__all__ = ["ForwardAccumulator"]


def _flatten(x):
    from featherflow.tree import nest

    return nest.flatten(x)


def _pack_like(structure, flat):
    from featherflow.tree import nest

    return nest.pack_sequence_as(structure, flat)


def _unconnected_mode(value):
    mode = getattr(value, "value", value)
    mode = str(mode).lower()
    if mode not in ("none", "zero"):
        raise ValueError(f"jvp: unconnected_gradients must be tf.UnconnectedGradients.NONE or "
                         f"ZERO; received {value!r}")
    return mode


class ForwardAccumulator:
    """Computes Jacobian-vector products of everything computed from ``primals`` inside its
    ``with`` block, for the directions ``tangents`` (same nest, same shapes)."""

    def __init__(self, primals, tangents):
        self._primals = []
        self._tangents = []
        self._tape = GradientTape(persistent=True, watch_accessed_variables=False)
        self._active = False
        self._pending = (primals, tangents)

    def __enter__(self):
        self._tape.__enter__()
        self._active = True
        primals, tangents = self._pending
        try:
            self._watch(primals, tangents)
        except BaseException:
            self.__exit__(None, None, None)  # a refused primal leaves no tape recording
            raise
        return self

    def __exit__(self, *exc):
        self._active = False
        return self._tape.__exit__(*exc)

    def _watch(self, primals, tangents):
        """Also differentiate along ``tangents`` at ``primals`` (private in TensorFlow too)."""
        flat_p, flat_t = _flatten(primals), _flatten(tangents)
        if len(flat_p) != len(flat_t):
            raise ValueError(f"ForwardAccumulator: got {len(flat_p)} primals and "
                             f"{len(flat_t)} tangents; give one tangent per primal")
        for p, t in zip(flat_p, flat_t):
            if not isinstance(p, Tensor):
                raise TypeError(f"ForwardAccumulator: primals must be Tensors or Variables; "
                                f"received {type(p).__name__}")
            if p.data.dtype.kind not in "fc":
                raise ValueError(f"ForwardAccumulator: primal dtype {p.data.dtype.name} is not "
                                 "a floating dtype; forward-mode derivatives need floats")
            tangent = np.asarray(t.data if isinstance(t, Tensor) else t, dtype=p.data.dtype)
            if tangent.shape != p.data.shape:
                raise ValueError(f"Tangent {tangent.tolist()!r} was specified for primal with "
                                 f"shape {list(p.data.shape)}, but the tangent has shape "
                                 f"{list(tangent.shape)}; they must match")
            self._tape.watch(p)
            self._primals.append(p)
            self._tangents.append(Tensor(tangent))

    def _tangent_of_primal(self, target):
        for p, t in zip(self._primals, self._tangents):
            if p is target:
                return Tensor(t.data.copy())
        return None

    def _jvp_one(self, target, mode):
        own = self._tangent_of_primal(target)
        if own is not None:
            return own
        if not isinstance(target, Tensor) or target.data.dtype.kind not in "fc":
            return self._unconnected(target, mode)
        try:
            result = self._by_transpose(target)
        except LookupError:  # an op with no second-order gradient on the path
            result = self._by_jacobian(target)
        if result is None:
            return self._unconnected(target, mode)
        return result

    @staticmethod
    def _unconnected(target, mode):
        if mode == "zero" and isinstance(target, Tensor):
            return Tensor(np.zeros_like(target.data))
        return None

    def _by_transpose(self, target):
        with GradientTape() as outer:
            u = Tensor(np.zeros_like(target.data))
            outer.watch(u)
            grads = self._tape.gradient(target, self._primals, output_gradients=u)
            from featherflow.ops import complex_parts, reduce

            # the tape's gradients are TF's conjugate ones (docs/autodiff.md): pairing them
            # with conj(v) makes the gradient of the sum J v for complex tensors too
            terms = [reduce.reduce_sum(g * (complex_parts.conj(v) if v.data.dtype.kind == "c"
                                            else v))
                     for g, v in zip(grads, self._tangents) if g is not None]
            if not terms:
                return None
            total = terms[0]
            for term in terms[1:]:
                total = total + term
        jvp = outer.gradient(total, u)
        return Tensor(np.zeros_like(target.data)) if jvp is None else Tensor(
            np.asarray(jvp.data, target.data.dtype))

    def _by_jacobian(self, target):
        flat = target.data.reshape(-1)
        out = np.zeros(flat.shape, target.data.dtype)
        connected = False
        from featherflow.autodiff import state

        # TF's gradients of a complex target are conjugate ones: the seed 1 gives the real part
        # of (J v)_i as real(vdot(g, v)), the seed i its imaginary part (so conj is covered)
        units = (1, 1j) if target.data.dtype.kind == "c" else (1,)
        with _not_recording(state):
            for i in range(flat.size):
                for unit in units:
                    seed = np.zeros(flat.shape, target.data.dtype)
                    seed[i] = unit
                    grads = self._tape.gradient(target, self._primals,
                                                output_gradients=seed.reshape(target.data.shape))
                    for g, v in zip(grads, self._tangents):
                        if g is not None:
                            connected = True
                            part = np.vdot(np.asarray(g.data), v.data)
                            out[i] += part if len(units) == 1 else unit * np.real(part)
        return Tensor(out.reshape(target.data.shape)) if connected else None

    def jvp(self, primals, unconnected_gradients="none"):
        """``J v`` for each tensor in the nest ``primals`` (computed from the watched
        primals), as TensorFlow's ``ForwardAccumulator.jvp``."""
        mode = _unconnected_mode(unconnected_gradients)
        flat = _flatten(primals)
        return _pack_like(primals, [self._jvp_one(t, mode) for t in flat])

    def __repr__(self):
        return f"<ForwardAccumulator watching {len(self._primals)} primal(s)>"


class _not_recording:
    """Run first-order backward passes without recording them (the Jacobian fallback)."""

    def __init__(self, state):
        self.state = state

    def __enter__(self):
        self.saved = self.state.recording
        self.state.recording = False

    def __exit__(self, *exc):
        self.state.recording = self.saved

