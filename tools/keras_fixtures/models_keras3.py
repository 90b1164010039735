"""Keras 3 model files: .keras, .weights.h5 and legacy full-model .h5, plus expected outputs."""

from __future__ import annotations

import numpy as np

from .common import OUT, save_npz, to_json
from .model_zoo import MODELS, expected


def _check_roundtrip(keras, path, x, y):
    """Fail loudly if Keras itself cannot read back what it wrote."""
    again = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-6, atol=1e-6)


def run():
    import keras

    folder = OUT / "models" / "keras3"
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in MODELS.items():
        keras.backend.clear_session()
        keras.utils.set_random_seed(0)
        model, x, train = build(keras)
        if train is not None:
            # batch of half the data: exactly two optimizer steps, so slot variables exist.
            model.fit(*train, batch_size=len(train[0]) // 2, epochs=1, shuffle=False, verbose=0)
        files = [f"{name}.keras", f"{name}.weights.h5", f"{name}.h5"]
        model.save(folder / files[0])
        model.save_weights(folder / files[1])
        model.save(folder / files[2])
        out = expected(model, x, to_json([v.path for v in model.weights]))
        out["files"] = to_json(files)
        out["compiled"] = np.array(train is not None)
        if train is not None:
            out["y_train"] = train[1]
            opt = model.optimizer
            out["optimizer_class"] = opt.__class__.__name__
            out["optimizer_state_names"] = to_json([v.path for v in opt.variables])
            for i, v in enumerate(opt.variables):
                out[f"opt{i}"] = np.asarray(v.numpy())
        for f in (files[0], files[2]):
            _check_roundtrip(keras, folder / f, x, out["y"])
        save_npz(f"models/keras3/{name}", out)
