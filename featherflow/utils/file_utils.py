"""``keras.utils.get_file``: download into Keras's cache, check a hash, extract tar/zip safely.

The cache layout is Keras's (``$KERAS_HOME`` or ``~/.keras``, then ``cache_subdir``), so a file
that a Keras install already downloaded is found and reused. Where featherflow is stricter than
Keras 3.15.1 (docs/datasets.md lists it): a download is written to a temporary name and renamed
only when complete and verified, a file whose hash still does not match after re-downloading is
removed before the error, and an archive with an entry escaping its folder is refused as a whole
(Keras skips such entries with a warning).
"""

import hashlib
import os
import shutil
import tempfile
import warnings

from featherflow.utils.progbar import Progbar

# tarfile, zipfile, urllib and http.client are imported where they are used: together they
# cost ~25 ms of `tf.keras`'s first touch, which most programs never need

CHUNK_SIZE = 1 << 16
DOWNLOAD_TIMEOUT_SECONDS = 60


def keras_home():
    """``$KERAS_HOME`` if set, else ``~/.keras`` (read at call time, not at import)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    return os.path.join(os.path.expanduser("~"), ".keras")


def resolve_hasher(algorithm, file_hash=None):
    """A hashlib object: sha256 when asked or when "auto" sees a 64-digit hash, else md5."""
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=CHUNK_SIZE):
    """Hex digest of a file: ``hash_file("mnist.npz")`` -> ``'731c5ac6...'``."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=CHUNK_SIZE):
    """Whether the file's sha256/md5 (chosen as in ``resolve_hasher``) equals ``file_hash``."""
    hasher = resolve_hasher(algorithm, file_hash)
    return str(hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _inside(base_dir, relative_path):
    """Whether ``base_dir/relative_path`` resolves to a place within ``base_dir``."""
    target = os.path.realpath(os.path.join(base_dir, relative_path))
    try:
        return os.path.commonpath([target, base_dir]) == base_dir
    except ValueError:
        return False


def _tar_member_is_safe(member, base_dir):
    if not _inside(base_dir, member.name):
        return False
    if member.islnk():
        # A hard link's target is named relative to the archive root.
        return _inside(base_dir, member.linkname)
    if member.issym():
        # A symbolic link's target is relative to the folder the link sits in.
        link_dir = os.path.dirname(os.path.join(base_dir, member.name))
        return _inside(base_dir, os.path.relpath(os.path.join(link_dir, member.linkname),
                                                 base_dir))
    return member.isfile() or member.isdir()


def _refuse(file_path, entry):
    raise ValueError(
        f"Refusing to extract {file_path!r}: the archive entry {entry!r} would land outside the "
        "extraction folder (an absolute path, '..', a link pointing out, or a device file). "
        "Nothing was extracted; check where the archive came from.")


def _extract_tar(file_path, path):
    import tarfile
    base_dir = os.path.realpath(path)
    with tarfile.open(file_path) as archive:
        members = archive.getmembers()
        for member in members:
            if not _tar_member_is_safe(member, base_dir):
                _refuse(file_path, member.name)
        extract_kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(path, members=members, **extract_kwargs)


def _extract_zip(file_path, path):
    import zipfile
    base_dir = os.path.realpath(path)
    with zipfile.ZipFile(file_path) as archive:
        members = archive.infolist()
        for member in members:
            if not _inside(base_dir, member.filename):
                _refuse(file_path, member.filename)
        archive.extractall(path, members=members)


def _create_file(path):
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


def _unique_sibling(path, create):
    """Create ``.<name>.<random>.partial`` beside ``path`` with ``create``; return its path.

    Unlike tempfile's 0600 files and 0700 folders, these get the umask's usual permissions, so
    the cached file or folder they are renamed to is readable as a Keras download would be.
    """
    directory, name = os.path.split(os.path.abspath(path))
    while True:
        candidate = os.path.join(directory, f".{name}.{os.urandom(4).hex()}.partial")
        try:
            create(candidate)
            return candidate
        except FileExistsError:
            continue


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extract a tar (.tar, .tar.gz, .tar.bz2) or zip file into ``path``; False if neither.

    ``archive_format``: "auto" (= ["tar", "zip"]), "tar", "zip", a list of those, or None.
    The archive is unpacked into a temporary sibling folder that replaces ``path`` only when
    every entry was extracted, so a failed extraction never leaves a folder looking complete.
    """
    import tarfile
    import zipfile
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path = os.fspath(file_path)
    path = os.fspath(path)
    extractors = {"tar": (tarfile.is_tarfile, _extract_tar),
                  "zip": (zipfile.is_zipfile, _extract_zip)}
    for archive_type in archive_format:
        if archive_type not in extractors:
            raise ValueError(
                f"extract_archive: archive_format must be 'auto', 'tar', 'zip', a list of "
                f"those, or None; received {archive_type!r}.")
        is_match, extract = extractors[archive_type]
        if not is_match(file_path):
            continue
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        staging = _unique_sibling(path, os.mkdir)
        try:
            extract(file_path, staging)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            elif os.path.lexists(path):
                os.remove(path)
            os.replace(staging, path)
        finally:
            if os.path.exists(staging):
                shutil.rmtree(staging)
        return True
    return False


def _download(origin, destination):
    """Stream ``origin`` into ``destination`` with a progress bar; raise naming the URL."""
    import http.client
    import urllib.error
    import urllib.request
    print(f"Downloading data from {origin}")
    failure = "URL fetch failure on {}: {} -- {}"
    try:
        response = urllib.request.urlopen(origin, timeout=DOWNLOAD_TIMEOUT_SECONDS)
    except urllib.error.HTTPError as error:
        raise ConnectionError(failure.format(origin, error.code, error.msg)) from error
    except urllib.error.URLError as error:
        raise ConnectionError(
            failure.format(origin, getattr(error.reason, "errno", None), error.reason)
            + ". Check the network connection, or for keras.datasets set "
            "FEATHERFLOW_DATASETS_MIRROR to a reachable copy.") from error
    except OSError as error:
        raise ConnectionError(failure.format(origin, error.errno, error)) from error
    with response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        progbar = Progbar(total)
        received = 0
        try:
            with open(destination, "wb") as stream:
                while True:
                    chunk = response.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    stream.write(chunk)
                    received += len(chunk)
                    progbar.update(received)
        except (http.client.IncompleteRead, OSError) as error:
            raise ConnectionError(
                f"URL fetch failure on {origin}: the connection broke after {received} bytes "
                f"({error}). Try again; nothing was kept in the cache.") from error
    if total is not None and received < total:
        raise ConnectionError(
            f"URL fetch failure on {origin}: received {received} of {total} bytes (the server "
            "closed the connection early). Try again; nothing was kept in the cache.")
    if total is None:
        # Without a Content-Length the bar cannot know it is done until the stream ends.
        progbar.update(received, finalize=True)


def _cache_paths(fname, origin, extract, cache_subdir, cache_dir):
    import urllib.parse
    datadir_base = os.path.expanduser(keras_home() if cache_dir is None else cache_dir)
    if cache_dir is None:
        # Keras creates its home folder when it is imported; featherflow does it on first use.
        try:
            os.makedirs(datadir_base, exist_ok=True)
        except OSError:
            pass
    if not os.access(datadir_base, os.W_OK):
        # Keras's fallback when the home cache cannot be written (read-only home, containers).
        datadir_base = os.path.join(
            "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    datadir = os.path.join(datadir_base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    provided_fname = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"get_file: can't parse the file name from the origin provided: {origin!r}. "
                "Please specify the `fname` argument.")
    elif os.sep in fname:
        raise ValueError(
            "get_file: paths are no longer accepted as the `fname` argument. To specify the "
            f"file's parent directory, use the `cache_dir` argument. Received: fname={fname}")
    if not extract:
        return os.path.join(datadir, fname), None
    # Keras 3's layout: the archive and the folder it unpacks into sit side by side.
    if provided_fname and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Download ``origin`` into the Keras cache unless already there; return the local path.

    With ``extract=True`` (or ``untar=True``) the archive is unpacked and the extraction folder
    is returned (Keras 3: ``<fname>`` next to ``<fname>_archive``, or ``<stem>_extracted`` when
    ``fname`` has an extension).

    Example::

        path = get_file(origin="https://example.org/data/flowers.tgz", extract=True,
                        file_hash="<sha256 of flowers.tgz>")
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (URL of the file to '
                         "download).")
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    download_target, extraction_dir = _cache_paths(fname, origin, extract or untar,
                                                   cache_subdir, cache_dir)
    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None and not validate_file(
            download_target, file_hash, algorithm=hash_algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the "
              f"{hash_algorithm} file hash does not match the original value of {file_hash} so "
              "we will re-download the data.")
        download = True
    if download:
        partial = _unique_sibling(download_target, _create_file)
        try:
            _download(origin, partial)
            if file_hash is not None and not validate_file(partial, file_hash,
                                                           algorithm=hash_algorithm):
                received = hash_file(partial, resolve_hasher(hash_algorithm, file_hash))
                if os.path.exists(download_target):
                    # The cached copy already failed the check (or we were told to replace
                    # it); keeping it would leave a wrong file under the final name.
                    os.remove(download_target)
                raise ValueError(
                    f"get_file: incomplete or corrupted file downloaded from {origin}: the "
                    f"{hash_algorithm} file hash {received} "
                    f"does not match the provided value of {file_hash}. The file was not kept; "
                    "check the URL (or mirror) and the expected hash.")
            os.replace(partial, download_target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    if extraction_dir is None:
        return download_target
    if untar:
        archive_format = "tar"
    if not extract_archive(download_target, extraction_dir, archive_format):
        warnings.warn(f"Could not extract archive {download_target!r} (archive_format="
                      f"{archive_format!r}).", stacklevel=2)
    return extraction_dir
