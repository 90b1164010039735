"""``tf.keras.preprocessing.sequence``: ``pad_sequences`` and the older helpers TensorFlow 2.21
still exports (``skipgrams``, ``make_sampling_table``, ``TimeseriesGenerator``)."""

from featherflow.keras.preprocessing.sequence_sampling import (
    TimeseriesGenerator,
    make_sampling_table,
    skipgrams,
)
from featherflow.utils.sequence_utils import pad_sequences

__all__ = ["TimeseriesGenerator", "make_sampling_table", "pad_sequences", "skipgrams"]
