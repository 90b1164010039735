"""Atomic writes, damaged files, and files that try to reach outside themselves."""

import os
import signal
import subprocess
import sys
import textwrap
import zipfile

import h5py
import numpy as np
import pytest

import featherflow as tf
from featherflow.saving import h5_io
from featherflow.saving.h5_io import CorruptFileError

SAVES = {
    "m.h5": lambda m, p: m.save(p),
    "m.keras": lambda m, p: m.save(p),
    "w.weights.h5": lambda m, p: m.save_weights(p),
    "w.h5": lambda m, p: m.save_weights(p),
}


def _load(name, path, make_dense):
    if name.startswith("m."):
        return tf.keras.models.load_model(path)
    model = make_dense(seed=99)
    model.load_weights(path)
    return model


@pytest.mark.parametrize("name", sorted(SAVES))
def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch, make_dense,
                                                       name):
    path = tmp_path / name
    good = make_dense(seed=1)
    SAVES[name](good, path)
    before = path.read_bytes()
    calls = []

    def failing(group, key, value):
        calls.append(key)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        return original(group, key, value)

    original = h5_io.write_array
    monkeypatch.setattr(h5_io, "write_array", failing)
    with pytest.raises(OSError, match="simulated"):
        SAVES[name](make_dense(seed=2), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [name]  # the temporary file was removed
    monkeypatch.undo()
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(_load(name, path, make_dense).predict(x, verbose=0),
                                  good.predict(x, verbose=0))


def test_killing_the_process_mid_save_keeps_the_old_file(tmp_path, make_dense):
    path = tmp_path / "m.h5"
    make_dense(seed=1).save(path)
    before = path.read_bytes()
    child = textwrap.dedent(f"""
        import sys, time
        import featherflow as tf
        from featherflow.saving import h5_io
        from featherflow.utils.random import set_random_seed
        set_random_seed(5)
        model = tf.keras.Sequential([tf.keras.layers.Dense(5, input_shape=(3,)),
                                     tf.keras.layers.Dense(2)])
        original, calls = h5_io.write_array, []
        def slow(group, name, value):
            calls.append(name)
            if len(calls) == 2:
                print("WRITING", flush=True)
                time.sleep(60)
            return original(group, name, value)
        h5_io.write_array = slow
        model.save({str(path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True,
                            cwd=os.getcwd())
    try:
        assert proc.stdout.readline().strip() == "WRITING"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    tf.keras.models.load_model(path)  # still a valid model


@pytest.mark.parametrize("name", sorted(SAVES))
def test_truncated_files_give_a_clear_error(tmp_path, make_dense, name):
    path = tmp_path / name
    SAVES[name](make_dense(), path)
    data = path.read_bytes()
    for keep in (len(data) // 2, len(data) - 10, 100):
        path.write_bytes(data[:keep])
        with pytest.raises(CorruptFileError, match="truncated or corrupted|corrupted"):
            _load(name, path, make_dense)


def _flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_weight_data_is_detected(tmp_path, make_dense):
    path = tmp_path / "m.h5"
    model = make_dense()
    model.save(path)
    first = model.layers[0].name
    with h5py.File(path, "r") as f:
        offset = f[f"model_weights/{first}/{first}/kernel:0"].id.get_offset()
    _flip(path, offset + 5)
    with pytest.raises(CorruptFileError, match="checksum"):
        tf.keras.models.load_model(path)


def test_a_flipped_byte_in_the_model_config_is_detected(tmp_path, make_dense):
    path = tmp_path / "m.h5"
    make_dense().save(path)
    offset = path.read_bytes().index(b'"units": 5')
    _flip(path, offset + 9)  # "5" -> "o": still the same length
    with pytest.raises(CorruptFileError):
        tf.keras.models.load_model(path)


@pytest.mark.parametrize("name", ["m.h5", "m.keras", "w.weights.h5"])
def test_any_flipped_byte_is_an_error_or_harmless(tmp_path, make_dense, name):
    # a sample of positions across the whole file: never silently different weights
    path = tmp_path / name
    model = make_dense(seed=3)
    SAVES[name](model, path)
    x = np.ones((2, 3), "float32")
    expected = model.predict(x, verbose=0)
    data = path.read_bytes()
    rng = np.random.default_rng(0)
    errors = 0
    for offset in rng.choice(len(data), size=60, replace=False):
        damaged = bytearray(data)
        damaged[offset] ^= 0xFF
        path.write_bytes(bytes(damaged))
        try:
            got = _load(name, path, make_dense).predict(x, verbose=0)
        except CorruptFileError:
            errors += 1
            continue
        np.testing.assert_array_equal(got, expected, err_msg=f"byte {offset} changed weights")
    assert errors > 10


def test_not_a_model_file_empty_file_and_folder(tmp_path, make_dense):
    text = tmp_path / "notes.h5"
    text.write_text("hello")
    with pytest.raises(CorruptFileError, match="neither an HDF5 file nor a .keras zip"):
        tf.keras.models.load_model(text)
    empty = tmp_path / "empty.keras"
    empty.write_bytes(b"")
    with pytest.raises(CorruptFileError, match="empty"):
        tf.keras.models.load_model(empty)
    with pytest.raises(ValueError, match="folder"):
        tf.keras.models.load_model(tmp_path)
    with pytest.raises(FileNotFoundError):
        tf.keras.models.load_model(tmp_path / "missing.keras")
    other_zip = tmp_path / "other.keras"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "not a model")
    with pytest.raises(CorruptFileError, match="not a .keras model"):
        tf.keras.models.load_model(other_zip)


def test_links_outside_the_file_are_refused(tmp_path):
    outside = tmp_path / "outside.h5"
    with h5py.File(outside, "w") as f:
        f["secret"] = np.ones((3, 2), "float32")
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense"])
        g = f.create_group("dense")
        g.attrs["weight_names"] = np.array([b"kernel:0", b"bias:0"])
        g["kernel:0"] = h5py.ExternalLink(str(outside), "secret")
        g["bias:0"] = np.zeros(2, "float32")
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    with pytest.raises(CorruptFileError, match="ExternalLink"):
        model.load_weights(path)


def test_a_dataset_declaring_huge_size_is_not_allocated(tmp_path):
    path = tmp_path / "bomb.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense"])
        g = f.create_group("dense")
        g.attrs["weight_names"] = np.array([b"kernel:0"])
        # 16 GB declared, nothing stored
        g.create_dataset("kernel:0", shape=(1 << 16, 1 << 16), dtype="float32",
                         chunks=(64, 64), compression="gzip")
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,), use_bias=False)])
    # the declared shape is compared with the model's before anything is read
    with pytest.raises(ValueError, match=r"\(3, 2\) in the model but \(65536, 65536\)"):
        model.load_weights(path)


def test_missing_h5py_names_the_extra(monkeypatch, tmp_path, make_dense):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install featherflow\[h5\]"):
        make_dense().save(tmp_path / "m.keras")
    with pytest.raises(ImportError, match=r"pip install featherflow\[h5\]"):
        make_dense().save_weights(tmp_path / "w.h5")


def test_a_keras_archive_interrupted_while_zipping_keeps_the_old_file(tmp_path, monkeypatch,
                                                                     make_dense):
    path = tmp_path / "m.keras"
    make_dense(seed=1).save(path)
    before = path.read_bytes()
    original = zipfile.ZipFile.writestr

    def failing(self, name, data, *args, **kwargs):
        if name == "model.weights.h5":
            raise OSError("disk full (simulated)")
        return original(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    with pytest.raises(OSError, match="simulated"):
        make_dense(seed=2).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]
