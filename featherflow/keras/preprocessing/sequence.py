"""``tf.keras.preprocessing.sequence``: sequence helpers, re-exported."""

from featherflow.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
