"""BackupAndRestore: resume an interrupted ``fit`` where its last backup left off."""

import contextlib
import json
import os
import shutil
import warnings

import numpy as np

from featherflow.callbacks.callback import Callback
from featherflow.saving import h5_io, keras3_format
from featherflow.saving.h5_io import CorruptFileError
from featherflow.utils.random import generator, global_seed

_STATE_ATTR = "featherflow_training_state"


class BackupAndRestore(Callback):
    """Back up the training state so a crashed or killed ``fit`` can resume, as in Keras.

    At the end of every epoch (or every ``save_freq`` batches) the weights, the optimizer state,
    the epoch reached and the random generator's state are written, atomically and in one
    file, to ``backup_dir/latest.weights.h5``. When ``fit`` starts with a backup present, the
    model is restored and training continues at the next epoch; with per-epoch backups the
    result is identical to an uninterrupted run (shuffling included). The backup is deleted
    when ``fit`` completes, unless ``delete_checkpoint=False``. Use one ``backup_dir`` per run.
    ``double_checkpoint=True`` keeps the previous backup too, used if the latest is damaged.

    Example::

        >>> backup = tf.keras.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # interrupted at epoch 4...
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # ...runs epochs 5 to 10 only
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir must be a folder path, received "
                             f"{backup_dir!r}.")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                f"BackupAndRestore: save_freq must be 'epoch' or a positive number of batches, "
                f"received {save_freq!r}."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._current_epoch = 0
        self._batches_seen = 0

    def _wants_hook(self, hook):
        if hook in ("on_train_batch_end", "on_train_batch_begin", "on_batch_end",
                    "on_batch_begin"):
            return self.save_freq != "epoch"
        return True

    # -- restoring ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._batches_seen = 0
        if not os.path.exists(self._weights_path) and not os.path.exists(
                self._prev_weights_path):
            self._current_epoch = 0
            return
        if not self.model.built:
            raise ValueError(
                f"BackupAndRestore found a backup in '{self.backup_dir}' but model "
                f"{self.model.name!r} is not built, so its weights cannot be restored. Build "
                "it first (give the first layer input_shape=..., or call it on a batch)."
            )

        try:
            state = self._restore(self._weights_path)
        except (CorruptFileError, OSError, ValueError) as err:
            if not os.path.exists(self._prev_weights_path):
                raise
            warnings.warn(
                f"BackupAndRestore: the latest backup could not be read ({err}); using the "
                "previous one.",
                stacklevel=2,
            )
            state = self._restore(self._prev_weights_path)
        self._current_epoch = int(state.get("epoch", 0))
        # fit reads this after on_train_begin and starts at that epoch (as Keras 3 does)
        self.model._initial_epoch = self._current_epoch

    def _restore(self, path):

        with h5_io.open_for_read(path, path) as f:
            text = h5_io.read_str_attr(f, _STATE_ATTR)
        state = json.loads(text) if text else {}
        self.model.load_weights(path)
        rng_state = state.get("rng_state")
        if rng_state is not None:
            generator().bit_generator.state = rng_state
        if state.get("global_seed") is not None:
            # fit's seeded shuffle order comes from the global seed (Keras 3 on TF): the run
            # goes on with the seed it was started with
            from featherflow.utils import random as random_utils

            random_utils._GLOBAL_SEED = int(state["global_seed"])
        seeds = state.get("seed_generators")
        generators = _seed_generators(self.model)
        if seeds is not None and len(seeds) == len(generators):
            for gen, value in zip(generators, seeds):
                gen.state.assign(np.asarray(value, np.int64))
        return state

    # -- backing up --------------------------------------------------------------------------
    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        if self.save_freq == "epoch":
            self._save(batch=None)

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            self._save(batch=batch)

    def _save(self, batch):
        from featherflow.distribute import files as distribute_files

        if not distribute_files.is_chief():
            # tf.distribute: only the chief backs up; the others write into a temporary
            # folder, removed at once (every worker restores from the chief's backup)
            path = distribute_files.write_filepath(self._weights_path)
            keras3_format.save_weights(self.model, path, overwrite=True)
            distribute_files.remove_temp_dir_with_filepath(path)
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copyfile(self._weights_path, self._prev_weights_path)
        state = {
            # mid-epoch backups resume at the start of the epoch they were taken in
            "epoch": self._current_epoch,
            "batch": -1 if batch is None else int(batch),
            "rng_state": generator().bit_generator.state if batch is None else None,
            # the layers' keras.random SeedGenerators (dropout, noise, RNN cells, augmentation):
            # Keras does not back them up, featherflow does, so a resumed run repeats the masks
            "seed_generators": ([g.state.numpy().tolist() for g in _seed_generators(self.model)]
                                if batch is None else None),
            "global_seed": global_seed() if batch is None else None,
        }
        keras3_format.save_weights(self.model, self._weights_path, overwrite=True,
                                   attrs={_STATE_ATTR: json.dumps(state)})

    def on_train_end(self, logs=None):
        from featherflow.distribute import files as distribute_files

        if not self.delete_checkpoint or not distribute_files.is_chief():
            return  # tf.distribute: the chief deletes the backup
        for path in (self._weights_path, self._prev_weights_path):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        # remove the folder only if nothing else was put in it
        with contextlib.suppress(OSError):
            os.rmdir(self.backup_dir)


def _seed_generators(model):
    """The SeedGenerators of ``model``'s layers, in layer order (each once)."""
    from featherflow.keras.random import SeedGenerator

    found, seen = [], set()
    for layer in model._flat_layers()[0]:
        for value in getattr(layer, "__dict__", {}).values():
            if isinstance(value, SeedGenerator) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
    return found
