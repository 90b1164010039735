"""Lookup tables in tf.train.Checkpoint, written and read by real TF, for
tests/api/test_lookup_checkpoint.py.

    /work/venv-tf/bin/python tools/lookup_checkpoint_fixtures.py write     # TF writes
    /work/venv-dev/bin/python tools/lookup_checkpoint_fixtures.py featherflow   # featherflow
    /work/venv-tf/bin/python tools/lookup_checkpoint_fixtures.py read      # TF reads ours

``write`` saves one checkpoint of every kind of table (``build``) into
tests/fixtures/tf/lookup_checkpoints/tf/, and records its tensors, its object graph, and what
fresh tables (``fresh``) hold after TF restores it (``observe``) in expected.json.
``featherflow`` writes the same tables with featherflow into featherflow_written/; ``read``
restores that into fresh TF tables and records the same observations in
featherflow_written/tf_read.json. The builders take the ``tf`` module, so the same code
makes the tables in both libraries.
"""

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tf" / "lookup_checkpoints"
GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def record(value):
    value = np.asarray(value)
    if value.dtype.kind in "OSU":
        items = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in value.ravel()]
        return {"dtype": "string", "shape": list(value.shape), "value": items}
    return {"dtype": value.dtype.name, "shape": list(value.shape),
            "value": value.ravel().tolist()}


def build(tf):
    """One table of every kind, filled (inserts, removes, a dense table that grows)."""
    lookup = tf.lookup
    tables = {}
    tables["static"] = lookup.StaticHashTable(lookup.KeyValueTensorInitializer(
        tf.constant([1, 2, 3], tf.int64), tf.constant([10.0, 20.0, 30.0])), -1.0)
    tables["vocab"] = lookup.StaticVocabularyTable(lookup.KeyValueTensorInitializer(
        tf.constant(["a", "b"]), tf.constant([0, 1], tf.int64)), 2)
    words = lookup.experimental.MutableHashTable(tf.string, tf.int64, -1)
    words.insert(tf.constant(["x", "y", "z"]), tf.constant([5, 6, 7], tf.int64))
    words.remove(tf.constant(["y"]))
    tables["words"] = words
    vectors = lookup.experimental.MutableHashTable(tf.int64, tf.float32, [0.0, -1.0])
    vectors.insert(tf.constant([1, 2], tf.int64), tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    tables["vectors"] = vectors
    names = lookup.experimental.MutableHashTable(tf.int64, tf.string, "?")
    names.insert(tf.constant([7, -3], tf.int64), tf.constant(["seven", "minus three"]))
    tables["names"] = names
    dense = lookup.experimental.DenseHashTable(tf.int64, tf.float32, -1.0, empty_key=-1,
                                               deleted_key=-2, initial_num_buckets=8)
    dense.insert(tf.constant([3, 11, 4], tf.int64), tf.constant([1.0, 2.0, 3.0]))
    dense.remove(tf.constant([4], tf.int64))
    dense.insert(tf.constant([19, 12], tf.int64), tf.constant([4.0, 5.0]))
    tables["dense"] = dense
    grown = lookup.experimental.DenseHashTable(tf.string, tf.int64, -1, empty_key="",
                                               deleted_key="<deleted>", initial_num_buckets=4)
    grown.insert(tf.constant(["a", "b", "c", "d", "e"]), tf.constant([1, 2, 3, 4, 5], tf.int64))
    grown.insert(tf.constant(["a", "f"]), tf.constant([10, 6], tf.int64))
    tables["grown"] = grown
    pairs = lookup.experimental.DenseHashTable(tf.int64, tf.float32, [0.0, 0.0],
                                               empty_key=[-1, -1], deleted_key=[-2, -2],
                                               initial_num_buckets=4)
    pairs.insert(tf.constant([[1, 2], [3, 4]], tf.int64), tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    tables["pairs"] = pairs
    unsaved = lookup.experimental.MutableHashTable(tf.int64, tf.int64, -1, checkpoint=False)
    unsaved.insert(tf.constant([1], tf.int64), tf.constant([1], tf.int64))
    tables["unsaved"] = unsaved
    module = tf.Module()
    module.table = lookup.experimental.MutableHashTable(tf.int64, tf.int64, 0)
    module.table.insert(tf.constant([40, 41], tf.int64), tf.constant([400, 410], tf.int64))
    tables["module"] = module
    return tables


def fresh(tf):
    """Tables of the same kinds, empty where they can be (dense ones with other bucket
    counts), for a checkpoint to fill."""
    lookup = tf.lookup
    tables = build(tf)
    mutable = lookup.experimental.MutableHashTable
    dense = lookup.experimental.DenseHashTable
    tables["words"] = mutable(tf.string, tf.int64, -1)
    tables["vectors"] = mutable(tf.int64, tf.float32, [0.0, -1.0])
    tables["names"] = mutable(tf.int64, tf.string, "?")
    tables["dense"] = dense(tf.int64, tf.float32, -1.0, empty_key=-1, deleted_key=-2,
                            initial_num_buckets=4)
    tables["grown"] = dense(tf.string, tf.int64, -1, empty_key="", deleted_key="<deleted>",
                            initial_num_buckets=64)
    tables["pairs"] = dense(tf.int64, tf.float32, [0.0, 0.0], empty_key=[-1, -1],
                            deleted_key=[-2, -2], initial_num_buckets=8)
    tables["unsaved"] = mutable(tf.int64, tf.int64, -1, checkpoint=False)
    module = tf.Module()
    module.table = mutable(tf.int64, tf.int64, 0)
    tables["module"] = module
    return tables


def _sorted_export(table):
    keys, values = (np.asarray(t) for t in table.export())
    order = np.argsort(keys.tolist(), kind="stable") if len(keys) else np.arange(0)
    return [record(keys[order]), record(values[order])]


def observe(tf, tables):
    """What the tables answer: sizes, lookups, exports (a MutableHashTable's sorted by key:
    its order is its hash map's)."""
    c = tf.constant
    out = {name: {"size": int(tables[name].size().numpy())}
           for name in ("static", "vocab", "words", "vectors", "names", "dense", "grown",
                        "pairs", "unsaved")}
    out["static"]["lookup"] = record(tables["static"].lookup(c([1, 3, 5], tf.int64)))
    out["vocab"]["lookup"] = record(tables["vocab"].lookup(c(["a", "b", "zz"])))
    out["words"]["lookup"] = record(tables["words"].lookup(c(["x", "y", "z", "w"])))
    out["vectors"]["lookup"] = record(tables["vectors"].lookup(c([2, 1, 9], tf.int64)))
    out["names"]["lookup"] = record(tables["names"].lookup(c([-3, 7, 0], tf.int64)))
    out["dense"]["lookup"] = record(tables["dense"].lookup(c([3, 11, 4, 19, 12, 5], tf.int64)))
    out["grown"]["lookup"] = record(tables["grown"].lookup(c(["a", "c", "f", "q"])))
    out["pairs"]["lookup"] = record(tables["pairs"].lookup(c([[3, 4], [1, 2], [2, 1]],
                                                             tf.int64)))
    out["unsaved"]["lookup"] = record(tables["unsaved"].lookup(c([1], tf.int64)))
    out["module"] = {"lookup": record(tables["module"].table.lookup(c([40, 41, 42],
                                                                      tf.int64)))}
    for name in ("words", "vectors", "names", "unsaved"):
        out[name]["export"] = _sorted_export(tables[name])
    for name in ("dense", "grown", "pairs"):
        out[name]["export"] = [record(t) for t in tables[name].export()]
    return out


def tensors(tf, prefix):
    reader = tf.train.load_checkpoint(prefix)
    return {key: record(reader.get_tensor(key)) for key, _ in tf.train.list_variables(prefix)
            if key not in (GRAPH_KEY, "save_counter/.ATTRIBUTES/VARIABLE_VALUE")}


def graph(tf, prefix):
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    proto = trackable_object_graph_pb2.TrackableObjectGraph()
    proto.ParseFromString(tf.train.load_checkpoint(prefix).get_tensor(GRAPH_KEY))
    return [{"children": [[c.node_id, c.local_name] for c in node.children],
             "attributes": [[a.name, a.full_name, a.checkpoint_key] for a in node.attributes]}
            for node in proto.nodes]


def write(tf):
    shutil.rmtree(ROOT / "tf", ignore_errors=True)
    prefix = tf.train.Checkpoint(**build(tf)).write(str(ROOT / "tf" / "ckpt"))
    tables = fresh(tf)
    tf.train.Checkpoint(**tables).read(prefix).assert_consumed()
    return {"versions": {"tensorflow": tf.__version__}, "prefix": "tf/ckpt",
            "tensors": tensors(tf, prefix), "graph": graph(tf, prefix),
            "restored": observe(tf, tables), "built": observe(tf, build(tf))}


def read(tf):
    prefix = str(ROOT / "featherflow_written" / "ckpt")
    tables = fresh(tf)
    tf.train.Checkpoint(**tables).read(prefix).assert_consumed()
    return {"versions": {"tensorflow": tf.__version__}, "restored": observe(tf, tables),
            "tensors": tensors(tf, prefix)}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "write"
    if mode == "featherflow":
        import featherflow as tf

        shutil.rmtree(ROOT / "featherflow_written", ignore_errors=True)
        tf.train.Checkpoint(**build(tf)).write(str(ROOT / "featherflow_written" / "ckpt"))
        return
    import tensorflow as tf

    if mode == "write":
        ROOT.mkdir(parents=True, exist_ok=True)
        out, path = write(tf), ROOT / "expected.json"
    elif mode == "read":
        out, path = read(tf), ROOT / "featherflow_written" / "tf_read.json"
    else:
        raise SystemExit(f"unknown mode {mode!r}: use 'write', 'featherflow' or 'read'")
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
