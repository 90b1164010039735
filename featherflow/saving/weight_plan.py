"""Check every weight before assigning any: a failed load leaves the model unchanged.

Values may be :class:`~featherflow.saving.h5_io.StoredArray` s: their declared shape is
compared with the model's weight before their data is read.
"""

import warnings

import numpy as np


class WeightPlan:
    """Pairs of (variable, array) collected and checked first, assigned in one go."""

    def __init__(self, skip_mismatch=False):
        self.skip_mismatch = skip_mismatch
        self.pairs = []

    def add(self, variable, value, where, weight_label):
        """Queue ``value`` for ``variable``; a shape mismatch raises (or warns and skips)."""
        if not hasattr(value, "read"):
            value = np.asarray(value)
        expected = tuple(variable.data.shape)
        if tuple(value.shape) != expected:
            message = (
                f"{where}: weight {weight_label} has shape {expected} in the model but "
                f"{tuple(value.shape)} in the file."
            )
            if self.skip_mismatch:
                warnings.warn(f"{message} Skipped (skip_mismatch=True).", stacklevel=4)
                return
            raise ValueError(
                f"{message} The model's weights were left unchanged. Build the model with the "
                "architecture the file was saved from, or pass skip_mismatch=True to load only "
                "the weights whose shapes match."
            )
        if value.dtype.kind not in "biuf":
            raise ValueError(f"{where}: weight {weight_label} holds {value.dtype} values.")
        if hasattr(value, "read"):
            # shape checked against the model's weight first: only now is the data read (the
            # model already holds that much memory, so it is not charged again)
            value = value.read(charge=False)
        self.pairs.append((variable, value))

    def apply(self):
        """Assign everything in place (optimizers keep references to the arrays)."""
        from featherflow.autodiff.variable import mark_loaded

        for variable, value in self.pairs:
            variable.data[...] = value.astype(variable.data.dtype, copy=False)
            mark_loaded(variable)
        return len(self.pairs)
