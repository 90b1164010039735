"""Record Keras 3.15's scikit-learn wrappers (keras.wrappers) for tests/test_keras_wrappers.py.

Run with the TensorFlow virtualenv (Keras and TensorFlow are never featherflow dependencies)::

    /work/venv-tf/bin/python tools/make_wrappers_fixtures.py

Every model starts from the same fixed weights (set in the model function), trains without
shuffling, so the numbers are deterministic: predictions, scores, cross_val_score folds and
GridSearchCV's results, plus the sklearn tags and what ``sklearn.base.clone`` keeps.
"""

import dataclasses
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "keras_wrappers",
                   "wrappers.json")
FIT = {"epochs": 5, "batch_size": 5, "shuffle": False, "verbose": 0}

rng = np.random.default_rng(0)
X = np.round(rng.normal(size=(24, 3)), 3)
Y_CLASS = np.array(["a", "b", "c"])[(X[:, 0] + X[:, 1] > 0).astype(int)
                                    + (X[:, 2] > 0.5).astype(int)]
Y_REG = np.round(X @ np.array([1.0, -2.0, 0.5]) + 0.25, 3)
W_CLASS = [np.round(rng.normal(size=(3, 3)) * 0.5, 3), np.zeros(3)]
W_REG = [np.round(rng.normal(size=(3, 1)) * 0.5, 3), np.zeros(1)]
W_TRANS = [np.round(rng.normal(size=(3, 2)) * 0.5, 3), np.zeros(2)]


def classifier_model(X, y, lr=0.1):
    model = keras.Sequential([keras.Input((X.shape[1],)),
                              keras.layers.Dense(y.shape[1], activation="softmax")])
    model.set_weights(W_CLASS)
    model.compile(keras.optimizers.SGD(lr), loss="categorical_crossentropy")
    return model


def regressor_model(X, y, lr=0.05):
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
    model.set_weights(W_REG)
    model.compile(keras.optimizers.SGD(lr), loss="mse")
    return model


def transformer_model(X, y):
    # transform gives the model's outputs: here a 2-unit tanh layer, then one unit
    model = keras.Sequential([keras.Input((X.shape[1],)),
                             keras.layers.Dense(2, activation="tanh"),
                             keras.layers.Dense(1)])
    model.set_weights(W_TRANS + [np.full((2, 1), 0.5, 'float32'), np.zeros(1, 'float32')])
    model.compile(keras.optimizers.SGD(0.05), loss="mse")
    return model


def tags(estimator):
    t = estimator.__sklearn_tags__()
    out = {"estimator_type": t.estimator_type, "non_deterministic": t.non_deterministic}
    for group in ("classifier_tags", "regressor_tags", "transformer_tags"):
        sub = getattr(t, group)
        if sub is not None:
            out[group] = dataclasses.asdict(sub)
    return out


def main():
    record = {"keras_version": keras.__version__, "sklearn_version": sklearn.__version__,
              "X": X.tolist(), "y_class": Y_CLASS.tolist(), "y_reg": Y_REG.tolist(),
              "w_class": [w.tolist() for w in W_CLASS], "w_reg": [w.tolist() for w in W_REG],
              "w_trans": [w.tolist() for w in W_TRANS], "fit": FIT}

    clf = keras.wrappers.SKLearnClassifier(classifier_model, fit_kwargs=dict(FIT))
    clf.fit(X, Y_CLASS)
    record["classifier"] = {
        "decision_function": clf.decision_function(X).tolist(),
        "predict": clf.predict(X).tolist(), "score": clf.score(X, Y_CLASS),
        "classes_": clf.classes_.tolist(), "loss": clf.history_.history["loss"],
        "tags": tags(clf), "clone_fit_kwargs": clone(clf).fit_kwargs,
    }
    reg = keras.wrappers.SKLearnRegressor(regressor_model, fit_kwargs=dict(FIT))
    reg.fit(X, Y_REG)
    record["regressor"] = {"predict": reg.predict(X).tolist(), "score": reg.score(X, Y_REG),
                           "loss": reg.history_.history["loss"], "tags": tags(reg)}
    trans = keras.wrappers.SKLearnTransformer(transformer_model, fit_kwargs=dict(FIT))
    record["transformer"] = {"fit_transform": trans.fit_transform(X, Y_REG).tolist(),
                             "tags": tags(trans)}

    folds = KFold(3)
    record["cross_val_score"] = cross_val_score(
        keras.wrappers.SKLearnRegressor(regressor_model), X, Y_REG, cv=folds,
        params=dict(FIT)).tolist()
    grid = GridSearchCV(keras.wrappers.SKLearnClassifier(classifier_model),
                        {"model_kwargs": [{"lr": 0.01}, {"lr": 0.5}]}, cv=folds)
    grid.fit(X, Y_CLASS, **FIT)
    record["grid_search"] = {"best_params": grid.best_params_,
                             "mean_test_score": grid.cv_results_["mean_test_score"].tolist(),
                             "split0": grid.cv_results_["split0_test_score"].tolist(),
                             "best_predict": grid.predict(X).tolist()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
