# ruff: noqa: E501 - a table of one-line scenarios
"""TF 2.21's remaining core names (issue 15): tf.io.gfile.join, tf.gradients in eager mode,
AggregationMethod, NoneTensorSpec, RegisterGradient's registry checks,
variable_creator_scope (the keyword set a creator sees, nesting, Keras weights),
register_tensor_conversion_function (priority, NotImplemented, dtype checks),
tf.types.experimental's isinstance answers, tf.nn.experimental's dropouts (TF's masks),
tf.random.experimental (index_shuffle, stateless_shuffle, the aliases) and the argument
checks of tf.debugging.experimental."""

import pathlib

import numpy as np

X = np.arange(1.0, 16.0, dtype=np.float32).reshape(3, 5)


class _Box:
    def __init__(self, values):
        self.values = values


class _Meters(_Box):
    pass


class _Either(_Box):
    pass


class _Wrong(_Box):
    pass


class _Picky(_Box):
    pass


def _register(tf, cls, **kwargs):
    if not getattr(cls, "_done", False):
        tf.register_tensor_conversion_function(cls, lambda value, dtype=None, name=None, as_ref=False: tf.constant(value.values, dtype=dtype), **kwargs)
        cls._done = True


def _conversion(tf):
    _register(tf, _Meters)
    m = _Meters([1.0, 2.0])
    return [tf.convert_to_tensor(m), tf.add(m, 1.0), tf.convert_to_tensor(m, dtype=tf.float64), tf.reduce_sum(m)]


def _conversion_priority(tf):
    if not getattr(_Either, "_done", False):
        tf.register_tensor_conversion_function(_Either, lambda value, dtype=None, name=None, as_ref=False: NotImplemented, priority=1)
        tf.register_tensor_conversion_function(_Either, lambda value, dtype=None, name=None, as_ref=False: tf.constant([9, 9]), priority=50)
        tf.register_tensor_conversion_function(_Either, lambda value, dtype=None, name=None, as_ref=False: tf.constant([0, 0]), priority=60)
        _Either._done = True
    return tf.convert_to_tensor(_Either(None))


def _conversion_wrong_dtype(tf):
    if not getattr(_Wrong, "_done", False):
        tf.register_tensor_conversion_function(_Wrong, lambda value, dtype=None, name=None, as_ref=False: tf.constant([1.5]))
        _Wrong._done = True
    return tf.convert_to_tensor(_Wrong(None), dtype=tf.int32)


def _conversion_sees_dtype(tf):
    seen = []
    if not getattr(_Picky, "_done", False):
        def convert(value, dtype=None, name=None, as_ref=False):
            _Picky.seen.append(None if dtype is None else dtype.name)
            return tf.constant(value.values, dtype=dtype)
        _Picky.seen = seen
        tf.register_tensor_conversion_function(_Picky, convert)
        _Picky._done = True
    _Picky.seen.clear()
    tf.convert_to_tensor(_Picky([1, 2]))
    tf.convert_to_tensor(_Picky([1, 2]), dtype=tf.int64)
    return list(_Picky.seen)


def _creator_kwargs(tf):
    seen = {}

    def creator(next_creator, **kwargs):
        seen.update(keys=sorted(kwargs), trainable=kwargs["trainable"], name=kwargs["name"], dtype=kwargs["dtype"], shape=kwargs["shape"], validate_shape=kwargs["validate_shape"])
        kwargs["initial_value"] = kwargs["initial_value"] * 2.0
        return next_creator(**kwargs)

    with tf.variable_creator_scope(creator):
        v = tf.Variable(1.5, name="x")
    return [seen, v.numpy(), isinstance(v, tf.Variable)]


def _creator_nesting(tf):
    order = []

    def outer(next_creator, **kwargs):
        order.append("outer")
        return next_creator(**kwargs)

    def inner(next_creator, **kwargs):
        order.append("inner")
        return next_creator(**kwargs)

    with tf.variable_creator_scope(outer):
        with tf.variable_creator_scope(inner):
            tf.Variable(2.0)
        tf.Variable(3.0)
    tf.Variable(4.0)
    return order


def _creator_keras(tf):
    names = []

    def creator(next_creator, **kwargs):
        names.append([kwargs["name"], kwargs["trainable"], list(np.shape(kwargs["initial_value"]() if callable(kwargs["initial_value"]) else kwargs["initial_value"]))])
        return next_creator(**kwargs)

    with tf.variable_creator_scope(creator):
        layer = tf.keras.layers.Dense(2)
        layer.build((None, 3))
    return names


def _registered(tf):
    def grad(op, g):
        return g
    first = tf.RegisterGradient("FeatherflowFixtureOpA")(grad) is grad
    try:
        tf.RegisterGradient("FeatherflowFixtureOpA")(grad)
    except KeyError as err:
        return [first, "KeyError", "Registering two gradient with name 'FeatherflowFixtureOpA'" in str(err)]
    return [first, "no error"]


def _types(tf):
    te = tf.types.experimental
    f = tf.function(lambda x: x * 2.0)
    c = f.get_concrete_function(tf.constant(1.0))
    return [isinstance(f, te.PolymorphicFunction), isinstance(f, te.GenericFunction), isinstance(f, te.Callable), isinstance(c, te.ConcreteFunction), isinstance(c, te.Callable), isinstance(c, te.GenericFunction), isinstance(tf.TensorSpec([2]), te.TraceType), isinstance(tf.constant(1.0), te.TraceType), isinstance(1.0, te.Callable)]


def _dropout_grad(tf):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.experimental.stateless_dropout(x, 0.4, seed=[5, 6])
    return [y, tape.gradient(y, x)]


def _general(tf):
    g = tf.random.Generator.from_seed(7)
    x = tf.constant([1.1, 2.2, 3.3, 4.4, 5.5])
    return [tf.nn.experimental.general_dropout(x, 0.5, g.uniform), tf.nn.experimental.general_dropout(x, 0.5, g.uniform)]


SCENARIOS = {
    # -- tf.io.gfile ----------------------------------------------------------------------
    "gfile_join": lambda tf: [tf.io.gfile.join("a", "b"), tf.io.gfile.join("a/", "b", "c.txt"), tf.io.gfile.join("gs://bucket", "x", "y"), tf.io.gfile.join("/abs", "/root"), tf.io.gfile.join("a"), tf.io.gfile.join(pathlib.Path("p"), "q"), tf.io.gfile.join("s3://b/", "k")],
    "gfile_local_scheme": lambda tf: "" in tf.io.gfile.get_registered_schemes(),
    # -- gradients ------------------------------------------------------------------------
    "gradients_refused": lambda tf: tf.gradients(tf.constant(1.0), tf.constant(2.0)),
    "aggregation_method": lambda tf: [tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT, tf.AggregationMethod.EXPERIMENTAL_TREE, tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N],
    "register_gradient": _registered,
    "register_gradient_not_string": lambda tf: tf.RegisterGradient(3),
    # -- NoneTensorSpec -------------------------------------------------------------------
    "none_tensor_spec": lambda tf: [repr(tf.NoneTensorSpec()), tf.NoneTensorSpec() == tf.NoneTensorSpec(), tf.NoneTensorSpec().is_compatible_with(None), tf.NoneTensorSpec().is_compatible_with(tf.NoneTensorSpec()), tf.NoneTensorSpec().is_compatible_with(tf.TensorSpec([1])), repr(tf.type_spec_from_value(None)), isinstance(tf.NoneTensorSpec(), tf.TypeSpec), hash(tf.NoneTensorSpec()) == hash(tf.NoneTensorSpec())],
    # -- variable_creator_scope -----------------------------------------------------------
    "creator_kwargs": _creator_kwargs,
    "creator_nesting": _creator_nesting,
    "creator_keras_weights": _creator_keras,
    "creator_replaces_variable": lambda tf: (lambda v: [v.numpy(), v.trainable])(_with_creator(tf, lambda next_creator, **kw: next_creator(initial_value=[7.0, 8.0], trainable=False), lambda: tf.Variable(1.0))),
    # -- register_tensor_conversion_function ----------------------------------------------
    "conversion": _conversion,
    "conversion_priority_and_not_implemented": _conversion_priority,
    "conversion_wrong_dtype": _conversion_wrong_dtype,
    "conversion_sees_dtype": _conversion_sees_dtype,
    "conversion_refuses_numbers": lambda tf: tf.register_tensor_conversion_function(float, lambda *a, **k: None),
    "conversion_refuses_numpy": lambda tf: tf.register_tensor_conversion_function(np.ndarray, lambda *a, **k: None),
    "conversion_refuses_non_type": lambda tf: tf.register_tensor_conversion_function("str", lambda *a, **k: None),
    # -- tf.types.experimental ------------------------------------------------------------
    "types_isinstance": _types,
    # -- tf.nn.experimental ---------------------------------------------------------------
    "stateless_dropout": lambda tf: tf.nn.experimental.stateless_dropout(X, 0.3, seed=[3, 4]),
    "stateless_dropout_doc": lambda tf: tf.nn.experimental.stateless_dropout(tf.ones([2, 4]), 0.5, seed=[1, 2]),
    "stateless_dropout_noise_shape": lambda tf: tf.nn.experimental.stateless_dropout(X, 0.5, seed=[3, 4], noise_shape=[3, 1]),
    "stateless_dropout_noise_none_dim": lambda tf: tf.nn.experimental.stateless_dropout(X, 0.5, seed=[3, 4], noise_shape=[None, 5]),
    "stateless_dropout_rate_tensor": lambda tf: tf.nn.experimental.stateless_dropout(X, tf.constant(0.25), seed=[8, 1]),
    "stateless_dropout_f64": lambda tf: tf.nn.experimental.stateless_dropout(X.astype(np.float64), 0.3, seed=[3, 4]),
    "stateless_dropout_f16": lambda tf: tf.nn.experimental.stateless_dropout(X.astype(np.float16), 0.3, seed=[3, 4]),
    "stateless_dropout_int64_seed": lambda tf: tf.nn.experimental.stateless_dropout(X, 0.6, seed=tf.constant([2**40, -3], tf.int64)),
    "stateless_dropout_rate_zero": lambda tf: tf.nn.experimental.stateless_dropout(X, 0.0, seed=[3, 4]),
    "stateless_dropout_rate_one": lambda tf: tf.nn.experimental.stateless_dropout(X, 1.0, seed=[3, 4]),
    "stateless_dropout_int_refused": lambda tf: tf.nn.experimental.stateless_dropout(tf.constant([1, 2]), 0.5, seed=[3, 4]),
    "stateless_dropout_gradient": _dropout_grad,
    "general_dropout_generator": _general,
    "general_dropout_stateless_sampler": lambda tf: tf.nn.experimental.general_dropout(X, 0.5, lambda shape, dtype: tf.random.stateless_uniform(shape, seed=[1, 1], dtype=dtype)),
    # -- tf.random.experimental -----------------------------------------------------------
    "index_shuffle_doc": lambda tf: [tf.random.experimental.index_shuffle(i, [5, 8], 9) for i in range(10)],
    "index_shuffle_vector": lambda tf: tf.random.experimental.index_shuffle(tf.constant([0, 1, 2, 3, 4], tf.int64), tf.constant([1, 2], tf.int64), tf.constant([4, 4, 4, 4, 4], tf.int64)),
    "index_shuffle_big": lambda tf: [tf.random.experimental.index_shuffle(i, [7, 3], 1000) for i in (0, 1, 500, 999)],
    "stateless_shuffle": lambda tf: tf.random.experimental.stateless_shuffle(tf.range(10), seed=[1, 2]),
    "stateless_shuffle_rows": lambda tf: tf.random.experimental.stateless_shuffle(tf.reshape(tf.range(12.0), [4, 3]), seed=[7, 0]),
    "stateless_shuffle_int64_seed": lambda tf: tf.random.experimental.stateless_shuffle(tf.range(100), seed=tf.constant([2**35, 11], tf.int64)),
    "stateless_shuffle_strings": lambda tf: tf.random.experimental.stateless_shuffle(tf.constant(["a", "b", "c", "d"]), seed=[4, 4]),
    "stateless_shuffle_one_row": lambda tf: tf.random.experimental.stateless_shuffle(tf.constant([[5.0, 6.0]]), seed=[4, 4]),
    "stateless_split_fold_in": lambda tf: [tf.random.experimental.stateless_split([1, 2], num=3), tf.random.experimental.stateless_fold_in([1, 2], 5), tf.random.experimental.stateless_split(tf.constant([3, 4], tf.int64))],
    "random_experimental_aliases": lambda tf: [tf.random.experimental.Generator is tf.random.Generator, tf.random.experimental.Algorithm is tf.random.Algorithm, tf.random.experimental.create_rng_state(5, "philox"), tf.random.experimental.Algorithm.PHILOX.value],
    # -- tf.debugging.experimental --------------------------------------------------------
    "dump_invalid_mode": lambda tf: tf.debugging.experimental.enable_dump_debug_info("/tmp/ff_dump_unused", tensor_debug_mode="LOUD"),
    "dump_bad_tensor_dtypes": lambda tf: tf.debugging.experimental.enable_dump_debug_info("/tmp/ff_dump_unused", tensor_dtypes="float32"),
    "dump_disable_when_off": lambda tf: tf.debugging.experimental.disable_dump_debug_info(),
}


EXPERIMENTAL_DTYPES = ["float4_e2m1fn", "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "int2", "int4", "uint2", "uint4"]


def _dtype_facts(tf, name):
    d = getattr(tf.dtypes.experimental, name)
    return [d.name, d.as_datatype_enum, d.size, d.is_floating, d.is_integer, d.is_unsigned, d.is_numeric, d.is_quantized, d.is_bool, d.is_complex, d.is_numpy_compatible, float(d.min), float(d.max), repr(d), str(d), tf.as_dtype(name) == d, tf.as_dtype(d.as_datatype_enum) == d, d == name, d.real_dtype == d, d.base_dtype == d, d != tf.float32]


SCENARIOS.update({
    "dtypes_experimental_facts": lambda tf: [_dtype_facts(tf, n) for n in EXPERIMENTAL_DTYPES],
    "dtypes_experimental_no_limits": lambda tf: tf.dtypes.experimental.int4.limits,
    "dtypes_experimental_float_no_limits": lambda tf: tf.dtypes.experimental.float8_e5m2.limits,
})


def _critical(tf):
    cs = tf.CriticalSection()
    v = tf.Variable(1.0)
    return [cs.execute(lambda: v.assign_add(2.0)), cs.execute(lambda: (v.read_value(), 3)), cs.execute(lambda: 1, exclusive_resource_access=False)]


def _critical_nested(tf):
    cs = tf.CriticalSection()
    return cs.execute(lambda: cs.execute(lambda: 1))


def _fill(tf, rowids, values, nrows, default):
    out = tf.ragged_fill_empty_rows(value_rowids=tf.constant(rowids, tf.int64), values=tf.constant(values), nrows=tf.constant(nrows, tf.int64), default_value=tf.constant(default))
    return list(out)


def _batch(tf):
    @tf.nondifferentiable_batch_function(1, 2, 10)
    def double(x):
        return x * 2.0

    x = tf.constant([[1.0, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = double(x)
    return [y, tape.gradient(tf.reduce_sum(y), x)]


SCENARIOS.update({
    "critical_section": _critical,
    "critical_section_nested_refused": _critical_nested,
    "critical_section_not_callable": lambda tf: tf.CriticalSection().execute(5),
    "load_op_library_missing": lambda tf: tf.load_op_library("/nonexistent/ff_op.so"),
    "load_library_missing": lambda tf: tf.load_library("/nonexistent/ff_op.so"),
    "check_pinned_cpu_tensor": lambda tf: tf.check_pinned(tf.constant(1)),
    "batch_function": _batch,
    "ragged_fill_empty_rows": lambda tf: _fill(tf, [0, 0, 2, 2, 4], [1.0, 2.0, 3.0, 4.0, 5.0], 6, -1.0),
    "ragged_fill_unsorted": lambda tf: _fill(tf, [2, 0, 2, 0], [1, 2, 3, 4], 4, 9),
    "ragged_fill_no_values": lambda tf: _fill(tf, np.zeros([0], np.int64), np.zeros([0], np.float32), 3, 0.5),
    "ragged_fill_out_of_range": lambda tf: _fill(tf, [0, 5], [1.0, 2.0], 3, 0.0),
    "ragged_fill_matrix_refused": lambda tf: _fill(tf, [1, 1], [[1, 2], [3, 4]], 3, 0),
    "ragged_fill_grad": lambda tf: list(tf.ragged_fill_empty_rows_grad(reverse_index_map=tf.constant([0, 1, 3, 4, 6], tf.int64), grad_values=tf.constant([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]))),
})


def _trace(tf):
    with tf.profiler.experimental.Trace("train", step_num=3, _r=1) as trace:
        value = tf.constant(2.0) * 3.0
    return [value, trace is not None]


SCENARIOS.update({
    "profiler_options": lambda tf: list(tf.profiler.experimental.ProfilerOptions()) + list(tf.profiler.experimental.ProfilerOptions._fields),
    "profiler_stop_without_start": lambda tf: tf.profiler.experimental.stop(),
    "profiler_trace_annotation": _trace,
    "xla_compile": lambda tf: [tf.xla.experimental.compile(lambda: 1), tf.xla.experimental.compile(lambda x, y: x + y, [tf.constant(1.0), 2.0]), tf.xla.experimental.compile(lambda x: (x * 2, x), [tf.constant([1.0])])],
    "xla_compile_none_refused": lambda tf: tf.xla.experimental.compile(lambda: None),
    "xla_jit_scope_refused": lambda tf: tf.xla.experimental.jit_scope().__enter__(),
})


def _with_creator(tf, creator, make):
    with tf.variable_creator_scope(creator):
        return make()
