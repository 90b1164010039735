"""``repeat``, ``take``, ``skip``, ``shard`` and ``assert_cardinality``: which elements, how
often. Cardinalities follow TensorFlow's rules (e.g. repeating forever a dataset of unknown
length is infinite; taking from one of unknown length is unknown)."""

import numpy as np

from featherflow.data.dataset import INFINITE, UNKNOWN, Dataset
from featherflow.errors import FailedPreconditionError, InvalidArgumentError


def _int(value, what):
    if value is None:
        return -1
    try:
        return int(np.asarray(value.numpy() if hasattr(value, "numpy") else value))
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an integer, received {value!r}.") from None


def _close(it):
    getattr(it, "close", lambda: None)()


class _Unary(Dataset):
    def __init__(self, input_dataset, name=None):
        super().__init__([input_dataset], name=name)
        self._input = input_dataset

    def _compute_spec(self):
        return self._input.element_spec

    def _peek(self):
        return self._input._peek()


class RepeatDataset(_Unary):
    """The input ``count`` times over; forever for ``None`` or -1. Every repetition is a
    fresh pass, so a shuffle upstream reshuffles."""

    def __init__(self, input_dataset, count=None, name=None):
        super().__init__(input_dataset, name=name)
        self._count = _int(count, "repeat: count")

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if self._count < 0:
            return 0 if n == 0 else INFINITE
        if self._count == 0:
            return 0
        if n in (INFINITE, UNKNOWN):
            return n
        return n * self._count

    def _iterate(self):
        done = 0
        while self._count < 0 or done < self._count:
            it = self._input._iterate()
            produced = False
            try:
                for element in it:
                    produced = True
                    yield element
            finally:
                _close(it)
            done += 1
            if not produced:
                return  # an empty pass: repeating it forever would never yield


class TakeDataset(_Unary):
    """The first ``count`` elements; all of them for -1."""

    def __init__(self, input_dataset, count, name=None):
        super().__init__(input_dataset, name=name)
        self._count = _int(count, "take: count")

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if n == UNKNOWN:
            return UNKNOWN
        if self._count < 0:
            return n
        if n == INFINITE:
            return self._count
        return min(n, self._count)

    def _iterate(self):
        count = self._count
        if count == 0:
            return
        it = self._input._iterate()
        try:
            for i, element in enumerate(it):
                yield element
                if i + 1 == count:
                    return
        finally:
            _close(it)

    def _iterate_batches(self, batch_size, drop_remainder):
        fast = getattr(self._input, "_iterate_batches", None)
        n = self._input._compute_cardinality()
        if fast is None or n < 0 or self._count < 0 or self._count < n:
            return None
        return fast(batch_size, drop_remainder)


class SkipDataset(_Unary):
    """All but the first ``count`` elements; none for -1."""

    def __init__(self, input_dataset, count, name=None):
        super().__init__(input_dataset, name=name)
        self._count = _int(count, "skip: count")

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        if self._count < 0:
            return 0
        return max(0, n - self._count)

    def _peek(self):
        return Dataset._peek(self)  # the first element after the skipped ones

    def _iterate(self):
        if self._count < 0:
            return
        it = self._input._iterate()
        try:
            for i, element in enumerate(it):
                if i >= self._count:
                    yield element
        finally:
            _close(it)


class ShardDataset(_Unary):
    """Every ``num_shards``-th element, starting with element ``index``."""

    def __init__(self, input_dataset, num_shards, index, name=None):
        super().__init__(input_dataset, name=name)
        self._shards = _int(num_shards, "shard: num_shards")
        self._index = _int(index, "shard: index")
        if self._shards <= 0:
            raise InvalidArgumentError(
                f"shard: num_shards must be a positive integer, received {num_shards!r}.")
        if not 0 <= self._index < self._shards:
            raise InvalidArgumentError(
                f"shard: index must be in [0, num_shards) = [0, {self._shards}), received "
                f"{index!r}.")

    def _compute_cardinality(self):
        n = self._input._compute_cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        return n // self._shards + (1 if n % self._shards > self._index else 0)

    def _iterate(self):
        it = self._input._iterate()
        try:
            for i, element in enumerate(it):
                if i % self._shards == self._index:
                    yield element
        finally:
            _close(it)


class AssertCardinalityDataset(_Unary):
    """The input, checked to have exactly ``expected_cardinality`` elements."""

    def __init__(self, input_dataset, expected_cardinality, name=None):
        super().__init__(input_dataset, name=name)
        self._expected = _int(expected_cardinality, "assert_cardinality")

    def _compute_cardinality(self):
        return self._expected

    def _iterate(self):
        it = self._input._iterate()
        count = 0
        try:
            for element in it:
                count += 1
                if self._expected != INFINITE and count > self._expected:
                    raise FailedPreconditionError(
                        f"Input dataset was expected to contain {self._expected} elements "
                        "but contained at least one more.")
                yield element
        finally:
            _close(it)
        if count != self._expected:
            raise FailedPreconditionError(
                f"Input dataset was expected to contain {_describe(self._expected)} but "
                f"contained only {count} elements.")


def _describe(n):
    return "an infinite number of elements" if n == INFINITE else f"{n} elements"
