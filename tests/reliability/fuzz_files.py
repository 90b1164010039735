"""Mutate valid model files and load them; print one JSON summary (run by test_file_fuzz.py).

    python tests/reliability/fuzz_files.py <workdir> <seed> <cases per kind>

With ``FUZZ_WITH_TENSORFLOW=1`` (under /work/venv-tf) the same files, written by Keras 3.15,
go through Keras's loaders, for the comparison in docs/reliability.md.

Runs in its own process, so a crash inside the HDF5 library could not take the test run
with it, and so its peak memory is its own. Every mutated file must load correctly (byte
mutations: the same predictions; config mutations: any model) or fail with a clear error:
a ValueError (CorruptFileError, LoadLimitError...), OSError or TypeError with a message.
Anything else (KeyError, IndexError, AttributeError, RecursionError, MemoryError, a raw
UnicodeDecodeError...) is reported as a failure, as is a case whose load allocated more than
``MEMORY_LIMIT`` bytes (tracemalloc).
"""

import json
import os
import random
import resource
import struct
import sys
import tracemalloc
import warnings
import zipfile

import h5py
import numpy as np

if os.environ.get("FUZZ_WITH_TENSORFLOW"):
    # the same cases against real Keras (docs/reliability.md), from /work/venv-tf only
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
else:
    import featherflow as tf

MEMORY_LIMIT = 64 << 20
CLEAR = (ValueError, OSError, TypeError)
UNCLEAR = (UnicodeError, KeyError, IndexError, AttributeError, RecursionError, MemoryError,
           ZeroDivisionError, OverflowError)
X = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)


def make_model():
    tf.keras.utils.set_random_seed(0)
    inputs = tf.keras.Input((3,), name="x")
    hidden = tf.keras.layers.Dense(8, activation="relu", name="hidden")(inputs)
    hidden = tf.keras.layers.BatchNormalization(name="norm")(hidden)
    outputs = tf.keras.layers.Dense(2, name="out")(hidden)
    model = tf.keras.Model(inputs, outputs, name="fuzzed")
    model.compile("adam", "mse")
    model.fit(X, X[:, :2], epochs=1, verbose=0)
    return model


def load(path, kind):
    if kind == "weights":
        model = make_model.cache
        clone = tf.keras.models.clone_model(model)
        clone.load_weights(path)
        return clone
    return tf.keras.models.load_model(path)


def attempt(path, kind, expected, exact):
    """``("ok"|"error"|"bad", detail, peak bytes)`` for one mutated file."""
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = load(path, kind)
            got = model.predict(X, verbose=0)
        outcome = ("ok", "")
        if exact and not np.array_equal(got, expected):
            outcome = ("bad", "loaded with different predictions")
    except UNCLEAR as err:
        outcome = ("bad", f"{type(err).__name__}: {str(err)[:200]}")
    except CLEAR as err:
        text = str(err)
        outcome = ("error", type(err).__name__) if len(text) > 20 else (
            "bad", f"{type(err).__name__} with a vague message: {text!r}")
    except Exception as err:  # noqa: BLE001 - any other class is what the fuzzer looks for
        outcome = ("bad", f"{type(err).__name__}: {str(err)[:200]}")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if peak > MEMORY_LIMIT:
        outcome = ("bad", f"peak memory {peak} bytes")
    return outcome[0], outcome[1], peak


# -- mutations ---------------------------------------------------------------------------
def flip_bytes(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(data, rng):
    return data[:rng.randrange(len(data))]


def overwrite_run(data, rng):
    data = bytearray(data)
    start = rng.randrange(len(data))
    n = rng.randint(1, 64)
    data[start:start + n] = bytes(rng.randrange(256) for _ in range(n))[:len(data) - start]
    return bytes(data)


def _datasets(f):
    found = []
    f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Dataset) else None)
    return found


def _groups(f):
    found = []
    f.visititems(lambda name, obj: found.append(name) if isinstance(obj, h5py.Group) else None)
    return found


def h5_structure(path, rng):
    """Change one dataset or attribute of an HDF5 file in place."""
    with h5py.File(path, "a") as f:
        names = _datasets(f)
        name = rng.choice(names)
        choice = rng.randrange(9)
        ds = f[name]
        shape, attrs = ds.shape, dict(ds.attrs)
        if choice == 0:  # another shape
            del f[name]
            f.create_dataset(name, data=np.zeros(tuple(s + 1 for s in shape) or (2,), "f4"))
        elif choice == 1:  # a huge declared shape, nothing stored
            del f[name]
            f.create_dataset(name, shape=(1 << 15, 1 << 14), dtype="f4", chunks=(64, 64),
                             compression="gzip")
        elif choice == 2:  # text instead of numbers
            del f[name]
            f[name] = np.array([b"not", b"numbers"])
        elif choice == 3:  # a compound dtype
            del f[name]
            f[name] = np.zeros(shape or (1,), dtype=[("a", "f4"), ("b", "i4")])
        elif choice == 4:  # missing
            del f[name]
        elif choice == 5:  # a soft link to another dataset
            target = "/" + rng.choice(names)
            del f[name]
            f[name] = h5py.SoftLink(target)
        elif choice == 6:  # integers of the same shape
            del f[name]
            f[name] = np.ones(shape, "i8")
        elif choice == 7:  # attributes of the file
            key = rng.choice(sorted(f.attrs) or ["x"])
            f.attrs[key] = rng.choice([np.bytes_(b"\xff\xfe garbage"), np.float64(3.0),
                                       np.array([b"a", b"b"]), np.bytes_(b"[" * 5000)])
        else:  # attributes of a group
            group = f[rng.choice(_groups(f) or ["/"])]
            key = rng.choice(sorted(group.attrs) or ["weight_names"])
            group.attrs[key] = rng.choice([np.array([b"missing:0"]), np.float64(1.0),
                                           np.array([], "f8"), np.bytes_(b"\x00\x01")])
        for k, v in attrs.items():
            if name in f and isinstance(f.get(name, getlink=True), h5py.HardLink) and \
                    isinstance(f[name], h5py.Dataset) and choice in (0, 6):
                f[name].attrs[k] = v


def _mutate_config(config, rng):
    """One random change deep inside a config: a value of another type, size or kind."""
    stack, spots = [config], []
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            spots.append((node, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    node, key = rng.choice(spots)
    node[key] = rng.choice([
        None, -1, 0, 10 ** 12, 2.5, "", "object", "__builtins__.eval", [], {}, [[[[[]]]]],
        {"class_name": "__numpy__", "config": {"value": [1], "dtype": "O"}},
        {"class_name": "os.system", "config": {}}, "x" * 1000, True, [None, 10 ** 9],
    ])
    return config


def keras_config(path, rng):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    config = _mutate_config(json.loads(members["config.json"]), rng)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)


def h5_config(path, rng):
    with h5py.File(path, "a") as f:
        config = _mutate_config(json.loads(f.attrs["model_config"]), rng)
        f.attrs["model_config"] = np.bytes_(json.dumps(config).encode())


def zip_sizes(path, rng):
    data = bytearray(open(path, "rb").read())
    at = data.index(b"PK\x01\x02", rng.randrange(len(data) // 2))
    struct.pack_into("<I", data, at + rng.choice([20, 24]), rng.choice([0, 1 << 31, 12345]))
    with open(path, "wb") as f:
        f.write(bytes(data))


def main(workdir, seed, per_kind):
    rng = random.Random(seed)
    model = make_model()
    make_model.cache = model
    expected = model.predict(X, verbose=0)
    files = {"m.h5": "model", "m.keras": "model", "w.weights.h5": "weights", "w.h5": "weights"}
    if os.environ.get("FUZZ_WITH_TENSORFLOW"):
        del files["w.h5"]  # Keras 3 writes no Keras 2 weights-only files
    originals = {}
    for name, kind in files.items():
        path = os.path.join(workdir, name)
        (model.save if kind == "model" else model.save_weights)(path)
        with open(path, "rb") as f:
            originals[name] = f.read()
    kinds = [("flip", None, True), ("truncate", None, True), ("overwrite", None, True),
             ("h5-structure", (".h5",), False), ("config", ("m.h5", "m.keras"), False),
             ("zip-sizes", ("m.keras",), False)]
    summary = {"cases": 0, "ok": 0, "error": 0, "bad": [], "peak": 0, "by_kind": {}}
    for kind, only, exact in kinds:
        for name, load_kind in files.items():
            if only and not name.endswith(only):
                continue
            for i in range(per_kind):
                path = os.path.join(workdir, f"case-{name}")
                data = originals[name]
                if kind == "flip":
                    data = flip_bytes(data, rng)
                elif kind == "truncate":
                    data = truncate(data, rng)
                elif kind == "overwrite":
                    data = overwrite_run(data, rng)
                with open(path, "wb") as f:
                    f.write(data)
                if kind == "h5-structure":
                    h5_structure(path, rng)
                elif kind == "config":
                    (keras_config if name.endswith(".keras") else h5_config)(path, rng)
                elif kind == "zip-sizes":
                    zip_sizes(path, rng)
                status, detail, peak = attempt(path, load_kind, expected, exact)
                summary["cases"] += 1
                summary["peak"] = max(summary["peak"], peak)
                counts = summary["by_kind"].setdefault(kind, {"cases": 0, "ok": 0, "error": 0})
                counts["cases"] += 1
                if status == "bad":
                    summary["bad"].append(f"{kind} {name} #{i}: {detail}")
                else:
                    summary[status] += 1
                    counts[status] += 1
    summary["max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
