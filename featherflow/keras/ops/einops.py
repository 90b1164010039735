"""``keras.ops.rearrange``: einops-style axis patterns (``"b (h h1) w c -> b h (w h1) c"``).

The grammar is Keras's: space-separated axis names, parenthesised groups that are split on the
left side and merged on the right, lengths of split axes as keyword arguments (one axis per
group may be left for the shape to decide). Every pattern is checked first, and an error names
the axis at fault; the work is one reshape, one transpose and one reshape (differentiable).

Example::

    >>> images = np.zeros((32, 30, 40, 3))
    >>> tf.keras.ops.rearrange(images, "b (h1 h) (w1 w) c -> (b h1 w1) h w c", h1=2, w1=2).shape
    TensorShape([128, 15, 20, 3])
"""

import re

from featherflow.keras.ops.numpy import convert
from featherflow.ops import reshape as _reshape

_TOKEN = re.compile(r"\([^()]*\)|[^\s()]+|[()]")
_NAME = re.compile(r"^\w+$")


def _side(text, pattern, which):
    """The groups of one side: a list of lists of axis names."""
    groups = []
    for token in _TOKEN.findall(text):
        if token in ("(", ")"):
            raise ValueError(f"rearrange: unbalanced parenthesis on the {which} side of "
                             f"{pattern!r}.")
        names = token[1:-1].split() if token.startswith("(") else [token]
        for name in names:
            if name == "...":
                raise ValueError(f"rearrange: {pattern!r} uses an ellipsis; keras.ops.rearrange "
                                 "takes named axes only: name every axis.")
            if not _NAME.match(name):
                raise ValueError(f"rearrange: {name!r} on the {which} side of {pattern!r} is not "
                                 "an axis name (letters, digits and underscores).")
        if token.startswith("(") and not names:
            raise ValueError(f"rearrange: empty group '()' on the {which} side of {pattern!r}.")
        groups.append(names)
    flat = [n for g in groups for n in g]
    for name in flat:
        if flat.count(name) > 1:
            raise ValueError(f"rearrange: axis {name!r} appears twice on the {which} side of "
                             f"{pattern!r}.")
    return groups, flat


def _lengths(groups, shape, axes_lengths, pattern):
    sizes = {}
    for group, dim in zip(groups, shape):
        if len(group) == 1 and group[0] not in axes_lengths:
            sizes[group[0]] = dim
            continue
        unknown = [a for a in group if a not in axes_lengths]
        if len(unknown) > 1:
            raise ValueError(
                f"rearrange: the group ({' '.join(group)}) of {pattern!r} splits an axis of "
                f"length {dim} but the lengths of {unknown} are unknown; pass all but one of "
                f"them as keywords, e.g. rearrange(x, pattern, {unknown[0]}=...).")
        known = 1
        for a in group:
            if a in axes_lengths:
                known *= int(axes_lengths[a])
        if unknown:
            if known <= 0 or dim % known:
                raise ValueError(
                    f"rearrange: axis {unknown[0]!r} of {pattern!r}: the input axis of length "
                    f"{dim} does not divide by the product {known} of the given lengths.")
            sizes[unknown[0]] = dim // known
        elif known != dim:
            named = ", ".join(f"{a}={int(axes_lengths[a])}" for a in group)
            raise ValueError(
                f"rearrange: the group ({' '.join(group)}) of {pattern!r} has length {known} "
                f"({named}) but the input axis has length {dim}.")
        for a in group:
            if a in axes_lengths:
                sizes[a] = int(axes_lengths[a])
    return sizes


def rearrange(tensor, pattern, **axes_lengths):
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"rearrange: the pattern must be one string 'input axes -> output axes'"
                         f"; received {pattern!r}.")
    left, right = pattern.split("->")
    in_groups, in_flat = _side(left, pattern, "left")
    out_groups, out_flat = _side(right, pattern, "right")
    x = convert(tensor)
    shape = x.data.shape
    if len(in_groups) != len(shape):
        raise ValueError(f"rearrange: the left side of {pattern!r} names {len(in_groups)} axes "
                         f"but the input has rank {len(shape)} (shape {shape}).")
    missing = [a for a in out_flat if a not in in_flat]
    if missing:
        raise ValueError(f"rearrange: axis {missing[0]!r} is on the right side of {pattern!r} "
                         "but not on the left; every output axis must come from the input.")
    dropped = [a for a in in_flat if a not in out_flat]
    if dropped:
        raise ValueError(f"rearrange: axis {dropped[0]!r} is on the left side of {pattern!r} "
                         "but not on the right; rearrange keeps every element (use a reduction "
                         "to drop an axis).")
    sizes = _lengths(in_groups, shape, axes_lengths, pattern)
    split = tuple(sizes[a] for a in in_flat)
    if split != shape:
        x = _reshape.reshape(x, split)
    perm = [in_flat.index(a) for a in out_flat]
    if perm != list(range(len(perm))):
        x = _reshape.transpose(x, perm)
    merged = []
    for group in out_groups:
        size = 1
        for a in group:
            size *= sizes[a]
        merged.append(size)
    if tuple(merged) != x.data.shape:
        x = _reshape.reshape(x, tuple(merged))
    return x


__all__ = ["rearrange"]
