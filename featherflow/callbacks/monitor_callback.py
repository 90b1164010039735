"""MonitorCallback: the shared "did the watched quantity improve?" logic.

EarlyStopping and ReduceLROnPlateau (and ModelCheckpoint with ``save_best_only``) all watch one
entry of the epoch logs and need the same three things: which direction is better, how much
change counts, and a comparison that treats the first value as an improvement.
"""

import warnings

from featherflow.callbacks.callback import Callback

# Metrics whose larger values are better. Keras 3 marks them with ``_direction = "up"``; a
# metric may carry that attribute itself, this table covers built-in metrics that do not.
_UP = frozenset({
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "Precision", "Recall", "AUC",
    "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity",
    "SpecificityAtSensitivity", "PearsonCorrelation", "ConcordanceCorrelation", "FBetaScore",
    "F1Score", "IoU", "BinaryIoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "CosineSimilarity",
    "R2Score",
})
_DOWN = frozenset({
    "Hinge", "SquaredHinge", "CategoricalHinge", "BinaryCrossentropy",
    "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
    "RootMeanSquaredError", "LogCoshError", "Poisson", "KLDivergence",
})


def metric_direction(metric):
    """``"up"``, ``"down"`` or None (unknown) for a metric object."""
    direction = getattr(metric, "_direction", None)
    if direction in ("up", "down"):
        return direction
    cls = type(metric).__name__
    if cls in _UP:
        return "up"
    if cls in _DOWN:
        return "down"
    # A mean of a loss function (e.g. metrics=[some_loss]) is a loss: lower is better.
    fn = getattr(metric, "_fn", None)
    if fn is not None and getattr(fn, "__module__", "").startswith("featherflow.losses"):
        return "down"
    return None


class MonitorCallback(Callback):
    """Base of callbacks that watch one log entry and act when it stops improving.

    ``mode`` is ``"min"``, ``"max"`` or ``"auto"`` (lower is better for losses, higher for
    accuracy-like metrics, read from the model's compiled metrics). A change counts as an
    improvement only when it beats the reference by more than ``min_delta``.

    Example::

        class PrintImprovements(MonitorCallback):
            def on_epoch_end(self, epoch, logs=None):
                if self._monitor_op is None:
                    self._set_monitor_op()
                if self._is_improvement(logs["val_loss"], self.best):
                    self.best = logs["val_loss"]
                    print("better at epoch", epoch + 1)
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__}: mode={mode!r} is not one of 'auto', 'min', 'max'; "
                "falling back to 'auto'.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self._monitor_op = None  # +1: larger is better, -1: smaller is better

    # Keras exposes the chosen comparison as ``monitor_op``; keep that name readable.
    @property
    def monitor_op(self):
        if self._monitor_op is None:
            return None
        return _greater if self._monitor_op > 0 else _less

    def _set_monitor_op(self):
        # Decided at the first epoch end, when the model's metrics exist and have their names.
        if self.mode == "min":
            self._monitor_op = -1
            return
        if self.mode == "max":
            self._monitor_op = 1
            return
        name = self.monitor.removeprefix("val_")
        sign = -1 if name == "loss" else None
        for metric in _all_metrics(self.model):
            if getattr(metric, "name", None) == name:
                direction = metric_direction(metric)
                if direction is not None:
                    sign = 1 if direction == "up" else -1
        if sign is None:
            raise ValueError(
                f"{type(self).__name__}: cannot tell whether monitor={self.monitor!r} should "
                "go up or down (it is neither the loss nor a compiled metric of known "
                "direction). Pass mode='max' to keep the highest value or mode='min' to keep "
                "the lowest."
            )
        self._monitor_op = sign

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        if self._monitor_op > 0:
            return value - self.min_delta > reference
        return value + self.min_delta < reference


def _less(a, b):
    return a < b


def _greater(a, b):
    return a > b


def _all_metrics(model):
    """The model's metrics with containers opened: Keras 3 lists the compiled metrics as one
    ``compile_metrics`` entry whose ``metrics`` are the ones a monitor names."""
    out = []
    for metric in getattr(model, "metrics", None) or []:
        out.append(metric)
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            out.extend(inner)
    return out
