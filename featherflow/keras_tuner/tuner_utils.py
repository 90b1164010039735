"""What a trial's ``fit`` returned, as the oracle's metrics: a History's best epoch, a dict, a
number, or a list of them (``executions_per_trial``) averaged; and a trial's values as
TensorBoard HParams with KerasTuner's domains."""

import collections
import statistics

import numpy as np

from featherflow.keras_tuner import errors, hp_types
from featherflow.keras_tuner import objective as objective_module


def _is_history(results):
    return hasattr(results, "history") and isinstance(results.history, dict)


def _best_epoch(history, objective):
    epoch_metrics = collections.defaultdict(dict)
    for name, values in history.history.items():
        for epoch, value in enumerate(values):
            epoch_metrics[epoch][name] = value
    best_epoch = 0
    for epoch, metrics in epoch_metrics.items():
        value = objective.get_value(metrics)
        metrics.setdefault(objective.name, value)
        if objective.better_than(value, epoch_metrics[best_epoch][objective.name]):
            best_epoch = epoch
    return epoch_metrics[best_epoch], best_epoch


def convert_to_metrics_dict(results, objective):
    """A trial's metrics from a History (its best epoch), a dict, a number or a list."""
    if isinstance(results, list):
        dicts = [convert_to_metrics_dict(r, objective) for r in results]
        merged = collections.defaultdict(list)
        for item in dicts:
            for name, value in item.items():
                merged[name].append(value)
        return {name: float(np.mean(values)) for name, values in merged.items()}
    if isinstance(results, (int, float, np.floating)):
        return {objective.name: float(results)}
    if isinstance(results, dict):
        return results
    return _best_epoch(results, objective)[0]


def validate_trial_results(results, objective, func_name):
    if isinstance(results, list):
        for item in results:
            validate_trial_results(item, objective, func_name)
        return
    if isinstance(results, (int, float, np.floating)):
        return
    if results is None:
        raise errors.FatalTypeError(f"The return value of {func_name} is None. Did you forget "
                                    "to return the metrics? ")
    if isinstance(objective, objective_module.DefaultObjective) and not (
            isinstance(results, dict) and objective.name in results):
        raise errors.FatalTypeError(
            f"Expected the return value of {func_name} to be a single float when `objective` "
            f"is left unspecified. Received return value: {results} of type {type(results)}. "
            "Pass objective='val_loss' (or another logged metric) to the tuner.")
    if isinstance(results, dict):
        if objective.name not in results:
            raise errors.FatalValueError(
                f"Expected the returned dictionary from {func_name} to have the specified "
                f"objective, {objective.name}, as one of the keys. Received: {results}.")
        return
    if _is_history(results):
        if not objective.has_value({k: None for k in results.history}):
            raise errors.FatalValueError(
                f"The objective {objective.name!r} is not among the metrics fit logged "
                f"({sorted(results.history)}): pass validation data for a val_ objective, or "
                "compile the model with that metric.")
        return
    raise errors.FatalTypeError(
        f"Expected the return value of {func_name} to be one of float, dict, "
        "keras.callbacks.History, or a list of one of these types. Received return value: "
        f"{results} of type {type(results)}.")


def get_best_step(results, objective):
    if isinstance(results, list):
        return int(statistics.mean([get_best_step(r, objective) for r in results]))
    if _is_history(results):
        return _best_epoch(results, objective)[1]
    return 0


def convert_hyperparams_to_hparams(hyperparams, hparams_api):
    """The active values as ``{hp.HParam: value}`` with KerasTuner's domains."""
    hparams = {}
    for hp in hyperparams.space:
        try:
            value = hyperparams.get(hp.name)
        except ValueError:
            continue
        if isinstance(hp, hp_types.Choice):
            domain = hparams_api.Discrete(hp.values)
        elif isinstance(hp, hp_types.Int):
            if hp.step is not None and hp.step != 1:
                domain = hparams_api.Discrete(list(range(hp.min_value, hp.max_value + 1,
                                                         hp.step)))
            else:
                domain = hparams_api.IntInterval(hp.min_value, hp.max_value)
        elif isinstance(hp, hp_types.Float):
            if hp.step is not None:
                domain = hparams_api.Discrete(
                    np.arange(hp.min_value, hp.max_value + 1e-7, step=hp.step).tolist())
            else:
                domain = hparams_api.RealInterval(hp.min_value, hp.max_value)
        elif isinstance(hp, hp_types.Boolean):
            domain = hparams_api.Discrete([True, False])
        else:
            domain = hparams_api.Discrete([hp.value])
        hparams[hparams_api.HParam(hp.name, domain)] = value
    return hparams
