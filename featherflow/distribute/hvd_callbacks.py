"""``featherflow.distribute.hvd.callbacks``: Horovod's Keras callbacks."""

import numpy as np

from featherflow.callbacks.callback import Callback


class BroadcastGlobalVariablesCallback(Callback):
    """After the first training batch, set every rank's model and optimizer variables to
    rank ``root_rank``'s, as Horovod does in TF2 (the optimizer's variables exist only after
    its first step). Put it first among the callbacks."""

    def __init__(self, root_rank, device=""):
        super().__init__()
        self.root_rank = root_rank
        self.device = device
        self.broadcast_done = False
        self._local_vars = set()

    def register_local_var(self, var):
        """Leave ``var`` out of the broadcast (a worker-local variable)."""
        self._local_vars.add(id(var))

    def on_train_batch_end(self, batch, logs=None):
        if self.broadcast_done:
            return
        from featherflow.distribute import hvd

        hvd.broadcast_variables([v for v in self.model.variables
                                 if id(v) not in self._local_vars], self.root_rank)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            hvd.broadcast_variables(list(optimizer.variables), self.root_rank)
        self.broadcast_done = True


class MetricAverageCallback(Callback):
    """At the end of each epoch, replace every value in the epoch's logs by its average over
    the ranks (in place, so the callbacks after it and History see the averages). Put it
    before the callbacks that read metrics."""

    def __init__(self, device=""):
        super().__init__()
        self.device = device

    def on_epoch_end(self, epoch, logs=None):
        if not logs:
            return
        from featherflow.distribute import hvd

        keys = sorted(logs)
        values = [np.asarray(float(logs[k]), np.float64).reshape(1) for k in keys]
        averaged = hvd.grouped_allreduce(values, op=hvd.Average)
        for k, v in zip(keys, averaged):
            logs[k] = float(np.asarray(v.numpy()).reshape(-1)[0])


class LearningRateWarmupCallback(Callback):
    """Horovod's warm-up: over ``warmup_epochs`` epochs the learning rate rises from about
    ``initial_lr / size()`` to ``initial_lr`` (the rate already scaled by the number of
    ranks), set at the start of each batch to ``initial_lr / size * (e * (size - 1) /
    warmup_epochs + 1)`` with ``e = epoch + (batch + 1) / steps_per_epoch``; an optimizer's
    ``momentum`` is scaled by ``new_lr / old_lr`` for that batch (``momentum_correction``).
    Each epoch's logs get ``lr``."""

    def __init__(self, initial_lr, warmup_epochs=5, momentum_correction=True,
                 steps_per_epoch=None, verbose=0):
        super().__init__()
        if initial_lr is None:
            raise ValueError("LearningRateWarmupCallback: parameter `initial_lr` is required.")
        self.initial_lr = float(initial_lr)
        self.warmup_epochs = warmup_epochs
        self.momentum_correction = momentum_correction
        self.steps_per_epoch = steps_per_epoch
        self.verbose = verbose
        self.current_epoch = 0
        self.restore_momentum = None

    def on_train_begin(self, logs=None):
        if not self.steps_per_epoch:
            params = self.params or {}
            if params.get("steps"):
                self.steps_per_epoch = params["steps"]
            elif params.get("samples") and params.get("batch_size"):
                self.steps_per_epoch = params["samples"] // params["batch_size"]
            else:
                raise ValueError("LearningRateWarmupCallback: could not find the number of "
                                 "steps per epoch; pass steps_per_epoch=.")

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.current_epoch >= self.warmup_epochs:
            return
        from featherflow.distribute import hvd

        n = hvd.size()
        epoch = self.current_epoch + (float(batch) + 1.0) / self.steps_per_epoch
        optimizer = self.model.optimizer
        old_lr = float(np.asarray(optimizer.learning_rate))
        new_lr = self.initial_lr / n * (epoch * (n - 1) / self.warmup_epochs + 1)
        optimizer.learning_rate = new_lr
        momentum = getattr(optimizer, "momentum", None)
        if self.momentum_correction and isinstance(momentum, float) and old_lr:
            self.restore_momentum = momentum
            optimizer.momentum = momentum * new_lr / old_lr

    def on_train_batch_end(self, batch, logs=None):
        if self.restore_momentum is not None:
            self.model.optimizer.momentum = self.restore_momentum
            self.restore_momentum = None

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = float(np.asarray(self.model.optimizer.learning_rate))
        if epoch == self.warmup_epochs - 1 and self.verbose:
            from featherflow.distribute import hvd

            if hvd.rank() == 0:
                print(f"\nEpoch {epoch + 1}: finished gradual learning rate warmup to "
                      f"{logs['lr'] if logs else self.initial_lr:g}.")
