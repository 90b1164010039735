"""``Dataset.choose_from_datasets`` and ``Dataset.sample_from_datasets``: elements taken from
several datasets, in the order an index dataset gives or at random, as TensorFlow does.

Both are TensorFlow's directed interleave: each element of a selector picks the dataset the
next element comes from; a picked dataset that has ended stops everything when
``stop_on_empty_dataset`` is true, and is skipped otherwise (the end comes when every dataset
has ended, or the selector has).

``sample_from_datasets`` draws its selector the way TF 2.21 does, so a seeded pipeline gives
TensorFlow's exact order: ``Dataset.random(seed)`` (32-bit Philox samples, seeded by the rules
of ``featherflow.data.seeds``, the same seeds every pass unless
``rerandomize_each_iteration=True``) taken two at a time as the seed of a stateless multinomial
draw over ``log(weights)``. Without any seed the order is random and only the proportions
follow the weights.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend.philox import PhiloxStream
from featherflow.data import seeds as seed_rules
from featherflow.data import structure
from featherflow.data.dataset import INFINITE, UNKNOWN, Dataset
from featherflow.errors import InvalidArgumentError

# The fixed key TF's stateless ops mix a seed pair with before using it.
_STATELESS_KEY = (0x3EC8F720, 0x02461E29)
_MANTISSA = float(2**52)
# Philox4x32-10's constants (featherflow.backend.philox has the single-key form).
_MULTIPLIERS = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_KEY_INCREMENTS = (np.uint64(0x9E3779B9), np.uint64(0xBB67AE85))
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
_CHUNK = 256


def _check_datasets(datasets):
    if isinstance(datasets, Dataset) or not isinstance(datasets, (list, tuple)):
        raise TypeError(f"Invalid `datasets`. `datasets` should be a list of `tf.data.Dataset`s "
                        f"but is {type(datasets)}.")
    datasets = list(datasets)
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    for i, d in enumerate(datasets):
        if not isinstance(d, Dataset):
            raise TypeError(f"Invalid `datasets`. `datasets[{i}]` should be a `tf.data.Dataset` "
                            f"but is {type(d)}.")
    return datasets


def _common_spec(datasets):
    """The spec every dataset's elements fit (differing dims unknown); TypeError when the
    structures or dtypes differ."""
    first = datasets[0].element_spec
    specs = [structure.flatten(first)]
    for i, d in enumerate(datasets[1:], start=1):
        spec = d.element_spec
        leaves = structure.flatten(spec)
        if not structure.same_structure(first, spec) or any(
                a.dtype != b.dtype for a, b in zip(specs[0], leaves)):
            raise TypeError(
                f"Invalid `datasets`. `datasets` must have compatible element specs.\n Dataset 0 "
                f"element_spec={first!r}.\nDataset {i} element_spec={spec!r}. Cast or map the "
                "datasets to the same structure and dtypes first.")
        specs.append(leaves)
    relaxed = [s._with_shape(_relax_all([leaves[j]._shape for leaves in specs]))
               for j, s in enumerate(specs[0])]
    return structure.pack_as(first, relaxed)


def _relax_all(shapes):
    out = shapes[0]
    for shape in shapes[1:]:
        out = structure.relax_shape(out, shape)
    return out


class DirectedInterleaveDataset(Dataset):
    """Elements of ``datasets``, each from the one the next ``selector`` element names."""

    def __init__(self, selector, datasets, stop_on_empty_dataset):
        super().__init__([selector, *datasets])
        self._selector = selector
        self._datasets = datasets
        self._stop = bool(stop_on_empty_dataset)

    def _compute_spec(self):
        return _common_spec(self._datasets)

    def _compute_cardinality(self):
        # TF's rule: one infinite input makes the result infinite, otherwise it is unknown.
        if any(d._compute_cardinality() == INFINITE for d in self._datasets):
            return INFINITE
        return UNKNOWN

    def _indices(self):
        """The selector's indices, as Python ints."""
        it = self._selector._iterate()
        try:
            for element in it:
                yield int(element)
        finally:
            getattr(it, "close", lambda: None)()

    def _iterate(self):
        inputs = [d._iterate() for d in self._datasets]
        active = len(inputs)
        selector = self._indices()
        try:
            for index in selector:
                if not 0 <= index < len(inputs):
                    raise InvalidArgumentError(
                        f"Selector index out of range: {index} >= {len(inputs)} (the "
                        f"choice dataset must give indices 0..{len(inputs) - 1} of `datasets`).")
                source = inputs[index]
                if source is None:
                    continue
                element = next(source, _END)
                if element is not _END:
                    yield element
                    continue
                if self._stop:
                    return
                inputs[index] = None
                getattr(source, "close", lambda: None)()
                active -= 1
                if active == 0:
                    return
        finally:
            selector.close()
            for it in inputs:
                if it is not None:
                    getattr(it, "close", lambda: None)()


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    """Elements of ``datasets`` in the order of the indices of ``choice_dataset`` (scalar
    int64s), as ``tf.data.Dataset.choose_from_datasets``.

    Example::

        >>> datasets = [tf.data.Dataset.from_tensors("foo").repeat(),
        ...             tf.data.Dataset.from_tensors("bar").repeat()]
        >>> choice = tf.data.Dataset.range(2).repeat(2)
        >>> list(tf.data.Dataset.choose_from_datasets(datasets, choice).as_numpy_iterator())
        [b'foo', b'bar', b'foo', b'bar']
    """
    datasets = _check_datasets(datasets)
    if not isinstance(choice_dataset, Dataset):
        raise TypeError(f"Invalid `choice_dataset`. `choice_dataset` should be a "
                        f"`tf.data.Dataset` but is {type(choice_dataset)}.")
    spec = choice_dataset.element_spec
    if not (isinstance(spec, structure.TensorSpec) and spec.dtype == np.int64
            and structure.shape_compatible(spec._shape, ())):
        raise TypeError(f"Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar "
                        f"`tf.int64` tensors but are {spec!r}. Cast it: "
                        "choice_dataset.map(lambda i: tf.cast(i, tf.int64)).")
    _common_spec(datasets)
    return DirectedInterleaveDataset(choice_dataset, datasets, stop_on_empty_dataset)


# -- sample_from_datasets -------------------------------------------------------------------------

def _philox_rows(key, counter):
    """One Philox4x32-10 block per row: ``key`` is two uint64 arrays of 32-bit words and
    ``counter`` four, row ``i`` using its own key and counter (``philox_blocks`` runs one key
    over consecutive counters; the stateless draws need a fresh key for every element)."""
    k0, k1 = (np.asarray(k, dtype=np.uint64) for k in key)
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in counter)
    for round_index in range(10):
        product0 = _MULTIPLIERS[0] * c0
        product1 = _MULTIPLIERS[1] * c2
        c0, c1, c2, c3 = ((product1 >> _SHIFT32) ^ c1 ^ k0, product1 & _LOW32,
                          (product0 >> _SHIFT32) ^ c3 ^ k1, product0 & _LOW32)
        if round_index < 9:
            k0 = (k0 + _KEY_INCREMENTS[0]) & _LOW32
            k1 = (k1 + _KEY_INCREMENTS[1]) & _LOW32
    return c0, c1, c2, c3


def stateless_uniforms(seed0, seed1):
    """The uniform double TF's ``stateless_multinomial`` draws for each seed pair
    ``(seed0[i], seed1[i])`` (uint64 arrays): the pair is mixed with TF's fixed key into a
    Philox key and counter, whose first two samples make the 52 bits of the double."""
    seed0, seed1 = np.asarray(seed0, np.uint64), np.asarray(seed1, np.uint64)
    zero = np.zeros_like(seed0)
    mix = _philox_rows((zero + _STATELESS_KEY[0], zero + _STATELESS_KEY[1]),
                       (seed0 & _LOW32, seed0 >> _SHIFT32, seed1 & _LOW32, seed1 >> _SHIFT32))
    x0, x1, _, _ = _philox_rows((mix[0], mix[1]), (zero, zero, mix[2], mix[3]))
    return ((x0 & np.uint64(0xFFFFF)) << _SHIFT32 | x1).astype(np.float64) / _MANTISSA


def stateless_categorical(seed0, seed1, logits):
    """The class TF's ``stateless_multinomial(logits[None], 1, seed=[seed0, seed1])`` draws,
    for arrays of seed pairs: each uniform located in the running sum of ``exp(logit - max)``."""
    cdf = _cdf(logits)
    return np.searchsorted(cdf, stateless_uniforms(seed0, seed1) * cdf[-1], side="right")


def _cdf(logits):
    logits = np.asarray(logits)
    finite = np.isfinite(logits)
    peak = logits[finite].max() if finite.any() else np.finfo(logits.dtype).min
    weights = np.where(finite, np.exp(logits.astype(np.float64) - float(peak)), 0.0)
    return np.cumsum(weights)


def _log(weights):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(weights)


class _RandomSelector(Dataset):
    """Indices drawn as TF's sample_from_datasets draws them, from constant logits or from
    the logits of a weights dataset."""

    def __init__(self, logits, weights_dataset, seed, rerandomize):
        super().__init__([weights_dataset] if weights_dataset is not None else [])
        self._logits = logits
        self._weights = weights_dataset
        self._seeds = seed_rules.SeedGenerator(*seed_rules.dataset_seeds(seed),
                                               bool(rerandomize))

    def _compute_spec(self):
        return structure.TensorSpec((), "int64")

    def _compute_cardinality(self):
        return INFINITE if self._weights is None else self._weights._compute_cardinality()

    def _iterate(self):
        return self._run(PhiloxStream(*self._seeds.next_seeds(), chunk=256))

    def _run(self, stream):
        if self._weights is not None:
            yield from self._varying(stream)
            return
        # Constant logits: a run of draws at once, two 32-bit samples seeding each.
        while True:
            samples = stream.take(2 * _CHUNK).astype(np.uint64)
            indices = stateless_categorical(samples[0::2], samples[1::2], self._logits)
            for index in indices.tolist():
                yield np.array(index, dtype=np.int64)

    def _varying(self, stream):
        weights = self._weights._iterate()
        try:
            for element in weights:
                samples = stream.take(2).astype(np.uint64)
                index = stateless_categorical(samples[:1], samples[1:],
                                              _log(np.asarray(element)))[0]
                yield np.array(index, dtype=np.int64)
        finally:
            getattr(weights, "close", lambda: None)()


def _weights_array(weights):
    array = weights.data if isinstance(weights, Tensor) else structure.to_array(weights)
    if array.dtype.kind not in "fiu":
        raise TypeError(f"Invalid `weights`. `weights` type must be either `tf.float32` or "
                        f"`tf.float64` but is {array.dtype}.")
    return array if array.dtype.kind == "f" else array.astype(np.float32)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                         rerandomize_each_iteration=None):
    """Elements of ``datasets`` picked at random, dataset ``i`` with probability
    ``weights[i] / sum(weights)`` (uniform without weights), as
    ``tf.data.Dataset.sample_from_datasets``; with a seed (``seed=`` or
    ``tf.random.set_seed``) the order is TensorFlow's, draw for draw.

    Example::

        >>> a = tf.data.Dataset.range(0, 10)
        >>> b = tf.data.Dataset.range(100, 110)
        >>> ds = tf.data.Dataset.sample_from_datasets([a, b], weights=[0.8, 0.2], seed=1)
        >>> [int(x) for x in ds.take(6)]
        [100, 0, 1, 2, 3, 4]
    """
    datasets = _check_datasets(datasets)
    weights_dataset, logits = None, None
    if isinstance(weights, Dataset):
        weights_dataset = weights
    else:
        if weights is None:
            logits = np.ones(len(datasets), dtype=np.float32)
        else:
            if isinstance(weights, Tensor):
                if weights.data.shape not in ((len(datasets),), ()):
                    raise ValueError(
                        f"Invalid `weights`. The shape of `weights` should be compatible with "
                        f"`[len(datasets)]` but is {weights.data.shape}.")
            elif len(weights) != len(datasets):
                raise ValueError(
                    f"Invalid `weights`. `weights` should have the same length as `datasets` "
                    f"but got `len(weights)={len(weights)}` vs. "
                    f"`len(datasets)={len(datasets)}`.")
            if not isinstance(weights, Tensor):
                # As TF: datasets of weight <= 0 are left out before anything else.
                kept = [(d, w) for d, w in zip(datasets, weights) if w > 0]
                datasets = [d for d, _ in kept] or [datasets[0].take(0)]
                weights = [w for _, w in kept] or [1.0]
            logits = _log(_weights_array(weights))
        if len(datasets) == 1:
            return datasets[0]
    _common_spec(datasets)
    selector = _RandomSelector(logits, weights_dataset, seed, rerandomize_each_iteration)
    return DirectedInterleaveDataset(selector, datasets, stop_on_empty_dataset)


_END = object()
