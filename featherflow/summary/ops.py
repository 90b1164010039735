"""Summary ops in the TF 2 style: scalar, histogram, text, image and generic write.

Each writes to the default writer (``SummaryWriter.as_default()``) and returns True, or
returns False when there is no default writer or ``record_if`` says not to record. Values
may be featherflow Tensors, NumPy arrays or Python numbers. The data layout matches what
TensorFlow writes, so TensorBoard shows these exactly as it shows TF summaries:

- scalar: a float32 scalar tensor, plugin "scalars";
- histogram: a float64 [k, 3] tensor of (left edge, right edge, count), plugin "histograms";
- text: a string tensor, plugin "text";
- image: a string tensor [width, height, png, png, ...], plugin "images".
"""

import numpy as np

from featherflow.summary import _proto
from featherflow.summary._png import encode_png
from featherflow.summary.writer import should_record_summaries, state

DEFAULT_BUCKET_COUNT = 30

_DTYPES = {
    np.dtype(np.float32): _proto.DT_FLOAT,
    np.dtype(np.float64): _proto.DT_DOUBLE,
    np.dtype(np.int32): _proto.DT_INT32,
    np.dtype(np.uint8): 4,
    np.dtype(np.int16): 5,
    np.dtype(np.int8): 6,
    np.dtype(np.int64): _proto.DT_INT64,
    np.dtype(np.bool_): _proto.DT_BOOL,
    np.dtype(np.uint16): 17,
    np.dtype(np.float16): 19,
    np.dtype(np.uint32): 22,
    np.dtype(np.uint64): 23,
}


def _writer():
    """The default writer's event file, or None when nothing should be recorded now."""
    writer = state.writer
    if writer is None:
        return None
    if state.record is not True and not should_record_summaries():
        return None
    return writer._events


def resolve_step(step, op):
    """``step`` as an int, falling back to the default step (``experimental.set_step``)."""
    if step is None:
        step = state.step
        if step is None:
            raise ValueError(
                f"featherflow.summary.{op}: no step was given and no default step is set; "
                "pass step=..., use writer.as_default(step=...) or call "
                "featherflow.summary.experimental.set_step(step)"
            )
    try:
        return int(step)
    except (TypeError, ValueError):
        raise TypeError(
            f"featherflow.summary.{op}: step must be an integer (or a 0-d tensor holding "
            f"one); received {step!r}"
        ) from None


def _float(data, name):
    if type(data) is float:
        return data
    arr = np.asarray(data)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        raise ValueError(
            f"featherflow.summary.scalar({name!r}): expected one real number (a Python "
            f"number or a 0-d array or tensor); received dtype {arr.dtype} with shape "
            f"{arr.shape}. Reduce it first, e.g. with np.mean"
        )
    return float(arr.reshape(()))


def tensor_proto(data):
    """TensorProto bytes of an array-like (numbers, booleans or strings)."""
    arr = np.asarray(data)
    if arr.dtype.kind in "USO":
        strings = [s if isinstance(s, bytes) else str(s).encode("utf-8") for s in arr.ravel()]
        return _proto.tensor(_proto.DT_STRING, arr.shape, strings=strings)
    dtype = _DTYPES.get(arr.dtype.newbyteorder("="))
    if dtype is None:
        raise TypeError(
            f"cannot write a tensor of dtype {arr.dtype} to TensorBoard; expected a bool, "
            "integer, float or string array"
        )
    content = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return _proto.tensor(dtype, arr.shape, content=content)


def scalar(name, data, step=None, description=None):
    """Write a scalar summary, as ``tf.summary.scalar``.

    Example::

        with tf.summary.create_file_writer("logs").as_default():
            tf.summary.scalar("loss", 0.25, step=3)
    """
    events = _writer()
    if events is None:
        return False
    events.add_scalar(name, _float(data, name), resolve_step(step, "scalar"), None, description)
    return True


def histogram_buckets(data, buckets=None):
    """The [k, 3] float64 (left, right, count) table TF's histogram summary writes.

    k equal-width buckets span [min, max] (the last bucket includes max); with one distinct
    value all edges equal it and the last bucket holds the count; with no data every entry
    is 0. Non-finite values are left out, since they have no bucket.
    """
    k = DEFAULT_BUCKET_COUNT if buckets is None else int(buckets)
    if k < 0:
        raise ValueError(f"histogram: buckets must be >= 0; received {buckets!r}")
    x = np.asarray(data, dtype=np.float64).ravel()
    out = np.zeros((k, 3), dtype=np.float64)
    if k == 0 or x.size == 0:
        return out
    lo, hi = x.min(), x.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        # min/max are NaN or infinite exactly when some value is: only then filter.
        x = x[np.isfinite(x)]
        if x.size == 0:
            return out
        lo, hi = x.min(), x.max()
    if lo == hi:
        out[:, 0] = out[:, 1] = hi
        out[-1, 2] = x.size
        return out
    width = (hi - lo) / k
    index = ((x - lo) / width).astype(np.int64)  # offsets are >= 0: truncation is floor
    np.minimum(index, k - 1, out=index)
    # As np.linspace(lo, hi, k + 1), without its overhead.
    edges = np.arange(k + 1) * width + lo
    edges[-1] = hi
    out[:, 0] = edges[:-1]
    out[:, 1] = edges[1:]
    out[:, 2] = np.bincount(index, minlength=k)
    return out


def histogram(name, data, step=None, buckets=None, description=None):
    """Write a histogram summary of all values of ``data``, as ``tf.summary.histogram``.

    Example::

        with writer.as_default():
            tf.summary.histogram("weights", np.random.randn(1000), step=0)
    """
    events = _writer()
    if events is None:
        return False
    table = histogram_buckets(data, buckets)
    tensor = _proto.tensor(_proto.DT_DOUBLE, table.shape, content=table.astype("<f8").tobytes())
    metadata = _proto.summary_metadata("histograms", description=description)
    events.add_value(name, tensor, metadata, resolve_step(step, "histogram"))
    return True


def text(name, data, step=None, description=None):
    """Write a text summary (a string or an array of strings; Markdown), as ``tf.summary.text``.

    Example::

        with writer.as_default():
            tf.summary.text("notes", "learning rate **0.1**", step=0)
    """
    events = _writer()
    if events is None:
        return False
    arr = np.asarray(data)
    if arr.dtype.kind not in "USO":
        raise TypeError(
            f"featherflow.summary.text({name!r}): expected a string or an array of strings; "
            f"received dtype {arr.dtype}"
        )
    metadata = _proto.summary_metadata("text", description=description)
    events.add_value(name, tensor_proto(arr), metadata, resolve_step(step, "text"))
    return True


def _to_uint8(images, name):
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind == "f":
        # As tf.image.convert_image_dtype(..., tf.uint8, saturate=True): scale by 255.5 so
        # that 1.0 maps to 255, clamp, truncate.
        with np.errstate(invalid="ignore"):
            return np.clip(np.nan_to_num(images) * 255.5, 0, 255).astype(np.uint8)
    if images.dtype.kind in "iu":
        info = np.iinfo(images.dtype)
        scaled = images.astype(np.float64) / (info.max + 1) * 256
        return np.clip(scaled, 0, 255).astype(np.uint8)
    if images.dtype.kind == "b":
        return images.astype(np.uint8) * 255
    raise TypeError(
        f"featherflow.summary.image({name!r}): expected float (0..1) or integer pixels; "
        f"received dtype {images.dtype}"
    )


def image_tensor(name, data, max_outputs=3):
    """TensorProto bytes of TF's image summary: [width, height, png, png, ...] strings."""
    images = np.asarray(data)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"featherflow.summary.image({name!r}): expected a 4-D array [k, height, width, "
            f"channels] with 1, 3 or 4 channels; received shape {images.shape}. For one "
            "image add a leading axis, e.g. img[None]"
        )
    images = _to_uint8(images[: max(int(max_outputs), 0)], name)
    height, width = images.shape[1:3]
    strings = [str(width).encode(), str(height).encode()] + [encode_png(im) for im in images]
    return _proto.tensor(_proto.DT_STRING, [len(strings)], strings=strings)


def image(name, data, step=None, max_outputs=3, description=None):
    """Write up to ``max_outputs`` images, as ``tf.summary.image``.

    ``data`` has shape [k, height, width, channels] with 1 (grey), 3 (RGB) or 4 (RGBA)
    channels; floats are read as 0..1 intensities, uint8 as 0..255.

    Example::

        with writer.as_default():
            tf.summary.image("samples", np.random.rand(2, 28, 28, 1), step=0)
    """
    events = _writer()
    if events is None:
        return False
    tensor = image_tensor(name, data, max_outputs)
    metadata = _proto.summary_metadata("images", description=description)
    events.add_value(name, tensor, metadata, resolve_step(step, "image"))
    return True


def write(tag, tensor, step=None, metadata=None, name=None):
    """Write any tensor under ``tag``, as ``tf.summary.write``.

    ``metadata`` is a serialized ``SummaryMetadata`` (bytes), a message with
    ``SerializeToString()`` (e.g. from the ``tensorboard`` package), or None.
    """
    del name
    events = _writer()
    if events is None:
        return False
    if metadata is not None and not isinstance(metadata, bytes):
        metadata = metadata.SerializeToString()
    events.add_value(tag, tensor_proto(tensor), metadata, resolve_step(step, "write"))
    return True
