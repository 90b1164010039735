"""TensorFlow checkpoints (TensorBundle) whose index lies about its tensors are refused before
anything is allocated, and decoding is charged to the loading budget (docs/reliability.md).

TensorFlow 2.21 on the same crafted bundles: a negative dimension or a shape whose element count
overflows int64 aborts the process (``Check failed`` in tensor_shape.cc), a string tensor
declaring 10**9 elements over 8 bytes crashes it (SIGSEGV), a data file shorter than declared
is an ``IndexError`` ("Read less bytes than requested"), and a declared size of 40 GB is read
as far as the allocator lets it.
"""

import tracemalloc

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import DataLossError
from featherflow.saving import set_load_limits
from featherflow.saving.tf_checkpoint import table, wire
from featherflow.saving.tf_checkpoint.bundle import data_path, encode_tensor, index_path
from featherflow.saving.tf_checkpoint.checksum import crc32c, mask
from featherflow.serialization.load_limits import LoadLimitError

FOUR = np.arange(4, dtype="<f4").tobytes()


def _bundle(prefix, dtype, shape, data=FOUR, size=None, offset=0, shard=0, num_shards=1):
    """A one-tensor bundle under key 'v' whose entry declares what the arguments say."""
    if dtype == "string" and isinstance(data, list):
        _, _, data, crc = encode_tensor(np.array(data, dtype=object))
    else:
        crc = mask(crc32c(data))
    for i in range(num_shards):
        with open(data_path(prefix, i, num_shards), "wb") as f:
            f.write(data)
    entry = wire.entry(wire.ENUM_OF_DTYPE[dtype], shape, offset,
                       len(data) if size is None else size, crc, shard)
    with open(index_path(prefix), "wb") as f:
        f.write(table.build([(b"", wire.header(num_shards)), (b"v", entry)]))
    return str(prefix)


def _peak(fn):
    tracemalloc.start()
    try:
        try:
            out = fn()
        except Exception as err:  # the caller checks which
            out = err
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# (case, bundle arguments, message) - each refused before its data is read
CRAFTED = [
    ("shape of 10**10 floats over 16 bytes", ("float32", (100000, 100000)),
     "Invalid size in bundle entry: key v; stored size 16; expected size 40000000000"),
    ("40 GB declared, 16 bytes stored", ("float32", (100000, 100000), FOUR, 40 * 10**9),
     "declares bytes 0 to 40000000000 but"),
    ("data file shorter than declared", ("float32", (1000,), FOUR, 4000),
     "runs past the end of its data file: it declares bytes 0 to 4000"),
    ("element count over int64", ("float32", (1 << 40, 1 << 40)),
     "expected size 4835703278458516698824704"),
    ("negative dimension", ("float64", (-1, 4)), "declares the shape [-1, 4], with a negative"),
    ("offset past the end", ("float32", (4,), FOUR, None, 1 << 60),
     "declares bytes 1152921504606846976 to"),
    ("10**9 strings over 8 bytes", ("string", (10**9,), b"\0" * 8),
     "declares 1000000000 elements of shape [1000000000] but stores 8 bytes"),
    ("a shard the index does not have", ("float32", (4,), FOUR, None, 0, 3),
     "is in data file 3 but the checkpoint has 1"),
]


def test_crafted_bundles_are_refused_before_allocating(tmp_path):
    tf.train.load_variable(_bundle(tmp_path / "warm", "float32", (4,)), "v")  # lazy imports
    for i, (case, args, message) in enumerate(CRAFTED):
        prefix = _bundle(tmp_path / f"c{i}", *args)
        for read in (lambda p=prefix: tf.train.load_checkpoint(p).get_tensor("v"),
                     lambda p=prefix: tf.train.load_variable(p, "v")):
            err, peak = _peak(read)
            assert isinstance(err, DataLossError), (case, err)
            assert message in str(err), (case, str(err))
            assert peak < 1 << 20, (case, peak)


def test_a_valid_bundle_still_reads(tmp_path):
    prefix = _bundle(tmp_path / "ok", "float32", (2, 2))
    np.testing.assert_array_equal(tf.train.load_variable(prefix, "v"),
                                  np.arange(4, dtype="f4").reshape(2, 2))
    strings = _bundle(tmp_path / "s", "string", (3,), [b"a", b"", b"xyz"])
    assert list(tf.train.load_variable(strings, "v")) == [b"a", b"", b"xyz"]


def test_decoding_is_charged_to_the_load_budget(tmp_path):
    # 50 000 empty strings: a 50 kB data file that decodes into ~7 MB of Python objects
    prefix = _bundle(tmp_path / "many", "string", (50_000,), [b""] * 50_000)
    set_load_limits(max_bytes=4 << 20)
    try:
        err, peak = _peak(lambda: tf.train.load_variable(prefix, "v"))
    finally:
        set_load_limits(max_bytes=None)
    assert isinstance(err, LoadLimitError), err
    text = str(err)
    assert f"Loading checkpoint '{prefix}': tensor 'v' (string, shape [50000])" in text
    assert "exceeds the loading budget of 4.0 MiB" in text and "set_load_limits" in text
    assert peak < 1 << 20
    value, peak = _peak(lambda: tf.train.load_variable(prefix, "v"))  # automatic budget
    assert value.shape == (50_000,) and peak < 50_000 * 160


def test_one_reader_charges_its_reads_together(tmp_path):
    prefix = _bundle(tmp_path / "f", "float32", (256, 1024), bytes(1 << 20))
    reader = tf.train.load_checkpoint(prefix)
    set_load_limits(max_bytes=5 << 19)
    try:
        reader.get_tensor("v")
        reader.get_tensor("v")  # 2 of the 2.5 MiB
        with pytest.raises(LoadLimitError, match="with the 2.0 MiB .* already loaded exceeds"):
            reader.get_tensor("v")
    finally:
        set_load_limits(max_bytes=None)
