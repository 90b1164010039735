"""``tf.queue``: TF's queues (``FIFOQueue``, ``PaddingFIFOQueue``, ``PriorityQueue``,
``RandomShuffleQueue``) in eager mode, safe to share between Python threads.

An element is a tuple of components with the queue's dtypes (a dict when the queue has
``names``); ``enqueue_many``/``dequeue_many`` move a batch along a leading axis. As in TF,
``dequeue`` on an empty open queue and ``enqueue`` on a full one block until another thread
makes room or closes the queue; a closed queue refuses enqueues (``CancelledError``) and
raises ``OutOfRangeError`` once too few elements are left. ``RandomShuffleQueue`` picks each
dequeued element with TF's Philox draws for the same seeds, so a seeded program dequeues
TF's order.

    q = tf.queue.FIFOQueue(8, [tf.float32, tf.int32], shapes=[[2], []])
    q.enqueue_many([[[1.0, 2.0], [3.0, 4.0]], [7, 8]])
    features, label = q.dequeue()
"""

import threading

import numpy as np

from featherflow.api.dtypes import as_dtype, int64
from featherflow.autodiff.tensor import Tensor, TensorShape, as_array
from featherflow.backend import philox, stateless_random
from featherflow.data import seeds
from featherflow.data.structure import TensorSpec
from featherflow.errors import CancelledError, InvalidArgumentError, OutOfRangeError

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "PriorityQueue", "QueueBase",
           "RandomShuffleQueue"]


def _shape(shape):
    if shape is None or getattr(shape, "rank", 0) is None:
        # an unknown rank, as TF's TensorShape(None): what a TensorSpec of shape None holds
        return TensorSpec(None, np.float32).shape
    dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
    return TensorShape([None if d is None else int(d) for d in dims])


def _dims(shape):
    """A shape's dims as a list, or None for an unknown rank."""
    if shape.rank is None:
        return None
    return list(shape)


def _compatible(dims, actual):
    return dims is None or (len(dims) == len(actual) and all(
        d is None or d == a for d, a in zip(dims, actual)))


class QueueBase:
    """The shared queue: components, shapes, names, blocking and closing."""

    _kind = "Queue"

    def __init__(self, dtypes, shapes, names, name, capacity=-1):
        dtypes = list(dtypes) if isinstance(dtypes, (list, tuple)) else [dtypes]
        self._dtypes = [as_dtype(d) for d in dtypes]
        if shapes is None:
            self._shapes = [_shape(None) for _ in self._dtypes]
        else:
            shapes = list(shapes)
            if shapes and not isinstance(shapes[0], (list, tuple, TensorShape)) \
                    and not hasattr(shapes[0], "as_list"):
                shapes = [shapes]  # one component's shape given bare
            if len(shapes) != len(self._dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
            self._shapes = [_shape(s) for s in shapes]
        if names is not None:
            names = list(names) if isinstance(names, (list, tuple)) else [names]
            if len(names) != len(self._dtypes):
                raise ValueError("List of names must have the same length as the list of "
                                 f"dtypes, received len(names)={len(names)},"
                                 f"len(dtypes)={len(self._dtypes)}")
        self._names = names
        self._name = name
        self._capacity = int(capacity)
        self._closed = False
        self._cond = threading.Condition()

    # -- description ------------------------------------------------------------------
    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        return list(self._shapes)

    @property
    def names(self):
        return None if self._names is None else list(self._names)

    @property
    def name(self):
        return self._name

    def _fully_defined(self):
        return all(_dims(s) is not None and None not in _dims(s) for s in self._shapes)

    # -- components -------------------------------------------------------------------
    def _components(self, vals, many):
        if self._names is not None:
            if not isinstance(vals, dict):
                raise ValueError(f"Queue must have names to enqueue a dictionary; this one "
                                 f"has names {self._names}: enqueue a dict with those keys.")
            if sorted(vals) != sorted(self._names):
                raise ValueError(f"Keys in dictionary to enqueue do not match names of "
                                 f"Queue.  Dictionary: {sorted(vals)}, Queue: "
                                 f"{sorted(self._names)}")
            vals = [vals[n] for n in self._names]
        elif isinstance(vals, dict):
            raise ValueError("Queue must have names to enqueue a dictionary")
        elif not isinstance(vals, (list, tuple)):
            vals = [vals]
        if len(vals) != len(self._dtypes):
            expected = ", ".join(d.name for d in self._dtypes)
            got = ", ".join(np.asarray(getattr(v, "data", v)).dtype.name for v in vals)
            raise InvalidArgumentError(f"Signature mismatch, have: {got} expected: "
                                       f"{expected} (enqueue takes one value per component)")
        arrays = []
        for value, dtype, shape in zip(vals, self._dtypes, self._shapes):
            a = np.asarray(as_array(value, None if dtype.name == "string"
                                    else dtype.as_numpy_dtype))
            if dtype.name == "string" and a.dtype.kind != "O" and a.size == 0:
                a = a.astype(object)  # an empty list of strings
            dims = _dims(shape)
            element = a.shape[1:] if many else a.shape
            if many and a.ndim == 0:
                raise ValueError("Shape must be at least rank 1 to enqueue many, got a "
                                 "scalar.")
            if not _compatible(dims, element):
                raise ValueError(f"Shapes {tuple(element)} and {tuple(dims)} are "
                                 "incompatible")
            arrays.append(a)
        if many and len({a.shape[0] for a in arrays}) > 1:
            raise ValueError("All input tensors must have the same size in the 0th "
                             f"dimension; received {[a.shape[0] for a in arrays]}")
        return arrays

    def _result(self, arrays):
        tensors = [Tensor(a) for a in arrays]
        if self._names is not None:
            return dict(zip(self._names, tensors))
        return tensors[0] if len(tensors) == 1 else tensors

    # -- storage hooks (subclasses keep the elements) -----------------------------------
    def _count(self):
        return len(self._items)

    def _put(self, element):
        self._items.append(element)

    def _take(self):
        return self._items.pop(0)

    def _dequeue_ready(self, n):
        return self._count() >= n

    # -- operations -------------------------------------------------------------------
    def _closed_error(self):
        return CancelledError(None, None, f"{self._kind} '{self._name}' is closed.")

    def _insufficient(self, requested):
        return OutOfRangeError(None, None, f"{self._kind} '{self._name}' is closed and has "
                                           f"insufficient elements (requested {requested}, "
                                           f"current size {self._count()})")

    def enqueue(self, vals, name=None):
        """Add one element (blocks while the queue is full)."""
        element = self._components(vals, many=False)
        with self._cond:
            self._wait_for_room(1)
            self._put(element)
            self._cond.notify_all()

    def enqueue_many(self, vals, name=None):
        """Add the elements of a batch (sliced along axis 0), in order."""
        arrays = self._components(vals, many=True)
        with self._cond:
            for row in range(arrays[0].shape[0]):
                self._wait_for_room(1)
                self._put([np.asarray(a[row], a.dtype) for a in arrays])
                self._cond.notify_all()

    def _wait_for_room(self, n):
        while True:
            if self._closed:
                raise self._closed_error()
            if self._capacity < 0 or self._count() + n <= self._capacity:
                return
            self._cond.wait()

    def _dequeue(self, n, up_to):
        with self._cond:
            # once closed, what is left may all go (RandomShuffleQueue's min_after_dequeue
            # no longer holds elements back)
            while not (self._dequeue_ready(n) or (self._closed and self._count() >= n)):
                if self._closed:
                    if up_to and self._count() > 0:
                        n = self._count()
                        break
                    raise self._insufficient(n)
                self._cond.wait()
            taken = [self._take() for _ in range(n)]
            self._cond.notify_all()
        return taken

    def dequeue(self, name=None):
        """Remove one element (blocks while the queue is empty and open)."""
        return self._result(self._dequeue(1, up_to=False)[0])

    def _check_many(self):
        if not self._fully_defined():
            raise InvalidArgumentError(f"{self._kind}'s DequeueMany and DequeueUpTo require "
                                       "the components to have specified shapes.")

    def _stack(self, elements):
        return [np.stack([e[i] for e in elements]) if elements else
                np.zeros([0] + _dims(shape), dtype.as_numpy_dtype
                         if dtype.name != "string" else object)
                for i, (dtype, shape) in enumerate(zip(self._dtypes, self._shapes))]

    def dequeue_many(self, n, name=None):
        """Remove ``n`` elements as one batch (blocks until there are ``n``)."""
        self._check_many()
        return self._result(self._stack(self._dequeue(int(_value(n)), up_to=False)))

    def dequeue_up_to(self, n, name=None):
        """Remove up to ``n`` elements: ``n`` while open, what is left once closed."""
        self._check_many()
        return self._result(self._stack(self._dequeue(int(_value(n)), up_to=True)))

    def close(self, cancel_pending_enqueues=False, name=None):
        """Refuse further enqueues; dequeues drain what is left."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def is_closed(self, name=None):
        return Tensor(np.asarray(self._closed))

    def size(self, name=None):
        with self._cond:
            return Tensor(np.asarray(self._count(), np.int32))


def _value(x):
    return np.asarray(getattr(x, "data", x))


class FIFOQueue(QueueBase):
    """Elements come out in the order they went in."""

    _kind = "FIFOQueue"

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        super().__init__(dtypes, shapes, names, name, capacity)
        self._items = []


class PaddingFIFOQueue(FIFOQueue):
    """A FIFOQueue whose ``dequeue_many`` pads each component (unknown ``None`` dims) to the
    batch's largest shape with zeros (empty strings for strings)."""

    _kind = "PaddingFIFOQueue"

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        if any(_dims(s) is None for s in self._shapes):
            raise ValueError("All shapes must be fully defined (their rank known) in a "
                             f"PaddingFIFOQueue: {self._shapes}")

    def _check_many(self):
        """Known ranks are enough: unknown dims are padded."""

    def _stack(self, elements):
        out = []
        for i, dtype in enumerate(self._dtypes):
            parts = [np.asarray(e[i]) for e in elements]
            rank = len(_dims(self._shapes[i]))
            top = [max((p.shape[d] for p in parts), default=0) for d in range(rank)]
            fill = b"" if dtype.name == "string" else 0
            batch = np.full([len(parts)] + top, fill,
                            object if dtype.name == "string" else dtype.as_numpy_dtype)
            for row, part in enumerate(parts):
                batch[(row,) + tuple(slice(0, s) for s in part.shape)] = part
            out.append(batch)
        return out


class PriorityQueue(QueueBase):
    """Elements come out lowest priority first: the first component of each element is its
    int64 priority (not among ``types``), as TF's. Equal priorities come out in the order
    TF's ``std::priority_queue`` gives them (its binary heap, reproduced step by step)."""

    _kind = "PriorityQueue"

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = list(types) if isinstance(types, (list, tuple)) else [types]
        if shapes is not None:
            shapes = [[]] + [list(s) for s in shapes]
        if names is not None:
            names = ["priority"] + list(names) if isinstance(names, (list, tuple)) else names
        super().__init__([int64] + types, shapes, names, name, capacity)
        self._heap = []

    def _count(self):
        return len(self._heap)

    def _sift_up(self, hole, entry):
        # libstdc++'s __push_heap with TF's comparator (a larger priority sinks)
        heap = self._heap
        parent = (hole - 1) // 2
        while hole > 0 and heap[parent][0] > entry[0]:
            heap[hole] = heap[parent]
            hole = parent
            parent = (hole - 1) // 2
        heap[hole] = entry

    def _put(self, element):
        self._heap.append(None)
        self._sift_up(len(self._heap) - 1, (int(element[0]), element))

    def _take(self):
        # libstdc++'s pop_heap: the hole left at the top walks down to a leaf, then the
        # last entry is sifted up from there
        heap = self._heap
        top = heap[0]
        length = len(heap) - 1
        if length > 0:
            last = heap[length]
            hole = child = 0
            while child < (length - 1) // 2:
                child = 2 * (child + 1)
                if heap[child][0] > heap[child - 1][0]:
                    child -= 1
                heap[hole] = heap[child]
                hole = child
            if length % 2 == 0 and child == (length - 2) // 2:
                child = 2 * (child + 1)
                heap[hole] = heap[child - 1]
                hole = child - 1
            heap.pop()
            self._sift_up(hole, last)
        else:
            heap.pop()
        return top[1]


class RandomShuffleQueue(QueueBase):
    """Elements come out in a random order: each dequeue takes the element at TF's next
    Philox draw modulo the size (and moves the last one into its place), waiting while no
    more than ``min_after_dequeue`` elements are left (unless closed)."""

    _kind = "RandomShuffleQueue"

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,
                 seed=None, shared_name=None, name="random_shuffle_queue"):
        super().__init__(dtypes, shapes, names, name, capacity)
        self._min_after = int(min_after_dequeue)
        self._items = []
        first, second = seeds.get_seed(seed)
        if first is None:
            first, second = 0, 0
        first, second = seeds.resolve(first, second)
        key, counter = philox.seeds_to_key_counter(first, second)
        self._stream = stateless_random.KeyCounter(key, counter)
        self._drawn = 0
        self._buffer = []

    def _draw(self):
        """The next 32-bit sample of TF's ``SingleSampleAdapter<PhiloxRandom>``."""
        if not self._buffer:
            self._buffer = stateless_random.sample_bits(
                self._stream, 4, "RandomShuffleQueue", skip_blocks=self._drawn).tolist()
            self._drawn += 1
        return self._buffer.pop(0)

    def _dequeue_ready(self, n):
        return self._count() >= n + self._min_after

    def _take(self):
        index = self._draw() % len(self._items)
        element = self._items[index]
        self._items[index] = self._items[-1]
        self._items.pop()
        return element
