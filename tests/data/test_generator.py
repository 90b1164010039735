"""Dataset.from_generator against TF 2.21 (the gen_* scenarios of
tools/data_fixtures/sources_files.py), and what fixtures cannot show: messages, the original
exception kept as the cause, closing the generator, and the arguments' NumPy types."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError, UnknownError
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("sources_files", prefixes=("gen_",))


def _spec(shape, dtype):
    return tf.TensorSpec(shape, dtype)


def test_shape_error_names_element_and_expected_spec():
    def gen():
        yield [1.0, 2.0]
        yield [1.0, 2.0, 3.0]

    ds = tf.data.Dataset.from_generator(gen, output_signature=_spec((2,), tf.float32))
    with pytest.raises(InvalidArgumentError) as info:
        list(ds.as_numpy_iterator())
    message = str(info.value)
    assert "shape (3,)" in message and "shape (2,)" in message
    assert "element 1" in message and "<locals>.gen'" in message


def test_generator_exception_keeps_class_name_message_and_cause():
    def gen():
        yield 1
        yield 2
        raise KeyError("missing key")

    ds = tf.data.Dataset.from_generator(gen, output_signature=_spec((), tf.int64))
    it = iter(ds)
    assert [int(next(it)), int(next(it))] == [1, 2]
    with pytest.raises(UnknownError) as info:
        next(it)
    assert "KeyError" in str(info.value) and "missing key" in str(info.value)
    assert "element 2" in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)


def test_value_error_is_invalid_argument_and_still_a_value_error():
    def gen():
        raise ValueError("bad input")
        yield  # pragma: no cover - makes this a generator

    ds = tf.data.Dataset.from_generator(gen, output_signature=_spec((), tf.int64))
    with pytest.raises(ValueError, match="bad input"):
        list(ds)


def test_generator_is_closed_when_the_iterator_is():
    state = {"closed": 0}

    def gen():
        try:
            yield from range(100)
        finally:
            state["closed"] += 1

    ds = tf.data.Dataset.from_generator(gen, output_signature=_spec((), tf.int64))
    it = iter(ds)
    next(it)
    it.close()
    assert state["closed"] == 1
    assert [int(x) for x in ds.take(3)] == [0, 1, 2]
    assert state["closed"] == 2


def test_args_are_numpy_values_as_tf_passes_them():
    seen = []

    def gen(n, name, values, flag):
        seen.append((n, name, values, flag))
        yield from range(int(n))

    ds = tf.data.Dataset.from_generator(gen, args=(3, "abc", [1.5, 2.5], True),
                                        output_signature=_spec((), tf.int64))
    assert [int(x) for x in ds] == [0, 1, 2]
    n, name, values, flag = seen[0]
    assert type(n) is np.int32 and name == b"abc" and type(flag) is np.bool_
    assert values.dtype == np.float32 and values.tolist() == [1.5, 2.5]


def test_unknown_shape_spec_and_cardinality():
    ds = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3]]), output_types=tf.int32)
    spec = ds.element_spec
    assert spec.shape.rank is None and spec.dtype == tf.int32
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert [x.tolist() for x in ds.as_numpy_iterator()] == [[1, 2], [3]]


def test_dict_element_is_packed_in_signature_order():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([{"b": 2.0, "a": [1, 2]}]),
        output_signature={"a": _spec((None,), tf.int64), "b": _spec((), tf.float32)})
    (element,) = list(ds.as_numpy_iterator())
    assert list(element) == ["a", "b"]
    assert element["a"].dtype == np.int64 and element["b"].dtype == np.float32


def test_tensors_and_arrays_are_accepted():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([tf.constant([1.0, 2.0]), np.array([3.0, 4.0])]),
        output_signature=_spec((2,), tf.float32))
    assert [x.tolist() for x in ds.as_numpy_iterator()] == [[1.0, 2.0], [3.0, 4.0]]


def test_fit_reads_a_generator_dataset():
    def gen():
        rng = np.random.default_rng(0)
        for _ in range(64):
            x = rng.random(4).astype("float32")
            yield x, np.float32(x.sum())

    ds = tf.data.Dataset.from_generator(gen, output_signature=(
        _spec((4,), tf.float32), _spec((), tf.float32))).batch(16)
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(ds, epochs=3, verbose=0, shuffle=False)
    losses = history.history["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
