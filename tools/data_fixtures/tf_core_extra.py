# ruff: noqa: E501 - a table of one-line cases
"""TensorFlow's top-level odds and ends (tf.Module, scopes, slicing, masks, scatter max/min,
dynamic partition/stitch, histograms, fingerprints...), recorded from TF 2.21."""

import numpy as np

F = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 7.0


def _raises(fn):
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return type(err).__name__
    return "no error"


def _module(tf):
    class Block(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(np.ones((2, 2), np.float32), name="w")
            self.frozen = tf.Variable(0.5, trainable=False, name="frozen")
            self.parts = [tf.Variable(1.0, name="p0"), {"b": tf.Variable(2.0, name="p1")}]

    class Net(tf.Module):
        def __init__(self):
            super().__init__(name="net")
            self.inner = Block(name="inner")
            self.bias = tf.Variable(3.0, name="bias")

    net = Net()
    return {"name": net.name, "n_vars": len(net.variables), "n_train": len(net.trainable_variables),
            "n_nontrain": len(net.non_trainable_variables), "n_sub": len(net.submodules),
            "sub_name": net.submodules[0].name, "values": sorted(float(np.sum(v.numpy())) for v in net.variables)}


def _scope(tf):
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            current = tf.get_current_name_scope()
    with tf.device("/CPU:0"), tf.control_dependencies([tf.constant(1)]), tf.init_scope():
        value = tf.constant(2.0) * 3
    return [current, value, tf.no_op(), tf.group(tf.constant(1))]


SCENARIOS = {
    "module": _module, "scopes": _scope,
    "is_tensor": lambda tf: [tf.is_tensor(tf.constant(1)), tf.is_tensor(np.ones(2)), tf.is_tensor(3)],
    "get_static_value": lambda tf: tf.get_static_value(tf.constant([1, 2])),
    "identity_n": lambda tf: tf.identity_n([tf.constant(1), tf.constant([2.0])]),
    "tuple": lambda tf: tf.tuple([tf.constant(1), tf.constant(2)]),
    "shape_n": lambda tf: tf.shape_n([F, F[0]]),
    "broadcast_static_shape": lambda tf: tf.broadcast_static_shape(tf.TensorShape([2, 1, 3]), tf.TensorShape([4, 1])).as_list(),
    "broadcast_dynamic_shape": lambda tf: tf.broadcast_dynamic_shape(tf.constant([2, 1, 3]), tf.constant([4, 1])),
    "broadcast_dynamic_bad": lambda tf: _raises(lambda: tf.broadcast_dynamic_shape(tf.constant([2, 3]), tf.constant([4]))),
    "ensure_shape": lambda tf: tf.ensure_shape(tf.constant(F), [2, None, 4]),
    "ensure_shape_bad": lambda tf: _raises(lambda: tf.ensure_shape(tf.constant(F), [2, 3])),
    "slice": lambda tf: tf.slice(F, [0, 1, 1], [2, 2, -1]),
    "slice_bad": lambda tf: _raises(lambda: tf.slice(F, [0, 2, 0], [1, 3, 1])),
    "strided_slice": lambda tf: tf.strided_slice(F, [0, 0, 1], [2, 3, 4], [1, 2, 2]),
    "strided_slice_masks": lambda tf: tf.strided_slice(F, [1, 0, 0], [2, 0, 3], [1, 1, 1], begin_mask=2, end_mask=2, shrink_axis_mask=1),
    "strided_slice_new_axis": lambda tf: tf.strided_slice(F, [0, 0], [1, 2], new_axis_mask=1),
    "sequence_mask": lambda tf: tf.sequence_mask([1, 3, 2], 5), "sequence_mask_auto": lambda tf: tf.sequence_mask([[1, 2], [3, 0]]),
    "sequence_mask_dtype": lambda tf: tf.sequence_mask([2, 0], 3, dtype=tf.float32),
    "reverse_sequence": lambda tf: tf.reverse_sequence(F, [2, 3], seq_axis=1, batch_axis=0),
    "reverse_sequence_axes": lambda tf: tf.reverse_sequence(np.transpose(F, (1, 0, 2)), [1, 3], seq_axis=0, batch_axis=1),
    "unravel_index": lambda tf: tf.unravel_index([1, 7, 11], [3, 4]),
    "searchsorted": lambda tf: tf.searchsorted([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]], [[0.5, 3.0], [6.0, 4.0]]),
    "searchsorted_right": lambda tf: tf.searchsorted([1.0, 3.0, 5.0], [3.0, 6.0], side="right"),
    "scalar_mul": lambda tf: tf.scalar_mul(2.5, tf.constant(F[0])),
    "realdiv": lambda tf: tf.realdiv(tf.constant([1.0, -3.0]), tf.constant([2.0, 4.0])),
    "truncatediv": lambda tf: tf.truncatediv(tf.constant([7, -7, 7, -7]), tf.constant([2, 2, -2, -2])),
    "truncatemod": lambda tf: tf.truncatemod(tf.constant([7, -7, 7, -7]), tf.constant([2, 2, -2, -2])),
    "truncatemod_float": lambda tf: tf.truncatemod(tf.constant([7.5, -7.5]), tf.constant([2.0, 2.0])),
    "saturate_cast": lambda tf: tf.saturate_cast(tf.constant([-300.0, 12.7, 400.0]), tf.uint8),
    "complex_abs": lambda tf: tf.abs(tf.complex(tf.constant([3.0, 0.0]), tf.constant([4.0, -2.0]))),
    "tensor_scatter_nd_max": lambda tf: tf.tensor_scatter_nd_max(tf.constant([1, 5, 3, 4]), [[0], [2], [0]], [9, 1, 4]),
    "tensor_scatter_nd_min": lambda tf: tf.tensor_scatter_nd_min(tf.constant([1, 5, 3, 4]), [[1], [2], [1]], [9, 1, 2]),
    "tensor_scatter_nd_sub": lambda tf: tf.tensor_scatter_nd_sub(tf.constant([1.0, 5.0, 3.0]), [[1], [1]], [1.5, 2.0]),
    "unique_with_counts": lambda tf: tf.unique_with_counts([4, 1, 4, 2, 1, 4]),
    "dynamic_partition": lambda tf: tf.dynamic_partition(tf.constant([10, 20, 30, 40, 50]), [0, 2, 1, 0, 2], 3),
    "dynamic_partition_2d": lambda tf: tf.dynamic_partition(tf.constant(F), [[0, 1, 1], [1, 0, 0]], 2),
    "dynamic_stitch": lambda tf: tf.dynamic_stitch([[6], [4, 1], [[5, 2], [0, 3]]], [[61.0], [41.0, 11.0], [[51.0, 21.0], [1.0, 31.0]]]),
    "dynamic_stitch_dup": lambda tf: tf.dynamic_stitch([[0, 1], [1]], [[1.0, 2.0], [9.0]]),
    "histogram_fixed_width": lambda tf: tf.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0], [0.0, 5.0], nbins=5),
    "histogram_fixed_width_bins": lambda tf: tf.histogram_fixed_width_bins([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0], [0.0, 5.0], nbins=5),
    "fingerprint": lambda tf: tf.fingerprint(tf.constant([[1, 2], [3, 4]], tf.int32)),
    "fingerprint_strings": lambda tf: tf.fingerprint(tf.constant(["abc", "hello world"])),
    "initializers": lambda tf: [tf.zeros_initializer()((2,)), tf.ones_initializer()((2,)), tf.constant_initializer(3.0)((2,))],
    "grad_pass_through": lambda tf: _gpt(tf),
    "hessians_eager": lambda tf: _raises(lambda: tf.hessians(tf.constant(1.0), [tf.constant(1.0)])),
}


def _gpt(tf):
    x = tf.constant([0.3, 1.7])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.grad_pass_through(tf.round)(x)
    return [y, tape.gradient(y, x)]
