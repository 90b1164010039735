"""``tf.print``: values printed as TensorFlow prints them.

Tensors print like NumPy without commas (``[1 2 3]``, nested rows on their own lines, a blank
line between 3-D blocks), floats in the shortest of ``%.6g`` / ``%.9g`` (``%.15g`` /
``%.17g`` for float64) that reads back to the same value, bools as ``1``/``0``, strings in
double quotes; axes longer than ``2 * summarize`` show their first and last ``summarize``
entries around ``...``. Python nests print as Python does, with tensors inside formatted the
same way. The default stream is standard error, as TensorFlow's.
"""

import sys

import numpy as np

from featherflow.autodiff.tensor import Tensor


def _float_text(v, dtype):
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    short, full = ("%.15g", "%.17g") if dtype == np.float64 else ("%.6g", "%.9g")
    text = short % v
    if dtype(float(text)) != dtype(v):
        text = full % v
    return text


def _scalar(v, dtype):
    if dtype.kind == "f":
        return _float_text(v, dtype.type)
    if dtype.kind == "b":
        return "1" if v else "0"
    if dtype.kind in "OSU":
        raw = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        return f'"{raw}"'
    if dtype.kind == "c":
        return str(v)
    return str(int(v))


def _format(a, summarize, depth=0):
    if a.ndim == 0:
        return _scalar(a.reshape(()).item() if a.dtype.kind != "O" else a.reshape(())[()],
                       a.dtype)
    n = a.shape[0]
    if 0 <= summarize and n > 2 * summarize:
        parts = [_format(a[i, ...], summarize, depth + 1) for i in range(summarize)]
        parts.append("...")
        parts += [_format(a[i, ...], summarize, depth + 1) for i in range(n - summarize, n)]
    else:
        parts = [_format(a[i, ...], summarize, depth + 1) for i in range(n)]
    if a.ndim == 1:
        return "[" + " ".join(parts) + "]"
    sep = "\n" * (a.ndim - 1) + " " * (depth + 1)
    return "[" + sep.join(parts) + "]"


def format_value(value, summarize=3):
    """The text ``tf.print`` writes for one argument."""
    if isinstance(value, Tensor):
        return _format(np.asarray(value.data), summarize)
    if isinstance(value, np.ndarray):
        return _format(value, summarize)
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v, summarize) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(format_value(v, summarize) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {format_value(v, summarize)}"
                               for k, v in value.items()) + "}"
    return str(value)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """Print ``inputs`` as TensorFlow does (``tf.print``); to stderr unless ``output_stream``
    is ``sys.stdout``, ``sys.stderr``, a ``"file://path"`` (appended) or any object with
    ``write``."""
    summarize = -1 if summarize is None else int(summarize)
    text = sep.join(format_value(v, summarize) for v in inputs) + end
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"tf.print: output_stream must be sys.stdout, sys.stderr, a "
                             f"logging function or 'file://<path>'; received {stream!r}.")
        with open(stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text)
        return None
    if callable(stream) and not hasattr(stream, "write"):
        stream(text.rstrip("\n"))  # a logging function, e.g. logging.info
        return None
    stream.write(text)
    if hasattr(stream, "flush"):
        stream.flush()
    return None
