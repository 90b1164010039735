"""tf.data with SparseTensor and RaggedTensor components against TF 2.21
(tools/data_fixtures/data_composite.py)."""

from tests.data.scenarios import scenario_test


def _skip(name):
    if name == "ragged_batch_fully_known_shape":
        return ("ragged_batch keeps a fully known shape ragged (ragged_rank 0) where TF "
                "batches it densely: map's specs here can be fully known where TF's are "
                "not (data/batch.py RaggedBatchDataset._batching_spec)")
    return None


test_tf_scenario, workdir = scenario_test("data_composite", skip=_skip)
