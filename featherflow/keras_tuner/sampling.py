"""How an oracle chooses a trial's values: sampled by Optuna walking the (conditional) space,
chosen ones given to Optuna as the trial's parameters, and KerasTuner's re-draw of a
configuration already tried."""

from featherflow.keras_tuner import engine
from featherflow.keras_tuner.hyperparameters import HyperParameters

_ATTR = engine.ATTR


def suggest_values(oracle, optuna_trial, chosen=None):
    """Values for every active hyperparameter, sampled by Optuna, or ``chosen`` ones
    (recorded in the Optuna trial as its parameters)."""
    if chosen is not None:
        params = {}
        probe = HyperParameters()
        for hp in oracle.hyperparameters.space:
            probe.merge([hp])
            if probe.is_active(hp) and hp.name in chosen:
                probe.values[hp.name] = chosen[hp.name]
                params.update(engine.params_of(hp, chosen[hp.name]))
        oracle._directed.directed[optuna_trial.number] = params
    hps = HyperParameters()
    for hp in oracle.hyperparameters.space:
        hps.merge([hp])
        if hps.is_active(hp):
            hps.values[hp.name] = engine.suggest(optuna_trial, hp)
    return hps.values


def new_values(oracle, optuna_trial):
    """Values no trial of the study has had, or None after ``_max_collisions`` draws.

    As KerasTuner re-draws a configuration it has tried (and ends the search when it
    keeps finding tried ones), candidates are drawn from the sampler's
    ``sample_independent`` (which changes nothing in the study) until one is new; the
    trial then records it as its parameters. A sampler given as ``sampler=`` is used as
    it is (its relative sampling included), without this check.
    """
    if oracle.sampler is not None:
        return suggest_values(oracle, optuna_trial)
    tried = {values_hash(t.user_attrs[_ATTR + "values"])
             for t in oracle.study.get_trials(deepcopy=False)
             if _ATTR + "values" in t.user_attrs and not t.user_attrs.get(_ATTR + "surplus")}
    frozen = next(t for t in oracle.study.get_trials(deepcopy=False)
                  if t.number == optuna_trial.number)
    base = oracle._directed.base
    for _ in range(oracle._max_collisions + 1):
        hps = HyperParameters()
        params = {}
        for hp in oracle.hyperparameters.space:
            hps.merge([hp])
            if not hps.is_active(hp):
                continue
            plan = engine.plan_of(hp)
            if plan is None:
                hps.values[hp.name] = hp.value
                continue
            name, distribution, to_value, _ = plan
            params[name] = base.sample_independent(oracle.study, frozen, name, distribution)
            hps.values[hp.name] = to_value(params[name])
        if values_hash(hps.values) not in tried:
            oracle._directed.directed[optuna_trial.number] = params
            return suggest_values(oracle, optuna_trial)
    return None


def values_hash(values):
    """KerasTuner's key of a configuration (its values as sorted ``name=value`` text, without
    Hyperband's schedule entries)."""
    schedule = ("tuner/epochs", "tuner/initial_epoch", "tuner/bracket", "tuner/round")
    return "".join(f"{name}={values[name]}" for name in sorted(values) if name not in schedule)
