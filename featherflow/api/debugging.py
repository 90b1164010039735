"""``tf.debugging``: the eager assertions and checks.

Value assertions (``assert_equal``, ``assert_less``...) raise ``InvalidArgumentError`` with
TensorFlow's message layout (the condition, the first differing indices and values, the first
elements of each side) and return None; static ones (``assert_rank``, ``assert_shapes``,
``assert_scalar``) raise ``ValueError`` as TensorFlow does; type checks raise ``TypeError``.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError


def _array(x):
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, np.ndarray):
        return x
    return as_array(x)


def _name(x):
    return ""


def _summary(a, summarize):
    flat = a.reshape(-1)
    n = flat.size if summarize is None else min(flat.size, int(summarize))
    return n, np.array2string(flat[:n], separator=" ").replace("\n", "")


def _compare(x, y, op, symbol, message, summarize):
    a, b = _array(x), _array(y)
    try:
        ok = op(a, b)
    except ValueError as err:
        raise ValueError(f"Shapes {a.shape} and {b.shape} are incompatible ({err}).") from None
    ok = np.asarray(ok)
    if ok.all():
        return None
    bad = np.argwhere(~np.broadcast_to(ok, ok.shape)) if ok.ndim else np.zeros((1, 0), int)
    a_b = np.broadcast_to(a, ok.shape)
    b_b = np.broadcast_to(b, ok.shape)
    count = bad.shape[0]
    shown = bad[:1] if summarize is None else bad[:max(1, int(summarize))]
    xa, ya = a_b[tuple(shown.T)], b_b[tuple(shown.T)]
    nx, sx = _summary(a, 3 if summarize is None else summarize)
    ny, sy = _summary(b, 3 if summarize is None else summarize)
    lines = [message] if message else []
    lines += [f"Condition x {symbol} y did not hold.",
              f"Indices of first {len(shown)} different values:",
              np.array2string(shown, separator=" ").replace(",", ""),
              "Corresponding x values:", np.array2string(xa, separator=" "),
              "Corresponding y values:", np.array2string(ya, separator=" "),
              f"First {nx} elements of x:", sx, f"First {ny} elements of y:", sy]
    del count
    raise InvalidArgumentError("\n".join(lines))


def assert_equal(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.equal, "==", message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.not_equal, "!=", message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.less, "<", message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.less_equal, "<=", message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.greater, ">", message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    return _compare(x, y, np.greater_equal, ">=", message, summarize)


def _sign_check(x, op, what, message, summarize):
    a = _array(x)
    if a.size == 0 or op(a).all():
        return None
    first = a.reshape(-1)[: 3 if summarize is None else int(summarize)]
    lines = [message] if message else []
    lines += [f"Condition x {what} did not hold element-wise:",
              f"x = {np.array2string(first, separator=' ')}"]
    raise InvalidArgumentError("\n".join(lines))


def assert_positive(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda a: a > 0, "> 0", message, summarize)


def assert_negative(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda a: a < 0, "< 0", message, summarize)


def assert_non_negative(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda a: a >= 0, ">= 0", message, summarize)


def assert_non_positive(x, message=None, summarize=None, name=None):
    return _sign_check(x, lambda a: a <= 0, "<= 0", message, summarize)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """``|x - y| <= atol + rtol * |y|`` elementwise (defaults: 10 * eps of the dtype)."""
    a, b = _array(x), _array(y)
    eps = np.finfo(a.dtype).eps if a.dtype.kind == "f" else np.finfo(np.float32).eps
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    ok = np.abs(a - b) <= atol + rtol * np.abs(b)
    if np.all(ok):
        return None
    lines = [message] if message else []
    lines += [f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
              f"x = {np.array2string(a.reshape(-1)[:3], separator=' ')}",
              f"y = {np.array2string(b.reshape(-1)[:3], separator=' ')}"]
    raise InvalidArgumentError("\n".join(lines))


def _rank_of(x):
    return _array(x).ndim


def assert_rank(x, rank, message=None, name=None):
    r = _rank_of(x)
    if r != int(np.asarray(_array(rank))):
        prefix = f"{message}. " if message else ""
        raise ValueError(f"{prefix}Tensor {_name(x)} must have rank {int(np.asarray(rank))}.  "
                         f"Received rank {r}, shape {tuple(_array(x).shape)}")


def assert_rank_at_least(x, rank, message=None, name=None):
    r = _rank_of(x)
    if r < int(rank):
        prefix = f"{message}. " if message else ""
        raise ValueError(f"{prefix}Tensor {_name(x)} must have rank at least {int(rank)}.  "
                         f"Received rank {r}, shape {tuple(_array(x).shape)}")


def assert_rank_in(x, ranks, message=None, name=None):
    r = _rank_of(x)
    ranks = tuple(int(v) for v in ranks)
    if r not in ranks:
        prefix = f"{message}. " if message else ""
        raise ValueError(f"{prefix}Tensor {_name(x)} must have rank in {ranks}.  Received "
                         f"rank {r}, shape {tuple(_array(x).shape)}")


def assert_scalar(tensor, name=None, message=None):
    a = _array(tensor)
    if a.ndim != 0:
        prefix = f"{message}  " if message else ""
        raise ValueError(f"{prefix}Expected scalar shape, saw shape: {tuple(a.shape)}.")
    return tensor


def assert_integer(x, message=None, name=None):
    a = _array(x)
    if a.dtype.kind not in "iu":
        prefix = f"{message}: " if message else ""
        raise TypeError(f"{prefix}Expected integer type; received dtype {a.dtype.name}.")


def assert_type(tensor, tf_type, message=None, name=None):
    a = _array(tensor)
    want = np.dtype(tf_type) if not isinstance(tf_type, str) or tf_type != "string" \
        else np.dtype(object)
    if a.dtype != want:
        prefix = f"{message}: " if message else ""
        raise TypeError(f"{prefix}tensor must be of type {want.name}; received "
                        f"{a.dtype.name}.")


def assert_same_float_dtype(tensors=None, dtype=None):
    """The one float dtype shared by ``tensors`` (and ``dtype``), else ValueError."""
    found = None if dtype is None else np.dtype(dtype)
    for t in tensors or ():
        dt = _array(t).dtype
        if dt.kind != "f":
            raise ValueError(f"Expected floating point type, got {dt.name}.")
        if found is None:
            found = dt
        elif dt != found:
            raise ValueError(f"Expected type {found.name}, got type {dt.name}.")
    if found is not None and found.kind != "f":
        raise ValueError(f"Expected floating point type, got {found.name}.")
    return found if found is not None else np.dtype("float32")


def assert_proper_iterable(values):
    if isinstance(values, (Tensor, np.ndarray, str, bytes)):
        raise TypeError(f"Expected argument 'values' to be a 'proper' iterable. Found: "
                        f"{type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument 'values' to be iterable. Found: {type(values)}")


def assert_all_finite(x, message, name=None):
    return check_numerics(x, message)


def check_numerics(tensor, message, name=None):
    """``tensor`` unchanged when finite; ``InvalidArgumentError`` naming NaN or Inf."""
    a = _array(tensor)
    if a.dtype.kind == "f":
        if np.isnan(a).any():
            raise InvalidArgumentError(f"{message} : Tensor had NaN values")
        if np.isinf(a).any():
            raise InvalidArgumentError(f"{message} : Tensor had Inf values")
    return tensor if isinstance(tensor, Tensor) else Tensor(a)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - tf.debugging.Assert
    """Raise ``InvalidArgumentError`` printing ``data`` when ``condition`` is False."""
    c = _array(condition)
    if c.size != 1:
        raise ValueError(f"Assert: condition must be a scalar boolean; received shape "
                         f"{tuple(c.shape)}.")
    if bool(c.reshape(())):
        return None
    n = 3 if summarize is None else int(summarize)
    shown = []
    for d in data:
        if isinstance(d, (str, bytes)):
            shown.append(d.decode() if isinstance(d, bytes) else d)
        else:
            flat = np.asarray(_array(d)).reshape(-1)[:n]
            shown.append(", ".join(v.decode() if isinstance(v, bytes) else str(v)
                                   for v in flat.tolist()))
    raise InvalidArgumentError(f"Expected '{condition}' to be true. Summarized data: "
                               + "\n".join(shown))


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Check a list of ``(tensor, shape)`` pairs whose shapes use ints and symbol names; the
    same symbol must have the same size everywhere."""
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes = {}
    for tensor, spec in items:
        actual = tuple(_array(tensor).shape)
        spec = [spec] if isinstance(spec, str) and spec != "" else list(spec)
        if len(spec) != len(actual) and not (len(spec) == 1 and spec[0] == "..."):
            if not any(s == "..." for s in spec):
                raise ValueError(f"{message + ' ' if message else ''}Specified by tensor "
                                 f"shape {actual}: expected rank {len(spec)}, got "
                                 f"{len(actual)}.")
        if any(s == "..." for s in spec):
            spec = [s for s in spec if s != "..."]
            actual = actual[len(actual) - len(spec):] if spec else ()
        for dim, (s, a) in enumerate(zip(spec, actual)):
            if isinstance(s, str) and s.startswith("*"):
                continue
            if isinstance(s, (int, np.integer)) or (isinstance(s, str) and s.isdigit()):
                if int(s) != a:
                    raise ValueError(f"{message + ' ' if message else ''}Specified by tensor "
                                     f"shape {tuple(_array(tensor).shape)} dimension {dim}: "
                                     f"expected {int(s)}, got {a}.")
                continue
            if s in sizes and sizes[s] != a:
                raise ValueError(f"{message + ' ' if message else ''}Specified by tensor "
                                 f"shape {tuple(_array(tensor).shape)} dimension {dim}: "
                                 f"Tensor dimension '{s}' must have size {sizes[s]}, got "
                                 f"{a}.")
            sizes.setdefault(s, a)


def is_numeric_tensor(tensor):
    return isinstance(tensor, Tensor) and tensor.data.dtype.kind in "biufc"


_TRACEBACK = {"filtering": True}


def enable_traceback_filtering():
    _TRACEBACK["filtering"] = True


def disable_traceback_filtering():
    _TRACEBACK["filtering"] = False


def is_traceback_filtering_enabled():
    """featherflow's tracebacks are plain Python (nothing is filtered); the flag is kept."""
    return _TRACEBACK["filtering"]


_log_device_placement = {"enabled": False}


def set_log_device_placement(enabled):
    """Keep the flag (featherflow runs every op on the CPU through NumPy; there is no
    placement to log)."""
    _log_device_placement["enabled"] = bool(enabled)


def get_log_device_placement():
    return _log_device_placement["enabled"]


from featherflow.api import debugging_experimental as experimental  # noqa: E402 - Debugger V2
from featherflow.api.check_numerics import (  # noqa: E402 - re-exported as tf.debugging's
    disable_check_numerics,
    enable_check_numerics,
)

__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "np", "Tensor", "as_array", "InvalidArgumentError")]
