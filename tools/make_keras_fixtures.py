"""Regenerate the reference fixtures in tests/fixtures/keras/ from real Keras.

Run with the TensorFlow virtualenv (never a featherflow dependency):

    /work/venv-tf/bin/python tools/make_keras_fixtures.py            # everything
    /work/venv-tf/bin/python tools/make_keras_fixtures.py losses ctc  # some groups

Groups: layers, losses, optimizers, metrics, initializers, ctc, models, models_tf_keras,
guides, readme. The README (file index with keys and shapes) is rewritten after every run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keras_fixtures.common import OUT, quiet_tensorflow  # noqa: E402

# Which output folders each group owns, so a group's stale files are removed before it runs.
GROUP_DIRS = {
    "layers": ["layers", "activations"],
    "losses": ["losses"],
    "optimizers": ["optimizers", "schedules"],
    "metrics": ["metrics"],
    "initializers": ["initializers"],
    "ctc": ["ctc"],
    "models": ["models/keras3"],
    "models_tf_keras": ["models/tf_keras"],
    "guides": ["guides"],
    "dataset_fit": ["dataset_fit"],
    "layers_activation": ["layers_activation"],
    "layers_attention": ["layers_attention"],
    "layers_preprocessing": ["layers_preprocessing"],
    "layers_text_preprocessing": ["layers_text_preprocessing"],
    "legacy_image": ["legacy_image"],
    "legacy_text": ["legacy_text"],
    "layers_3d": ["layers_3d"],
    "layers_misc": ["layers_misc"],
    "layers_augmentation": ["layers_augmentation"],
    "layers_misc2": ["layers_misc2"],
    "layers_adaptive": ["layers_adaptive"],
    "mixed_precision": ["mixed_precision"],
    "legacy_hard_sigmoid": ["legacy_hard_sigmoid"],
    "applications": ["applications"],
    "applications_b": ["applications_b"],
    "applications_c": ["applications_c"],
    "feature_space": ["feature_space"],
    "namespaces_extra": ["namespaces_extra"],
    "readme": [],
}


# group -> modules (in keras_fixtures/) whose run() produces it
GROUP_MODULES = {
    "layers": ["layers_core", "layers_conv", "layers_norm_rnn"],
    "losses": ["losses"],
    "optimizers": ["optimizers"],
    "metrics": ["metrics"],
    "initializers": ["initializers"],
    "ctc": ["ctc"],
    "models": ["models_keras3"],
    "models_tf_keras": ["models_tf_keras"],
    "guides": ["guides"],
    "dataset_fit": ["dataset_fit"],
    "layers_activation": ["layers_activation"],
    "layers_attention": ["layers_attention"],
    "layers_preprocessing": ["layers_preprocessing"],
    "layers_text_preprocessing": ["layers_text_preprocessing"],
    "legacy_image": ["legacy_image"],
    "legacy_text": ["legacy_text"],
    "layers_3d": ["layers_3d"],
    "layers_misc": ["layers_misc"],
    "layers_augmentation": ["layers_augmentation"],
    "layers_misc2": ["layers_misc2"],
    "layers_adaptive": ["layers_adaptive"],
    "mixed_precision": ["mixed_precision"],
    "legacy_hard_sigmoid": ["legacy_hard_sigmoid"],
    "applications": ["applications"],
    "applications_b": ["applications_b"],
    "applications_c": ["applications_c"],
    "feature_space": ["feature_space"],
    "namespaces_extra": ["namespaces_extra"],
}


def _run_group(group: str) -> None:
    import importlib

    import keras

    # Float64 makes the references exact enough for 1e-5/1e-4 comparisons; the model files
    # are float32 because that is what real saved models hold.
    keras.config.set_floatx("float32" if group.startswith("models") else "float64")
    # A fresh session per group keeps auto-generated layer names ("dense_3") stable
    # whichever groups are regenerated.
    keras.backend.clear_session()
    keras.utils.set_random_seed(1234)
    for mod in GROUP_MODULES[group]:
        importlib.import_module(f"keras_fixtures.{mod}").run()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help=f"any of {', '.join(GROUP_DIRS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.groups) - set(GROUP_DIRS))
    if unknown:
        parser.error(f"unknown group(s) {unknown}; expected some of {list(GROUP_DIRS)}")
    groups = args.groups or list(GROUP_DIRS)
    quiet_tensorflow()
    for group in groups:
        if group == "readme":
            continue
        for sub in GROUP_DIRS[group]:
            shutil.rmtree(OUT / sub, ignore_errors=True)
        start = time.perf_counter()
        _run_group(group)
        print(f"{group}: {time.perf_counter() - start:.1f}s", flush=True)
    from keras_fixtures import readme

    readme.write()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
