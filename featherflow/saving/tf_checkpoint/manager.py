"""``tf.train.CheckpointManager``: numbered checkpoints in one folder, the oldest deleted.

Example::

    >>> manager = tf.train.CheckpointManager(ckpt, "ckpts", max_to_keep=3)
    >>> ckpt.restore(manager.latest_checkpoint)
    >>> manager.save()
    'ckpts/ckpt-1'
"""

import collections
import glob
import os
import time

from featherflow.saving.tf_checkpoint import bundle, state


def _value(counter):
    return int(counter.numpy()) if hasattr(counter, "numpy") else int(counter)


def _remove(path):
    for name in glob.glob(glob.escape(bundle.index_path(path))) + glob.glob(
            glob.escape(path) + ".data-?????-of-?????"):
        os.remove(name)


class CheckpointManager:
    """Keeps the last ``max_to_keep`` checkpoints of ``checkpoint`` in ``directory``; its
    state (the managed list, timestamps) lives in the folder's ``checkpoint`` file and is
    picked up by the next manager on that folder, as in TensorFlow."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None, last_checkpoint_step=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(
                f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not "
                             "None.")
        self._checkpoint = checkpoint
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._directory = os.fspath(directory)
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._last_checkpoint_step = last_checkpoint_step
        self._init_fn = init_fn
        self._maybe_delete = collections.OrderedDict()
        now = time.time()
        recovered = state.get_checkpoint_state(self._directory)
        if recovered is None:
            self._latest_checkpoint = None
            self._last_preserved_timestamp = now - 1.0
            return
        self._latest_checkpoint = recovered.model_checkpoint_path
        self._last_preserved_timestamp = min(recovered.last_preserved_timestamp, now)
        stamps = recovered.all_model_checkpoint_timestamps or (
            [self._last_preserved_timestamp] * len(recovered.all_model_checkpoint_paths))
        for path, stamp in zip(recovered.all_model_checkpoint_paths, stamps):
            stamp = min(stamp, now)
            if stamp > self._last_preserved_timestamp:
                self._maybe_delete[path] = stamp

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's prefix, or None."""
        return self._latest_checkpoint

    @property
    def checkpoints(self):
        """The managed checkpoints, oldest first (ones kept by
        ``keep_checkpoint_every_n_hours`` drop out of this list)."""
        return list(self._maybe_delete)

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path, stamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and stamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = stamp
                continue
            _remove(path)

    def _record_state(self):
        state.update_checkpoint_state(
            self._directory, self._latest_checkpoint, list(self._maybe_delete),
            list(self._maybe_delete.values()), self._last_preserved_timestamp)

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Write the next checkpoint, delete the ones beyond ``max_to_keep``; returns the
        path, or None when ``checkpoint_interval`` says it is too early."""
        if self._checkpoint_interval is not None:
            step = _value(self._step_counter)
            if self._last_checkpoint_step is not None:
                if step == self._last_checkpoint_step:
                    return None
                if check_interval and step < self._last_checkpoint_step + (
                        self._checkpoint_interval):
                    return None
            self._last_checkpoint_step = step
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        number = _value(counter if checkpoint_number is None else checkpoint_number)
        path = self._checkpoint.write(f"{self._prefix}-{number}", options)
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = time.time()
        self._latest_checkpoint = path
        self._sweep()
        self._record_state()
        return path

    def restore_or_initialize(self):
        """Restore the latest checkpoint and return its path, or run ``init_fn`` (None)."""
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = _value(self._step_counter)
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self):
        """Saves are synchronous; nothing to wait for."""
