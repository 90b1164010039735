"""More of ``tf.nn``: ``learned_unigram_candidate_sampler`` (featherflow/api/random_extra.py)."""

from featherflow.api.random_extra import learned_unigram_candidate_sampler

__all__ = ["learned_unigram_candidate_sampler"]
