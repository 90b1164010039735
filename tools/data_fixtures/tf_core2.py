# ruff: noqa: E501, E721 - a table of one-line cases; dtype comparisons with Python types are the point
"""TF's DType objects, tf.errors, tf.function's input_signature, tf.TensorArray,
tf.IndexedSlices and check numerics, recorded from TensorFlow 2.21 running eagerly."""

import numpy as np

DTYPE_NAMES = ["bfloat16", "bool", "complex128", "complex64", "double", "float16", "float32",
               "float64", "half", "int16", "int32", "int64", "int8", "qint16", "qint32", "qint8",
               "quint16", "quint8", "resource", "string", "uint16", "uint32", "uint64", "uint8",
               "variant"]
KINDS = ["is_bool", "is_complex", "is_floating", "is_integer", "is_quantized", "is_unsigned",
         "is_numeric", "is_numpy_compatible"]
ERROR_NAMES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
               "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
               "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
               "UNAUTHENTICATED"]
ERROR_CLASSES = ["AbortedError", "AlreadyExistsError", "CancelledError", "DataLossError",
                 "DeadlineExceededError", "FailedPreconditionError", "InternalError",
                 "InvalidArgumentError", "NotFoundError", "OutOfRangeError", "PermissionDeniedError",
                 "ResourceExhaustedError", "UnauthenticatedError", "UnavailableError",
                 "UnimplementedError", "UnknownError"]


def _try(fn, exact=True):
    """fn()'s value, or the class of the error it raised."""
    try:
        value = fn()
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return {"raised": type(err).__name__} if exact else "raised"
    return value


def _number(v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return float(v)


def _dtype_properties(tf, name):
    d = getattr(tf.dtypes, name)
    out = {"name": d.name, "repr": repr(d), "str": str(d), "size": d.size,
           "enum": d.as_datatype_enum, "real": d.real_dtype.name, "base": d.base_dtype.name,
           "min": _try(lambda: _number(d.min)), "max": _try(lambda: _number(d.max)),
           "limits": _try(lambda: [_number(v) for v in d.limits], exact=False),
           # bfloat16's NumPy type needs ml_dtypes: tests/api/test_dtypes_objects.py checks it
           "numpy": None if name == "bfloat16" else _try(lambda: str(np.dtype(d.as_numpy_dtype)), exact=False),
           "interned": tf.dtypes.as_dtype(name) is d and tf.dtypes.as_dtype(d.as_datatype_enum) is d}
    out.update({k: getattr(d, k) for k in KINDS})
    return out


def _equalities(tf):
    f = tf.dtypes.float32
    return [f == np.float32, np.float32 == f, f == np.dtype("float32"), np.dtype("float32") == f,
            f == "float32", "float32" == f, f == 1, f == tf.dtypes.float64, f != tf.dtypes.float64, f == None,  # noqa: E711
            f != "float32", tf.dtypes.string == object, tf.dtypes.string == "string", tf.dtypes.string == np.object_,
            f == "not a dtype", f == 3.5, tf.dtypes.qint8 == np.dtype([("qint8", np.int8)]),
            tf.dtypes.int64 == np.int64, tf.dtypes.bool == bool, tf.dtypes.float32 == float, f.is_compatible_with(np.float32),
            f.is_compatible_with(tf.dtypes.float64), f.is_compatible_with("float32")]


def _as_dtype_names(tf):
    values = ["float", "half", "double", "float16", "string", "bool", float, bool, object, 2, 19, 7,
              np.float64, np.dtype("int8"), np.int16, np.complex64, np.dtype("uint32"), np.bool_,
              np.dtype("S3"), np.dtype("<U3"), np.array([1, 2], np.int32),
              "foo", 3.5, 1000, None, int, str]
    return [_try(lambda v=v: repr(tf.dtypes.as_dtype(v))) for v in values]


def _tensor_dtypes(tf):
    return [repr(tf.constant([1.0]).dtype), repr(tf.constant(["a"]).dtype), repr(tf.constant([1]).dtype),
            repr(tf.constant(True).dtype), repr(tf.Variable(1.0).dtype),
            repr(tf.TensorSpec([2], tf.dtypes.string).dtype), repr(tf.TensorSpec([2]).dtype),
            tf.constant([1.0]).dtype == tf.dtypes.float32, tf.constant(["a"]).dtype == tf.dtypes.string,
            tf.constant([1.0]).dtype.name, tf.constant([b"x"]).dtype.name]


def _numpy_accepts(tf):
    return [np.zeros(2, dtype=tf.dtypes.float32.as_numpy_dtype), np.ones(2).astype(tf.dtypes.int64.as_numpy_dtype),
            tf.cast(tf.constant([1.7, -2.2]), tf.dtypes.int32), tf.cast([1, 0], tf.dtypes.bool),
            tf.zeros([2], dtype=tf.dtypes.float64), tf.dtypes.cast(tf.constant([1, 2]), "float16")]


def _sets(tf):
    return [sorted(d.name for d in tf.dtypes.QUANTIZED_DTYPES if not d.name.endswith("_ref")), tf.dtypes.half is tf.dtypes.float16,
            tf.dtypes.double is tf.dtypes.float64, isinstance(tf.dtypes.float32, tf.dtypes.DType),
            tf.dtypes.complex(tf.constant([1.0]), tf.constant([2.0])).dtype.name,
            tf.dtypes.saturate_cast(tf.constant([300.0, -5.0, 7.6]), tf.uint8),
            tf.dtypes.saturate_cast(tf.constant([1e10, -1e10]), tf.dtypes.int32),
            {tf.dtypes.float32: "a", tf.dtypes.int32: "b"}[tf.dtypes.as_dtype("float32")]]


SCENARIOS = {f"dtype_{name}": (lambda tf, n=name: _dtype_properties(tf, n)) for name in DTYPE_NAMES}
SCENARIOS.update({
    "dtype_equalities": _equalities,
    "dtype_as_dtype": _as_dtype_names,
    "dtype_of_tensors": _tensor_dtypes,
    "dtype_numpy": _numpy_accepts,
    "dtype_sets": _sets,
})


def _error_class(tf, name):
    cls = getattr(tf.errors, name)
    err = cls(None, None, "what went wrong")
    with_payload = cls(None, None, "m", {"k": b"v"})
    return [err.error_code, err.message, str(err), err.op, err.node_def,
            err.experimental_payloads, issubclass(cls, tf.errors.OpError),
            issubclass(cls, Exception), with_payload.experimental_payloads == {"k": b"v"}]


def _raised_code(tf, fn):
    try:
        fn()
    except tf.errors.OpError as err:
        return [type(err).__name__, err.error_code]
    return "no error"


SCENARIOS.update({
    "errors_codes": lambda tf: {name: getattr(tf.errors, name) for name in ERROR_NAMES},
    "errors_op_error": lambda tf: [tf.errors.OpError(None, None, "m", tf.errors.ABORTED).error_code,
                                   str(tf.errors.OpError(None, None, "m", 3))],
    "errors_not_allowed_in_graph": lambda tf: [issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError),
                                               str(tf.errors.OperatorNotAllowedInGraphError("x"))],
    "errors_raised_by_iterator": lambda tf: _raised_code(tf, lambda: iter(tf.data.Dataset.range(0)).get_next()),
})
SCENARIOS.update({f"errors_class_{name}": (lambda tf, n=name: _error_class(tf, n)) for name in ERROR_CLASSES})


def _binding(tf, fn):
    """The class of the error and TF's reason up to the (repr-dependent) received args."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the class and reason are compared
        return [type(err).__name__, str(err).split(". Received args")[0]]
    return "no error"


def _sig_fn(tf):
    return tf.function(lambda x: x * 2, input_signature=[tf.TensorSpec([None, 2], tf.float32)])


def _sig_f(tf):
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        return x * 2
    return f


def _tracing_counts(tf, **options):
    @tf.function(**options)
    def f(x, y=1):
        return x + y
    counts = []
    for args in [(tf.constant(1.0),), (tf.constant(2.0),), (2.0,), (3.0,), (2.0,),
                 (tf.constant([1.0, 2.0]),), (tf.constant([1.0, 2.0, 3.0]),),
                 (tf.constant([4.0]),), (tf.constant(1.0), 5), (tf.constant([[1.0]]),),
                 (tf.constant([[1.0, 2.0]]),), (tf.constant(1),)]:
        f(*args)
        counts.append(f.experimental_get_tracing_count())
    return counts


def _concrete(tf):
    @tf.function
    def h(x, y=1):
        return {"a": x + y, "b": tf.reduce_sum(x, axis=0)}
    c = h.get_concrete_function(tf.TensorSpec([None, 3], tf.float32), y=2)
    args, kwargs = c.structured_input_signature
    out = c.structured_outputs
    return [args, kwargs, {k: [v.shape.as_list(), v.dtype.name] for k, v in out.items()},
            c(tf.ones([2, 3])), c(x=tf.ones([1, 3]))]


def _concrete_from_values(tf):
    @tf.function
    def h(x, scale):
        return x * scale
    c = h.get_concrete_function(tf.constant([[1.0, 2.0]]), 3.0)
    return [c.structured_input_signature, c.structured_outputs.shape.as_list(), c(tf.constant([[2.0, 4.0]]))]


def _concrete_of_signature(tf):
    f = _sig_f(tf)
    c = f.get_concrete_function()
    return [c.structured_input_signature, c.structured_outputs.shape.as_list(), c(tf.ones([1, 2])),
            f.input_signature, f.experimental_get_tracing_count()]


def _nested_signature(tf):
    @tf.function(input_signature=[{"a": tf.TensorSpec([], tf.int32)}, tf.TensorSpec(None, tf.float32)])
    def k(d, z):
        return d["a"], z
    return [k({"a": 1}, [1.0, 2.0]), _binding(tf, lambda: k({"b": 1}, 1.0)),
            _binding(tf, lambda: k({"a": 1.5}, 1.0))]


SCENARIOS.update({
    "function_sig_ok": lambda tf: [_sig_f(tf)(tf.ones([3, 2])), _sig_f(tf)(np.ones([1, 2])), _sig_f(tf)([[1.0, 2.0]])],
    "function_sig_bad_shape": lambda tf: _binding(tf, lambda: _sig_f(tf)(tf.ones([3, 3]))),
    "function_sig_bad_rank": lambda tf: _binding(tf, lambda: _sig_f(tf)(tf.ones([3]))),
    "function_sig_bad_dtype": lambda tf: _binding(tf, lambda: _sig_f(tf)(tf.ones([3, 2], tf.int32))),
    "function_sig_too_many": lambda tf: _binding(tf, lambda: _sig_f(tf)(tf.ones([3, 2]), 1)),
    "function_sig_missing": lambda tf: _binding(tf, lambda: _sig_f(tf)()),
    "function_sig_keyword": lambda tf: _sig_f(tf)(x=tf.ones([1, 2])),
    "function_sig_invalid": lambda tf: _binding(tf, lambda: tf.function(lambda x: x, input_signature=[1])),
    "function_sig_nested": _nested_signature,
    "function_sig_count": lambda tf: [_sig_f(tf).experimental_get_tracing_count()],
    "function_tracing_default": lambda tf: _tracing_counts(tf),
    "function_tracing_reduce_retracing": lambda tf: _tracing_counts(tf, reduce_retracing=True),
    "function_concrete_specs": _concrete,
    "function_concrete_values": _concrete_from_values,
    "function_concrete_signature": _concrete_of_signature,
    "function_outputs_become_tensors": lambda tf: [tf.function(lambda: 1)(), tf.function(lambda: (2.5, None, [True]))()],
    "function_options_accepted": lambda tf: [tf.function(lambda x: x + 1, jit_compile=True)(1), tf.function(reduce_retracing=True)(lambda x: x)(2),
                                             tf.function(lambda x: x, experimental_relax_shapes=True)(3), tf.function(autograph=False)(lambda: 4)()],
    "function_python_function": lambda tf: [tf.function(len).python_function is len, tf.function(lambda x: x).input_signature],
})


F23 = np.arange(6, dtype=np.float32).reshape(2, 3) / 4.0 - 0.5


def _ta_basic(tf):
    ta = tf.TensorArray(tf.float32, size=3)
    ta = ta.write(0, tf.constant([1.0, 2.0]))
    ta = ta.write(2, [5.0, 6.0])
    return [ta.stack(), ta.size(), ta.element_shape.as_list(), ta.dtype.name, ta.dynamic_size]


def _ta_dynamic(tf):
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    for i in range(4):
        ta = ta.write(i, i * i)
    return [ta.stack(), ta.size(), ta.gather([3, 1]), ta.read(2)]


def _ta_read_twice(tf):
    ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0)
    first = ta.read(0)
    return [first, _try(lambda: ta.read(0))]


def _ta_read_many(tf):
    ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False).write(0, 1.0).write(1, 2.0)
    return [ta.read(0), ta.read(0), ta.stack()]


def _ta_unstack_split_concat(tf):
    ta = tf.TensorArray(tf.float32, size=2).unstack(tf.constant(F23))
    sp = tf.TensorArray(tf.float32, size=2).split(tf.constant(np.arange(5, dtype=np.float32)), [2, 3])
    sc = tf.TensorArray(tf.float32, size=4).scatter([3, 0], tf.constant(F23))
    return [ta.stack(), ta.read(1), sp.concat(), sp.read(1), sc.stack(), sc.size()]


def _ta_errors(tf):
    return [_try(lambda: tf.TensorArray(tf.float32, size=2).write(2, 1.0)),
            _try(lambda: tf.TensorArray(tf.float32, size=2).write(-1, 1.0)),
            _try(lambda: tf.TensorArray(tf.float32, size=2).write(0, tf.constant(1))),
            _try(lambda: tf.TensorArray(tf.float32, size=2).write(0, [1.0]).write(1, [1.0, 2.0])),
            _try(lambda: tf.TensorArray(tf.float32, size=2, element_shape=[3]).write(0, [1.0])),
            _try(lambda: tf.TensorArray(tf.float32, size=2).read(5)),
            _try(lambda: tf.TensorArray(tf.float32, size=1).unstack(tf.constant(F23))),
            _try(lambda: tf.TensorArray(tf.float32, size=2).split(tf.constant([1.0, 2.0]), [1, 2])),
            _try(lambda: tf.TensorArray(tf.float32, size=1).split(tf.constant([1.0, 2.0]), [1, 1])),
            _try(lambda: tf.TensorArray(tf.float32)),
            _try(lambda: tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0).concat())]


def _ta_zeros(tf):
    ta = tf.TensorArray(tf.float32, size=3, element_shape=[2])
    ta = ta.write(1, [1.0, 2.0])
    empty = tf.TensorArray(tf.float32, size=0, element_shape=[2, 3])
    return [ta.stack(), ta.read(0), empty.stack(), tf.TensorArray(tf.float32, size=0).stack()]


def _ta_gradient(tf):
    x = tf.constant(F23)
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=2)
        ta = ta.write(0, x[0] * 2.0)
        ta = ta.write(1, tf.sin(x[1]))
        y = tf.reduce_sum(ta.stack() ** 2) + tf.reduce_sum(ta.read(1))
    return [y, tape.gradient(y, x)]


def _ta_gradient_unstack(tf):
    x = tf.constant(F23)
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False).unstack(x * x)
        y = ta.read(0) * 3.0 + ta.read(1)
        z = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0])) + tf.reduce_sum(ta.concat())
    return [z, tape.gradient(z, x)]


def _ta_while_loop(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)

        def body(i, acc, ta):
            acc = acc * x
            return i + 1, acc, ta.write(i, acc)

        _, _, ta = tf.while_loop(lambda i, acc, ta: i < 3, body,
                                 (tf.constant(0), tf.ones([2]), tf.TensorArray(tf.float32, size=3)))
        out = ta.stack()
        y = tf.reduce_sum(out)
    return [out, tape.gradient(y, x)]


def _ta_spec(tf):
    spec = tf.TensorArraySpec([2], tf.float32)
    ta = tf.TensorArray(tf.float32, size=1).write(0, [1.0, 2.0])
    return [repr(spec), spec.is_compatible_with(tf.TensorArraySpec([2], tf.float32)),
            spec.is_compatible_with(tf.TensorArraySpec([3], tf.float32)),
            repr(tf.TensorArraySpec(None, tf.int32, True, False)), repr(tf.TensorArraySpec.from_value(ta))]


def _autograph(tf):
    def f(x):
        if x > 0:
            return x
        return -x
    converted = tf.autograph.to_graph(f)
    tf.autograph.set_verbosity(0)
    return [converted(tf.constant(-3.0)), converted(tf.constant(2.0)),
            tf.autograph.experimental.do_not_convert(f)(tf.constant(-1.0)),
            tf.autograph.experimental.do_not_convert()(f)(tf.constant(4.0)),
            isinstance(tf.autograph.to_code(f), str), sorted(tf.autograph.experimental.Feature.__members__)]


SCENARIOS.update({
    "tensor_array_basic": _ta_basic,
    "tensor_array_dynamic": _ta_dynamic,
    "tensor_array_read_twice": _ta_read_twice,
    "tensor_array_read_many": _ta_read_many,
    "tensor_array_unstack_split_concat": _ta_unstack_split_concat,
    "tensor_array_errors": _ta_errors,
    "tensor_array_zeros": _ta_zeros,
    "tensor_array_gradient": _ta_gradient,
    "tensor_array_gradient_unstack": _ta_gradient_unstack,
    "tensor_array_while_loop": _ta_while_loop,
    "tensor_array_spec": _ta_spec,
    "autograph_eager": _autograph,
})


def _slices(tf):
    return tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]]), tf.constant([2, 0, 2]),
                            tf.constant([4, 2]))


def _is_basic(tf):
    s = _slices(tf)
    return [s.values, s.indices, s.dense_shape, s.dtype.name, s.shape.as_list(), tf.convert_to_tensor(s),
            tf.convert_to_tensor(-s)]


def _is_optimizer(tf, name):
    # distinct indices: Keras's sparse update rules square each row before repeated rows are
    # added, which densifying first does not (docs/tf_core.md)
    v = tf.Variable(np.arange(8, dtype=np.float32).reshape(4, 2) / 8.0)
    opt = getattr(tf.keras.optimizers, name)(learning_rate=0.1)
    for step in range(2):
        g = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, -4.0]]) * (step + 1.0), tf.constant([2, 0]),
                             tf.constant([4, 2]))
        opt.apply_gradients([(g, v)])
    return v


def _is_gather_gradient(tf):
    p = tf.Variable(np.arange(8, dtype=np.float32).reshape(4, 2))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(p, [3, 1, 3]) * tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    return tf.convert_to_tensor(tape.gradient(y, p))


def _is_densify_gradient(tf):
    vals = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(vals)
        dense = tf.convert_to_tensor(tf.IndexedSlices(vals * vals, tf.constant([1, 1]), tf.constant([3, 2])))
        y = tf.reduce_sum(dense * tf.constant([[1.0, 1.0], [2.0, 3.0], [5.0, 5.0]]))
    return [dense, tape.gradient(y, vals)]


SCENARIOS.update({
    "indexed_slices_basic": _is_basic,
    "indexed_slices_sgd": lambda tf: _is_optimizer(tf, "SGD"),
    "indexed_slices_adam": lambda tf: _is_optimizer(tf, "Adam"),
    "indexed_slices_rmsprop": lambda tf: _is_optimizer(tf, "RMSprop"),
    "indexed_slices_gather_gradient": _is_gather_gradient,
    "indexed_slices_densify_gradient": _is_densify_gradient,
    "indexed_slices_spec": lambda tf: [repr(tf.IndexedSlicesSpec([None, 2], tf.float32)), repr(tf.IndexedSlicesSpec()),
                                       tf.IndexedSlicesSpec([None, 2]).is_compatible_with(tf.IndexedSlicesSpec([4, 2])),
                                       tf.IndexedSlicesSpec([None, 2]).is_compatible_with(tf.IndexedSlicesSpec([4, 3]))],
    "indexed_slices_no_dense_shape": lambda tf: [tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0])).dense_shape,
                                                 tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0])).shape.as_list()],
})


def _numerics_text(tf, fn):
    """The error class and TF's report without its graph-node prefix and op suffix."""
    tf.debugging.enable_check_numerics()
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the class and report are compared
        text = str(err)
        start = text.index("!!! Detected")
        return [type(err).__name__, text[start:].split("\n\n  Input")[0]]
    finally:
        tf.debugging.disable_check_numerics()
    return "no error"


def _numerics_flow(tf):
    tf.debugging.enable_check_numerics()
    try:
        fine = [tf.constant([1, 2]) // tf.constant([1, 1]), tf.exp(tf.constant([1.0])),
                _try(lambda: tf.constant([1.0]) / tf.constant([0.0])),
                _try(lambda: tf.reduce_sum(tf.constant([np.inf, 1.0])))]
    finally:
        tf.debugging.disable_check_numerics()
    after = tf.math.log(tf.constant([-1.0]))
    return fine + [after]


def _config(tf):
    cpu = tf.config.list_physical_devices("CPU")[0]
    c = tf.config.LogicalDeviceConfiguration(memory_limit=10)
    out = [repr(c), c.memory_limit, c.experimental_priority, c.experimental_device_ordinal,
           tf.config.get_logical_device_configuration(cpu), tf.config.get_soft_device_placement()]
    tf.config.set_soft_device_placement(False)
    out.append(tf.config.get_soft_device_placement())
    tf.config.set_soft_device_placement(True)
    out += [tf.config.functions_run_eagerly(), tf.config.experimental_functions_run_eagerly()]
    tf.config.run_functions_eagerly(True)
    out.append(tf.config.functions_run_eagerly())
    tf.config.experimental_run_functions_eagerly(False)
    out.append(tf.config.functions_run_eagerly())
    out.append(tf.debugging.get_log_device_placement())
    tf.debugging.set_log_device_placement(True)
    out.append(tf.debugging.get_log_device_placement())
    tf.debugging.set_log_device_placement(False)
    return out


SCENARIOS.update({
    "numerics_log": lambda tf: _numerics_text(tf, lambda: tf.math.log(tf.constant([-1.0, 1.0]))),
    "numerics_sqrt": lambda tf: _numerics_text(tf, lambda: tf.sqrt(tf.constant([[-1.0, 4.0], [-2.0, 1.0]]))),
    "numerics_exp_inf": lambda tf: _numerics_text(tf, lambda: tf.exp(tf.constant([1000.0, 1.0, 2000.0]))),
    "numerics_flow": _numerics_flow,
    "config_settings": _config,
})
