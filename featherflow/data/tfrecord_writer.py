"""``tf.data.experimental.TFRecordWriter``: a dataset of scalar strings written as one
TFRecord file."""

import numpy as np

from featherflow.data import structure
from featherflow.io import tfrecord


class TFRecordWriter:
    """Writes the elements of a dataset of scalar ``tf.string`` to ``filename``, as
    ``tf.data.experimental.TFRecordWriter`` (TensorFlow marks it deprecated in favour of
    ``tf.io.TFRecordWriter``; code still calls it).

    Example::

        >>> records = tf.data.Dataset.from_tensor_slices([b"a", b"b"])
        >>> tf.data.experimental.TFRecordWriter("out.tfrecord").write(records)
    """

    def __init__(self, filename, compression_type=None):
        self._filename = filename
        self._options = tfrecord.TFRecordOptions(compression_type)

    def write(self, dataset):
        """Write every element of ``dataset`` (one pass); the file appears when done."""
        spec = dataset.element_spec
        if (not isinstance(spec, structure.TensorSpec) or spec.dtype != np.dtype(object)
                or spec.shape.rank != 0):
            raise TypeError(
                f"Invalid `dataset`. Expected a `dataset` that produces scalar `tf.string` "
                f"elements, but got a dataset whose element_spec is {spec!r}. Map the "
                "elements to serialized records first (e.g. tf.io.serialize_tensor).")
        elements = dataset._iterate()
        try:
            with tfrecord.TFRecordWriter(self._filename, self._options) as writer:
                for element in elements:
                    writer.write(element[()])
        finally:
            close = getattr(elements, "close", None)
            if close is not None:
                close()
