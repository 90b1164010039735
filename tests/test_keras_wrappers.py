"""tf.keras.wrappers against Keras 3.15 (tests/fixtures/keras_wrappers/wrappers.json, recorded
by tools/make_wrappers_fixtures.py): fits from fixed weights, predictions and scores, sklearn
tags, cross_val_score folds and GridSearchCV results; plus the SciKeras-style aliases."""

import json
import os

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402

import featherflow as tf  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_wrappers",
                       "wrappers.json")
with open(FIXTURE) as f:
    K = json.load(f)
X = np.array(K["X"])
Y_CLASS = np.array(K["y_class"])
Y_REG = np.array(K["y_reg"])
FIT = K["fit"]
W_CLASS = [np.array(w, "float32") for w in K["w_class"]]
W_REG = [np.array(w, "float32") for w in K["w_reg"]]
W_TRANS = [np.array(w, "float32") for w in K["w_trans"]]


def classifier_model(X, y, lr=0.1):
    model = tf.keras.Sequential([tf.keras.Input((X.shape[1],)),
                                 tf.keras.layers.Dense(y.shape[1], activation="softmax")])
    model.set_weights(W_CLASS)
    model.compile(tf.keras.optimizers.SGD(lr), loss="categorical_crossentropy")
    return model


def regressor_model(X, y, lr=0.05):
    model = tf.keras.Sequential([tf.keras.Input((X.shape[1],)), tf.keras.layers.Dense(1)])
    model.set_weights(W_REG)
    model.compile(tf.keras.optimizers.SGD(lr), loss="mse")
    return model


def transformer_model(X, y):
    # transform gives the model's outputs: here a 2-unit tanh layer, then one unit
    model = tf.keras.Sequential([tf.keras.Input((X.shape[1],)),
                             tf.keras.layers.Dense(2, activation="tanh"),
                             tf.keras.layers.Dense(1)])
    model.set_weights(W_TRANS + [np.full((2, 1), 0.5, 'float32'), np.zeros(1, 'float32')])
    model.compile(tf.keras.optimizers.SGD(0.05), loss="mse")
    return model


def tags(estimator):
    import dataclasses

    t = estimator.__sklearn_tags__()
    out = {"estimator_type": t.estimator_type, "non_deterministic": t.non_deterministic}
    for group in ("classifier_tags", "regressor_tags", "transformer_tags"):
        sub = getattr(t, group)
        if sub is not None:
            out[group] = dataclasses.asdict(sub)
    return out


def test_classifier_as_keras():
    clf = tf.keras.wrappers.SKLearnClassifier(classifier_model, fit_kwargs=dict(FIT))
    assert clf.fit(X, Y_CLASS) is clf
    expected = K["classifier"]
    np.testing.assert_allclose(clf.history_.history["loss"], expected["loss"], rtol=1e-5)
    np.testing.assert_allclose(clf.decision_function(X), expected["decision_function"],
                               rtol=1e-5, atol=1e-6)
    assert clf.predict(X).tolist() == expected["predict"]
    assert clf.score(X, Y_CLASS) == pytest.approx(expected["score"])
    assert clf.classes_.tolist() == expected["classes_"]
    assert tags(clf) == expected["tags"]
    assert clf.epoch_ == FIT["epochs"]


def test_regressor_and_transformer_as_keras():
    reg = tf.keras.wrappers.SKLearnRegressor(regressor_model, fit_kwargs=dict(FIT))
    reg.fit(X, Y_REG)
    np.testing.assert_allclose(reg.history_.history["loss"], K["regressor"]["loss"], rtol=1e-5)
    np.testing.assert_allclose(reg.predict(X), K["regressor"]["predict"], rtol=1e-5, atol=1e-6)
    assert reg.predict(X).shape == (len(X),)
    assert reg.score(X, Y_REG) == pytest.approx(K["regressor"]["score"], rel=1e-5)
    assert tags(reg) == K["regressor"]["tags"]
    trans = tf.keras.wrappers.SKLearnTransformer(transformer_model, fit_kwargs=dict(FIT))
    np.testing.assert_allclose(trans.fit_transform(X, Y_REG), K["transformer"]["fit_transform"],
                               rtol=1e-5, atol=1e-6)
    assert tags(trans) == K["transformer"]["tags"]


def test_cross_val_score_and_grid_search_as_keras():
    scores = cross_val_score(tf.keras.wrappers.SKLearnRegressor(regressor_model), X, Y_REG,
                             cv=KFold(3), params=dict(FIT))
    np.testing.assert_allclose(scores, K["cross_val_score"], rtol=1e-5)
    grid = GridSearchCV(tf.keras.wrappers.SKLearnClassifier(classifier_model),
                        {"model_kwargs": [{"lr": 0.01}, {"lr": 0.5}]}, cv=KFold(3))
    grid.fit(X, Y_CLASS, **FIT)
    expected = K["grid_search"]
    assert grid.best_params_ == expected["best_params"]
    np.testing.assert_allclose(grid.cv_results_["mean_test_score"], expected["mean_test_score"])
    np.testing.assert_allclose(grid.cv_results_["split0_test_score"], expected["split0"])
    assert grid.predict(X).tolist() == expected["best_predict"]


def test_clone_keeps_fit_kwargs_and_warm_start_continues():
    clf = tf.keras.wrappers.SKLearnClassifier(classifier_model, fit_kwargs=dict(FIT))
    # Keras 3.15's __sklearn_clone__ drops fit_kwargs (recorded: None); featherflow keeps them
    assert K["classifier"]["clone_fit_kwargs"] is None
    assert clone(clf).fit_kwargs == FIT
    warm = tf.keras.wrappers.SKLearnRegressor(regressor_model, warm_start=True,
                                              fit_kwargs=dict(FIT))
    warm.fit(X, Y_REG)
    first = warm.model_
    warm.fit(X, Y_REG)
    assert warm.model_ is first  # trained on: the loss goes on from where it was
    assert warm.history_.history["loss"][0] < K["regressor"]["loss"][-1]
    cold = tf.keras.wrappers.SKLearnRegressor(regressor_model, fit_kwargs=dict(FIT))
    cold.fit(X, Y_REG)
    model = cold.model_
    cold.fit(X, Y_REG)
    assert cold.model_ is not model


def test_a_model_instance_is_cloned_and_compiled():
    template = regressor_model(X, Y_REG[:, None])
    reg = tf.keras.wrappers.SKLearnRegressor(template, fit_kwargs={"epochs": 2, "verbose": 0})
    reg.fit(X, Y_REG)
    assert reg.model_ is not template and reg.model_.compiled
    assert reg.predict(X).shape == (len(X),)


def test_errors():
    def uncompiled(X, y):
        return tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])

    with pytest.raises(RuntimeError, match="needs to be compiled"):
        tf.keras.wrappers.SKLearnRegressor(uncompiled).fit(X, Y_REG)
    with pytest.raises(ValueError, match="Only binary and multiclass"):
        tf.keras.wrappers.SKLearnClassifier(classifier_model).fit(X, Y_REG)
    with pytest.raises(ValueError, match="only one class"):
        tf.keras.wrappers.SKLearnClassifier(classifier_model).fit(X, np.zeros(len(X)))
    with pytest.raises(sklearn.exceptions.NotFittedError):
        tf.keras.wrappers.SKLearnRegressor(regressor_model).predict(X)


def sparse_model(units=4, n_features_in_=None, n_classes_=None):
    return tf.keras.Sequential([tf.keras.Input((n_features_in_,)),
                                tf.keras.layers.Dense(units, activation="tanh"),
                                tf.keras.layers.Dense(n_classes_, activation="softmax")])


def test_scikeras_style_aliases_in_grid_search():
    from featherflow.wrappers import KerasClassifier, KerasRegressor

    tf.keras.utils.set_random_seed(0)
    clf = KerasClassifier(sparse_model, loss="sparse_categorical_crossentropy",
                          optimizer="adam", epochs=3, batch_size=8, model__units=4)
    assert clf.get_params()["model__units"] == 4
    assert clone(clf).get_params()["model__units"] == 4
    grid = GridSearchCV(clf, {"model__units": [2, 6], "epochs": [1, 2]}, cv=KFold(2))
    grid.fit(X, Y_CLASS)
    assert set(grid.best_params_) == {"model__units", "epochs"}
    assert len(grid.cv_results_["mean_test_score"]) == 4
    proba = grid.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(grid.predict(X)) <= set(Y_CLASS)
    assert grid.best_estimator_.model_.layers[0].units == grid.best_params_["model__units"]

    def reg_model(n_features_in_):
        model = tf.keras.Sequential([tf.keras.Input((n_features_in_,)),
                                     tf.keras.layers.Dense(1)])
        model.compile(tf.keras.optimizers.SGD(0.05), loss="mse")
        return model

    scores = cross_val_score(KerasRegressor(reg_model, epochs=20, batch_size=4), X, Y_REG,
                             cv=KFold(3))
    assert scores.shape == (3,) and np.all(scores > 0.5)
    with pytest.raises(TypeError, match="model__units"):
        KerasClassifier(sparse_model, units=3)
    with pytest.raises(TypeError, match=r"takes no parameter\(s\) \['depth'\]"):
        KerasClassifier(sparse_model, loss="sparse_categorical_crossentropy",
                        model__depth=2).fit(X, Y_CLASS)


def test_in_a_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), tf.keras.wrappers.SKLearnRegressor(
        regressor_model, fit_kwargs={"epochs": 30, "batch_size": 4, "verbose": 0}))
    pipe.fit(X, Y_REG)
    assert pipe.score(X, Y_REG) > 0.8
    assert pipe.predict(X[:3]).shape == (3,)


def test_without_scikit_learn_the_error_names_the_extra(monkeypatch):
    from featherflow.wrappers import sklearn_wrapper

    monkeypatch.setattr(sklearn_wrapper, "sklearn", None)
    with pytest.raises(ImportError, match=r"SKLearnClassifier needs scikit-learn.*"
                                          r"featherflow\[sklearn\]"):
        tf.keras.wrappers.SKLearnClassifier(classifier_model)
