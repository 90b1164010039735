"""Control flow as TensorFlow 2 runs it eagerly: ``tf.cond``, ``tf.case``, ``tf.switch_case``,
``tf.while_loop``, ``tf.map_fn``, ``tf.scan``, ``tf.foldl``/``foldr``, ``tf.vectorized_map``.

The branches and loop bodies are Python called on Tensors, so gradients flow through every
branch taken and every iteration run (``tf.GradientTape`` records them as they happen). The
results have TensorFlow's structure: loop variables come back as Tensors in the nest
``loop_vars`` had; mapped and scanned outputs are stacked along a new first axis.
"""

import numpy as np

from featherflow import tree
from featherflow.autodiff.tensor import Tensor


def _tensor(x):
    if isinstance(x, Tensor):
        return x
    from featherflow.autodiff.tensor import convert_to_tensor

    return convert_to_tensor(x)


def _scalar_bool(pred, what):
    value = pred.data if isinstance(pred, Tensor) else np.asarray(pred)
    if value.size != 1:
        raise ValueError(f"{what}: the predicate must be a scalar boolean; received shape "
                         f"{tuple(value.shape)}.")
    if value.dtype.kind not in "biu":
        raise TypeError(f"{what}: the predicate must be a boolean; received dtype "
                        f"{value.dtype}.")
    return bool(value.reshape(()))


def _tensors(structure):
    return tree.map_structure(lambda v: v if v is None else _tensor(v), structure)


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()`` (``tf.cond``)."""
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("cond: true_fn and false_fn must be callables (e.g. lambda: x + 1).")
    return true_fn() if _scalar_bool(pred, "cond") else false_fn()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The fn of the first true predicate, else ``default`` (else the last fn). Run eagerly,
    TensorFlow 2.21 does not check ``exclusive``; neither does featherflow."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(
        pred_fn_pairs)
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and callable(pair[1])):
            raise TypeError("case: pred_fn_pairs must be (predicate, callable) pairs; "
                            f"received {pair!r}.")
    for pred, fn in pairs:
        if _scalar_bool(pred, "case"):
            return fn()
    if default is None:
        if not pairs:
            raise ValueError("case: no predicate was true and no default was given.")
        return pairs[-1][1]()
    return default()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """``branch_fns[branch_index]()``; out of range runs ``default`` (or the last branch)."""
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    value = branch_index.data
    if value.size != 1 or value.dtype.kind not in "iu":
        raise TypeError("switch_case: branch_index must be a scalar integer; received "
                        f"{value!r}.")
    index = int(value.reshape(()))
    if isinstance(branch_fns, dict):
        fns = dict(branch_fns)
        if sorted(fns) != list(range(len(fns))):
            found = ",".join(str(k) for k in sorted(fns))
            raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                             f"{len(fns)}) but found {{{found}}}")
    else:
        fns = {}
        for i, item in enumerate(branch_fns):
            if isinstance(item, (tuple, list)) and len(item) == 2:
                fns[int(item[0])] = item[1]
            else:
                fns[i] = item
    for fn in fns.values():
        if not callable(fn):
            raise TypeError(f"switch_case: every branch must be callable; received {fn!r}.")
    if index in fns:
        return fns[index]()
    chosen = default if default is not None else fns[max(fns)]
    return chosen()


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds."""
    if not callable(cond) or not callable(body):
        raise TypeError("while_loop: cond and body must be callables.")
    single = not isinstance(loop_vars, (list, tuple))
    state = [loop_vars] if single else list(loop_vars)
    state = [_tensors(v) for v in state]
    structure = tree.map_structure(lambda v: None, state)
    count = 0
    kind = tuple if isinstance(loop_vars, tuple) else list
    limit = None if maximum_iterations is None else int(np.asarray(
        maximum_iterations.data if isinstance(maximum_iterations, Tensor)
        else maximum_iterations))
    while (limit is None or count < limit) and _scalar_bool(cond(*state), "while_loop cond"):
        out = body(*state)
        raw = out
        out = [out] if single else (list(out) if isinstance(out, (list, tuple)) else out)
        try:
            tree.assert_same_structure(structure, tree.map_structure(lambda v: None, out))
        except (ValueError, TypeError) as err:
            raise ValueError(
                f"while_loop: body must return the structure of loop_vars; {err}") from None
        if not single:
            kind = tuple if isinstance(raw, tuple) else list
        state = [_tensors(v) for v in out]
        count += 1
    if single:
        return state[0]
    # the sequence type the body returned (loop_vars' own when the body never ran)
    return kind(state)


def _leading(elems, what):
    flat = [_tensor(e) for e in tree.flatten(elems)]
    if not flat:
        raise ValueError(f"{what}: elems must hold at least one tensor.")
    sizes = {int(t.data.shape[0]) if t.data.ndim else None for t in flat}
    if None in sizes:
        raise ValueError(f"{what}: elems must have a first axis to unstack (rank >= 1).")
    if len(sizes) != 1:
        raise ValueError(f"{what}: all elems must have the same first dimension; received "
                         f"{sorted(sizes)}.")
    return flat, sizes.pop()


def _element(elems, flat, i):
    from featherflow.ops import indexing

    return tree.pack_sequence_as(elems, [indexing.getitem(t, i) for t in flat])


def _stack(outputs):
    from featherflow.ops.concat import stack

    return tree.map_structure(lambda *leaves: stack([_tensor(v) for v in leaves]), *outputs)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """``fn`` on each slice of ``elems`` along axis 0, the results stacked (``tf.map_fn``)."""
    flat, n = _leading(elems, "map_fn")
    outputs = [fn(_element(elems, flat, i)) for i in range(n)]
    if n == 0:
        raise ValueError("map_fn: elems has no elements along axis 0.")
    out = _stack(outputs)
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if signature is not None and not hasattr(signature, "shape"):
        from featherflow.ops.math import cast

        out = tree.map_structure(lambda t, d: cast(t, d) if d is not None else t, out,
                                 signature) if isinstance(signature, (list, tuple, dict)) \
            else tree.map_structure(lambda t: cast(t, signature), out)
    return out


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """``tf.vectorized_map``: the same results as :func:`map_fn` (run slice by slice)."""
    return map_fn(fn, elems)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """Running ``acc = fn(acc, x)`` over ``elems``; every ``acc`` stacked (``tf.scan``)."""
    flat, n = _leading(elems, "scan")
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    if initializer is None:
        if n == 0:
            raise ValueError("scan: elems is empty and no initializer was given.")
        acc = _element(elems, flat, order[0])
        results = [acc]
        order = order[1:]
    else:
        acc = _tensors(initializer)
        results = []
    for i in order:
        acc = _tensors(fn(acc, _element(elems, flat, i)))
        results.append(acc)
    if reverse:
        results.reverse()
    return _stack(results)


def _fold(fn, elems, initializer, order):
    flat, n = _leading(elems, "foldl")
    if initializer is None:
        if n == 0:
            raise ValueError("fold: elems is empty and no initializer was given.")
        acc = _element(elems, flat, order(n)[0])
        indices = order(n)[1:]
    else:
        acc = _tensors(initializer)
        indices = order(n)
    for i in indices:
        acc = _tensors(fn(acc, _element(elems, flat, i)))
    return acc


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """``fn(...fn(fn(initializer, e0), e1)..., e_last)`` (``tf.foldl``)."""
    return _fold(fn, elems, initializer, lambda n: list(range(n)))


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """:func:`foldl` from the last element to the first (``tf.foldr``)."""
    return _fold(fn, elems, initializer, lambda n: list(range(n - 1, -1, -1)))
