"""choose_from_datasets and sample_from_datasets against TF 2.21 (the choose_ and sample_
scenarios of tools/data_fixtures/sources_files.py: seeded samples in TF's exact order), and
what fixtures cannot show: unseeded proportions, the vectorized stateless draw against the
reference Philox, and closing the inputs."""

import numpy as np

import featherflow as tf
from featherflow.backend.philox import philox_blocks
from featherflow.data import sampling
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("sources_files", prefixes=("choose_", "sample_"))



def _reference_uniform(seed0, seed1):
    """TF's stateless draw for one seed pair, one Philox block at a time."""
    counter = (seed0 & 0xFFFFFFFF, seed0 >> 32, seed1 & 0xFFFFFFFF, seed1 >> 32)
    mix = philox_blocks(sampling._STATELESS_KEY, counter, 1)[0]
    block = philox_blocks((int(mix[0]), int(mix[1])), (0, 0, int(mix[2]), int(mix[3])), 1)[0]
    return ((int(block[0]) & 0xFFFFF) << 32 | int(block[1])) / 2.0**52


def test_vectorized_stateless_draw_matches_reference_philox():
    rng = np.random.default_rng(0)
    seeds = rng.integers(0, 2**32, size=(64, 2), dtype=np.uint64)
    seeds[0] = (0, 0)
    seeds[1] = (2**32 - 1, 2**32 - 1)
    got = sampling.stateless_uniforms(seeds[:, 0], seeds[:, 1])
    want = [_reference_uniform(int(a), int(b)) for a, b in seeds]
    assert got.tolist() == want
    assert ((got >= 0) & (got < 1)).all()


def test_unseeded_proportions_follow_weights():
    a = tf.data.Dataset.from_tensors(np.int64(0)).repeat()
    b = tf.data.Dataset.from_tensors(np.int64(1)).repeat()
    ds = tf.data.Dataset.sample_from_datasets([a, b], weights=[0.25, 0.75]).take(8000)
    ones = sum(int(x) for x in ds.as_numpy_iterator())
    # binomial(8000, 0.75): sd ~ 39; 5 sd either side
    assert abs(ones - 6000) < 200


def test_unseeded_passes_differ_but_keep_every_element():
    ds = tf.data.Dataset.sample_from_datasets([tf.data.Dataset.range(0, 50),
                                               tf.data.Dataset.range(100, 150)])
    passes = [list(ds.as_numpy_iterator()) for _ in range(2)]
    assert all(sorted(p) == list(range(50)) + list(range(100, 150)) for p in passes)


def test_choose_closes_inputs_when_stopped_early():
    closed = []

    def gen(i):
        def g():
            try:
                yield from range(i * 10, i * 10 + 5)
            finally:
                closed.append(i)
        return g

    datasets = [tf.data.Dataset.from_generator(gen(i), output_signature=tf.TensorSpec(
        (), tf.int64)) for i in range(2)]
    ds = tf.data.Dataset.choose_from_datasets(datasets, tf.data.Dataset.range(2).repeat())
    it = iter(ds)
    assert [int(next(it)) for _ in range(3)] == [0, 10, 1]
    it.close()
    assert sorted(closed) == [0, 1]


def test_weights_dataset_per_element():
    # finite: as in TF, a selector that only picks an exhausted dataset would never end
    always_second = tf.data.Dataset.from_tensors(np.array([0.0, 1.0], np.float32)).repeat(6)
    ds = tf.data.Dataset.sample_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(10, 13)], weights=always_second,
        seed=3)
    assert [int(x) for x in ds] == [10, 11, 12]


def test_experimental_names():
    ds = tf.data.experimental.sample_from_datasets([tf.data.Dataset.range(2)] * 2, seed=1)
    assert sorted(int(x) for x in ds) == [0, 0, 1, 1]
    ds = tf.data.experimental.choose_from_datasets([tf.data.Dataset.range(2)] * 2,
                                                   tf.data.Dataset.range(2))
    assert [int(x) for x in ds] == [0, 0]
