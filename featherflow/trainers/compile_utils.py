"""What compile() resolves: the loss of each output with its weight and tracker, and the
compiled metrics as one ``compile_metrics`` entry of ``model.metrics`` (as Keras 3 has it)."""

import numpy as np

from featherflow import losses as losses_module
from featherflow import metrics as metrics_module
from featherflow.autodiff.tensor import Tensor
from featherflow.metrics.metric import Mean, Metric
from featherflow.ops.math import add


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def batch_size_of(value):
    """Rows of the first array in ``value`` (a Tensor, an array or a nest of them)."""
    while isinstance(value, (list, tuple, dict)):
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return value.data.shape[0] if isinstance(value, Tensor) else np.shape(value)[0]


class CompileLoss:
    """The loss of each output (resolved once) and how they add up.

    With several outputs each output's unweighted loss is also tracked by a
    ``Mean(name="<output>_loss")`` (Keras 3's per-output loss logs); those trackers are
    ``metrics``.
    """

    def __init__(self, loss, loss_weights, output_names):
        self.output_names = list(output_names)
        n = len(self.output_names)
        if isinstance(loss, dict):
            unknown = [k for k in loss if k not in self.output_names]
            if unknown:
                raise ValueError(
                    f"compile(loss=...): keys {unknown} are not output names; the model's "
                    f"outputs are {self.output_names}."
                )
            per = [loss.get(name) for name in self.output_names]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != n:
                raise ValueError(
                    f"compile(loss=[...]) has {len(loss)} entries but the model has {n} "
                    f"outputs {self.output_names}; give one loss per output or a single loss."
                )
            per = list(loss)
        else:
            per = [loss] * n
        self.identifiers = per
        self.fns = [losses_module.as_loss_object(p) if p is not None else None for p in per]
        self.weights = _loss_weights(loss_weights, self.output_names)
        self.single = n == 1
        self.metrics = [] if self.single else [
            Mean(name=f"{name}_loss") for name, fn in zip(self.output_names, self.fns)
            if fn is not None]

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.single:
            fn = self.fns[0]
            yt = y_true[0] if isinstance(y_true, (list, tuple)) and len(y_true) == 1 \
                else y_true
            if isinstance(yt, dict):
                yt = yt.get(self.output_names[0])
            sw = sample_weight[0] if isinstance(sample_weight, (list, tuple)) else sample_weight
            yp = y_pred[0] if isinstance(y_pred, (list, tuple)) else y_pred
            value = fn(yt, yp, sample_weight=sw) if sw is not None else fn(yt, yp)
            return value if self.weights[0] == 1.0 else value * self.weights[0]
        yts = per_output(y_true, self.output_names, "y")
        yps = per_output(y_pred, self.output_names, "predictions")
        sws = per_output(sample_weight, self.output_names, "sample_weight") \
            if sample_weight is not None else [None] * len(self.fns)
        total = None
        trackers = iter(self.metrics)
        n = batch_size_of(yps)
        for fn, w, yt, yp, sw in zip(self.fns, self.weights, yts, yps, sws):
            if fn is None:
                continue
            tracker = next(trackers)
            if yt is None:
                continue
            v = fn(yt, yp, sample_weight=sw) if sw is not None else fn(yt, yp)
            tracker._add_counts(float(v.data) * n, n)
            term = v if w == 1.0 else v * w
            total = term if total is None else add(total, term)
        return total


def _loss_weights(loss_weights, names):
    n = len(names)
    if loss_weights is None:
        return [1.0] * n
    if isinstance(loss_weights, dict):
        unknown = [k for k in loss_weights if k not in names]
        if unknown:
            raise ValueError(
                f"compile(loss_weights=...): keys {unknown} are not output names; the model's "
                f"outputs are {names}."
            )
        return [float(loss_weights.get(name, 1.0)) for name in names]
    if isinstance(loss_weights, (int, float)) and n == 1:
        return [float(loss_weights)]
    if len(loss_weights) != n:
        raise ValueError(
            f"compile(loss_weights=...) has {len(loss_weights)} entries for {n} outputs "
            f"{names}; give one weight per output or a dict keyed by output name."
        )
    return [float(w) for w in loss_weights]


def shape_error(what, y_true, y_pred, err):
    """A ValueError naming the targets' and predictions' shapes and the likely fix (the
    loss's own message first; a hint for the label format only where it gives none)."""
    yt = np.shape(y_true.data if isinstance(y_true, Tensor) else y_true)
    yp = np.shape(y_pred.data if isinstance(y_pred, Tensor) else y_pred)
    units = yp[-1] if yp else "?"
    detail = str(err).rstrip(". ")
    text = (f"Computing the {what} failed for targets y of shape {tuple(yt)} and model outputs "
            f"of shape {tuple(yp)}: {detail}.")
    if " use " in detail or "to_categorical" in detail:  # the loss named the fix itself
        return ValueError(text)
    if "sparse_categorical" in what:
        hint = ("sparse_categorical_crossentropy takes one integer class index per sample "
                "(shape (n,) or (n, 1)); for one-hot targets use categorical_crossentropy.")
    elif "categorical" in what:
        hint = (f"categorical_crossentropy takes one-hot targets with one column per output unit "
                f"(the last layer has {units}): encode integer labels with "
                f"tf.keras.utils.to_categorical(y, {units}), or use "
                "sparse_categorical_crossentropy for them.")
    else:
        hint = (f"The targets need one column per output unit (the last layer has {units}); "
                "integer class labels need sparse_categorical_crossentropy, one-hot labels "
                "categorical_crossentropy.")
    return ValueError(f"{text} {hint}")


def per_output(v, names, what):
    """``v`` as one entry per output: a dict is read by output name, a list in order."""
    if isinstance(v, dict):
        unknown = [k for k in v if k not in names]
        if unknown:
            raise ValueError(
                f"{what} has keys {unknown} that are not output names; the model's outputs are "
                f"{names}."
            )
        return [v.get(n) for n in names]
    if isinstance(v, (list, tuple)):
        if len(v) != len(names):
            raise ValueError(
                f"Expected {len(names)} {what} arrays (one per output {names}), received {len(v)}."
            )
        return list(v)
    if len(names) == 1:
        return [v]
    raise ValueError(
        f"The model has {len(names)} outputs {names}; give {what} as a list or a dict keyed by "
        f"output name, received a single array."
    )


class CompileMetrics(Metric):
    """The metrics given to ``compile``, as one entry of ``model.metrics`` named
    ``compile_metrics`` whose ``result()`` is a dict (Keras 3's layout).

    The metric objects are made on the first ``update_state`` (``"accuracy"`` needs the
    output's shape); ``metrics`` lists them. Result keys are the metric names, prefixed by
    the output name when the model has several outputs; a weighted metric whose name is
    taken is ``weighted_<name>``.
    """

    def __init__(self, metrics, weighted_metrics, loss_identifiers, output_names):
        super().__init__(name="compile_metrics")
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss_ids = loss_identifiers
        self.output_names = list(output_names)
        self._built = None  # list of (output index, metric, weighted, result key)
        self._check_names()

    def _check_names(self):
        """Unknown metric names fail at compile, not at the first batch of fit."""
        for spec in (self.spec, self.weighted_spec):
            items = spec.values() if isinstance(spec, dict) else _as_list(spec)
            for item in items:
                for one in _as_list(item):
                    if isinstance(one, str) and one not in ("accuracy", "acc", "crossentropy",
                                                            "ce"):
                        metrics_module.get(one)

    @property
    def metrics(self):
        return [m for _, m, _, _ in self._built] if self._built else []

    @property
    def built(self):
        return self._built is not None

    def build(self, y_true, y_pred):
        names = self.output_names
        multi = len(names) > 1
        built = []
        taken = {}
        for spec, weighted in ((self.spec, False), (self.weighted_spec, True)):
            if spec is None:
                continue
            if isinstance(spec, dict):
                per = [_as_list(spec.get(n)) for n in names]
            elif multi and isinstance(spec, (list, tuple)) and spec and all(
                    isinstance(s, (list, tuple)) or s is None for s in spec):
                per = [_as_list(s) for s in spec]
            else:
                per = [_as_list(spec)] * len(names)
            for i, items in enumerate(per):
                yp = y_pred[i] if multi else y_pred
                shape = np.shape(yp.data if isinstance(yp, Tensor) else yp)
                prefix = f"{names[i]}_" if multi else ""
                for item in items:
                    m = _resolve_metric(item, self.loss_ids[i], shape)
                    key = prefix + m.name
                    if key in taken and weighted:
                        key = f"{prefix}weighted_{m.name}"
                    if key in taken:
                        taken[key] += 1
                        key = f"{key}_{taken[key] - 1}"
                    else:
                        taken[key] = 1
                    built.append((i, m, weighted, key))
        self._built = built

    def update_state(self, y_true, y_pred, sample_weight=None):
        multi = len(self.output_names) > 1
        if multi or isinstance(y_true, (dict, list, tuple)):
            y_true = per_output(y_true, self.output_names, "y")
            y_pred = per_output(y_pred, self.output_names, "predictions")
            if sample_weight is not None:
                sample_weight = per_output(sample_weight, self.output_names, "sample_weight")
            if not multi:  # one output given as a one-entry dict or list
                y_true, y_pred = y_true[0], y_pred[0]
                sample_weight = sample_weight[0] if sample_weight is not None else None
        if self._built is None:
            self.build(y_true, y_pred)
        for i, m, weighted, _ in self._built:
            yt = y_true[i] if multi else y_true
            if yt is None:
                continue
            yp = y_pred[i] if multi else y_pred
            sw = None
            if weighted and sample_weight is not None:
                sw = sample_weight[i] if multi else sample_weight
            try:
                m.update_state(yt, yp.data if isinstance(yp, Tensor) else yp, sample_weight=sw)
            except ValueError as err:
                raise shape_error(f"metric '{m.name}'", yt, yp, err) from err

    def result(self):
        return {key: m.result() for _, m, _, key in self._built or ()}

    def reset_state(self):
        for _, m, _, _ in self._built or ():
            m.reset_state()

    @property
    def variables(self):
        return [v for m in self.metrics for v in m.variables]


class CompiledLossForm:
    """``model.compiled_loss``: tf.keras 2's callable, ``compiled_loss(y, y_pred,
    sample_weight, regularization_losses=model.losses)``. It adds the regularization losses
    and, as tf.keras 2 does, updates the model's loss tracker with the total."""

    def __init__(self, model):
        self._model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self._model
        loss = model._compiled_loss(y_true, y_pred, sample_weight) \
            if model._compiled_loss is not None else None
        for term in regularization_losses or ():
            term = model._aggregate_additional_loss(term)
            loss = term if loss is None else add(loss, term)
        if loss is None:
            raise ValueError(
                "compiled_loss: the model was compiled without a loss and no "
                "regularization_losses were given. Pass loss=... to compile()."
            )
        n = batch_size_of(y_pred)
        model._loss_tracker._add_counts(float(np.mean(loss.data)) * n, n)
        return loss

    @property
    def metrics(self):
        model = self._model
        return [model._loss_tracker] + (model._compiled_loss.metrics
                                        if model._compiled_loss is not None else [])


def _resolve_metric(item, loss_id, output_shape):
    if isinstance(item, str) and item in ("accuracy", "acc"):
        cls = metrics_module.resolve_accuracy(loss_id, output_shape)
        return cls(name=item)
    if isinstance(item, str) and item in ("crossentropy", "ce"):
        name = loss_id if isinstance(loss_id, str) else getattr(loss_id, "name", "")
        if "sparse" in str(name):
            return metrics_module.get("sparse_categorical_crossentropy")
        if "binary" in str(name):
            return metrics_module.get("binary_crossentropy")
        return metrics_module.get("categorical_crossentropy")
    m = metrics_module.get(item)
    if not isinstance(m, metrics_module.Metric):
        # a plain function (e.g. tf.keras.metrics.binary_accuracy): averaged over samples
        m = metrics_module.MeanMetricWrapper(m, name=item if isinstance(item, str) else getattr(
            m, "__name__", "metric"))
    if isinstance(item, str):
        m.name = item
    return m
