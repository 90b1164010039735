# ruff: noqa: E501 - a table of one-line scenarios
"""tf.edit_distance, recorded from TensorFlow 2.21 eagerly: rank 2 and 3, normalized or
not, empty truths and hypotheses, strings, different group shapes, errors."""


def _sp(tf, indices, values, shape, dtype=None):
    return tf.SparseTensor(indices, tf.constant(values, dtype), shape)


HYP = ([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], [1, 2, 3, 4, 5], [3, 3])
TRUTH = ([[0, 0], [0, 1], [0, 2], [1, 0], [2, 0]], [1, 3, 2, 3, 9], [3, 3])


SCENARIOS = {
    "rank2_normalized": lambda tf: tf.edit_distance(_sp(tf, *HYP), _sp(tf, *TRUTH)),
    "rank2_raw": lambda tf: tf.edit_distance(_sp(tf, *HYP), _sp(tf, *TRUTH), normalize=False),
    "guide_example": lambda tf: tf.edit_distance(
        tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ["a", "b"], (2, 1, 1)),
        tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]], ["a", "b", "c", "a"], (2, 2, 2))),
    "empty_truth": lambda tf: [tf.edit_distance(_sp(tf, [[0, 0]], [1], [2, 1]), _sp(tf, [[1, 0]], [1], [2, 1])),
                               tf.edit_distance(_sp(tf, [[0, 0]], [1], [2, 1]), _sp(tf, [[1, 0]], [1], [2, 1]), normalize=False)],
    "both_empty_row": lambda tf: tf.edit_distance(_sp(tf, [[1, 0]], [4], [3, 2]), _sp(tf, [[1, 0]], [5], [3, 2])),
    "strings": lambda tf: tf.edit_distance(
        tf.SparseTensor([[0, 0], [0, 1], [0, 2]], ["k", "i", "t"], [1, 3]),
        tf.SparseTensor([[0, 0], [0, 1], [0, 2], [0, 3]], ["s", "i", "t", "s"], [1, 4])),
    "unsorted_indices": lambda tf: tf.edit_distance(_sp(tf, [[0, 1], [0, 0]], [2, 1], [1, 2]), _sp(tf, [[0, 0], [0, 1]], [1, 2], [1, 2])),
    "rank_mismatch": lambda tf: tf.edit_distance(_sp(tf, [[0, 0]], [1], [1, 1]), _sp(tf, [[0, 0, 0]], [1], [1, 1, 1])),
    "dtype_mismatch": lambda tf: tf.edit_distance(_sp(tf, [[0, 0]], [1], [1, 1]), _sp(tf, [[0, 0]], [1], [1, 1], tf.int64)),
}
