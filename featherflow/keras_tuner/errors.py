"""KerasTuner's error classes: which exceptions end a trial and which end the search.

A ``FailedTrialError`` raised while building or fitting marks the trial FAILED at once (no
retry); any other ordinary exception marks it INVALID (retried up to ``max_retries_per_trial``);
a ``FatalError`` stops the search.
"""


class FailedTrialError(Exception):
    """Raise in ``build``/``fit``/``run_trial`` to fail this trial without retrying it."""


class FatalError(Exception):
    """An error that stops the whole search (e.g. a build function that returns no model)."""


class FatalValueError(FatalError, ValueError):
    """A ``FatalError`` that is also a ``ValueError``."""


class FatalTypeError(FatalError, TypeError):
    """A ``FatalError`` that is also a ``TypeError``."""


class FatalRuntimeError(FatalError, RuntimeError):
    """A ``FatalError`` that is also a ``RuntimeError``."""
