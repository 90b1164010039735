"""Where a worker writes (tf_keras's ``distributed_file_utils``): in multi-worker training
only the chief writes to the real path; every other worker writes to a temporary folder
``<dir>/workertemp_<task_id>`` that is removed once written. The callbacks that save
(ModelCheckpoint, TensorBoard, BackupAndRestore) route their writes through here, so every
rank runs the same code (saving needs no collective) and only the chief's files remain."""

import os
import shutil

from featherflow.distribute import context


def _non_chief(strategy):
    strategy = strategy if strategy is not None else context.get_strategy()
    extended = strategy.extended
    if not extended._in_multi_worker_mode() or extended.should_checkpoint:
        return None
    return strategy


def _temp_dir(dirpath, strategy):
    task_id = strategy.cluster_resolver.task_id
    path = os.path.join(dirpath, f"workertemp_{task_id}")
    os.makedirs(path, exist_ok=True)
    return path


def write_dirpath(dirpath, strategy=None):
    """``dirpath`` on the chief (and outside multi-worker training), else this worker's
    temporary folder inside it."""
    worker = _non_chief(strategy)
    return dirpath if worker is None else _temp_dir(dirpath, worker)


def write_filepath(filepath, strategy=None):
    """``filepath``, or the same file name in this worker's temporary folder."""
    dirpath, base = os.path.split(os.fspath(filepath))
    return os.path.join(write_dirpath(dirpath, strategy), base)


def remove_temp_dirpath(dirpath, strategy=None):
    """Remove this worker's temporary folder in ``dirpath`` (nothing on the chief)."""
    worker = _non_chief(strategy)
    if worker is not None:
        shutil.rmtree(os.path.join(dirpath, f"workertemp_{worker.cluster_resolver.task_id}"),
                      ignore_errors=True)


def remove_temp_dir_with_filepath(filepath, strategy=None):
    """Remove the temporary folder ``write_filepath`` put ``filepath`` in (non-chiefs)."""
    worker = _non_chief(strategy)
    folder = os.path.dirname(os.fspath(filepath))
    if worker is not None and os.path.basename(folder) == \
            f"workertemp_{worker.cluster_resolver.task_id}":
        shutil.rmtree(folder, ignore_errors=True)


def is_chief(strategy=None):
    return _non_chief(strategy) is None
