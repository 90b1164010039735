"""TensorBoard callback: Keras's log layout and tags, written without TensorFlow."""

import functools
import itertools
import operator
import os
import time
import warnings

import numpy as np

from featherflow.callbacks.callback import Callback
from featherflow.optimizers import Optimizer
from featherflow.summary import _graph_def, _proto
from featherflow.summary.ops import histogram_buckets, image_tensor
from featherflow.summary.writer import create_file_writer, state

_LR_NOW = operator.methodcaller("_lr_now")
_TRAIN_BATCH_HOOKS = frozenset(
    {"on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"}
)
_TEST_BATCH_HOOKS = frozenset({"on_test_batch_begin", "on_test_batch_end"})
_GRAPH_MODEL_CLASSES = ("Sequential", "Functional")


def _as_float(value):
    """A float from a number, or a 0-d / one-element array or tensor."""
    return float(value) if type(value) is float else float(np.asarray(value).reshape(()))


def learning_rate_reader(optimizer):
    """A function returning the optimizer's current learning rate as a float, or None.

    Tries, in order: ``_current_learning_rate()``, ``_get_current_learning_rate()`` and the
    ``learning_rate`` attribute (a number, a variable or tensor, or a schedule called with
    ``optimizer.iterations``). Decided once, so reading it each epoch stays cheap.
    """
    if optimizer is None:
        return None
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)

    if isinstance(optimizer, Optimizer):
        # featherflow's optimizers keep a cheap reader of the current rate (a C method for a
        # rate held in a variable), looked up at each call as setting a schedule replaces it;
        # partial + methodcaller make that call without a Python frame
        return functools.partial(_LR_NOW, optimizer)
    candidates = []
    for method in ("_current_learning_rate", "_get_current_learning_rate"):
        getter = getattr(optimizer, method, None)
        if callable(getter):
            candidates.append(lambda getter=getter: float(getter()))
    if hasattr(optimizer, "learning_rate"):
        lr = optimizer.learning_rate
        if callable(lr) and not hasattr(lr, "__float__"):
            candidates.append(lambda: float(lr(optimizer.iterations)))
        else:
            candidates.append(lambda: float(optimizer.learning_rate))
    for reader in candidates:
        try:
            reader()
        except (TypeError, ValueError, AttributeError):
            continue
        return reader
    return None


class _EpochPlan:
    """Where the columns of a block of epoch rows go, for one tuple of log keys.

    A row is ``(epoch, wall_time, *logs values, [learning rate], [steps per second])``;
    ``train_cols``/``val_cols`` pick each run's values out of it.
    """

    __slots__ = ("train_layout", "train_cols", "val_layout", "val_cols")

    def __init__(self, train_layout, train_cols, val_layout, val_cols):
        self.train_layout = train_layout
        self.train_cols = train_cols
        self.val_layout = val_layout
        self.val_cols = val_cols


# The callback hands its epoch rows to the writers at least this often while training runs.
_DRAIN_SECS = 2.0


def _describe(value):
    shape = getattr(value, "shape", None)
    return f"a {type(value).__name__} of shape {shape}" if shape else repr(value)


def _number_rows(rows, keys):
    """The rows whose logs values are all single numbers (as floats), and the first other
    entry as ``(epoch, key, value)``."""
    good, bad = [], None
    for row in rows:
        values = row[2:2 + len(keys)]
        try:
            good.append((row[0], row[1], *[_as_float(v) for v in values], *row[2 + len(keys):]))
        except (TypeError, ValueError):
            if bad is None:
                for key, v in zip(keys, values):
                    try:
                        _as_float(v)
                    except (TypeError, ValueError):
                        bad = (row[0], key, v)
                        break
    return good, bad


class TensorBoard(Callback):
    """Write logs for TensorBoard, as ``keras.callbacks.TensorBoard``.

    Layout and tags follow Keras: runs ``<log_dir>/train`` and ``<log_dir>/validation``;
    each epoch ``epoch_loss``, ``epoch_<metric>`` (validation values in the validation run
    under the same tags) and ``epoch_learning_rate``; ``evaluation_<metric>_vs_iterations``
    in the validation run after each evaluation; ``batch_<metric>`` every ``update_freq``
    batches; with ``histogram_freq`` a histogram per weight (``<weight path>/histogram``,
    and ``<weight path>/image`` with ``write_images``); with ``write_graph`` the model's
    JSON under the tag "keras" (the Graphs dashboard's conceptual graph), its layer graph
    as a GraphDef (the run's op graph view), and the op graph of the first training step
    (forward, gradients, optimizer updates) under the tag "train_step" (see
    docs/tensorboard.md).

    Epoch scalars are kept in memory as one tuple per epoch and written in blocks (at least
    every 2 seconds while training runs, when training ends, and at exit if training was
    interrupted), which keeps logging to about a microsecond per epoch. Viewing needs the
    ``tensorboard`` package (``pip install featherflow[tensorboard]``); writing does not.

    Example::

        tb = tf.keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)
        model.fit(x, y, epochs=100, validation_split=0.2, callbacks=[tb])
        # then: tensorboard --logdir logs

    Args:
        log_dir: directory for the runs.
        histogram_freq: log weight histograms every this many epochs (0: never).
        write_graph: log the model structure (Sequential and Functional models).
        write_images: with ``histogram_freq``, also log weights as images.
        write_steps_per_second: log training steps per second (epoch and batch level).
        update_freq: "epoch", "batch" or an int N (log ``batch_*`` every N batches).
        profile_batch: profiling is not available in featherflow; a nonzero value warns.
        embeddings_freq: save weights for the embedding projector every this many epochs.
        embeddings_metadata: metadata file for embedding layers (one name, or a dict from
            layer name to file).
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = self._check_freq("histogram_freq", histogram_freq)
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        if update_freq == "batch":
            update_freq = 1
        elif update_freq != "epoch" and (
            isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq < 1
        ):
            raise ValueError(
                "TensorBoard: update_freq must be 'epoch', 'batch' or a positive int; "
                f"received {update_freq!r}"
            )
        self.update_freq = update_freq
        self.embeddings_freq = self._check_freq("embeddings_freq", embeddings_freq)
        self.embeddings_metadata = embeddings_metadata
        self._check_profile_batch(profile_batch)
        self._writers = {}
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._reset_run_state()
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._saved_state = None
        self._graph_pending = False
        self._step_graph_written = False

    @staticmethod
    def _check_freq(name, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"TensorBoard: {name} must be an int >= 0; received {value!r}")
        return value

    @staticmethod
    def _check_profile_batch(profile_batch):
        if isinstance(profile_batch, str):
            profile_batch = [int(p) for p in profile_batch.split(",")]
        if isinstance(profile_batch, int):
            ok = profile_batch >= 0
            active = profile_batch > 0
        elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
            ok = 0 <= profile_batch[0] <= profile_batch[1]
            active = profile_batch[1] > 0
        else:
            ok = active = False
        if not ok:
            raise ValueError(
                "TensorBoard: profile_batch must be a non-negative int or a pair (start, stop) "
                f"of non-negative ints with start <= stop; received {profile_batch!r}"
            )
        if active:
            warnings.warn(
                "TensorBoard: featherflow has no profiler, so profile_batch="
                f"{profile_batch!r} is ignored (use profile_batch=0 to silence this)",
                stacklevel=3,
            )

    def _reset_run_state(self):
        self._plans = {}
        self._batch_plans = {}
        self._eval_layouts = {}
        self._lr_reader = None
        self._lr_resolved = False
        self._epoch_start = None
        self._epoch_start_iterations = None
        # Epoch rows not yet handed to the writers: groups (keys, has_lr, rows), a new group
        # whenever the logs' keys change; the last group takes the rows of new epochs.
        self._epoch_groups = []
        self._epoch_keys = None
        self._epoch_rows = None
        self._epoch_lr = None
        self._plain_epoch = False
        self._next_drain = time.time() + _DRAIN_SECS

    # ----------------------------------------------------------------------------- writers

    def _writer(self, key):
        writer = self._writers.get(key)
        if writer is None or writer.closed:
            path = self._train_dir if key == "train" else self._val_dir
            writer = create_file_writer(path)
            writer._events.add_feeder(self._drain_epoch_rows)
            self._writers[key] = writer
            # Layouts belong to one file writer.
            self._plans = {}
            self._batch_plans = {}
            self._eval_layouts = {}
        return writer

    @property
    def _train_writer(self):
        return self._writer("train")

    @property
    def _val_writer(self):
        return self._writer("val")

    def _close_writers(self):
        try:
            self._drain_epoch_rows()  # may raise for a bad value, after queuing the rest
        finally:
            for writer in self._writers.values():
                writer.close()
            self._writers = {}
        self._plans = {}
        self._batch_plans = {}
        self._eval_layouts = {}

    # ------------------------------------------------------------------------------- hooks

    def set_model(self, model):
        self.model = model
        self._close_writers()
        self._reset_run_state()
        from featherflow.distribute import files as distribute_files

        # tf.distribute: a non-chief worker writes into <log_dir>/workertemp_<id> (removed
        # at the end of training)
        run_dir = distribute_files.write_dirpath(self.log_dir)
        self._train_dir = os.path.join(run_dir, "train")
        self._val_dir = os.path.join(run_dir, "validation")
        self._graph_pending = bool(self.write_graph)
        self._step_graph_written = False
        if self.write_graph:
            self._write_keras_model_summary()
            self._write_layer_graph()
        if self.embeddings_freq:
            self._configure_embeddings()

    def _wants_hook(self, hook):
        """Which hooks do work with these settings; fit skips calling the others."""
        if hook in _TRAIN_BATCH_HOOKS or hook in _TEST_BATCH_HOOKS:
            return self.update_freq != "epoch" and hook in (
                "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin"
            )
        if hook == "on_epoch_begin":
            return bool(self.write_steps_per_second)
        if hook == "on_test_begin":
            return self.update_freq != "epoch"
        return True

    def _implements(self, hook):
        return self._wants_hook(hook) and super()._implements(hook)

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        if self.write_graph and not self._step_graph_written and hasattr(
                self.model, "_step_recorder"):
            self.model._step_recorder = self._write_step_graph
        # The optimizer may have changed since the last fit: read the learning rate anew.
        self._lr_resolved = False
        self._plans = {}
        self._epoch_keys = None  # the next epoch starts a group with the current optimizer
        self._next_drain = time.time() + _DRAIN_SECS
        if self.update_freq != "epoch":
            self._push_default(self._train_writer, 0)

    def on_train_end(self, logs=None):
        if getattr(self.model, "_step_recorder", None) == self._write_step_graph:
            self.model._step_recorder = None  # a custom train_step records nothing
        self._pop_default()
        if self._graph_pending:
            self._write_layer_graph()  # a Sequential without input shape is built by now
        self._close_writers()
        from featherflow.distribute import files as distribute_files

        distribute_files.remove_temp_dirpath(self.log_dir)

    def on_test_begin(self, logs=None):
        if self.update_freq != "epoch":
            self._push_default(self._val_writer, self._global_test_batch)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if logs and optimizer is not None and hasattr(optimizer, "iterations"):
            keys = tuple(logs)
            layout = self._eval_layouts.get(keys)
            if layout is None:
                layout = self._val_writer._events.layout(
                    [f"evaluation_{k}_vs_iterations" for k in keys]
                )
                self._eval_layouts[keys] = layout
            step = optimizer.iterations
            if type(step) is not int:
                step = int(np.asarray(step))
            try:
                values = list(map(float, logs.values()))
            except (TypeError, ValueError):
                values = self._floats(logs.values())
            # The layout was made with the open validation writer (layouts are dropped
            # whenever a writer is replaced).
            self._writers["val"]._events.add_row(layout, step, time.time(), values)
        if self.update_freq != "epoch":
            self._pop_default()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq != "epoch":
            state.step = self._global_train_batch
            state.record = self._global_train_batch % self.update_freq == 0
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        now = time.time()
        names = list(logs) if isinstance(logs, dict) else []
        values = [logs[n] for n in names]
        if self.write_steps_per_second:
            names.append("steps_per_second")
            values.append(1.0 / max(now - self._batch_start_time, 1e-12))
        if not names:
            return
        writer = self._train_writer
        key = tuple(names)
        layout = self._batch_plans.get(key)
        if layout is None:
            layout = writer._events.layout([f"batch_{n}" for n in names])
            self._batch_plans[key] = layout
        writer._events.add_row(layout, self._global_train_batch, now, self._floats(values))

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            state.step = self._global_test_batch
            state.record = self._global_test_batch % self.update_freq == 0

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start = time.time()
            self._epoch_start_iterations = self._iterations()

    def on_epoch_end(self, epoch, logs=None):
        if logs:
            # Runs every epoch, so it only appends one tuple: _drain_epoch_rows turns many
            # of them into records at once (see summary/_events.py for why). The values are
            # checked when their keys first appear, and in bulk at the drain.
            keys = tuple(logs)
            if keys != self._epoch_keys:
                self._start_epoch_group(keys, logs)
            now = time.time()
            if self._plain_epoch:
                # the usual case: the logs and the optimizer's rate, nothing else this epoch
                self._epoch_rows.append((epoch, now, *logs.values(), self._epoch_lr()))
                if now >= self._next_drain:
                    self._drain_soon(now)
                return
            self._append_epoch_row(epoch, now, logs)
            if now >= self._next_drain:
                self._drain_soon(now)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)

    def _drain_soon(self, now):
        """Hand the rows to the writers and write them (every _DRAIN_SECS while training)."""
        self._next_drain = now + _DRAIN_SECS
        for writer in list(self._writers.values()):
            writer.flush()  # hands the rows over first (the writers' feeder)

    def _append_epoch_row(self, epoch, now, logs):
        """on_epoch_end without a learning rate or with steps per second."""
        extra = [] if self._epoch_lr is None else [self._epoch_lr()]
        if self.write_steps_per_second:
            elapsed = now - (self._epoch_start or now)
            extra.append(self._epoch_steps() / elapsed if elapsed > 0 else 0.0)
        self._epoch_rows.append((epoch, now, *logs.values(), *extra))

    # ----------------------------------------------------------------------------- helpers

    def _push_default(self, writer, step):
        """Make ``writer`` the default for summaries written inside train/test steps."""
        if self._saved_state is None:
            self._saved_state = (state.writer, state.step, state.record)
        state.writer = writer
        state.step = step
        state.record = step % self.update_freq == 0

    def _pop_default(self):
        """Back to the train writer after an evaluation inside fit, or to the user's state."""
        if self._saved_state is None:
            return
        train = self._writers.get("train")
        if state.writer is not train and train is not None and not train.closed:
            state.writer = train
            state.step = self._global_train_batch
            return
        state.writer, state.step, state.record = self._saved_state
        self._saved_state = None

    def _iterations(self):
        """The optimizer's step count, or None without an optimizer that counts."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            return int(np.asarray(optimizer.iterations))
        return None

    def _epoch_steps(self):
        """Training steps done in the current epoch."""
        now = self._iterations()
        if now is not None and self._epoch_start_iterations is not None:
            return now - self._epoch_start_iterations
        return self.params.get("steps") or 0

    @staticmethod
    def _floats(values):
        try:
            return [v if type(v) is float else _as_float(v) for v in values]
        except (TypeError, ValueError):
            raise TypeError(
                "TensorBoard: every entry of logs must be a single number; received "
                f"{[type(v).__name__ for v in values]}"
            ) from None

    def _start_epoch_group(self, keys, logs):
        self._floats(logs.values())  # a clear error now for a value that is not a number
        if not self._lr_resolved:
            self._lr_reader = learning_rate_reader(getattr(self.model, "optimizer", None))
            self._lr_resolved = True
        # a callback before this one (LearningRateScheduler, ReduceLROnPlateau) may have put
        # the rate in the logs already: then it is not read from the optimizer a second time
        self._epoch_lr = self._lr_reader if "learning_rate" not in keys else None
        self._plain_epoch = (self._epoch_lr is not None and not self.write_steps_per_second
                             and not self.histogram_freq and not self.embeddings_freq)
        self._epoch_keys = keys
        self._epoch_rows = []
        self._epoch_groups.append((keys, self._epoch_lr is not None, self._epoch_rows))

    def _plan(self, keys, has_lr):
        train_index = [i for i, k in enumerate(keys) if not k.startswith("val_")]
        val_index = [i for i, k in enumerate(keys) if k.startswith("val_")]
        train_names = [f"epoch_{keys[i]}" for i in train_index]
        train_cols = [2 + i for i in train_index]
        extra_col = 2 + len(keys)
        if has_lr:
            train_names.append("epoch_learning_rate")
            train_cols.append(extra_col)
            extra_col += 1
        if self.write_steps_per_second:
            train_names.append("epoch_steps_per_second")
            train_cols.append(extra_col)
        train_layout = self._train_writer._events.layout(train_names)
        val_layout = None
        if val_index:
            val_layout = self._val_writer._events.layout(
                [f"epoch_{keys[i][4:]}" for i in val_index]
            )
        plan = _EpochPlan(train_layout, train_cols, val_layout, [2 + i for i in val_index])
        self._plans[keys, has_lr] = plan
        return plan

    def _drain_epoch_rows(self):
        """Hand the queued epoch rows to the writers as blocks (the writers' feeder)."""
        groups = self._epoch_groups
        if not groups:
            return
        self._epoch_groups = []
        self._epoch_keys = None  # the next epoch starts a new group
        bad = None
        for keys, has_lr, rows in groups:
            if not rows:
                continue
            width = len(rows[0])
            try:
                table = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64,
                                    count=len(rows) * width).reshape(len(rows), width)
            except (TypeError, ValueError):
                rows, problem = _number_rows(rows, keys)
                bad = bad or problem
                if not rows:
                    continue
                table = np.array(rows, dtype=np.float64)
            if np.abs(table[:, 0]).max() >= 2**53:
                steps = np.array([r[0] for r in rows], dtype=np.int64)
            else:
                steps = table[:, 0].astype(np.int64)
            walls = table[:, 1]
            # Made after the table: making a plan may open a writer, which feeds from here.
            plan = self._plans.get((keys, has_lr)) or self._plan(keys, has_lr)
            if plan.train_layout:
                self._writers["train"]._events.add_rows(
                    plan.train_layout, steps, walls, table[:, plan.train_cols])
            if plan.val_layout is not None:
                self._writers["val"]._events.add_rows(
                    plan.val_layout, steps, walls, table[:, plan.val_cols])
        if bad:
            epoch, key, value = bad
            raise TypeError(
                f"TensorBoard: every entry of logs must be a single number; at epoch {epoch} "
                f"{key!r} was {_describe(value)}, so that epoch was not logged (the others "
                "were)."
            )

    def _write_keras_model_summary(self):
        """The model's JSON under the tag "keras" (plugin graph_keras_model) at step 0."""
        model = self.model
        to_json = getattr(model, "to_json", None)
        if to_json is None:
            return
        try:
            text = to_json()
        except Exception as exc:  # noqa: BLE001 - a model that cannot be serialized is skipped
            if type(model).__name__ in _GRAPH_MODEL_CLASSES:
                warnings.warn(
                    f"TensorBoard: the model failed to serialize as JSON, so the Graphs "
                    f"dashboard will not show it: {exc}",
                    stacklevel=3,
                )
            return
        tensor = _proto.tensor(_proto.DT_STRING, [], strings=[text.encode("utf-8")])
        metadata = _proto.summary_metadata("graph_keras_model", content=b"1")
        self._train_writer._events.add_value("keras", tensor, metadata, 0)

    def _write_step_graph(self, x, y, sample_weight, loss, variables):
        """The op graph of the first training step (forward, loss, gradients and the
        optimizer's updates) under the tag "train_step" of the train run, as a RunMetadata
        (plugin graph_run_metadata_graph, as ``tf.summary.trace_export`` writes)."""
        from featherflow.summary import _step_graph

        graph_def = _step_graph.train_step_graph(self.model.optimizer, x, y, sample_weight,
                                                 loss, variables)
        run_metadata = _proto.f_bytes(4, _proto.f_bytes(2, graph_def))
        tensor = _proto.tensor(_proto.DT_STRING, [], strings=[run_metadata])
        metadata = _proto.summary_metadata("graph_run_metadata_graph", content=b"1")
        self._train_writer._events.add_value("train_step", tensor, metadata, 0, time.time())
        self._step_graph_written = True

    def _write_layer_graph(self):
        """The model's layer graph as ``Event.graph_def`` for the Graphs dashboard's op
        graph view (Keras writes its train function's op graph there)."""
        data = _graph_def.model_graph_def(self.model)
        if data is not None:
            now = time.time()
            self._train_writer._events.add_event(_graph_def.graph_event(now, data), now)
            self._graph_pending = False

    def _weights(self):
        for layer in getattr(self.model, "layers", ()):
            for weight in getattr(layer, "weights", ()):
                name = getattr(weight, "path", None) or weight.name
                yield name.replace(":", "_"), weight

    def _log_weights(self, epoch):
        # Keras flushes here; the writer's time-based flush keeps TensorBoard as current
        # and lets all histograms be framed together, which is much cheaper.
        events = self._train_writer._events
        metadata = _proto.summary_metadata("histograms")
        now = time.time()
        for name, weight in self._weights():
            values = np.asarray(weight)
            table = histogram_buckets(values)
            tensor = _proto.tensor(
                _proto.DT_DOUBLE, table.shape, content=table.astype("<f8").tobytes()
            )
            events.add_value(f"{name}/histogram", tensor, metadata, epoch, now)
            if self.write_images:
                self._log_weight_as_image(values, f"{name}/image", epoch)

    def _log_weight_as_image(self, values, tag, epoch):
        """As Keras: vectors and matrices as one grey image, 3-D kernels one per channel."""
        w = np.squeeze(values)
        if w.ndim == 1:
            w = w.reshape(1, w.shape[0], 1, 1)
        elif w.ndim == 2:
            if w.shape[0] > w.shape[1]:
                w = w.T
            w = w.reshape(1, w.shape[0], w.shape[1], 1)
        elif w.ndim == 3:
            w = np.transpose(w, (2, 0, 1))[..., None]
        if w.ndim == 4 and w.shape[-1] in (1, 3, 4):
            self._train_writer._events.add_value(
                tag, image_tensor(tag, w), _proto.summary_metadata("images"), epoch
            )

    def _configure_embeddings(self):
        """Write projector_config.pbtxt naming each Embedding layer's weights."""
        metadata = self.embeddings_metadata
        if isinstance(metadata, dict):
            metadata = dict(metadata)
        entries = []
        for layer in getattr(self.model, "layers", ()):
            if type(layer).__name__ != "Embedding":
                continue
            lines = [
                '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"'
            ]
            path = metadata if isinstance(metadata, str) else None
            if isinstance(metadata, dict) and layer.name in metadata:
                path = metadata.pop(layer.name)
            if path is not None:
                lines.append(f"  metadata_path: {_pbtxt_string(path)}")
            entries.append("embeddings {\n" + "\n".join(lines) + "\n}\n")
        if isinstance(metadata, dict) and metadata:
            raise ValueError(
                "TensorBoard: embeddings_metadata names layers that are not Embedding layers "
                f"of the model: {sorted(metadata)}"
            )
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as f:
            f.write("".join(entries))

    def _log_embeddings(self, epoch):
        path = os.path.join(self.log_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.model.save_weights(path)


def _pbtxt_string(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
