"""More of ``tf.nn``: ``learned_unigram_candidate_sampler`` (featherflow/api/random_extra.py),
``fractional_max_pool``/``fractional_avg_pool`` (featherflow/api/nn_fractional.py), the
``RNNCell*Wrapper`` classes (featherflow/api/rnn_cell_wrappers.py), ``approx_max_k`` /
``approx_min_k`` (tf.math's)."""

from featherflow.api.math_special import approx_max_k, approx_min_k
from featherflow.api.nn_fractional import fractional_avg_pool, fractional_max_pool
from featherflow.api.random_extra import learned_unigram_candidate_sampler
from featherflow.api.rnn_cell_wrappers import (
    RNNCellDeviceWrapper,
    RNNCellDropoutWrapper,
    RNNCellResidualWrapper,
)

__all__ = ["RNNCellDeviceWrapper", "RNNCellDropoutWrapper", "RNNCellResidualWrapper",
           "approx_max_k", "approx_min_k", "fractional_avg_pool", "fractional_max_pool",
           "learned_unigram_candidate_sampler"]
