"""Scenarios for keras.utils.audio_dataset_from_directory (featherflow/utils/audio_dataset.py),
recorded with Keras 3.15.1 on TF 2.21. The WAV files (16-bit PCM, different lengths, mono and
stereo, one at another rate) are written with struct here, so both runs read the same bytes.

Not recorded here because featherflow differs on purpose (tests/utils/test_audio_dataset.py
checks them): ``ragged=True`` (no RaggedTensor yet) and a ``sampling_rate`` (Keras needs
tensorflow-io to resample; featherflow reads files already at that rate and names the others).
"""

import os
import struct

import numpy as np


def _wav(path, samples, rate=8000):
    """A 16-bit PCM WAV of ``samples`` (int16, (frames,) or (frames, channels))."""
    samples = np.asarray(samples, dtype="<i2")
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    data = samples.tobytes()
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(data)) + data)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def setup(tf, workdir):
    rs = np.random.RandomState(0)

    def noise(*shape):
        return rs.randint(-32768, 32768, size=shape)

    # (frames, channels or None for mono, rate)
    sounds = {"cat/a.wav": (5, None), "cat/b.wav": (9, None), "cat/sub/c.wav": (3, None),
              "dog/d.wav": (7, 2), "dog/e.WAV": (4, None), "dog/g.wav": (6, None),
              "bird/h.wav": (2, None), "bird/i.wav": (8, 2)}
    for name, (frames, channels) in sounds.items():
        shape = (frames,) if channels is None else (frames, channels)
        _wav(os.path.join(workdir, "sounds", name), noise(*shape))
    with open(os.path.join(workdir, "sounds", "dog", "notes.txt"), "w") as file:
        file.write("not audio")
    for label, lengths in (("no", (4, 7, 5, 3, 6)), ("yes", (8, 2, 5, 9))):
        for i, frames in enumerate(lengths):
            _wav(os.path.join(workdir, "mono", label, f"{i}.wav"), noise(frames), rate=16000)
    _wav(os.path.join(workdir, "flat", "top.wav"), noise(4))
    os.makedirs(os.path.join(workdir, "empty", "cls"))
    _wav(os.path.join(workdir, "broken", "ok", "fine.wav"), noise(3))
    os.makedirs(os.path.join(workdir, "broken", "bad"))
    with open(os.path.join(workdir, "broken", "bad", "corrupt.wav"), "wb") as file:
        file.write(b"RIFF\x10\x00\x00\x00WAVEjunk")
    _wav(os.path.join(workdir, "linked", "a", "x.wav"), noise(3))
    os.makedirs(os.path.join(workdir, "linked", "b"))
    os.symlink(os.path.join("..", "..", "mono", "yes"),
               os.path.join(workdir, "linked", "b", "inner"))


def _batches(tf, directory="sounds", epochs=1, **kwargs):
    kwargs.setdefault("verbose", False)
    ds = tf.keras.utils.audio_dataset_from_directory(directory, **kwargs)
    if isinstance(ds, (list, tuple)):
        return [[d.class_names, list(d.as_numpy_iterator())] for d in ds]
    return [ds.class_names] + [list(ds.as_numpy_iterator()) for _ in range(epochs)]


def _spec(tf, directory="mono", **kwargs):
    ds = tf.keras.utils.audio_dataset_from_directory(directory, verbose=False, **kwargs)
    return [ds.element_spec, int(ds.cardinality())]


SCENARIOS = {
    "unshuffled_padded": lambda tf: _batches(tf, shuffle=False, batch_size=3),
    "seeded_two_epochs": lambda tf: _batches(tf, seed=3, batch_size=4, epochs=2),
    "unbatched": lambda tf: _batches(tf, "mono", shuffle=False, batch_size=None),
    "categorical": lambda tf: _batches(tf, "mono", label_mode="categorical", shuffle=False,
                                       batch_size=4),
    "binary": lambda tf: _batches(tf, "mono", label_mode="binary", seed=1, batch_size=5),
    "binary_three_classes": lambda tf: _batches(tf, label_mode="binary"),
    "no_labels": lambda tf: _batches(tf, "mono", labels=None, shuffle=False, batch_size=4),
    "label_mode_none": lambda tf: _batches(tf, "mono", label_mode=None, seed=2),
    "given_labels": lambda tf: _batches(tf, "mono", labels=[3, 1, 1, 0, 3, 0, 1, 1, 0],
                                        shuffle=False, batch_size=9),
    "given_labels_wrong_count": lambda tf: _batches(tf, "mono", labels=[0, 1]),
    "class_names_order": lambda tf: _batches(tf, class_names=["dog", "cat"], shuffle=False,
                                             batch_size=10),
    "class_names_unknown": lambda tf: _batches(tf, class_names=["cat", "cow"]),
    "pad_and_cut": lambda tf: _batches(tf, "mono", output_sequence_length=6, shuffle=False,
                                       batch_size=4),
    "pad_and_cut_seeded": lambda tf: _batches(tf, "mono", output_sequence_length=3, seed=4,
                                              batch_size=3),
    "fixed_length_mixed_channels": lambda tf: _batches(tf, output_sequence_length=4,
                                                       shuffle=False, batch_size=8),
    "split_training": lambda tf: _batches(tf, validation_split=0.4, subset="training",
                                          seed=5, batch_size=2),
    "split_validation": lambda tf: _batches(tf, validation_split=0.4, subset="validation",
                                            seed=5, batch_size=2),
    "split_both": lambda tf: _batches(tf, "mono", validation_split=0.3, subset="both", seed=7,
                                      batch_size=3),
    "split_both_unshuffled": lambda tf: _batches(tf, "mono", validation_split=0.5,
                                                 subset="both", shuffle=False, batch_size=3),
    "follow_links": lambda tf: _batches(tf, "linked", follow_links=True, shuffle=False,
                                        batch_size=None),
    "links_not_followed": lambda tf: _batches(tf, "linked", shuffle=False, batch_size=None),
    "spec_padded": lambda tf: _spec(tf),
    "spec_fixed_length": lambda tf: _spec(tf, output_sequence_length=5,
                                          label_mode="categorical"),
    "spec_unbatched": lambda tf: _spec(tf, batch_size=None, label_mode="binary"),
    "spec_no_labels": lambda tf: _spec(tf, label_mode=None, batch_size=2),
    "spec_split": lambda tf: _spec(tf, validation_split=0.25, subset="validation", seed=1,
                                   batch_size=1),
    "err_split_without_subset": lambda tf: _batches(tf, validation_split=0.2),
    "err_subset_without_split": lambda tf: _batches(tf, subset="training"),
    "err_split_no_seed": lambda tf: _batches(tf, validation_split=0.2, subset="training"),
    "err_bad_subset": lambda tf: _batches(tf, validation_split=0.2, subset="test", seed=1),
    "err_bad_label_mode": lambda tf: _batches(tf, label_mode="onehot"),
    "err_labels_string": lambda tf: _batches(tf, labels="folders"),
    "err_ragged_and_length": lambda tf: _batches(tf, ragged=True, output_sequence_length=4),
    "err_sampling_rate_float": lambda tf: _batches(tf, sampling_rate=8000.0),
    "err_sampling_rate_zero": lambda tf: _batches(tf, sampling_rate=0),
    "err_no_class_folders": lambda tf: _batches(tf, "flat"),
    "err_empty_class_folder": lambda tf: _batches(tf, "empty"),
    "err_too_small_for_split": lambda tf: _batches(tf, "flat", labels=None,
                                                   validation_split=0.5, subset="both",
                                                   seed=1),
    "err_corrupt_wav": lambda tf: _batches(tf, "broken", shuffle=False, batch_size=1),
}
