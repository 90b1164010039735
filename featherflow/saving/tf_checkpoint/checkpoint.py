"""``tf.train.Checkpoint``: save and restore variables, models, optimizers, modules and
dataset iterators in TensorFlow's checkpoint format.

Example::

    >>> ckpt = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    >>> path = ckpt.save("ckpts/ckpt")          # 'ckpts/ckpt-1'
    >>> ckpt.restore(path).assert_consumed()
"""

import os

import numpy as np

from featherflow.autodiff.variable import Variable
from featherflow.errors import DataLossError, NotFoundError
from featherflow.saving.tf_checkpoint import bundle, object_graph, sharding, state, wire
from featherflow.saving.tf_checkpoint.python_state import PythonState
from featherflow.saving.tf_checkpoint.restore import Restoration

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


class CheckpointOptions:
    """``tf.train.CheckpointOptions``. featherflow writes synchronously, so the device and
    async options are accepted and recorded; write callbacks are called with the saved path
    after each write, and a sharding callback chooses each tensor's data file, as in
    TensorFlow."""

    def __init__(self, experimental_io_device=None, experimental_enable_async_checkpoint=False,
                 experimental_write_callbacks=None, enable_async=False,
                 experimental_skip_slot_variables=False, experimental_sharding_callback=None):
        self.experimental_io_device = experimental_io_device
        self.enable_async = enable_async or experimental_enable_async_checkpoint
        self.experimental_enable_async_checkpoint = self.enable_async
        self.experimental_write_callbacks = experimental_write_callbacks
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
        if experimental_sharding_callback is not None and not isinstance(
                experimental_sharding_callback, sharding.ShardingCallback):
            raise ValueError(
                "The experimental_sharding_callback checkpoint option must be of type "
                "ShardingCallback (tf.train.experimental.ShardingCallback); received "
                f"{type(experimental_sharding_callback)}.")
        self.experimental_sharding_callback = experimental_sharding_callback


def _describe(obj):
    if isinstance(obj, Variable):
        return f"<Variable '{obj.name}' shape={tuple(obj.data.shape)} dtype={obj.data.dtype}>"
    return repr(obj)


class CheckpointLoadStatus:
    """What ``Checkpoint.restore`` returns: assertions on how the checkpoint matched."""

    def __init__(self, restoration, path):
        self._restoration = restoration
        self._path = path

    def _unbound(self):
        objects = self._restoration.unmatched_live()
        if objects:
            shown = ", ".join(_describe(o) for o in objects[:10])
            raise AssertionError(
                f"Found {len(objects)} Python objects that were not bound to checkpointed "
                f"values, likely due to changes in the Python program. Showing "
                f"{min(len(objects), 10)} of {len(objects)} unmatched objects: [{shown}]")

    def assert_consumed(self):
        """Every value in the checkpoint was restored and every object got one."""
        self._restoration.retry()
        unresolved = self._restoration.unresolved()
        if unresolved:
            nodes = self._restoration.nodes
            keys = [key for i in unresolved[:10] for _, _, key in nodes[i]["attributes"]]
            raise AssertionError(
                f"Unresolved object in checkpoint {self._path}: {len(unresolved)} saved "
                f"objects have no matching Python object (yet), e.g. {keys}. Objects created "
                "later (optimizer slots, weights of unbuilt models) are restored when they "
                "are built; call assert_consumed after that, or expect_partial().")
        self._unbound()
        return self

    def assert_existing_objects_matched(self):
        """Every object that exists now got a value from the checkpoint."""
        self._restoration.retry()
        self._unbound()
        return self

    def assert_nontrivial_match(self):
        """Something besides the root matched the checkpoint."""
        self._restoration.retry()
        if len(self._restoration.matched) <= 1:
            objects = ", ".join(_describe(o) for o in self._restoration.unmatched_live()[:10])
            raise AssertionError(
                "Nothing except the root object matched a checkpointed value. Typically this "
                "means that the checkpoint does not match the Python program. The following "
                f"objects have no matching checkpointed value: [{objects}]")
        return self

    def expect_partial(self):
        """Silence the warnings about a partial restore (featherflow gives none)."""
        return self

    def run_restore_ops(self, session=None):
        """Eager restores run at once; this retries deferred restorations."""
        self._restoration.retry()

    def initialize_or_restore(self, session=None):
        self.run_restore_ops(session)


class InitializationOnlyStatus:
    """``restore(None)``: nothing to restore; variables keep their initial values."""

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    assert_existing_objects_matched = assert_consumed

    def assert_nontrivial_match(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        return None

    initialize_or_restore = run_restore_ops


def _check_trackable(name, value):
    if object_graph.wrap(value) is None and not isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"`Checkpoint` was expecting {name} to be a trackable object (a Variable, Keras "
            f"model, layer or optimizer, tf.Module, dataset iterator, Checkpoint, or a "
            f"list/dict of those), got {value!r}.")


class Checkpoint:
    """``tf.train.Checkpoint(root=None, **kwargs)``: a group of objects saved together.

    Example::

        >>> ckpt = tf.train.Checkpoint(step=tf.Variable(0), model=model)
        >>> ckpt.write("ckpts/last")
        'ckpts/last'
        >>> ckpt.read("ckpts/last").assert_consumed()
    """

    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_children", {})
        object.__setattr__(self, "_root", None)
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_restorations", [])
        if root is not None:
            _check_trackable("root", root)
            object.__setattr__(self, "_root", root)
        for name in sorted(kwargs):
            _check_trackable(name, kwargs[name])
            self._children[name] = kwargs[name]

    def __setattr__(self, name, value):
        if name in ("_children", "_root", "_save_counter", "_restorations"):
            object.__setattr__(self, name, value)
            return
        if object_graph.wrap(value) is not None:
            self._children.pop(name, None)
            self._children[name] = value
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"'Checkpoint' object has no attribute '{name}'")

    def _checkpoint_children(self):
        out = []
        if self._root is not None:
            out.extend(object_graph.children(self._root))
        for name, value in self._children.items():
            node = object_graph.wrap(value)
            if node is not None:
                out.append((name, node))
        if self._save_counter is not None:
            out.append(("save_counter", self._save_counter))
        return out

    @property
    def save_counter(self):
        """How many times ``save`` ran (an int64 Variable, created on first use)."""
        self._maybe_create_save_counter()
        return self._save_counter

    def _maybe_create_save_counter(self):
        if self._save_counter is None:
            counter = Variable(np.int64(0), trainable=False, name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
            for restoration in self._restorations:
                restoration.retry()

    # -- writing ----------------------------------------------------------------------------
    def _tensors(self, owners=None):
        for restoration in self._restorations:
            restoration.retry()
        self._restorations[:] = [r for r in self._restorations if r.pending]
        nodes, paths = object_graph.walk(self)
        tensors = {}
        graph = []
        for (obj, edges), path in zip(nodes, paths):
            attrs = []
            for name, full_name in object_graph.attributes(obj):
                key = object_graph.checkpoint_key(path, name)
                attrs.append((name, full_name, key))
                if owners is not None:
                    owners[key] = obj
                if isinstance(obj, Variable):
                    tensors[key] = obj.data
                elif isinstance(obj, PythonState):
                    tensors[key] = np.array(obj._checkpoint_value(), dtype=object)
                elif name == object_graph.TABLE:
                    tensors[key + "-keys"], tensors[key + "-values"] = obj._table_tensors()
                else:
                    tensors[key + "_STATE"] = np.array(obj._checkpoint_state(), dtype=object)
            graph.append({"children": edges, "attributes": attrs, "has_values": False})
        for index in range(len(graph) - 1, -1, -1):  # children come after their parents
            node = graph[index]
            node["has_values"] = bool(node["attributes"]) or any(
                graph[child]["has_values"] for child, _ in node["children"] if child > index)
        tensors = dict(sorted(tensors.items()))
        tensors[OBJECT_GRAPH_KEY] = np.array(wire.object_graph(graph), dtype=object)
        return tensors

    def write(self, file_prefix, options=None):
        """Write a checkpoint at exactly ``file_prefix``; returns it (no counter, no state
        file)."""
        file_prefix = os.fspath(file_prefix)
        callback = options.experimental_sharding_callback if options else None
        if callback is None:
            bundle.write_bundle(file_prefix, self._tensors())
        else:
            owners = {}
            tensors = self._tensors(owners)
            bundle.write_bundle(file_prefix, tensors, sharding.plan(callback, tensors, owners))
        for callback in (options.experimental_write_callbacks or []) if options else []:
            callback(file_prefix)
        return file_prefix

    def save(self, file_prefix, options=None):
        """Add one to ``save_counter``, write ``<file_prefix>-<counter>`` and record it in the
        folder's ``checkpoint`` file; returns the path."""
        counter = self.save_counter
        counter.assign_add(np.int64(1))
        path = f"{os.fspath(file_prefix)}-{int(counter.numpy())}"
        self.write(path, options)
        state.update_checkpoint_state(os.path.dirname(path) or ".", path, [path])
        return path

    # -- reading ----------------------------------------------------------------------------
    def read(self, save_path, options=None):
        """Restore from ``save_path`` (a prefix); returns a :class:`CheckpointLoadStatus`."""
        save_path = os.fspath(save_path)
        if os.path.isdir(save_path):
            latest = state.latest_checkpoint(save_path)
            hint = (f" The latest checkpoint there is {latest!r}." if latest else "")
            raise DataLossError(
                f"Unable to open table file {save_path}: it is a folder, not a checkpoint "
                f"prefix. Pass a prefix such as tf.train.latest_checkpoint({save_path!r}).{hint}")
        reader = bundle.CheckpointReader(save_path)
        if not reader.has_tensor(OBJECT_GRAPH_KEY):
            raise NotFoundError(
                f"{save_path} has no object graph ({OBJECT_GRAPH_KEY}): it is a name-based "
                "TF1 checkpoint. Read its tensors with tf.train.load_checkpoint.")
        nodes = wire.decode_object_graph(reader.get_tensor(OBJECT_GRAPH_KEY))
        restoration = Restoration(reader, nodes, self)
        restoration.run([(0, self, None)])
        if restoration.pending:
            self._restorations.append(restoration)
        return CheckpointLoadStatus(restoration, save_path)

    def restore(self, save_path, options=None):
        """``read`` plus the save counter; ``None`` restores nothing (initialization)."""
        if save_path is None:
            return InitializationOnlyStatus()
        try:
            status = self.read(save_path, options)
        except NotFoundError as err:
            raise NotFoundError(
                f"Error when restoring from checkpoint or SavedModel at {save_path}: {err}\n"
                "Please double-check that the path is correct. You may be missing the "
                "checkpoint suffix (e.g. the '-1' in 'path/to/ckpt-1').") from None
        self._maybe_create_save_counter()
        return status

    def sync(self):
        """Saves are synchronous; nothing to wait for."""
