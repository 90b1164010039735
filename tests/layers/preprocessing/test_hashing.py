"""Hashing and HashedCrossing against Keras 3.15.1 (tests/fixtures/keras/
layers_text_preprocessing/cases.json): FarmHash buckets of strings and of integers (written as
decimal strings first), floats truncated, SipHash buckets with a salt, the mask bin, the
one-hot/multi-hot/count outputs, TF's cross_hashed buckets; then errors."""

import numpy as np
import pytest

import featherflow as tf
from tests.layers.preprocessing.text_cases import case_ids, cases, check_case

L = tf.keras.layers
HASH_CASES = cases("Hashing", "HashedCrossing")


@pytest.fixture
def float64():
    # the fixtures were recorded with floatx float64
    tf.keras.backend.set_floatx("float64")
    yield
    tf.keras.backend.set_floatx("float32")


@pytest.mark.parametrize("case", HASH_CASES, ids=case_ids(HASH_CASES))
def test_hashing_matches_keras(case, float64):
    check_case(case)


def test_hashing_errors():
    for bad in (0, -3, None, 2.5):
        with pytest.raises(ValueError, match=f"num_bins.*Received: num_bins={bad!r}"):
            L.Hashing(num_bins=bad)
    with pytest.raises(ValueError, match="`dtype` should be an integer type"):
        L.Hashing(num_bins=3, dtype="float32")
    with pytest.raises(ValueError, match="Expected one of .*tf_idf"):
        L.Hashing(num_bins=3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="salt.*tuple of size 2 integers"):
        L.Hashing(num_bins=3, salt=[1, 2, 3])
    with pytest.raises(ValueError, match="SparseTensor"):
        L.Hashing(num_bins=3, output_mode="count", sparse=True)


def test_hashed_crossing_errors():
    layer = L.HashedCrossing(num_bins=4)
    with pytest.raises(ValueError, match="list or tuple of inputs"):
        layer(np.array(["a"]))
    with pytest.raises(ValueError, match="at least two inputs"):
        layer([np.array(["a"])])
    with pytest.raises(ValueError, match="equal shape"):
        layer([np.array(["a", "b"]), np.array([1])])
    with pytest.raises(ValueError, match=r"shape `\(\)`, `\(batch_size\)` or"):
        layer([np.zeros((2, 2), np.int64), np.zeros((2, 2), np.int64)])
    with pytest.raises(ValueError, match="integer or string dtype"):
        layer([np.array([1.5]), np.array([1])])
    with pytest.raises(ValueError, match="num_bins"):
        L.HashedCrossing(num_bins=0)


def test_hashing_in_a_model_and_dataset_map():
    hashing = L.Hashing(num_bins=7)
    inputs = tf.keras.Input(shape=(3,), dtype="string")
    out = hashing(inputs)
    assert (out.shape, out.dtype) == ((None, 3), "int64")
    crossing = L.HashedCrossing(num_bins=5, output_mode="one_hot")
    crossed = crossing([tf.keras.Input(shape=(1,), dtype="string"),
                        tf.keras.Input(shape=(1,), dtype="int64")])
    assert (crossed.shape, crossed.dtype) == ((None, 5), "float32")
    ds = tf.data.Dataset.from_tensor_slices([["a", "b", "hello"]]).map(hashing)
    # FarmHash buckets of Keras's hash_str case (num_bins=7)
    assert [x.numpy().tolist() for x in ds] == [[5, 2, 5]]
