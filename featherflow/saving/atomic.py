"""Atomic file writes: a save either completes or leaves the previous file untouched.

The data goes to a temporary file in the destination's folder (same file system, so the
final rename is atomic), is flushed to disk with ``fsync``, then ``os.replace`` swaps it in
and the folder entry is synced too. A crash, kill or exception at any point before the rename
leaves the old file as it was; the temporary file is removed on errors.

- A destination that is a symbolic link is written through: the link's target is replaced and
  the link stays a link.
- Replacing a file keeps its permission bits (a 0600 file stays 0600); new files get the usual
  ``0666 & ~umask``.
- Temporary files are named ``.<name>.ff-<host>-<pid>-<random>.tmp``. A save that was killed
  leaves one behind; the next save into that folder removes such files when the process that
  made them is gone (same host) or they are older than :data:`STALE_SECONDS`. Nothing else is
  ever removed.
- A save that fails for a reason of the file system (read-only folder, full disk, no
  permission) raises an ``OSError`` naming the file being saved, the cause, and that the
  previous file is unchanged. A save whose size is known is refused up front when the folder
  has less free space.
"""

import contextlib
import errno
import os
import re
import shutil
import stat
import time
import zlib

# a temporary file of another host (or of a live process) is only removed after this long
STALE_SECONDS = 24 * 3600
_TMP_RE = re.compile(r"^\..+\.ff-([0-9a-f]{8})-(\d+)-[0-9a-f]{8}\.tmp$")
# keep temporary names within the usual 255-byte limit
_BASE_LIMIT = 180


def _host_tag():
    import socket  # here, not at import: with secrets, ~10 ms of `tf.keras`'s first touch

    return f"{zlib.crc32(socket.gethostname().encode('utf-8')):08x}"


def temp_name(base):
    """The name of a temporary file for ``base`` (recognised by :func:`clean_stale`)."""
    return f".{base[:_BASE_LIMIT]}.ff-{_host_tag()}-{os.getpid()}-{os.urandom(4).hex()}.tmp"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale(folder, now=None):
    """Remove temporary files left in ``folder`` by killed saves; return their names.

    Only names of the form :func:`temp_name` makes are touched, and only when their process is
    gone (same host, other pid) or they are older than :data:`STALE_SECONDS`.
    """
    now = time.time() if now is None else now
    host, removed = _host_tag(), []
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    for entry in entries:
        match = _TMP_RE.match(entry)
        if match is None:
            continue
        path = os.path.join(folder, entry)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        pid = int(match.group(2))
        ours = match.group(1) == host
        gone = ours and pid != os.getpid() and not _alive(pid)
        if gone or now - info.st_mtime > STALE_SECONDS:
            with contextlib.suppress(OSError):
                os.remove(path)
                removed.append(entry)
    return removed


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


def _resolve(filepath):
    """The file a save really writes: a symbolic link's target (links followed)."""
    if os.path.islink(filepath):
        return os.path.realpath(filepath)
    return filepath


def _save_error(err, target, tmp, folder):
    """An OSError of the same kind naming ``target`` (not the temporary file) and the cause."""
    cause = err.strerror or (str(err.args[0]) if err.args else str(err))
    code = err.errno
    if code is None:
        # h5py puts the errno inside its message only
        found = re.search(r"errno = (\d+)", cause)
        code = int(found.group(1)) if found else None
    detail = re.search(r"error message = '([^']*)'", cause)
    if detail:
        # HDF5's messages carry a time stamp, buffer addresses and the temporary file's name
        cause = f"{cause.split(' (')[0]}: {detail.group(1)}"
    if tmp:
        cause = cause.replace(tmp, "(temporary file)").replace(os.path.basename(tmp),
                                                               "(temporary file)")
    hints = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EFBIG: "the file is larger than this process may write",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "no permission to write in that folder",
        errno.EPERM: "no permission to write in that folder",
    }
    reason = hints.get(code, "")
    try:
        free = shutil.disk_usage(folder).free
        space = f" ({free // (1 << 20)} MiB free in '{folder}')"
    except OSError:
        space = ""
    text = (f"Could not save '{target}': {reason + ': ' if reason else ''}{cause}{space}. The "
            "previous file, if any, is unchanged.")
    return OSError(code, text) if code is not None else OSError(text)


def _file_system_error(err):
    """The OSError behind ``err`` (h5py raises a RuntimeError closing a file after a failed
    write; the OSError is its context), or None."""
    seen = 0
    while err is not None and seen < 8:
        if isinstance(err, OSError) and not isinstance(err, (FileExistsError,
                                                            IsADirectoryError)):
            return err
        err, seen = err.__context__, seen + 1
    return None


def size_of(model):
    """About how many bytes a model's weights and optimizer state take in a file."""
    variables = list(getattr(model, "weights", []) or [])
    optimizer = getattr(model, "optimizer", None)
    variables += list(getattr(optimizer, "variables", []) or [])
    return sum(int(getattr(getattr(v, "data", None), "nbytes", 0)) for v in variables)


def _check_space(target, folder, size_hint):
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < size_hint + (1 << 20):
        raise OSError(
            errno.ENOSPC,
            f"Could not save '{target}': the disk is full: the file needs about "
            f"{size_hint // (1 << 20) + 1} MiB and '{folder}' has {free // (1 << 20)} MiB free. "
            "The previous file, if any, is unchanged.",
        )


@contextlib.contextmanager
def atomic_path(filepath, overwrite=True, size_hint=None):
    """Yield a temporary path next to ``filepath``; on success it replaces ``filepath``.

    ``size_hint``: about how many bytes will be written; a folder with less free space is
    refused before anything is written (the HDF5 library does not always recover from a disk
    filling up under it).

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
    if not overwrite and os.path.lexists(filepath):
        raise FileExistsError(
            f"'{filepath}' already exists and overwrite=False. Pass overwrite=True to replace "
            "it, or choose another file name."
        )
    target = _resolve(filepath)
    folder = os.path.dirname(os.path.abspath(target))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise _save_error(err, filepath, "", folder) from None
    clean_stale(folder)
    if size_hint:
        _check_space(filepath, folder, size_hint)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    tmp = os.path.join(folder, temp_name(os.path.basename(target)))
    try:
        # created here, empty, so a folder we cannot write in is reported before any work
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as err:
        raise _save_error(err, filepath, tmp, folder) from None
    try:
        yield tmp
        if mode is not None:
            os.chmod(tmp, mode)
        _fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        cause = _file_system_error(err) if isinstance(err, (OSError, RuntimeError)) else None
        if cause is not None:
            raise _save_error(cause, filepath, tmp, folder) from err
        raise
    _fsync_dir(folder)
