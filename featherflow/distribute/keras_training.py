"""``model.compile/fit/evaluate/predict`` under a strategy (Keras 3's TensorFlow trainer).

The trainer (featherflow/trainers/trainer.py) calls in here at a few marked points:

- ``record_strategy(model)`` when a model is made: inside a strategy's scope the model keeps
  that strategy (Keras 3's ``model.distribute_strategy``);
- ``check_compile(model)``: compiling in another strategy's scope raises tf_keras's
  ``RuntimeError``; a built model whose variables were made outside every scope, compiled in
  a scope, raises tf_keras's ``ValueError``;
- ``@distributed`` on fit/evaluate/predict and the ``*_on_batch`` methods: they run inside
  the model's strategy's scope and, with more than one replica, with a ``Run`` on the model
  that the loop asks for this replica's rows of each batch (``local_batches``; of the one
  global batch of ``*_on_batch``: ``local_rows``), for the step (``train_step``,
  ``test_step``), for the global metric values (``synced_metrics``) and for the gathered
  predictions (``gather_outputs``).

Each training step: the replica's gradients are multiplied by its row count, summed over the
replicas in one bucketed all-reduce (the row counts travel in its signature exchange), and
divided by the global row count. That is the one-process step on the global batch (up to
float32 reassociation), also for a short final batch split unevenly; a replica with no rows
still takes part with zero gradients. Float non-trainable variables (BatchNormalization's
moving statistics) are then set to their row-weighted mean over the replicas, so every
replica holds the same values."""

import contextlib
import functools
import inspect

import numpy as np

from featherflow.distribute import context


def model_strategy(model):
    """The strategy ``fit`` runs under: the model's own, else the current one."""
    own = model.__dict__.get("_distribute_strategy")
    if own is not None:
        return own
    return context.get_strategy() if context.has_strategy() else None


def record_strategy(model):
    object.__setattr__(model, "_distribute_strategy",
                       context.get_strategy() if context.has_strategy() else None)
    object.__setattr__(model, "_distribute_run", None)


def check_compile(model):
    if not context.has_strategy():
        return
    current = context.get_strategy()
    own = model.__dict__.get("_distribute_strategy")
    if own is not None and own is not current:
        raise RuntimeError(f"Mixing different tf.distribute.Strategy objects: {current!r} is "
                           f"not {own!r}. The model was made in the scope of {own!r}; "
                           f"compile and fit it in that scope.")
    if own is None:
        made_outside = [v for v in model.variables
                        if not current.extended.variable_created_in_scope(v)]
        if made_outside:
            raise ValueError(
                f"Variable ({made_outside[0].path}) was not created in the distribution "
                f"strategy scope of ({current!r}). It is most likely because some layers, "
                f"model, or optimizer was being created outside the distribution strategy "
                f"scope. Try to make sure your code looks similar to the following.\n"
                f"with strategy.scope():\n  model=_create_model()\n  model.compile(...)")
        object.__setattr__(model, "_distribute_strategy", current)


def distributed(method):
    """Run ``fit``/``evaluate``/``predict`` (and ``*_on_batch``) in the model's strategy's
    scope (a ``Run`` on the model when the strategy has several replicas)."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def wrapper(model, *args, **kwargs):
        strategy = model_strategy(model)
        if strategy is None or model.__dict__.get("_distribute_run") is not None:
            return method(model, *args, **kwargs)
        with strategy.scope():
            if strategy.num_replicas_in_sync == 1:
                return method(model, *args, **kwargs)
            run = Run(strategy)
            bound = signature.bind(model, *args, **kwargs)
            for name in ("x", "validation_data"):
                if name in bound.arguments:
                    bound.arguments[name] = run.prepare(bound.arguments[name])
            object.__setattr__(model, "_distribute_run", run)
            try:
                return method(*bound.args, **bound.kwargs)
            finally:
                object.__setattr__(model, "_distribute_run", None)

    return wrapper


def run_of(model):
    return model.__dict__.get("_distribute_run")


_EMPTY = object()  # a step in which this replica has no rows


class LocalBatches:
    """This replica's part of each batch of ``batches`` (an adapter's batches object)."""

    def __init__(self, batches, run, plan):
        self._batches = batches
        self._run = run
        self._plan = plan

    def __getattr__(self, name):
        return getattr(self._batches, name)

    def num_steps(self):
        if self._plan.mode == "data":
            return self._batches.num_steps()
        return None

    def epoch(self, rng=None):
        from featherflow.distribute import input_lib

        strategy = self._run.strategy
        if rng is not None:
            # every replica shuffles alike: rank 0's seed for this epoch
            seed = np.asarray([rng.integers(0, 2 ** 62)], np.int64)
            rng = np.random.default_rng(int(strategy._collective.broadcast(seed)[0]))
        source = self._batches.epoch(rng)
        yield from input_lib.replica_elements(source, strategy, self._plan)


class Run:
    """What one ``fit``/``evaluate``/``predict`` call with several replicas needs."""

    def __init__(self, strategy):
        self.strategy = strategy
        self.plans = {}
        self.syncing = False

    # -- input --------------------------------------------------------------------------
    def prepare(self, x):
        from featherflow.distribute import input_lib

        plan = input_lib.shard_plan(x, self.strategy)
        if plan.dataset is not None:
            self.plans[id(plan.dataset)] = plan
            return plan.dataset
        return x

    def local_batches(self, batches, source):
        from featherflow.distribute import input_lib

        if batches is None:
            return None
        plan = self.plans.get(id(source)) or input_lib.Plan(None, "data")
        return LocalBatches(batches, self, plan)

    def local_rows(self, data, what):
        """This replica's rows of ``data``, the global batch given to ``what``
        (``train_on_batch``...) on every replica, split as fit splits its batches. The
        replicas first agree that they were given the same number of rows (one small
        all-gather): different batches would otherwise pass the gradient all-reduce, whose
        layout they share, and silently mix."""
        from featherflow.distribute import input_lib
        from featherflow.errors import InvalidArgumentError

        strategy = self.strategy
        rows = input_lib.batch_rows(data)
        given = [int(r[0]) for r in strategy._collective.allgather(
            np.asarray([rows], np.int64), what=f"{what}: agreeing on the batch size")]
        if len(set(given)) > 1:
            per_rank = ", ".join(f"rank {r}: {n}" for r, n in enumerate(given))
            raise InvalidArgumentError(
                None, None,
                f"{what} under {type(strategy).__name__}: the replicas were given batches of "
                f"different sizes ({per_rank} rows). Each replica must be given the same "
                f"global batch (tf_keras's rule); it is split across the replicas by rows. "
                f"Pass every rank the same x (and y, sample_weight).")
        start, stop = input_lib.shard_bounds(rows, strategy.num_replicas_in_sync,
                                             strategy._collective.rank)
        return input_lib.split_rows(data, start, stop)

    # -- steps --------------------------------------------------------------------------
    def train_step(self, model):
        from featherflow.distribute import hooks

        def step(batch):
            n = 0 if batch is _EMPTY else _rows(batch)
            strategy = self.strategy
            context.push(strategy, strategy._replica_context())
            hooks.acquire_optimizer_hook()
            strategy._step_rows = n
            try:
                logs = model.train_step(batch) if n else _null_train_step(model)
            finally:
                strategy._step_rows = None
                hooks.release_optimizer_hook()
                context.pop()
            self._average_non_trainable(model, n)
            return logs

        return step

    def test_step(self, model):
        def step(batch):
            if batch is _EMPTY or not _rows(batch):
                return None
            return model.test_step(batch)

        return step

    def _average_non_trainable(self, model, n):
        variables = [v for v in model.non_trainable_variables if v.data.dtype.kind == "f"]
        if not variables:
            return
        # float64 sums: a value every replica holds comes back exactly
        arrays = [np.asarray(v.data, np.float64) * n for v in variables]
        arrays.append(np.asarray([n], np.float64))
        summed = self.strategy._collective.allreduce_sum(arrays)
        total = float(summed[-1][0])
        for v, s in zip(variables, summed[:-1]):
            np.copyto(v.data, (s / total).astype(v.data.dtype))

    # -- metrics ------------------------------------------------------------------------
    @contextlib.contextmanager
    def synced_metrics(self, model):
        """The metrics' state variables hold their sums over the replicas inside."""
        seen, variables = set(), []
        for m in model.metrics:
            for v in m.variables:
                if id(v) not in seen and v.data.dtype.kind in "biuf" and \
                        v.data.dtype != np.bool_:
                    seen.add(id(v))
                    variables.append(v)
        saved = [np.array(v.data, copy=True) for v in variables]
        summed = self.strategy._collective.allreduce_sum(saved) if variables else []
        self.syncing = True
        try:
            for v, s in zip(variables, summed):
                np.copyto(v.data, s)
            yield
        finally:
            for v, s in zip(variables, saved):
                np.copyto(v.data, s)
            self.syncing = False

    # -- predict ------------------------------------------------------------------------
    @staticmethod
    def empty(batch):
        return batch is _EMPTY or not _rows(batch)

    def gather_outputs(self, step_outputs):
        """Every replica's outputs of each step, concatenated in replica order per step."""
        parts = self.strategy._collective.allgather_object(step_outputs)
        steps = max(len(p) for p in parts)
        out = []
        for i in range(steps):
            pieces = [p[i] for p in parts if i < len(p) and p[i] is not None]
            if pieces:
                out.append(_concat(pieces))
        return out


def _concat(pieces):
    first = pieces[0]
    if isinstance(first, dict):
        return {k: _concat([p[k] for p in pieces]) for k in first}
    if isinstance(first, list):
        return [_concat([p[i] for p in pieces]) for i in range(len(first))]
    return np.concatenate(pieces, axis=0)


def _rows(batch):
    from featherflow.trainers.compile_utils import batch_size_of

    return int(batch_size_of(batch))


def _null_train_step(model):
    """A replica without rows: zero gradients into the step's all-reduce, so the update and
    the optimizer's state match the other replicas'."""
    from featherflow.autodiff.tensor import Tensor
    from featherflow.trainers import trainer

    variables = model._train_vars if model._train_vars is not None else \
        model.trainable_variables
    model.optimizer.apply([Tensor(np.zeros_like(v.data)) for v in variables], variables)
    return model.get_metrics_result() if model._want_step_logs else trainer._DEFERRED
