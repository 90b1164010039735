"""``tf.io.gfile``: TensorFlow's file API on local paths (``GFile``, ``exists``, ``glob``,
``listdir``, ``makedirs``, ``walk``...), raising TF's ``NotFoundError``/``AlreadyExistsError``.

Example::

    >>> with tf.io.gfile.GFile("notes.txt", "w") as file:
    ...     file.write("hello")
    >>> tf.io.gfile.exists("notes.txt")
    True
"""

import collections
import glob as glob_module
import os
import posixpath
import shutil

from featherflow.errors import AlreadyExistsError, NotFoundError


def _text(path):
    path = path.numpy() if hasattr(path, "numpy") else path
    if hasattr(path, "shape") and path.shape == ():
        path = path[()]
    return path.decode("utf-8") if isinstance(path, bytes) else os.fspath(path)


class GFile:
    """A file object as TF's ``GFile``: text unless the mode has ``b``; ``read(n=-1)``,
    ``readline``, ``readlines``, iteration, ``write``, ``seek``/``tell``, ``size``."""

    def __init__(self, name, mode="r"):
        self.name = _text(name)
        self.mode = mode
        self._opened = None

    @property
    def _file(self):
        # opened on first use, as TF's GFile: a missing file or folder fails there
        if self._opened is None:
            encoding = None if "b" in self.mode else "utf-8"
            try:
                self._opened = open(self.name, self.mode, encoding=encoding,
                                    newline="" if encoding else None)
            except FileNotFoundError as error:
                raise NotFoundError(f"{self.name}; No such file or directory") from error
        return self._opened

    def read(self, n=-1):
        return self._file.read(n)

    def readline(self):
        return self._file.readline()

    def readlines(self):
        return self._file.readlines()

    def write(self, file_content):
        if "b" in self.mode and isinstance(file_content, str):
            file_content = file_content.encode("utf-8")
        elif "b" not in self.mode and isinstance(file_content, bytes):
            file_content = file_content.decode("utf-8")
        self._file.write(file_content)

    def seek(self, offset=None, whence=0, position=None):
        self._file.seek(position if position is not None else offset, whence)

    def tell(self):
        return self._file.tell()

    def size(self):
        return os.path.getsize(self.name)

    def flush(self):
        self._file.flush()

    def close(self):
        if self._opened is not None:
            self._opened.close()

    def seekable(self):
        return True

    def __iter__(self):
        return iter(self._file)

    def __next__(self):
        return next(self._file)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


Open = GFile

FileStatistics = collections.namedtuple("FileStatistics", ["length", "mtime_nsec", "is_directory"])


def exists(path):
    return os.path.exists(_text(path))


def isdir(path):
    return os.path.isdir(_text(path))


def glob(pattern):
    """Sorted matches of a pattern or a list of patterns, as TF."""
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else pattern
    return sorted({name for item in patterns for name in glob_module.glob(_text(item))})


def listdir(path):
    path = _text(path)
    if not os.path.isdir(path):
        raise NotFoundError(f"Could not find directory {path}")
    return os.listdir(path)


def makedirs(path):
    os.makedirs(_text(path), exist_ok=True)


def mkdir(path):
    path = _text(path)
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise NotFoundError(f"{path}; No such file or directory")
    os.makedirs(path, exist_ok=True)


def remove(path):
    path = _text(path)
    if not os.path.exists(path):
        raise NotFoundError(f"{path}; No such file or directory")
    os.remove(path)


def rmtree(path):
    path = _text(path)
    if not os.path.exists(path):
        raise NotFoundError(f"{path} not found")
    shutil.rmtree(path)


def rename(src, dst, overwrite=False):
    src, dst = _text(src), _text(dst)
    if not os.path.exists(src):
        raise NotFoundError(f"{src}; No such file or directory")
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError("file already exists")
    os.replace(src, dst)


def copy(src, dst, overwrite=False):
    src, dst = _text(src), _text(dst)
    if not os.path.exists(src):
        raise NotFoundError(f"{src}; No such file or directory")
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError("file already exists")
    shutil.copyfile(src, dst)


def stat(path):
    path = _text(path)
    if not os.path.exists(path):
        raise NotFoundError(f"{path}; No such file or directory")
    info = os.stat(path)
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(path))


def walk(top, topdown=True, onerror=None):
    """(directory, subdirectories, files) triples, as ``os.walk``; nothing for a missing top."""
    yield from os.walk(_text(top), topdown=topdown, onerror=onerror)


def join(path, *paths):
    """``path`` and ``paths`` joined: with ``/`` for a URL-like path (``gs://bucket``), else
    as ``os.path.join``, as TF's ``tf.io.gfile.join``."""
    text = str(path.__fspath__() if hasattr(path, "__fspath__") else path)
    if "://" in text[1:]:
        return posixpath.join(path, *paths)
    return os.path.join(path, *paths)


def get_registered_schemes():
    """The URL schemes these functions open: ``""`` (plain local paths). TF also registers
    ``file``, ``ram`` and ``gs`` file systems; featherflow reads and writes local files only."""
    return [""]


__all__ = ["GFile", "Open", "copy", "exists", "get_registered_schemes", "glob", "isdir",
           "join", "listdir", "makedirs", "mkdir", "remove", "rename", "rmtree", "stat", "walk"]
