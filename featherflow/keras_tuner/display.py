"""What a search prints while it runs, in KerasTuner's layout (``verbose=1``)."""

import time


def format_duration(seconds):
    s = round(seconds)
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days > 0:
        return f"{days:d}d {hours:02d}h {minutes:02d}m {s:02d}s"
    return f"{hours:02d}h {minutes:02d}m {s:02d}s"


class Display:
    """Prints "Search: Running Trial #n", the values table and each trial's result."""

    col_width = 18

    def __init__(self, oracle, verbose=1):
        self.oracle = oracle
        self.verbose = verbose
        self.search_start = None
        self.trial_start = {}

    def format_value(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{value:.5g}"
        text = str(value)
        if len(text) > self.col_width:
            text = f"{text[:self.col_width - 3]}..."
        return text

    def on_trial_begin(self, trial):
        if self.verbose < 1:
            return
        now = time.time()
        self.trial_start[trial.trial_id] = now
        if self.search_start is None:
            self.search_start = now
        print()
        print(f"Search: Running Trial #{trial.number + 1}")
        print()
        self.show_hyperparameter_table(trial)
        print()

    def on_trial_end(self, trial):
        if self.verbose < 1:
            return
        started = self.trial_start.get(trial.trial_id, time.time())
        print(f"Trial {trial.number + 1} Complete [{format_duration(time.time() - started)}]")
        if trial.score is not None:
            print(f"{self.oracle.objective.name}: {trial.score}")
        print()
        best = self.oracle.get_best_trials()
        print(f"Best {self.oracle.objective.name} So Far: {best[0].score if best else None}")
        since = self.search_start if self.search_start is not None else started
        print(f"Total elapsed time: {format_duration(time.time() - since)}")

    def show_hyperparameter_table(self, trial):
        template = f"{{0:{self.col_width}}}|{{1:{self.col_width}}}|{{2}}"
        best = self.oracle.get_best_trials()
        best = best[0] if best else None
        if not trial.hyperparameters.values:
            print("default configuration")
            return
        print(template.format("Value", "Best Value So Far", "Hyperparameter"))
        for name, value in trial.hyperparameters.values.items():
            best_value = best.hyperparameters.values.get(name) if best else "?"
            print(template.format(self.format_value(value), self.format_value(best_value), name))
