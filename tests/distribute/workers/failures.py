"""Run under `mpiexec -n 2` (tests/distribute/test_failures.py): rank 1 fails in the middle
of training in the way ``mode`` names; rank 0 must not wait for it forever.

- ``kill``: rank 1 SIGKILLs itself in a Keras fit step;
- ``exit``: rank 1 calls ``os._exit(3)`` in a fit step;
- ``raise``: rank 1 raises ``RuntimeError`` in a fit callback (rank 1 only);
- ``leave``: a custom loop in which rank 1 stops after 2 steps and its script ends;
- ``stall``: rank 1 sleeps in a step; ``CommunicationOptions(timeout_seconds=3)`` bounds
  rank 0's wait;
- ``launcher``: rank 1 kills ``mpiexec`` itself (SIGKILL); the ranks must not live on.

Before failing, rank 1 writes the time to ``<out>/event``. The token argument only marks the
processes, so the test can look for any left behind."""

import os
import signal
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import featherflow as tf  # noqa: E402
from tests.distribute import fit_case  # noqa: E402


def event(out):
    with open(os.path.join(out, "event"), "w") as f:
        f.write(repr(time.time()))


def main(mode, out):
    if mode == "stall":
        os.environ["FEATHERFLOW_STALL_WARNING_SECONDS"] = "1"
    options = tf.distribute.experimental.CommunicationOptions(
        timeout_seconds=3 if mode == "stall" else None)
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    rank = strategy.cluster_resolver.task_id
    if mode == "launcher":  # mpiexec's pipes die with it: keep this rank's stderr in a file
        fd = os.open(os.path.join(out, f"stderr{rank}"), os.O_WRONLY | os.O_CREAT, 0o644)
        os.dup2(fd, 2)
    x, y, _, _ = fit_case.data(32)
    with strategy.scope():
        model = fit_case.build(tf.keras)
        fit_case.compile_model(model, tf.keras)

    if mode == "leave":
        dataset = strategy.experimental_distribute_dataset(
            tf.data.Dataset.from_tensor_slices((x, y)).batch(8))
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                reduction="none")

        def step(batch):
            xb, yb = batch
            with tf.GradientTape() as tape:
                loss = tf.nn.compute_average_loss(loss_fn(yb, model(xb, training=True)),
                                                  global_batch_size=8)
            grads = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(grads, model.trainable_variables))

        for i, batch in enumerate(dataset):
            if rank == 1 and i == 2:
                event(out)
                print("rank 1 stops early", flush=True)
                return
            strategy.run(step, args=(batch,))
        return

    class Fail(tf.keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if rank != 1 or batch != 2:
                return
            event(out)
            print(f"rank 1 fails: {mode}", flush=True)
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            elif mode == "exit":
                os._exit(3)
            elif mode == "raise":
                raise RuntimeError("rank 1 failed on purpose")
            elif mode == "stall":
                time.sleep(120)
            elif mode == "launcher":
                os.kill(os.getppid(), signal.SIGKILL)

    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, callbacks=[Fail()])
    print(f"rank {rank} finished fit", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])  # argv[3]: a token marking the processes
