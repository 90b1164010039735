"""``HyperModel``: a model-building function with its own ``fit``.

Example::

    class MyHyperModel(kt.HyperModel):
        def build(self, hp):
            ...
            return model

        def fit(self, hp, model, *args, **kwargs):
            return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 32]), **kwargs)
"""

from featherflow.keras_tuner import errors


class HyperModel:
    """Subclass and define ``build(hp)`` (and optionally ``fit(hp, model, ...)``)."""

    def __init__(self, name=None, tunable=True):
        self.name = name
        self.tunable = tunable
        self._build = self.build
        self.build = self._build_wrapper

    def build(self, hp):
        """Return a compiled model for the hyperparameters ``hp``."""
        raise errors.FatalTypeError(
            f"{type(self).__name__}.build(hp) is not defined: subclass HyperModel and return a "
            "compiled model from build(hp), or pass a function build_model(hp) to the tuner.")

    def _build_wrapper(self, hp, *args, **kwargs):
        if not self.tunable:
            hp = hp.copy()  # a fixed HyperModel must not add to the search space
        return self._build(hp, *args, **kwargs)

    def declare_hyperparameters(self, hp):
        """Register hyperparameters before the first build (optional)."""

    def fit(self, hp, model, *args, **kwargs):
        """Train ``model``; returns a History, a dict of metrics or one number."""
        return model.fit(*args, **kwargs)


class DefaultHyperModel(HyperModel):
    """A ``HyperModel`` around a function ``build(hp)``."""

    def __init__(self, build, name=None, tunable=True):
        super().__init__(name=name)
        self.build = build


def get_hypermodel(hypermodel):
    if hypermodel is None or isinstance(hypermodel, HyperModel):
        return hypermodel
    if not callable(hypermodel):
        raise errors.FatalValueError(
            "The `hypermodel` argument should be either a callable with signature `build(hp)` "
            f"returning a model, or an instance of `HyperModel`; received {hypermodel!r}.")
    return DefaultHyperModel(hypermodel)
