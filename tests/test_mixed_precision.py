"""Mixed precision against real Keras 3.15.1 (TensorFlow backend).

Fixtures: tests/fixtures/keras/mixed_precision/ (tools/keras_fixtures/mixed_precision.py).

Tolerances. float16 keeps 11 significant bits: one rounding is a relative error of up to
2**-11 = 4.9e-4, and Keras rounds after every op while featherflow's layers compute in float32
and round at each layer's output (docs/mixed_precision.md). Measured: the Dense, Conv2D,
BatchNormalization and LayerNormalization models' outputs are bit-identical to Keras's, the
LSTM's differ by up to 3.3e-4 relative, the MultiHeadAttention's by 1.2e-3 (softmax and
scores rounded once per op in Keras, once per layer here). Model outputs are compared with
``|a - b| <= 3e-3 * (1 + |b|)`` (about 6 float16 ulps); the gradients of ``sum(output)``
(measured within 1.5e-3 of the largest entry) with ``5e-3 * max|b| + 2e-3`` per array (the absolute
2e-3 covers gradients that are exactly zero but come out as float16 noise, such as
MultiHeadAttention's key bias, which the softmax ignores: Keras gives up to 9.8e-4). Loss-scale
trajectories, skipped steps and iteration counts are equal exactly; losses recorded by
``fit``/``train_on_batch`` rtol 2e-3, weights after a few steps atol 2e-3.
"""

import json
import zipfile

import numpy as np
import pytest

import featherflow as tf
from featherflow.serialization import dtype_policy
from tests.fixtures.keras_loader import ROOT, load, load_json, stacked

keras = tf.keras
L = keras.layers
GROUP = "mixed_precision"
DTYPES = load_json(f"{GROUP}/dtypes.json")


@pytest.fixture(autouse=True)
def _reset_policy():
    previous = dtype_policy._STATE["policy"]
    yield
    dtype_policy._STATE["policy"] = previous


def _close(actual, expected, rel=1e-2):
    actual = np.asarray(actual, np.float64)
    expected = np.asarray(expected, np.float64)
    assert actual.shape == expected.shape
    bound = rel * (1 + np.abs(expected))
    worst = float(np.max(np.abs(actual - expected) - bound))
    assert worst <= 0, f"max excess {worst}, max diff {np.max(np.abs(actual - expected))}"


# -- policies ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(DTYPES["policies"]))
def test_policy_properties(name):
    want = DTYPES["policies"][name]
    policy = keras.mixed_precision.DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype, repr(policy)) == (
        want["name"], want["compute_dtype"], want["variable_dtype"], want["repr"])
    assert dtype_policy.serialize(policy) == want["serialized"]
    assert dtype_policy.deserialize(want["serialized"]) == policy
    assert keras.mixed_precision.Policy is keras.mixed_precision.DTypePolicy
    assert keras.FloatDTypePolicy(name) == policy
    assert repr(keras.FloatDTypePolicy(name)) == want["repr"]


@pytest.mark.parametrize("label", sorted(DTYPES["errors"]))
def test_bad_policy_errors(label):
    want = DTYPES["errors"][label]
    call = {
        "policy_float17": lambda: keras.mixed_precision.DTypePolicy("float17"),
        "policy_int": lambda: keras.mixed_precision.DTypePolicy(5),
        "set_global_bad": lambda: keras.mixed_precision.set_global_policy("mixed_float17"),
        "set_global_number": lambda: keras.mixed_precision.set_global_policy(3.5),
        "dense_bad": lambda: L.Dense(2, dtype="mixed_half"),
    }[label]
    with pytest.raises(Exception) as info:
        call()
    assert type(info.value).__name__ == want["type"]
    assert str(info.value) == want["message"]


def test_global_policy_names_and_aliases():
    mp = keras.mixed_precision
    for name in ("float32", "float16", "bfloat16", "float64", "mixed_float16",
                 "mixed_bfloat16"):
        mp.set_global_policy(name)
        assert mp.global_policy().name == name
        assert keras.config.dtype_policy() is mp.global_policy()
        assert mp.dtype_policy() is mp.global_policy()
    keras.config.set_dtype_policy(mp.DTypePolicy("mixed_bfloat16"))
    assert mp.global_policy().compute_dtype == "bfloat16"
    mp.set_dtype_policy("float32")
    assert mp.global_policy() == mp.DTypePolicy("float32")


def test_global_policy_applies_to_later_layers_only():
    before = L.Dense(2)
    keras.mixed_precision.set_global_policy("mixed_float16")
    after = L.Dense(2)
    explicit = L.Dense(2, dtype="float32")
    given = L.Dense(2, dtype=keras.mixed_precision.DTypePolicy("mixed_bfloat16"))
    keras.mixed_precision.set_global_policy("float32")
    assert before.compute_dtype == "float32"
    assert after.dtype_policy.name == "mixed_float16"
    assert explicit.compute_dtype == "float32"
    assert given.compute_dtype == "bfloat16" and given.variable_dtype == "float32"


# -- layer dtypes -----------------------------------------------------------------------------
def _layer_case(name):
    return {
        "Dense": (lambda: L.Dense(4), np.ones((2, 4), "float32")),
        "Conv2D": (lambda: L.Conv2D(3, 3), np.ones((1, 5, 5, 2), "float32")),
        "LSTM": (lambda: L.LSTM(4), np.ones((1, 3, 2), "float32")),
        "BatchNormalization": (lambda: L.BatchNormalization(), np.ones((2, 4), "float32")),
        "LayerNormalization": (lambda: L.LayerNormalization(), np.ones((2, 4), "float32")),
        "Embedding": (lambda: L.Embedding(10, 4), np.array([[1, 2]], "int32")),
        "Softmax_float32": (lambda: L.Softmax(dtype="float32"), np.ones((2, 4), "float32")),
        "Activation_float32": (lambda: L.Activation("softmax", dtype="float32"),
                               np.ones((2, 4), "float32")),
        "Dense_float32": (lambda: L.Dense(4, dtype="float32"), np.ones((2, 4), "float32")),
        "Dropout": (lambda: L.Dropout(0.5), np.ones((2, 4), "float32")),
        "Add": (lambda: L.Add(), [np.ones((1, 4), "float32"), np.ones((1, 4), "float32")]),
    }[name]


CASES = [(policy, name) for policy in sorted(DTYPES["layers"])
         for name in sorted(DTYPES["layers"][policy])]


@pytest.mark.parametrize("policy,name", CASES)
def test_layer_dtypes_equal_keras(policy, name):
    want = DTYPES["layers"][policy][name]
    keras.mixed_precision.set_global_policy(policy)
    make, x = _layer_case(name)
    layer = make()
    y = layer(x)
    assert layer.compute_dtype == want["compute_dtype"]
    assert layer.variable_dtype == want["variable_dtype"]
    assert layer.dtype == want["dtype"]
    assert layer.dtype_policy.name == want["policy"]
    assert [w.dtype for w in layer.weights] == want["weight_dtypes"]
    # bfloat16 values travel in float32 arrays (NumPy has no bfloat16)
    expected_out = "float32" if want["output_dtype"] == "bfloat16" else want["output_dtype"]
    assert y.dtype == expected_out
    # featherflow writes one-dtype policies as the dtype name (Keras 3 reads both)
    cfg = layer.get_config()["dtype"]
    if want["policy"].startswith("mixed_"):
        assert cfg == want["config_dtype"]
    else:
        assert cfg == want["config_dtype"]["config"]["name"]


def test_symbolic_outputs_carry_the_compute_dtype():
    keras.mixed_precision.set_global_policy("mixed_float16")
    inp = keras.Input((4,))
    h = L.Dense(3)(inp)
    out = L.Activation("softmax", dtype="float32")(h)
    assert (inp.dtype, h.dtype, out.dtype) == ("float32", "float16", "float32")
    model = keras.Model(inp, out)
    assert model(np.ones((2, 4), "float32")).dtype == "float32"


def test_only_floating_inputs_are_cast():
    keras.mixed_precision.set_global_policy("mixed_float16")
    seen = {}

    class Probe(L.Layer):
        def call(self, x, ids):
            seen["x"], seen["ids"] = x.dtype, ids.dtype
            return x

    out = Probe()(np.ones((2, 3), "float64"), ids=np.arange(2, dtype="int32"))
    assert seen == {"x": "float16", "ids": "int32"} and out.dtype == "float16"


def test_custom_layer_reads_its_variables_in_float16_and_gradients_reach_float32():
    keras.mixed_precision.set_global_policy("mixed_float16")
    seen = {}

    class Scale(L.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones", name="w")

        def call(self, x):
            seen["w"] = self.w.dtype
            return x * self.w

    layer = Scale()
    x = tf.constant(np.full((2, 3), 0.5, "float32"))
    with tf.GradientTape() as tape:
        y = layer(x)
        loss = tf.reduce_sum(tf.cast(y, "float32"))
    grad = tape.gradient(loss, layer.w)
    assert seen["w"] == "float16" and y.dtype == "float16"
    assert layer.w.dtype == "float32"
    np.testing.assert_array_equal(np.asarray(grad, np.float32), [1.0, 1.0, 1.0])


def test_dense_variables_rounded_during_call_and_restored():
    keras.mixed_precision.set_global_policy("mixed_float16")
    layer = L.Dense(1, use_bias=False, kernel_initializer="zeros")
    layer.build((None, 1))
    layer.kernel.assign([[1.0 + 2.0 ** -12]])      # not a float16 value
    y = layer(np.ones((1, 1), "float32"))
    assert float(np.asarray(y)[0, 0]) == 1.0       # computed with the float16 kernel
    assert layer.kernel.numpy()[0, 0] == np.float32(1.0 + 2.0 ** -12)


# -- small models against Keras -----------------------------------------------------------------
def _mha_model():
    inp = keras.Input((5, 12))
    att = L.MultiHeadAttention(num_heads=2, key_dim=4)(inp, inp)
    return keras.Model(inp, L.Dense(3)(att))


MODELS = {
    "dense": lambda: keras.Sequential([keras.Input((16,)), L.Dense(32, activation="relu"),
                                       L.Dense(8)]),
    "conv": lambda: keras.Sequential([keras.Input((8, 8, 3)), L.Conv2D(6, 3, activation="relu"),
                                      L.GlobalAveragePooling2D(), L.Dense(4)]),
    "lstm": lambda: keras.Sequential([keras.Input((6, 5)), L.LSTM(8), L.Dense(3)]),
    "mha": _mha_model,
    "batchnorm": lambda: keras.Sequential([keras.Input((6,)), L.Dense(8),
                                           L.BatchNormalization(), L.Dense(3)]),
    "layernorm": lambda: keras.Sequential([keras.Input((6,)), L.Dense(8),
                                           L.LayerNormalization(), L.Dense(3)]),
    "softmax_float32": lambda: keras.Sequential([keras.Input((6,)), L.Dense(5),
                                                 L.Activation("softmax", dtype="float32")]),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("training", [False, True])
def test_model_outputs_and_gradients_equal_keras(name, training):
    fx = load(f"{GROUP}/model_{name}")
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = MODELS[name]()
    model.set_weights(stacked(fx, "w"))
    tag = "train" if training else "infer"
    with tf.GradientTape() as tape:
        y = model(fx["x"], training=training)
        total = tf.reduce_sum(tf.cast(y, "float32"))
    grads = tape.gradient(total, model.trainable_variables)
    assert y.dtype == str(fx[f"dtype_{tag}"])
    _close(y, fx[f"y_{tag}"], rel=3e-3)
    want = stacked(fx, f"dw_{tag}_")
    assert len(grads) == len(want)
    for g, w in zip(grads, want):
        g = np.asarray(g, np.float64)
        assert g.dtype == np.float64 and g.shape == w.shape
        assert np.max(np.abs(g - w)) <= 5e-3 * np.max(np.abs(w)) + 2e-3


# -- LossScaleOptimizer ------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["growth3", "defaults"])
def test_loss_scale_trajectory_equals_keras(case):
    fx = load(f"{GROUP}/lso_{case}")
    cfg = fx["config"]
    kwargs = {k: cfg[k] for k in ("initial_scale", "dynamic_growth_steps")}
    opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.1), **kwargs)
    var = tf.Variable(np.array([1.0, 2.0, 3.0], "float32"))
    for i, g in enumerate(fx["grads"]):
        opt.apply([g], [var])
        assert float(opt.dynamic_scale.numpy()) == fx["scales"][i]
        assert int(opt.step_counter.numpy()) == fx["counters"][i]
        assert int(opt.iterations.numpy()) == fx["iterations"][i]
        np.testing.assert_allclose(var.numpy(), fx["values"][i], rtol=1e-6)
    assert [v.path.split("/", 1)[1] for v in opt.variables] == [
        p.split("/", 1)[1] for p in fx["variables"]]
    assert float(np.asarray(opt.scale_loss(np.float32(1.5)))) == float(fx["scaled_loss"])


def test_loss_scale_optimizer_config_round_trip():
    fx = load(f"{GROUP}/lso_growth3")
    want = fx["config"]
    opt = keras.optimizers.LossScaleOptimizer.from_config(dict(want))
    assert isinstance(opt.inner_optimizer, keras.optimizers.SGD)
    cfg = opt.get_config()
    assert {k: cfg[k] for k in ("initial_scale", "dynamic_growth_steps", "name")} == {
        k: want[k] for k in ("initial_scale", "dynamic_growth_steps", "name")}
    inner, want_inner = cfg["inner_optimizer"], want["inner_optimizer"]
    assert (inner["class_name"], inner["module"]) == (want_inner["class_name"],
                                                      want_inner["module"])
    for key, value in want_inner["config"].items():
        if key != "name":
            assert inner["config"][key] == pytest.approx(value), key
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert type(again).__name__ == "LossScaleOptimizer"
    assert again.initial_scale == 8.0 and again.dynamic_growth_steps == 3


def test_loss_scale_optimizer_errors():
    LSO = keras.mixed_precision.LossScaleOptimizer
    with pytest.raises(ValueError, match="no longer supports `dynamic=False`"):
        LSO(keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        LSO(keras.optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="does not support arguments"):
        LSO(keras.optimizers.SGD(), foo=1)
    with pytest.raises(ValueError, match="inner_optimizer"):
        LSO("sgd")
    assert keras.optimizers.LossScaleOptimizer is LSO


# -- fit ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["sgd", "adam", "overflow"])
def test_fit_under_mixed_float16_equals_keras(case):
    fx = load(f"{GROUP}/fit_{case}")
    keras.mixed_precision.set_global_policy("mixed_float16")
    tf.keras.utils.set_random_seed(11)
    model = keras.Sequential([keras.Input((6,)), L.Dense(16, activation="relu"), L.Dense(2)])
    model.set_weights(stacked(fx, "w"))
    inner = json.loads(str(fx["optimizer_config"]))["config"]["inner_optimizer"]
    model.compile(optimizer=keras.optimizers.deserialize(inner), loss="mse", metrics=["mae"])
    assert type(model.optimizer).__name__ == str(fx["optimizer_class"])
    x, y = fx["x"], fx["y"]
    losses, scales, iterations = [], [], []
    for step in range(6):
        sl = slice(8 * (step % 4), 8 * (step % 4) + 8)
        logs = model.train_on_batch(x[sl], y[sl], return_dict=True)
        losses.append(logs["loss"])
        scales.append(float(model.optimizer.dynamic_scale.numpy()))
        iterations.append(int(model.optimizer.iterations.numpy()))
    np.testing.assert_array_equal(scales, fx["scales"])
    np.testing.assert_array_equal(iterations, fx["iterations"])
    np.testing.assert_allclose(losses, fx["losses"], rtol=2e-3)
    for w, want in zip(model.get_weights(), stacked(fx, "final")):
        np.testing.assert_allclose(w, want, atol=2e-3)
    hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"], fx["fit_loss"], rtol=2e-3)
    np.testing.assert_allclose(hist.history["mae"], fx["fit_mae"], rtol=2e-3)
    assert float(model.optimizer.dynamic_scale.numpy()) == float(fx["fit_scale"])
    for w, want in zip(model.get_weights(), stacked(fx, "fit_final")):
        np.testing.assert_allclose(w, want, atol=2e-3)


def test_compile_wraps_only_under_mixed_float16():
    model = keras.Sequential([keras.Input((2,)), L.Dense(1)])
    model.compile("sgd", "mse")
    assert type(model.optimizer).__name__ == "SGD"
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    model = keras.Sequential([keras.Input((2,)), L.Dense(1)])
    model.compile("sgd", "mse")
    assert type(model.optimizer).__name__ == "SGD"
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([keras.Input((2,)), L.Dense(1)])
    model.compile("sgd", "mse", auto_scale_loss=False)
    assert type(model.optimizer).__name__ == "SGD"
    model.compile("sgd", "mse")
    assert model.optimizer.name == "loss_scale_optimizer"


def test_bfloat16_fit_and_values():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    layer = L.Dense(1, use_bias=False, kernel_initializer="ones")
    y = layer(np.array([[1.0 + 2.0 ** -9]], "float32"))
    # 1 + 2**-9 is not a bfloat16 value (8 significant bits): rounds to 1
    assert float(np.asarray(y)[0, 0]) == 1.0
    model = keras.Sequential([keras.Input((3,)), L.Dense(4, activation="relu"), L.Dense(1)])
    model.compile("sgd", "mse")
    hist = model.fit(np.ones((8, 3), "float32"), np.zeros((8, 1), "float32"), epochs=2,
                     verbose=0)
    assert np.all(np.isfinite(hist.history["loss"]))


# -- saving ------------------------------------------------------------------------------------
def test_keras_written_mixed_file_loads():
    fx = load(f"{GROUP}/keras_mixed")
    path = str(ROOT / GROUP / "keras_mixed.keras")
    # as in Keras, the model (and so compile's wrapping) takes the global policy at load time
    with pytest.warns(UserWarning, match="does not fit Adam"):
        plain = keras.models.load_model(path)
    assert type(plain.optimizer).__name__ == "Adam"
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = keras.models.load_model(path)
    policies = [layer.dtype_policy.name for layer in model.layers]
    assert policies == ["mixed_float16", "mixed_float16", "mixed_float16", "float32"]
    assert type(model.optimizer).__name__ == "LossScaleOptimizer"
    assert float(model.optimizer.dynamic_scale.numpy()) == float(fx["scale"])
    assert int(model.optimizer.iterations.numpy()) == int(fx["iterations"])
    for w, want in zip(model.get_weights(), stacked(fx, "w")):
        np.testing.assert_array_equal(w, want)
    _close(model.predict(fx["x"], verbose=0), fx["y_pred"])


def test_keras_file_round_trip(tmp_path):
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([keras.Input((5,)), L.Dense(8, activation="relu"),
                              L.BatchNormalization(), L.Dense(3),
                              L.Activation("softmax", dtype="float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 16)]
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    keras.mixed_precision.set_global_policy("float32")
    path = tmp_path / "mixed.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        layers = json.loads(zf.read("config.json"))["config"]["layers"]
    assert layers[1]["config"]["dtype"] == {
        "module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"},
        "registered_name": None}
    again = keras.models.load_model(path)
    assert [la.dtype_policy.name for la in again.layers] == [
        la.dtype_policy.name for la in model.layers]
    assert type(again.optimizer).__name__ == "LossScaleOptimizer"
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    for a, b in zip(again.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_h5_writes_the_policy_name(tmp_path):
    # tf.keras 2 and Keras 3 both read a policy name from .h5 configs; Keras 3 refuses
    # tf.keras 2's {"class_name": "Policy"} dict there (checked by hand with both)
    pytest.importorskip("h5py")
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    keras.mixed_precision.set_global_policy("float32")
    path = tmp_path / "m.h5"
    model.save(path)
    import h5py

    with h5py.File(path, "r") as f:
        cfg = json.loads(f.attrs["model_config"])
    dense = [la for la in cfg["config"]["layers"] if la["class_name"] == "Dense"][0]
    assert dense["config"]["dtype"] == "mixed_float16"
    again = keras.models.load_model(path)
    assert again.layers[-1].dtype_policy.name == "mixed_float16"


def test_reads_tf_keras2_policy_dicts():
    layer = tf.keras.layers.deserialize({"class_name": "Dense", "config": {
        "units": 2, "dtype": {"class_name": "Policy", "config": {"name": "mixed_float16"}}}})
    assert layer.dtype_policy.name == "mixed_float16"


def test_dtype_policy_setter():
    layer = L.Dense(2)
    layer.dtype_policy = "mixed_float16"
    assert (layer.compute_dtype, layer.variable_dtype) == ("float16", "float32")
    assert layer(np.ones((1, 3), "float32")).dtype == "float16"


def test_float16_rounding_is_the_cast_bit_for_bit():
    from featherflow.layers import layer as layer_module

    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2 ** 32, 200_000, dtype=np.uint64).astype(np.uint32)
    special = np.array([0.0, -0.0, 65504, 65519.99, 65520, -65520, 2 ** -14, 2 ** -15,
                        2 ** -24, 2 ** -25, 3 * 2 ** -26, np.inf, -np.inf, np.nan, 1 + 2 ** -11,
                        1 + 3 * 2 ** -11], np.float32)
    values = np.concatenate([bits.view(np.float32), special,
                             rng.standard_normal(1000).astype(np.float32)])
    with np.errstate(over="ignore", invalid="ignore"):
        want = values.astype(np.float16).astype(np.float32)
    got = layer_module._round_float16(values.copy())
    same = (got.view(np.uint32) == want.view(np.uint32)) | (np.isnan(got) & np.isnan(want))
    assert same.all()
