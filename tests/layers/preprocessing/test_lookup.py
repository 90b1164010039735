"""StringLookup and IntegerLookup against Keras 3.15.1 (tests/fixtures/keras/
layers_text_preprocessing/cases.json): vocabularies after adapt (order, ties), every output
mode, OOV buckets (FarmHash, SipHash with a salt, floormod), masks, invert, tf-idf weights and
get_config; then featherflow's own errors for bad input."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.layers.preprocessing.text_cases import case_ids, cases, check_case, floatx_of

L = tf.keras.layers
LOOKUP_CASES = cases("StringLookup", "IntegerLookup")


@pytest.fixture(autouse=True)
def float64():
    # the fixtures were recorded with floatx float64 (tf-idf outputs and weights in float64)
    tf.keras.backend.set_floatx("float64")
    yield
    tf.keras.backend.set_floatx("float32")


@pytest.mark.parametrize("case", LOOKUP_CASES, ids=case_ids(LOOKUP_CASES))
def test_lookup_matches_keras(case):
    tf.keras.backend.set_floatx(floatx_of(case))
    check_case(case)


def test_used_before_adapt_names_the_layer():
    layer = L.StringLookup(name="words")
    with pytest.raises(RuntimeError, match="StringLookup layer 'words'.*adapt"):
        layer(["a"])
    with pytest.raises(RuntimeError, match="IntegerLookup layer 'ids'.*adapt"):
        L.IntegerLookup(output_mode="multi_hot", name="ids")([1, 2])


def test_vocabulary_errors():
    with pytest.raises(ValueError, match=r"repeated term.*\['a'\]"):
        L.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="reserved mask_token ''.*index 1"):
        L.StringLookup(vocabulary=["a", "", "b"], mask_token="")
    with pytest.raises(ValueError, match=r"reserved oov_token '\[UNK\]'"):
        L.StringLookup(vocabulary=["a", "[UNK]"], invert=True)
    with pytest.raises(ValueError, match="empty vocabulary"):
        L.StringLookup(vocabulary=[])
    with pytest.raises(ValueError, match="larger than the maximum vocab size"):
        L.IntegerLookup(vocabulary=[1, 2, 3], max_tokens=3)
    with pytest.raises(ValueError, match="`idf_weights` must be the same length"):
        L.StringLookup(vocabulary=["a", "b"], idf_weights=[1.0], output_mode="tf_idf")
    with pytest.raises(ValueError, match="idf_weights` argument must also be provided"):
        L.StringLookup(vocabulary=["a", "b"], output_mode="tf_idf")
    with pytest.raises(ValueError, match="Vocabulary file .*missing.txt does not exist"):
        L.StringLookup(vocabulary="/nonexistent/missing.txt")
    with pytest.raises(ValueError, match="after setting a static vocabulary"):
        L.StringLookup(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(TypeError, match="vocabulary terms must be integers"):
        L.IntegerLookup(vocabulary=["a"])


def test_argument_errors():
    with pytest.raises(ValueError, match="leaves no room for the 3 special indices"):
        L.StringLookup(max_tokens=2, mask_token="", num_oov_indices=2)
    with pytest.raises(ValueError, match="must be greater than 1"):
        L.StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match="SparseTensor.*sparse=False"):
        L.StringLookup(output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match="`output_mode` must be `'int'` when `invert`"):
        L.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="Expected one of .*received output_mode='hot'"):
        L.IntegerLookup(output_mode="hot")
    with pytest.raises(ValueError, match="`salt` can only be used when `oov_method='farmhash'`"):
        L.IntegerLookup(salt=3)
    with pytest.raises(TypeError, match="expects string inputs, received a tensor of dtype int"):
        L.StringLookup(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(TypeError, match="expects integer inputs, received strings"):
        L.IntegerLookup(vocabulary=[1])(["a"])


def test_oov_zero_refuses_unknown_tokens():
    layer = L.StringLookup(vocabulary=["a", "b"], num_oov_indices=0)
    np.testing.assert_array_equal(layer(["b", "a"]).numpy(), [1, 0])
    with pytest.raises(InvalidArgumentError, match=r"found OOV values \['zz'\]"):
        layer(["a", "zz"])


def test_adapt_orders_by_count_then_token_descending():
    layer = L.StringLookup()
    layer.adapt(np.array(["b", "a", "c", "c", "d", "d"]))
    assert layer.get_vocabulary() == ["[UNK]", "d", "c", "b", "a"]
    ints = L.IntegerLookup(max_tokens=4)
    ints.adapt(tf.data.Dataset.from_tensor_slices([3, 1, 2, 2, 7, 7]).batch(4))
    # count 2 for 7 and 2 (7 first), then the largest of the ties 3 and 1; one slot is OOV
    assert ints.get_vocabulary() == [-1, 7, 2, 3]
    assert ints.vocabulary_size() == 4


def test_vocabulary_file_and_set_vocabulary(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\nfire\n", encoding="utf-8")
    layer = L.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "earth", "wind", "fire"]
    np.testing.assert_array_equal(layer(["fire", "water"]).numpy(), [3, 0])
    # a path is stored as an asset, not in the config
    assert layer.get_config()["vocabulary"] is None
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary(include_special_tokens=False) == ["x", "y"]


def test_lookup_in_a_dataset_map_and_invert_round_trip():
    vocab = ["a", "b", "c"]
    forward = L.StringLookup(vocabulary=vocab)
    back = L.StringLookup(vocabulary=vocab, invert=True)
    ds = tf.data.Dataset.from_tensor_slices([["a", "c"], ["b", "q"]]).map(forward)
    ids = [x.numpy().tolist() for x in ds]
    assert ids == [[1, 3], [2, 0]]
    assert back(tf.constant(ids)).numpy().tolist() == [[b"a", b"c"], [b"b", b"[UNK]"]]


def test_symbolic_outputs_carry_the_runtime_dtype_and_shape():
    words = tf.keras.Input(shape=(3,), dtype="string")
    counts = L.StringLookup(vocabulary=["a", "b"], output_mode="count")(words)
    ids = L.IntegerLookup(vocabulary=[4, 5])(tf.keras.Input(shape=(2,), dtype="int64"))
    tfidf = L.StringLookup(vocabulary=["a"], idf_weights=[0.5], output_mode="tf_idf")(words)
    assert (counts.shape, counts.dtype) == ((None, 3), "int64")
    assert (ids.shape, ids.dtype) == ((None, 2), "int64")
    assert (tfidf.shape, tfidf.dtype) == ((None, 2), "float64")
