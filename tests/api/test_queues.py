"""tf.queue against TF 2.21 eager (tools/data_fixtures/queues.py): the four queues' order,
batching, padding, names, closing errors, and RandomShuffleQueue's seeded order."""

import threading

import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_queues_scenario, workdir = scenario_test("queues")


def test_dequeue_blocks_until_another_thread_enqueues():
    q = tf.queue.FIFOQueue(1, tf.int32, shapes=[[]])
    got = []
    reader = threading.Thread(target=lambda: got.append(int(q.dequeue())))
    reader.start()
    q.enqueue(5)
    reader.join(timeout=10)
    assert got == [5]
    q.enqueue(6)
    writer = threading.Thread(target=lambda: q.enqueue(7))  # blocks: capacity 1
    writer.start()
    assert int(q.dequeue()) == 6
    writer.join(timeout=10)
    assert int(q.size()) == 1 and int(q.dequeue()) == 7


def test_close_wakes_a_blocked_dequeue():
    q = tf.queue.FIFOQueue(2, tf.int32, shapes=[[]])
    errors = []

    def read():
        try:
            q.dequeue()
        except tf.errors.OutOfRangeError as err:
            errors.append(err)

    reader = threading.Thread(target=read)
    reader.start()
    q.close()
    reader.join(timeout=10)
    assert len(errors) == 1 and "is closed" in str(errors[0])


def test_dict_and_count_errors_say_what_is_expected():
    q = tf.queue.FIFOQueue(2, [tf.int32], names=["a"])
    with pytest.raises(ValueError, match="do not match names"):
        q.enqueue({"b": 1})
    with pytest.raises(ValueError, match="must have names"):
        tf.queue.FIFOQueue(2, tf.int32).enqueue({"a": 1})
