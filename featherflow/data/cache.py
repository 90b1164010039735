"""``Dataset.cache``: the elements of the first complete pass kept, in memory or in a file,
and read from there on every later pass.

As TensorFlow: a first pass stopped early (``take``, a loop left with ``break``) keeps
nothing, so the next pass reads the input again (a partial cache would silently cut the
dataset short). The file cache is featherflow's own format (element_file.py) at
``filename + ".ffcache"``, written under a temporary name and renamed when the pass
completes; any dataset whose ``cache`` names that file afterwards reads it, and one of
another element spec is refused.
"""

import os
import threading
import warnings

from featherflow.data import element_file, nested, structure
from featherflow.data.dataset import Dataset, peeking
from featherflow.errors import InvalidArgumentError, NotFoundError

SUFFIX = ".ffcache"


class CacheDataset(Dataset):
    """The input's elements, stored by the first complete pass and replayed after it.

    Example::

        >>> ds = tf.data.Dataset.range(3).map(expensive).cache()
        >>> list(ds.as_numpy_iterator())   # runs expensive()
        >>> list(ds.as_numpy_iterator())   # reads the cache
    """

    def __init__(self, input_dataset, filename="", name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset
        if hasattr(filename, "numpy"):
            filename = filename.numpy()
        if isinstance(filename, bytes):
            filename = filename.decode("utf-8")
        self._filename = os.fspath(filename)
        self._memory = None
        self._lock = threading.Lock()

    def _compute_spec(self):
        return self._input.element_spec

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    @property
    def cache_path(self):
        """Where the file cache is (or will be) written."""
        return self._filename + SUFFIX

    def _iterate(self):
        if not self._filename:
            if self._memory is not None:
                return iter(self._memory)
            return self._fill_memory()
        if os.path.exists(self.cache_path):
            return self._read_file()
        return self._fill_file()

    def _fill_memory(self):
        kept = []
        it = self._input._iterate()
        finished = False
        try:
            for element in it:
                kept.append(element)
                yield element
            finished = True
        finally:
            getattr(it, "close", lambda: None)()
            if finished:
                with self._lock:
                    if self._memory is None:
                        self._memory = kept
            elif not peeking():  # a peek (learning shapes) reads one element on purpose
                _warn_partial()

    def _fill_file(self):
        path = self.cache_path
        spec = self._input.element_spec
        temporary = element_file.temporary_name(path)
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise NotFoundError(
                f"cache: the folder {folder} of the cache file {path} does not exist; create "
                "it first (os.makedirs) or give cache another filename.")
        it = self._input._iterate()
        finished = False
        try:
            with open(temporary, "wb") as file:
                writer = element_file.ElementWriter(file, spec, {"kind": "cache"})
                for element in it:
                    writer.write(element)
                    yield element
                writer.finish()
            finished = True
        finally:
            getattr(it, "close", lambda: None)()
            if finished:
                os.replace(temporary, path)
            else:
                if os.path.exists(temporary):
                    os.remove(temporary)
                if not peeking():
                    _warn_partial()

    def _read_file(self):
        path = self.cache_path
        spec = self._input.element_spec
        with open(path, "rb") as file:
            stored = element_file.read_header(file, path)["element_spec"]
            if not nested.specs_compatible(stored, spec):
                raise InvalidArgumentError(
                    f"cache: the cache file {path} holds elements "
                    f"{structure.describe_structure(stored)}, but this dataset's are "
                    f"{structure.describe_structure(spec)}. Delete the file, or give this "
                    "dataset's cache another filename.")
            yield from element_file.read_elements(file, spec, path)


def _warn_partial():
    warnings.warn(
        "cache: the pass over a dataset being cached stopped before its end, so what it had "
        "stored is dropped (keeping it would cut later passes short) and the next pass reads "
        "the input again. A pipeline like `ds.cache().take(k)` does this on every pass; "
        "write `ds.take(k).cache()` to cache the first k elements.", stacklevel=3)
