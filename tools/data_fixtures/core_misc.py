# ruff: noqa: E501 - a table of one-line scenarios
"""tf.DeviceSpec, tf.TypeSpec / type_spec_from_value, tf.fftnd family, guarantee_const,
is_symbolic_tensor, inside_function and tf.device parsing, recorded from TensorFlow 2.21."""

import numpy as np

SPECS = ["/cpu:0", "/device:CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0", "CPU:0",
         "/gpu:1", "/job:worker/task:3", "", "/device:GPU:*", "/job:ps/replica:1/task:2/device:TPU:3",
         "gpu:0", "/foo:bar", "/cpu:0/gpu:1", "/job:w/device:CPU:0/device:GPU:1"]
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7


def _parse(tf, s):
    d = tf.DeviceSpec.from_string(s)
    return [d.to_string(), d.job, d.replica, d.task, d.device_type, d.device_index, repr(d)]


def _device_scope(tf, name):
    with tf.device(name):
        return tf.constant(1.0) + 1


SCENARIOS = {f"devicespec_{i}": (lambda tf, s=s: _parse(tf, s)) for i, s in enumerate(SPECS)}
SCENARIOS.update({
    "devicespec_methods": lambda tf: (lambda d: [d.to_string(), d.replace(task=3).to_string(),
                                                 d.make_merged_spec(tf.DeviceSpec(device_type="CPU")).to_string(),
                                                 d == tf.DeviceSpec.from_string("/job:worker/device:GPU:1"),
                                                 hash(d) == hash(tf.DeviceSpec.from_string("/job:worker/device:GPU:1")),
                                                 d.parse_from_string("/cpu:0").to_string()])(
        tf.DeviceSpec(job="worker", device_type="GPU", device_index=1)),
    "device_scopes": lambda tf: [_device_scope(tf, "/CPU:0"), _device_scope(tf, "/job:localhost/replica:0/task:0/device:CPU:0"),
                                 _device_scope(tf, tf.DeviceSpec(device_type="CPU", device_index=0)), _device_scope(tf, None)],
    "device_bad_string": lambda tf: _device_scope(tf, "/nonsense:1"),
    "type_specs": lambda tf: [tf.type_spec_from_value(tf.constant([1., 2.])), tf.type_spec_from_value(np.zeros((2, 3))),
                              tf.type_spec_from_value(3), tf.type_spec_from_value([1, 2]),
                              tf.type_spec_from_value(tf.ragged.constant([[1], [2, 3]])),
                              tf.type_spec_from_value(tf.sparse.from_dense([[1, 0]]))],
    "type_spec_isinstance": lambda tf: [isinstance(tf.TensorSpec([1]), tf.TypeSpec), isinstance(tf.RaggedTensorSpec([1, None]), tf.TypeSpec),
                                        issubclass(tf.SparseTensorSpec, tf.TypeSpec), isinstance(tf.constant(1), tf.TypeSpec)],
    "type_spec_bad": lambda tf: tf.type_spec_from_value(object()),
    "fftnd": lambda tf: [tf.math.real(tf.fftnd(tf.cast(tf.constant(X), tf.complex64), [3, 4], [1, 2])),
                         tf.math.imag(tf.fftnd(tf.cast(tf.constant(X), tf.complex64), [2, 5], [0, 2]))],
    "ifftnd": lambda tf: tf.math.real(tf.ifftnd(tf.cast(tf.constant(X), tf.complex64), [3, 4], [-2, -1])),
    "rfftnd": lambda tf: [tf.math.real(tf.rfftnd(tf.constant(X), [3, 4], [1, 2])), tf.math.imag(tf.rfftnd(tf.constant(X), [2, 6], [0, 2])),
                          tf.rfftnd(tf.constant(X), [3, 4], [1, 2]).dtype.name],
    "irfftnd": lambda tf: [tf.irfftnd(tf.rfftnd(tf.constant(X), [3, 4], [1, 2]), [3, 4], [1, 2]),
                           tf.irfftnd(tf.rfftnd(tf.constant(X), [3, 4], [1, 2]), [3, 6], [1, 2])],
    "rfftnd_float64": lambda tf: tf.rfftnd(tf.constant(X, tf.float64), [4], [2]).dtype.name,
    "fftnd_real_refused": lambda tf: tf.fftnd(tf.constant(X), [4], [2]),
    "guarantee_const": lambda tf: tf.guarantee_const(tf.constant([1, 2])),
    "eager_predicates": lambda tf: [tf.is_symbolic_tensor(tf.constant(1)), tf.inside_function()],
})
