"""Tiny files in the exact published formats of the keras.datasets downloads.

``published_files()`` returns {file name: bytes}, deterministic, so tests here and
tools/make_dataset_fixtures.py (which runs Keras's own loaders on them) see the same bytes.
"""

import gzip
import hashlib
import io
import json
import pickle
import tarfile

import numpy as np


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _ragged(rng, count, vocabulary, lengths):
    sequences = np.empty(count, dtype=object)
    for i in range(count):
        sequences[i] = [int(w) for w in rng.randint(1, vocabulary, size=rng.randint(*lengths))]
    return sequences


def _idx(data, dims):
    header = np.array([0x800 + len(dims), *dims], dtype=">i4").tobytes()
    return gzip.compress(header + data.astype(np.uint8).tobytes(), mtime=0)


def _tar_gz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


def _cifar_batch(rng, count, labels):
    batch = {b"data": rng.randint(0, 256, size=(count, 3072)).astype(np.uint8)}
    batch.update({key.encode(): [int(v) for v in rng.randint(0, high, size=count)]
                  for key, high in labels.items()})
    return pickle.dumps(batch, protocol=3)


def published_files():
    rng = np.random.RandomState(0)
    files = {}
    files["mnist.npz"] = _npz(
        x_train=rng.randint(0, 256, (6, 28, 28)).astype(np.uint8),
        y_train=rng.randint(0, 10, 6).astype(np.uint8),
        x_test=rng.randint(0, 256, (3, 28, 28)).astype(np.uint8),
        y_test=rng.randint(0, 10, 3).astype(np.uint8))
    for prefix, count in (("train", 5), ("t10k", 2)):
        files[f"{prefix}-labels-idx1-ubyte.gz"] = _idx(rng.randint(0, 10, count), [count])
        files[f"{prefix}-images-idx3-ubyte.gz"] = _idx(
            rng.randint(0, 256, (count, 28, 28)), [count, 28, 28])
    # Keras copies each of the five training batches into a 10,000-row slot, so one image per
    # batch is the size that its loader accepts (it broadcasts) short of 10,000.
    cifar10 = {f"cifar-10-batches-py/data_batch_{i}": _cifar_batch(rng, 1, {"labels": 10})
               for i in range(1, 6)}
    cifar10["cifar-10-batches-py/test_batch"] = _cifar_batch(rng, 2, {"labels": 10})
    files["cifar-10-python.tar.gz"] = _tar_gz(cifar10)
    cifar100 = {f"cifar-100-python/{part}": _cifar_batch(
        rng, count, {"fine_labels": 100, "coarse_labels": 20})
        for part, count in (("train", 4), ("test", 2))}
    files["cifar-100-python.tar.gz"] = _tar_gz(cifar100)
    files["imdb.npz"] = _npz(
        x_train=_ragged(rng, 12, 30, (2, 9)), y_train=rng.randint(0, 2, 12),
        x_test=_ragged(rng, 8, 30, (2, 9)), y_test=rng.randint(0, 2, 8))
    files["imdb_word_index.json"] = json.dumps({"the": 1, "and": 2, "film": 3}).encode()
    files["reuters.npz"] = _npz(x=_ragged(rng, 15, 40, (2, 10)), y=rng.randint(0, 46, 15))
    files["reuters_word_index.json"] = json.dumps({"said": 1, "mln": 2}).encode()
    files["boston_housing.npz"] = _npz(x=rng.rand(21, 13), y=rng.rand(21) * 50)
    files["california_housing.npz"] = _npz(x=rng.rand(25, 8).astype(np.float32),
                                            y=(rng.rand(25) * 5e5).astype(np.float32))
    return files


# (scenario name, keras.datasets module, function, keyword arguments), recorded from Keras by
# tools/make_dataset_fixtures.py and replayed on featherflow by tests/datasets/test_load_data.py.
SCENARIOS = [
    ("mnist", "mnist", "load_data", {}),
    ("fashion_mnist", "fashion_mnist", "load_data", {}),
    ("cifar10", "cifar10", "load_data", {}),
    ("cifar100_fine", "cifar100", "load_data", {}),
    ("cifar100_coarse", "cifar100", "load_data", {"label_mode": "coarse"}),
    ("imdb", "imdb", "load_data", {}),
    ("imdb_limits", "imdb", "load_data",
     {"num_words": 20, "skip_top": 4, "maxlen": 8, "seed": 5}),
    ("imdb_no_offsets", "imdb", "load_data",
     {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 15}),
    ("imdb_word_index", "imdb", "get_word_index", {}),
    ("reuters", "reuters", "load_data", {}),
    ("reuters_limits", "reuters", "load_data",
     {"num_words": 25, "skip_top": 3, "test_split": 0.3, "maxlen": 9, "seed": 7}),
    ("reuters_no_start", "reuters", "load_data", {"start_char": None, "index_from": 0}),
    ("reuters_word_index", "reuters", "get_word_index", {}),
    ("boston_housing", "boston_housing", "load_data", {}),
    ("boston_housing_split", "boston_housing", "load_data", {"test_split": 0.3, "seed": 1}),
    ("california_housing", "california_housing", "load_data", {}),
    ("california_housing_small", "california_housing", "load_data",
     {"version": "small", "test_split": 0.25, "seed": 3}),
]


def encode(value):
    """A JSON form of a load_data result that keeps dtypes and shapes."""
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": value}
    array = np.asarray(value)
    if array.dtype == object:
        return {"object_array": [[int(w) for w in row] for row in array]}
    encoded = {"dtype": array.dtype.str, "shape": list(array.shape)}
    if array.size > 64:
        # Images: their digest keeps the fixture small and still pins every pixel.
        encoded["sha256"] = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
    else:
        encoded["data"] = array.tolist()
    return encoded
