"""Seeded randomness as Keras 3 on TensorFlow: initial weights, dropout and noise layers, RNN
dropout masks and fit's shuffle order, against Keras 3.15.1 (tools/data_fixtures/
keras_seeding.py). Uniform draws are bit-equal; normal draws and training runs agree to
float32 rounding (rtol 2e-5 over a few SGD steps)."""

from tests.data.scenarios import scenario_test

test_keras_seeding_scenario, workdir = scenario_test("keras_seeding", rtol=2e-5, atol=2e-6)
