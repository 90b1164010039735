"""Keras 2 era files written by tf_keras (the Keras 2 API): full-model .h5 and weights .h5.

These carry what older files hold: ``dense/kernel:0`` variable names, byte-string attributes,
``Functional``/``Sequential`` class names and list-style ``inbound_nodes``.
"""

from __future__ import annotations

import numpy as np

from . import legacy_h5
from .common import OUT, save_npz, to_json
from .model_zoo import MODELS, expected


def run():
    try:
        import tf_keras as k
    except ImportError as exc:  # reported, not fatal: the Keras 3 files still get made
        print(f"models_tf_keras skipped: {exc} (pip install tf_keras in the TF venv)")
        return
    import tensorflow as tf

    folder = OUT / "models" / "tf_keras"
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in MODELS.items():
        k.backend.clear_session()
        k.utils.set_random_seed(0)
        tf.random.set_seed(0)
        model, x, train = build(k)
        if train is not None:
            model.fit(*train, batch_size=len(train[0]) // 2, epochs=1, shuffle=False, verbose=0)
        files = [f"{name}.h5", f"{name}_weights.h5"]
        model.save(folder / files[0])
        model.save_weights(str(folder / files[1]))
        out = expected(model, x, to_json([v.name for v in model.weights]))
        out["files"] = to_json(files)
        out["compiled"] = np.array(train is not None)
        lines = []
        model.summary(print_fn=lines.append)
        out["summary"] = "\n".join(lines)
        out["to_json"] = model.to_json()
        if train is not None:
            out["y_train"] = train[1]
            opt = model.optimizer
            out["optimizer_class"] = opt.__class__.__name__
            out["optimizer_state_names"] = to_json([v.name for v in opt.variables()])
            for i, v in enumerate(opt.variables()):
                out[f"opt{i}"] = np.asarray(v.numpy())
        again = k.models.load_model(folder / files[0], compile=False)
        np.testing.assert_allclose(again.predict(x, verbose=0), out["y"], rtol=1e-6, atol=1e-6)
        save_npz(f"models/tf_keras/{name}", out)
    legacy_h5.make(folder)
