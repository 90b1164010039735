"""The Keras 3.15.1 cases of tools/keras_fixtures/layers_text_preprocessing.py, rebuilt and run
in featherflow (``run_case``) and compared with what Keras returned (``check_case``)."""

import json

import numpy as np

import featherflow as tf
from tests.fixtures.keras_loader import fixture_path

FIXTURES = "layers_text_preprocessing/cases.json"


def fixture():
    return json.loads(fixture_path(FIXTURES).read_text())


def cases(*layers):
    return [c for c in fixture()["cases"] if c["layer"] in layers]


def floatx_of(case):
    return case.get("floatx", "float64")


def case_ids(items):
    return [c["name"] for c in items]


def tensor(spec):
    if spec["dtype"] == "string":
        return tf.constant(spec["value"])
    return tf.constant(np.array(spec["value"], dtype=spec["dtype"]))


def build(case):
    kwargs = dict(case["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    layer = getattr(tf.keras.layers, case["layer"])(**kwargs)
    if case.get("adapt") is not None:
        if case["adapt_batch"]:
            layer.adapt(tf.data.Dataset.from_tensor_slices(case["adapt"])
                        .batch(case["adapt_batch"]))
        else:
            layer.adapt(case["adapt"])
    return layer


def call(layer, spec):
    if isinstance(spec, list):
        return layer([tensor(s) for s in spec])
    return layer(tensor(spec))


def check_output(out, want, where):
    """Values exactly for ids and strings; floats (tf-idf) to 1e-12 relative (the fixture is
    float64: both sides compute the same log and product in float64)."""
    data = out.numpy() if hasattr(out, "numpy") else np.asarray(out)
    assert list(np.shape(data)) == want["shape"], where
    if want["dtype"] == "string":
        got = np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(data) \
            if np.ndim(data) else data.decode("utf-8")
        assert np.array(got, dtype=object).tolist() == want["value"], where
        return
    assert data.dtype.name == want["dtype"], (where, data.dtype, want["dtype"])
    if want["dtype"].startswith("float"):
        # float64: 1e-12 relative (the same float64 logs and products). float32: the weights
        # are the same float64 idf rounded once, but the OOV slots hold their float32 mean,
        # which TF sums in an order of its own (Eigen's packets): 1 ulp apart at most, so
        # 2.5e-7 relative (two float32 ulps)
        np.testing.assert_allclose(data, np.array(want["value"], dtype=data.dtype),
                                   rtol=1e-12 if data.dtype == np.float64 else 2.5e-7, atol=0,
                                   err_msg=where)
    else:
        np.testing.assert_array_equal(data, np.array(want["value"]), err_msg=where)


def check_case(case):
    """Build, adapt and call ``case``'s layer; the floatx of the recording (float64 unless
    the case says float32) must be in force: see ``floatx_of``."""
    layer = build(case)
    for i, (spec, want) in enumerate(zip(case["inputs"], case["outputs"])):
        check_output(call(layer, spec), want, f"{case['name']} input {i}")
    if "vocabulary" in case:
        assert layer.get_vocabulary() == case["vocabulary"]
        assert layer.get_vocabulary(include_special_tokens=False) == case["vocabulary_tokens"]
        assert layer.vocabulary_size() == case["vocabulary_size"]
    if "idf_weights" in case:
        lookup = getattr(layer, "_lookup_layer", layer)
        idf = lookup.idf_weights.numpy()
        np.testing.assert_allclose(idf, case["idf_weights"],
                                   rtol=1e-12 if idf.dtype == np.float64 else 2.5e-7)
    config = layer.get_config()
    want = dict(case["config"])
    # names are numbered per session; the fixture group runs Keras with floatx float64
    assert config.pop("name") and want.pop("name")
    assert want.pop("dtype") in ("float64", "int64", "int32") and config.pop("dtype")
    config = json.loads(json.dumps(config))
    assert config == want
    return layer
