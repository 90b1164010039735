"""The ``*_on_batch`` calls of tests/distribute/test_on_batch.py, shared by the one-process
reference (in the test) and the 2-rank MPI worker (workers/on_batch.py): the MLP of fit_case
trained by ``train_on_batch`` on global batches of 8, 8 and 7 rows (7: 4 + 3 on 2 replicas),
then with sample weights, class weights and ``reset_metrics=False``, then 1 row (1 + 0);
``test_on_batch`` and ``predict_on_batch``, a 1-row batch included; a BatchNormalization
model the same (``run_bn``, also run by tools/distribute_fixtures.py on_batch in tf_keras)."""

import contextlib

import numpy as np

from tests.distribute import fit_case

BATCHES = ((0, 8), (8, 16), (16, 23))
EVEN = ((0, 8), (8, 16), (16, 24))  # every batch split 4 + 4


def _bn_model(keras):
    # no bias before the normalization: its gradient is 0 up to rounding, which Adam would
    # scale up to steps of the learning rate (noise, different in every implementation)
    return keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, use_bias=False),
                             keras.layers.BatchNormalization(), keras.layers.Dense(3)])


def _bn_weights(model):
    rng = np.random.default_rng(7)
    return [(rng.normal(size=w.shape) * 0.4).astype(np.float32) if w.ndim == 2 else w
            for w in model.get_weights()]


def _floats(logs):
    if isinstance(logs, dict):
        return {k: float(v) for k, v in logs.items()}
    return [float(v) for v in np.atleast_1d(logs)]


def _weights(model):
    return [np.asarray(w, np.float64).tolist() for w in model.get_weights()]


def run(keras, strategy=None):
    """Every call's result and the weights after them, as JSON-ready lists."""
    scope = strategy.scope if strategy is not None else contextlib.nullcontext
    x, y, xv, yv = fit_case.data(35)
    with scope():
        model = fit_case.build(keras)
        model.set_weights(fit_case.initial_weights())
        fit_case.compile_model(model, keras)
    out = {"train": [_floats(model.train_on_batch(x[a:b], y[a:b], return_dict=True))
                     for a, b in BATCHES]}
    sw = np.linspace(0.5, 1.5, 7).astype(np.float32)
    out["train"].append(_floats(model.train_on_batch(
        x[23:30], y[23:30], sample_weight=sw, reset_metrics=False)))
    out["train"].append(_floats(model.train_on_batch(
        x[30:35], y[30:35], class_weight={0: 1.0, 1: 2.0, 2: 0.5}, return_dict=True)))
    # 1 row: 1 + 0, the second replica takes a zero-gradient step
    out["train"].append(_floats(model.train_on_batch(x[34:35], y[34:35], return_dict=True)))
    out["test"] = _floats(model.test_on_batch(xv, yv, return_dict=True))
    out["test7"] = _floats(model.test_on_batch(xv[:7], yv[:7], sample_weight=sw))
    out["test1"] = _floats(model.test_on_batch(xv[:1], yv[:1]))
    out["predict7"] = np.asarray(model.predict_on_batch(x[:7]), np.float64).tolist()
    out["predict1"] = np.asarray(model.predict_on_batch(x[:1]), np.float64).tolist()
    out["weights"] = _weights(model)

    out.update(run_bn(keras, strategy, BATCHES, "bn_"))
    return out


def run_bn(keras, strategy=None, batches=EVEN, prefix=""):
    """The BatchNormalization model trained by ``train_on_batch``, then tested and predicted
    on one batch: per-replica batch statistics (as TF), so not the one-process numbers; on
    ``EVEN`` batches the reference is tf_keras on 2 MultiWorkerMirroredStrategy workers."""
    scope = strategy.scope if strategy is not None else contextlib.nullcontext
    x, y, xv, yv = fit_case.data(35)
    with scope():
        bn = _bn_model(keras)
        bn.set_weights(_bn_weights(bn))
        fit_case.compile_model(bn, keras)
    out = {"train": [_floats(bn.train_on_batch(x[a:b], y[a:b], return_dict=True))
                     for a, b in batches]}
    out["test"] = _floats(bn.test_on_batch(xv, yv, return_dict=True))
    out["predict"] = np.asarray(bn.predict_on_batch(x[:6]), np.float64).tolist()
    out["weights"] = _weights(bn)  # the moving statistics included
    return {prefix + k: v for k, v in out.items()}
