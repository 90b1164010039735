"""``Objective``: which logged metric a search optimises, and whether up or down.

A string objective (``"val_accuracy"``) gets its direction as KerasTuner infers it: the
metric named after the ``val_``/``weighted_`` prefixes is looked up among the metrics and
losses; accuracies, AUC, precision, recall and the true positive/negative counts go up,
every other known metric or loss goes down, and an unknown name needs an explicit
``Objective(name, direction)``.
"""

_MAX_METRICS = ("Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
                "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "TruePositives",
                "TrueNegatives", "Precision", "Recall", "AUC", "SensitivityAtSpecificity",
                "SpecificityAtSensitivity")

_KERAS_ONLY_METRICS = {"f1_score", "fbeta_score", "r2_score", "F1Score", "FBetaScore",
                       "R2Score"}


class Objective:
    """A metric to optimise: ``Objective("val_f1", direction="max")``."""

    def __init__(self, name, direction):
        if direction not in ("min", "max"):
            raise ValueError(f"Objective {name!r}: direction must be 'min' or 'max'; received "
                             f"{direction!r}.")
        self.name = name
        self.direction = direction

    def has_value(self, logs):
        return self.name in logs

    def get_value(self, logs):
        return logs[self.name]

    def better_than(self, a, b):
        return (a > b and self.direction == "max") or (a < b and self.direction == "min")

    def __eq__(self, other):
        return (isinstance(other, Objective) and self.name == other.name
                and self.direction == other.direction)

    def __hash__(self):
        return hash((self.name, self.direction))

    def __str__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'

    __repr__ = __str__


class DefaultObjective(Objective):
    """The objective of a search that reports one number per trial."""

    def __init__(self):
        super().__init__(name="default_objective", direction="min")


class MultiObjective(Objective):
    """Several objectives summed into one (the ``max`` ones negated), as KerasTuner does."""

    def __init__(self, objectives):
        super().__init__(name="multi_objective", direction="min")
        self.objectives = objectives
        self.name_to_direction = {o.name: o.direction for o in objectives}

    def has_value(self, logs):
        return all(key in logs for key in self.name_to_direction)

    def get_value(self, logs):
        total = 0
        for name, value in logs.items():
            if name in self.name_to_direction:
                total += value if self.name_to_direction[name] == "min" else -value
        return total

    def __eq__(self, other):
        return isinstance(other, MultiObjective) and sorted(
            self.objectives, key=lambda o: o.name) == sorted(other.objectives,
                                                               key=lambda o: o.name)

    __hash__ = Objective.__hash__

    def __str__(self):
        return "Multi" + super().__str__() + f": [{', '.join(map(str, self.objectives))}]"

    __repr__ = __str__


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def infer_metric_direction(metric):
    """"max", "min" or None (unknown) for a metric name, as KerasTuner infers it."""
    # featherflow.metrics/losses import the layer stack; only a search needs them
    from featherflow import losses, metrics

    name = metric
    if name.startswith("val_"):
        name = name.replace("val_", "", 1)
    if name.startswith("weighted_"):
        name = name.replace("weighted_", "", 1)
    if name in {"loss", "crossentropy", "ce"}:
        return "min"
    if name == "acc":
        return "max"
    if name in {"accuracy", "categorical_accuracy", "binary_accuracy",
                "sparse_categorical_accuracy"}:
        return "max"
    found = None
    for module in (metrics, losses):
        try:
            found = module.get(name)
            break
        except (ValueError, TypeError, KeyError):
            continue
    if found is None:
        # Keras metrics featherflow does not have: KerasTuner finds them and calls them "min"
        return "min" if name in _KERAS_ONLY_METRICS else None
    cls_name = found.__name__ if isinstance(found, type) else type(found).__name__
    return "max" if cls_name in _MAX_METRICS else "min"


def create_objective(objective):
    """An ``Objective`` from None, a name, an ``Objective`` or a list of them."""
    if objective is None:
        return DefaultObjective()
    if isinstance(objective, list):
        return MultiObjective([create_objective(o) for o in objective])
    if isinstance(objective, Objective):
        return objective
    if not isinstance(objective, str):
        raise TypeError("`objective` not understood, expected str or `Objective` object, "
                        f"found: {objective}")
    direction = infer_metric_direction(objective)
    if direction is None:
        raise ValueError(f'Could not infer optimization direction ("min" or "max") for unknown '
                         f'metric "{objective}". Please specify the objective as a '
                         f'`keras_tuner.Objective`, for example `keras_tuner.Objective('
                         f'"{objective}", direction="min")`.')
    return Objective(name=objective, direction=direction)
