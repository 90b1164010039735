"""``keras.utils.audio_dataset_from_directory``: a folder of class folders of ``.wav`` files
as a dataset of ``(audio, label)`` batches, with Keras 3's files, order, labels, split,
padding and truncation (``keras/src/utils/audio_dataset_utils.py``).

Each file is decoded by ``tf.audio.decode_wav`` to float32 ``(samples, channels)``; without
``output_sequence_length`` a batch is padded with zeros to its longest file (and widest
channel count), as ``padded_batch``; with it every file is cut or zero-padded to that length.
With ``ragged=True`` each file is a RaggedTensor (samples by channels) and a batch a
RaggedTensor of them, as Keras gives it.
"""

import numpy as np

from featherflow.data.dataset import AUTOTUNE, Dataset
from featherflow.data.structure import TensorSpec
from featherflow.errors import InvalidArgumentError
from featherflow.ops.wav import decode_wav
from featherflow.utils import directory_index

ALLOWED_FORMATS = (".wav",)


class _DeclaredSpec(Dataset):
    """The input's elements under the spec TF's shape inference gives them: featherflow reads
    shapes from the first element, which would fix the first file's length and channels."""

    def __init__(self, input_dataset, spec):
        super().__init__([input_dataset])
        self._input = input_dataset
        self._declared = spec

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _compute_spec(self):
        return self._declared

    def _peek(self):
        return self._input._peek()

    def _iterate(self):
        return self._input._iterate()


def _read_audio(path, sampling_rate, output_sequence_length):
    name = path.numpy().decode("utf-8")
    with open(name, "rb") as file:
        contents = file.read()
    try:
        audio, rate = decode_wav(contents, desired_samples=output_sequence_length or -1)
    except InvalidArgumentError as err:
        raise InvalidArgumentError(
            f"audio_dataset_from_directory: {name!r} is not a 16-bit PCM WAV file that "
            f"tf.audio.decode_wav can read ({err}). Remove or convert it.") from None
    if sampling_rate is not None and int(rate.numpy()) != sampling_rate:
        raise InvalidArgumentError(
            f"audio_dataset_from_directory: {name!r} is sampled at {int(rate.numpy())} Hz but "
            f"sampling_rate={sampling_rate} was requested. Keras resamples with "
            "tensorflow-io; featherflow has no resampler: convert the file to "
            f"{sampling_rate} Hz first, or pass sampling_rate=None to keep each file's rate.")
    return audio


def _check_sampling_rate(sampling_rate):
    if sampling_rate is None:
        return
    if not isinstance(sampling_rate, int):
        raise ValueError("`sampling_rate` should have an integer value. Received: "
                         f"sampling_rate={sampling_rate}")
    if sampling_rate <= 0:
        raise ValueError("`sampling_rate` should be higher than 0. Received: "
                         f"sampling_rate={sampling_rate}")


def _ragged_audio(path, sampling_rate):
    """One file as Keras's ragged=True element: a RaggedTensor of samples by channels."""
    from featherflow.api import ragged  # tf.ragged loads on first use

    return ragged.RaggedTensor.from_tensor(_read_audio(path, sampling_rate, None))


def _paths_and_labels(file_paths, labels, label_mode, num_classes, sampling_rate,
                      output_sequence_length, shuffle, buffer_size, seed, ragged=False):
    ds = Dataset.from_tensor_slices(file_paths)
    label_spec = None
    if label_mode:
        label_ds = directory_index.labels_dataset(labels, label_mode, num_classes)
        label_spec = label_ds.element_spec
        ds = Dataset.zip((ds, label_ds))
    if shuffle:
        ds = ds.shuffle(buffer_size=buffer_size or 1024, seed=seed)
    audio_spec = TensorSpec((output_sequence_length, None), "float32")
    if ragged:
        from featherflow.api import ragged as ragged_api  # tf.ragged loads on first use

        audio_spec = ragged_api.RaggedTensorSpec((None, None), "float32", 1)
        read = _ragged_audio
        if label_mode:
            ds = ds.map(lambda x, y: (read(x, sampling_rate), y), num_parallel_calls=AUTOTUNE)
            return _DeclaredSpec(ds, (audio_spec, label_spec))
        ds = ds.map(lambda x: read(x, sampling_rate), num_parallel_calls=AUTOTUNE)
        return _DeclaredSpec(ds, audio_spec)
    if label_mode:
        ds = ds.map(lambda x, y: (_read_audio(x, sampling_rate, output_sequence_length), y),
                    num_parallel_calls=AUTOTUNE)
        return _DeclaredSpec(ds, (audio_spec, label_spec))
    ds = ds.map(lambda x: _read_audio(x, sampling_rate, output_sequence_length),
                num_parallel_calls=AUTOTUNE)
    return _DeclaredSpec(ds, audio_spec)


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 follow_links=False, verbose=True):
    """Batches of ``(audio, labels)`` from ``directory/<class>/*.wav``, as Keras.

    ``audio`` is float32 ``(batch, samples, channels)``; labels are int32 ``(batch,)``,
    float32 one-hot (``"categorical"``) or float32 ``(batch, 1)`` (``"binary"``).

    Example::

        >>> train, val = tf.keras.utils.audio_dataset_from_directory(
        ...     "mini_speech_commands", batch_size=64, validation_split=0.2, seed=0,
        ...     output_sequence_length=16000, subset="both")
        >>> train.class_names
        ['down', 'go', 'left', 'no', 'right', 'stop', 'up', 'yes']
    """
    directory_index.check_label_args(labels, label_mode, class_names, "audio files",
                                     "audio samples")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    _check_sampling_rate(sampling_rate)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    buffer_size = batch_size * 8 if batch_size is not None else 1024
    file_paths, labels, class_names = directory_index.index_directory(
        directory, labels, formats=ALLOWED_FORMATS, class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    num_classes = len(class_names) if class_names else 0

    def build(subset_name, shuffled):
        paths, subset_labels = directory_index.training_or_validation_split(
            file_paths, labels, validation_split, subset_name)
        if not paths:
            kind = {"training": "training ", "validation": "validation "}.get(
                subset_name if subset == "both" else None, "")
            raise ValueError(f"No {kind}audio files found in directory {directory}. "
                             f"Allowed format(s): {ALLOWED_FORMATS}")
        ds = _paths_and_labels(paths, subset_labels, label_mode, num_classes, sampling_rate,
                               output_sequence_length, shuffled, buffer_size, seed, ragged)
        ds = ds.prefetch(AUTOTUNE)
        if batch_size is not None:
            # Keras batches ragged audio with batch (RaggedTensors join as ragged rows)
            ds = ds.padded_batch(batch_size) if output_sequence_length is None and not \
                ragged else ds.batch(batch_size)
        ds.class_names = class_names
        return ds

    if subset == "both":
        return build("training", shuffle), build("validation", False)
    return build(subset, shuffle)


__all__ = ["audio_dataset_from_directory"]
