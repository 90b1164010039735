"""``Dataset.snapshot``: the first complete pass persisted under a directory, and every later
pass (in this process or another) read from it.

Built on ``save``/``load`` (saving.py): when ``path`` holds no complete snapshot of these
elements, a pass first writes the whole input there (atomically: the directory appears only
once complete, so a killed pass leaves nothing half-written), then reads it back; a complete
snapshot of the same element spec is read without touching the input. TensorFlow keys its
snapshots by a fingerprint of the pipeline's graph inside ``path``; featherflow has no graph
to fingerprint and keys them by element spec, so pointing two different pipelines of the
same spec at one ``path`` reuses the first one's elements. ``compression="AUTO"`` (TF's
default, Snappy) writes uncompressed files here; ``"GZIP"`` compresses.
"""

import os

from featherflow.data import saving
from featherflow.data.dataset import Dataset
from featherflow.errors import InvalidArgumentError, NotFoundError


def _compression(value):
    if value in (None, "", "AUTO", "NONE"):
        return None
    if value == "GZIP":
        return "GZIP"
    raise ValueError(
        f"snapshot: compression must be 'AUTO', 'GZIP' or None, received {value!r} (Snappy is "
        "not available in featherflow).")


class SnapshotDataset(Dataset):
    """The input's elements, persisted under ``path`` by the first complete pass."""

    def __init__(self, input_dataset, path, compression="AUTO", reader_func=None,
                 shard_func=None, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        self._path = os.fspath(path)
        self._compression = _compression(compression)
        self._reader_func = reader_func
        self._shard_func = shard_func

    def _compute_spec(self):
        return self._input.element_spec

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _peek(self):
        return self._input._peek()

    def _stored(self):
        try:
            return saving.load(self._path, element_spec=self.element_spec,
                               compression=self._compression, reader_func=self._reader_func)
        except (NotFoundError, InvalidArgumentError):
            return None

    def _iterate(self):
        stored = self._stored()
        if stored is None:
            saving.save(self._input, self._path, compression=self._compression,
                        shard_func=self._shard_func)
            stored = self._stored()
        return stored._iterate()
