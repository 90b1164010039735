"""Every tf.data test starts and ends with no global seed, so an unseeded shuffle or a
``tf.random.set_seed`` in one test cannot change the orders another one sees."""

import pytest

import featherflow as tf


@pytest.fixture(autouse=True)
def no_global_seed():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)
