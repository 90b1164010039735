"""``tf.random.Generator``, ``tf.random.Algorithm`` and the seed utilities of ``tf.random``
(``create_rng_state``, ``fold_in``, ``split``, ``get_global_generator``,
``set_global_generator``), TF 2.21's semantics and numbers.

A Generator's state is an int64 Variable ``[counter_low, counter_high, key]`` (Philox, TF's
layout): each draw reads Philox from that counter and key, then moves the counter 256 blocks
per value drawn, as TF's stateful kernels do; ``from_seed`` splits the seed into the three
64-bit words (padded on the left), so ``Generator.from_seed(1).normal([3])`` gives TF's
three numbers.

Example::

    >>> g = tf.random.Generator.from_seed(1)
    >>> g.normal([2]), g.uniform([2], maxval=10, dtype=tf.int32)
    >>> g.state                      # [counter_lo, counter_hi, key]
"""

import enum
import secrets

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.autodiff.variable import Variable
from featherflow.backend import stateless_random

__all__ = ["Algorithm", "Generator", "create_rng_state", "fold_in", "get_global_generator",
           "set_global_generator", "split"]

_STATE_SIZE = 3
_MASK64 = (1 << 64) - 1
_BLOCKS_PER_OUTPUT = 256


class Algorithm(enum.Enum):
    """The RNG algorithms TF names (featherflow runs Philox: ``AUTO_SELECT`` is Philox on the
    CPU, as in TF)."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _alg(alg):
    if alg is None:
        return Algorithm.PHILOX
    if isinstance(alg, Algorithm):
        value = alg
    elif isinstance(alg, str):
        names = {"philox": Algorithm.PHILOX, "threefry": Algorithm.THREEFRY,
                 "auto_select": Algorithm.AUTO_SELECT}
        if alg.lower() not in names:
            raise ValueError(f"Unsupported random algorithm {alg!r}: expected 'philox', "
                             "'threefry' or 'auto_select'.")
        value = names[alg.lower()]
    else:
        try:
            value = Algorithm(int(alg))
        except ValueError:
            raise ValueError(f"Unsupported random algorithm {alg!r}: expected 1 (Philox), 2 "
                             "(ThreeFry) or 3 (auto-select).") from None
    if value is Algorithm.THREEFRY:
        raise ValueError("featherflow's Generator runs Philox only (TF's CPU default); the "
                         "ThreeFry algorithm is not available: use alg='philox'.")
    return Algorithm.PHILOX if value is Algorithm.AUTO_SELECT else value


def _to_signed(word):
    word &= _MASK64
    return word - (1 << 64) if word >= 1 << 63 else word


def create_rng_state(seed, alg):
    """The int64 state ``[counter_lo, counter_hi, key]`` for ``seed`` (an int of any size,
    split into 64-bit words lowest first, or a list of words), padded with zeros on the left
    as TF does."""
    _alg(alg)
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = []
        for _ in range(_STATE_SIZE):
            words.append(seed & _MASK64)
            seed >>= 64
    else:
        words = [int(w) & _MASK64 for w in np.asarray(getattr(seed, "data", seed)).reshape(-1)]
    words = words[:_STATE_SIZE]
    words = [0] * (_STATE_SIZE - len(words)) + words
    return np.array([_to_signed(w) for w in words], np.int64)


class Generator:
    """A random-number generator with its own state, TF's ``tf.random.Generator``."""

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            if state is not None or alg is not None:
                raise ValueError("Generator: pass either copy_from or (state, alg), not both.")
            state, alg = copy_from.state.numpy(), copy_from.algorithm
        elif state is None:
            raise ValueError("Generator: state is required (or use Generator.from_seed / "
                             "from_non_deterministic_state).")
        self._alg = _alg(alg)
        words = np.asarray(getattr(state, "data", state)).astype(np.int64).reshape(-1)
        if words.shape != (_STATE_SIZE,):
            raise ValueError(f"Generator: a Philox state has {_STATE_SIZE} int64 words; "
                             f"received shape {list(words.shape)}.")
        self._state_var = Variable(words.copy(), trainable=False, name="StateVar",
                                   dtype=np.int64)

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def from_seed(cls, seed, alg=None):
        return cls(state=create_rng_state(seed, alg), alg=alg)

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state, alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        counter = [int(c) for c in np.asarray(getattr(counter, "data", counter)).reshape(-1)]
        if len(counter) != 2:
            raise ValueError(f"Generator.from_key_counter: a Philox counter has 2 words; "
                             f"received {len(counter)}.")
        return cls(state=np.array(counter + [int(np.asarray(getattr(key, "data", key)))],
                                  np.int64), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        words = [_to_signed(secrets.randbits(64)) for _ in range(_STATE_SIZE)]
        return cls(state=np.array(words, np.int64), alg=alg)

    # -- state ----------------------------------------------------------------------------
    @property
    def state(self):
        return self._state_var

    @property
    def algorithm(self):
        return self._alg.value

    @property
    def key(self):
        return Tensor(np.asarray(self._words()[2], np.uint64).astype(np.int64))

    def _words(self):
        return [int(w) & _MASK64 for w in self._state_var.numpy()]

    def _set_words(self, words):
        self._state_var.assign(np.array([_to_signed(w) for w in words], np.int64))

    def reset(self, state):
        self._set_words([int(w) for w in np.asarray(getattr(state, "data", state)).reshape(-1)])

    def reset_from_seed(self, seed):
        self.reset(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key, counter):
        counter = [int(c) for c in np.asarray(getattr(counter, "data", counter)).reshape(-1)]
        self.reset(np.array(counter + [int(np.asarray(getattr(key, "data", key)))], np.int64))

    def skip(self, delta):
        """Advance the state as ``delta`` draws of one value would."""
        self._take(int(np.asarray(getattr(delta, "data", delta))))

    def _take(self, values):
        """The Philox stream at the current state, and move the counter ``values * 256``."""
        return self._take_blocks(values * _BLOCKS_PER_OUTPUT)

    def _take_blocks(self, blocks):
        """The Philox stream at the current state, and move the counter ``blocks`` blocks."""
        low, high, key = self._words()
        counter = (low & 0xFFFFFFFF, low >> 32, high & 0xFFFFFFFF, high >> 32)
        stream = stateless_random.KeyCounter((key & 0xFFFFFFFF, key >> 32), counter)
        nxt = stateless_random.advance(counter, blocks)
        self._set_words([nxt[0] | nxt[1] << 32, nxt[2] | nxt[3] << 32, key])
        return stream

    # -- draws ----------------------------------------------------------------------------
    @staticmethod
    def _shape(shape):
        return tuple(int(s) for s in np.asarray(getattr(shape, "data", shape)).reshape(-1))

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=np.float32, name=None):
        shape, dt = self._shape(shape), np.dtype(dtype)
        z = stateless_random.standard_normal(shape, self._take(_count(shape)), dt,
                                             "Generator.normal")
        return Tensor((z * np.asarray(_v(stddev), dt) + np.asarray(_v(mean), dt)).astype(dt))

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=np.float32, name=None):
        shape, dt = self._shape(shape), np.dtype(dtype)
        z = stateless_random.standard_truncated_normal(shape, self._take(_count(shape)), dt,
                                                       "Generator.truncated_normal")
        return Tensor((z * np.asarray(_v(stddev), dt) + np.asarray(_v(mean), dt)).astype(dt))

    def uniform(self, shape, minval=0, maxval=None, dtype=np.float32, name=None):
        shape, dt = self._shape(shape), np.dtype(dtype)
        if dt.kind in "iu":
            if maxval is None:
                if _v(minval) != 0:
                    raise ValueError("Generator.uniform: minval must be 0 when maxval is None "
                                     "for an integer dtype (the full range).")
                return self.uniform_full_int(shape, dt)
            return Tensor(stateless_random.uniform(shape, self._take(_count(shape)), _v(minval),
                                                   _v(maxval), dt, "Generator.uniform"))
        hi = 1.0 if maxval is None else _v(maxval)
        return Tensor(stateless_random.uniform(shape, self._take(_count(shape)), _v(minval), hi,
                                               dt, "Generator.uniform"))

    def uniform_full_int(self, shape, dtype=np.uint64, name=None):
        shape = self._shape(shape)
        return Tensor(stateless_random.full_int(shape, self._take(_count(shape)),
                                                np.dtype(dtype), "Generator.uniform_full_int"))

    def binomial(self, shape, counts, probs, dtype=np.int32, name=None):
        """Binomial(counts, probs) draws of ``shape`` (the parameters broadcast to its trailing
        dimensions), TF's inversion / BTRS kernel on this generator's stream."""
        from featherflow.api.random import _binomial_params
        from featherflow.backend import random_samplers

        shape = self._shape(shape)
        n, p, samples = _binomial_params(shape, counts, probs, "Generator.binomial")
        # TF's kernel moves the state as for num_batches * 2 * 100 * (samples + 3) / 4 values
        batches = _count(shape) // max(samples, 1) if samples else 0
        key, counter = self._take(batches * 2 * 100 * (samples + 3) // 4)
        return Tensor(random_samplers.binomial(samples, n, p, key, counter).reshape(shape)
                      .astype(np.dtype(dtype)))

    def make_seeds(self, count=1):
        """``count`` seed pairs for the stateless ops, shape ``[2, count]``."""
        keys = self.uniform_full_int([count], np.int64).numpy()
        return Tensor(np.stack([keys, np.zeros_like(keys)]))

    def split(self, count=1):
        """``count`` new independent generators (state ``[0, 0, key]`` each)."""
        keys = self.uniform_full_int([count], np.int64).numpy()
        return [Generator(state=np.array([0, 0, k], np.int64), alg=self._alg) for k in keys]

    def __repr__(self):
        state = self._state_var.numpy().tolist()
        return f"<tf.random.Generator state={state} alg={self._alg.value}>"


def _count(shape):
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


def _v(x):
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


_GLOBAL_GENERATOR = None


def get_global_generator():
    """The global generator (from a non-deterministic state on first use, as TF)."""
    global _GLOBAL_GENERATOR
    if _GLOBAL_GENERATOR is None:
        _GLOBAL_GENERATOR = Generator.from_non_deterministic_state()
    return _GLOBAL_GENERATOR


def set_global_generator(generator):
    global _GLOBAL_GENERATOR
    if not isinstance(generator, Generator):
        raise TypeError(f"set_global_generator: expected a tf.random.Generator; received "
                        f"{type(generator).__name__}.")
    _GLOBAL_GENERATOR = generator


def _seed_tensor(seed, op):
    s = as_array(seed)
    if s.shape != (2,) or s.dtype.kind not in "iu":
        raise ValueError(f"{op}: seed must be a shape [2] integer tensor; received "
                         f"{s.tolist()!r}.")
    return s


def split(seed, num=2, alg="auto_select"):
    """``num`` new seeds from ``seed`` (shape ``[num, 2]``, the seed's dtype)."""
    s = _seed_tensor(seed, "random.split")
    return Tensor(stateless_random.full_int((int(num), 2), s, s.dtype, "random.split"))



def fold_in(seed, data, alg="auto_select"):
    """A new seed ``[r, data]`` with ``r`` drawn from ``seed`` (e.g. a replica id folded into
    a master seed)."""
    s = _seed_tensor(seed, "random.fold_in")
    d = as_array(data)
    first = stateless_random.full_int((), s, d.dtype, "random.fold_in")
    return Tensor(np.stack([first, d.astype(d.dtype)]))
