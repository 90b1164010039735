"""keras.utils.audio_dataset_from_directory against Keras 3.15.1 (tools/data_fixtures/
audio_directories.py): the files, their order (shuffled, split, epoch after epoch), labels,
class names, the decoded samples padded per batch or cut/padded to output_sequence_length,
element specs, cardinalities and the refusals. Samples are int16 / 32768 in both, so they are
compared exactly (rtol=atol=0)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("audio_directories", rtol=0, atol=0)


def test_corrupt_file_is_named(workdir):
    ds = tf.keras.utils.audio_dataset_from_directory(
        str(workdir / "broken"), shuffle=False, batch_size=1, verbose=False)
    with pytest.raises(InvalidArgumentError, match=r"bad.corrupt\.wav.*16-bit PCM WAV"):
        list(ds)


def test_ragged_batches_are_ragged_tensors(workdir):
    # the values against Keras on TF are in tests/api/test_ragged.py (keras_audio_ragged*)
    ds = tf.keras.utils.audio_dataset_from_directory(str(workdir / "mono"), ragged=True,
                                                     shuffle=False, verbose=False)
    audio, labels = next(iter(ds))
    assert isinstance(audio, tf.RaggedTensor) and audio.ragged_rank == 2
    with pytest.raises(ValueError, match="Cannot set both `ragged` and"):
        tf.keras.utils.audio_dataset_from_directory(str(workdir / "mono"), ragged=True,
                                                    output_sequence_length=4)


def test_sampling_rate_of_the_files_is_accepted(workdir):
    plain = tf.keras.utils.audio_dataset_from_directory(
        str(workdir / "mono"), shuffle=False, verbose=False)
    at_rate = tf.keras.utils.audio_dataset_from_directory(
        str(workdir / "mono"), shuffle=False, sampling_rate=16000, verbose=False)
    for (a, y), (b, z) in zip(plain, at_rate):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(y.numpy(), z.numpy())


def test_other_sampling_rate_names_the_file(workdir):
    ds = tf.keras.utils.audio_dataset_from_directory(
        str(workdir / "mono"), shuffle=False, sampling_rate=8000, verbose=False)
    with pytest.raises(InvalidArgumentError,
                       match=r"no.0\.wav.* sampled at 16000 Hz but sampling_rate=8000"):
        list(ds)


def test_prints_what_keras_prints(workdir, capsys):
    tf.keras.utils.audio_dataset_from_directory(
        str(workdir / "sounds"), validation_split=0.25, subset="both", seed=1)
    out = capsys.readouterr().out
    assert "Found 8 files belonging to 3 classes." in out
    assert "Using 6 files for training." in out and "Using 2 files for validation." in out


def test_trains_a_model(workdir):
    ds = tf.keras.utils.audio_dataset_from_directory(
        str(workdir / "mono"), output_sequence_length=8, batch_size=4, seed=0, verbose=False)
    model = tf.keras.Sequential([tf.keras.Input((8, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(2)])
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
