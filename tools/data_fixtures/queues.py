# ruff: noqa: E501 - a table of one-line scenarios
"""tf.queue from TF 2.21 eager: FIFOQueue, PaddingFIFOQueue, PriorityQueue and
RandomShuffleQueue (seeded: TF's Philox draws pick the dequeued element), enqueue/dequeue of
single elements, many and up-to, dicts with names, shapes checked, closing (OutOfRangeError /
CancelledError), size, and the argument errors."""

import numpy as np


def _fifo(tf):
    q = tf.queue.FIFOQueue(5, [tf.float32, tf.int32], shapes=[[2], []])
    q.enqueue([[1.0, 2.0], 7])
    q.enqueue_many([[[3.0, 4.0], [5.0, 6.0]], [8, 9]])
    first = q.dequeue()
    rest = q.dequeue_many(2)
    return [first, rest, q.size(), [d.name for d in q.dtypes], [s.as_list() for s in q.shapes], q.names]


def _fifo_single(tf):
    q = tf.queue.FIFOQueue(3, tf.float32)
    q.enqueue(1.5)
    q.enqueue([2.5])
    return [q.dequeue(), q.dequeue(), [d.name for d in q.dtypes], [s.as_list() if s.rank is not None else None for s in q.shapes]]


def _fifo_named(tf):
    q = tf.queue.FIFOQueue(4, [tf.int32, tf.string], shapes=[[], []], names=["id", "word"])
    q.enqueue({"id": 3, "word": "three"})
    q.enqueue_many({"id": [4, 5], "word": ["four", "five"]})
    return [q.dequeue(), q.dequeue_many(2), q.names]


def _closed(tf):
    q = tf.queue.FIFOQueue(4, tf.int32, shapes=[[]])
    q.enqueue_many([[1, 2, 3]])
    q.close()
    out = [q.is_closed(), q.dequeue_up_to(2), q.size()]
    out.append(q.dequeue_up_to(5))
    return out


def _closed_empty(tf):
    q = tf.queue.FIFOQueue(4, tf.int32, shapes=[[]])
    q.close()
    return q.dequeue()


def _closed_enqueue(tf):
    q = tf.queue.FIFOQueue(4, tf.int32, shapes=[[]])
    q.close()
    return q.enqueue(1)


def _closed_too_few(tf):
    q = tf.queue.FIFOQueue(4, tf.int32, shapes=[[]])
    q.enqueue(1)
    q.close()
    return q.dequeue_many(2)


def _padding(tf):
    q = tf.queue.PaddingFIFOQueue(5, [tf.int32, tf.string], shapes=[[None], [None]])
    q.enqueue([[1, 2, 3], ["a"]])
    q.enqueue([[4], ["b", "c"]])
    q.enqueue([[5, 6], []])
    return [q.dequeue_many(2), q.dequeue(), q.size()]


def _priority(tf):
    q = tf.queue.PriorityQueue(5, [tf.string], shapes=[[]])
    q.enqueue([tf.constant(3, tf.int64), "three"])
    q.enqueue_many([tf.constant([1, 5, 2], tf.int64), ["one", "five", "two"]])
    return [q.dequeue(), q.dequeue_many(2), q.size(), [d.name for d in q.dtypes]]


def _priority_ties(tf):
    q = tf.queue.PriorityQueue(20, [tf.int32], shapes=[[]])
    priorities = [3, 1, 3, 2, 1, 3, 1, 2, 2, 3, 1, 1]
    q.enqueue_many([tf.constant(priorities, tf.int64), list(range(len(priorities)))])
    out = [q.dequeue_many(5)]
    q.enqueue_many([tf.constant([1, 3, 2, 1], tf.int64), [100, 101, 102, 103]])
    out.append(q.dequeue_many(int(q.size())))
    return out


def _shuffle(tf, seed, n, min_after):
    q = tf.queue.RandomShuffleQueue(20, min_after, tf.int32, shapes=[[]], seed=seed)
    q.enqueue_many([list(range(n))])
    q.close()
    return [q.dequeue() for _ in range(n)]


def _shuffle_many(tf):
    tf.random.set_seed(3)
    q = tf.queue.RandomShuffleQueue(10, 0, [tf.int32, tf.float32], shapes=[[], [2]], seed=5)
    q.enqueue_many([list(range(6)), np.arange(12, dtype=np.float32).reshape(6, 2)])
    return [q.dequeue_many(3), q.dequeue_up_to(2), q.size()]


def _shuffle_closed_enqueue(tf):
    q = tf.queue.RandomShuffleQueue(4, 0, tf.int32, shapes=[[]], seed=1)
    q.close()
    return q.enqueue(1)


def _shuffle_closed_empty(tf):
    q = tf.queue.RandomShuffleQueue(4, 0, tf.int32, shapes=[[]], seed=1)
    q.close()
    return q.dequeue()


SCENARIOS = {
    "fifo": _fifo,
    "fifo_single_component": _fifo_single,
    "fifo_names": _fifo_named,
    "fifo_closed_up_to": _closed,
    "fifo_closed_empty_dequeue": _closed_empty,
    "fifo_closed_enqueue": _closed_enqueue,
    "fifo_closed_too_few": _closed_too_few,
    "fifo_wrong_shape": lambda tf: tf.queue.FIFOQueue(2, tf.float32, shapes=[[2]]).enqueue([[1.0, 2.0, 3.0]]),
    "fifo_wrong_count": lambda tf: tf.queue.FIFOQueue(2, [tf.float32, tf.int32]).enqueue([1.0]),
    "fifo_names_mismatch": lambda tf: tf.queue.FIFOQueue(2, [tf.float32], names=["a", "b"]),
    "fifo_many_needs_shapes": lambda tf: (lambda q: (q.enqueue(1.0), q.dequeue_many(1))[1])(tf.queue.FIFOQueue(2, tf.float32)),
    "padding": _padding,
    "padding_needs_shapes": lambda tf: tf.queue.PaddingFIFOQueue(2, [tf.int32]),
    "priority": _priority,
    "priority_ties": _priority_ties,
    "shuffle_seeded": lambda tf: _shuffle(tf, 7, 10, 0),
    "shuffle_seeded_min_after": lambda tf: _shuffle(tf, 11, 8, 3),
    "shuffle_global_and_op_seed": lambda tf: (tf.random.set_seed(4), _shuffle(tf, 2, 12, 0))[1],
    "shuffle_many": _shuffle_many,
    "shuffle_closed_enqueue": _shuffle_closed_enqueue,
    "shuffle_closed_empty": _shuffle_closed_empty,
    "priority_closed_empty": lambda tf: (lambda q: (q.close(), q.dequeue())[1])(tf.queue.PriorityQueue(3, [tf.int32], shapes=[[]])),
}
