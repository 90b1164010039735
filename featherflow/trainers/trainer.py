"""The training loop: compile, fit, evaluate, predict and the *_on_batch methods.

Data flows one way: batches -> ``train_step`` (forward under a tape, loss, gradients,
optimizer) -> metrics -> callbacks. ``predict`` and ``__call__`` share the forward without a
tape. The loop keeps per-step Python work small: callbacks without batch hooks are not called
per batch, and metric results are computed only when someone reads them.
"""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tape import backprop
from featherflow.autodiff.tensor import Tensor
from featherflow.backend.memory import tune_allocator
from featherflow.trainers import data_adapter as D
from featherflow.trainers.compile_utils import CompiledLoss, CompiledMetrics, shape_error

_DEFERRED = "__featherflow_deferred_logs__"


class _LossTracker:
    """Running mean of the loss over an epoch, weighted by batch size (as Keras 3)."""

    __slots__ = ("total", "count", "name")

    def __init__(self):
        self.name = "loss"
        self.total = 0.0
        self.count = 0.0

    def update(self, value, n):
        self.total += value * n
        self.count += n

    def result(self):
        return self.total / self.count if self.count else 0.0

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0


class Trainer:
    """Mixin giving a model ``compile``, ``fit``, ``evaluate`` and ``predict``."""

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self._compiled_loss = None
        self._compiled_metrics = None
        self._loss_tracker = _LossTracker()
        self.history = None
        self._want_step_logs = True
        self._train_vars = None
        self.compile_config = None

    # -- compile ----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Choose the optimizer, loss and metrics for training.

        Example::

            >>> model.compile(optimizer="sgd", loss="binary_crossentropy",
            ...               metrics=["accuracy"])
        """
        from featherflow import optimizers

        if kwargs:
            raise TypeError(f"compile: unexpected keyword argument(s) {sorted(kwargs)}.")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        names = self._output_names_for_compile()
        self._compiled_loss = CompiledLoss(loss, loss_weights, names) if loss is not None \
            else None
        self._compiled_metrics = CompiledMetrics(
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
            return names
        return ["output_1"]

    @property
    def metrics(self):
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if self._compiled_metrics is not None and self._compiled_metrics.metrics:
                out.extend(m for _, m, _ in self._compiled_metrics.metrics)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        self._loss_tracker.reset_state()
        if self._compiled_metrics is not None:
            self._compiled_metrics.reset()

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(
                f"You must compile the model before calling {what}(): call "
                "model.compile(optimizer=..., loss=...) first."
            )
        if self._compiled_loss is None and what in ("fit", "train_on_batch") and \
                type(self).train_step is Trainer.train_step:
            raise ValueError(
                "The model was compiled without a loss. Pass loss=... to compile, e.g. "
                "model.compile(optimizer='sgd', loss='mse')."
            )

    # -- steps ------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y`` plus losses added by layers."""
        loss = None
        if self._compiled_loss is not None:
            try:
                loss = self._compiled_loss(y, y_pred, sample_weight)
            except ValueError as err:
                if "Computing the" in str(err):
                    raise
                raise shape_error(f"loss '{_loss_name(self.loss)}'", y, y_pred, err) from err
        extra = self._collect_extra_losses()
        if extra:
            from featherflow.ops.math import add

            for term in extra:
                loss = term if loss is None else add(loss, term)
        if loss is None:
            raise ValueError(
                "No loss to minimise: compile the model with a loss, or add losses with "
                "add_loss in a layer."
            )
        return loss

    def _collect_extra_losses(self):
        return self.losses

    _regularized = None
    _losses_seen = -1

    def _loss_layers(self):
        stack = [self]
        out = []
        while stack:
            la = stack.pop()
            out.append(la)
            stack.extend(la._layers)
        return out

    def train_step(self, data):
        """One optimisation step on a batch ``(x, y, sample_weight)``; returns logs."""
        x, y, sw = _unpack(data)
        variables = self._train_vars
        if variables is None:
            variables = self.trainable_variables
        state.recording += 1
        try:
            y_pred = self._train_forward(x) if self._direct_call else self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sw)
        finally:
            state.recording -= 1
        if loss.data.ndim:
            from featherflow.ops.math import reduce_mean

            loss = reduce_mean(loss)
        grads = backprop([loss], [None], variables)
        self.optimizer.apply(grads, variables)
        self._update_metrics(x, y, y_pred, sw, float(loss.data))
        return self._step_logs()

    _direct_call = False

    def _train_forward(self, x):
        return self.call(x, training=True)

    def _can_call_directly(self, batches):
        """Whether train_step may skip ``__call__``: a built Sequential whose layers run as a
        plain chain, fed float arrays that the data adapter already converted."""
        return False

    def test_step(self, data):
        """Loss and metrics on one batch without training; returns logs."""
        x, y, sw = _unpack(data)
        y_pred = self(x, training=False)
        if self._compiled_loss is not None and y is not None:
            loss = self.compute_loss(x, y, y_pred, sw, training=False)
            if loss.data.ndim:
                value = float(np.mean(loss.data))
            else:
                value = float(loss.data)
        else:
            value = 0.0
        self._update_metrics(x, y, y_pred, sw, value)
        return self._step_logs()

    def predict_step(self, data):
        """The model's output on one batch."""
        x, _, _ = _unpack(data)
        return self(x, training=False)

    def _update_metrics(self, x, y, y_pred, sw, loss_value):
        first = x if not isinstance(x, (list, dict)) else D.flat_arrays(x)[0]
        n = first.data.shape[0] if isinstance(first, Tensor) else np.shape(first)[0]
        self._loss_tracker.update(loss_value, n)
        cm = self._compiled_metrics
        if cm is not None and y is not None and (cm.spec or cm.weighted_spec):
            cm.update(y, y_pred, sw)

    def _step_logs(self):
        if self._want_step_logs:
            return self.get_metrics_result()
        return _DEFERRED

    def get_metrics_result(self):
        """Current value of every metric, as Python floats keyed by metric name."""
        logs = {}
        for m in self.metrics:
            r = m.result()
            if isinstance(r, dict):
                for k, v in r.items():
                    logs[k] = _to_float(v)
            else:
                logs[m.name] = _to_float(r)
        return logs

    def _logs_from(self, step_logs):
        if step_logs is _DEFERRED or step_logs is None:
            return self.get_metrics_result()
        if isinstance(step_logs, dict):
            out = {}
            for k, v in step_logs.items():
                out[k] = _to_float(v)
            return out
        return self.get_metrics_result()

    # -- fit --------------------------------------------------------------------------------
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
        epochs = int(epochs)
        verbose = _verbose(verbose)
        batches, val = self._prepare_fit_data(
            x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight,
            validation_split, validation_data, validation_batch_size)
        if not self.built:
            self._build_from_batches(batches)
        steps = len(batches)
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        self._train_vars = self.trainable_variables
        self._regularized = None
        self._direct_call = self._can_call_directly(batches)
        want_batch = cbs.wants("on_train_batch_begin") or cbs.wants("on_train_batch_end")
        self._want_step_logs = want_batch
        from featherflow.utils.random import generator

        rng = generator()
        cbs.on_train_begin()
        # BackupAndRestore (or any callback) may resume an interrupted run at a later epoch
        initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch
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
                        logs = self.train_step(batch)
                        cbs.on_train_batch_end(step, self._logs_from(logs))
                    else:
                        logs = self.train_step(batch)
                    if self.stop_training:
                        break
                if step < 0:
                    raise ValueError(
                        "fit: the data produced no batches. Check that x is not empty and that "
                        "a generator yields (x, y) tuples (pass steps_per_epoch for endless ones)."
                    )
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
            self._direct_call = False
        cbs.on_train_end(epoch_logs)
        return self.history

    def _prepare_fit_data(self, x, y, sample_weight, batch_size, shuffle, steps_per_epoch,
                          class_weight, validation_split, validation_data,
                          validation_batch_size):
        if x is None:
            raise ValueError("fit: x is required (training inputs).")
        if D.is_generator_like(x):
            if y is not None:
                raise ValueError(
                    "fit: when x is a generator or Sequence it must yield (x, y) itself; do not "
                    "pass y separately."
                )
            if batch_size is not None:
                raise ValueError(
                    "fit: batch_size cannot be used with a generator or Sequence; the data "
                    "source decides the batch size."
                )
            batches = D.GeneratorBatches(x, steps_per_epoch)
            if validation_split:
                raise ValueError("validation_split is not supported with generators; pass "
                                 "validation_data instead.")
        else:
            x = self._float_inputs(D.expand_1d(D.to_numpy(x, "x")))
            self._check_input(x, "fit")
            y = D.expand_1d(D.to_numpy(y, "y"))
            sample_weight = D.to_numpy(sample_weight, "sample_weight")
            if y is None and self._compiled_loss is not None:
                raise ValueError(
                    "fit: y (the targets) is required when x is an array. Pass "
                    "model.fit(x, y, ...)."
                )
            D.num_samples(x, y, sample_weight)
            D.check_finite(x, "x")
            D.check_finite(y, "y")
            if validation_split and validation_data is None:
                (x, y, sample_weight), val_arrays = D.split_validation(
                    x, y, sample_weight, validation_split)
                validation_data = val_arrays
            batches = D.ArrayBatches(x, y, sample_weight,
                                     batch_size=32 if batch_size is None else batch_size,
                                     shuffle=shuffle, steps=steps_per_epoch,
                                     class_weight=class_weight)
        val = None
        if validation_data is not None:
            vbs = validation_batch_size or batch_size or 32
            if D.is_generator_like(validation_data):
                val = D.GeneratorBatches(validation_data)
            else:
                if not isinstance(validation_data, tuple) or len(validation_data) not in (2, 3):
                    raise ValueError(
                        "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                        f"sample_weight), received {type(validation_data).__name__}."
                    )
                vx, vy = validation_data[0], validation_data[1]
                vsw = validation_data[2] if len(validation_data) == 3 else None
                vx = D.expand_1d(D.to_numpy(vx, "validation x"))
                vy = D.expand_1d(D.to_numpy(vy, "validation y"))
                val = D.ArrayBatches(vx, vy, D.to_numpy(vsw), batch_size=vbs, shuffle=False)
        return batches, val

    def _expected_input_shape(self):
        """(batch shape, name of the layer that declared it) of a single-input model, or
        (None, None) when the model has no declared input."""
        layer = getattr(self, "_input_layer", None)
        if layer is not None:
            layers = self.layers
            return layer.batch_shape, (layers[0].name if layers else layer.name)
        inputs = getattr(self, "inputs", None)
        if isinstance(inputs, list) and len(inputs) == 1 and hasattr(inputs[0], "shape"):
            return inputs[0].shape, inputs[0]._keras_history[0].name
        return None, None

    def _check_input(self, x, what):
        """Data whose rank or sizes differ from the model's Input: a clear error up front."""
        if not isinstance(x, np.ndarray):
            return
        expected, layer_name = self._expected_input_shape()
        if expected is None:
            return
        ok = x.ndim == len(expected) and all(
            e is None or e == d for e, d in zip(expected[1:], x.shape[1:]))
        if not ok:
            raise ValueError(
                f"{what}: x has shape {x.shape}, but model '{self.name}' takes inputs of shape "
                f"{tuple(expected)} (declared at layer '{layer_name}'; None is the batch). "
                f"Give x the shape (samples, {', '.join(str(d) for d in expected[1:])}), or "
                "change the input_shape/input_dim of the first layer to match your data."
            )

    def _float_inputs(self, x):
        """Integer data for a model that takes floats is cast once here, not every step."""
        if not getattr(self, "_cast_int_inputs", True):
            return x
        dt = self.dtype
        return D.map_arrays(lambda a: a.astype(dt) if a.dtype.kind in "iub" else a, x)

    def _build_from_batches(self, batches):
        from featherflow.utils.random import generator

        for xb, _, _ in batches.epoch(generator()):
            self(_to_tensors(xb), training=False)
            break

    # -- evaluate ---------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss (and metrics) on the given data: a float, a list, or a dict (return_dict)."""
        from featherflow.callbacks.callback_list import CallbackList

        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"evaluate: unexpected keyword argument(s) {sorted(kwargs)}.")
        self._assert_compiled("evaluate")
        verbose = _verbose(verbose)
        if D.is_generator_like(x):
            batches = D.GeneratorBatches(x, steps)
        else:
            x = D.expand_1d(D.to_numpy(x, "x"))
            self._check_input(x, "evaluate")
            y = D.expand_1d(D.to_numpy(y, "y"))
            sw = D.to_numpy(sample_weight, "sample_weight")
            D.check_finite(x, "x")
            batches = D.ArrayBatches(x, y, sw, batch_size=batch_size or 32, shuffle=False,
                                     steps=steps)
        if not self.built:
            self._build_from_batches(batches)
        cbs = CallbackList(callbacks, add_history=False, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=1, steps=len(batches), mode="test")
        logs = self._run_evaluate(batches, cbs, steps)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _run_evaluate(self, batches, cbs, steps=None):
        from featherflow.utils.random import generator

        self.reset_metrics()
        want_batch = cbs.wants("on_test_batch_begin") or cbs.wants("on_test_batch_end")
        previous = self._want_step_logs
        self._want_step_logs = want_batch
        cbs.on_test_begin()
        logs = None
        try:
            for step, batch in enumerate(batches.epoch(generator())):
                if want_batch:
                    cbs.on_test_batch_begin(step)
                    logs = self.test_step(batch)
                    cbs.on_test_batch_end(step, self._logs_from(logs))
                else:
                    logs = self.test_step(batch)
        finally:
            self._want_step_logs = previous
        result = self._logs_from(logs)
        cbs.on_test_end(result)
        return result

    # -- predict ----------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                **kwargs):
        """The model's outputs for ``x`` as NumPy arrays, computed in batches (default 32)."""
        from featherflow.callbacks.callback_list import CallbackList

        for k in ("max_queue_size", "workers", "use_multiprocessing"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError(f"predict: unexpected keyword argument(s) {sorted(kwargs)}.")
        tune_allocator()
        verbose = _verbose(verbose)
        if D.is_generator_like(x):
            batches = D.GeneratorBatches(x, steps)
        else:
            x = D.expand_1d(D.to_numpy(x, "x"))
            self._check_input(x, "predict")
            batches = D.ArrayBatches(x, None, None, batch_size=batch_size or 32, shuffle=False,
                                     steps=steps)
        cbs = CallbackList(callbacks, add_history=False, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=1, steps=len(batches), mode="predict")
        want_batch = cbs.wants("on_predict_batch_begin") or cbs.wants("on_predict_batch_end")
        cbs.on_predict_begin()
        outputs = []
        from featherflow.utils.random import generator

        for step, batch in enumerate(batches.epoch(generator())):
            if want_batch:
                cbs.on_predict_batch_begin(step)
            out = self.predict_step(batch)
            outputs.append(_to_numpy_nest(out))
            if want_batch:
                cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the data produced no batches (empty x?).")
        return _concat_nest(outputs)

    # -- single batches ---------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False, reset_metrics=True):
        """One gradient step on one batch; returns the loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        x = D.expand_1d(D.to_numpy(x, "x"))
        y = D.expand_1d(D.to_numpy(y, "y"))
        sw = D.to_numpy(sample_weight, "sample_weight")
        D.num_samples(x, y, sw)
        if class_weight is not None:
            sw = D.apply_class_weight(y, sw, class_weight)
        if reset_metrics:
            self.reset_metrics()
        self._train_vars = None
        self._regularized = None
        if not self.built:
            self(_to_tensors(x), training=False)
        logs = self._logs_from(self.train_step((x, y, sw)))
        return _logs_out(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False,
                      reset_metrics=True):
        """Loss (and metrics) on one batch without training."""
        self._assert_compiled("test_on_batch")
        x = D.expand_1d(D.to_numpy(x, "x"))
        y = D.expand_1d(D.to_numpy(y, "y"))
        if reset_metrics:
            self.reset_metrics()
        logs = self._logs_from(self.test_step((x, y, D.to_numpy(sample_weight))))
        return _logs_out(logs, return_dict)

    def predict_on_batch(self, x):
        """The model's output on one batch, as NumPy."""
        x = D.expand_1d(D.to_numpy(x, "x"))
        return _to_numpy_nest(self.predict_step((x, None, None)))


def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


def _unpack(data):
    if isinstance(data, tuple):
        if len(data) == 3:
            x, y, sw = data
        elif len(data) == 2:
            (x, y), sw = data, None
        else:
            x, y, sw = data[0], None, None
    else:
        x, y, sw = data, None, None
    return _to_tensors(x), y, sw


def _to_tensors(x):
    if isinstance(x, np.ndarray):
        return Tensor(x)
    if isinstance(x, Tensor) or x is None:
        return x
    if isinstance(x, dict):
        return {k: _to_tensors(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_tensors(v) for v in x]
    return Tensor(np.asarray(x))


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


def _logs_out(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2, received {verbose!r}.")
    return int(verbose)

