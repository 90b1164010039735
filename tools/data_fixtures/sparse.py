"""tf.SparseTensor and tf.sparse scenarios: every tf.sparse name on ordered and unordered
indices, empty SparseTensors and ranks 1-3, the errors TF raises, and the gradients TF's tape
gives for ``values`` and dense operands.

A SparseTensor is returned as a dict of its three components (the encoder knows no
SparseTensor); the same functions run with featherflow in tests/api/test_sparse.py.
"""

import numpy as np


def sp(st):
    return {"indices": st.indices, "values": st.values, "dense_shape": st.dense_shape}


def _rng(seed=0):
    return np.random.default_rng(seed)


def _st(tf, kind="2d"):
    if kind == "2d":
        return tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2], [3, 3]], [1.5, -2.0, 3.0, 4.0],
                                      [4, 5])
    if kind == "unordered":
        return tf.sparse.SparseTensor([[1, 2], [0, 3], [1, 0], [0, 1]], [3.0, 4.0, -2.0, 1.5],
                                      [2, 4])
    if kind == "1d":
        return tf.sparse.SparseTensor([[1], [4], [6]], [2.0, -1.0, 5.0], [8])
    if kind == "3d":
        return tf.sparse.SparseTensor([[0, 0, 1], [0, 2, 0], [1, 1, 1], [1, 2, 3]],
                                      [1.0, 2.0, -3.0, 0.5], [2, 3, 4])
    if kind == "empty":
        return tf.sparse.SparseTensor(np.zeros((0, 2), np.int64), np.zeros(0, np.float32),
                                      [3, 2])
    if kind == "int":
        return tf.sparse.SparseTensor([[0, 0], [0, 2], [1, 1], [2, 0]], [3, 1, 4, 1], [3, 4])
    raise KeyError(kind)


SCENARIOS = {}


def _add(name):
    def register(fn):
        SCENARIOS[name] = fn
        return fn
    return register


def _each(prefix, kinds, fn):
    for kind in kinds:
        SCENARIOS[f"{prefix}_{kind}"] = (lambda k: lambda tf: fn(tf, k))(kind)


_KINDS = ("2d", "unordered", "1d", "3d", "empty")

# -- SparseTensor itself ---------------------------------------------------------------------


@_add("tensor_components")
def _(tf):
    st = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
    return [sp(st), st.shape.as_list(), st.dtype.name, st.get_shape().as_list(),
            type(st).__name__,
            tf.SparseTensor is tf.sparse.SparseTensor]


@_add("tensor_from_value_with_values")
def _(tf):
    st = _st(tf)
    other = tf.SparseTensor.from_value(st)
    return [sp(other), sp(st.with_values(st.values * 10.0))]


@_add("tensor_convert_refused")
def _(tf):
    return tf.convert_to_tensor(_st(tf))


@_add("tensor_bad_rank")
def _(tf):
    return tf.sparse.SparseTensor([0, 1], [1.0, 2.0], [3])


@_add("tensor_count_mismatch")
def _(tf):
    return tf.sparse.SparseTensor([[0, 0], [1, 1]], [1.0], [3, 3])


@_add("tensor_mul_dense")
def _(tf):
    st = _st(tf)
    return [sp(st * tf.constant([[2.0], [3.0], [4.0], [5.0]])), sp(st * 2.0),
            sp(st / tf.constant([1.0, 2.0, 4.0, 8.0, 16.0]))]


@_add("tensor_truediv_int")
def _(tf):
    return sp(_st(tf, "int") / tf.constant(2))


@_add("spec")
def _(tf):
    st = _st(tf, "3d")
    spec = tf.SparseTensorSpec.from_value(st)
    return [spec, spec.value_type.__name__, tf.SparseTensorSpec([None, 4], tf.int32),
            spec == tf.SparseTensorSpec([2, 3, 4], tf.float32),
            spec.is_compatible_with(tf.SparseTensorSpec([None, 3, 4], tf.float32))]


# -- conversions -------------------------------------------------------------------------------


def _to_dense(tf, kind):
    st = _st(tf, kind)
    if kind == "unordered":
        st = tf.sparse.reorder(st)
    return tf.sparse.to_dense(st)


_each("to_dense", _KINDS, _to_dense)


@_add("to_dense_default")
def _(tf):
    return [tf.sparse.to_dense(_st(tf), default_value=-1.0),
            tf.sparse.to_dense(_st(tf, "int"), default_value=7)]


@_add("to_dense_unordered_refused")
def _(tf):
    return tf.sparse.to_dense(_st(tf, "unordered"))


@_add("to_dense_unordered_unvalidated")
def _(tf):
    return tf.sparse.to_dense(_st(tf, "unordered"), validate_indices=False)


@_add("to_dense_repeated_refused")
def _(tf):
    return tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 0], [0, 0]], [1.0, 2.0], [2, 2]))


@_add("to_dense_out_of_bounds")
def _(tf):
    return tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 0], [2, 5]], [1.0, 2.0], [2, 2]))


@_add("to_dense_strings")
def _(tf):
    return tf.sparse.to_dense(tf.sparse.SparseTensor([[0], [2]], ["a", "bc"], [3]))


def _from_dense(tf, kind):
    dense = {"2d": [[0.0, 1.0, 0.0], [2.0, 0.0, -3.0]], "1d": [0, 5, 0, 0, 7],
             "3d": np.where(_rng().uniform(size=(2, 3, 2)) > 0.5, 1.0, 0.0) * np.arange(12.0)
             .reshape(2, 3, 2), "empty": np.zeros((2, 3), np.float32)}[kind]
    return sp(tf.sparse.from_dense(tf.constant(dense)))


_each("from_dense", ("2d", "1d", "3d", "empty"), _from_dense)


@_add("to_indicator")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], [0, 3, 1, 4, 2],
                                [3, 3])
    return tf.sparse.to_indicator(st, 5)


@_add("to_indicator_3d")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 0, 0], [1, 1, 0], [1, 1, 2]], [2, 0, 1], [2, 2, 3])
    return tf.sparse.to_indicator(st, 3)


# -- order and shape ---------------------------------------------------------------------------


_each("reorder", _KINDS, lambda tf, k: sp(tf.sparse.reorder(_st(tf, k))))
_each("transpose", ("2d", "unordered", "3d", "empty"),
      lambda tf, k: sp(tf.sparse.transpose(_st(tf, k))))


@_add("transpose_perm")
def _(tf):
    return sp(tf.sparse.transpose(_st(tf, "3d"), [1, 0, 2]))


_each("reshape", ("2d", "unordered", "3d", "empty"),
      lambda tf, k: sp(tf.sparse.reshape(_st(tf, k), [-1, 2])))


@_add("reshape_3d_to_1d")
def _(tf):
    return sp(tf.sparse.reshape(_st(tf, "3d"), [24]))


@_add("reshape_bad")
def _(tf):
    return tf.sparse.reshape(_st(tf), [3, 3])


_each("expand_dims", ("2d", "1d", "3d"), lambda tf, k: [
    sp(tf.sparse.expand_dims(_st(tf, k), 0)), sp(tf.sparse.expand_dims(_st(tf, k), -1)),
    sp(tf.sparse.expand_dims(_st(tf, k), 1))])


@_add("eye")
def _(tf):
    return [sp(tf.sparse.eye(3)), sp(tf.sparse.eye(2, 4, dtype=tf.int32)),
            sp(tf.sparse.eye(4, 2))]


_each("slice", _KINDS, lambda tf, k: sp(tf.sparse.slice(
    _st(tf, k), [1] * len(_st(tf, k).shape), [2] * len(_st(tf, k).shape))))


@_add("slice_past_end")
def _(tf):
    return sp(tf.sparse.slice(_st(tf), [2, 3], [10, 10]))


_each("split", ("2d", "unordered", "3d", "empty"),
      lambda tf, k: [sp(s) for s in tf.sparse.split(sp_input=_st(tf, k), num_split=2, axis=1)])


@_add("split_uneven")
def _(tf):
    return [sp(s) for s in tf.sparse.split(sp_input=_st(tf), num_split=3, axis=1)]


@_add("concat_axis1")
def _(tf):
    a = _st(tf)
    b = tf.sparse.SparseTensor([[0, 0], [2, 1]], [7.0, 8.0], [4, 2])
    return sp(tf.sparse.concat(1, [a, b]))


@_add("concat_axis0_unordered")
def _(tf):
    a = _st(tf, "unordered")
    b = tf.sparse.SparseTensor([[1, 3], [0, 0]], [7.0, 8.0], [2, 4])
    return sp(tf.sparse.concat(0, [a, b]))


@_add("concat_3d_empty")
def _(tf):
    a = _st(tf, "3d")
    e = tf.sparse.SparseTensor(np.zeros((0, 3), np.int64), np.zeros(0, np.float32), [2, 3, 1])
    return sp(tf.sparse.concat(-1, [a, e, a]))


@_add("concat_expand")
def _(tf):
    a = _st(tf)
    b = tf.sparse.SparseTensor([[0, 6], [1, 1]], [7.0, 8.0], [2, 7])
    return sp(tf.sparse.concat(0, [a, b], expand_nonconcat_dims=True))


@_add("concat_mismatch")
def _(tf):
    b = tf.sparse.SparseTensor([[0, 6], [1, 1]], [7.0, 8.0], [2, 7])
    return tf.sparse.concat(0, [_st(tf), b])


@_add("reset_shape")
def _(tf):
    return [sp(tf.sparse.reset_shape(_st(tf))), sp(tf.sparse.reset_shape(_st(tf), [6, 7])),
            sp(tf.sparse.reset_shape(_st(tf, "empty")))]


@_add("reset_shape_smaller")
def _(tf):
    return tf.sparse.reset_shape(_st(tf), [2, 2])


@_add("retain")
def _(tf):
    return [sp(tf.sparse.retain(_st(tf), [True, False, True, False])),
            sp(tf.sparse.retain(_st(tf, "unordered"), np.array([False, True, True, True])))]


@_add("mask")
def _(tf):
    a = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                         tf.constant([0, 3, 5]), tf.constant([6, 2]))
    out = tf.sparse.mask(a, [3, 7])
    return [out.values, out.indices, out.dense_shape, type(out).__name__]


_each("fill_empty_rows", ("2d", "unordered", "1d", "3d", "empty"), lambda tf, k: [
    sp(tf.sparse.fill_empty_rows(_st(tf, k), -9.0)[0]),
    tf.sparse.fill_empty_rows(_st(tf, k), -9.0)[1]])


@_add("map_values")
def _(tf):
    st = _st(tf)
    return [sp(tf.sparse.map_values(tf.math.square, st)),
            sp(tf.sparse.map_values(tf.add, st, 10.0)),
            sp(tf.sparse.map_values(tf.multiply, st, st))]


@_add("map_values_mismatch")
def _(tf):
    return tf.sparse.map_values(tf.add, _st(tf), tf.sparse.eye(4, 5))


# -- arithmetic --------------------------------------------------------------------------------


@_add("add_sparse")
def _(tf):
    b = tf.sparse.SparseTensor([[0, 1], [2, 2], [3, 3]], [1.0, 5.0, -4.0], [4, 5])
    return [sp(tf.sparse.add(_st(tf), b)), sp(tf.sparse.add(_st(tf), b, threshold=1.0))]


@_add("add_dense")
def _(tf):
    dense = tf.reshape(tf.range(20, dtype=tf.float32), [4, 5])
    return [tf.sparse.add(_st(tf), dense), tf.sparse.add(dense, _st(tf))]


@_add("add_empty")
def _(tf):
    return sp(tf.sparse.add(_st(tf, "empty"), _st(tf, "empty")))


@_add("add_shape_mismatch")
def _(tf):
    return tf.sparse.add(_st(tf), _st(tf, "unordered"))


@_add("maximum_minimum")
def _(tf):
    a = tf.sparse.SparseTensor([[0, 0], [1, 1], [2, 0]], [1.0, -2.0, 3.0], [3, 2])
    b = tf.sparse.SparseTensor([[0, 0], [1, 0], [2, 0]], [-1.0, -5.0, 4.0], [3, 2])
    return [sp(tf.sparse.maximum(a, b)), sp(tf.sparse.minimum(a, b))]


def _reduce(fn_name):
    def scenario(tf, kind):
        st = tf.sparse.reorder(_st(tf, kind))
        fn = getattr(tf.sparse, fn_name)
        rank = len(st.shape)
        out = [fn(st), fn(st, axis=0), fn(st, axis=-1, keepdims=True),
               sp(fn(st, axis=0, output_is_sparse=True)),
               sp(fn(st, axis=-1, keepdims=True, output_is_sparse=True))]
        if rank == 3:
            out.append(fn(st, axis=[0, 2]))
        return out
    return scenario


_each("reduce_sum", _KINDS, _reduce("reduce_sum"))
_each("reduce_max", ("2d", "unordered", "1d", "3d"), _reduce("reduce_max"))


@_add("reduce_sum_bad_axis")
def _(tf):
    return tf.sparse.reduce_sum(_st(tf), axis=2)


@_add("softmax")
def _(tf):
    return [sp(tf.sparse.softmax(_st(tf))), sp(tf.sparse.softmax(_st(tf, "3d"))),
            sp(tf.sparse.softmax(tf.sparse.reorder(_st(tf, "unordered"))))]


@_add("sparse_dense_matmul")
def _(tf):
    st = _st(tf)
    b = tf.constant(_rng().normal(size=(5, 3)).astype(np.float32))
    bt = tf.constant(_rng(1).normal(size=(3, 5)).astype(np.float32))
    c = tf.constant(_rng(2).normal(size=(4, 2)).astype(np.float32))
    d = tf.constant(_rng(3).normal(size=(2, 4)).astype(np.float32))
    return [tf.sparse.sparse_dense_matmul(st, b), tf.sparse.sparse_dense_matmul(st, bt,
                                                                                adjoint_b=True),
            tf.sparse.sparse_dense_matmul(st, c, adjoint_a=True),
            tf.sparse.sparse_dense_matmul(d, st),
            tf.sparse.sparse_dense_matmul(_st(tf, "empty"), tf.ones([2, 3])),
            tf.sparse.sparse_dense_matmul(_st(tf, "unordered"), tf.ones([4, 2]))]


@_add("sparse_dense_matmul_mismatch")
def _(tf):
    return tf.sparse.sparse_dense_matmul(_st(tf), tf.ones([4, 2]))


@_add("sampled_addmm")
def _(tf):
    indices = tf.constant([[0, 0], [1, 1], [0, 1]])
    mat1 = tf.constant(np.arange(1, 7, dtype=np.float32).reshape(2, 3))
    mat2 = tf.constant(np.arange(7, 13, dtype=np.float32).reshape(3, 2))
    out = tf.sparse.sampled_addmm(indices, tf.constant([3.0, 5.0, 1.0]), tf.constant([2, 2]),
                                  mat1, mat2, alpha=0.75, beta=0.25)
    return list(out)


@_add("sampled_addmm_batch")
def _(tf):
    indices = tf.constant([0, 1, 1, 0, 0, 0, 1, 0], shape=[2, 2, 2])
    values = tf.constant([3, 5, 2, 7], shape=[2, 2], dtype=tf.float32)
    mat1 = tf.constant(np.arange(1, 13), shape=[2, 2, 3], dtype=tf.float32)
    mat2 = tf.constant(np.arange(13, 25), shape=[2, 3, 2], dtype=tf.float32)
    return list(tf.sparse.sampled_addmm(indices, values, tf.constant([2, 2]), mat1, mat2,
                                        alpha=0.75, beta=0.25))


@_add("sampled_addmm_bad_shape")
def _(tf):
    return tf.sparse.sampled_addmm(tf.constant([[0, 0]]), tf.constant([1.0]),
                                   tf.constant([3, 2]), tf.ones([2, 3]), tf.ones([3, 2]))


def _segment(fn_name):
    def scenario(tf, case):
        data = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3) - 4)
        fn = getattr(tf.sparse, fn_name)
        if case == "sorted":
            return fn(data, tf.constant([0, 1, 3, 3]), tf.constant([0, 0, 2, 2]))
        if case == "num":
            return fn(data, tf.constant([2, 1, 0]), tf.constant([1, 1, 3]), num_segments=5)
        if case == "1d":
            return fn(tf.constant([1.0, 4.0, 9.0]), tf.constant([2, 0, 1, 2]),
                      tf.constant([0, 1, 1, 1]))
        if case == "unsorted":
            return fn(data, tf.constant([0, 1]), tf.constant([1, 0]))
        if case == "bad_index":
            return fn(data, tf.constant([0, 7]), tf.constant([0, 0]))
        raise KeyError(case)
    return scenario


for _fn in ("segment_sum", "segment_mean", "segment_sqrt_n"):
    _each(_fn, ("sorted", "num", "1d", "unsorted", "bad_index"), _segment(_fn))


@_add("bincount")
def _(tf):
    data = np.array([[10, 2, 3, 2], [1, 1, 5, 7]], np.int32)
    out = []
    for kwargs in ({}, {"minlength": 20}, {"maxlength": 6}, {"binary_output": True},
                   {"weights": np.full((2, 4), 0.5, np.float32)}):
        for axis in (0, -1):
            out.append(sp(tf.sparse.bincount(data, axis=axis, **kwargs)))
    return out


@_add("bincount_sparse_input")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [0, 3], [2, 0]], tf.constant([4, 1, 4], tf.int64),
                                [3, 4])
    return [sp(tf.sparse.bincount(st)), sp(tf.sparse.bincount(st, axis=-1)),
            sp(tf.sparse.bincount(st, axis=-1, minlength=8))]


@_add("bincount_weights_and_binary")
def _(tf):
    return tf.sparse.bincount([1, 2], weights=[1.0, 1.0], binary_output=True)


# -- crosses -----------------------------------------------------------------------------------


def _cross_inputs(tf):
    a = tf.sparse.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], [2, 2])
    b = tf.sparse.SparseTensor([[0, 0], [1, 0]], tf.constant([7, 3], tf.int64), [2, 1])
    c = tf.constant([["d", "e"], ["f", "g"]])
    return a, b, c


@_add("cross")
def _(tf):
    a, b, c = _cross_inputs(tf)
    return [sp(tf.sparse.cross([a, b, c])), sp(tf.sparse.cross([c, a], separator="--"))]


@_add("cross_empty_row")
def _(tf):
    a = tf.sparse.SparseTensor([[0, 0], [2, 0]], ["x", "y"], [3, 1])
    b = tf.constant([["p"], ["q"], ["r"]])
    return sp(tf.sparse.cross([a, b]))


@_add("cross_hashed")
def _(tf):
    a, b, c = _cross_inputs(tf)
    return [sp(tf.sparse.cross_hashed([a, b, c])),
            sp(tf.sparse.cross_hashed([a, c], num_buckets=100)),
            sp(tf.sparse.cross_hashed([c, b], num_buckets=7, hash_key=123))]


@_add("cross_batch_mismatch")
def _(tf):
    a, _, _ = _cross_inputs(tf)
    return tf.sparse.cross([a, tf.constant([["x"]])])


# -- gradients ---------------------------------------------------------------------------------


def _grad(tf, fn, *sources):
    sources = [tf.constant(s) for s in sources]
    with tf.GradientTape() as tape:
        for s in sources:
            tape.watch(s)
        out = fn(*sources)
        weights = tf.constant(_rng(7).normal(size=out.shape).astype(np.float32))
        loss = tf.reduce_sum(out * weights)
    # a gather's gradient may come as IndexedSlices: compare the dense value
    return [out] + [None if g is None else tf.convert_to_tensor(g)
                    for g in tape.gradient(loss, sources)]


_VALUES = np.array([1.5, -2.0, 3.0, 4.0], np.float32)
_IDX = [[0, 1], [1, 0], [1, 2], [3, 3]]


def _sparse(tf, values, idx=None, shape=(4, 5)):
    return tf.sparse.SparseTensor(_IDX if idx is None else idx, values, list(shape))


@_add("grad_to_dense")
def _(tf):
    return _grad(tf, lambda v, d: tf.sparse.to_dense(_sparse(tf, v), default_value=d),
                 _VALUES, np.float32(0.5))


@_add("grad_matmul")
def _(tf):
    b = _rng(4).normal(size=(5, 3)).astype(np.float32)
    return _grad(tf, lambda v, m: tf.sparse.sparse_dense_matmul(_sparse(tf, v), m), _VALUES, b)


@_add("grad_matmul_adjoint")
def _(tf):
    b = _rng(5).normal(size=(2, 4)).astype(np.float32)
    return _grad(tf, lambda v, m: tf.sparse.sparse_dense_matmul(_sparse(tf, v), m,
                                                               adjoint_a=True, adjoint_b=True),
                 _VALUES, b)


@_add("grad_reduce_sum")
def _(tf):
    return _grad(tf, lambda v: tf.sparse.reduce_sum(_sparse(tf, v), axis=1), _VALUES)


@_add("grad_add")
def _(tf):
    dense = _rng(6).normal(size=(4, 5)).astype(np.float32)
    b_idx = [[0, 1], [2, 2]]

    def fn(v, w, d):
        s = tf.sparse.add(_sparse(tf, v), _sparse(tf, w, b_idx))
        return tf.sparse.add(s, d)
    return _grad(tf, fn, _VALUES, np.array([2.0, -1.0], np.float32), dense)


@_add("grad_softmax")
def _(tf):
    return _grad(tf, lambda v: tf.sparse.to_dense(tf.sparse.softmax(_sparse(tf, v))), _VALUES)


@_add("grad_from_dense")
def _(tf):
    dense = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, -3.0]], np.float32)
    return _grad(tf, lambda d: tf.sparse.reduce_sum(tf.sparse.from_dense(d) * d, axis=0), dense)


@_add("grad_mul_dense")
def _(tf):
    col = np.array([[2.0], [3.0], [4.0], [5.0]], np.float32)
    return _grad(tf, lambda v, c: tf.sparse.to_dense(_sparse(tf, v) * c), _VALUES, col)


@_add("grad_reorder_slice_reshape")
def _(tf):
    unordered = [[3, 3], [1, 2], [0, 1], [1, 0]]

    def fn(v):
        st = tf.sparse.reorder(_sparse(tf, v, unordered))
        st = tf.sparse.slice(st, [0, 0], [3, 5])
        return tf.sparse.to_dense(tf.sparse.reshape(st, [5, 3]))
    return _grad(tf, fn, _VALUES)


@_add("grad_segment")
def _(tf):
    data = _rng(8).normal(size=(4, 3)).astype(np.float32)
    return _grad(tf, lambda d: tf.sparse.segment_mean(d, [0, 1, 3, 3], [0, 0, 2, 2]) +
                 tf.sparse.segment_sqrt_n(d, [2, 2, 1, 0], [0, 1, 1, 2]), data)


@_add("grad_fill_empty_rows")
def _(tf):
    return _grad(tf, lambda v, d: tf.sparse.to_dense(tf.sparse.fill_empty_rows(
        _sparse(tf, v), d)[0]), _VALUES, np.float32(-1.0))


@_add("grad_transpose_map_values")
def _(tf):
    return _grad(tf, lambda v: tf.sparse.to_dense(tf.sparse.transpose(
        tf.sparse.map_values(tf.math.square, _sparse(tf, v)))), _VALUES)


@_add("grad_sampled_addmm")
def _(tf):
    m1 = _rng(9).normal(size=(2, 3)).astype(np.float32)
    m2 = _rng(10).normal(size=(3, 2)).astype(np.float32)
    return _grad(tf, lambda v, a, b: tf.sparse.sampled_addmm(
        [[0, 0], [1, 1], [0, 1]], v, [2, 2], a, b, beta=0.5, alpha=2.0)[1],
        np.array([1.0, 2.0, 3.0], np.float32), m1, m2)


# -- tf.data -----------------------------------------------------------------------------------


@_add("data_map_to_dense")
def _(tf):
    ds = tf.data.Dataset.range(3).map(
        lambda i: tf.sparse.to_dense(tf.sparse.SparseTensor([[0]], [i], [2])))
    return list(ds.as_numpy_iterator())


# -- unordered inputs and other dtypes ---------------------------------------------------------


@_add("add_unordered")
def _(tf):
    b = tf.sparse.SparseTensor([[1, 3], [0, 1]], [1.0, 5.0], [2, 4])
    return sp(tf.sparse.add(_st(tf, "unordered"), b))


@_add("softmax_unordered")
def _(tf):
    return sp(tf.sparse.softmax(_st(tf, "unordered")))


@_add("maximum_unordered")
def _(tf):
    a = _st(tf, "unordered")
    return [sp(tf.sparse.maximum(tf.sparse.reorder(a), tf.sparse.reorder(a * -1.0))),
            sp(tf.sparse.minimum(tf.sparse.reorder(a), tf.sparse.eye(2, 4)))]


@_add("reduce_sum_unordered_raw")
def _(tf):
    st = _st(tf, "unordered")
    return [tf.sparse.reduce_sum(st, 1), sp(tf.sparse.reduce_sum(st, 1, output_is_sparse=True)),
            sp(tf.sparse.reduce_sum(st, 0, output_is_sparse=True))]


@_add("reduce_sum_int")
def _(tf):
    st = _st(tf, "int")
    return [tf.sparse.reduce_sum(st), tf.sparse.reduce_sum(st, 0), tf.sparse.reduce_max(st, 1)]


@_add("to_dense_bool_int64")
def _(tf):
    return [tf.sparse.to_dense(tf.sparse.SparseTensor([[0], [2]], [True, True], [3])),
            tf.sparse.to_dense(tf.sparse.SparseTensor([[1, 1]], tf.constant([5], tf.int64),
                                                      [2, 2]))]


@_add("from_dense_bool_strings")
def _(tf):
    return [sp(tf.sparse.from_dense(tf.constant([[True, False], [False, True]]))),
            sp(tf.sparse.from_dense(tf.constant(["a", "", "b"])))]


@_add("sparse_dense_matmul_float64_int")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [1, 0]], tf.constant([2.0, 3.0], tf.float64), [2, 2])
    it = tf.sparse.SparseTensor([[0, 1], [1, 0]], tf.constant([2, 3]), [2, 2])
    return [tf.sparse.sparse_dense_matmul(st, tf.constant([[1.0], [2.0]], tf.float64)),
            tf.sparse.sparse_dense_matmul(it, tf.constant([[1], [2]]))]


@_add("cross_unordered_int")
def _(tf):
    a = tf.sparse.SparseTensor([[1, 0], [0, 1], [0, 0]], tf.constant([3, 2, 1], tf.int64),
                               [2, 2])
    b = tf.constant([[10], [20]], tf.int64)
    return [sp(tf.sparse.cross([a, b])), sp(tf.sparse.cross_hashed([a, b], num_buckets=1000))]


@_add("to_indicator_unordered")
def _(tf):
    st = tf.sparse.SparseTensor([[1, 0], [0, 1], [0, 0]], tf.constant([3, 2, 1], tf.int64),
                                [2, 2])
    return tf.sparse.to_indicator(st, 4)


@_add("segment_sum_int")
def _(tf):
    return tf.sparse.segment_sum(tf.constant([[1, 2], [3, 4], [5, 6]]), [0, 2], [0, 1])


@_add("expand_dims_bad_axis")
def _(tf):
    return tf.sparse.expand_dims(_st(tf), 3)


@_add("slice_unordered_3d")
def _(tf):
    st = tf.sparse.SparseTensor([[1, 2, 3], [0, 0, 1], [1, 1, 1], [0, 2, 0]],
                                [0.5, 1.0, -3.0, 2.0], [2, 3, 4])
    return sp(tf.sparse.slice(st, [0, 1, 0], [2, 2, 2]))


@_add("data_sparse_slices_batch")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [2, 0], [2, 3]], [1.0, 2.0, 3.0], [4, 5])
    ds = tf.data.Dataset.from_tensor_slices(st)
    rows = [sp(e) for e in ds]
    batches = [sp(e) for e in ds.batch(3)]
    return [ds.element_spec, ds.batch(3).element_spec, rows, batches]


@_add("data_sparse_map_spec")
def _(tf):
    ds = tf.data.Dataset.range(3).map(lambda i: tf.sparse.SparseTensor([[i]], [i], [4]))
    mixed = tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[0]], [1], [2])).concatenate(
        tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[3]], [1], [5])))
    return [ds.element_spec, mixed.element_spec, [sp(e) for e in mixed.batch(2)]]


@_add("data_sparse_tuple_to_dense")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [2, 0], [2, 3]], [1.0, 2.0, 3.0], [4, 5])
    ds = tf.data.Dataset.from_tensor_slices((st, tf.range(4)))
    return list(ds.batch(2).map(lambda s, y: (tf.sparse.to_dense(s), y)).as_numpy_iterator())


# -- TF's dispatch of dense ops on SparseTensors (need the ops/ hooks in the sparse report) ---


@_add("dispatch_unary")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], [-1.5, 4.0, 0.25], [2, 3])
    return [sp(f(st)) for f in (tf.abs, tf.math.negative, tf.square, tf.sqrt, tf.math.sign,
                                tf.sin, tf.math.tan, tf.math.atan, tf.math.asin, tf.math.erf)]


@_add("dispatch_cast_identity_shape")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [1, 0]], [-1.5, 4.0], [2, 3])
    return [sp(tf.cast(st, tf.int32)), sp(tf.identity(st)), tf.shape(st),
            tf.shape(st, out_type=tf.int64), tf.size(st), tf.rank(st)]


@_add("dispatch_dense_times_sparse")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1], [1, 0]], [-1.5, 4.0], [2, 3])
    return sp(tf.constant([[2.0], [3.0]]) * st)


@_add("dispatch_grad_abs_cast")
def _(tf):
    v = tf.constant([-1.5, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(v)
        st = tf.sparse.SparseTensor([[0, 1], [1, 0]], v, [2, 3])
        loss = tf.reduce_sum(tf.sparse.to_dense(tf.abs(st) * tf.constant([[2.0], [3.0]])))
    return tape.gradient(loss, v)
