"""What compile() resolves: per-output losses with weights, and per-output metrics."""

import numpy as np

from featherflow.autodiff.tensor import Tensor


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


class CompiledLoss:
    """The loss of each output (resolved once) and how they add up."""

    def __init__(self, loss, loss_weights, output_names):
        from featherflow import losses as L

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
        self.fns = [_loss_object(L, p) if p is not None else None for p in per]
        if loss_weights is None:
            self.weights = [1.0] * n
        elif isinstance(loss_weights, dict):
            self.weights = [float(loss_weights.get(name, 1.0)) for name in self.output_names]
        else:
            if len(loss_weights) != n:
                raise ValueError(
                    f"compile(loss_weights=...) has {len(loss_weights)} entries for {n} outputs."
                )
            self.weights = [float(w) for w in loss_weights]
        self.single = n == 1
        self.last_values = None

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.single:
            fn = self.fns[0]
            yt = y_true[0] if isinstance(y_true, list) and len(y_true) == 1 else y_true
            sw = sample_weight[0] if isinstance(sample_weight, list) else sample_weight
            yp = y_pred[0] if isinstance(y_pred, (list, tuple)) else y_pred
            value = fn(yt, yp, sample_weight=sw) if sw is not None else fn(yt, yp)
            self.last_values = None
            return value if self.weights[0] == 1.0 else value * self.weights[0]
        from featherflow.ops.math import add

        yts = _per_output(y_true, self.output_names, "y")
        yps = _per_output(y_pred, self.output_names, "predictions")
        sws = _per_output(sample_weight, self.output_names, "sample_weight") \
            if sample_weight is not None else [None] * len(self.fns)
        total = None
        values = []
        for fn, w, yt, yp, sw in zip(self.fns, self.weights, yts, yps, sws):
            if fn is None or yt is None:
                values.append(None)
                continue
            v = fn(yt, yp, sample_weight=sw) if sw is not None else fn(yt, yp)
            values.append(v)
            term = v if w == 1.0 else v * w
            total = term if total is None else add(total, term)
        self.last_values = values
        return total


def _loss_object(L, identifier):
    """A reducing Loss for what compile got: built-in functions become their Loss classes
    (``"binary_crossentropy"`` -> ``BinaryCrossentropy()``, with its fused fast path); other
    callables are wrapped so the per-sample values are averaged over the batch."""
    return L.as_loss_object(identifier)


def shape_error(what, y_true, y_pred, err):
    """A ValueError naming the targets' and predictions' shapes and the likely fix."""
    yt = np.shape(y_true.data if isinstance(y_true, Tensor) else y_true)
    yp = np.shape(y_pred.data if isinstance(y_pred, Tensor) else y_pred)
    return ValueError(
        f"Computing the {what} failed for targets y of shape {tuple(yt)} and model outputs of "
        f"shape {tuple(yp)}: {err}. The targets need one column per output unit (the last "
        f"layer has {yp[-1] if yp else '?'}); integer class labels need "
        "sparse_categorical_crossentropy, one-hot labels categorical_crossentropy."
    )


def _per_output(v, names, what):
    if isinstance(v, dict):
        return [v.get(n) for n in names]
    if isinstance(v, (list, tuple)):
        if len(v) != len(names):
            raise ValueError(
                f"Expected {len(names)} {what} arrays (one per output {names}), received {len(v)}."
            )
        return list(v)
    return [v] * len(names) if len(names) == 1 else _fail(v, names, what)


def _fail(v, names, what):
    raise ValueError(
        f"The model has {len(names)} outputs {names}; give {what} as a list or a dict keyed by "
        f"output name, received a single array."
    )


class CompiledMetrics:
    """Metric objects per output, resolved on the first batch (they need output shapes)."""

    def __init__(self, metrics, weighted_metrics, loss_identifiers, output_names):
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss_ids = loss_identifiers
        self.output_names = list(output_names)
        self.metrics = None  # list of (output index, metric, weighted)
        self._check_names()

    def _check_names(self):
        """Unknown metric names fail at compile, not at the first batch of fit."""
        from featherflow import metrics as Mt

        for spec in (self.spec, self.weighted_spec):
            items = spec.values() if isinstance(spec, dict) else _as_list(spec)
            for item in items:
                for one in _as_list(item):
                    if isinstance(one, str) and one not in ("accuracy", "acc", "crossentropy",
                                                            "ce"):
                        Mt.get(one)

    def build(self, y_true, y_pred):
        from featherflow import metrics as Mt

        names = self.output_names
        multi = len(names) > 1
        built = []
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
                for item in items:
                    m = _resolve_metric(Mt, item, self.loss_ids[i], shape)
                    if multi:
                        m.name = f"{names[i]}_{m.name}"
                    if weighted:
                        m.name = f"weighted_{m.name}"
                    built.append((i, m, weighted))
        self.metrics = built

    def update(self, y_true, y_pred, sample_weight):
        if self.metrics is None:
            self.build(y_true, y_pred)
        multi = len(self.output_names) > 1
        for i, m, weighted in self.metrics:
            yt = y_true[i] if multi else y_true
            yp = y_pred[i] if multi else y_pred
            sw = None
            if weighted and sample_weight is not None:
                sw = sample_weight[i] if multi else sample_weight
            try:
                m.update_state(yt, yp.data if isinstance(yp, Tensor) else yp, sample_weight=sw)
            except ValueError as err:
                raise shape_error(f"metric '{m.name}'", yt, yp, err) from err

    def reset(self):
        if self.metrics:
            for _, m, _ in self.metrics:
                m.reset_state()


def _resolve_metric(Mt, item, loss_id, output_shape):
    if isinstance(item, str) and item in ("accuracy", "acc"):
        cls = Mt.resolve_accuracy(loss_id, output_shape)
        return cls(name=item)
    if isinstance(item, str) and item in ("crossentropy", "ce"):
        name = loss_id if isinstance(loss_id, str) else getattr(loss_id, "name", "")
        if "sparse" in str(name):
            return Mt.get("sparse_categorical_crossentropy")
        if "binary" in str(name):
            return Mt.get("binary_crossentropy")
        return Mt.get("categorical_crossentropy")
    m = Mt.get(item)
    if not isinstance(m, Mt.Metric):
        # a plain function (e.g. tf.keras.metrics.binary_accuracy): averaged over samples
        m = Mt.MeanMetricWrapper(m, name=item if isinstance(item, str) else getattr(
            m, "__name__", "metric"))
    if isinstance(item, str):
        m.name = item
    return m
