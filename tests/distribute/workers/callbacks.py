"""Run under `mpiexec -n 2`: ModelCheckpoint, TensorBoard and BackupAndRestore in a
MultiWorkerMirroredStrategy fit (tests/distribute/test_callbacks.py); each rank writes
<out>/callbacks<r>.json."""

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import featherflow as tf  # noqa: E402
from tests.distribute import fit_case  # noqa: E402


class Interrupt(Exception):
    pass


def listing(folder):
    out = []
    for base, _, names in os.walk(folder):
        out.extend(os.path.relpath(os.path.join(base, n), folder) for n in names)
        if base != folder and not names:
            out.append(os.path.relpath(base, folder) + "/")
    return sorted(out)


def make(strategy, seed, set_weights=True):
    with strategy.scope():
        tf.keras.utils.set_random_seed(seed)
        model = fit_case.build(tf.keras)
        if set_weights:
            model.set_weights(fit_case.initial_weights())
        fit_case.compile_model(model, tf.keras)
    return model


def main(out):
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    x, y, xv, yv = fit_case.data(35)
    res = {}
    # chief-only writing
    model = make(strategy, 1)
    seen_temp = []

    class Watch(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen_temp.append(os.path.isdir(os.path.join(out, "tb", f"workertemp_{rank}")))

    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
              validation_data=(xv, yv), callbacks=[
                  tf.keras.callbacks.ModelCheckpoint(
                      os.path.join(out, "ckpt", "w{epoch}.weights.h5"),
                      save_weights_only=True),
                  tf.keras.callbacks.ModelCheckpoint(
                      os.path.join(out, "ckpt", "best.keras"), save_best_only=True),
                  tf.keras.callbacks.TensorBoard(log_dir=os.path.join(out, "tb")),
                  Watch()])
    res["tensorboard_temp_during_fit"] = seen_temp
    strategy._collective.barrier()
    res["ckpt"] = listing(os.path.join(out, "ckpt"))
    res["tb"] = sorted({p.split(os.sep)[0] for p in listing(os.path.join(out, "tb"))})
    strategy._collective.barrier()

    # BackupAndRestore: an uninterrupted run, and one interrupted at epoch 2 then rerun
    epochs = 4
    reference = make(strategy, 2)
    h = reference.fit(x, y, batch_size=8, epochs=epochs, shuffle=True, verbose=0,
                      callbacks=[tf.keras.callbacks.BackupAndRestore(
                          os.path.join(out, "backup_ref"))])
    res["reference_loss"] = h.history["loss"]
    res["reference_weights"] = [w.tolist() for w in reference.get_weights()]

    class Stop(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise Interrupt(f"simulated failure at epoch {epoch}")

    backup_dir = os.path.join(out, "backup")
    first = make(strategy, 2)
    try:
        first.fit(x, y, batch_size=8, epochs=epochs, shuffle=True, verbose=0,
                  callbacks=[tf.keras.callbacks.BackupAndRestore(backup_dir), Stop()])
        res["interrupted"] = False
    except Interrupt:
        res["interrupted"] = True
    strategy._collective.barrier()
    res["backup_after_interrupt"] = listing(backup_dir)
    strategy._collective.barrier()
    # the relaunch: a new model with other initial weights on each rank
    second = make(strategy, 50 + rank, set_weights=False)
    h = second.fit(x, y, batch_size=8, epochs=epochs, shuffle=True, verbose=0,
                   callbacks=[tf.keras.callbacks.BackupAndRestore(backup_dir)])
    res["resumed_epochs"] = h.epoch
    res["resumed_loss"] = h.history["loss"]
    res["resumed_weights"] = [w.tolist() for w in second.get_weights()]
    strategy._collective.barrier()
    res["backup_after_finish"] = listing(backup_dir) if os.path.exists(backup_dir) else None
    with open(os.path.join(out, f"callbacks{rank}.json"), "w") as f:
        json.dump(res, f)


def relaunch(out, mode):
    """``kill``: every rank dies (os._exit) at the start of epoch 2 of a BackupAndRestore
    fit; ``resume``: a new job reruns the same fit from the backup."""
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    x, y, _, _ = fit_case.data(35)
    backup_dir = os.path.join(out, "killed_backup")

    class Die(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                os._exit(17)

    model = make(strategy, 2) if mode == "kill" else make(strategy, 70 + rank,
                                                          set_weights=False)
    extra = [Die()] if mode == "kill" else []
    h = model.fit(x, y, batch_size=8, epochs=4, shuffle=True, verbose=0,
                  callbacks=[tf.keras.callbacks.BackupAndRestore(backup_dir)] + extra)
    with open(os.path.join(out, f"resumed{rank}.json"), "w") as f:
        json.dump({"epochs": h.epoch, "loss": h.history["loss"],
                   "weights": [w.tolist() for w in model.get_weights()]}, f)


if __name__ == "__main__":
    if len(sys.argv) > 2:
        relaunch(sys.argv[1], sys.argv[2])
    else:
        main(sys.argv[1])
