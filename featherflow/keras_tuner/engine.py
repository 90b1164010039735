"""The Optuna side of the tuners: the import (the ``[tune]`` extra), storage, and how each
hyperparameter kind becomes an Optuna distribution.

Kinds with a natural Optuna distribution use it (``Choice``/``Boolean``: categorical; ``Int``
linear with its step, ``Int``/``Float`` log without a step, ``Float`` linear without a step), so
Optuna's samplers and dashboards see the real values. The rest (``reverse_log``, a ``Float``
with a step, a ``log`` range with a multiplying step) are sampled as KerasTuner samples them: a
probability in [0, 1] (the parameter ``"<name>:prob"``) mapped by the kind's ``prob_to_value``.
``Fixed`` values are not sampled at all.
"""

import functools
import sqlite3

from featherflow.keras_tuner import hp_types

ATTR = "featherflow:"  # prefix of featherflow's user attributes in an Optuna storage


def import_optuna():
    """Optuna, or an ImportError naming the extra that installs it."""
    try:
        import optuna
    except ImportError as err:  # optional dependency: only the tuners need it
        raise ImportError(
            "featherflow.keras_tuner runs its searches on Optuna, which is not installed. "
            "Install the tuning extra: pip install 'featherflow[tune]' (or pip install optuna)."
        ) from err
    return optuna


def open_storage(storage):
    """An Optuna storage from a database URL, or a storage object as it is.

    An SQLite file is opened in write-ahead-log mode (three times faster per trial here, and
    readers do not block the writer) with a long lock timeout, so several processes on one
    machine can share it; across machines use a database server's URL.
    """
    optuna = import_optuna()
    if not isinstance(storage, str):
        return storage
    prefix = "sqlite:///"
    if storage.startswith(prefix) and len(storage) > len(prefix):
        path = storage[len(prefix):]
        return optuna.storages.RDBStorage(
            storage, engine_kwargs={"creator": functools.partial(_connect_sqlite, path)})
    return optuna.storages.RDBStorage(storage)


def _connect_sqlite(path):
    connection = sqlite3.connect(path, timeout=120)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def plan_of(hp):
    """(parameter name, Optuna distribution, param -> value, value -> param) or None."""
    optuna = import_optuna()
    dists = optuna.distributions
    if isinstance(hp, hp_types.Fixed):
        return None
    if isinstance(hp, (hp_types.Choice, hp_types.Boolean)):
        return (hp.name, dists.CategoricalDistribution(list(hp.values)), _same, _same)
    if isinstance(hp, hp_types.Int) and hp.sampling == "linear":
        last = hp.min_value + (hp._get_n_values() - 1) * hp.step
        return (hp.name, dists.IntDistribution(hp.min_value, last, step=hp.step), int, int)
    if hp.step is None and hp.sampling in ("linear", "log"):
        log = hp.sampling == "log"
        if isinstance(hp, hp_types.Int):
            return (hp.name, dists.IntDistribution(hp.min_value, hp.max_value, log=log), int,
                    int)
        return (hp.name, dists.FloatDistribution(hp.min_value, hp.max_value, log=log), float,
                float)
    return (f"{hp.name}:prob", dists.FloatDistribution(0.0, 1.0), hp.prob_to_value,
            hp.value_to_prob)


def _same(value):
    return value


def suggest(optuna_trial, hp):
    """Sample ``hp`` in ``optuna_trial`` and return its value (KerasTuner's type)."""
    plan = plan_of(hp)
    if plan is None:
        return hp.value
    name, distribution, to_value, _ = plan
    optuna = import_optuna()
    dists = optuna.distributions
    if isinstance(distribution, dists.CategoricalDistribution):
        param = optuna_trial.suggest_categorical(name, distribution.choices)
    elif isinstance(distribution, dists.IntDistribution):
        param = optuna_trial.suggest_int(name, distribution.low, distribution.high,
                                         step=distribution.step, log=distribution.log)
    else:
        param = optuna_trial.suggest_float(name, distribution.low, distribution.high,
                                           log=distribution.log)
    return to_value(param)


def params_of(hp, value):
    """The Optuna parameters that give ``hp`` the value ``value``."""
    plan = plan_of(hp)
    if plan is None:
        return {}
    name, _, _, to_param = plan
    return {name: to_param(value)}


@functools.cache
def _directed_sampler_class():
    optuna = import_optuna()

    class DirectedSampler(optuna.samplers.BaseSampler):
        """A sampler that gives the values an oracle chose (GridSearch's next combination,
        Hyperband's promoted trial) and asks ``base`` for the rest."""

        def __init__(self, base):
            self.base = base
            self.directed = {}

        def infer_relative_search_space(self, study, trial):
            if trial.number in self.directed:
                return {}
            return self.base.infer_relative_search_space(study, trial)

        def sample_relative(self, study, trial, search_space):
            if trial.number in self.directed:
                return {}
            return self.base.sample_relative(study, trial, search_space)

        def sample_independent(self, study, trial, param_name, param_distribution):
            params = self.directed.get(trial.number)
            if params is not None and param_name in params:
                return params[param_name]
            return self.base.sample_independent(study, trial, param_name, param_distribution)

        def before_trial(self, study, trial):
            self.base.before_trial(study, trial)

        def after_trial(self, study, trial, state, values):
            self.directed.pop(trial.number, None)
            self.base.after_trial(study, trial, state, values)

        def reseed_rng(self):
            self.base.reseed_rng()

    return DirectedSampler


def directed_sampler(base):
    return _directed_sampler_class()(base)
