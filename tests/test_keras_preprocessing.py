"""tf.keras.preprocessing: the older names reach the same functions as keras.utils."""

import featherflow as tf
from featherflow.keras.preprocessing.image import img_to_array, load_img
from featherflow.keras.preprocessing.sequence import pad_sequences


def test_old_names_are_the_utils_functions():
    assert pad_sequences is tf.keras.utils.pad_sequences
    assert load_img is tf.keras.utils.load_img and img_to_array is tf.keras.utils.img_to_array
    prep = tf.keras.preprocessing
    assert prep.image_dataset_from_directory is tf.keras.utils.image_dataset_from_directory
    assert prep.text_dataset_from_directory is tf.keras.utils.text_dataset_from_directory
    assert prep.timeseries_dataset_from_array is tf.keras.utils.timeseries_dataset_from_array
    assert prep.sequence.pad_sequences([[1], [2, 3]]).tolist() == [[0, 1], [2, 3]]
