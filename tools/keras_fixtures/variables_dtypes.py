"""Reference results of real TensorFlow for Variables, dtypes and Jacobians (tests/autodiff/).

Each case is a snippet of TensorFlow code run with ``tf`` bound to ``tensorflow`` (here) and to
``featherflow`` (in tests/autodiff/test_variables_reference.py), so both sides run identical
code. A snippet leaves its result in ``out`` (a tensor, array, dtype, None or a list of them);
the fixture records values and dtype names, or the class of the error the snippet raised.

    /work/venv-tf/bin/python tools/keras_fixtures/variables_dtypes.py

writes tests/fixtures/keras/variables/cases.json (a few tens of kilobytes).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "variables"

# name -> snippet. The snippets see `tf` and `np` only.
CASES = {
    # -- 1. an assign between the forward and tape.gradient ------------------------------------
    "assign_after_forward_other_input": """
x = tf.constant(2.0)
w = tf.Variable(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = w * x
w.assign(5.0)
out = tape.gradient(y, x)
""",
    "assign_after_forward_same_variable": """
w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.matmul(w, w))
w.assign_add(tf.ones((2, 2)))
out = [tape.gradient(y, w), w]
""",
    "assign_inside_tape_after_use": """
x = tf.constant([1.0, 2.0])
w = tf.Variable([3.0, 4.0], trainable=False)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = tf.reduce_sum(w * x * x)
    w.assign([10.0, 20.0])
    z = tf.reduce_sum(w * x)
out = [tape.gradient(y, x), tape.gradient(z, x)]
""",
    "slice_assign_after_forward": """
x = tf.constant([1.0, 2.0])
w = tf.Variable([3.0, 4.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(tf.sin(w) * x)
w[0].assign(0.0)
w.scatter_nd_update([[1]], [0.0])
out = tape.gradient(y, x)
""",
    "value_is_a_snapshot": """
v = tf.Variable([1.0, 2.0])
t = v.value()
v.assign([5.0, 6.0])
out = [t, v]
""",
    # -- 2. slices and scatter updates ---------------------------------------------------------
    "slice_assign_element": """
v = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
r = v[0, 0].assign(3.0)
out = [v, r]
""",
    "slice_assign_column": """
v = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
v[:, 1].assign([1.0, 2.0, 3.0])
out = v
""",
    "slice_assign_broadcast_row": """
v = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
v[1:3].assign([9.0, 8.0, 7.0, 6.0])
out = v
""",
    "slice_assign_ellipsis_newaxis_step": """
v = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
v[..., 1].assign([7.0, 7.0, 7.0])
v[tf.newaxis, 0].assign([[1.0, 2.0, 3.0, 4.0]])
v[::2, ::-1].assign(np.zeros((2, 4), np.float32))
out = v
""",
    "slice_assign_scalar_tensor_index": """
v = tf.Variable(np.arange(6, dtype=np.float64))
v[tf.constant(2)].assign(-1.0)
out = v
""",
    "slice_assign_wrong_shape": """
v = tf.Variable(np.zeros((3, 4), np.float32))
v[:, 1].assign([1.0, 2.0])
""",
    "slice_assign_bool_mask_refused": """
v = tf.Variable(np.zeros((3, 4), np.float32))
v[np.array([True, False, True])].assign(np.ones((2, 4), np.float32))
""",
    "slice_read_bool_mask": """
v = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
out = v[np.array([True, False, True])]
""",
    "slice_gradient": """
v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    s = v[0, 1] * 3.0 + tf.reduce_sum(v[:, 0] ** 2)
out = [s, tape.gradient(s, v)]
""",
    "assign_read_value_false": """
v = tf.Variable([1.0, 2.0])
out = [v.assign([3.0, 4.0], read_value=False), v.assign_add([1.0, 1.0], read_value=False), v]
""",
    "assign_returns_the_variable": """
v = tf.Variable([1.0, 2.0])
out = [v.assign([3.0, 4.0]), v.assign_add([1.0, 1.0]), v.assign_sub([0.5, 0.5])]
""",
    "assign_wrong_shape": """
v = tf.Variable(np.zeros((3, 4), np.float32))
v.assign(np.zeros((2, 2), np.float32))
""",
    "assign_scalar_to_matrix": """
v = tf.Variable(np.zeros((3, 4), np.float32))
v.assign(1.0)
""",
    "assign_add_wrong_shape": """
v = tf.Variable(np.zeros((3, 4), np.float32))
v.assign_add(np.zeros((4,), np.float32))
""",
    "assign_numpy_float64_to_float32": """
v = tf.Variable(np.zeros(2, np.float32))
v.assign(np.array([1.5, 2.5]))
v.assign_add(np.array([1, 1], np.int32))
out = v
""",
    "assign_float64_tensor_to_float32": """
v = tf.Variable(np.zeros(2, np.float32))
v.assign(tf.constant(np.array([1.5, 2.5])))
""",
    "scatter_nd_update_add_sub": """
v = tf.Variable(np.zeros((3, 4), np.float32))
a = v.scatter_nd_update([[0, 0], [2, 3]], [10.0, 20.0]).numpy()
b = v.scatter_nd_add([[0, 0], [2, 3], [0, 0]], [1.0, 2.0, 3.0]).numpy()
c = v.scatter_nd_sub([[1]], [[1.0, 2.0, 3.0, 4.0]]).numpy()
out = [a, b, c]
""",
    "scatter_nd_update_out_of_range": """
v = tf.Variable(np.zeros((3, 4), np.float32))
v.scatter_nd_update([[0, 9]], [1.0])
""",
    "tensor_scatter_nd_update_add": """
t = tf.constant(np.arange(8, dtype=np.float64).reshape(4, 2))
i = [[1], [3]]
u = tf.constant([[10.0, 20.0], [30.0, 40.0]], tf.float64)
out = [tf.tensor_scatter_nd_update(t, i, u), tf.tensor_scatter_nd_add(t, i, u)]
""",
    "tensor_scatter_nd_update_add_gradients": """
t = tf.constant(np.arange(8, dtype=np.float64).reshape(4, 2))
u = tf.constant([[10.0, 20.0], [30.0, 40.0]], tf.float64)
w = tf.constant(np.linspace(1.0, 2.0, 8).reshape(4, 2))
out = []
for name in ("tensor_scatter_nd_update", "tensor_scatter_nd_add"):
    with tf.GradientTape() as tape:
        tape.watch([t, u])
        y = tf.reduce_sum(getattr(tf, name)(t, [[1], [3]], u) ** 2 * w)
    out += tape.gradient(y, [t, u])
""",
    "tensor_scatter_nd_sub": """
t = tf.constant(np.arange(8, dtype=np.float64).reshape(4, 2))
u = tf.constant([[10.0, 20.0], [30.0, 40.0]], tf.float64)
w = tf.constant(np.linspace(1.0, 2.0, 8).reshape(4, 2))
with tf.GradientTape() as tape:
    tape.watch([t, u])
    s = tf.tensor_scatter_nd_sub(t, [[1], [3]], u)
    y = tf.reduce_sum(s ** 2 * w)
out = [s] + tape.gradient(y, [t, u])
""",
    # -- 3. dtypes --------------------------------------------------------------------------
    "dtype_constant_numpy_float64": "out = tf.constant(np.ones(2)).dtype",
    "dtype_constant_python_floats": "out = tf.constant([1.0]).dtype",
    "dtype_constant_explicit_float64": "out = tf.constant(1.5, dtype=tf.float64)",
    "dtype_constant_numpy_float64_scalar": "out = tf.constant(np.float64(1.5)).dtype",
    "dtype_constant_numpy_int64": "out = tf.constant(np.array([1, 2])).dtype",
    "dtype_constant_python_ints": "out = tf.constant([1, 2]).dtype",
    "dtype_convert_numpy_float64": "out = tf.convert_to_tensor(np.ones(2)).dtype",
    "dtype_variable_numpy_float64": "out = tf.Variable(np.ones(2)).dtype",
    "dtype_float64_times_python_float": "out = tf.constant(np.ones(2)) * 2.0",
    "dtype_float64_variable_times_int": "out = tf.Variable(np.ones(2)) * 2",
    "dtype_float64_plus_numpy_float32": "out = tf.constant(np.ones(1)) + np.ones(1, np.float32)",
    "dtype_float32_plus_numpy_float64": "out = tf.constant([1.0]) + np.ones(1)",
    "dtype_float64_ops_stay_float64": """
x = tf.constant(np.array([[0.5, -1.0], [2.0, 3.0]]))
out = [tf.exp(x), tf.reduce_mean(x, axis=0), tf.matmul(x, x), tf.nn.relu(x), tf.sigmoid(x),
       tf.reshape(x, (4,)), tf.concat([x, x], 0)]
""",
    "dtype_float64_gradient": """
x = tf.constant(np.array([0.5, 2.0]))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(tf.tanh(x) * x)
out = tape.gradient(y, x)
""",
    "dtype_float32_plus_float64_tensor": "out = tf.constant([1.0]) + tf.constant(np.ones(1))",
    "dtype_matmul_float32_float64": "out = tf.matmul(tf.ones((1, 1)), tf.ones((1, 1), tf.float64))",
    "dtype_int32_plus_python_float": "out = tf.constant([1]) + 1.5",
    "dtype_float64_plus_int32_tensor": "out = tf.constant(np.ones(1)) + tf.constant([1])",
    # -- 4. jacobians -------------------------------------------------------------------------
    "jacobian_matrix_of_matrix": """
x = tf.constant([[1.0, 2.0], [3.0, -4.0]], tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x * tf.reduce_sum(x)
out = tape.jacobian(y, x)
""",
    "jacobian_list_of_sources": """
x = tf.constant([1.0, 2.0, 3.0], tf.float64)
w = tf.Variable(np.array([[0.5, -1.0], [2.0, 0.25], [1.5, -0.5]]))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.tanh(tf.linalg.matvec(w, x, transpose_a=True))
out = tape.jacobian(y, [x, w])
""",
    "jacobian_dict_of_sources": """
x = tf.constant([1.0, 2.0], tf.float64)
b = tf.Variable(np.array([0.5, -0.5]))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.exp(x * b)
j = tape.jacobian(y, {"x": x, "b": b})
out = [j["x"], j["b"]]
""",
    "jacobian_scalar_target": """
x = tf.constant([1.0, 2.0, 3.0], tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(x ** 3)
out = tape.jacobian(y, x)
""",
    "jacobian_scalar_source": """
x = tf.constant(1.5, tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.stack([x, x * x, tf.sin(x)])
out = tape.jacobian(y, x)
""",
    "jacobian_unconnected_none": """
x = tf.constant([1.0, 2.0], tf.float64)
z = tf.constant([3.0, 4.0, 5.0], tf.float64)
with tf.GradientTape() as tape:
    tape.watch([x, z])
    y = x * 2.0
out = tape.jacobian(y, [x, z])
""",
    "jacobian_unconnected_zero": """
x = tf.constant([1.0, 2.0], tf.float64)
z = tf.constant([3.0, 4.0, 5.0], tf.float64)
with tf.GradientTape() as tape:
    tape.watch([x, z])
    y = x * 2.0
out = tape.jacobian(y, [x, z], unconnected_gradients="zero")
""",
    "jacobian_partly_connected_rows": """
x = tf.constant([1.0, 2.0], tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.stack([x[0] * 3.0, tf.constant(7.0, tf.float64)])
out = tape.jacobian(y, x)
""",
    "jacobian_non_persistent_twice": """
x = tf.constant([1.0, 2.0], tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
tape.jacobian(y, x)
out = tape.jacobian(y, x)
""",
    "jacobian_non_persistent_without_pfor": """
x = tf.constant([1.0, 2.0], tf.float64)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
out = tape.jacobian(y, x, experimental_use_pfor=False)
""",
    "jacobian_persistent_without_pfor": """
x = tf.constant([1.0, 2.0], tf.float64)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = x * tf.reduce_prod(x)
out = [tape.jacobian(y, x, experimental_use_pfor=False), tape.jacobian(y, x)]
""",
    "batch_jacobian_tanh_layer": """
x = tf.constant(np.linspace(-1.0, 1.0, 6).reshape(3, 2))
w = tf.constant(np.array([[0.5, -1.0, 2.0, 0.1], [1.5, 0.3, -0.7, 1.0]]))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.tanh(tf.matmul(x, w))
out = tape.batch_jacobian(y, x)
""",
    "batch_jacobian_rank3": """
x = tf.constant(np.linspace(-1.0, 1.0, 12).reshape(2, 3, 2))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(x, axis=2, keepdims=True) * x[:, :, :1]
out = tape.batch_jacobian(y, x)
""",
    "batch_jacobian_unconnected": """
x = tf.constant(np.ones((2, 3)))
z = tf.constant(np.ones((2, 4)))
with tf.GradientTape(persistent=True) as tape:
    tape.watch([x, z])
    y = x * 2.0
out = [tape.batch_jacobian(y, z), tape.batch_jacobian(y, z, unconnected_gradients="zero")]
""",
    "batch_jacobian_batch_mismatch": """
x = tf.constant(np.ones((2, 3)))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(x, axis=0, keepdims=True) * tf.ones((3, 1), tf.float64)
out = tape.batch_jacobian(y, x)
""",
    "batch_jacobian_non_persistent_without_pfor": """
x = tf.constant(np.ones((2, 3)))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
out = tape.batch_jacobian(y, x, experimental_use_pfor=False)
""",
    "layers_autocast_inputs": """
d32 = tf.keras.layers.Dense(2, kernel_initializer="ones")
d64 = tf.keras.layers.Dense(2, kernel_initializer="ones", dtype="float64")
x64 = np.linspace(0.0, 1.0, 6).reshape(2, 3)
out = [d32(x64), d32(tf.constant(x64)), d64(x64.astype(np.float32)), d64(tf.constant(x64)),
       tf.as_dtype(d64.kernel.dtype)]
""",
    # -- a float64 Dense model --------------------------------------------------------------
    "float64_dense_model": """
tf.keras.backend.set_floatx("float64")
try:
    model = tf.keras.Sequential([
        tf.keras.Input((3,)),
        tf.keras.layers.Dense(4, activation="tanh"),
        tf.keras.layers.Dense(2),
    ])
    model.set_weights([
        np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.array([0.1, -0.2, 0.3, 0.0]),
        np.linspace(0.5, -0.5, 8).reshape(4, 2), np.array([0.05, -0.05]),
    ])
    x = np.linspace(-2.0, 2.0, 15).reshape(5, 3)
    y = np.linspace(0.0, 1.0, 10).reshape(5, 2)
    first = model(x)
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    history = model.fit(x, y, batch_size=5, epochs=3, verbose=0, shuffle=False)
    out = [first, model.predict(x, verbose=0), np.array(history.history["loss"]),
           tf.as_dtype(model.layers[0].kernel.dtype), first.dtype]
finally:
    tf.keras.backend.set_floatx("float32")
""",
    "jacobian_of_float64_dense_model": """
tf.keras.backend.set_floatx("float64")
try:
    model = tf.keras.Sequential([
        tf.keras.Input((3,)),
        tf.keras.layers.Dense(4, activation="tanh"),
        tf.keras.layers.Dense(2),
    ])
    model.set_weights([
        np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.array([0.1, -0.2, 0.3, 0.0]),
        np.linspace(0.5, -0.5, 8).reshape(4, 2), np.array([0.05, -0.05]),
    ])
    x = tf.constant(np.linspace(-2.0, 2.0, 15).reshape(5, 3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        pred = model(x)
    out = [tape.batch_jacobian(pred, x), tape.jacobian(pred, model.layers[0].kernel),
           tape.jacobian(pred, x)]
finally:
    tf.keras.backend.set_floatx("float32")
""",
}


def encode(value):
    """One result as JSON: arrays with dtype names, None, dtype names, lists."""
    if isinstance(value, (list, tuple)):
        return {"kind": "list", "items": [encode(v) for v in value]}
    if value is None:
        return {"kind": "none"}
    dtype_name = getattr(value, "name", None)
    if (hasattr(value, "is_floating") or isinstance(value, np.dtype)) and dtype_name:
        return {"kind": "dtype", "name": np.dtype(getattr(value, "as_numpy_dtype", value)).name}
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    return {"kind": "array", "dtype": array.dtype.name, "shape": list(array.shape),
            "value": array.tolist()}


def run_case(tf, source):
    """Run one snippet with ``tf`` bound; return its encoded ``out`` or the error raised."""
    scope = {"tf": tf, "np": np}
    try:
        exec(source, scope)
    except Exception as err:  # noqa: BLE001 - the error class is the recorded result
        return {"kind": "error", "class": type(err).__name__, "message": str(err)[:300]}
    return encode(scope.get("out"))


def run():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    # imported here, after the settings above, which TensorFlow reads when it loads
    import tensorflow as tf
    from keras.src.backend.common import global_state

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "cases.json"
    cases = {}
    for name, source in CASES.items():
        # Keras 3 fixes its default dtype policy from floatx() when the first layer is made
        # and keeps it; forgetting it makes each case see set_floatx as a fresh process does.
        global_state.set_global_attribute("dtype_policy", None)
        cases[name] = {"source": source, "result": run_case(tf, source)}
    path.write_text(json.dumps({"tensorflow": tf.__version__, "cases": cases}, indent=1,
                               sort_keys=True) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(print(run()))
