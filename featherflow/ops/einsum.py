"""``tf.einsum``: Einstein summation, differentiable in every operand.

Two-operand contractions (every einsum a layer runs, and every gradient of one) go through a
plan cached per equation and shapes: letters summed inside one operand are summed first, the
rest become one batched ``np.matmul`` of ``(batch, free, contracted)`` blocks, so the work is
done by BLAS as ``tf.einsum`` does it. Other operand counts use ``np.einsum`` (with a path
search when there are three or more operands).
"""

import string

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.ops._convert import data, operand
from featherflow.ops.math import cast

# letters standing for ellipsis dimensions (einsum letters are ASCII letters)
_ELLIPSIS_LETTERS = "".join(chr(c) for c in range(0x391, 0x391 + 24))
_PLANS = {}
_PLAN_LIMIT = 512


def _einsum_parse(subscripts, ndims):
    """Split ``subscripts`` into per-input and output terms, making an implicit output explicit
    (NumPy's rule: ellipsis first, then the letters used once, in alphabetical order)."""
    s = subscripts.replace(" ", "")
    if s.count("->") > 1:
        raise ValueError(f"einsum: the subscripts {subscripts!r} have more than one '->'.")
    if "->" in s:
        ins, out = s.split("->")
    else:
        ins = s
        letters = ins.replace("...", "").replace(",", "")
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        out = ("..." if "..." in ins else "") + "".join(once)
    terms = ins.split(",")
    if len(terms) != len(ndims):
        raise ValueError(
            f"einsum: the subscripts {subscripts!r} name {len(terms)} operand(s), received "
            f"{len(ndims)}."
        )
    for term in terms + [out]:
        bare = term.replace("...", "")
        if any(c not in string.ascii_letters for c in bare) or term.count("...") > 1:
            raise ValueError(
                f"einsum: the subscripts {subscripts!r} hold {term!r}; each term must be ASCII "
                "letters with at most one '...'."
            )
    return terms, out


def _expand(term, ndim, n_ell):
    """``term`` with its ellipsis spelled as letters (right-aligned over ``n_ell`` dims)."""
    if "..." not in term:
        return term
    before, after = term.split("...")
    k = ndim - len(before) - len(after)
    return before + _ELLIPSIS_LETTERS[n_ell - k:n_ell] + after


class _Plan:
    """A two-operand contraction as sums, transposes, reshapes and one ``np.matmul``."""

    def __init__(self, ta, tb, out, sa, sb):
        sizes = {}
        for term, shape in ((ta, sa), (tb, sb)):
            for c, n in zip(term, shape):
                if sizes.get(c, 1) != 1 and n != 1 and sizes[c] != n:
                    raise ValueError(
                        f"the letter {c!r} has sizes {sizes[c]} and {n} in the operands"
                    )
                sizes[c] = max(sizes.get(c, 1), n)
        missing = [c for c in out if c not in sizes]
        if missing:
            raise ValueError(f"output letters {missing} appear in no operand")
        # a size-1 dimension facing a larger one is a broadcast: drop it from that operand
        self.squeeze_a = tuple(i for i, c in enumerate(ta) if sa[i] == 1 and sizes[c] != 1)
        self.squeeze_b = tuple(i for i, c in enumerate(tb) if sb[i] == 1 and sizes[c] != 1)
        ta = "".join(c for i, c in enumerate(ta) if i not in self.squeeze_a)
        tb = "".join(c for i, c in enumerate(tb) if i not in self.squeeze_b)
        # letters of one operand only that the output drops are summed up front
        self.sum_a = tuple(i for i, c in enumerate(ta) if c not in tb and c not in out)
        self.sum_b = tuple(i for i, c in enumerate(tb) if c not in ta and c not in out)
        ta = "".join(c for i, c in enumerate(ta) if i not in self.sum_a)
        tb = "".join(c for i, c in enumerate(tb) if i not in self.sum_b)
        batch = [c for c in out if c in ta and c in tb]
        contract = [c for c in ta if c in tb and c not in out]
        free_a = [c for c in out if c in ta and c not in tb]
        free_b = [c for c in out if c in tb and c not in ta]
        # put first the operand whose free letters come first in the output: the matmul's
        # result is then often already in the output's order
        self.swap = bool(free_a and free_b and out.index(free_b[0]) < out.index(free_a[0]))
        if self.swap:
            ta, tb, free_a, free_b = tb, ta, free_b, free_a
        nb = int(np.prod([sizes[c] for c in batch])) if batch else 1
        m = int(np.prod([sizes[c] for c in free_a]))
        k = int(np.prod([sizes[c] for c in contract]))
        n = int(np.prod([sizes[c] for c in free_b]))
        # each operand is laid out as a (batch, rows, cols) block; when its letters already
        # come as (batch, cols, rows) it is reshaped without a copy and passed transposed
        self.perm_a, self.shape_a, self.t_a = self._layout(ta, batch, free_a, contract,
                                                           (nb, m, k))
        self.perm_b, self.shape_b, self.t_b = self._layout(tb, batch, contract, free_b,
                                                           (nb, k, n))
        got = batch + free_a + free_b
        self.result_shape = tuple(sizes[c] for c in got)
        self.perm_out = tuple(got.index(c) for c in out)
        self.identity_out = self.perm_out == tuple(range(len(out)))

    @staticmethod
    def _layout(term, batch, rows, cols, shape):
        perm = tuple(term.index(c) for c in batch + rows + cols)
        flipped = tuple(term.index(c) for c in batch + cols + rows)
        if perm != tuple(range(len(perm))) and flipped == tuple(range(len(flipped))):
            return None, (shape[0], shape[2], shape[1]), True
        return (None if perm == tuple(range(len(perm))) else perm), shape, False

    def __call__(self, a, b):
        if self.squeeze_a:
            a = a.reshape([n for i, n in enumerate(a.shape) if i not in self.squeeze_a])
        if self.squeeze_b:
            b = b.reshape([n for i, n in enumerate(b.shape) if i not in self.squeeze_b])
        if self.sum_a:
            a = a.sum(axis=self.sum_a)
        if self.sum_b:
            b = b.sum(axis=self.sum_b)
        if self.swap:
            a, b = b, a
        a = (a if self.perm_a is None else np.transpose(a, self.perm_a)).reshape(self.shape_a)
        b = (b if self.perm_b is None else np.transpose(b, self.perm_b)).reshape(self.shape_b)
        if self.t_a:
            a = a.swapaxes(1, 2)
        if self.t_b:
            b = b.swapaxes(1, 2)
        if self.shape_a[0] == 1:
            out = np.matmul(a[0], b[0])
        else:
            out = np.matmul(a, b)
        out = out.reshape(self.result_shape)
        return out if self.identity_out else np.transpose(out, self.perm_out)


def contract(terms, out, *xs):
    """``np.einsum(','.join(terms) + '->' + out, *xs)``, through a cached matmul plan for
    two operands whose letters do not repeat within a term."""
    if len(xs) == 2:
        key = (tuple(terms), out, xs[0].shape, xs[1].shape)
        plan = _PLANS.get(key)
        if plan is None:
            n_ell = max(x.ndim - len(t.replace("...", "")) for t, x in zip(terms, xs))
            ta, tb = (_expand(t, x.ndim, n_ell) for t, x in zip(terms, xs))
            to = out.replace("...", _ELLIPSIS_LETTERS[:n_ell]) if "..." in out else out
            if len(set(ta)) == len(ta) and len(set(tb)) == len(tb) and len(set(to)) == len(to) \
                    and len(ta) == xs[0].ndim and len(tb) == xs[1].ndim:
                plan = _Plan(ta, tb, to, xs[0].shape, xs[1].shape)
            else:
                plan = False
            if len(_PLANS) >= _PLAN_LIMIT:
                _PLANS.clear()
            _PLANS[key] = plan
        if plan:
            out_arr = plan(*xs)
            if out_arr.dtype != np.result_type(*xs):
                out_arr = out_arr.astype(np.result_type(*xs))
            return out_arr
    spec = f"{','.join(terms)}->{out}"
    return np.asarray(np.einsum(spec, *xs, optimize=len(xs) > 2))


class Einsum(Function):
    """Einstein summation with the gradient of each operand as another contraction.

    The gradient of an operand is the contraction of the output gradient with the other
    operands; letters summed within that operand alone are broadcast back, and broadcast
    (size 1 or ellipsis) dimensions are summed. An operand whose letters repeat (a trace or
    a diagonal, ``ii->i``) gets that gradient on its diagonal and zeros elsewhere.
    """

    def __init__(self, subscripts):
        self.subscripts = subscripts

    def forward(self, *xs):
        self.terms, self.out_term = _einsum_parse(self.subscripts, [x.ndim for x in xs])
        self.xs = xs
        return contract(self.terms, self.out_term, *xs)

    def backward(self, g):
        terms, out, xs = self.terms, self.out_term, self.xs
        grads = []
        for i, (term, x) in enumerate(zip(terms, xs)):
            if not self.needs[i]:
                grads.append(None)
                continue
            grads.append(self._grad_of(i, term, x, g, terms, out, xs))
        return tuple(grads)

    def _grad_of(self, i, term, x, g, terms, out, xs):
        letters = term.replace("...", "")
        if len(set(letters)) != len(letters):
            return self._diagonal_grad(i, term, x, g, terms, out, xs)
        others = [t for j, t in enumerate(terms) if j != i]
        seen = out + "".join(others)
        keep = "".join(c for c in letters if c in seen)
        any_ell = "..." in seen
        gk = contract([out] + others, ("..." if any_ell else "") + keep, g,
                      *[v for j, v in enumerate(xs) if j != i])
        n_ell = x.ndim - len(letters)
        sizes = dict(zip(letters, _letter_sizes(term, x.shape)))
        # shape in the order (ellipsis dims, letters) with summed-alone letters as size 1
        pos = term.index("...") if "..." in term else 0
        ell_shape = x.shape[pos:pos + n_ell]
        kept_dims = iter(gk.shape[gk.ndim - len(keep):])
        lonely_shape = tuple(next(kept_dims) if c in keep else 1 for c in letters)
        gk = gk.reshape(gk.shape[: gk.ndim - len(keep)] + lonely_shape)
        full = ell_shape + tuple(sizes[c] for c in letters)
        # sum what x was broadcast over (extra or size-1 dims), then spread over what the
        # output did not depend on (letters summed inside x alone, size-1 dims of others)
        if gk.ndim > len(full):
            gk = gk.sum(axis=tuple(range(gk.ndim - len(full))))
        axes = tuple(i for i, (t, n) in enumerate(zip(full, gk.shape)) if t == 1 and n != 1)
        if axes:
            gk = gk.sum(axis=axes, keepdims=True)
        if gk.shape != full:
            out_arr = np.empty(full, gk.dtype)
            out_arr[...] = gk
            gk = out_arr
        if n_ell and pos:
            n_before = len(term[:term.index("...")])
            perm = ([n_ell + k for k in range(n_before)] + list(range(n_ell))
                    + [n_ell + k for k in range(n_before, len(letters))])
            gk = np.transpose(gk, perm)
        return gk.astype(x.dtype, copy=False)

    def _diagonal_grad(self, i, term, x, g, terms, out, xs):
        """The gradient of an operand with repeated letters: the gradient of its diagonal
        (the operand with each letter once) written into zeros through the writable
        diagonal view ``np.einsum`` returns."""
        before, _, after = term.partition("...")
        first = "".join(dict.fromkeys(before))
        last = "".join(c for c in dict.fromkeys(after) if c not in first)
        unique = first + ("..." if "..." in term else "") + last
        sizes = dict(zip(term.replace("...", ""), _letter_sizes(term, x.shape)))
        n_ell = x.ndim - len(before) - len(after)
        ell = x.shape[len(before):len(before) + n_ell] if "..." in term else ()
        shape = tuple(sizes[c] for c in first) + ell + tuple(sizes[c] for c in last)
        diagonal = np.broadcast_to(np.zeros((), x.dtype), shape)
        terms = list(terms)
        terms[i] = unique
        full = np.zeros(x.shape, x.dtype)
        np.einsum(f"{term}->{unique}", full)[...] = self._grad_of(i, unique, diagonal, g,
                                                                   terms, out, xs)
        return full


def _letter_sizes(term, shape):
    """Sizes of the letters of ``term`` (an einsum term) for an operand of ``shape``."""
    if "..." in term:
        before, after = term.split("...")
        dims = list(shape[: len(before)]) + (list(shape[len(shape) - len(after):])
                                              if after else [])
        return dims
    return list(shape)


def einsum(equation, *inputs, name=None, **kwargs):
    """Einstein summation (``tf.einsum``), differentiable in every operand.

    Example::

        >>> tf.einsum("bij,bjk->bik", tf.ones((2, 3, 4)), tf.ones((2, 4, 5))).shape
        TensorShape([2, 3, 5])
    """
    xs = [operand(x) for x in inputs]
    floats = [data(x).dtype for x in xs if data(x).dtype.kind == "f"]
    if floats:
        xs = [x if data(x).dtype == floats[0] else cast(x, floats[0]) for x in xs]
    try:
        return Einsum(equation)(*xs)
    except ValueError as err:
        raise ValueError(
            f"einsum {equation!r}: operands of shapes {[tuple(np.shape(data(x))) for x in xs]} "
            f"do not fit ({err})."
        ) from None
