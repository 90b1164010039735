"""Record KerasTuner 1.4.8's behaviour for tests/keras_tuner/ (tests/fixtures/keras_tuner/).

Run with the TensorFlow virtualenv (KerasTuner and Keras are never featherflow dependencies)::

    /work/venv-tf/bin/python tools/make_tuner_fixtures.py

Most of what is recorded needs no training, so every number is exact: the printed search space
and results summaries, the values and defaults of every hyperparameter kind, GridSearch's order
(conditional scopes included), the objective directions KerasTuner infers from metric names,
and Hyperband's schedule (which trials start, which are promoted, their epochs). One search
trains real Keras models from constant initial weights without shuffling (a GridSearch over
units and learning rates), so its trials' scores and best epochs are deterministic too.
"""

import contextlib
import io
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras_tuner as kt  # noqa: E402
from keras_tuner.src.engine.objective import create_objective  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "keras_tuner")


def build_space(hp):
    """The space used by the summaries and the grid: every kind, one conditional scope."""
    hp.Int("units", 8, 32, step=8)
    hp.Float("lr", 1e-4, 1e-1, sampling="log")
    kind = hp.Choice("kind", ["mlp", "cnn"])
    with hp.conditional_scope("kind", ["cnn"]):
        hp.Int("filters", 4, 8, step=4)
    hp.Boolean("dropout")
    hp.Fixed("epochs", 3)
    return kind


def quiet_capture(function):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function()
    return buffer.getvalue()


def hyperparameter_values():
    hp = kt.HyperParameters()
    cases = {}
    specs = [
        ("int_linear", lambda: hp.Int("a", 6, 12)),
        ("int_step", lambda: hp.Int("b", 6, 13, step=3)),
        ("int_log_step", lambda: hp.Int("c", 2, 32, step=2, sampling="log")),
        ("int_default", lambda: hp.Int("d", 1, 5, default=4)),
        ("float_step", lambda: hp.Float("e", 0, 1, step=0.2)),
        ("float_log_step", lambda: hp.Float("f", 0.001, 10, step=10, sampling="log")),
        ("float_reverse_log_step", lambda: hp.Float("g", 0.1, 100, step=10,
                                                    sampling="reverse_log")),
        ("choice", lambda: hp.Choice("h", [3, 1, 2])),
        ("choice_default", lambda: hp.Choice("i", ["x", "y"], default="y")),
        ("boolean", lambda: hp.Boolean("j")),
        ("fixed", lambda: hp.Fixed("k", "relu")),
    ]
    for key, make in specs:
        value = make()
        param = hp.space[-1]
        entry = {"returned": value, "default": param.default, "repr": repr(param),
                 "config": param.get_config()}
        if getattr(param, "step", 1) is not None or not hasattr(param, "step"):
            entry["values"] = list(param.values)
        entry["probs"] = [param.prob_to_value(p) for p in (0.0, 0.1, 0.35, 0.5, 0.8, 0.999)]
        cases[key] = entry
    # continuous parameters: the sampling maps (prob -> value) of every kind
    maps = {}
    for key, param in (
        ("int_log", kt.engine.hyperparameters.Int("x", 1, 1000, sampling="log")),
        ("int_reverse_log", kt.engine.hyperparameters.Int("x", 1, 1000, sampling="reverse_log")),
        ("float_linear", kt.engine.hyperparameters.Float("x", -1.0, 3.0)),
        ("float_log", kt.engine.hyperparameters.Float("x", 1e-4, 1e-1, sampling="log")),
        ("float_reverse_log",
         kt.engine.hyperparameters.Float("x", 0.5, 0.999, sampling="reverse_log")),
    ):
        maps[key] = {"default": param.default,
                     "probs": [[p, param.prob_to_value(p)] for p in (0.0, 0.25, 0.5, 0.75, 0.99)]}
    cases["sampling_maps"] = maps
    return cases


def conditional_behaviour():
    hp = kt.HyperParameters()
    out = {}
    hp.Choice("model", ["a", "b"])
    with hp.conditional_scope("model", ["b"]):
        out["inactive_returned"] = hp.Int("depth", 1, 3)
    out["parent_name_returned"] = hp.Float("rate", 0.1, 0.5, parent_name="model",
                                           parent_values=["a"])
    out["values"] = dict(hp.values)
    try:
        hp.get("depth")
    except ValueError as err:
        out["get_inactive"] = ["ValueError", str(err)]
    try:
        hp.get("nothing")
    except KeyError as err:
        out["get_missing"] = ["KeyError", str(err)]
    out["contains"] = {"model": "model" in hp, "depth": "depth" in hp, "nothing": "nothing" in hp}
    try:
        with hp.conditional_scope("undefined", ["x"]):
            pass
    except ValueError as err:
        out["undefined_parent"] = str(err)
    with hp.name_scope("block"):
        hp.Int("width", 1, 2)
    out["scoped_values"] = dict(hp.values)
    out["is_active"] = {"depth": hp.is_active("depth"), "rate": hp.is_active("rate")}
    out["config"] = hp.get_config()
    return out


def errors():
    hp = kt.HyperParameters()
    out = {}
    for key, call in (
        ("int_min_gt_max", lambda: hp.Int("a", 5, 1)),
        ("int_bad_sampling", lambda: hp.Int("a", 1, 5, sampling="cubic")),
        ("log_nonpositive", lambda: hp.Float("a", 0.0, 1.0, sampling="log")),
        ("log_step_le_1", lambda: hp.Int("a", 1, 8, step=1, sampling="log")),
        ("int_not_int", lambda: hp.Int("a", 1.5, 5)),
        ("choice_mixed", lambda: hp.Choice("a", [1, "x"])),
        ("choice_default_missing", lambda: hp.Choice("a", [1, 2], default=3)),
        ("choice_empty", lambda: hp.Choice("a", [])),
        ("boolean_default", lambda: hp.Boolean("a", default="yes")),
        ("objective_unknown", lambda: create_objective("val_f00")),
    ):
        try:
            call()
        except Exception as err:  # every case raises; record the class and message
            out[key] = [type(err).__name__, str(err)]
    return out


DIRECTION_NAMES = [
    "loss", "val_loss", "accuracy", "val_accuracy", "acc", "val_acc", "mse", "val_mse", "mae",
    "mean_squared_error", "mean_absolute_error", "binary_accuracy", "categorical_accuracy",
    "sparse_categorical_accuracy", "val_sparse_categorical_accuracy", "auc", "val_auc",
    "precision", "recall", "AUC", "Precision", "crossentropy", "ce", "weighted_loss",
    "val_weighted_accuracy", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "kl_divergence", "hinge", "mape", "msle",
    "cosine_similarity",
    "true_positives", "TruePositives", "f1_score", "r2_score", "poisson", "huber", "log_cosh",
    "root_mean_squared_error", "val_root_mean_squared_error", "my_metric", "val_custom",
]


def directions():
    out = {}
    for name in DIRECTION_NAMES:
        out[name] = kt.engine.metrics_tracking.infer_metric_direction(name)
    return out


class _ScoredGrid(kt.GridSearch):
    def run_trial(self, trial, *args, **kwargs):
        return 0.0


class _ScoredHyperband(kt.Hyperband):
    """Scores depend on the values and the epochs, so promotions are deterministic."""

    def run_trial(self, trial, *args, **kwargs):
        values = trial.hyperparameters.values
        return float(values["x"]) / (1 + values.get("tuner/epochs", 0))


def grid_order():
    with tempfile.TemporaryDirectory() as tmp:
        tuner = _ScoredGrid(hypermodel=build_space, objective="val_loss", directory=tmp,
                            project_name="grid", overwrite=True)
        summary = quiet_capture(tuner.search_space_summary)
        quiet_capture(tuner.search)
        trials = [tuner.oracle.trials[t] for t in tuner.oracle.start_order]
        order = [t.hyperparameters.values for t in trials]
        ids = [t.trial_id for t in trials]
    return {"order": order, "trial_ids": ids, "search_space_summary": summary}


def hyperband_schedules():
    out = []
    for max_epochs, factor, iterations in ((9, 3, 1), (10, 3, 1), (8, 2, 1), (4, 3, 2)):
        with tempfile.TemporaryDirectory() as tmp:
            def build(hp):
                hp.Int("x", 0, 1000)
                return None

            tuner = _ScoredHyperband(hypermodel=build, objective=kt.Objective("score", "min"),
                                     max_epochs=max_epochs, factor=factor,
                                     hyperband_iterations=iterations, seed=1,
                                     directory=tmp, project_name="hb", overwrite=True)
            quiet_capture(tuner.search)
            rows = []
            for trial_id in tuner.oracle.start_order:
                values = tuner.oracle.trials[trial_id].hyperparameters.values
                rows.append({"trial_id": trial_id, "epochs": values["tuner/epochs"],
                             "initial_epoch": values["tuner/initial_epoch"],
                             "bracket": values["tuner/bracket"], "round": values["tuner/round"],
                             "from": values.get("tuner/trial_id")})
            out.append({"max_epochs": max_epochs, "factor": factor,
                        "hyperband_iterations": iterations, "trials": rows})
    return out


def summaries():
    """results_summary and a trial's summary, from a RandomSearch with fixed scores."""

    class Scored(kt.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            return {"val_accuracy": trial.hyperparameters.values["units"] / 100.0}

    def build(hp):
        hp.Choice("units", [10, 20, 30])
        hp.Fixed("act", "relu")
        return None

    with tempfile.TemporaryDirectory() as tmp:
        tuner = Scored(hypermodel=build, objective="val_accuracy", max_trials=3, seed=2,
                       directory=tmp, project_name="summ", overwrite=True)
        quiet_capture(tuner.search)
        text = quiet_capture(lambda: tuner.results_summary(num_trials=2))
        text = text.replace(tmp, "<directory>")
        best = [t.hyperparameters.values for t in tuner.oracle.get_best_trials(3)]
        scores = [t.score for t in tuner.oracle.get_best_trials(3)]
    return {"results_summary": text, "best_values": best, "best_scores": scores}


def keras_grid_search():
    """KerasTuner's GridSearch on Keras models: each trial's values, score and best epoch."""
    import keras
    import numpy as np

    x = np.linspace(-1, 1, 40, dtype="float32").reshape(20, 2)
    y = (np.sin(3 * x[:, :1]) + x[:, 1:] ** 2).astype("float32")

    def build(hp):
        init = keras.initializers.Constant(0.3)
        model = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(hp.Choice("units", [2, 4]), activation="tanh",
                               kernel_initializer=init),
            keras.layers.Dense(1, kernel_initializer=init)])
        model.compile(keras.optimizers.SGD(hp.Choice("lr", [0.05, 0.3])), loss="mse",
                      metrics=["mae"])
        return model

    with tempfile.TemporaryDirectory() as tmp:
        tuner = kt.GridSearch(build, objective="val_loss", directory=tmp, project_name="k",
                              overwrite=True)
        quiet_capture(lambda: tuner.search(x, y, epochs=4, batch_size=5, shuffle=False,
                                           validation_split=0.25, verbose=0))
        trials = [tuner.oracle.trials[t] for t in tuner.oracle.start_order]
        rows = [{"trial_id": t.trial_id, "values": t.hyperparameters.values,
                 "score": float(t.score), "best_step": int(t.best_step),
                 "val_mae": float(t.metrics.get_best_value("val_mae")),
                 "loss_history": [float(o.mean()) for o in t.metrics.get_history("loss")]}
                for t in trials]
        best = tuner.get_best_models()[0]
        best_prediction = best.predict(x, verbose=0).ravel().tolist()
    return {"x": x.tolist(), "y": y.tolist(), "trials": rows,
            "best_prediction": best_prediction}


def main():
    os.makedirs(OUT, exist_ok=True)
    record = {
        "keras_tuner_version": kt.__version__,
        "hyperparameters": hyperparameter_values(),
        "conditional": conditional_behaviour(),
        "errors": errors(),
        "directions": directions(),
        "grid": grid_order(),
        "hyperband": hyperband_schedules(),
        "summaries": summaries(),
        "keras_grid_search": keras_grid_search(),
    }
    path = os.path.join(OUT, "keras_tuner.json")
    with open(path, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
