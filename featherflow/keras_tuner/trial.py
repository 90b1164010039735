"""``Trial`` (one set of values, its metrics, its score) and the metric histories it keeps."""

import math

import numpy as np

from featherflow.keras_tuner import objective as objective_module
from featherflow.keras_tuner.hyperparameters import HyperParameters


class TrialStatus:
    RUNNING = "RUNNING"
    IDLE = "IDLE"
    INVALID = "INVALID"
    STOPPED = "STOPPED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class MetricObservation:
    """The value(s) of a metric at one step (epoch)."""

    def __init__(self, value, step):
        self.value = list(value) if isinstance(value, list) else [value]
        self.step = step

    def append(self, value):
        self.value += list(value) if isinstance(value, list) else [value]

    def mean(self):
        return float(np.mean(self.value))

    def get_config(self):
        return {"value": self.value, "step": self.step}

    def __eq__(self, other):
        return (isinstance(other, MetricObservation) and other.value == self.value
                and other.step == self.step)

    def __repr__(self):
        return f"MetricObservation(value={self.value}, step={self.step})"


class MetricHistory:
    """The observations of one metric, and its best value in its direction."""

    def __init__(self, direction="min"):
        if direction not in {"min", "max"}:
            raise ValueError(f'`direction` should be one of {{"min", "max"}}, but got: '
                             f"{direction}")
        self.direction = direction
        self._observations = {}

    def update(self, value, step):
        if step in self._observations:
            self._observations[step].append(value)
        else:
            self._observations[step] = MetricObservation(value, step=step)

    def get_best_value(self):
        values = [obs.mean() for obs in self._observations.values()]
        if not values:
            return None
        return float(np.nanmin(values) if self.direction == "min" else np.nanmax(values))

    def get_best_step(self):
        best = self.get_best_value()
        for obs in self._observations.values():
            if obs.mean() == best:
                return obs.step
        return None

    def get_history(self):
        return sorted(self._observations.values(), key=lambda obs: obs.step)

    def get_last_value(self):
        history = self.get_history()
        return history[-1].mean() if history else None

    def get_statistics(self):
        values = [obs.mean() for obs in self.get_history()]
        if not values:
            return {}
        return {"min": float(np.nanmin(values)), "max": float(np.nanmax(values)),
                "mean": float(np.nanmean(values)), "median": float(np.nanmedian(values)),
                "var": float(np.nanvar(values)), "std": float(np.nanstd(values))}

    def get_config(self):
        return {"direction": self.direction,
                "observations": [obs.get_config() for obs in self.get_history()]}

    @classmethod
    def from_config(cls, config):
        history = cls(config["direction"])
        for obs in config["observations"]:
            history.update(obs["value"], step=obs["step"])
        return history


class MetricsTracker:
    """The metric histories of a trial, by name."""

    def __init__(self):
        self.metrics = {}

    def exists(self, name):
        return name in self.metrics

    def register(self, name, direction=None):
        if self.exists(name):
            raise ValueError(f"Metric already exists: {name}")
        if direction is None:
            direction = objective_module.infer_metric_direction(name) or "min"
        self.metrics[name] = MetricHistory(direction)

    def update(self, name, value, step=0):
        if not self.exists(name):
            self.register(name)
        previous = self.metrics[name].get_best_value()
        self.metrics[name].update(float(value), step=step)
        return self.metrics[name].get_best_value() != previous

    def _get(self, name):
        if name not in self.metrics:
            raise ValueError(f"Unknown metric: {name}")
        return self.metrics[name]

    def get_history(self, name):
        return self._get(name).get_history()

    def get_best_value(self, name):
        return self._get(name).get_best_value()

    def get_best_step(self, name):
        return self._get(name).get_best_step()

    def get_statistics(self, name):
        return self._get(name).get_statistics()

    def get_last_value(self, name):
        return self._get(name).get_last_value()

    def get_direction(self, name):
        return self._get(name).direction

    def get_config(self):
        return {"metrics": {name: h.get_config() for name, h in self.metrics.items()}}

    @classmethod
    def from_config(cls, config):
        tracker = cls()
        tracker.metrics = {name: MetricHistory.from_config(h)
                           for name, h in config["metrics"].items()}
        return tracker


class Trial:
    """One trial: ``trial_id``, ``hyperparameters`` (with its ``values``), ``metrics``,
    ``score``, ``best_step``, ``status``; ``number`` is its Optuna trial number."""

    def __init__(self, hyperparameters, trial_id=None, status=TrialStatus.RUNNING,
                 message=None, number=None):
        self.hyperparameters = hyperparameters
        self.trial_id = trial_id
        self.metrics = MetricsTracker()
        self.score = None
        self.best_step = 0
        self.status = status
        self.message = message
        self.number = number

    def summary(self):
        """Print the values and score, in KerasTuner's layout."""
        print(f"Trial {self.trial_id} summary")
        print("Hyperparameters:")
        self.display_hyperparameters()
        if self.score is not None:
            print(f"Score: {self.score}")
        if self.message is not None:
            print(self.message)

    def display_hyperparameters(self):
        if self.hyperparameters.values:
            for name, value in self.hyperparameters.values.items():
                print(f"{name}:", value)
        else:
            print("default configuration")

    def get_state(self):
        return {"trial_id": self.trial_id, "hyperparameters": self.hyperparameters.get_config(),
                "metrics": self.metrics.get_config(), "score": self.score,
                "best_step": self.best_step, "status": self.status, "message": self.message}

    @classmethod
    def from_state(cls, state, number=None):
        trial = cls(HyperParameters.from_config(state["hyperparameters"]), state["trial_id"],
                    state["status"], state["message"], number=number)
        trial.metrics = MetricsTracker.from_config(state["metrics"])
        score = state["score"]
        trial.score = None if score is None or (isinstance(score, float) and math.isnan(score)) \
            else score
        trial.best_step = state["best_step"]
        return trial

    def __repr__(self):
        return (f"Trial(trial_id={self.trial_id!r}, status={self.status!r}, "
                f"score={self.score!r}, values={self.hyperparameters.values!r})")
