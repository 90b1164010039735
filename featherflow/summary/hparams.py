"""Hyperparameter logging for TensorBoard's HParams dashboard.

Mirrors ``tensorboard.plugins.hparams.api`` (``hp``): ``HParam``, ``Discrete``,
``IntInterval``, ``RealInterval``, ``Metric``, ``hparams``, ``hparams_config`` and
``KerasCallback``, writing the same ``_hparams_/...`` summaries, without TensorFlow.

Example (a sweep over learning rates)::

    from featherflow.summary import hparams as hp

    HP_LR = hp.HParam("learning_rate", hp.Discrete([0.01, 0.1, 1.0]))
    with tf.summary.create_file_writer("logs/sweep").as_default():
        hp.hparams_config(hparams=[HP_LR],
                          metrics=[hp.Metric("epoch_loss", group="validation")])
    for i, lr in enumerate(HP_LR.domain.values):
        run = f"logs/sweep/run-{i}"
        model.fit(..., callbacks=[tf.keras.callbacks.TensorBoard(run),
                                  hp.KerasCallback(run, {HP_LR: lr})])
"""

import hashlib
import json
import time

import numpy as np

from featherflow.callbacks.callback import Callback
from featherflow.summary import _proto
from featherflow.summary.ops import _writer
from featherflow.summary.writer import SummaryWriter, create_file_writer

PLUGIN_NAME = "hparams"
EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_INFO_TAG = "_hparams_/session_start_info"
SESSION_END_INFO_TAG = "_hparams_/session_end_info"

# api.proto enums.
DATA_TYPE_STRING = 1
DATA_TYPE_BOOL = 2
DATA_TYPE_FLOAT64 = 3
STATUS_SUCCESS = 1
STATUS_FAILURE = 2
STATUS_RUNNING = 3
# TensorBoard's hparams summaries carry an empty float tensor (shape [0]).
_NULL_TENSOR = _proto.tensor(_proto.DT_FLOAT, [0])


class Domain:
    """Base of the value sets a hyperparameter ranges over."""

    dtype = None

    def _info_fields(self):
        """Bytes of the HParamInfo fields ``type`` and ``domain_*`` for this domain."""
        raise NotImplementedError


class IntInterval(Domain):
    """All integers in ``[min_value, max_value]``, e.g. ``IntInterval(16, 256)``."""

    dtype = int

    def __init__(self, min_value=None, max_value=None):
        if not isinstance(min_value, int) or not isinstance(max_value, int):
            raise TypeError(
                f"IntInterval expected int bounds; received {min_value!r}, {max_value!r}"
            )
        if min_value > max_value:
            raise ValueError(f"IntInterval: min_value {min_value} > max_value {max_value}")
        self.min_value, self.max_value = min_value, max_value

    def __repr__(self):
        return f"IntInterval({self.min_value!r}, {self.max_value!r})"

    def _info_fields(self):
        # TensorBoard has no integer type yet and records ints as FLOAT64.
        interval = _proto.f_double(1, self.min_value) + _proto.f_double(2, self.max_value)
        return _proto.f_varint(4, DATA_TYPE_FLOAT64) + _proto.f_bytes(6, interval)


class RealInterval(Domain):
    """All reals in ``[min_value, max_value]``, e.g. ``RealInterval(1e-4, 1e-1)``."""

    dtype = float

    def __init__(self, min_value=None, max_value=None):
        if not isinstance(min_value, float) or not isinstance(max_value, float):
            raise TypeError(
                f"RealInterval expected float bounds; received {min_value!r}, {max_value!r} "
                "(write 1.0, not 1)"
            )
        if min_value > max_value:
            raise ValueError(f"RealInterval: min_value {min_value} > max_value {max_value}")
        self.min_value, self.max_value = min_value, max_value

    def __repr__(self):
        return f"RealInterval({self.min_value!r}, {self.max_value!r})"

    def _info_fields(self):
        interval = _proto.f_double(1, self.min_value) + _proto.f_double(2, self.max_value)
        return _proto.f_varint(4, DATA_TYPE_FLOAT64) + _proto.f_bytes(6, interval)


class Discrete(Domain):
    """A fixed set of values of one type (int, float, bool or str), e.g.
    ``Discrete([16, 32, 64])`` or ``Discrete(["adam", "sgd"])``."""

    def __init__(self, values, dtype=None):
        self._values = list(values)
        if dtype is None:
            if not self._values:
                raise ValueError("Discrete: an empty domain needs dtype=int, float, bool or str")
            dtype = type(self._values[0])
        if dtype not in (int, float, bool, str):
            raise ValueError(f"Discrete: dtype must be int, float, bool or str; received {dtype}")
        for value in self._values:
            if not isinstance(value, dtype):
                raise TypeError(
                    f"Discrete: every value must be a {dtype.__name__}; received {value!r}"
                )
        self.dtype = dtype
        self._values.sort()

    @property
    def values(self):
        return list(self._values)

    def __repr__(self):
        return f"Discrete({self._values!r})"

    def _info_fields(self):
        kind = {int: DATA_TYPE_FLOAT64, float: DATA_TYPE_FLOAT64, bool: DATA_TYPE_BOOL,
                str: DATA_TYPE_STRING}[self.dtype]
        values = b"".join(_proto.f_bytes(1, _proto.struct_value(v)) for v in self._values)
        return _proto.f_varint(4, kind) + _proto.f_bytes(5, values)


class HParam:
    """A hyperparameter: a name and (optionally) its domain, e.g.
    ``HParam("units", Discrete([16, 32]))``."""

    def __init__(self, name, domain=None, display_name=None, description=None):
        if domain is not None and not isinstance(domain, Domain):
            raise TypeError(
                f"HParam {name!r}: domain must be a Discrete, IntInterval or RealInterval; "
                f"received {domain!r}"
            )
        self.name = name
        self.domain = domain
        self.display_name = display_name
        self.description = description

    def __repr__(self):
        return f"HParam({self.name!r}, {self.domain!r})"

    def _info(self):
        out = _proto.f_bytes(1, self.name)
        if self.display_name:
            out += _proto.f_bytes(2, self.display_name)
        if self.description:
            out += _proto.f_bytes(3, self.description)
        if self.domain is not None:
            out += self.domain._info_fields()
        return out


class Metric:
    """A metric shown in the HParams dashboard: the scalar ``tag`` in run ``group``.

    With the Keras callback's layout, ``Metric("epoch_loss", group="validation")`` is the
    final validation loss of each trial.
    """

    TRAINING = 1
    VALIDATION = 2

    def __init__(self, tag, group=None, display_name=None, description=None,
                 dataset_type=None):
        if dataset_type not in (None, Metric.TRAINING, Metric.VALIDATION):
            raise ValueError(
                "Metric: dataset_type must be Metric.TRAINING, Metric.VALIDATION or None; "
                f"received {dataset_type!r}"
            )
        self.tag = tag
        self.group = group
        self.display_name = display_name
        self.description = description
        self.dataset_type = dataset_type

    def _info(self):
        name = (_proto.f_bytes(1, self.group) if self.group else b"") + _proto.f_bytes(2, self.tag)
        out = _proto.f_bytes(1, name)
        if self.display_name:
            out += _proto.f_bytes(3, self.display_name)
        if self.description:
            out += _proto.f_bytes(4, self.description)
        if self.dataset_type:
            out += _proto.f_varint(5, self.dataset_type)
        return out


def _normalize(hparams):
    result = {}
    for key, value in hparams.items():
        name = key.name if isinstance(key, HParam) else key
        if not isinstance(name, str):
            raise TypeError(f"hparams keys must be HParam objects or str; received {key!r}")
        if name in result:
            raise ValueError(f"hparams: more than one value given for {name!r}")
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, (bool, int, float, str)):
            raise TypeError(
                f"hparams[{name!r}] = {value!r}: expected a bool, int, float or str"
            )
        result[name] = value
    return result


def _write(tag, plugin_data):
    """Write an hparams summary at step 0; False without a default writer."""
    events = _writer()
    if events is None:
        return False
    metadata = _proto.summary_metadata(PLUGIN_NAME, content=plugin_data)
    events.add_value(tag, _NULL_TENSOR, metadata, 0)
    return True


def hparams(hparams, trial_id=None, start_time_secs=None):
    """Record the hyperparameter values of this trial (run) in the default writer.

    ``hparams`` maps ``HParam`` objects or names to bool, int, float or str values.
    ``trial_id`` groups runs of the same trial (default: a hash of the values).
    """
    values = _normalize(hparams)
    if trial_id is None:

        text = json.dumps(values, sort_keys=True, separators=(",", ":"))
        trial_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    elif not isinstance(trial_id, str):
        raise TypeError(f"hparams: trial_id must be a str; received {trial_id!r}")
    entries = b"".join(
        _proto.f_bytes(1, _proto.f_bytes(1, name) + _proto.f_bytes(2, _proto.struct_value(v)))
        for name, v in sorted(values.items())
    )
    start = time.time() if start_time_secs is None else float(start_time_secs)
    info = entries + _proto.f_bytes(4, trial_id) + _proto.f_double(5, start)
    return _write(SESSION_START_INFO_TAG, _proto.f_bytes(3, info))


def hparams_config(hparams, metrics, time_created_secs=None):
    """Describe the experiment: its hyperparameters (``HParam``) and metrics (``Metric``).

    Write it once, to the parent directory of the trials' runs.
    """
    created = time.time() if time_created_secs is None else float(time_created_secs)
    experiment = (
        _proto.f_double(3, created)
        + b"".join(_proto.f_bytes(4, h._info()) for h in hparams)
        + b"".join(_proto.f_bytes(5, m._info()) for m in metrics)
    )
    return _write(EXPERIMENT_TAG, _proto.f_bytes(2, experiment))


def session_end(status=STATUS_SUCCESS, end_time_secs=None):
    """Mark the trial of the default writer as ended (STATUS_SUCCESS or STATUS_FAILURE)."""
    end = time.time() if end_time_secs is None else float(end_time_secs)
    info = _proto.f_varint(1, status) + _proto.f_double(2, end)
    return _write(SESSION_END_INFO_TAG, _proto.f_bytes(4, info))


class KerasCallback(Callback):
    """Records a trial's hyperparameters when training starts, and its end.

    Example::

        model.fit(x, y, callbacks=[hp.KerasCallback("logs/run-0", {"learning_rate": 0.1})])
    """

    def __init__(self, writer, hparams, trial_id=None):
        super().__init__()
        self._hparams = _normalize(hparams)
        self._trial_id = trial_id
        if isinstance(writer, SummaryWriter):
            self._writer, self._logdir = writer, None
        elif isinstance(writer, str) or hasattr(writer, "__fspath__"):
            self._writer, self._logdir = None, str(writer)
        else:
            raise TypeError(
                "KerasCallback: writer must be a SummaryWriter or a log directory; "
                f"received {writer!r}"
            )

    def on_train_begin(self, logs=None):
        if self._writer is None:
            self._writer = create_file_writer(self._logdir)
        with self._writer.as_default():
            hparams(self._hparams, trial_id=self._trial_id)

    def on_train_end(self, logs=None):
        if self._writer is None:
            return
        with self._writer.as_default():
            session_end(STATUS_SUCCESS)
        if self._logdir is not None:
            self._writer.close()
            self._writer = None
