# ruff: noqa: E501, E741 - a table of one-line cases over short array names (I = ints)
"""keras.ops (Keras 3's NumPy-like ops) on fixed inputs: values and dtypes from real Keras.

Recorded with the TensorFlow backend (``tf.keras.ops``), the one featherflow's users have;
its dtype rules equal the NumPy backend's except that 64-bit types stay 64-bit.
Each scenario calls one op; ``grad_*`` scenarios take a gradient through a few ops.
"""

import numpy as np

_rng = np.random.default_rng(20261203)
F = _rng.uniform(-2, 2, (3, 4)).astype(np.float32)        # general floats
G = _rng.uniform(-2, 2, (3, 4)).astype(np.float32)
P = _rng.uniform(0.1, 3, (3, 4)).astype(np.float32)       # positive
U = _rng.uniform(-0.9, 0.9, (3, 4)).astype(np.float32)    # inside (-1, 1)
BIG = _rng.uniform(1.1, 4, (3, 4)).astype(np.float32)     # > 1
I = _rng.integers(-5, 6, (3, 4)).astype(np.int32)
J = _rng.integers(1, 6, (3, 4)).astype(np.int32)
V = _rng.uniform(-2, 2, (5,)).astype(np.float32)
W = _rng.uniform(-2, 2, (5,)).astype(np.float32)
T3 = _rng.uniform(-2, 2, (2, 3, 4)).astype(np.float32)
SQ = _rng.uniform(-2, 2, (3, 3)).astype(np.float32)
NANS = np.array([[1.0, np.nan, 3.0], [np.inf, -np.inf, 0.5]], np.float32)
B = F > 0
F64 = F.astype(np.float64)
I64 = I.astype(np.int64)
U8 = np.array([1, 200, 255, 3], np.uint8)
I8 = np.array([-1, 100, -128, 3], np.int8)
SORTED = np.array([0.5, 1.0, 2.0, 4.0], np.float32)

UNARY_FLOAT = {
    "abs": F, "absolute": F, "fabs": F, "arccos": U, "arccosh": BIG, "arcsin": U, "arcsinh": F,
    "arctan": F, "arctanh": U, "cbrt": F, "ceil": F, "conj": F, "conjugate": F, "cos": F,
    "cosh": F, "deg2rad": F, "exp": F, "exp2": F, "expm1": F, "floor": F, "log": P,
    "log10": P, "log1p": P, "log2": P, "negative": F, "rad2deg": F, "reciprocal": P,
    "round": F, "sign": F, "signbit": F, "sin": F, "sinh": F, "sqrt": P, "square": F,
    "tan": U, "tanh": F, "trunc": F, "isfinite": NANS, "isinf": NANS, "isnan": NANS,
    "isneginf": NANS, "isposinf": NANS, "isreal": F, "real": F, "imag": F, "copy": F,
    "i0": F, "sinc": F, "logical_not": B, "ravel": T3, "angle": F,
}
# (reciprocal of an int tensor is left out: TF 2.21 has no CPU kernel for it)
UNARY_INT = ["abs", "sqrt", "exp", "negative", "square", "sign", "log1p", "sin", "round",
             "floor", "ceil", "bitwise_invert", "bitwise_not", "cbrt", "exp2",
             "trunc", "real", "isnan"]
BINARY = {
    "add": (F, G), "subtract": (F, G), "multiply": (F, G), "divide": (F, P),
    "true_divide": (F, P), "floor_divide": (F, P), "mod": (F, P), "fmod": (F, P),
    "power": (P, G), "maximum": (F, G), "minimum": (F, G), "fmax": (F, G), "fmin": (F, G),
    "arctan2": (F, G), "hypot": (F, G), "logaddexp": (F, G), "logaddexp2": (F, G),
    "heaviside": (F, G), "nextafter": (F, G), "equal": (F, F), "not_equal": (F, G),
    "greater": (F, G), "greater_equal": (F, G), "less": (F, G), "less_equal": (F, G),
    "logical_and": (B, G > 0), "logical_or": (B, G > 0), "logical_xor": (B, G > 0),
    "divide_no_nan": (F, np.where(G > 0, G, 0).astype(np.float32)),
    "bitwise_and": (I, J), "bitwise_or": (I, J), "bitwise_xor": (I, J),
    "left_shift": (J, J), "right_shift": (J * 8, J), "bitwise_left_shift": (J, J),
    "bitwise_right_shift": (J * 8, J), "gcd": (I, J), "lcm": (I, J),
    "ldexp": (F, J), "outer": (V, W), "inner": (V, W), "vdot": (F, G), "kron": (SQ, SQ[:2]),
    "dot": (F, G.T), "matmul": (T3, G.T), "isclose": (F, F + 1e-6), "allclose": (F, F + 1e-6),
}
PROMOTION = {
    "int32+float32": ("add", I, F), "int32+pyfloat": ("add", I, 1.5),
    "float32+pyint": ("multiply", F, 2), "int32+pyint": ("add", I, 3),
    "uint8+int8": ("add", U8, I8), "int32/int32": ("divide", I, J),
    "int32//int32": ("floor_divide", I, J), "int64+float32": ("add", I64, F),
    "float64+float32": ("add", F64, F), "bool+int32": ("add", B, I),
    "int32**int32": ("power", J, J), "int32%pyint": ("mod", I, 3),
    "float32>pyint": ("greater", F, 0), "int64*pyfloat": ("multiply", I64, 0.5),
}
REDUCE = {
    "sum": F, "mean": F, "max": F, "min": F, "prod": F, "std": F, "var": F, "all": B, "any": B,
    "amax": F, "amin": F, "argmax": F, "argmin": F, "count_nonzero": I, "median": F, "ptp": F,
    "nansum": NANS, "nanmean": NANS, "nanmax": NANS, "nanmin": NANS, "nanprod": NANS,
    "nanstd": NANS, "nanvar": NANS, "nanmedian": NANS, "nanargmax": NANS, "nanargmin": NANS,
}
INT_REDUCE = ["sum", "mean", "max", "prod", "std", "var", "argmax", "median"]
CUMULATIVE = {"cumsum": F, "cumprod": F, "nancumsum": NANS, "nancumprod": NANS}

SCENARIOS = {}


def _add(name, fn):
    if name in SCENARIOS:
        raise KeyError(name)
    SCENARIOS[name] = fn


def _op(tf, name):
    return getattr(tf.keras.ops, name)


for _name, _x in UNARY_FLOAT.items():
    _add(f"unary_{_name}", lambda tf, n=_name, x=_x: _op(tf, n)(x))
for _name in UNARY_INT:
    _add(f"unary_int_{_name}", lambda tf, n=_name: _op(tf, n)(I if n != "log1p" else J))
for _name, (_a, _b) in BINARY.items():
    _add(f"binary_{_name}", lambda tf, n=_name, a=_a, b=_b: _op(tf, n)(a, b))
for _key, (_name, _a, _b) in PROMOTION.items():
    _add(f"promote_{_key}", lambda tf, n=_name, a=_a, b=_b: _op(tf, n)(a, b))
for _name, _x in REDUCE.items():
    _add(f"reduce_{_name}", lambda tf, n=_name, x=_x: _op(tf, n)(x))
    if _name not in ("count_nonzero",):
        _add(f"reduce_{_name}_axis", lambda tf, n=_name, x=_x: _op(tf, n)(x, axis=1))
    if _name not in ("count_nonzero", "nanargmax", "nanargmin", "argmax", "argmin"):
        _add(f"reduce_{_name}_keepdims",
             lambda tf, n=_name, x=_x: _op(tf, n)(x, axis=0, keepdims=True))
for _name in INT_REDUCE:
    _add(f"reduce_int_{_name}", lambda tf, n=_name: _op(tf, n)(I, axis=0))
for _name, _x in CUMULATIVE.items():
    _add(f"cumulative_{_name}", lambda tf, n=_name, x=_x: _op(tf, n)(x))
    _add(f"cumulative_{_name}_axis", lambda tf, n=_name, x=_x: _op(tf, n)(x, axis=1))

CASES = {
    "argmax_keepdims": lambda o: o.argmax(F, axis=1, keepdims=True),
    "count_nonzero_axis": lambda o: o.count_nonzero(I, axis=0),
    "max_initial": lambda o: o.max(F, axis=0, initial=1.0),
    "average_weights": lambda o: o.average(F, axis=1, weights=P[0]),
    "average_plain": lambda o: o.average(F),
    "logsumexp": lambda o: o.logsumexp(F, axis=1),
    "logsumexp_all": lambda o: o.logsumexp(F),
    "quantile": lambda o: o.quantile(F, 0.3, axis=1),
    "quantile_many": lambda o: o.quantile(F, np.array([0.1, 0.5, 0.9], np.float32)),
    "percentile": lambda o: o.percentile(F, 40.0, axis=0),
    "quantile_nearest": lambda o: o.quantile(F, 0.3, method="nearest"),
    "nanquantile": lambda o: o.nanquantile(NANS, 0.5, axis=1),
    "nanpercentile": lambda o: o.nanpercentile(NANS, 50.0),
    "reshape": lambda o: o.reshape(T3, (4, -1)),
    "transpose": lambda o: o.transpose(T3),
    "transpose_axes": lambda o: o.transpose(T3, (1, 0, 2)),
    "expand_dims": lambda o: o.expand_dims(F, 1),
    "expand_dims_many": lambda o: o.expand_dims(F, (0, 2)),
    "squeeze": lambda o: o.squeeze(F[None, :, None]),
    "squeeze_axis": lambda o: o.squeeze(F[None, :, None], axis=0),
    "flip": lambda o: o.flip(F, axis=1),
    "flip_all": lambda o: o.flip(F),
    "fliplr": lambda o: o.fliplr(F), "flipud": lambda o: o.flipud(F),
    "rot90": lambda o: o.rot90(F), "rot90_k": lambda o: o.rot90(T3, k=3, axes=(1, 2)),
    "roll": lambda o: o.roll(F, 2), "roll_axis": lambda o: o.roll(F, -1, axis=1),
    "tile": lambda o: o.tile(F, (2, 1)), "tile_int": lambda o: o.tile(V, 2),
    "repeat": lambda o: o.repeat(F, 2), "repeat_axis": lambda o: o.repeat(F, [1, 2, 0], axis=0),
    "broadcast_to": lambda o: o.broadcast_to(V, (2, 5)),
    "concatenate": lambda o: o.concatenate([F, G], axis=1),
    "concatenate_mixed": lambda o: o.concatenate([F, I]),
    "stack": lambda o: o.stack([F, G], axis=1),
    "hstack": lambda o: o.hstack([F, G]), "vstack": lambda o: o.vstack([F, G]),
    "dstack": lambda o: o.dstack([F, G]),
    "split": lambda o: o.split(F, 2, axis=1), "split_indices": lambda o: o.split(F, [1, 3], 1),
    "array_split": lambda o: o.array_split(V, 3),
    "hsplit": lambda o: o.hsplit(F, 2), "vsplit": lambda o: o.vsplit(T3, 2),
    "dsplit": lambda o: o.dsplit(T3, [1]),
    "swapaxes": lambda o: o.swapaxes(T3, 0, 2), "moveaxis": lambda o: o.moveaxis(T3, 0, -1),
    "tril": lambda o: o.tril(F), "triu": lambda o: o.triu(F, k=1), "tril_k": lambda o: o.tril(F, -1),
    "diag": lambda o: o.diag(SQ), "diag_vector": lambda o: o.diag(V, k=1),
    "diagflat": lambda o: o.diagflat(SQ[:2, :2]),
    "diagonal": lambda o: o.diagonal(T3, offset=1, axis1=1, axis2=2),
    "trace": lambda o: o.trace(SQ), "trace_offset": lambda o: o.trace(T3, 1, 1, 2),
    "pad": lambda o: o.pad(F, ((1, 0), (0, 2))),
    "pad_value": lambda o: o.pad(F, ((1, 1), (1, 1)), constant_values=9.0),
    "pad_reflect": lambda o: o.pad(F, ((1, 1), (2, 2)), mode="reflect"),
    "pad_symmetric": lambda o: o.pad(F, ((1, 1), (2, 2)), mode="symmetric"),
    "take": lambda o: o.take(F, np.array([0, 5, 11])),
    "take_axis": lambda o: o.take(F, np.array([[0, 2], [1, 1]]), axis=1),
    "take_negative": lambda o: o.take(F, np.array([-1, 0]), axis=0),
    "take_along_axis": lambda o: o.take_along_axis(F, np.argsort(F, axis=1), axis=1),
    "where": lambda o: o.where(B, F, G), "where_scalar": lambda o: o.where(B, F, 0.0),
    "where_indices": lambda o: o.where(B),
    "select": lambda o: o.select([F > 1, F < -1], [F, G], default=0.0),
    "sort": lambda o: o.sort(F), "sort_axis0": lambda o: o.sort(F, axis=0),
    "argsort": lambda o: o.argsort(F), "argsort_axis0": lambda o: o.argsort(F, axis=0),
    "argpartition": lambda o: o.sort(o.argpartition(V, 2)[:2]),
    "unique": lambda o: o.unique(np.array([3, 1, 3, 2, 1], np.int32)),
    "unique_all": lambda o: o.unique(np.array([3, 1, 3, 2, 1], np.int32), return_index=True,
                                     return_inverse=True, return_counts=True),
    "searchsorted": lambda o: o.searchsorted(SORTED, np.array([0.1, 1.0, 3.0, 5.0], np.float32)),
    "searchsorted_right": lambda o: o.searchsorted(SORTED, np.array([1.0, 2.0], np.float32),
                                                   side="right"),
    "digitize": lambda o: o.digitize(V, SORTED),
    "bincount": lambda o: o.bincount(np.array([0, 1, 1, 4], np.int32)),
    "bincount_weights": lambda o: o.bincount(np.array([0, 1, 1, 4], np.int32),
                                             weights=np.array([0.5, 1, 2, 3], np.float32),
                                             minlength=6),
    "meshgrid": lambda o: o.meshgrid(V[:2], W[:3]),
    "meshgrid_ij": lambda o: o.meshgrid(V[:2], W[:3], indexing="ij"),
    "tensordot": lambda o: o.tensordot(T3, G.T, axes=1),
    "tensordot_pairs": lambda o: o.tensordot(T3, F, axes=([1, 2], [0, 1])),
    "einsum": lambda o: o.einsum("ij,kj->ik", F, G),
    "einsum_batch": lambda o: o.einsum("bij,jk->bik", T3, G.T),
    "cross": lambda o: o.cross(F[:, :3], G[:, :3]),
    "clip": lambda o: o.clip(F, -1.0, 0.5), "clip_int": lambda o: o.clip(I, -2, 2),
    "append": lambda o: o.append(F, G), "append_axis": lambda o: o.append(F, G, axis=0),
    "identity": lambda o: o.identity(3), "eye": lambda o: o.eye(3, 4, k=1),
    "eye_dtype": lambda o: o.eye(2, dtype="int32"),
    "ones": lambda o: o.ones((2, 3)), "zeros": lambda o: o.zeros((2,), dtype="int32"),
    "full": lambda o: o.full((2, 2), 7), "full_float": lambda o: o.full((2, 2), 0.5),
    "full_like": lambda o: o.full_like(I, 2.5), "ones_like": lambda o: o.ones_like(F),
    "zeros_like": lambda o: o.zeros_like(I, dtype="float32"),
    "empty_shape": lambda o: o.shape(o.empty((2, 3))),
    "arange": lambda o: o.arange(5), "arange_float": lambda o: o.arange(0, 2, 0.5),
    "arange_start": lambda o: o.arange(2, 9, 3), "arange_dtype": lambda o: o.arange(3, dtype="float32"),
    "linspace": lambda o: o.linspace(0, 1, 5), "linspace_noend": lambda o: o.linspace(0, 1, 4, endpoint=False),
    "logspace": lambda o: o.logspace(0, 2, 3), "geomspace": lambda o: o.geomspace(1, 8, 4),
    "tri": lambda o: o.tri(3, 4, k=0), "vander": lambda o: o.vander(V[:3]),
    "vander_inc": lambda o: o.vander(V[:3], 4, increasing=True),
    "histogram": lambda o: o.histogram(V, bins=3),
    "corrcoef": lambda o: o.corrcoef(F), "correlate": lambda o: o.correlate(V, W[:3]),
    "correlate_full": lambda o: o.correlate(V, W[:3], mode="full"),
    "correlate_same": lambda o: o.correlate(V, W[:3], mode="same"),
    "diff": lambda o: o.diff(F), "diff_n": lambda o: o.diff(F, n=2, axis=0),
    "isin": lambda o: o.isin(I, np.array([0, 1, 2], np.int32)),
    "nonzero": lambda o: o.nonzero(I), "unravel_index": lambda o: o.unravel_index(np.array([1, 7]), (3, 4)),
    "size": lambda o: o.size(T3), "ndim": lambda o: o.ndim(T3), "shape": lambda o: o.shape(T3),
    "cast": lambda o: o.cast(F, "int32"), "cast_bool": lambda o: o.cast(I, "bool"),
    "top_k": lambda o: o.top_k(F, 2), "top_k_unsorted_values": lambda o: o.sort(o.top_k(F, 2, sorted=False)[0]),
    "one_hot": lambda o: o.one_hot(np.array([0, 2, 1]), 3),
    "one_hot_axis": lambda o: o.one_hot(np.array([0, 2, 1]), 3, axis=0),
    "multi_hot": lambda o: o.multi_hot(np.array([[0, 2], [1, 1]]), 3),
    "segment_sum": lambda o: o.segment_sum(F, np.array([0, 0, 1])),
    "segment_sum_n": lambda o: o.segment_sum(F, np.array([0, 2, 2]), num_segments=4),
    "segment_max": lambda o: o.segment_max(F, np.array([0, 0, 1])),
    "moments": lambda o: o.moments(F, axes=[0]),
    "moments_keepdims": lambda o: o.moments(T3, axes=[0, 1], keepdims=True),
    "trapezoid": lambda o: o.trapezoid(F), "trapezoid_x": lambda o: o.trapezoid(V, W),
    "nan_to_num": lambda o: o.nan_to_num(NANS), "nan_to_num_values": lambda o: o.nan_to_num(NANS, nan=-1.0, posinf=9.0, neginf=-9.0),
    "round_decimals": lambda o: o.round(F, decimals=2),
    "get_item": lambda o: o.get_item(F, 1), "slice": lambda o: o.slice(F, (1, 0), (2, 3)),
    "slice_update": lambda o: o.slice_update(F, (1, 1), np.ones((2, 2), np.float32)),
    "scatter": lambda o: o.scatter(np.array([[0, 1], [2, 3]]), np.array([1.0, 2.0], np.float32), (3, 4)),
    "scatter_update": lambda o: o.scatter_update(F, np.array([[0, 1], [2, 3]]), np.array([9.0, 8.0], np.float32)),
    "unstack": lambda o: o.unstack(F), "unstack_axis": lambda o: o.unstack(F, axis=1),
    "sum_int_dtype": lambda o: o.sum(B), "mean_bool": lambda o: o.mean(B),
    "prod_int": lambda o: o.prod(J, axis=1),
    "cumsum_int": lambda o: o.cumsum(I), "cumsum_dtype": lambda o: o.cumsum(I, dtype="float32"),
    "std_all_int": lambda o: o.std(I), "softmax": lambda o: o.softmax(F), "softmax_axis0": lambda o: o.softmax(F, axis=0),
    "log_softmax": lambda o: o.log_softmax(F), "sigmoid": lambda o: o.sigmoid(F),
    "relu": lambda o: o.relu(F), "relu_int": lambda o: o.relu(I), "softplus": lambda o: o.softplus(F),
    "silu": lambda o: o.silu(F), "gelu": lambda o: o.gelu(F), "gelu_exact": lambda o: o.gelu(F, approximate=False),
    "elu": lambda o: o.elu(F), "selu": lambda o: o.selu(F), "leaky_relu": lambda o: o.leaky_relu(F),
    "relu6": lambda o: o.relu6(F * 4), "hard_sigmoid": lambda o: o.hard_sigmoid(F * 2),
    "softsign": lambda o: o.softsign(F), "log_sigmoid": lambda o: o.log_sigmoid(F),
    "binary_crossentropy": lambda o: o.binary_crossentropy(np.array([[0, 1], [1, 0]], np.float32), np.array([[0.2, 0.7], [0.6, 0.1]], np.float32)),
    "categorical_crossentropy": lambda o: o.categorical_crossentropy(np.eye(3, dtype=np.float32), o.softmax(SQ)),
    "sparse_categorical_crossentropy": lambda o: o.sparse_categorical_crossentropy(np.array([0, 2, 1]), SQ, from_logits=True),
    "normalize": lambda o: o.normalize(F), "normalize_l1": lambda o: o.normalize(F, axis=0, order=1),
    "norm": lambda o: o.norm(F), "norm_axis": lambda o: o.norm(F, axis=1),
    "norm_ord1": lambda o: o.norm(F, ord=1, axis=0), "norm_fro": lambda o: o.norm(SQ, ord="fro"),
    "norm_inf_vec": lambda o: o.norm(V, ord=np.inf),
    "inv": lambda o: o.inv(SQ + 3 * np.eye(3, dtype=np.float32)),
    "det": lambda o: o.det(SQ), "slogdet": lambda o: o.slogdet(SQ),
    "solve": lambda o: o.solve(SQ + 3 * np.eye(3, dtype=np.float32), F[:, :2]),
    "cholesky": lambda o: o.cholesky(SQ @ SQ.T + np.eye(3, dtype=np.float32)),
    "svd_values": lambda o: o.svd(SQ, compute_uv=False),
    "eigh_values": lambda o: o.eigh(SQ @ SQ.T)[0],
    "qr_r_abs": lambda o: o.abs(o.qr(F.T)[1]),
    "pinv": lambda o: o.pinv(F), "matrix_rank": lambda o: o.matrix_rank(F),
    "solve_triangular": lambda o: o.solve_triangular(np.tril(SQ) + 3 * np.eye(3, dtype=np.float32), F[:, :2], lower=True),
    "lstsq": lambda o: o.lstsq(F.T, V[:4]),
    "logdet": lambda o: o.logdet(SQ @ SQ.T + np.eye(3, dtype=np.float32)),
    "convert_to_tensor": lambda o: o.convert_to_tensor([1, 2]),
    "convert_to_tensor_float": lambda o: o.convert_to_tensor([1.0, 2.0]),
    "convert_to_tensor_dtype": lambda o: o.convert_to_tensor(I, dtype="float32"),
    "convert_to_numpy": lambda o: o.convert_to_numpy(o.ones((2,))),
    "stop_gradient": lambda o: o.stop_gradient(F),
    "dtype": lambda o: o.dtype(F), "is_tensor": lambda o: o.is_tensor(np.ones(2)),
    "cond": lambda o: o.cond(True, lambda: o.ones((2,)), lambda: o.zeros((2,))),
    "fori_loop": lambda o: o.fori_loop(0, 5, lambda i, x: x + i, 0.5),
    "while_loop": lambda o: o.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s * 2.0), (0, 1.0)),
    "scan": lambda o: o.scan(lambda c, x: (c + x, c * x), 0.0, V),
    "map": lambda o: o.map(lambda x: x * 2.0, F),
    "switch": lambda o: o.switch(1, [lambda x: x + 1.0, lambda x: x * 3.0], F),
    "associative_scan": lambda o: o.associative_scan(lambda a, b: a + b, V),
    "saturate_cast": lambda o: o.saturate_cast(np.array([-300.0, 12.7, 400.0], np.float32), "uint8"),
    "vectorized_map": lambda o: o.vectorized_map(lambda x: o.sum(x * x), F),
    "erf": lambda o: o.erf(F), "erfinv": lambda o: o.erfinv(U),
    "rsqrt": lambda o: o.rsqrt(P), "logical_xor_int": lambda o: o.logical_xor(I, J),
    "extract_sequences": lambda o: o.extract_sequences(V, 2, 1),
    "in_top_k": lambda o: o.in_top_k(np.array([0, 3, 1]), F, 2),
    "ctc_loss_shape": lambda o: o.shape(o.ctc_loss(np.array([[1, 2]]), np.array([[[0.1, 0.5, 0.4]] * 4], np.float32), np.array([2]), np.array([4]))),
}
IMG = _rng.uniform(0, 1, (2, 6, 8, 3)).astype(np.float32)
KER = _rng.uniform(-1, 1, (3, 3, 3, 2)).astype(np.float32)
SEQ = _rng.uniform(-1, 1, (2, 7, 3)).astype(np.float32)
CASES.update({
    "image_resize": lambda o: o.image.resize(IMG, (4, 5)),
    "image_resize_nearest": lambda o: o.image.resize(IMG, (12, 4), interpolation="nearest"),
    "image_resize_bicubic_aa": lambda o: o.image.resize(IMG, (3, 4), interpolation="bicubic",
                                                        antialias=True),
    "image_resize_crop": lambda o: o.image.resize(IMG, (4, 4), crop_to_aspect_ratio=True),
    "image_resize_pad": lambda o: o.image.resize(IMG, (4, 4), pad_to_aspect_ratio=True),
    "image_grayscale": lambda o: o.image.rgb_to_grayscale(IMG),
    "image_hsv": lambda o: o.image.rgb_to_hsv(IMG),
    "image_hsv_back": lambda o: o.image.hsv_to_rgb(o.image.rgb_to_hsv(IMG)),
    "image_patches": lambda o: o.image.extract_patches(IMG, 2),
    "image_patches_strides": lambda o: o.image.extract_patches(IMG, (2, 3), strides=(2, 2)),
    "image_crop": lambda o: o.image.crop_images(IMG, 1, 2, target_height=3, target_width=4),
    "image_pad": lambda o: o.image.pad_images(IMG, 1, 2, target_height=9, target_width=11),
    "nn_conv2d": lambda o: o.conv(IMG, KER, padding="same"),
    "nn_conv2d_strided": lambda o: o.conv(IMG, KER, strides=2),
    "nn_conv1d": lambda o: o.conv(SEQ, KER[0], padding="causal" if False else "valid"),
    "nn_depthwise": lambda o: o.depthwise_conv(IMG, KER[..., :1]),
    "nn_separable": lambda o: o.separable_conv(IMG, KER[..., :1], KER[:1, :1, :, :]),
    "nn_max_pool": lambda o: o.max_pool(IMG, 2),
    "nn_average_pool_same": lambda o: o.average_pool(IMG, 3, strides=2, padding="same"),
    "nn_max_pool1d": lambda o: o.max_pool(SEQ, 2),
    "nn_conv_channels_first": lambda o: o.conv(np.transpose(IMG, (0, 3, 1, 2)), KER,
                                               data_format="channels_first"),
    "nn_batch_normalization": lambda o: o.batch_normalization(F, V[:4], P[0], axis=1,
                                                              offset=G[0], scale=P[1]),
    "nn_layer_normalization": lambda o: o.layer_normalization(F, axis=-1),
    "nn_rms_normalization": lambda o: o.rms_normalization(F, scale=P[0]),
    "nn_dot_product_attention": lambda o: o.dot_product_attention(
        T3.reshape(1, 2, 3, 4), T3.reshape(1, 2, 3, 4)[:, ::-1], T3.reshape(1, 2, 3, 4)),
    "nn_dot_product_attention_causal": lambda o: o.dot_product_attention(
        T3.reshape(1, 2, 3, 4), T3.reshape(1, 2, 3, 4), T3.reshape(1, 2, 3, 4),
        is_causal=True),
    "nn_space_to_depth": lambda o: o.space_to_depth(IMG, 2),
    "nn_depth_to_space": lambda o: o.depth_to_space(np.tile(IMG, (1, 1, 1, 4)), 2),
    "nn_psnr": lambda o: o.psnr(IMG, IMG * 0.9, 1.0),
    "nn_glu": lambda o: o.glu(F), "nn_celu": lambda o: o.celu(F),
    "nn_sparsemax": lambda o: o.sparsemax(F), "nn_squareplus": lambda o: o.squareplus(F),
    "nn_hard_silu": lambda o: o.hard_silu(F * 3), "nn_threshold": lambda o: o.threshold(F, 0.5, -1.0),
    "nn_soft_shrink": lambda o: o.soft_shrink(F), "nn_tanh_shrink": lambda o: o.tanh_shrink(F),
    "nn_sparse_plus": lambda o: o.sparse_plus(F), "nn_hard_tanh": lambda o: o.hard_tanh(F),
    "nn_multi_hot_1d": lambda o: o.multi_hot(np.array([0, 2, 2]), 4),
    "nn_ctc_loss": lambda o: o.ctc_loss(np.array([[1, 2, 0]]), np.log(np.full((1, 5, 4), 0.25, np.float32)), np.array([2]), np.array([5])),
    "nn_log_softmax_axes": lambda o: o.log_softmax(T3, axis=(1, 2)),
    "segment_min": lambda o: o.segment_min(F, np.array([0, 0, 1])),
    "segment_prod": lambda o: o.segment_prod(F, np.array([0, 2, 2]), num_segments=3),
    "cdist": lambda o: o.cdist(F, G), "cdist_batched": lambda o: o.cdist(T3, T3[:, :2]),
    "image_affine": lambda o: o.image.affine_transform(IMG, np.array([1.1, 0.1, -0.5, -0.05, 0.9, 0.3, 0.001, 0.0], np.float32)),
    "image_affine_batch_nearest_reflect": lambda o: o.image.affine_transform(IMG, np.array([[1, 0, 1.5, 0, 1, -2, 0, 0], [0.8, -0.2, 0, 0.2, 0.8, 0, 0, 0]], np.float32), interpolation="nearest", fill_mode="reflect"),
    "image_affine_single_wrap": lambda o: o.image.affine_transform(IMG[0], np.array([1, 0.3, -1, 0, 1, 2, 0, 0], np.float32), fill_mode="wrap"),
    "image_sobel": lambda o: o.image.sobel_edges(IMG),
    "image_gaussian_blur": lambda o: o.image.gaussian_blur(IMG),
    "image_gaussian_blur_5": lambda o: o.image.gaussian_blur(IMG[0], kernel_size=(5, 5), sigma=(2.0, 2.0)),
})

for _key, _fn in CASES.items():
    _add(f"case_{_key}", lambda tf, fn=_fn: fn(tf.keras.ops))

GRADIENTS = {
    "mean_square": lambda o, x: o.mean(o.square(x)),
    "logsumexp": lambda o, x: o.sum(o.logsumexp(x, axis=1)),
    "softmax_take": lambda o, x: o.sum(o.take(o.softmax(x), np.array([0, 3]), axis=1)),
    "norm": lambda o, x: o.norm(x),
    "cumprod": lambda o, x: o.sum(o.cumprod(x, axis=1)),
    "sort_top": lambda o, x: o.sum(o.sort(x)[:, -2:] * 2.0),
    "where_clip": lambda o, x: o.sum(o.where(x > 0, o.clip(x, 0.0, 1.0), x * x)),
    "einsum": lambda o, x: o.sum(o.einsum("ij,kj->ik", x, x)),
    "hypot_arctan2": lambda o, x: o.sum(o.hypot(x, 1.0) + o.arctan2(x, 2.0)),
    "var_std": lambda o, x: o.var(x) + o.std(x, axis=0)[1],
    "median_quantile": lambda o, x: o.median(x) + o.quantile(x, 0.25),
    "pad_roll_flip": lambda o, x: o.sum(o.pad(o.roll(o.flip(x, 0), 1, 1), ((1, 1), (1, 1))) * 1.5),
    "inv_det": lambda o, x: o.sum(o.inv(x[:, :3] + 3.0 * np.eye(3, dtype=np.float32))) + o.det(x[:, :3]),
    "logaddexp_cbrt": lambda o, x: o.sum(o.logaddexp(x, 0.5) * o.cbrt(x + 3.0)),
    "prod_max": lambda o, x: o.prod(x, axis=0)[0] + o.max(x),
    "tril_trace_diag": lambda o, x: o.trace(o.tril(x[:, :3])) + o.sum(o.diagonal(x, 1)),
    "segment_sum": lambda o, x: o.sum(o.segment_sum(x, np.array([0, 1, 1])) ** 2),
    "gelu_silu": lambda o, x: o.sum(o.gelu(x) + o.silu(x)),
    "repeat_tile": lambda o, x: o.sum(o.repeat(x, 2, axis=1) * o.tile(x, (1, 2))),
    "take_along_axis": lambda o, x: o.sum(o.take_along_axis(x, np.array([[1], [0], [3]]), axis=1)),
}


def _gradient(tf, fn):
    x = tf.constant(F)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(tf.keras.ops, x)
    return [y, tape.gradient(y, x)]


for _key, _fn in GRADIENTS.items():
    _add(f"grad_{_key}", lambda tf, fn=_fn: _gradient(tf, fn))
