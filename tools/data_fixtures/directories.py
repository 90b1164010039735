"""Scenarios for keras.utils.text_dataset_from_directory (featherflow/utils/text_dataset.py,
directory_index.py), recorded with Keras 3.15.1: the same files, order, labels and splits."""

import os


def setup(tf, workdir):
    texts = {
        "reviews/neg/a.txt": "bad movie", "reviews/neg/b.txt": "awful\nreally",
        "reviews/neg/deep/c.txt": "nested negative", "reviews/neg/skip.md": "not a txt",
        "reviews/pos/d.txt": "great film", "reviews/pos/e.TXT": "upper case suffix",
        "reviews/pos/f.txt": "loved it " * 5, "reviews/pos/g.txt": "",
        "reviews/.hidden/h.txt": "hidden class", "reviews/unsup/i.txt": "third class",
        "flat/one.txt": "x", "flat/two.txt": "yy", "flat/three.txt": "zzz",
    }
    for name, text in texts.items():
        path = os.path.join(workdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)


def _batches(ds):
    return [ds.class_names, list(ds.as_numpy_iterator())]


def _tds(tf, directory, **kwargs):
    kwargs.setdefault("verbose", False)
    return tf.keras.utils.text_dataset_from_directory(directory, **kwargs)


SCENARIOS = {
    "unshuffled": lambda tf: _batches(_tds(tf, "reviews", shuffle=False, batch_size=3)),
    "seeded": lambda tf: _batches(_tds(tf, "reviews", seed=7, batch_size=4)),
    "class_names_subset": lambda tf: _batches(_tds(tf, "reviews", class_names=["pos", "neg"],
                                                   shuffle=False)),
    "categorical_max_length": lambda tf: _batches(_tds(
        tf, "reviews", label_mode="categorical", max_length=5, shuffle=False, batch_size=None)),
    "binary": lambda tf: _batches(_tds(tf, "reviews", class_names=["neg", "pos"],
                                       label_mode="binary", shuffle=False)),
    "binary_three_classes": lambda tf: _batches(_tds(tf, "reviews", label_mode="binary")),
    "no_labels": lambda tf: list(_tds(tf, "flat", labels=None, shuffle=False)
                                 .as_numpy_iterator()),
    "given_labels": lambda tf: _batches(_tds(tf, "flat", labels=[1, 0, 1], shuffle=False)),
    "split_training": lambda tf: _batches(_tds(tf, "reviews", validation_split=0.3,
                                               subset="training", seed=3, batch_size=2)),
    "split_validation": lambda tf: _batches(_tds(tf, "reviews", validation_split=0.3,
                                                 subset="validation", seed=3, batch_size=2)),
    "split_both": lambda tf: [_batches(d) for d in _tds(
        tf, "reviews", validation_split=0.25, subset="both", seed=1, batch_size=8)],
    "split_without_subset": lambda tf: _tds(tf, "reviews", validation_split=0.2, seed=1),
    "split_without_seed": lambda tf: _tds(tf, "reviews", validation_split=0.2,
                                          subset="training"),
    "spec": lambda tf: _tds(tf, "reviews", shuffle=False).element_spec,
    "bad_label_mode": lambda tf: _tds(tf, "reviews", label_mode="sparse"),
    "wrong_label_count": lambda tf: _tds(tf, "flat", labels=[0, 1]),
}
