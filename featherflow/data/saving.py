"""``Dataset.save`` and ``Dataset.load``: a dataset's elements written to a directory and
read back as a dataset.

TensorFlow's snapshot format is internal to it, so featherflow writes its own (no pickle)::

    path/
      dataset_spec.json      {"format": "featherflow.dataset", "version": 1,
                              "element_spec": ..., "compression": null | "GZIP",
                              "num_shards": n, "cardinality": count}
      shard_00000.ffelem     the elements of each shard (element_file.py's format)
      ...

The whole directory is written under a temporary name beside ``path`` and renamed into
place when every element is written, so an interrupted save leaves no directory that
``load`` would read. ``load`` reads the shards (each a dataset) through ``reader_func``,
by default TensorFlow's: an interleave over them with one place per CPU.
"""

import json
import os
import shutil

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data import element_file, interleave, nested, structure
from featherflow.data.dataset import Dataset
from featherflow.errors import DataLossError, InvalidArgumentError, NotFoundError

SPEC_FILE = "dataset_spec.json"
FORMAT = "featherflow.dataset"


def _shard_name(index):
    return f"shard_{index:05d}.ffelem"


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """Write every element of ``dataset`` under the directory ``path``.

    ``shard_func(element)`` (an int64 scalar) picks each element's shard file; by default
    all go to one, which keeps their order. ``checkpoint_args`` is accepted for
    TensorFlow's signature: a save here is all-or-nothing (the directory appears only once
    complete), so an interrupted one is simply run again.

    Example::

        >>> tf.data.Dataset.range(5).save("/tmp/ds")
        >>> [int(x) for x in tf.data.Dataset.load("/tmp/ds")]
        [0, 1, 2, 3, 4]
    """
    path = os.fspath(path)
    spec = dataset.element_spec
    element_file.spec_to_json(spec)  # refuses nested datasets before anything is written
    if compression not in element_file.COMPRESSIONS:
        raise ValueError(f"save: compression must be None or 'GZIP', received "
                         f"{compression!r}.")
    if os.path.exists(path) and not _replaceable(path):
        raise FileExistsError(
            f"save: {path} exists and is not a saved dataset; choose another path or remove "
            "it first.")
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    temporary = element_file.temporary_name(os.path.abspath(path))
    os.makedirs(temporary)
    try:
        count, shards = _write_shards(dataset, spec, temporary, compression, shard_func)
        meta = {"format": FORMAT, "version": 1, "element_spec": element_file.spec_to_json(spec),
                "compression": compression or None, "num_shards": shards,
                "cardinality": count}
        with open(os.path.join(temporary, SPEC_FILE), "w", encoding="utf-8") as file:
            json.dump(meta, file)
        if os.path.exists(path):
            old = element_file.temporary_name(os.path.abspath(path))
            os.replace(path, old)
            os.replace(temporary, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            shutil.rmtree(temporary, ignore_errors=True)


def _replaceable(path):
    return os.path.isdir(path) and (not os.listdir(path) or os.path.exists(
        os.path.join(path, SPEC_FILE)))


def _write_shards(dataset, spec, directory, compression, shard_func):
    files, writers = {}, {}
    count = 0
    it = dataset._iterate()
    try:
        for element in it:
            shard = 0 if shard_func is None else _shard_of(shard_func, element, count)
            if shard not in writers:
                file = element_file.open_file(os.path.join(directory, _shard_name(shard)),
                                              "wb", compression or None)
                files[shard] = file
                writers[shard] = element_file.ElementWriter(file, spec, {"shard": shard})
            writers[shard].write(element)
            count += 1
        for writer in writers.values():
            writer.finish()
    finally:
        getattr(it, "close", lambda: None)()
        for file in files.values():
            file.close()
    shards = max(writers, default=-1) + 1
    for index in range(shards):  # every shard index below the largest has its file
        if index not in writers:
            with element_file.open_file(os.path.join(directory, _shard_name(index)), "wb",
                                        compression or None) as file:
                element_file.ElementWriter(file, spec, {"shard": index}).finish()
    return count, shards


def _shard_of(shard_func, element, index):
    out = structure.call_with_element(shard_func, element)
    a = np.asarray(out.data if isinstance(out, Tensor) else out)
    if a.shape != () or a.dtype != np.int64 or int(a) < 0:
        raise InvalidArgumentError(
            f"save: `shard_func` must return a scalar int64 (a shard index >= 0); it returned "
            f"dtype {a.dtype} and shape {a.shape} ({a!r}) for element {index}. Cast it with "
            "tf.cast(..., tf.int64).")
    return int(a)


def load(path, element_spec=None, compression=None, reader_func=None):
    """The dataset saved at ``path`` by :func:`save`; its element spec is read from the
    directory unless ``element_spec`` is given (it must describe the same elements)."""
    path = os.fspath(path)
    meta_path = os.path.join(path, SPEC_FILE)
    if not os.path.exists(meta_path):
        raise NotFoundError(
            f"load: no saved dataset at {path} ({SPEC_FILE} not found). Save one with "
            "dataset.save(path) first.")
    with open(meta_path, encoding="utf-8") as file:
        meta = json.load(file)
    if meta.get("format") != FORMAT:
        raise DataLossError(f"load: {meta_path} is not a featherflow saved dataset.")
    stored = element_file.spec_from_json(meta["element_spec"])
    if element_spec is not None and not nested.specs_compatible(element_spec, stored):
        raise InvalidArgumentError(
            f"load: element_spec {structure.describe_structure(element_spec)} does not match "
            f"the saved elements {structure.describe_structure(stored)}. Leave element_spec "
            "out to use the saved one.")
    if (compression or None) != meta["compression"]:
        raise DataLossError(
            f"load: {path} was saved with compression={meta['compression']!r}, and is read "
            f"with compression={compression!r}. Pass compression={meta['compression']!r}.")
    return LoadDataset(path, element_spec if element_spec is not None else stored, meta,
                       reader_func)


class LoadDataset(Dataset):
    """The elements of a dataset saved with :func:`save`, through ``reader_func``."""

    def __init__(self, path, element_spec, meta, reader_func=None):
        super().__init__()
        self._path = path
        self._given_spec = element_spec
        self._meta = meta
        self._reader_func = reader_func
        self._read = None

    def _shards(self):
        spec = self._given_spec
        compression = self._meta["compression"]
        shards = [_ShardDataset(os.path.join(self._path, _shard_name(i)), spec, compression)
                  for i in range(self._meta["num_shards"])]
        return nested.ElementsDataset(shards, nested.DatasetSpec(spec))

    def _reader(self):
        if self._read is None:
            shards = self._shards()
            if self._reader_func is None:
                self._read = shards.interleave(lambda shard: shard,
                                               cycle_length=interleave.cpu_count(),
                                               num_parallel_calls=-1)
            else:
                self._read = nested.require_dataset(self._reader_func(shards), "load",
                                                    self._reader_func)
        return self._read

    def _compute_spec(self):
        return self._given_spec

    def _compute_cardinality(self):
        # TensorFlow reports the saved count even through a reader_func
        return self._meta["cardinality"]

    def _iterate(self):
        return self._reader()._iterate()


class _ShardDataset(Dataset):
    """The elements of one shard file."""

    def __init__(self, path, element_spec, compression):
        super().__init__()
        self._path = path
        self._given_spec = element_spec
        self._compression = compression

    def _compute_spec(self):
        return self._given_spec

    def _iterate(self):
        with element_file.open_file(self._path, "rb", self._compression) as file:
            element_file.read_header(file, self._path)
            yield from element_file.read_elements(file, self._given_spec, self._path)
