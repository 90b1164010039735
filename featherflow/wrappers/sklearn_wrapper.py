"""Keras 3.15's ``keras.wrappers``: a compiled model as a scikit-learn estimator.

Example::

    def make_model(X, y, units=8):
        model = tf.keras.Sequential([tf.keras.Input((X.shape[1],)),
                                     tf.keras.layers.Dense(units, activation="relu"),
                                     tf.keras.layers.Dense(y.shape[1], activation="softmax")])
        model.compile("adam", loss="categorical_crossentropy")
        return model

    clf = tf.keras.wrappers.SKLearnClassifier(make_model, model_kwargs={"units": 16},
                                              fit_kwargs={"epochs": 20, "verbose": 0})
    cross_val_score(clf, X, y, cv=3)

``model`` is a function ``model(X=..., y=..., **model_kwargs)`` returning a compiled model
(called at every ``fit``, so each clone starts afresh) or a model, which is cloned and compiled
as the original. The classifier one-hot encodes the labels (the model has one output per
class) and predicts the class of the largest output.
"""

import copy

import numpy as np

# scikit-learn is optional: these classes derive from its mixins, so it is imported when
# this module loads, which happens only when tf.keras.wrappers is first used
try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


def _require_sklearn(name):
    if sklearn is None:
        raise ImportError(f"{name} needs scikit-learn, which is not installed: pip install "
                          "'featherflow[sklearn]' (or pip install scikit-learn).")


def _validate_data(estimator, *args, **kwargs):
    from sklearn.utils.validation import validate_data  # sklearn >= 1.6

    return validate_data(estimator, *args, **kwargs)


def _type_of_target(y):
    from sklearn.utils.multiclass import type_of_target

    target_type = type_of_target(y)
    if target_type == "unknown":
        raise ValueError(f"Unknown label type for data: {y!r}")
    return target_type


class TargetReshaper(TransformerMixin, BaseEstimator):
    """1-D targets become one column for the model, and back for the predictions."""

    def fit(self, y):
        self.ndim_ = y.ndim
        return self

    def transform(self, y):
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        if self.ndim_ == 1 and y.ndim == 2:
            return np.squeeze(y, axis=1)
        return y


def _check_model(model):
    if not model.compiled or not model.loss or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer.")


def _clone_compiled(model):
    """A fresh copy of ``model`` (new weights), compiled as ``model`` was."""
    from featherflow import models  # the model stack, loaded when a wrapper fits

    clone = models.clone_model(model)
    if model.compiled:
        config = dict(getattr(model, "compile_config", None) or {})
        optimizer = model.optimizer
        if optimizer is not None:
            optimizer = type(optimizer).from_config(optimizer.get_config())
        clone.compile(optimizer=optimizer, loss=model.loss, metrics=config.get("metrics"),
                      loss_weights=config.get("loss_weights"))
    return clone


class SKLBase(BaseEstimator):
    """The shared part of the three wrappers (``model``, ``warm_start``, ``model_kwargs``,
    ``fit_kwargs``)."""

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        _require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def _more_tags(self):
        return {"non_deterministic": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        # as Keras: a model function (or model, which is callable) is shared, since fit
        # builds or clones afresh; unlike Keras 3.15, fit_kwargs are kept
        model = self.model if callable(self.model) else copy.deepcopy(self.model)
        return type(self)(model=model, warm_start=self.warm_start,
                          model_kwargs=self.model_kwargs, fit_kwargs=self.fit_kwargs)

    @property
    def epoch_(self):
        """How many epochs the fitted model has trained."""
        history = getattr(self, "history_", None)
        return len(history.epoch) if history is not None else 0

    def set_fit_request(self, **kwargs):
        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError(
                "This method is only available when metadata routing is enabled. You can "
                "enable it using sklearn.set_config(enable_metadata_routing=True).")
        self._metadata_request = sklearn.utils.metadata_routing.MetadataRequest(
            owner=type(self).__name__)
        for param, alias in kwargs.items():
            self._metadata_request.score.add_request(param=param, alias=alias)
        return self

    def _get_model(self, X, y):
        from featherflow import models  # the model stack, loaded when a wrapper fits

        if isinstance(self.model, models.Model):
            return _clone_compiled(self.model)
        if not callable(self.model):
            raise TypeError(f"{type(self).__name__}: model must be a compiled model or a "
                            "function model(X, y, **model_kwargs) returning one; received "
                            f"{self.model!r}.")
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Build (or, with ``warm_start``, keep) the model and train it on ``X``, ``y``;
        ``kwargs`` are added to ``fit_kwargs`` for this call."""
        X, y = _validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        if self.warm_start and getattr(self, "model_", None) is not None:
            model = self.model_
        else:
            model = self._get_model(X, y)
        _check_model(model)
        fit_kwargs = dict(self.fit_kwargs or {})
        fit_kwargs.update(kwargs)
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X))

    def _process_target(self, y, reset=False):
        _type_of_target(y)
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A classifier: labels are one-hot encoded for the model, predictions decoded
    (``decision_function`` gives the model's outputs)."""

    def decision_function(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _process_target(self, y, reset=False):
        target_type = _type_of_target(y)
        if target_type not in ["binary", "multiclass"]:
            raise ValueError("Only binary and multiclass target types are supported. Target "
                             f"type: {target_type}")
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder

            self._target_encoder = make_pipeline(
                TargetReshaper(), OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def _more_tags(self):
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A regressor: 1-D targets are given to the model as one column."""

    def _more_tags(self):
        return {"poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A transformer: ``transform`` gives the model's outputs (e.g. an encoder's)."""

    def transform(self, X):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _more_tags(self):
        return {"preserves_dtype": []}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
