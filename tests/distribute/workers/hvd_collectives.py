"""Run under `mpiexec -n 2` (tests/distribute/test_hvd.py, test_collectives.py): the
collectives' packing and mismatch errors, a strategy fit with small packs, and
featherflow.distribute.hvd; each rank writes <out>/hvd<r>.npz (arrays) and .json."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

import featherflow as tf  # noqa: E402
from featherflow.distribute import hvd  # noqa: E402
from tests.distribute import fit_case  # noqa: E402


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is compared
        return f"{type(e).__name__}: {e}"
    return None


def collectives(strategy, res, arr):
    c = strategy._collective
    r = c.rank
    arrays = [np.arange(1000, dtype=np.float32) * (r + 1), np.full((10, 10), r + 0.5,
                                                                   np.float32),
              np.arange(5, dtype=np.float64) - r, np.asarray([r, 2 * r, 7], np.int64)]
    before = c.calls
    out = c.allreduce_sum(arrays, bytes_per_pack=512)
    res["pack_buffers"] = c.calls - before
    for i, o in enumerate(out):
        arr[f"packed{i}"] = o
    before = c.calls
    c.allreduce_sum(arrays)
    res["default_buffers"] = c.calls - before
    # mismatches: every rank raises, then the job goes on
    if r == 0:
        res["mismatch_kind"] = error_of(lambda: c.allreduce_sum([np.ones(5, np.float32)]))
    else:
        res["mismatch_kind"] = error_of(lambda: c.broadcast(np.ones(5, np.float32)))
    res["mismatch_size"] = error_of(lambda: c.allreduce_sum([np.ones(5 + r, np.float32)]))
    res["mismatch_root"] = error_of(lambda: c.broadcast(np.ones(3), root=r))
    res["broadcast_shape"] = error_of(lambda: c.broadcast(np.ones(3 + r)))
    res["after_errors"] = c.allreduce_sum([np.asarray([r + 1.0])])[0].tolist()
    res["gather_uneven"] = [g.tolist() for g in c.allgather(np.arange(r + 1))]
    res["broadcast_str"] = c.broadcast(np.asarray([f"rank{r}"]), root=1).tolist()


def strategy_fit_small_packs(res, arr):
    x, y, xv, yv = fit_case.data(35)
    for name, options in [("default", None), ("packs", tf.distribute.experimental.
                                              CommunicationOptions(bytes_per_pack=64)),
                          ("mpi", None), ("fallback", None)]:
        strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
        c = strategy._collective
        res[f"fit_{name}_shared_memory"] = c._shm_ok
        if name == "mpi":  # the path used across machines: MPI_Allreduce, no shared memory
            c._shm_ok = False
        if name == "fallback" and c.rank == 1:  # no room in rank 1's /dev/shm
            c._shm_room = lambda nbytes: False
        with strategy.scope():
            model = fit_case.build(tf.keras)
            model.set_weights(fit_case.initial_weights())
            fit_case.compile_model(model, tf.keras)
        before = strategy._collective.calls
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        res[f"fit_{name}_buffers"] = strategy._collective.calls - before
        arr[f"fit_{name}"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])
        res[f"fit_{name}_shared_memory_after"] = c._shm_ok


def loss_scale_agreement(res, arr):
    """A LossScaleOptimizer in a custom loop; at step 1 only rank 1's gradients are not
    finite: every rank must skip that step and halve its scale."""
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    r = strategy.cluster_resolver.task_id
    x, y, _, _ = fit_case.data(32)
    with strategy.scope():
        model = fit_case.build(tf.keras)
        model.set_weights(fit_case.initial_weights())
        opt = tf.keras.mixed_precision.LossScaleOptimizer(tf.keras.optimizers.SGD(0.1),
                                                          initial_scale=1024.0)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                            reduction="none")
    dataset = strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices((x, y)).batch(8))
    scales = []

    def step(batch, poison):
        xb, yb = batch
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(loss_fn(yb, model(xb, training=True)),
                                              global_batch_size=8)
            scaled = opt.scale_loss(loss) * poison
        grads = tape.gradient(scaled, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))

    for i, batch in enumerate(dataset):
        strategy.run(step, args=(batch, np.float32(np.inf if (i == 1 and r == 1) else 1.0)))
        scales.append(float(np.asarray(opt.dynamic_scale.data)))
    res["loss_scale_scales"] = scales
    arr["loss_scale_weights"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])


def hvd_values(res, arr):
    hvd.init()
    r, n = hvd.rank(), hvd.size()
    res["hvd"] = {"rank": r, "size": n, "local_rank": hvd.local_rank(),
                  "local_size": hvd.local_size(), "cross_rank": hvd.cross_rank(),
                  "cross_size": hvd.cross_size(), "is_initialized": hvd.is_initialized()}
    v = tf.constant([1.0, 2.0, 3.0]) * (r + 1)
    arr["avg"] = hvd.allreduce(v).numpy()
    arr["sum"] = hvd.allreduce(v, op=hvd.Sum).numpy()
    arr["sum_average_false"] = hvd.allreduce(v, average=False).numpy()
    arr["min"] = hvd.allreduce(v, op=hvd.Min).numpy()
    arr["max"] = hvd.allreduce(v, op=hvd.Max).numpy()
    arr["prod"] = hvd.allreduce(v, op=hvd.Product).numpy()
    arr["scaled"] = hvd.allreduce(v, op=hvd.Sum, prescale_factor=2.0,
                                  postscale_factor=0.5).numpy()
    arr["int_avg"] = hvd.allreduce(tf.constant([1, 2]) * (r + 1)).numpy()
    arr["fp16"] = hvd.allreduce(tf.constant([1.0001, 3.0]) * (r + 1), op=hvd.Sum,
                                compression=hvd.Compression.fp16).numpy()
    res["fp16_dtype"] = str(arr["fp16"].dtype)
    grouped = hvd.grouped_allreduce([v, tf.constant([[r * 1.0]])])
    arr["grouped0"], arr["grouped1"] = grouped[0].numpy(), grouped[1].numpy()
    arr["gather"] = hvd.allgather(tf.ones((r + 1, 2)) * r).numpy()
    arr["bcast"] = hvd.broadcast(v, root_rank=1).numpy()
    res["bcast_object"] = hvd.broadcast_object({"from": r}, root_rank=0)
    res["gather_object"] = hvd.allgather_object(r * 10)
    res["errors"] = {
        "adasum": error_of(lambda: hvd.allreduce(v, op=hvd.Adasum)),
        "both": error_of(lambda: hvd.allreduce(v, average=True, op=hvd.Sum)),
        "root": error_of(lambda: hvd.broadcast(v, root_rank=5)),
        "predivide": error_of(lambda: hvd.DistributedOptimizer(
            tf.keras.optimizers.SGD(), op=hvd.Sum, gradient_predivide_factor=2.0)),
        "passes": error_of(lambda: hvd.DistributedOptimizer(
            tf.keras.optimizers.SGD(), backward_passes_per_step=2)),
    }
    w = tf.Variable(np.full(3, float(r), np.float32))
    hvd.broadcast_variables([w], root_rank=1)
    arr["bcast_var"] = w.numpy()


def hvd_keras(res, arr):
    r = hvd.rank()
    x, y, xv, yv = fit_case.data(32)
    # rank r trains on the blocks of 4 rows (i // 4) % 2 == r: each pair of local batches
    # is one global batch of 8 of the one-process fit over x in order
    mine = (np.arange(32) // 4) % 2 == r
    tf.keras.utils.set_random_seed(300 + r)
    model = fit_case.build(tf.keras)
    model.set_weights(fit_case.initial_weights())
    model.compile(optimizer=hvd.DistributedOptimizer(tf.keras.optimizers.Adam(0.05)),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    res["optimizer_class"] = type(model.optimizer).__name__
    h = model.fit(x[mine], y[mine], batch_size=4, epochs=3, shuffle=False, verbose=0,
                  validation_data=(xv, yv), callbacks=[
                      hvd.callbacks.BroadcastGlobalVariablesCallback(0),
                      hvd.callbacks.MetricAverageCallback()])
    res["hvd_history"] = {k: [float(v) for v in vs] for k, vs in h.history.items()}
    arr["hvd_fit"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])

    # different initial weights on each rank: the callback makes them rank 0's
    tf.keras.utils.set_random_seed(400 + r)
    model = fit_case.build(tf.keras)
    arr["seeded_initial"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])
    model.compile(optimizer=hvd.DistributedOptimizer(tf.keras.optimizers.SGD(0.1)),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x[mine], y[mine], batch_size=4, epochs=1, shuffle=False, verbose=0,
              callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0)])
    arr["seeded_final"] = np.concatenate([w.reshape(-1) for w in model.get_weights()])

    # the warm-up: the learning rate at the start of each batch
    seen, momenta = [], []

    class Record(tf.keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(float(np.asarray(self.model.optimizer.learning_rate)))
            momenta.append(self.model.optimizer.momentum)

        def on_train_batch_end(self, batch, logs=None):
            momenta.append(self.model.optimizer.momentum)

    model.compile(optimizer=hvd.DistributedOptimizer(tf.keras.optimizers.SGD(0.1, 0.9)),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    h = model.fit(x[mine], y[mine], batch_size=4, epochs=3, shuffle=False, verbose=0,
                  callbacks=[hvd.callbacks.LearningRateWarmupCallback(0.2, warmup_epochs=2),
                             Record()])
    res["warmup_lr"] = seen
    res["warmup_momentum"] = momenta
    res["warmup_logged_lr"] = h.history["lr"]

    # DistributedGradientTape in a custom loop
    tf.keras.utils.set_random_seed(1)
    m = fit_case.build(tf.keras)
    m.set_weights(fit_case.initial_weights())
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape(persistent=True) as tape:
        loss = loss_fn(y[mine][:4], m(x[mine][:4]))
    local = tape.gradient(loss, m.trainable_variables)
    dist = hvd.DistributedGradientTape(tape).gradient(loss, m.trainable_variables)
    arr["tape_local"] = np.concatenate([g.numpy().reshape(-1) for g in local])
    arr["tape_dist"] = np.concatenate([g.numpy().reshape(-1) for g in dist])
    with hvd.DistributedGradientTape(tf.GradientTape()) as tape2:
        loss = loss_fn(y[mine][:4], m(x[mine][:4]))
    arr["tape_ctx"] = np.concatenate([g.numpy().reshape(-1) for g in tape2.gradient(
        loss, m.trainable_variables)])


def main(out):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    r = strategy.cluster_resolver.task_id
    res, arr = {}, {}
    collectives(strategy, res, arr)
    strategy_fit_small_packs(res, arr)
    loss_scale_agreement(res, arr)
    hvd_values(res, arr)
    hvd_keras(res, arr)
    np.savez(os.path.join(out, f"hvd{r}.npz"), **arr)
    with open(os.path.join(out, f"hvd{r}.json"), "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main(sys.argv[1])
