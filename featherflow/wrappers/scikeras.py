"""SciKeras-style ``KerasClassifier`` and ``KerasRegressor``: fit's arguments (``epochs``,
``batch_size``, ...) and the model function's (``model__units=16``) are estimator
parameters, so ``GridSearchCV`` can search them directly.

Example::

    def make_model(units=8, n_features_in_=None, n_classes_=None):
        model = tf.keras.Sequential([tf.keras.Input((n_features_in_,)),
                                     tf.keras.layers.Dense(units, activation="relu"),
                                     tf.keras.layers.Dense(n_classes_, activation="softmax")])
        return model

    clf = KerasClassifier(make_model, loss="sparse_categorical_crossentropy", epochs=10,
                          model__units=8)
    GridSearchCV(clf, {"model__units": [4, 16], "epochs": [5, 10]}, cv=3).fit(X, y)

The model function receives the ``model__`` parameters and, when its signature names them,
``X``, ``y``, ``n_features_in_``, ``n_classes_``, ``classes_`` and ``n_outputs_``; a model it
returns uncompiled is compiled with the estimator's ``optimizer``, ``loss`` and ``metrics``.
Labels reach the classifier's model as integers 0..n-1 (a sparse loss, or a binary loss on
one sigmoid unit).
"""

import inspect

import numpy as np

from featherflow.wrappers.sklearn_wrapper import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _require_sklearn,
    _validate_data,
)

_FIT_PARAMS = ("epochs", "batch_size", "verbose", "callbacks", "validation_split", "shuffle")


class _KerasEstimator(BaseEstimator):
    def __init__(self, model=None, *, optimizer="rmsprop", loss=None, metrics=None, epochs=1,
                 batch_size=None, verbose=0, callbacks=None, validation_split=0.0,
                 shuffle=True, warm_start=False, **kwargs):
        _require_sklearn(type(self).__name__)
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.warm_start = warm_start
        self._routed = {}
        for key, value in kwargs.items():
            self._check_routed(key)
            self._routed[key] = value

    def _check_routed(self, key):
        if not (key.startswith("model__") or key.startswith("fit__")):
            raise TypeError(f"{type(self).__name__} got an unexpected keyword argument "
                            f"{key!r}: parameters of the model function start with "
                            "'model__' (model__units=16), extra fit arguments with 'fit__'.")

    def get_params(self, deep=True):
        params = super().get_params(deep=deep)
        params.update(self._routed)
        return params

    def set_params(self, **params):
        routed = {k: v for k, v in params.items() if k.startswith(("model__", "fit__"))}
        self._routed.update(routed)
        return super().set_params(**{k: v for k, v in params.items() if k not in routed})

    def _meta(self, X, y):
        return {"X": X, "y": y, "n_features_in_": X.shape[1], "n_outputs_": 1}

    def _build(self, X, y):
        if not callable(self.model):
            raise TypeError(f"{type(self).__name__}: model must be a function returning a "
                            f"model; received {self.model!r}.")
        kwargs = {k[len("model__"):]: v for k, v in self._routed.items()
                  if k.startswith("model__")}
        signature = inspect.signature(self.model)
        takes_all = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
        for name, value in self._meta(X, y).items():
            if name in signature.parameters and name not in kwargs:
                kwargs[name] = value
        unknown = [k for k in kwargs if k not in signature.parameters and not takes_all]
        if unknown:
            raise TypeError(f"{type(self).__name__}: the model function {self.model.__name__}"
                            f"{signature} takes no parameter(s) {unknown} (given as model__"
                            f"{unknown[0]}).")
        model = self.model(**kwargs)
        if not model.compiled:
            if self.loss is None:
                raise ValueError(f"{type(self).__name__}: the model function returned an "
                                 "uncompiled model and no loss was given: pass loss=... (e.g. "
                                 "'sparse_categorical_crossentropy') or compile in the function.")
            model.compile(optimizer=self.optimizer, loss=self.loss, metrics=self.metrics)
        return model

    def _fit_kwargs(self, kwargs):
        fit_kwargs = {name: getattr(self, name) for name in _FIT_PARAMS}
        fit_kwargs.update({k[len("fit__"):]: v for k, v in self._routed.items()
                           if k.startswith("fit__")})
        fit_kwargs.update(kwargs)
        return fit_kwargs

    def fit(self, X, y, **kwargs):
        X, y = _validate_data(self, X, y)
        target = self._encode(y, reset=True)
        if not (self.warm_start and getattr(self, "model_", None) is not None):
            self.model_ = self._build(X, target)
        self.history_ = self.model_.fit(X, target, **self._fit_kwargs(kwargs))
        return self

    def _raw_predict(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))


class KerasClassifier(ClassifierMixin, _KerasEstimator):
    """A SciKeras-style classifier; ``predict_proba`` gives one column per class."""

    def _encode(self, y, reset=False):
        if reset:
            self.classes_ = np.unique(y)
            if len(self.classes_) < 2:
                raise ValueError("Classifier can't train when only one class is present.")
        return np.searchsorted(self.classes_, y).astype("int64")

    def _meta(self, X, y):
        meta = super()._meta(X, y)
        meta.update(n_classes_=len(self.classes_), classes_=self.classes_)
        return meta

    def predict_proba(self, X):
        proba = self._raw_predict(X)
        if proba.ndim == 1 or proba.shape[1] == 1:  # one sigmoid unit: P(class 1)
            proba = proba.reshape(-1, 1)
            proba = np.concatenate([1 - proba, proba], axis=1)
        return proba

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class KerasRegressor(RegressorMixin, _KerasEstimator):
    """A SciKeras-style regressor (1-D targets give 1-D predictions)."""

    def _encode(self, y, reset=False):
        if reset:
            self._target_ndim = np.ndim(y)
        return y

    def predict(self, X):
        out = self._raw_predict(X)
        if self._target_ndim == 1 and out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        return out
