"""keras.utils.FeatureSpace against Keras 3.15.1's outputs (tools/keras_fixtures/feature_space.py),
its .keras files both ways, and the keras.io "Structured data classification with FeatureSpace"
flow on a synthetic data set."""

import json
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow import keras

FeatureSpace = keras.utils.FeatureSpace
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "keras" / "feature_space"
CASES = json.loads((FIXTURES / "cases.json").read_text())["cases"]


def _build(case):
    specs = {}
    for key, spec in case["features"].items():
        if isinstance(spec, str):
            specs[key] = spec
        else:
            kind, args = spec
            specs[key] = getattr(FeatureSpace, kind)(**args)
    crosses = []
    for cross in case["crosses"]:
        if isinstance(cross[0], list):
            crosses.append(FeatureSpace.cross(tuple(cross[0]), **cross[1]))
        else:
            crosses.append(tuple(cross))
    return FeatureSpace(features=specs, crosses=crosses or None, **case["kwargs"])


def _columns(values, dtypes):
    return {k: np.array(v) if dtypes[k] == "string" else np.array(v, dtype=dtypes[k])
            for k, v in values.items()}


def _adapted(case):
    space = _build(case)
    dataset = tf.data.Dataset.from_tensor_slices(_columns(case["data"], case["dtypes"]))
    if case["adapt_batch"]:
        dataset = dataset.batch(case["adapt_batch"])
    space.adapt(dataset)
    return space


def _check(got, want):
    if "value" not in want:
        assert sorted(got) == sorted(want)
        for key in want:
            _check(got[key], want[key])
        return
    array = np.asarray(got)
    assert list(array.shape) == want["shape"]
    assert array.dtype.name == want["dtype"]
    np.testing.assert_allclose(array, np.array(want["value"], dtype=want["dtype"]),
                               rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_outputs_match_keras(case):
    space = _adapted(case)
    query = _columns(case["query"], case["dtypes"])
    _check(space(query), case["batch_output"])
    _check(space({k: v[0] for k, v in query.items()}), case["single_output"])
    encoded = space.get_encoded_features()
    shapes = ({k: list(v.shape) for k, v in encoded.items()} if isinstance(encoded, dict)
              else list(encoded.shape))
    assert shapes == case["encoded_shapes"]
    for key, vocabulary in case["vocabularies"].items():
        assert space.preprocessors[key].get_vocabulary() == vocabulary


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_loads_the_file_keras_saved(case):
    space = keras.models.load_model(str(FIXTURES / f"{case['name']}.keras"))
    assert isinstance(space, FeatureSpace)
    _check(space(_columns(case["query"], case["dtypes"])), case["reloaded_output"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_save_load_round_trip_and_config(case, tmp_path):
    space = _adapted(case)
    query = _columns(case["query"], case["dtypes"])
    path = tmp_path / "space.keras"
    space.save(str(path))
    reloaded = keras.models.load_model(str(path))
    _check(reloaded(query), case["batch_output"])
    config = json.loads(json.dumps(space.get_config()))
    rebuilt = FeatureSpace.from_config(config)
    assert json.loads(json.dumps(rebuilt.get_config()))["crosses"] == config["crosses"]
    assert sorted(rebuilt.features) == sorted(space.features)
    assert config["features"][sorted(config["features"])[0]]["module"] == \
        "keras.src.layers.preprocessing.feature_space"


def test_dataset_map_labeled_and_unbatched():
    case = CASES[0]
    space = _adapted(case)
    columns = _columns(case["query"], case["dtypes"])
    labels = np.array([0, 1, 0])
    dataset = tf.data.Dataset.from_tensor_slices((columns, labels))
    batched = list(dataset.batch(3).map(lambda x, y: (space(x), y)))
    _check(batched[0][0], case["batch_output"])
    single = next(iter(dataset.map(lambda x, y: (space(x), y))))
    _check(single[0], case["single_output"])


def test_adapt_on_a_dict_and_functional_inputs():
    data = {"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", "b"], "k": [1, 2, 2, 1]}
    space = FeatureSpace({"x": "float_normalized", "c": "string_categorical",
                          "k": "integer_categorical"},
                         crosses=[("k", "c")], crossing_dim=4, output_mode="dict")
    with pytest.raises(ValueError, match=r"call `\.adapt\(dataset\)`"):
        space.get_inputs()
    space.adapt(data)
    inputs = space.get_inputs()
    assert sorted(inputs) == ["c", "k", "x"] and inputs["c"].dtype == "string"
    encoded = space.get_encoded_features()
    assert sorted(encoded) == ["c", "k", "k_X_c", "x"]
    merged = keras.layers.concatenate([encoded[k] for k in sorted(encoded)])
    model = keras.Model(inputs, keras.layers.Dense(1)(merged))
    sample = {"x": np.array([[2.5]]), "c": np.array([["b"]]), "k": np.array([[2]])}
    out = model.predict(sample, verbose=0)
    direct = space(sample)
    assert out.shape == (1, 1)
    assert direct["k_X_c"].shape == (1, 4) and float(np.asarray(direct["k_X_c"]).sum()) == 1.0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FeatureSpace({})
    with pytest.raises(ValueError, match="Invalid feature type: floaty"):
        FeatureSpace({"a": "floaty"})
    with pytest.raises(ValueError, match="Expected one of {'dict', 'concat'}"):
        FeatureSpace({"a": "float"}, output_mode="stack")
    with pytest.raises(ValueError, match="Received unknown features"):
        FeatureSpace({"a": "float", "b": "integer_categorical"}, crosses=[("a", "z")])
    with pytest.raises(ValueError, match="Expected one of {'int', 'one_hot'}"):
        FeatureSpace.cross(("a", "b"), crossing_dim=4, output_mode="float")
    space = FeatureSpace({"a": "float_normalized"})
    with pytest.raises(ValueError, match=r"call `\.adapt\(dataset\)`"):
        space({"a": [1.0]})
    with pytest.raises(ValueError, match="can only be called on a tf.data.Dataset"):
        space.adapt([1.0, 2.0])
    space.adapt({"a": [1.0, 2.0]})
    with pytest.raises(ValueError, match="can only be called with a dict"):
        space([1.0])
    with pytest.raises(ValueError, match=r"lacks the feature\(s\) \['a'\]"):
        space({"b": [1.0]})
    # an un-encoded integer feature cannot be concatenated (Keras's message)
    with pytest.raises(ValueError, match="Cannot concatenate features because feature 'i'"):
        FeatureSpace({"i": FeatureSpace.integer_categorical(output_mode="int")}).adapt(
            {"i": [1, 2]})


def test_no_adapt_needed_when_nothing_is_adaptable():
    space = FeatureSpace({"a": "float", "h": "string_hashed"}, hashing_dim=4)
    out = space({"a": np.array([1.5, 2.0], "float32"), "h": np.array(["x", "y"], dtype=object)})
    assert out.shape == (2, 5)
    np.testing.assert_allclose(np.asarray(out)[:, 0], [1.5, 2.0])
    np.testing.assert_allclose(np.asarray(out)[:, 1:].sum(axis=1), [1.0, 1.0])


def _heart_like_data(n=96):
    rng = np.random.default_rng(0)
    df = {"sex": rng.integers(0, 2, n), "cp": rng.integers(0, 4, n),
          "fbs": rng.integers(0, 2, n), "restecg": rng.integers(0, 3, n),
          "exang": rng.integers(0, 2, n), "ca": rng.integers(0, 4, n),
          "thal": rng.choice(np.array(["fixed", "normal", "reversible"], dtype=object), n),
          "age": rng.uniform(29, 77, n), "trestbps": rng.normal(130, 17, n),
          "chol": rng.normal(246, 51, n), "thalach": rng.normal(150, 23, n),
          "oldpeak": rng.exponential(1.0, n),
          "slope": rng.integers(1, 4, n).astype("float64")}
    target = (df["age"] / 77 + df["cp"] / 3 + rng.normal(0, 0.2, n) > 1.2).astype("int64")
    return df, target


def test_keras_io_structured_data_example_end_to_end():
    """keras.io's "Structured data classification with FeatureSpace", on a synthetic frame."""
    df, target = _heart_like_data()
    dataset = tf.data.Dataset.from_tensor_slices((dict(df), target)).shuffle(96, seed=1)
    val_ds = dataset.take(24).batch(32)
    train_ds = dataset.skip(24).batch(32)
    categorical = {name: FeatureSpace.integer_categorical(num_oov_indices=0)
                   for name in ("sex", "cp", "fbs", "restecg", "exang", "ca")}
    feature_space = FeatureSpace(
        features={**categorical,
                  "thal": FeatureSpace.string_categorical(num_oov_indices=0),
                  "age": FeatureSpace.float_discretized(num_bins=30),
                  **{name: FeatureSpace.float_normalized()
                     for name in ("trestbps", "chol", "thalach", "oldpeak", "slope")}},
        crosses=[FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=64),
                 FeatureSpace.cross(feature_names=("thal", "ca"), crossing_dim=16)],
        output_mode="concat")
    feature_space.adapt(train_ds.map(lambda x, _: x))
    for x, _ in train_ds.take(1):
        preprocessed_x = feature_space(x)
    # 2+4+2+3+2+4 integer one-hots, 3 thal, 30 age bins, 5 floats, 64 + 16 crossed
    assert preprocessed_x.shape == (32, 135)
    preprocessed_train_ds = train_ds.map(lambda x, y: (feature_space(x), y),
                                         num_parallel_calls=tf.data.AUTOTUNE)
    preprocessed_val_ds = val_ds.map(lambda x, y: (feature_space(x), y))
    dict_inputs = feature_space.get_inputs()
    encoded_features = feature_space.get_encoded_features()
    # as keras.io: the training model's input is encoded_features itself (a tensor from the
    # middle of the feature space's graph), the inference model's the dict of raw inputs
    x = keras.layers.Dense(32, activation="relu")(encoded_features)
    x = keras.layers.Dropout(0.5)(x)
    predictions = keras.layers.Dense(1, activation="sigmoid")(x)
    training_model = keras.Model(inputs=encoded_features, outputs=predictions)
    assert isinstance(training_model.layers[0], keras.layers.InputLayer)
    assert training_model.layers[0].name.endswith("CLONE")
    training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    inference_model = keras.Model(inputs=dict_inputs, outputs=predictions)
    history = training_model.fit(preprocessed_train_ds, epochs=3,
                                 validation_data=preprocessed_val_ds, verbose=0)
    assert len(history.history["val_loss"]) == 3
    sample = {"age": 60, "sex": 1, "cp": 1, "trestbps": 145, "chol": 233, "fbs": 1,
              "restecg": 2, "thalach": 150, "exang": 0, "oldpeak": 2.3, "slope": 3, "ca": 0,
              "thal": "fixed"}
    input_dict = {name: keras.ops.convert_to_tensor([value]) for name, value in sample.items()}
    probability = inference_model.predict(input_dict, verbose=0)
    # the inference model is the feature space followed by the trained head
    direct = training_model.predict(feature_space(sample)[None, :], verbose=0)
    assert probability.shape == (1, 1)
    np.testing.assert_allclose(probability, direct, rtol=1e-5, atol=1e-6)
