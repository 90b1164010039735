"""Re-saving keeps permissions and symlinks; killed saves are cleaned up; failures name the file."""

import errno
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import featherflow as tf
from featherflow.saving import atomic, h5_io

SAVES = {
    "m.keras": lambda m, p: m.save(p),
    "m.h5": lambda m, p: m.save(p),
    "w.weights.h5": lambda m, p: m.save_weights(p),
    "w.h5": lambda m, p: m.save_weights(p),
}


def _model(seed=0):
    tf.keras.utils.set_random_seed(seed)
    return tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(4,))])


def _kernel(name, path):
    if name.startswith("m."):
        return tf.keras.models.load_model(path).get_weights()[0]
    model = _model(99)
    model.load_weights(path)
    return model.get_weights()[0]


@pytest.mark.parametrize("name", sorted(SAVES))
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_overwriting_keeps_the_permission_bits(tmp_path, name, mode):
    path = tmp_path / name
    SAVES[name](_model(1), path)
    os.chmod(path, mode)
    SAVES[name](_model(2), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    np.testing.assert_array_equal(_kernel(name, path), _model(2).get_weights()[0])


def test_a_new_file_gets_the_umask_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        _model().save(tmp_path / "m.keras")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.keras").st_mode) == 0o640


@pytest.mark.parametrize("name", sorted(SAVES))
@pytest.mark.parametrize("relative", [False, True])
def test_saving_through_a_symlink_writes_its_target(tmp_path, name, relative):
    (tmp_path / "store").mkdir()
    target = tmp_path / "store" / name
    SAVES[name](_model(1), target)
    os.chmod(target, 0o600)
    link = tmp_path / f"link-{name}"
    os.symlink(os.path.join("store", name) if relative else target, link)
    SAVES[name](_model(2), link)
    assert os.path.islink(link) and os.path.realpath(link) == str(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    np.testing.assert_array_equal(_kernel(name, target), _model(2).get_weights()[0])
    assert sorted(os.listdir(tmp_path / "store")) == [name]
    save = _model(3).save if name.startswith("m.") else _model(3).save_weights
    with pytest.raises(FileExistsError):
        save(link, overwrite=False)


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftover(folder, base, pid, host=None, age=0.0):
    name = f".{base}.ff-{host or atomic._host_tag()}-{pid}-{os.urandom(4).hex()}.tmp"
    path = folder / name
    path.write_bytes(b"half a save")
    if age:
        past = time.time() - age
        os.utime(path, (past, past))
    return name


def test_the_next_save_removes_only_our_stale_temporary_files(tmp_path):
    dead = _leftover(tmp_path, "m.keras", _dead_pid())
    alive_fresh = _leftover(tmp_path, "m.keras", os.getppid())
    alive_old = _leftover(tmp_path, "m.keras", os.getppid(), age=atomic.STALE_SECONDS + 60)
    other_host_fresh = _leftover(tmp_path, "m.keras", _dead_pid(), host="deadbeef")
    other_host_old = _leftover(tmp_path, "m.keras", 1, host="deadbeef",
                               age=atomic.STALE_SECONDS + 60)
    strangers = [".m.keras.12345.0123abcd.tmp", "notes.tmp", ".m.keras.ff-x-1-y.tmp"]
    for name in strangers:
        (tmp_path / name).write_text("not ours")
        past = time.time() - 10 * atomic.STALE_SECONDS
        os.utime(tmp_path / name, (past, past))
    os.mkdir(tmp_path / f".d.ff-{atomic._host_tag()}-{_dead_pid()}-0123abcd.tmp")
    _model().save(tmp_path / "m.keras")
    left = set(os.listdir(tmp_path))
    assert dead not in left and alive_old not in left and other_host_old not in left
    assert {alive_fresh, other_host_fresh, *strangers, "m.keras"} <= left
    assert len(left) == 7  # the five kept files, the folder and the model


def test_a_read_only_folder_names_the_target_and_the_cause(tmp_path, monkeypatch):
    path = tmp_path / "ro" / "m.keras"
    path.parent.mkdir()
    _model(1).save(path)
    before = path.read_bytes()
    if os.geteuid() == 0:
        # root ignores permission bits: refuse the temporary file the way the kernel would
        real_open = os.open

        def refusing(name, flags, *args, **kwargs):
            if ".ff-" in os.fspath(name):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(name))
            return real_open(name, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing)
    else:
        os.chmod(path.parent, 0o500)
    try:
        for save in (lambda m: m.save(path), lambda m: m.save(path.with_suffix(".h5")),
                     lambda m: m.save_weights(tmp_path / "ro" / "w.weights.h5")):
            with pytest.raises(PermissionError) as info:
                save(_model(2))
            text = str(info.value)
            assert f"Could not save '{tmp_path / 'ro'}" in text
            assert "no permission to write in that folder" in text and ".ff-" not in text
            assert "previous file, if any, is unchanged" in text
    finally:
        os.chmod(path.parent, 0o700)
    assert path.read_bytes() == before and sorted(os.listdir(path.parent)) == ["m.keras"]


def test_a_full_disk_names_the_target_and_the_cause(tmp_path, monkeypatch):
    path = tmp_path / "m.h5"
    _model(1).save(path)
    before = path.read_bytes()

    def full(group, name, value):
        # what h5py raises when a write hits ENOSPC (errno only inside the text)
        raise OSError(f"Can't synchronously write data (file write failed: time = now, "
                      f"filename = '{group.file.filename}', file descriptor = 3, errno = 28, "
                      "error message = 'No space left on device', buf = 0x1)")

    monkeypatch.setattr(h5_io, "write_array", full)
    with pytest.raises(OSError) as info:
        _model(2).save(path)
    assert info.value.errno == errno.ENOSPC
    text = str(info.value)
    assert f"Could not save '{path}': the disk is full" in text
    assert "No space left on device" in text and ".ff-" not in text and "MiB free" in text
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.h5"]


def test_a_real_write_limit_is_an_error_never_a_crash(tmp_path):
    # RLIMIT_FSIZE makes the kernel refuse writes past 20 kB (EFBIG), as a full disk would. Each
    # format's HDF5 file is built in memory and written with Python writes, so the write fails
    # with an OSError; HDF5 writing the file itself can abort the process when a write fails
    # while it flushes its metadata. The subprocess must print four errors and exit normally.
    script = textwrap.dedent(f"""
        import os, resource, signal
        import featherflow as tf
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # Python's default; kept explicit
        small = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(4,))])
        big = tf.keras.Sequential([tf.keras.layers.Dense(100, input_shape=(100,))])
        names = {sorted(SAVES)!r}
        for name in names:
            path = os.path.join({str(tmp_path)!r}, name)
            (small.save_weights if "w." in name else small.save)(path)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        for name in names:
            path = os.path.join({str(tmp_path)!r}, name)
            try:
                (big.save_weights if "w." in name else big.save)(path)
            except OSError as err:
                print(name, err.errno, err)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, (out.returncode, out.stderr[-2000:])
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    assert [line.split()[0] for line in lines] == sorted(SAVES), out.stderr[-2000:]
    for line in lines:
        name = line.split()[0]
        assert line.startswith(f"{name} {errno.EFBIG} [Errno {errno.EFBIG}] Could not save '"
                               f"{tmp_path}/{name}': the file is larger than this process may "
                               "write") and ".ff-" not in line
        assert _kernel(name, tmp_path / name).shape == (4, 3)  # the old file survived whole
    assert sorted(os.listdir(tmp_path)) == sorted(SAVES)


@pytest.mark.parametrize("name", sorted(SAVES))
def test_too_little_free_space_is_refused_before_writing(tmp_path, monkeypatch, name):
    path = tmp_path / name
    SAVES[name](_model(1), path)
    before = path.read_bytes()
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: usage._replace(free=4096))
    with pytest.raises(OSError) as info:
        SAVES[name](_model(2), path)
    assert info.value.errno == errno.ENOSPC
    assert f"Could not save '{path}': the disk is full" in str(info.value)
    assert path.read_bytes() == before and os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("name", ["m.h5", "w.weights.h5", "w.h5"])
def test_files_over_the_in_memory_limit_are_written_by_hdf5(tmp_path, monkeypatch, name):
    monkeypatch.setenv("FEATHERFLOW_H5_IN_MEMORY_BYTES", "0")
    model = _model(3)
    SAVES[name](model, tmp_path / name)
    np.testing.assert_array_equal(_kernel(name, tmp_path / name), model.get_weights()[0])
    monkeypatch.setenv("FEATHERFLOW_H5_IN_MEMORY_BYTES", "1GB")
    with pytest.raises(ValueError, match="whole number of bytes, received '1GB'"):
        SAVES[name](model, tmp_path / name)
