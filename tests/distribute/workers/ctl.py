"""Run under `mpiexec -n N`: the custom loop with MultiWorkerMirroredStrategy, plus checks
of reduce/gather; each rank writes <out>/rank<r>.npz."""

import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

import featherflow as tf  # noqa: E402
from tests.distribute import loop  # noqa: E402


def main(out):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    result = {"num_replicas": strategy.num_replicas_in_sync, "task_id": rank,
              "is_chief": int(strategy.extended.should_checkpoint)}
    with strategy.scope():
        # a different seed on each rank: the broadcast at creation must make them agree
        model, optimizer = loop.build(tf, seed=100 + rank)
    result["initial"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    losses = loop.train(tf, strategy, model, optimizer)
    result["losses"] = np.asarray(losses)
    result["final"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    result["optimizer"] = np.concatenate(
        [np.asarray(v.numpy(), np.float64).reshape(-1) for v in optimizer.variables])
    # reduce / gather on known per-rank values
    local = tf.constant(np.arange(3 * (rank + 1), dtype=np.float32).reshape(rank + 1, 3)
                        + 10 * rank)
    result["sum_none"] = strategy.reduce("SUM", tf.constant([1.0, 2.0]) * (rank + 1),
                                         axis=None).numpy()
    result["mean_none"] = strategy.reduce(tf.distribute.ReduceOp.MEAN,
                                          tf.constant(float(rank)), axis=None).numpy()
    result["mean_axis0"] = strategy.reduce(tf.distribute.ReduceOp.MEAN, local, axis=0).numpy()
    result["sum_axis0"] = strategy.reduce(tf.distribute.ReduceOp.SUM, local, axis=0).numpy()
    result["gather0"] = strategy.gather(local, axis=0).numpy()
    result["gather1"] = strategy.gather(tf.constant([[rank, rank]]), axis=1).numpy()
    empty = tf.constant(np.zeros((0, 3), np.float32) if rank else np.ones((2, 3), np.float32))
    result["mean_empty"] = strategy.reduce("MEAN", empty, axis=0).numpy()

    def replica_fn():
        ctx = tf.distribute.get_replica_context()
        return ctx.all_reduce("SUM", tf.constant(float(ctx.replica_id_in_sync_group) + 1.0))

    result["replica_all_reduce"] = strategy.run(replica_fn).numpy()
    # the global batches of tools/distribute_fixtures.py's splits, as this rank reads them
    splits = {}
    for n, batch in [(13, 8), (9, 8), (7, 3), (10, 5)]:
        ds = tf.data.Dataset.range(n).batch(batch)
        splits[f"{n}/{batch}"] = [e.numpy().tolist()
                                  for e in strategy.experimental_distribute_dataset(ds)]
    result["splits"] = json.dumps(splits)

    def losses_fn():
        x = tf.constant([1.0, 2.0, 3.0]) * (rank + 1)
        return [tf.nn.compute_average_loss(x), tf.nn.compute_average_loss(x, global_batch_size=4),
                tf.nn.scale_regularization_loss(tf.reduce_sum(x)),
                tf.nn.compute_average_loss(x[:0])]

    result["in_replica"] = np.asarray([float(v.numpy()) for v in strategy.run(losses_fn)])
    result["stats"] = np.asarray([strategy.extended.collective_stats[k]
                                  for k in ("calls", "bytes", "seconds")])
    # timing of one gradient-sized all-reduce (1M float32), reported, not asserted
    big = [np.ones(1 << 20, np.float32)]
    strategy._collective.allreduce_sum(big)
    t0 = time.perf_counter()
    for _ in range(5):
        strategy._collective.allreduce_sum(big)
    result["allreduce_1m_seconds"] = (time.perf_counter() - t0) / 5
    np.savez(os.path.join(out, f"rank{rank}.npz"), **result)


if __name__ == "__main__":
    main(sys.argv[1])
