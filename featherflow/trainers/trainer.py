"""The training loop: compile, fit, evaluate, predict and the *_on_batch methods.

Data flows one way: the data adapter's batches -> ``train_step`` (``self(x, training=True)``
under a tape, ``compute_loss``, gradients, optimizer) -> ``compute_metrics`` -> callbacks.
``predict`` and ``__call__`` share the forward without a tape. The loop keeps per-step Python
work small: callbacks without batch hooks are not called per batch, and the default steps
compute metric results only when someone reads them.
"""

import warnings

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tape import backprop
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.backend.memory import tune_allocator
from featherflow.distribute import keras_training as _distribute
from featherflow.metrics.metric import Mean, Metric
from featherflow.ops.math import add, cast, reduce_mean, reduce_sum
from featherflow.trainers import data_adapters, inputs
from featherflow.trainers.compile_utils import (
    CompiledLossForm,
    CompileLoss,
    CompileMetrics,
    batch_size_of,
    shape_error,
)
from featherflow.utils.data_packing import unpack_x_y_sample_weight

# What the default steps return when no callback reads per-batch logs: the loop then asks
# for the metric results once, at the end of the epoch.
_DEFERRED = "__featherflow_deferred_logs__"

_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or "
    "generator can generate at least `steps_per_epoch * epochs` batches."
)


class Trainer:
    """Mixin giving a model ``compile``, ``fit``, ``evaluate`` and ``predict``."""

    # a callable given (x, y, sample_weight, loss, variables) by the next default
    # train_step, then cleared: the TensorBoard callback records one step's op graph with it
    _step_recorder = None

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self._compiled_loss = None
        self._compiled_metrics = None
        self._loss_tracker = None
        self.history = None
        self._want_step_logs = True
        self._train_vars = None
        self.compile_config = None
        _distribute.record_strategy(self)  # tf.distribute: the scope the model is made in

    # -- compile ----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Choose the optimizer, loss and metrics for training.

        Example::

            >>> model.compile(optimizer="sgd", loss="binary_crossentropy",
            ...               metrics=["accuracy"])
        """
        from featherflow import optimizers  # optimizers import models' helpers: a cycle

        if kwargs:
            raise TypeError(f"compile: unexpected keyword argument(s) {sorted(kwargs)}.")
        _distribute.check_compile(self)
        self.optimizer = optimizers.get(optimizer)
        self.run_eagerly = bool(run_eagerly)
        if (auto_scale_loss and self.optimizer is not None
                and self.dtype_policy.name == "mixed_float16"
                and not isinstance(self.optimizer, optimizers.LossScaleOptimizer)):
            # Keras 3: float16 gradients underflow without loss scaling
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer,
                                                           name="loss_scale_optimizer")
        self.loss = loss
        names = self._output_names_for_compile()
        self._loss_tracker = Mean(name="loss")
        self._compiled_loss = CompileLoss(loss, loss_weights, names) if loss is not None \
            else None
        self._compiled_metrics = None
        if metrics is not None or weighted_metrics is not None:
            self._compiled_metrics = CompileMetrics(
                metrics, weighted_metrics,
                self._compiled_loss.identifiers if self._compiled_loss else [None] * len(names),
                names)
        self.compiled = True
        self.compile_config = {
            "optimizer": optimizer if isinstance(optimizer, str) else None,
            "loss": loss, "metrics": metrics, "loss_weights": loss_weights,
            "weighted_metrics": weighted_metrics,
        }
        self.stop_training = False

    def _output_names_for_compile(self):
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return ["output_1"]

    @property
    def compiled_loss(self):
        """tf.keras 2's ``compiled_loss(y, y_pred, sample_weight, regularization_losses)``."""
        return CompiledLossForm(self)

    @property
    def compiled_metrics(self):
        """tf.keras 2's ``compiled_metrics.update_state(y, y_pred, sample_weight)``."""
        return self._compiled_metrics

    @property
    def metrics(self):
        """The loss tracker, the compiled metrics (one ``compile_metrics`` entry), the
        per-output loss trackers, then metrics assigned as attributes, as Keras 3 lists them."""
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._compiled_metrics is not None:
                out.append(self._compiled_metrics)
            if self._compiled_loss is not None:
                out.extend(self._compiled_loss.metrics)
        out.extend(self._attribute_metrics())
        return out

    def __setattr__(self, name, value):
        # Metrics assigned to public attributes (``self.loss_tracker = Mean()``) are listed
        # by ``metrics`` in assignment order, as Keras 3 tracks them; a Metric is not a Layer,
        # so the layer tracking does not see them. Noted here, not searched for per epoch.
        if name[0] != "_" and (isinstance(value, Metric) or (
                isinstance(value, (list, tuple)) and value
                and all(isinstance(v, Metric) for v in value))):
            names = self.__dict__.setdefault("_metric_attributes", {})
            names[name] = None
        super().__setattr__(name, value)

    def _attribute_metrics(self):
        found = []
        names = self.__dict__.get("_metric_attributes")
        for name in names or ():
            value = self.__dict__.get(name)
            if isinstance(value, Metric):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                found.extend(v for v in value if isinstance(v, Metric))
        return found

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(
                f"You must compile the model before calling {what}(): call "
                "model.compile(optimizer=..., loss=...) first."
            )
        if self._compiled_loss is None and what in ("fit", "train_on_batch") and \
                type(self).train_step is Trainer.train_step and \
                type(self).compute_loss is Trainer.compute_loss and not self.losses:
            raise ValueError(
                "The model was compiled without a loss. Pass loss=... to compile, e.g. "
                "model.compile(optimizer='sgd', loss='mse')."
            )

    # -- steps ------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y`` plus ``self.losses`` (the losses
        added during the last call and the weight regularization losses), each summed."""
        loss = None
        if self._reduced is not None:
            # losses are computed in float32 (Keras's losses cast to their float32 dtype)
            y_pred = _float32_outputs(y_pred)
        if self._compiled_loss is not None:
            try:
                loss = self._compiled_loss(y, y_pred, sample_weight)
            except ValueError as err:
                if "Computing the" in str(err) or "output" in str(err):
                    raise
                raise shape_error(f"loss '{_loss_name(self.loss)}'", y, y_pred, err) from err
        for term in self.losses:
            term = self._aggregate_additional_loss(term)
            loss = term if loss is None else add(loss, term)
        if loss is None:
            raise ValueError(
                "No loss to compute: compile the model with a loss (model.compile(loss=...)), "
                "or add losses with add_loss in a layer."
            )
        return loss

    def _aggregate_additional_loss(self, loss):
        """An added loss as a float scalar: summed over its entries (as Keras 3)."""
        if not isinstance(loss, Tensor):
            loss = Tensor(np.asarray(loss, config.floatx_dtype()))
        if loss.data.dtype.kind != "f":
            loss = cast(loss, config.floatx())
        return reduce_sum(loss) if loss.data.ndim else loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with this batch; returns every metric's result."""
        if self._compiled_metrics is not None and y is not None:
            self._compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data):
        """One optimisation step on what ``fit`` was given: ``x``, ``(x, y)`` or
        ``(x, y, sample_weight)``; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        variables = self._train_vars
        if variables is None:
            variables = self.trainable_variables
        state.recording += 1
        try:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
            if loss.data.ndim:
                loss = reduce_mean(loss)
            # the loss scale (LossScaleOptimizer, loss_scale_factor) multiplies the loss whose
            # gradients are taken; apply() divides them again, as Keras 3's train_step
            scaled = self.optimizer.scale_loss(loss)
        finally:
            state.recording -= 1
        self._track_loss(loss, x)
        grads = backprop([scaled], [None], variables)
        if self._step_recorder is not None:  # the TensorBoard callback's op graph, once
            recorder, self._step_recorder = self._step_recorder, None
            recorder(x, y, sample_weight, scaled, variables)
        if self._reduced == "float16":
            grads = self._float16_gradients(grads, variables)
        self.optimizer.apply(grads, variables)
        return self._step_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metrics on one batch without training; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        if y is not None and (self._compiled_loss is not None or self.losses):
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=False)
            self._track_loss(loss, x)
        return self._step_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's output on one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _track_loss(self, loss, x):
        """The loss tracker's update, weighted by the batch size (as Keras 3)."""
        n = batch_size_of(x)
        value = loss.data
        self._loss_tracker._add_counts(
            (float(value) if not value.ndim else float(np.mean(value))) * n, n)

    def _step_metrics(self, x, y, y_pred, sample_weight):
        if self._reduced is not None:
            y_pred = _float32_outputs(y_pred)
        if type(self).compute_metrics is not Trainer.compute_metrics:
            return self.compute_metrics(x, y, y_pred, sample_weight)
        if self._compiled_metrics is not None and y is not None:
            self._compiled_metrics.update_state(y, y_pred, sample_weight)
        if self._want_step_logs:
            return self.get_metrics_result()
        return _DEFERRED

    def get_metrics_result(self):
        """Current value of every metric in ``self.metrics``, as Python floats keyed by
        name (a metric whose result is a dict gives its entries)."""
        run = _distribute.run_of(self)
        if run is not None and not run.syncing:  # tf.distribute: the replicas' sums
            with run.synced_metrics(self):
                return self.get_metrics_result()
        logs = {}
        for m in self.metrics:
            if type(m) is Mean:
                logs[m.name] = m.result_value()
                continue
            r = m.result()
            if isinstance(r, dict):
                for k, v in r.items():
                    logs[k] = _to_float(v)
            else:
                logs[m.name] = _to_float(r)
        return logs

    def _logs_from(self, step_logs):
        """A step's return value as the logs callbacks see: floats, nested dicts flattened
        (Keras 3's ``pythonify_logs``)."""
        if step_logs is _DEFERRED or step_logs is None:
            return self.get_metrics_result()
        if isinstance(step_logs, dict):
            return _flat_logs(step_logs, {})
        return self.get_metrics_result()

    def _flatten_metrics_in_order(self, logs):
        """Logs as a list: the loss, metrics whose names ``self.metrics`` gives (the
        compiled metrics by their own names), then the rest sorted by key (Keras 3's
        order); a single value is returned alone."""
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names.extend(sub.name for sub in m.metrics)
            else:
                names.append(m.name)
        values = [logs[k] for k in dict.fromkeys(names) if k in logs]
        listed = set(names)
        values.extend(logs[k] for k in sorted(logs) if k not in listed)
        return values[0] if len(values) == 1 else values

    # -- fit --------------------------------------------------------------------------------
    @_distribute.distributed
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Train for ``epochs`` passes over the data; returns a ``History``.

        ``batch_size`` defaults to 32: ``batch_size=len(x)`` is full-batch gradient descent,
        ``batch_size=1`` is stochastic gradient descent, anything between is mini-batch.
        """
        from featherflow.callbacks.callback_list import CallbackList

        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"fit: unexpected keyword argument(s) {sorted(kwargs)}.")
        tune_allocator()
        self._assert_compiled("fit")
        epochs = _debug_caps().cap_epochs(int(epochs))
        steps_per_epoch = _debug_caps().cap_steps(steps_per_epoch)
        verbose = _verbose(verbose)
        if data_adapters.handles(x):
            batches, val = data_adapters.fit_batches(
                self, x, y, sample_weight, shuffle, steps_per_epoch, class_weight,
                validation_split, validation_data, validation_batch_size, validation_steps)
        else:
            val_adapted = data_adapters.handles(validation_data)
            batches, val = inputs.fit_batches(
                self, x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight,
                0.0 if val_adapted else validation_split,
                None if val_adapted else validation_data, validation_batch_size,
                needs_y=self._compiled_loss is not None
                and type(self).train_step is Trainer.train_step)
            if val_adapted:
                val = data_adapters.validation_batches(validation_data, None, validation_steps)
        run = _distribute.run_of(self)
        train_step = self.train_step
        if run is not None:  # tf.distribute: this replica's rows, all-reduced steps
            batches = run.local_batches(batches, x)
            val = run.local_batches(val, validation_data)
            train_step = run.train_step(self)
        if not self.built:
            self._build_from_batches(batches)
        steps = batches.num_steps()
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        self._train_vars = self.trainable_variables
        want_batch = cbs.wants("on_train_batch_begin") or cbs.wants("on_train_batch_end")
        self._want_step_logs = want_batch
        from featherflow.utils.random import generator

        rng = generator()
        cbs.on_train_begin()
        # BackupAndRestore (or any callback) may resume an interrupted run at a later epoch
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch
        self._mark_optimizer_build()
        self._initial_epoch = None
        epoch_logs = {}
        try:
            for epoch in range(int(initial_epoch), epochs):
                self.reset_metrics()
                cbs.on_epoch_begin(epoch)
                logs = None
                step = -1
                for step, batch in enumerate(batches.epoch(rng)):
                    if want_batch:
                        cbs.on_train_batch_begin(step)
                        logs = train_step(batch)
                        cbs.on_train_batch_end(step, self._logs_from(logs))
                    else:
                        logs = train_step(batch)
                    if self.stop_training:
                        break
                if step < 0 and epoch == int(initial_epoch):
                    raise ValueError(
                        "fit: the data produced no batches. Check that x is not empty and that "
                        "a generator yields (x, y) tuples (pass steps_per_epoch for endless ones)."
                    )
                if batches.exhausted or (step < 0 and not getattr(batches, "keras3_epochs",
                                                                   False)):
                    # a finite generator read to its end: the epochs after it have nothing to
                    # train on, so training stops (an empty epoch is not logged)
                    warnings.warn(_RAN_OUT, stacklevel=2)
                    self.stop_training = True
                    if step < 0:
                        break
                epoch_logs = self._logs_from(logs)
                if val is not None and (epoch + 1) % int(validation_freq) == 0:
                    self._want_step_logs = False
                    val_logs = self._run_evaluate(val, cbs, validation_steps)
                    self._want_step_logs = want_batch
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
        finally:
            self._want_step_logs = True
            self._train_vars = None
            _close(batches)
            _close(val)
        if epochs > 0 and getattr(self.optimizer, "built", False):
            # as Keras 3: with use_ema the model ends fit holding the moving averages
            self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(epoch_logs)
        return self.history

    def _build_from_batches(self, batches):
        x, _, _ = unpack_x_y_sample_weight(batches.first())
        self(x, training=False)

    # -- evaluate ---------------------------------------------------------------------------
    @_distribute.distributed
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss (and metrics) on the given data: a float, a list, or a dict (return_dict)."""
        from featherflow.callbacks.callback_list import CallbackList

        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"evaluate: unexpected keyword argument(s) {sorted(kwargs)}.")
        self._assert_compiled("evaluate")
        steps = _debug_caps().cap_steps(steps)
        verbose = _verbose(verbose)
        if data_adapters.handles(x):
            batches = data_adapters.evaluate_batches(self, x, y, sample_weight, steps)
        else:
            batches = inputs.evaluate_batches(self, x, y, sample_weight, batch_size, steps)
        if _distribute.run_of(self) is not None:  # tf.distribute: this replica's rows
            batches = _distribute.run_of(self).local_batches(batches, x)
        if not self.built:
            self._build_from_batches(batches)
        cbs = CallbackList(callbacks, add_history=False, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=1, steps=batches.num_steps(), mode="test")
        try:
            logs = self._run_evaluate(batches, cbs, steps)
        finally:
            _close(batches)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)

    def _run_evaluate(self, batches, cbs, steps=None):
        from featherflow.utils.random import generator

        self.reset_metrics()
        # every evaluation is a fresh pass (Keras 3 resets its cached validation iterator)
        getattr(batches, "reset", lambda: None)()
        want_batch = cbs.wants("on_test_batch_begin") or cbs.wants("on_test_batch_end")
        previous = self._want_step_logs
        self._want_step_logs = want_batch
        cbs.on_test_begin()
        logs = None
        run = _distribute.run_of(self)
        test_step = self.test_step if run is None else run.test_step(self)
        try:
            for step, batch in enumerate(batches.epoch(generator())):
                if want_batch:
                    cbs.on_test_batch_begin(step)
                    logs = test_step(batch)
                    cbs.on_test_batch_end(step, self._logs_from(logs))
                else:
                    logs = test_step(batch)
        finally:
            self._want_step_logs = previous
        result = self._logs_from(logs)
        cbs.on_test_end(result)
        return result

    # -- predict ----------------------------------------------------------------------------
    @_distribute.distributed
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                **kwargs):
        """The model's outputs for ``x`` as NumPy arrays, computed in batches (default 32)."""
        from featherflow.callbacks.callback_list import CallbackList

        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"predict: unexpected keyword argument(s) {sorted(kwargs)}.")
        tune_allocator()
        steps = _debug_caps().cap_steps(steps)
        verbose = _verbose(verbose)
        if data_adapters.handles(x):
            batches = data_adapters.predict_batches(self, x, steps)
        else:
            batches = inputs.predict_batches(self, x, batch_size, steps)
        run = _distribute.run_of(self)
        if run is not None:  # tf.distribute: this replica's rows, gathered at the end
            batches = run.local_batches(batches, x)
        cbs = CallbackList(callbacks, add_history=False, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=1, steps=batches.num_steps(), mode="predict")
        want_batch = cbs.wants("on_predict_batch_begin") or cbs.wants("on_predict_batch_end")
        cbs.on_predict_begin()
        outputs = []
        from featherflow.utils.random import generator

        try:
            for step, batch in enumerate(batches.epoch(generator())):
                if want_batch:
                    cbs.on_predict_batch_begin(step)
                if run is not None and run.empty(batch):
                    outputs.append(None)
                    continue
                out = self.predict_step(batch)
                outputs.append(_to_numpy_nest(out))
                if want_batch:
                    cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        finally:
            _close(batches)
        if run is not None:
            outputs = run.gather_outputs(outputs)
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the data produced no batches (empty x?).")
        return _concat_nest(outputs)

    # -- single batches ---------------------------------------------------------------------
    def _mark_optimizer_build(self):
        """Keras builds the optimizer symbolically in a compiled fit/train_on_batch, where
        ScheduleFreeAdamW starts differently; run_eagerly=True builds it as apply_gradients
        does. Tell a not yet built optimizer which of the two it gets."""
        if self.optimizer is not None and not getattr(self.optimizer, "built", True):
            self.optimizer._built_in_compiled_fit = not getattr(self, "run_eagerly", False)

    @_distribute.distributed
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False, reset_metrics=True):
        """One gradient step on one batch; returns the loss (and metrics). ``train_step``
        receives ``(x, y, sample_weight)`` (``None`` where not given), as in Keras 3; the
        metrics are reset first unless ``reset_metrics=False`` (tf.keras 2's argument).
        Under a strategy with several replicas the batch is the global batch, split across
        the replicas as in ``fit``."""
        self._assert_compiled("train_on_batch")
        x = data_adapters.expand_1d(data_adapters.to_numpy(x, "x", strings=True))
        y = data_adapters.expand_1d(data_adapters.to_numpy(y, "y"))
        sw = data_adapters.to_numpy(sample_weight, "sample_weight")
        data_adapters.num_samples(x, y, sw)
        data_adapters.check_finite(x, "train_on_batch: x")
        data_adapters.check_finite(y, "train_on_batch: y")
        if class_weight is not None:
            sw = data_adapters.apply_class_weight(y, sw, class_weight)
        if reset_metrics:
            self.reset_metrics()
        self._train_vars = None
        data = data_adapters.to_tensors((x, y, sw))
        step, run = self.train_step, _distribute.run_of(self)
        if run is not None:  # tf.distribute: this replica's rows, an all-reduced step
            data, step = run.local_rows(data, "train_on_batch"), run.train_step(self)
        if not self.built:
            self(data_adapters.to_tensors(x), training=False)
        self._mark_optimizer_build()
        logs = self._logs_from(step(data))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    @_distribute.distributed
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False,
                      reset_metrics=True):
        """Loss (and metrics) on one batch without training; ``test_step`` receives
        ``(x, y, sample_weight)`` as in Keras 3. Under a strategy with several replicas the
        batch is the global batch and the loss and metrics are global."""
        self._assert_compiled("test_on_batch")
        x = data_adapters.expand_1d(data_adapters.to_numpy(x, "x", strings=True))
        y = data_adapters.expand_1d(data_adapters.to_numpy(y, "y"))
        sw = data_adapters.to_numpy(sample_weight, "sample_weight")
        data_adapters.check_finite(x, "test_on_batch: x")
        data_adapters.check_finite(y, "test_on_batch: y")
        if reset_metrics:
            self.reset_metrics()
        data = data_adapters.to_tensors((x, y, sw))
        step, run = self.test_step, _distribute.run_of(self)
        if run is not None:  # tf.distribute: this replica's rows, global metrics
            data, step = run.local_rows(data, "test_on_batch"), run.test_step(self)
            if not self.built:  # on every replica, even one without rows
                self(data_adapters.to_tensors(x), training=False)
        logs = self._logs_from(step(data))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    @_distribute.distributed
    def predict_on_batch(self, x):
        """The model's output on one batch, as NumPy; ``predict_step`` receives ``(x,)``.
        Under a strategy with several replicas every replica returns all rows, in order."""
        x = data_adapters.expand_1d(data_adapters.to_numpy(x, "x", strings=True))
        data = (data_adapters.to_tensors(x),)
        run = _distribute.run_of(self)
        if run is None:
            return _to_numpy_nest(self.predict_step(data))
        local = run.local_rows(data, "predict_on_batch")
        if not self.built:  # on every replica, even one without rows
            self(data[0], training=False)
        out = None if run.empty(local) else _to_numpy_nest(self.predict_step(local))
        gathered = run.gather_outputs([out])
        # an empty global batch: every replica's (empty) output is the same
        return gathered[0] if gathered else _to_numpy_nest(self.predict_step(local))


def _float32_outputs(y_pred):
    """float16 model outputs cast to float32 (the mixed policies), other values unchanged."""
    if isinstance(y_pred, Tensor):
        return cast(y_pred, "float32") if y_pred.data.dtype == np.float16 else y_pred
    if isinstance(y_pred, (list, tuple)):
        return type(y_pred)(_float32_outputs(v) for v in y_pred)
    if isinstance(y_pred, dict):
        return {k: _float32_outputs(v) for k, v in y_pred.items()}
    return y_pred


def _close(batches):
    """Release what an adapter keeps open across epochs (a dataset iterator and its
    prefetch thread)."""
    close = getattr(batches, "close", None)
    if close is not None:
        close()


def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


def _flat_logs(logs, out):
    for k, v in logs.items():
        if isinstance(v, dict):
            _flat_logs(v, out)
        else:
            out[k] = _to_float(v)
    return out


def _to_numpy_nest(x):
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, dict):
        return {k: _to_numpy_nest(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_numpy_nest(v) for v in x]
    return np.asarray(x)


def _concat_nest(outs):
    first = outs[0]
    if isinstance(first, dict):
        return {k: _concat_nest([o[k] for o in outs]) for k in first}
    if isinstance(first, list):
        return [_concat_nest([o[i] for o in outs]) for i in range(len(first))]
    if len(outs) == 1:
        return first
    return np.concatenate(outs, axis=0)


def _to_float(v):
    if isinstance(v, Tensor):
        v = v.data
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def _debug_caps():
    """keras.config's set_max_epochs / set_max_steps_per_epoch (debugging caps)."""
    from featherflow.keras import config

    return config


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2, received {verbose!r}.")
    return int(verbose)

