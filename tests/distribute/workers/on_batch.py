"""Run under `mpiexec -n 2`: train_on_batch / test_on_batch / predict_on_batch with
MultiWorkerMirroredStrategy (tests/distribute/on_batch_case.py), then ranks given batches of
different sizes; each rank writes <out>/on_batch<r>.json."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

import featherflow as tf  # noqa: E402
from tests.distribute import fit_case, on_batch_case  # noqa: E402


def mismatches(strategy, rank):
    """Rank 0 passes 8 rows, rank 1 passes 6: every rank gets the same clear error, and the
    job goes on (the next, matching call works)."""
    x, y, _, _ = fit_case.data(35)
    with strategy.scope():
        model = fit_case.build(tf.keras)
        model.set_weights(fit_case.initial_weights())
        fit_case.compile_model(model, tf.keras)
    n = 8 if rank == 0 else 6
    out = {}
    for name, call in [("train", lambda: model.train_on_batch(x[:n], y[:n])),
                       ("test", lambda: model.test_on_batch(x[:n], y[:n])),
                       ("predict", lambda: model.predict_on_batch(x[:n]))]:
        try:
            call()
            out[name] = "no error"
        except tf.errors.InvalidArgumentError as e:
            out[name] = str(e)
    out["after"] = float(model.test_on_batch(x[:8], y[:8])[0])
    return out


def main(out):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    tf.keras.utils.set_random_seed(100 + rank)  # each rank its own seed
    res = on_batch_case.run(tf.keras, strategy)
    res.update(on_batch_case.run_bn(tf.keras, strategy, on_batch_case.EVEN, "bn_even_"))
    res["stats"] = strategy.extended.collective_stats
    res["mismatch"] = mismatches(strategy, rank)
    res["rows"] = int(np.asarray(fit_case.data(35)[0]).shape[0])
    with open(os.path.join(out, f"on_batch{rank}.json"), "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main(sys.argv[1])
