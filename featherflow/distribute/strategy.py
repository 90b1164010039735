"""``tf.distribute.Strategy``: the one strategy class (scope, run, reduce, gather, the
distributed datasets) over a collective (featherflow/distribute/collectives.py), the
default strategy, ``ReplicaContext`` and ``StrategyExtended``."""

import contextlib
import time

import numpy as np

from featherflow.distribute import context, hooks
from featherflow.distribute.reduce_op import ReduceOp, as_reduce_op


def _array(value):
    from featherflow.autodiff.tensor import Tensor

    if isinstance(value, Tensor):
        return np.asarray(value.data)
    return np.asarray(value)


def _tensor(array):
    from featherflow.autodiff.tensor import Tensor

    return Tensor(np.asarray(array))


def _map(fn, structure):
    from featherflow.tree import nest

    return nest.map_structure(fn, structure)


class ClusterSpec:
    """The jobs of a cluster (``{"worker": [address, ...], "chief": [...]}``)."""

    def __init__(self, cluster=None):
        self._cluster = {k: list(v) for k, v in (cluster or {}).items()}

    def as_dict(self):
        return {k: list(v) for k, v in self._cluster.items()}

    @property
    def jobs(self):
        return list(self._cluster)

    def num_tasks(self, job_name):
        if job_name not in self._cluster:
            raise ValueError(f"No such job in cluster: {job_name!r}; jobs: {self.jobs}.")
        return len(self._cluster[job_name])

    def task_indices(self, job_name):
        return list(range(self.num_tasks(job_name)))

    def __bool__(self):
        return bool(self._cluster)

    def __repr__(self):
        return f"ClusterSpec({self._cluster!r})"


class ClusterResolver:
    """What a strategy knows of its cluster: ``task_type``, ``task_id``, ``cluster_spec()``."""

    def __init__(self, cluster_spec=None, task_type=None, task_id=None, rpc_layer=None):
        self._cluster_spec = cluster_spec if cluster_spec is not None else ClusterSpec()
        self.task_type = task_type
        self.task_id = task_id
        self.rpc_layer = rpc_layer

    def cluster_spec(self):
        return self._cluster_spec

    def num_accelerators(self, task_type=None, task_id=None, config_proto=None):
        return {}

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        return ""


class ReplicaContext:
    """The replica-side view inside ``strategy.run``."""

    def __init__(self, strategy, replica_id_in_sync_group=0):
        self._strategy = strategy
        self._replica_id = replica_id_in_sync_group

    @property
    def strategy(self):
        return self._strategy

    @property
    def num_replicas_in_sync(self):
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self):
        return _tensor(np.int32(self._replica_id))

    @property
    def devices(self):
        return ("/job:localhost/replica:0/task:0/device:CPU:0",)

    def all_reduce(self, reduce_op, value, options=None):
        """The SUM or MEAN over replicas of each tensor in ``value`` (a nest)."""
        op = as_reduce_op(reduce_op, "ReplicaContext.all_reduce")
        return self._strategy._reduce_nest(op, value, None)

    def all_gather(self, value, axis, options=None):
        """Every replica's ``value`` concatenated along ``axis`` (rank order)."""
        return self._strategy._gather_nest(value, axis)

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """Run ``merge_fn(strategy, *args, **kwargs)`` in the cross-replica context."""
        context.push(self._strategy, None)
        try:
            return merge_fn(self._strategy, *args, **(kwargs or {}))
        finally:
            context.pop()


class StrategyExtended:
    """``strategy.extended``: what callbacks and savers ask of a strategy."""

    def __init__(self, strategy):
        self._strategy = strategy

    @property
    def should_checkpoint(self):
        return self._strategy._is_chief

    @property
    def should_save_summary(self):
        return self._strategy._is_chief

    @property
    def should_init(self):
        return True

    @property
    def experimental_should_init(self):
        return True

    @property
    def worker_devices(self):
        return ("/job:localhost/replica:0/task:0/device:CPU:0",)

    @property
    def parameter_devices(self):
        return self.worker_devices

    @property
    def experimental_between_graph(self):
        return self._strategy._multi_worker

    def _in_multi_worker_mode(self):
        return self._strategy._multi_worker

    def reduce_to(self, reduce_op, value, destinations=None, options=None):
        return self._strategy._reduce_nest(as_reduce_op(reduce_op, "reduce_to"), value, None)

    def batch_reduce_to(self, reduce_op, value_destination_pairs, options=None):
        op = as_reduce_op(reduce_op, "batch_reduce_to")
        values = [v for v, _ in value_destination_pairs]
        return self._strategy._reduce_nest(op, values, None)

    def variable_created_in_scope(self, v):
        return id(v) in self._strategy._created

    def colocate_vars_with(self, colocate_with_variable):
        return contextlib.nullcontext()

    def update(self, var, fn, args=(), kwargs=None, group=True):
        return fn(var, *args, **(kwargs or {}))

    def value_container(self, value):
        return value

    @property
    def collective_stats(self):
        """``{"calls", "bytes", "seconds"}``: gradient all-reduces so far in this process."""
        return dict(self._strategy._stats)


class Strategy:
    """A data-parallel strategy: one replica per process, ``collective`` between them."""

    _multi_worker = False
    _uses_hooks = False

    def __init__(self, collective, cluster_resolver=None, is_chief=True):
        self._collective = collective
        self._cluster_resolver = cluster_resolver
        self._is_chief = is_chief
        self._extended = StrategyExtended(self)
        self._stats = {"calls": 0, "bytes": 0, "seconds": 0.0}
        self._created = set()  # ids of the variables created in scope()
        self._step_rows = None  # inside a Keras fit step: this replica's row count

    # -- what the strategy is ---------------------------------------------------------
    @property
    def num_replicas_in_sync(self):
        return self._collective.size

    @property
    def cluster_resolver(self):
        return self._cluster_resolver

    @property
    def extended(self):
        return self._extended

    def __repr__(self):
        return f"<{type(self).__name__} replicas={self.num_replicas_in_sync}>"

    # -- contexts ---------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self):
        """Variables created inside are this strategy's (broadcast from rank 0 when more than
        one process takes part); ``get_strategy()`` returns this strategy."""
        context.push(self, None)
        hooks.acquire_variable_hook()
        try:
            yield self
        finally:
            hooks.release_variable_hook()
            context.pop()

    def _replica_context(self):
        return ReplicaContext(self, self._collective.rank)

    def run(self, fn, args=(), kwargs=None, options=None):
        """``fn(*args, **kwargs)`` on this process's replica, in a replica context: an
        ``optimizer.apply_gradients`` inside applies the sum over replicas of the gradients."""
        if not callable(fn):
            raise TypeError(f"strategy.run: fn must be callable; received {fn!r}.")
        context.push(self, self._replica_context())
        if self._uses_hooks:
            hooks.acquire_variable_hook()
            hooks.acquire_optimizer_hook()
        try:
            return fn(*tuple(args or ()), **(kwargs or {}))
        finally:
            if self._uses_hooks:
                hooks.release_optimizer_hook()
                hooks.release_variable_hook()
            context.pop()

    def _require_cross_replica(self, method):
        top = context.current()
        if top is not None and top[1] is not None:
            raise RuntimeError(
                f"strategy.{method} must be called in the cross-replica context (outside "
                f"strategy.run); inside a replica use "
                f"tf.distribute.get_replica_context().all_reduce / all_gather instead.")

    # -- collectives on values --------------------------------------------------------
    def reduce(self, reduce_op, value, axis=None):
        """Combine this replica's ``value`` with the others' (SUM or MEAN). With ``axis``,
        that axis is reduced too; MEAN is then weighted by each replica's count."""
        self._require_cross_replica("reduce")
        op = as_reduce_op(reduce_op, "strategy.reduce")
        return self._reduce_nest(op, value, axis)

    def _reduce_nest(self, op, value, axis):
        from featherflow.tree import nest

        leaves = nest.flatten(value)
        arrays = [_array(v) for v in leaves]
        sums, counts = [], []
        for a in arrays:
            if axis is None:
                sums.append(a)
                counts.append(1)
            else:
                ax = axis
                if not -a.ndim <= ax < a.ndim:
                    raise ValueError(f"strategy.reduce: axis {axis} is out of range for a "
                                     f"value of shape {a.shape}.")
                sums.append(a.sum(axis=ax))
                counts.append(a.shape[ax])
        reduced = self._collective.allreduce_sum(
            [np.asarray(s, s.dtype if s.dtype.kind == "f" else s.dtype) for s in sums])
        if op is ReduceOp.MEAN:
            if axis is None:
                totals = [self.num_replicas_in_sync] * len(arrays)
            else:
                totals = [int(t) for t in self._collective.allreduce_sum(
                    [np.asarray(counts, np.int64)])[0]] if arrays else []
            out = []
            for r, a, n in zip(reduced, arrays, totals):
                mean = r / n if n else np.zeros_like(r, np.float64)
                out.append(mean.astype(a.dtype) if a.dtype.kind in "fc" else mean)
            reduced = out
        else:
            reduced = [np.asarray(r, a.dtype) for r, a in zip(reduced, arrays)]
        return nest.pack_sequence_as(value, [_tensor(r) for r in reduced])

    def gather(self, value, axis):
        """Every replica's ``value`` concatenated along ``axis`` in replica order (the
        other dimensions must match; the gathered dimension may differ)."""
        self._require_cross_replica("gather")
        return self._gather_nest(value, axis)

    def _gather_nest(self, value, axis):
        def one(v):
            a = _array(v)
            if a.ndim == 0:
                raise ValueError("strategy.gather: a scalar has no axis to gather along; "
                                 "expand its dimensions first (tf.expand_dims(v, 0)).")
            moved = np.moveaxis(a, axis, 0)
            parts = self._collective.allgather(moved)
            return _tensor(np.moveaxis(np.concatenate(parts, axis=0), 0, axis))

        return _map(one, value)

    def experimental_local_results(self, value):
        """This process's values of ``value`` as a tuple (one replica per process)."""
        return (value,)

    def _all_reduce_gradients(self, grads):
        t0 = time.perf_counter()
        arrays = [np.asarray(g) for g in grads]
        rows = self._step_rows
        if rows is not None:
            # a Keras fit step: each replica's mean gradient weighted by its rows, divided by
            # the global rows (which travel in the collective's signature exchange)
            out = self._collective.allreduce_sum(arrays, what="the gradient all-reduce",
                                                 reuse=True, mean_rows=rows)
            nbytes = sum(a.nbytes for a in arrays)
        else:
            out = self._collective.allreduce_sum(arrays, what="the gradient all-reduce",
                                                 reuse=True)
            nbytes = sum(a.nbytes for a in arrays)
        self._stats["calls"] += 1
        self._stats["bytes"] += nbytes
        self._stats["seconds"] += time.perf_counter() - t0
        return out

    def _on_variable_created(self, variable):
        self._created.add(id(variable))
        # variables a fit step creates (optimizer slots, metric state) start alike on every
        # replica; a replica without rows in that step may not create them, so no broadcast
        if self.num_replicas_in_sync > 1 and self._step_rows is None:
            value = self._collective.broadcast(variable.data, root=0)
            if value is not variable.data:
                np.copyto(variable.data, value)

    # -- input ------------------------------------------------------------------------
    def experimental_distribute_dataset(self, dataset, options=None):
        """Each process reads its share of every global batch of ``dataset`` (TF's
        auto-shard by data): replica ``r`` takes rows ``[r*c, (r+1)*c)`` of each batch of
        ``b`` rows, ``c = ceil(b / replicas)``, so a short final batch may leave the last
        replicas an empty batch (they still take part in the step's collectives)."""
        from featherflow.distribute.input_lib import DistributedDataset

        return DistributedDataset(dataset, self, split=True)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """``dataset_fn(InputContext)`` builds this process's dataset, already per-replica
        batched and sharded."""
        from featherflow.distribute.input_context import InputContext
        from featherflow.distribute.input_lib import DistributedDataset

        ctx = InputContext(num_input_pipelines=self._collective.size,
                           input_pipeline_id=self._collective.rank,
                           num_replicas_in_sync=self.num_replicas_in_sync)
        return DistributedDataset(dataset_fn(ctx), self, split=False)

    def experimental_distribute_datasets_from_function(self, dataset_fn, options=None):
        return self.distribute_datasets_from_function(dataset_fn, options)

    def experimental_distribute_values_from_function(self, value_fn):
        from featherflow.distribute.input_context import InputContext

        class _ValueContext(InputContext):
            replica_id_in_sync_group = self._collective.rank

        return value_fn(_ValueContext(self._collective.size, self._collective.rank,
                                      self.num_replicas_in_sync))


class DefaultStrategy(Strategy):
    """What ``tf.distribute.get_strategy()`` returns outside every scope: one replica."""

    def __init__(self):
        from featherflow.distribute.collectives import LocalCollective

        super().__init__(LocalCollective(), ClusterResolver())

    def _require_cross_replica(self, method):
        return None
