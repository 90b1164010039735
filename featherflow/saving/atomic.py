"""Atomic file writes: a save either completes or leaves the previous file untouched.

The data goes to a temporary file in the destination's folder (same file system, so the
final rename is atomic), is flushed to disk with ``fsync``, then ``os.replace`` swaps it in
and the folder entry is synced too. A crash, kill or exception at any point before the rename
leaves the old file as it was; the temporary file is removed on errors.
"""

import contextlib
import os
import secrets


def _fsync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder):
    # directories cannot be opened for syncing on every platform (Windows); best effort
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(filepath, overwrite=True):
    """Yield a temporary path next to ``filepath``; on success it replaces ``filepath``.

    Example::

        with atomic_path("model.h5") as tmp:
            write_everything_to(tmp)
    """
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        raise IsADirectoryError(
            f"Cannot save to '{filepath}': it is a folder. Give a file name such as "
            f"'{os.path.join(filepath, 'model.keras')}'."
        )
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(
            f"'{filepath}' already exists and overwrite=False. Pass overwrite=True to replace "
            "it, or choose another file name."
        )
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    base = os.path.basename(filepath)
    tmp = os.path.join(folder, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        _fsync_path(tmp)
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(folder)
