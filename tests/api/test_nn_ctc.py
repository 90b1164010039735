"""tf.nn.ctc_greedy_decoder, ctc_beam_search_decoder and ctc_unique_labels against TensorFlow
2.21 (tools/data_fixtures/nn_ctc.py). rtol 1e-5 on log-probabilities (float32 sums)."""

import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_nn_ctc_scenario, workdir = scenario_test("nn_ctc", rtol=1e-5, atol=1e-5)


def test_wrong_rank_names_the_layout():
    with pytest.raises(tf.errors.InvalidArgumentError, match="max_time, batch, num_classes"):
        tf.nn.ctc_greedy_decoder(tf.zeros((3, 4)), [3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="top_paths"):
        tf.nn.ctc_beam_search_decoder(tf.zeros((3, 1, 4)), [3], beam_width=2, top_paths=3)
