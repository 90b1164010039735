"""The ``checkpoint`` file of a checkpoint folder (a CheckpointState proto in text format)
and the functions that read it: ``tf.train.latest_checkpoint``, ``get_checkpoint_state``,
``checkpoints_iterator``, ``load_checkpoint``, ``list_variables``, ``load_variable``.

Example::

    model_checkpoint_path: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-2"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_timestamps: 1796283960.7877336
    ...
"""

import ast
import os
import time

from featherflow.saving.atomic import atomic_path
from featherflow.saving.tf_checkpoint import bundle

STATE_FILENAME = "checkpoint"


class CheckpointState:
    """The parsed ``checkpoint`` file; paths are joined to the folder when relative."""

    def __init__(self, model_checkpoint_path="", all_model_checkpoint_paths=(),
                 all_model_checkpoint_timestamps=(), last_preserved_timestamp=0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __repr__(self):
        return to_text(self)


def _quote(text):
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def to_text(ckpt_state):
    lines = [f"model_checkpoint_path: {_quote(ckpt_state.model_checkpoint_path)}"]
    lines += [f"all_model_checkpoint_paths: {_quote(p)}"
              for p in ckpt_state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {float(t)!r}"
              for t in ckpt_state.all_model_checkpoint_timestamps]
    if ckpt_state.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {float(ckpt_state.last_preserved_timestamp)!r}")
    return "\n".join(lines) + "\n"


def parse_text(text, where):
    ckpt_state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        field, sep, value = line.partition(":")
        value = value.strip()
        try:
            if not sep:
                raise ValueError("no ':'")
            if field == "model_checkpoint_path":
                ckpt_state.model_checkpoint_path = ast.literal_eval(value)
            elif field == "all_model_checkpoint_paths":
                ckpt_state.all_model_checkpoint_paths.append(ast.literal_eval(value))
            elif field == "all_model_checkpoint_timestamps":
                ckpt_state.all_model_checkpoint_timestamps.append(float(value))
            elif field == "last_preserved_timestamp":
                ckpt_state.last_preserved_timestamp = float(value)
            else:
                raise ValueError(f"unknown field {field!r}")
        except (ValueError, SyntaxError) as err:
            raise ValueError(f"{where}:{number}: cannot parse {line!r} as a CheckpointState "
                             f"field ({err}).") from None
    return ckpt_state


def _relative(path, folder):
    path = os.fspath(path)
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path, folder)
    return path if rel.startswith("..") else rel


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths,
                            all_model_checkpoint_timestamps=(), last_preserved_timestamp=None):
    """Write ``<save_dir>/checkpoint`` atomically, paths relative to ``save_dir``."""
    folder = os.path.abspath(save_dir)
    paths = [_relative(os.path.abspath(p), folder) for p in all_model_checkpoint_paths]
    ckpt_state = CheckpointState(
        _relative(os.path.abspath(model_checkpoint_path), folder), paths,
        all_model_checkpoint_timestamps, last_preserved_timestamp or 0.0)
    with atomic_path(os.path.join(save_dir, STATE_FILENAME)) as tmp, open(tmp, "w") as f:
        f.write(to_text(ckpt_state))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """``tf.train.get_checkpoint_state``: the folder's CheckpointState, or None."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILENAME)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        ckpt_state = parse_text(f.read(), path)
    if not ckpt_state.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {checkpoint_dir}")

    def absolute(p):
        return p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)

    ckpt_state.model_checkpoint_path = absolute(ckpt_state.model_checkpoint_path)
    ckpt_state.all_model_checkpoint_paths = [
        absolute(p) for p in ckpt_state.all_model_checkpoint_paths]
    return ckpt_state


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """``tf.train.latest_checkpoint``: the newest checkpoint's prefix, or None."""
    ckpt_state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if ckpt_state is None:
        return None
    prefix = ckpt_state.model_checkpoint_path
    return prefix if os.path.exists(bundle.index_path(prefix)) else None


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                            timeout=None):
    """The first checkpoint newer than ``last_checkpoint``; None after ``timeout`` seconds."""
    stop = time.time() + timeout if timeout is not None else None
    while True:
        path = latest_checkpoint(checkpoint_dir)
        if path is not None and path != last_checkpoint:
            return path
        if stop is not None and time.time() + seconds_to_sleep > stop:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """``tf.train.checkpoints_iterator``: yield each new checkpoint as it appears."""
    path = None
    while True:
        new = wait_for_new_checkpoint(checkpoint_dir, path, timeout=timeout)
        if new is not None:
            start = time.time()
            path = new
            yield path
            remaining = start + min_interval_secs - time.time()
            if remaining > 0:
                time.sleep(remaining)
        elif timeout_fn is None:
            return
        if timeout_fn is not None and timeout_fn():
            return


def _resolve(ckpt_dir_or_file):
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {path}")
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file):
    """``tf.train.load_checkpoint``: a reader of a checkpoint prefix or a folder's latest."""
    return bundle.CheckpointReader(_resolve(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file):
    """``tf.train.list_variables``: ``[(key, shape)]`` sorted by key."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(key, shapes[key]) for key in sorted(shapes)]


def load_variable(ckpt_dir_or_file, name):
    """``tf.train.load_variable``: one tensor's value (a trailing ``:0`` is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
