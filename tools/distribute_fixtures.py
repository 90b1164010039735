"""Record what TensorFlow's MirroredStrategy does on 2 logical CPU replicas, for
tests/distribute/test_tf_reference.py: how experimental_distribute_dataset splits full and
short global batches, strategy.reduce/gather values, compute_average_loss and
scale_regularization_loss in a replica, InputContext.

Run: /work/venv-tf/bin/python tools/distribute_fixtures.py
Writes tests/fixtures/tf/distribute/mirrored.json. With the argument `keras`: Keras fits under
MirroredStrategy (1 and 2 logical CPUs) and, in 2 processes on 127.0.0.1 with TF_CONFIG,
MultiWorkerMirroredStrategy (auto-shard policies, a tf_keras fit): keras_fit.json."""

import json
import os

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "tf", "distribute",
                   "mirrored.json")


def _outcome(fn):
    """The value (dtype, list) or the error class name."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the class of TF's error is the record
        return {"error": type(e).__name__}
    return {"dtype": r.dtype.name, "value": r.numpy().tolist()}


def average_loss_cases(strategy):
    """compute_average_loss / scale_regularization_loss outside every strategy, and their
    errors in the cross-replica context of a strategy's scope."""
    x = tf.constant([1.0, 2.0, 3.0])
    cases = {
        "rank0": lambda: tf.nn.compute_average_loss(tf.constant(2.0)),
        "float_batch": lambda: tf.nn.compute_average_loss(x, global_batch_size=4.0),
        "negative_batch": lambda: tf.nn.compute_average_loss(x, global_batch_size=-1),
        "zero_batch": lambda: tf.nn.compute_average_loss(x, global_batch_size=0),
        "vector_batch": lambda: tf.nn.compute_average_loss(x, global_batch_size=[4]),
        "weight_column": lambda: tf.nn.compute_average_loss(
            x, sample_weight=tf.constant([[1.0], [0.0], [2.0]])),
        "weight_scalar": lambda: tf.nn.compute_average_loss(x, sample_weight=2.0),
        "rank2": lambda: tf.nn.compute_average_loss(tf.ones((2, 3))),
        "float64_weighted": lambda: tf.nn.compute_average_loss(
            tf.constant([1.0, 2.0], tf.float64), sample_weight=[1.0, 2.0]),
        "int32": lambda: tf.nn.compute_average_loss(tf.constant([1, 2])),
        "reg_list": lambda: tf.nn.scale_regularization_loss([tf.constant(1.0),
                                                             tf.constant(2.0)]),
        "reg_vector": lambda: tf.nn.scale_regularization_loss(tf.constant([1.0, 2.0])),
    }
    out = {k: _outcome(f) for k, f in cases.items()}
    with strategy.scope():
        out["cross_replica"] = _outcome(lambda: tf.nn.compute_average_loss(x))
        out["cross_replica_batch"] = _outcome(
            lambda: tf.nn.compute_average_loss(x, global_batch_size=2))
        out["cross_replica_reg"] = _outcome(lambda: tf.nn.scale_regularization_loss(x))
    return out


def main():
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    rec = {"num_replicas_in_sync": strategy.num_replicas_in_sync}

    splits = {}
    for n, batch in [(13, 8), (9, 8), (7, 3), (10, 5)]:
        ds = tf.data.Dataset.range(n).batch(batch)
        rows = []
        for element in strategy.experimental_distribute_dataset(ds):
            rows.append([v.numpy().tolist() for v in strategy.experimental_local_results(
                element)])
        splits[f"{n}/{batch}"] = rows
    rec["splits"] = splits

    def values(ctx):
        r = ctx.replica_id_in_sync_group
        return tf.reshape(tf.range(3 * (r + 1), dtype=tf.float32), (r + 1, 3)) + 10.0 * r

    local = strategy.experimental_distribute_values_from_function(values)
    rec["mean_axis0"] = strategy.reduce(tf.distribute.ReduceOp.MEAN, local, axis=0).numpy() \
        .tolist()
    rec["sum_axis0"] = strategy.reduce(tf.distribute.ReduceOp.SUM, local, axis=0).numpy().tolist()
    rec["gather0"] = strategy.gather(local, axis=0).numpy().tolist()

    def scalars(ctx):
        return tf.constant(float(ctx.replica_id_in_sync_group))

    s = strategy.experimental_distribute_values_from_function(scalars)
    rec["mean_none"] = float(strategy.reduce("MEAN", s, axis=None).numpy())
    rec["sum_none"] = float(strategy.reduce("SUM", s, axis=None).numpy())

    def losses(ctx):
        r = ctx.replica_id_in_sync_group
        return tf.constant([1.0, 2.0, 3.0]) * (r + 1)

    per = strategy.experimental_distribute_values_from_function(losses)

    def step(x):
        return (tf.nn.compute_average_loss(x), tf.nn.compute_average_loss(x, global_batch_size=4),
                tf.nn.scale_regularization_loss(tf.reduce_sum(x)),
                tf.nn.compute_average_loss(x[:0]))

    out = strategy.run(step, args=(per,))
    rec["in_replica"] = [[float(v.numpy()) for v in strategy.experimental_local_results(o)]
                         for o in out]
    ctx = tf.distribute.InputContext(num_input_pipelines=2, input_pipeline_id=1,
                                     num_replicas_in_sync=4)
    rec["input_context"] = [ctx.num_input_pipelines, ctx.input_pipeline_id,
                            ctx.num_replicas_in_sync, ctx.get_per_replica_batch_size(16)]
    with strategy.scope():
        rec["scope"] = [tf.distribute.has_strategy(), tf.distribute.in_cross_replica_context(),
                        tf.distribute.get_replica_context() is None]
    rec["outside"] = [tf.distribute.has_strategy(), tf.distribute.in_cross_replica_context(),
                      tf.distribute.get_replica_context() is None,
                      tf.distribute.get_strategy().num_replicas_in_sync]
    rec["average_loss"] = average_loss_cases(strategy)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(rec, f, indent=1)
        f.write("\n")
    print(json.dumps(rec)[:2000])




# -- Keras fit under strategies, and 2 MultiWorkerMirroredStrategy workers ------------------
# Run: /work/venv-tf/bin/python tools/distribute_fixtures.py keras
# Writes tests/fixtures/tf/distribute/keras_fit.json (tests/distribute/test_fit.py).

KERAS_OUT = os.path.join(os.path.dirname(OUT), "keras_fit.json")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _fit_case():
    import sys

    sys.path.insert(0, ROOT)
    from tests.distribute import fit_case

    return fit_case


def _fit_under(strategy, keras, n):
    fit_case = _fit_case()
    x, y, xv, yv = fit_case.data(n)
    with strategy.scope():
        model = fit_case.build(keras)
        model.set_weights(fit_case.initial_weights())
        fit_case.compile_model(model, keras)
    return fit_case.run(model, x, y, xv, yv)


def _shard_records(strategy, files):
    P = tf.data.experimental.AutoShardPolicy
    out = {}

    def rec(name, ds, policy):
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = policy
        ds = ds.with_options(options)
        try:
            out[name] = [[int(v) for v in strategy.experimental_local_results(e)[0].numpy()
                          .reshape(-1)] for e in strategy.experimental_distribute_dataset(ds)]
        except Exception as e:  # noqa: BLE001 - the class of TF's error is the record
            out[name] = "ERR " + type(e).__name__

    def number(line):
        return tf.strings.to_number(line, tf.int64)

    pattern = os.path.join(os.path.dirname(files[0]), "f*.txt")
    for pol in ["OFF", "AUTO", "FILE", "DATA"]:
        rec(f"range13/{pol}", tf.data.Dataset.range(13).batch(4), getattr(P, pol))
        rec(f"text/{pol}", tf.data.TextLineDataset(files).map(number).batch(4),
            getattr(P, pol))
        rec(f"listfiles/{pol}", tf.data.Dataset.list_files(pattern, shuffle=False).interleave(
            tf.data.TextLineDataset, cycle_length=1).map(number).batch(4), getattr(P, pol))
    return out


def shard_files(folder):
    """4 text files of 3 numbered lines each (file f holds 10f, 10f+1, 10f+2)."""
    paths = []
    for f in range(4):
        path = os.path.join(folder, f"f{f}.txt")
        with open(path, "w") as fh:
            fh.write("".join(f"{10 * f + i}\n" for i in range(3)))
        paths.append(path)
    return paths


def worker(index, ports, folder, out):
    """One of 2 MultiWorkerMirroredStrategy workers on 127.0.0.1. Keras 3's fit fails
    under MultiWorkerMirroredStrategy in TF 2.21 (a PerReplica batch reaches
    _maybe_symbolic_build: "Attempt to convert a value (PerReplica...) ... to a Tensor"), so
    the 2-worker fit is tf_keras's (Keras 2, same step arithmetic)."""
    import tf_keras

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rec = {"shards": _shard_records(strategy, sorted(
        os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".txt")))}
    rec["tf_keras_fit32"] = _fit_under(strategy, tf_keras, 32)
    with open(out, "w") as f:
        json.dump(rec, f)


def _run_two_workers(ports, folder, args):
    """Two MultiWorkerMirroredStrategy workers of this script (``args(index, out_path)``:
    their command line), TF_CONFIG naming ``ports``; returns their JSON results."""
    import subprocess
    import sys

    procs, outs = [], []
    for i in range(2):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_CONFIG=json.dumps(
            {"cluster": {"worker": ports}, "task": {"type": "worker", "index": i}}))
        outs.append(os.path.join(folder, f"worker{i}.json"))
        procs.append(subprocess.Popen([sys.executable, __file__, *args(i, outs[-1])], env=env))
    for p in procs:
        if p.wait(timeout=600) != 0:
            raise SystemExit(f"a MultiWorkerMirroredStrategy worker exited {p.returncode}")
    workers = []
    for path in outs:
        with open(path) as f:
            workers.append(json.load(f))
    return workers


def keras_main():
    import tempfile

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    rec = {}
    for n in (32, 35):
        rec[f"mirrored1_{n}"] = _fit_under(tf.distribute.MirroredStrategy(["/cpu:0"]),
                                           tf.keras, n)
        rec[f"mirrored2_{n}"] = _fit_under(
            tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]), tf.keras, n)
    folder = tempfile.mkdtemp()
    shard_files(folder)
    rec["workers"] = _run_two_workers(
        ["127.0.0.1:23486", "127.0.0.1:23487"], folder,
        lambda i, out: ["worker", str(i), folder, out])
    with open(KERAS_OUT, "w") as f:
        json.dump(rec, f)
        f.write("\n")
    print("wrote", KERAS_OUT)


# -- train_on_batch / test_on_batch / predict_on_batch on 2 MultiWorkerMirroredStrategy workers
# Run: /work/venv-tf/bin/python tools/distribute_fixtures.py on_batch
# Writes tests/fixtures/tf/distribute/on_batch.json (tests/distribute/test_on_batch.py): the
# BatchNormalization case of tests/distribute/on_batch_case.py on evenly split batches, in
# tf_keras (its *_on_batch distribute the batch: data_adapter.single_batch_iterator).

ON_BATCH_OUT = os.path.join(os.path.dirname(OUT), "on_batch.json")


def on_batch_worker(out):
    import sys

    import tf_keras

    sys.path.insert(0, ROOT)
    from tests.distribute import on_batch_case

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rec = on_batch_case.run_bn(tf_keras, strategy, on_batch_case.EVEN)
    # each worker's test/predict_on_batch normalise with its own replica's moving statistics
    # (ON_READ variables, read locally in a replica); the same model with the statistics
    # averaged over the workers (what get_weights reads), in one process:
    x, y, xv, yv = on_batch_case.fit_case.data(35)
    plain = on_batch_case._bn_model(tf_keras)
    plain.set_weights([np.asarray(w, np.float32) for w in rec["weights"]])
    on_batch_case.fit_case.compile_model(plain, tf_keras)
    rec["averaged_test"] = {k: float(v) for k, v in plain.test_on_batch(
        xv, yv, return_dict=True).items()}
    rec["averaged_predict"] = np.asarray(plain.predict_on_batch(x[:6]), np.float64).tolist()
    with open(out, "w") as f:
        json.dump(rec, f)


def on_batch_main():
    import tempfile

    folder = tempfile.mkdtemp()
    workers = _run_two_workers(["127.0.0.1:23496", "127.0.0.1:23497"], folder,
                               lambda i, out: ["on_batch_worker", out])
    with open(ON_BATCH_OUT, "w") as f:
        json.dump({"workers": workers}, f)
        f.write("\n")
    print("wrote", ON_BATCH_OUT)


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["keras"]:
        keras_main()
    elif sys.argv[1:2] == ["worker"]:
        worker(int(sys.argv[2]), None, sys.argv[3], sys.argv[4])
    elif sys.argv[1:2] == ["on_batch"]:
        on_batch_main()
    elif sys.argv[1:2] == ["on_batch_worker"]:
        on_batch_worker(sys.argv[2])
    else:
        main()
