"""Run under `mpiexec -n 2`: Keras fit/evaluate/predict with MultiWorkerMirroredStrategy
(tests/distribute/fit_case.py), a Dataset input, shuffling, BatchNormalization and what each
rank reads under each auto-shard policy; each rank writes <out>/fit<r>.json."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

import featherflow as tf  # noqa: E402
from tests.distribute import fit_case  # noqa: E402


def shards(strategy, files):
    P = tf.data.experimental.AutoShardPolicy
    out = {}

    def rec(name, ds, policy):
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = policy
        ds = ds.with_options(options)
        try:
            out[name] = [[int(v) for v in np.asarray(e.numpy()).reshape(-1)]
                         for e in strategy.experimental_distribute_dataset(ds)]
        except Exception as e:  # noqa: BLE001 - the error class is compared with TF's
            out[name] = "ERR " + type(e).__name__

    def number(line):
        return tf.strings.to_number(line, tf.int64)

    for pol in ["OFF", "AUTO", "FILE", "DATA"]:
        rec(f"range13/{pol}", tf.data.Dataset.range(13).batch(4), getattr(P, pol))
        rec(f"text/{pol}", tf.data.TextLineDataset(files).map(number).batch(4),
            getattr(P, pol))
        rec(f"listfiles/{pol}", tf.data.Dataset.list_files(
            os.path.join(os.path.dirname(files[0]), "f*.txt"), shuffle=False).interleave(
            tf.data.TextLineDataset, cycle_length=1).map(number).batch(4), getattr(P, pol))
    return out


def main(out, files):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    res = {}
    for n in (32, 35):
        x, y, xv, yv = fit_case.data(n)
        with strategy.scope():
            tf.keras.utils.set_random_seed(200 + rank)  # each rank its own seed
            model = fit_case.build(tf.keras)
            res[f"initial{n}"] = [w.tolist() for w in model.get_weights()]
            model.set_weights(fit_case.initial_weights())
            fit_case.compile_model(model, tf.keras)
        res[f"arrays{n}"] = fit_case.run(model, x, y, xv, yv)
    # a Dataset (auto-shard AUTO -> DATA for an in-memory source), fit outside the scope
    x, y, xv, yv = fit_case.data(35)
    with strategy.scope():
        model = fit_case.build(tf.keras)
        model.set_weights(fit_case.initial_weights())
        fit_case.compile_model(model, tf.keras)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(fit_case.BATCH)
    history = model.fit(ds, epochs=fit_case.EPOCHS, verbose=0)
    res["dataset35"] = {"history": history.history,
                        "weights": [w.tolist() for w in model.get_weights()]}
    # shuffle=True and BatchNormalization: every rank ends identical
    with strategy.scope():
        tf.keras.utils.set_random_seed(300 + rank)
        bn = tf.keras.Sequential([tf.keras.Input((5,)), tf.keras.layers.Dense(8),
                                  tf.keras.layers.BatchNormalization(),
                                  tf.keras.layers.Dense(3)])
        fit_case.compile_model(bn, tf.keras)
    bn.fit(x, y, batch_size=8, epochs=2, shuffle=True, verbose=0)
    res["bn_weights"] = [w.tolist() for w in bn.get_weights()]
    res["stats"] = strategy.extended.collective_stats
    res["shards"] = shards(strategy, files)
    with open(os.path.join(out, f"fit{rank}.json"), "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
