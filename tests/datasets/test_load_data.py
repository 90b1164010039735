"""keras.datasets loaders against a 127.0.0.1 mirror, compared with Keras 3.15.1's own loaders.

The expected values were recorded by tools/make_dataset_fixtures.py running Keras's loaders on
the same tiny files (tests/datasets/published_files.py).
"""

import hashlib
import importlib
import json
import pathlib

import pytest

import featherflow as tf
from tests.datasets import http_server, published_files

FIXTURE = pathlib.Path(__file__).parents[1] / "fixtures" / "keras" / "datasets" / "load_data.json"
RECORDED = json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def files():
    return published_files.published_files()


@pytest.fixture
def mirror(files, tmp_path, monkeypatch):
    """A local mirror of every data set file, with the loaders' hashes set to the tiny files'."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    with http_server.serve({f"/{name}": body for name, body in files.items()}) as server:
        monkeypatch.setenv("FEATHERFLOW_DATASETS_MIRROR", server.url + "/datasets-mirror/")
        server.files = {f"/datasets-mirror/{name}": body for name, body in files.items()}
        for module_name in ("mnist", "cifar10", "cifar100", "imdb", "reuters",
                            "boston_housing", "california_housing"):
            module = importlib.import_module(f"featherflow.datasets.{module_name}")
            monkeypatch.setattr(module, "FILE_HASH",
                                hashlib.sha256(files[module.FILE_NAME]).hexdigest())
            if hasattr(module, "WORD_INDEX_FILE_HASH"):
                monkeypatch.setattr(module, "WORD_INDEX_FILE_HASH",
                                    hashlib.md5(files[module.WORD_INDEX_FILE_NAME]).hexdigest())
        yield server


@pytest.mark.parametrize("name,module_name,function,kwargs", published_files.SCENARIOS,
                         ids=[scenario[0] for scenario in published_files.SCENARIOS])
def test_matches_keras(mirror, name, module_name, function, kwargs):
    module = getattr(tf.keras.datasets, module_name)
    result = getattr(module, function)(**kwargs)
    assert published_files.encode(result) == RECORDED["scenarios"][name]


def test_cached_files_are_reused_and_laid_out_as_keras(mirror, tmp_path):
    tf.keras.datasets.mnist.load_data()
    tf.keras.datasets.mnist.load_data()
    assert mirror.requests["/datasets-mirror/mnist.npz"] == 1, dict(mirror.requests)
    datasets_dir = tmp_path / "keras_home" / "datasets"
    assert (datasets_dir / "mnist.npz").is_file()
    tf.keras.datasets.cifar10.load_data()
    assert (datasets_dir / "cifar-10-batches-py-target_archive").is_file()
    assert (datasets_dir / "cifar-10-batches-py-target" / "cifar-10-batches-py"
            / "test_batch").is_file()
    tf.keras.datasets.fashion_mnist.load_data()
    assert (datasets_dir / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").is_file()
    assert sorted(p.name for p in datasets_dir.iterdir() if p.name.startswith(".")) == []


def test_published_hash_rejects_other_bytes(mirror, monkeypatch, tmp_path):
    from featherflow.datasets import mnist

    monkeypatch.setattr(mnist, "FILE_HASH", "0" * 64)
    with pytest.raises(ValueError, match=r"mnist\.npz.*does not match"):
        tf.keras.datasets.mnist.load_data()
    assert not (tmp_path / "keras_home" / "datasets" / "mnist.npz").exists()


def test_loaders_default_to_keras_origins(monkeypatch):
    from featherflow.datasets import sources

    monkeypatch.delenv("FEATHERFLOW_DATASETS_MIRROR", raising=False)
    assert sources.origin(sources.KERAS_DATASETS, "imdb.npz") == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz")
    assert sources.origin(sources.TORONTO_CIFAR, "cifar-10-python.tar.gz") == (
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz")


def test_bad_arguments_are_named(mirror):
    with pytest.raises(ValueError, match="label_mode"):
        tf.keras.datasets.cifar100.load_data(label_mode="medium")
    with pytest.raises(ValueError, match="test_split"):
        tf.keras.datasets.boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version"):
        tf.keras.datasets.california_housing.load_data(version="tiny")
    with pytest.raises(ValueError, match="maxlen=1"):
        tf.keras.datasets.imdb.load_data(maxlen=1)


def test_reuters_label_names():
    assert len(tf.keras.datasets.reuters.get_label_names()) == 46
    assert tf.keras.datasets.reuters.get_label_names()[3] == "earn"
