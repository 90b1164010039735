"""Checkpoint sharding callbacks (``tf.train.experimental.ShardableTensor``,
``ShardingCallback``, ``ShardByTaskPolicy``): which data file each saved tensor goes to.

A callback passed as ``tf.train.CheckpointOptions(experimental_sharding_callback=...)``
receives every tensor a ``Checkpoint.write`` saves (the object graph included) as
``ShardableTensor``s and returns a list of shards, each ``{checkpoint_key: {slice_spec:
tensor}}``; shard ``i`` of ``n`` is written to ``<prefix>.data-<i>-of-<n>`` and the index
records each tensor's shard, as TensorFlow does. Whole tensors only (``slice_spec`` is
``""``): featherflow's TensorBundle writer stores no tensor slices, which is why
``MaxShardSizePolicy`` (it slices large tensors) is not provided.

Example::

    >>> class OnePerShard(tf.train.experimental.ShardingCallback):
    ...     description = "one tensor per shard"
    ...     def __call__(self, shardable_tensors):
    ...         return [{t.checkpoint_key: {t.slice_spec: t.tensor}} for t in shardable_tensors]
    >>> options = tf.train.CheckpointOptions(experimental_sharding_callback=OnePerShard())
    >>> tf.train.Checkpoint(v=tf.Variable(1.0)).write("ckpt", options=options)
"""

import abc
import dataclasses
import inspect
from collections.abc import Hashable

import numpy as np

from featherflow.autodiff.tensor import Tensor, TensorShape
from featherflow.errors import InvalidArgumentError

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


@dataclasses.dataclass(frozen=True)
class ShardableTensor:
    """One tensor a checkpoint saves, as a sharding callback sees it. ``device`` is a
    ``tf.DeviceSpec`` (featherflow has one device: the CPU of this task)."""

    _tensor_save_spec: object
    tensor: object
    dtype: object
    device: object
    name: str
    shape: object
    slice_spec: str
    checkpoint_key: str
    trackable: object

    def __hash__(self):
        return hash((self.name, self.dtype, str(self.device), self.checkpoint_key))

    def __repr__(self):
        fields = "\n".join(f"  {f.name}={getattr(self, f.name)!r}"
                           for f in dataclasses.fields(self))
        return f"\n{type(self).__name__}:\n{fields}"


class ShardingCallback(abc.ABC):
    """Decides how a checkpoint's tensors are split into shards (data files)."""

    @property
    @abc.abstractmethod
    def description(self):
        """A text describing the policy."""

    @abc.abstractmethod
    def __call__(self, shardable_tensors):
        """``[{checkpoint_key: {slice_spec: tensor}}, ...]``: one dict per shard."""

    def __hash__(self):
        value = hash(self.description)
        for name, attribute in vars(self).items():
            if not (inspect.ismethod(attribute) or inspect.isfunction(attribute)):
                value ^= hash(name)
                if isinstance(attribute, Hashable):
                    value ^= hash(attribute)
        return value


class ShardByTaskPolicy(ShardingCallback):
    """Every tensor of a task in one shard (TensorFlow's default; featherflow has one task
    per process, so one data file)."""

    @property
    def description(self):
        return "Split tensors into shards based on their device spec task."

    def __call__(self, shardable_tensors):
        shard = {}
        for shardable in shardable_tensors:
            shard.setdefault(shardable.checkpoint_key, {})[shardable.slice_spec] = (
                shardable.tensor)
        return [shard]


def shardable_tensors(tensors, owners):
    """The ShardableTensors of ``{checkpoint key: array}`` (``owners``: key -> object)."""
    # cycle: featherflow.api imports the saving layer
    from featherflow.api import dtypes
    from featherflow.api.core_misc import DeviceSpec

    device = DeviceSpec.from_string(DEVICE)

    out = []
    for key, value in tensors.items():
        array = np.asarray(value)
        dtype = dtypes.as_dtype("string" if array.dtype.kind in "OSU" else array.dtype.name)
        out.append(ShardableTensor(
            _tensor_save_spec=None, tensor=Tensor(array), dtype=dtype, device=device,
            name=key, shape=TensorShape(array.shape), slice_spec="", checkpoint_key=key,
            trackable=owners.get(key)))
    return out


def plan(callback, tensors, owners):
    """``[[checkpoint keys of shard i]]`` the callback chose, checked: every tensor in
    exactly one shard, whole, with its shape and dtype; no empty shard."""
    description = callback.description
    shards = callback(shardable_tensors(tensors, owners))
    if not isinstance(shards, (list, tuple)):
        raise TypeError(
            f"The checkpoint sharding callback ({description}) must return a list of shards "
            f"({{checkpoint_key: {{slice_spec: tensor}}}} dicts); it returned "
            f"{type(shards).__name__}.")
    seen = {}
    out = []
    for index, shard in enumerate(shards):
        if not shard:
            raise InvalidArgumentError(
                f"Shard {index} from the checkpoint sharding callback ({description}) holds no "
                "tensors; every shard is a data file and needs at least one.")
        keys = []
        for key, slices in shard.items():
            if key not in tensors:
                raise RuntimeError(
                    "After executing the checkpoint sharding callback, a tensor not originally "
                    f"in the object graph was found in the checkpoint shards:\n"
                    f"  callback_description: {description}\n  checkpoint_key: {key}\n")
            for slice_spec, tensor in slices.items():
                if str(slice_spec).strip():
                    raise RuntimeError(
                        f"The checkpoint sharding callback ({description}) split {key} into "
                        f"the slice {slice_spec!r}; featherflow's checkpoints store whole "
                        "tensors only (slice_spec '').")
                if key in seen:
                    raise RuntimeError(
                        "After executing the checkpoint sharding callback, multiple tensors "
                        "with the same checkpoint key and slice spec were found:\n"
                        f"  callback_description: {description}\n  checkpoint_key: {key}\n"
                        f"  shards: {seen[key]} and {index}\n")
                value = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
                want = np.asarray(tensors[key])
                if value.shape != want.shape or (value.dtype != want.dtype and not (
                        value.dtype.kind in "OSU" and want.dtype.kind in "OSU")):
                    raise RuntimeError(
                        "After executing the checkpoint sharding callback, a tensor was found "
                        f"with an altered shape or dtype:\n  callback_description: "
                        f"{description}\n  checkpoint_key: {key}\n  original: "
                        f"{want.shape} {want.dtype}\n  new: {value.shape} {value.dtype}\n")
                seen[key] = index
                keys.append(key)
        out.append(keys)
    missing = [key for key in tensors if key not in seen]
    if missing:
        listed = "".join(f"  tensor:\n    checkpoint_key: {key}\n" for key in missing)
        raise RuntimeError(
            "After executing the checkpoint sharding callback, tensors in the object graph "
            f"were not found in the checkpoint shards:\n  callback_description: "
            f"{description}\n{listed}")
    return out
