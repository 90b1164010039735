"""keras.utils.FeatureSpace (Keras 3.15.1) on a small dict data set.

Writes ``feature_space/cases.json``: for each case the FeatureSpace specification (feature kinds
with their arguments, crosses, output mode), the adapt data and how it was batched, and what
Keras returned when called on a batch and on one unbatched sample (values, dtype, shape; in
dict mode one entry per key), plus the shape of ``get_encoded_features()``. Also writes
``feature_space/<case>.keras``, the FeatureSpace as Keras saves it, with the outputs the
reloaded object gives.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, save_json

DATA = {
    "a": [0.5, -1.0, 2.0, 3.5, 0.0, 1.25, -2.5, 4.0, 1.0, 0.75, 2.25, -0.5],
    "b": [10.0, 12.0, 9.0, 15.0, 11.0, 13.5, 8.0, 10.5, 14.0, 12.5, 9.5, 11.5],
    "c": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0],
    "d": [0.1, 0.9, 0.4, 0.6, 0.2, 0.8, 0.3, 0.7, 0.5, 0.05, 0.95, 0.45],
    "i": [1, 2, 3, 1, 2, 1, 4, 1, 2, 3, 1, 5],
    "s": ["red", "blue", "red", "green", "blue", "red", "red", "violet", "green", "blue",
          "red", "blue"],
    "h": ["x", "y", "z", "x", "w", "y", "x", "v", "z", "y", "x", "u"],
    "n": [7, 8, 9, 7, 10, 8, 7, 11, 9, 8, 7, 12],
}
DTYPES = {"a": "float32", "b": "float32", "c": "float32", "d": "float32", "i": "int64",
          "s": "string", "h": "string", "n": "int64"}
QUERY = {
    "a": [1.0, -3.0, 0.25],
    "b": [11.0, 20.0, 9.5],
    "c": [2.0, 0.0, 13.0],
    "d": [0.35, 1.2, -0.1],
    "i": [2, 9, 1],
    "s": ["blue", "black", "red"],
    "h": ["x", "q", "v"],
    "n": [8, 100, 7],
}

# (name, features {key: [kind, kwargs] or kind name}, crosses [[names, kwargs] or names],
#  FeatureSpace kwargs, adapt batch size or None (unbatched dataset), query overrides)
CASES = [
    ("concat_all_kinds",
     {"a": ["float", {}], "b": ["float_normalized", {}],
      "c": ["float_rescaled", {"scale": 0.5, "offset": 1.0}],
      "d": ["float_discretized", {"num_bins": 4}],
      "i": ["integer_categorical", {}], "s": ["string_categorical", {"num_oov_indices": 0}],
      "h": ["string_hashed", {"num_bins": 8}], "n": ["integer_hashed", {"num_bins": 5}]},
     [[["s", "i"], {"crossing_dim": 8}], [["d", "i"], {"crossing_dim": 16}]],
     {"output_mode": "concat"}, 4, {"s": ["blue", "violet", "red"]}),
    ("dict_int_modes",
     {"b": ["float_normalized", {}],
      "i": ["integer_categorical", {"output_mode": "int", "max_tokens": 4}],
      "s": ["string_categorical", {"output_mode": "int"}],
      "h": ["string_hashed", {"num_bins": 6, "output_mode": "int"}],
      "d": ["float_discretized", {"num_bins": 3}]},
     [[["s", "h"], {"crossing_dim": 10, "output_mode": "int"}], [["i", "d"], {"crossing_dim": 6}]],
     {"output_mode": "dict"}, None, {}),
    ("string_kinds_defaults",
     {"a": "float", "b": "float_normalized", "c": "float_rescaled", "d": "float_discretized",
      "i": "integer_categorical", "s": "string_categorical", "h": "string_hashed",
      "n": "integer_hashed"},
     [["s", "n"], ["h", "i"]],
     {"output_mode": "concat", "crossing_dim": 12, "hashing_dim": 7,
      "num_discretization_bins": 3}, 5, {}),
]


def _columns(tf, values):
    return {k: tf.constant(v, dtype=tf.string if DTYPES[k] == "string" else DTYPES[k])
            for k, v in values.items()}


def build(FeatureSpace, features, crosses, kwargs):
    """The FeatureSpace a case describes (shared by this recorder and the tests)."""
    specs = {}
    for key, spec in features.items():
        if isinstance(spec, str):
            specs[key] = spec
        else:
            kind, args = spec
            specs[key] = getattr(FeatureSpace, kind)(**args)
    cross_specs = []
    for cross in crosses:
        if isinstance(cross[0], list):
            names, args = cross
            cross_specs.append(FeatureSpace.cross(tuple(names), **args))
        else:
            cross_specs.append(tuple(cross))
    return FeatureSpace(features=specs, crosses=cross_specs or None, **kwargs)


def _value(x):
    arr = np.asarray(x)
    return {"value": arr.tolist(), "dtype": arr.dtype.name, "shape": list(arr.shape)}


def _outputs(out):
    if isinstance(out, dict):
        return {k: _value(v) for k, v in out.items()}
    return _value(out)


def run() -> None:
    import keras
    import tensorflow as tf

    # the default float32, as the keras.io example runs (the recorder's float64 would change
    # the output dtypes FeatureSpace gives)
    keras.config.set_floatx("float32")
    cases = []
    for name, features, crosses, kwargs, batch, overrides in CASES:
        keys = sorted(set(features) | {n for c in crosses
                                       for n in (c[0] if isinstance(c[0], list) else c)})
        data = {k: DATA[k] for k in keys}
        query = {k: overrides.get(k, QUERY[k]) for k in keys}
        space = build(keras.utils.FeatureSpace, features, crosses, kwargs)
        dataset = tf.data.Dataset.from_tensor_slices(_columns(tf, data))
        if batch:
            dataset = dataset.batch(batch)
        space.adapt(dataset)
        batch_out = space(_columns(tf, query))
        single = {k: v[0] for k, v in query.items()}
        single_out = space(_columns(tf, single))
        encoded = space.get_encoded_features()
        encoded_shapes = ({k: list(v.shape) for k, v in encoded.items()}
                          if isinstance(encoded, dict) else list(encoded.shape))
        path = OUT / "feature_space" / f"{name}.keras"
        path.parent.mkdir(parents=True, exist_ok=True)
        space.save(str(path))
        reloaded = keras.models.load_model(str(path))
        cases.append({
            "name": name, "features": features, "crosses": crosses, "kwargs": kwargs,
            "adapt_batch": batch, "data": data, "query": query, "dtypes": DTYPES,
            "batch_output": _outputs(batch_out), "single_output": _outputs(single_out),
            "reloaded_output": _outputs(reloaded(_columns(tf, query))),
            "encoded_shapes": encoded_shapes,
            "vocabularies": {k: [v.decode() if isinstance(v, bytes) else
                                 (v if isinstance(v, str) else int(v))
                                 for v in space.preprocessors[k].get_vocabulary()]
                             for k in keys if hasattr(space.preprocessors.get(k),
                                                      "get_vocabulary")},
        })
    save_json("feature_space/cases.json", {"keras_version": keras.__version__, "cases": cases})
