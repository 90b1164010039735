# ruff: noqa: E501 - a table of one-line scenarios
"""tf.make_tensor_proto / tf.make_ndarray, recorded from TensorFlow 2.21: the serialized
bytes of each proto, make_ndarray of it, and the errors."""

import numpy as np


def _bytes(tf, *args, **kwargs):
    proto = tf.make_tensor_proto(*args, **kwargs)
    array = tf.make_ndarray(proto)
    if array.dtype.kind == "c":  # JSON has no complex numbers
        array = np.stack([array.real, array.imag])
    return [proto.SerializeToString(), array]


CASES = {
    "float_list": ([[1.0, 2.0], [3.0, 4.0]],), "scalar_float": (2.5,), "scalar_int": (5,),
    "big_int": ([1, 2 ** 40],), "int64_dtype": ([1, 2], "int64"), "float64_array": (np.arange(6.0).reshape(2, 3),),
    "float16": (np.array([1.5, -2.0], np.float16),), "float16_one": (np.array([0.25], np.float16),),
    "uint8": (np.array([[1, 2, 255]], np.uint8),), "uint16": (np.array([1, 65535], np.uint16),),
    "uint32": (np.array([7], np.uint32),), "uint64": (np.array([1, 2 ** 63], np.uint64),),
    "bools": ([True, False, True],), "bool_one": (True,),
    "complex64": (np.array([1 + 2j, 3 - 1j], np.complex64),), "complex128": (np.array([0.5j], np.complex128),),
    "string": ("ab",), "strings_2d": ([["a", "bc"], ["", "d"]],), "bytes_array": (np.array([b"x", b"yz"], object),),
    "shape_fill": (7.0, None, [2, 3]), "shape_fewer_values": ([1, 2], None, [2, 2]),
    "broadcast": ([1.5], None, [3], False, True), "empty_shape": ([], "float32", [0, 3]),
    "dtype_cast": ([1, 2], "float32"), "int_array_downcast": (np.array([1, 2], np.int64),),
}
SCENARIOS = {f"proto_{k}": (lambda tf, a=v: _bytes(tf, *a)) for k, v in CASES.items()}
SCENARIOS.update({
    "proto_of_tensor": lambda tf: _bytes(tf, tf.constant([[1, 2]])),
    "err_none": lambda tf: tf.make_tensor_proto(None),
    "err_ragged_list": lambda tf: tf.make_tensor_proto([[1, 2], [3]]),
    "err_too_many": lambda tf: tf.make_tensor_proto([1, 2, 3], shape=[2]),
    "err_verify_shape": lambda tf: tf.make_tensor_proto([1, 2], shape=[1, 2], verify_shape=True),
    "err_dtype": lambda tf: tf.make_tensor_proto(np.array([1.5]), dtype="int32"),
    "err_dtype_list": lambda tf: tf.make_tensor_proto([1.5], dtype="int32"),
    "err_make_ndarray_tensor": lambda tf: tf.make_ndarray(tf.constant([1])),
})
