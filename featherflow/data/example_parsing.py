"""``tf.data.experimental.parse_example_dataset`` and ``make_batched_features_dataset``:
batches of serialized ``tf.train.Example`` records parsed with ``tf.io.parse_example``.

The element spec is the one TensorFlow's ParseExampleDataset derives from ``features``:
a ``FixedLenFeature`` of shape ``s`` is ``[batch] + s``, a ``VarLenFeature`` a
``SparseTensorSpec([batch, None])``, a ``SparseFeature`` a ``SparseTensorSpec([batch] +
size)``, where ``batch`` is the input's static batch dim (known after
``batch(drop_remainder=True)``).

Example::

    >>> features = {"x": tf.io.FixedLenFeature([2], tf.float32)}
    >>> ds = tf.data.experimental.make_batched_features_dataset(
    ...     "train-*.tfrecord", batch_size=32, features=features, num_epochs=1)
"""

from featherflow.data import structure
from featherflow.data.map import MapDataset


def _parse(features):
    from featherflow.io import parsing  # featherflow.io's parsers import tf.data's structure

    return lambda serialized: parsing.parse_example(serialized, features)


class ParseExampleDataset(MapDataset):
    """``map(tf.io.parse_example(..., features))`` with TF's spec for the features."""

    def __init__(self, input_dataset, features, num_parallel_calls=None, deterministic=None):
        if not isinstance(features, dict) or not features:
            raise ValueError(f"parse_example_dataset: `features` must be a non-empty dict of "
                             f"feature specs (tf.io.FixedLenFeature, ...), received "
                             f"{features!r}.")
        spec = input_dataset.element_spec
        if not isinstance(spec, structure.TensorSpec) or spec.dtype.name != "string" or \
                spec._shape is None or len(spec._shape) != 1:
            raise ValueError(
                f"parse_example_dataset: the input must be a dataset of string vectors "
                f"(batches of serialized tf.train.Example records), its element_spec is "
                f"{spec!r}. Batch the records first (dataset.batch(n)).")
        super().__init__(input_dataset, _parse(features), num_parallel_calls=num_parallel_calls,
                         deterministic=deterministic)
        self._features = features

    def _compute_spec(self):
        spec = super()._compute_spec()
        batch = self._input.element_spec._shape[0]
        out = dict(spec)
        for key, feature in self._features.items():
            kind = type(feature).__name__
            if kind == "VarLenFeature":
                out[key] = spec[key]._with_shape((batch, None))
            elif kind == "SparseFeature":
                size = feature.size if isinstance(feature.size, (list, tuple)) else [feature.size]
                out[key] = spec[key]._with_shape((batch, *size))
            elif kind == "FixedLenFeature":
                out[key] = spec[key]._with_shape((batch, *feature.shape))
        return {key: out[key] for key in spec}


def parse_example_dataset(features, num_parallel_calls=1, deterministic=None):
    """A function for ``Dataset.apply`` that parses batches of serialized Examples."""
    parallel = None if num_parallel_calls in (None, 1) else num_parallel_calls
    return lambda dataset: ParseExampleDataset(dataset, features, parallel, deterministic)


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None,
                                  label_key=None, reader_args=None, num_epochs=None,
                                  shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                                  prefetch_buffer_size=None, reader_num_threads=None,
                                  parser_num_threads=None, sloppy_ordering=False,
                                  drop_final_batch=False):
    """Batches of parsed Examples from the files matching ``file_pattern``, as TF builds
    them: files listed (shuffled with ``shuffle``), read by ``reader`` (TFRecordDataset)
    ``reader_num_threads`` at a time, records shuffled and repeated ``num_epochs`` times
    (``None``: forever), batched, parsed, with ``label_key`` split off as ``(features,
    label)``, then prefetched."""
    from featherflow.data.dataset import AUTOTUNE, Dataset
    from featherflow.data.tfrecord_dataset import TFRecordDataset

    if label_key is not None and label_key not in features:
        raise ValueError(f"The `label_key` provided ({label_key}) must be one of the "
                         f"`features` keys: {features.keys()}.")
    reader = TFRecordDataset if reader is None else reader
    args = list(reader_args or [])
    files = Dataset.list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    threads = 1 if reader_num_threads is None else int(reader_num_threads)
    dataset = files.interleave(
        lambda name: reader(name, *args), cycle_length=threads,
        num_parallel_calls=None if threads == 1 else threads,
        deterministic=not sloppy_ordering)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch)
    dataset = dataset.apply(parse_example_dataset(
        features, num_parallel_calls=parser_num_threads or 1,
        deterministic=not sloppy_ordering))
    if label_key is not None:
        dataset = dataset.map(lambda parsed: (
            {k: v for k, v in parsed.items() if k != label_key}, parsed[label_key]))
    return dataset.prefetch(AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size)
