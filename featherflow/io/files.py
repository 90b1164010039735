"""``tf.io.read_file``, ``tf.io.write_file`` and ``tf.io.matching_files``.

Example::

    >>> contents = tf.io.read_file("cat.png")   # a scalar string tensor
    >>> image = tf.io.decode_png(contents)
"""

import glob
import os
import tempfile

import numpy as np

from featherflow.autodiff.tensor import Tensor, strings_array
from featherflow.errors import NotFoundError


def _path(value, op, argument):
    value = value.numpy() if hasattr(value, "numpy") else value
    if isinstance(value, np.ndarray):
        if value.shape != ():
            raise ValueError(f"{op}: `{argument}` must be a scalar string, received shape "
                             f"{value.shape}.")
        value = value[()]
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return os.fspath(value)


def read_file(filename, name=None):
    """The whole contents of ``filename`` as a scalar string tensor."""
    path = _path(filename, "read_file", "filename")
    try:
        with open(path, "rb") as file:
            return Tensor(strings_array(file.read()))
    except (FileNotFoundError, IsADirectoryError) as error:
        raise NotFoundError(f"read_file: {path}; No such file or directory") from error


def write_file(filename, contents, name=None):
    """Write ``contents`` (a scalar string) to ``filename``, atomically (temp file + rename)."""
    path = _path(filename, "write_file", "filename")
    data = contents.numpy() if hasattr(contents, "numpy") else contents
    if isinstance(data, np.ndarray):
        data = data[()]
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-write_file-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(bytes(data))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def matching_files(pattern, name=None):
    """The sorted file names matching a glob ``pattern`` (or list of patterns), as a 1-D
    string tensor."""
    value = pattern.numpy() if hasattr(pattern, "numpy") else pattern
    patterns = np.asarray(value, dtype=object).reshape(-1)
    names = set()
    for item in patterns:
        text = item.decode("utf-8") if isinstance(item, bytes) else os.fspath(item)
        names.update(glob.glob(text))
    return Tensor(strings_array(np.array(sorted(names), dtype=object)))


__all__ = ["matching_files", "read_file", "write_file"]
