"""tf.random.fixed_unigram_candidate_sampler against TensorFlow 2.21 (tools/data_fixtures/
unigram_sampler.py): the same candidates for the same op seeds (TF's alias-method sampler over
its Philox stream), expected counts, repeated calls, reserved ids, shards, files, errors."""

from tests.data.scenarios import scenario_test

test_unigram_sampler_scenario, workdir = scenario_test("unigram_sampler")
